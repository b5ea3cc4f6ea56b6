"""What the generated op tests cannot check: dropout's random mask, data-dependent errors of the
losses, the clamped logs of binary_cross_entropy, warnings, and the large-tensor path of reductions."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphstudio.engine as gs
from graphstudio.engine.nn import functional as F

from tests.oracle import needs_torch, torch



# -- dropout --------------------------------------------------------------------------------------
@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_dropout_zeroes_with_probability_p_and_scales_the_rest(p):
    gs.manual_seed(0)
    x = gs.ones(200, 100, dtype=gs.float64, requires_grad=True)
    y = F.dropout(x, p)
    out = y.host()
    kept = out != 0
    np.testing.assert_allclose(out[kept], 1 / (1 - p))
    assert abs(1 - kept.mean() - p) < 0.02
    assert y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.host(), out)  # the gradient is the same mask, scaled


def test_dropout_is_seeded_by_manual_seed_and_keeps_the_dtype():
    x = gs.randn(8, 8)
    gs.manual_seed(3)
    a = F.dropout(x, 0.5).host()
    gs.manual_seed(3)
    b = F.dropout(x, 0.5).host()
    c = F.dropout(x, 0.5).host()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(b, c)
    assert F.dropout(x, 0.5).dtype is gs.float32


def test_dropout_draws_the_same_mask_on_every_device():
    data = np.random.default_rng(0).standard_normal((6, 5))
    outs = []
    for device in ("cpu", "strict"):
        gs.manual_seed(7)
        outs.append(F.dropout(gs.tensor(data, device=device), 0.4).host())
    np.testing.assert_array_equal(outs[0], outs[1])


def test_dropout_with_p_1_gives_zeros_and_in_evaluation_passes_the_input_through():
    x = gs.randn(3, 4, requires_grad=True)
    y = F.dropout(x, 1.0)
    assert not np.any(y.host())
    y.sum().backward()
    assert not np.any(x.grad.host())
    z = F.dropout(x, 0.5, training=False)
    np.testing.assert_array_equal(z.host(), x.host())


# -- class-index losses -----------------------------------------------------------------------------
@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize("bad", [5, 4, -1])
def test_class_targets_out_of_range_raise_pytorchs_message(loss, bad):
    x = gs.randn(3, 4)
    with pytest.raises(IndexError, match=f"Target {bad} is out of bounds."):
        getattr(F, loss)(x, gs.tensor([0, bad, 1]))


@needs_torch
def test_cross_entropy_with_every_target_ignored_is_nan_as_in_pytorch():
    x = np.random.default_rng(0).standard_normal((3, 4))
    t = [-100, -100, -100]
    ours = F.cross_entropy(gs.tensor(x), gs.tensor(t))
    theirs = torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor(t))
    assert np.isnan(ours.item()) and torch.isnan(theirs)
    assert F.cross_entropy(gs.tensor(x), gs.tensor(t), reduction="sum").item() == 0


@needs_torch
def test_cross_entropy_of_a_vector_with_a_one_element_target():
    x = np.random.default_rng(0).standard_normal(5)
    ours = F.cross_entropy(gs.tensor(x, requires_grad=True), gs.tensor([3]))
    theirs = torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor([3]))
    assert ours.shape == theirs.shape == ()
    np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-12)


def test_cross_entropy_trains_the_xor_shape_of_problem():
    gs.manual_seed(0)
    x = gs.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = gs.tensor([0, 1, 1, 0])
    w1 = gs.randn(8, 2, requires_grad=True)
    b1 = gs.zeros(8, requires_grad=True)
    w2 = gs.randn(2, 8, requires_grad=True)
    b2 = gs.zeros(2, requires_grad=True)
    opt = gs.optim.Adam([w1, b1, w2, b2], lr=0.05)
    for _ in range(300):
        opt.zero_grad()
        loss = F.cross_entropy(F.linear(F.relu(F.linear(x, w1, b1)), w2, b2), y)
        loss.backward()
        opt.step()
    assert loss.item() < 0.05


# -- binary cross entropy ---------------------------------------------------------------------------
@needs_torch
def test_binary_cross_entropy_clamps_its_logs_at_minus_100_without_warnings():
    p = np.array([0.0, 1.0, 0.5, 1.0, 0.0])
    t = np.array([0.0, 1.0, 0.5, 0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = F.binary_cross_entropy(gs.tensor(p), gs.tensor(t), reduction="none").host()
    theirs = torch.nn.functional.binary_cross_entropy(torch.tensor(p), torch.tensor(t), reduction="none").numpy()
    np.testing.assert_allclose(ours, theirs)
    assert ours[3] == ours[4] == 100


def test_binary_cross_entropy_rejects_inputs_outside_0_1():
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(gs.tensor([0.5, 1.5]), gs.tensor([1.0, 0.0]))


@needs_torch
def test_binary_cross_entropy_with_logits_promotes_float32_with_float64():
    rng = np.random.default_rng(0)
    x, t = rng.standard_normal((3, 4)).astype(np.float32), rng.random((3, 4))
    ours = F.binary_cross_entropy_with_logits(gs.tensor(x, requires_grad=True), gs.tensor(t))
    theirs = torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor(x), torch.tensor(t))
    assert ours.dtype is gs.float64 and theirs.dtype == torch.float64
    np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-6)


def test_binary_cross_entropy_with_logits_is_stable_for_large_logits():
    out = F.binary_cross_entropy_with_logits(gs.tensor([1000.0, -1000.0]), gs.tensor([0.0, 1.0]), reduction="none")
    np.testing.assert_allclose(out.host(), [1000.0, 1000.0])


# -- regression losses ------------------------------------------------------------------------------
@pytest.mark.parametrize("loss", ["mse_loss", "l1_loss"])
def test_regression_losses_warn_as_pytorch_when_the_target_broadcasts(loss):
    x = gs.randn(3, 4, requires_grad=True)
    with pytest.warns(UserWarning, match=r"Using a target size \(torch.Size\(\[4\]\)\) that is different to the "
                                         r"input size \(torch.Size\(\[3, 4\]\)\)"):
        out = getattr(F, loss)(x, gs.randn(4))
    out.backward()
    assert x.grad.shape == (3, 4)


# -- reductions -------------------------------------------------------------------------------------
def test_reduction_gradients_of_large_tensors_are_right():
    x = gs.randn(300, 200, requires_grad=True)
    (x.mean() + x.sum(dim=1).sum()).backward()
    np.testing.assert_allclose(x.grad.host(), np.full((300, 200), 1 + 1 / 60000, dtype=np.float32), rtol=1e-6)


def test_max_and_min_declare_the_elementwise_op_for_a_tensor_second_argument():
    from graphstudio.engine.core.registry import REGISTRY

    assert REGISTRY["max"].other_op == "maximum" and REGISTRY["min"].other_op == "minimum"
    x = gs.tensor([[1.0, 5.0], [7.0, 2.0]])
    values, indices = gs.max(x, 1)
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0]


@needs_torch
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("input_dtype,target_dtype", [("float64", "float32"), ("float32", "float64")])
def test_bce_with_logits_has_the_targets_dtype_as_pytorch(reduction, input_dtype, target_dtype):
    """PyTorch's result takes the target's dtype, not the promoted one (found by the graph fuzzer)."""
    x = np.array([[0.5, -1.25], [2.0, 0.0]])
    t = np.array([[0.0, 1.0], [0.5, 1.0]])
    results = []
    for lib in (gs, torch):
        xs = lib.tensor(x, dtype=getattr(lib, input_dtype), requires_grad=True)
        out = lib.nn.functional.binary_cross_entropy_with_logits(xs, lib.tensor(t, dtype=getattr(lib, target_dtype)),
                                                                 reduction=reduction)
        out.sum().backward()
        results.append((str(out.dtype), str(xs.grad.dtype), out.detach().numpy(), xs.grad.numpy()))
    (dt, gdt, value, grad), (t_dt, t_gdt, t_value, t_grad) = results
    assert (dt, gdt) == (t_dt, t_gdt)
    np.testing.assert_allclose(value, t_value, rtol=1e-6)
    np.testing.assert_allclose(grad, t_grad, rtol=1e-6)


@needs_torch
@pytest.mark.parametrize("probs,labels", [([0.5, 0.25], [1.0, 1.25]), ([0.5, 0.25], [-0.5, 1.0]),
                                          ([1.5, 0.25], [1.25, 0.0])])
def test_binary_cross_entropy_refuses_what_pytorch_refuses(probs, labels):
    """Targets outside [0, 1] are refused (the input is checked first), as PyTorch (found by the graph fuzzer)."""
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.functional.binary_cross_entropy(torch.tensor(probs), torch.tensor(labels))
    with pytest.raises(RuntimeError) as ours:
        F.binary_cross_entropy(gs.tensor(probs), gs.tensor(labels))
    assert str(ours.value) == str(theirs.value)
