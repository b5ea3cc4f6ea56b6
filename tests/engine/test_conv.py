"""Convolutional layers as the tutorials use them: the 60-minute blitz's LeNet, run by the engine and by
PyTorch from the same weights, and the layers' shapes, initial values and printed forms."""
from __future__ import annotations

import numpy as np
import pytest

import graphstudio.engine as gs
from tests.oracle import needs_torch, torch


def lenet(torch_module):
    """The blitz's network, written once for either library."""
    nn, F = torch_module.nn, torch_module.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, input):
            c1 = F.relu(self.conv1(input))
            s2 = F.max_pool2d(c1, (2, 2))
            c3 = F.relu(self.conv2(s2))
            s4 = F.max_pool2d(c3, 2)
            s4 = torch_module.flatten(s4, 1)
            f5 = F.relu(self.fc1(s4))
            f6 = F.relu(self.fc2(f5))
            return self.fc3(f6)

    return Net()


@needs_torch
def test_lenet_forward_and_backward_match_pytorch_with_the_same_weights():
    torch.manual_seed(0)
    theirs, ours = lenet(torch), lenet(gs)
    ours.load_state_dict({k: gs.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 1, 32, 32)).astype(np.float32)
    target = np.random.default_rng(1).standard_normal((4, 10)).astype(np.float32)

    out_t = theirs(torch.tensor(x))
    loss_t = torch.nn.MSELoss()(out_t, torch.tensor(target))
    loss_t.backward()
    out_o = ours(gs.tensor(x))
    loss_o = gs.nn.MSELoss()(out_o, gs.tensor(target))
    loss_o.backward()

    np.testing.assert_allclose(out_o.detach().numpy(), out_t.detach().numpy(), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(loss_o.item(), loss_t.item(), rtol=1e-5)
    assert out_o.grad_fn.name() == out_t.grad_fn.name()
    grads_t = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), grads_t[name].grad.numpy(), rtol=1e-4, atol=1e-7, err_msg=name)


@needs_torch
def test_lenet_prints_as_pytorchs():
    assert repr(lenet(gs)) == repr(lenet(torch))


@needs_torch
@pytest.mark.parametrize("make", [
    lambda nn: nn.Conv2d(1, 6, 5), lambda nn: nn.Conv2d(1, 6, (3, 5), stride=2, padding=1, bias=False),
    lambda nn: nn.Conv2d(2, 4, 3, padding="same", dilation=2, groups=2), lambda nn: nn.MaxPool2d(2),
    lambda nn: nn.MaxPool2d((2, 2), 1), lambda nn: nn.AvgPool2d(2), lambda nn: nn.AvgPool2d(3, 2, 1)])
def test_layers_print_and_shape_their_parameters_as_pytorchs(make):
    ours, theirs = make(gs.nn), make(torch.nn)
    assert repr(ours) == repr(theirs)
    assert [tuple(p.shape) for p in ours.parameters()] == [tuple(p.shape) for p in theirs.parameters()]
    x = np.random.default_rng(0).standard_normal((2, ours.in_channels if hasattr(ours, "in_channels") else 3, 9, 9))
    ours_out, theirs_out = ours(gs.tensor(x, dtype=gs.float32)), theirs(torch.tensor(x, dtype=torch.float32))
    assert tuple(ours_out.shape) == tuple(theirs_out.shape)


def test_conv2d_starts_uniform_within_one_over_sqrt_fan_in():
    gs.manual_seed(0)
    conv = gs.nn.Conv2d(4, 32, 3, groups=2)
    bound = 1 / np.sqrt(2 * 3 * 3)  # in_channels / groups * kernel area
    w, b = conv.weight.detach().numpy(), conv.bias.detach().numpy()
    assert w.dtype == np.float32 and np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert np.abs(w).max() > 0.9 * bound  # spread over the whole interval (576 draws)
    assert abs(w.mean()) < 0.1 * bound


def test_conv2d_refuses_what_pytorch_refuses():
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        gs.nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(RuntimeError, match="expected input\\[1, 2, 5, 5\\] to have 3 channels"):
        gs.nn.Conv2d(3, 4, 3)(gs.randn(2, 5, 5))
