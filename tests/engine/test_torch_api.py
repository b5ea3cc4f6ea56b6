"""The torch namespace beyond single ops, checked without PyTorch installed: item assignment,
in-place versions, transposes as attributes, NumPy keywords, containers, saving, data loading.

(With PyTorch installed, tests/engine/test_torch_snippets.py compares all of this with it too.)
"""
from __future__ import annotations

import io

import numpy as np
import pytest

import graphstudio.engine as torch


def test_setitem_writes_in_place_and_views_see_it():
    x = torch.zeros(2, 3)
    row = x[0]
    x[0, 1] = 5
    x[:, 2] = torch.tensor([7.0, 8.0])
    x[x > 6] = -1
    row[0] = 3
    np.testing.assert_array_equal(x.numpy(), [[3, 5, -1], [0, 0, -1]])
    i = torch.arange(4)
    i[1] = 9.7  # cast to the tensor's dtype, as PyTorch
    assert i.tolist() == [0, 9, 2, 3] and i.dtype is torch.int64


def test_setitem_in_a_graph_is_recorded_and_routes_gradients():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y[0] = 0.0
    v = torch.tensor(4.0, requires_grad=True)
    z = torch.zeros(3)
    z[[0, 2]] = v
    (y.sum() + (z * torch.tensor([1.0, 10.0, 100.0])).sum()).backward()
    assert type(y.grad_fn).__name__ == "CopySlices" and y.grad_fn.name() == "torch::autograd::CopySlices"
    assert type(z.grad_fn).__name__ == "IndexPutBackward0" and not z.is_leaf
    np.testing.assert_array_equal(x.grad.numpy(), [0, 2, 2])
    assert v.grad.item() == 101.0


def test_setitem_on_a_leaf_that_requires_grad_is_refused():
    w = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="^a view of a leaf Variable that requires grad is being used in an in-place"):
        w[0] = 2.0
    with pytest.raises(RuntimeError, match="^a leaf Variable that requires grad is being used in an in-place"):
        w[[0, 1]] = 2.0
    with torch.no_grad():
        w[0] = 2.0
    assert w.tolist() == [2.0, 1.0, 1.0] and w.is_leaf


def test_setitem_errors_in_pytorchs_words():
    x = torch.zeros(3, 4)
    with pytest.raises(RuntimeError, match=r"The expanded size of the tensor \(4\) must match the existing size \(3\)"):
        x[0] = torch.ones(3)
    with pytest.raises(IndexError, match="index 3 is out of bounds for dimension 0 with size 3"):
        x[3] = 1.0


def test_in_place_change_of_a_saved_value_fails_backward_as_in_pytorch():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = a.exp()
    b.add_(1)
    with pytest.raises(RuntimeError, match=r"\[torch.FloatTensor \[2\]\], which is output 0 of Exp, is at version 1; "
                                           r"expected version 0 instead"):
        b.sum().backward()
    x = torch.ones(2)
    y = a * x
    x[0] = 3.0
    with pytest.raises(RuntimeError, match=r"\[torch.FloatTensor \[2\]\] is at version 1; expected version 0"):
        y.sum().backward()


def test_in_place_changes_autograd_allows():
    a = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = a * 1
    y.clamp_(min=0)  # the op's own node keeps the old values
    y.mul_(y)
    y.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [2, 0, 6])
    w = torch.ones(2, requires_grad=True)
    for _ in range(3):
        (w * 2).sum().backward()
        with torch.no_grad():
            w -= 0.1 * w.grad
        w.grad.zero_()
    np.testing.assert_allclose(w.detach().numpy(), [0.4, 0.4])


def test_in_place_integer_division_is_refused():
    x = torch.tensor([1, 2])
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        x /= 2


def test_T_and_mT_use_the_registry_transposes():
    x = torch.ones(2, 3, requires_grad=True)
    assert x.T.shape == (3, 2) and type(x.T.grad_fn).__name__ == "PermuteBackward0"
    assert x.mT.shape == (3, 2) and type(x.mT.grad_fn).__name__ == "TransposeBackward0"
    assert torch.arange(3).T.tolist() == [0, 1, 2]
    with pytest.raises(RuntimeError, match="tensor.mT is only supported on matrices or batches of matrices. Got 1-D"):
        torch.arange(3).mT


def test_numpy_keywords_are_aliases():
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.sum(axis=0).tolist() == [4.0, 6.0]
    assert x.mean(axis=1, keepdims=True).shape == (2, 1)
    assert torch.cat([x, x], axis=1).shape == (2, 4)


def test_var_std_follow_the_correction_rule():
    x = torch.tensor([1.0, 2.0, 4.0])
    assert x.var().item() == pytest.approx(7 / 3)
    assert x.var(unbiased=False).item() == pytest.approx(14 / 9)
    assert x.std(correction=0).item() == pytest.approx((14 / 9) ** 0.5)
    assert x.var(False).item() == pytest.approx(14 / 9)  # the bool overload
    with pytest.raises(RuntimeError, match="std and var only support floating point and complex dtypes"):
        torch.tensor([1, 2]).var()


def test_printing_follows_pytorchs_formatter():
    assert repr(torch.tensor([float("nan"), 1.0, float("inf")])) == "tensor([nan, 1., inf])"
    assert repr(torch.arange(2000)) == "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"
    assert repr(torch.tensor([1, 2], dtype=torch.int32)) == "tensor([1, 2], dtype=torch.int32)"
    assert f"{torch.tensor(2.5)}" == "2.5"


def test_modules_print_and_index_as_pytorchs():
    nn = torch.nn
    m = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential(nn.Linear(3, 1), nn.Sigmoid()))
    assert repr(m) == ("Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n"
                       "  (2): Sequential(\n    (0): Linear(in_features=3, out_features=1, bias=True)\n"
                       "    (1): Sigmoid()\n  )\n)")
    assert isinstance(m[-1], nn.Sequential) and len(m) == 3 and len(m[:2]) == 2
    assert list(m.state_dict()) == ["0.weight", "0.bias", "2.0.weight", "2.0.bias"]
    assert repr(nn.ModuleList([nn.ReLU(), nn.ReLU()])) == "ModuleList(\n  (0-1): 2 x ReLU()\n)"


def test_save_and_load_round_trip():
    m = torch.nn.Linear(2, 2)
    buf = io.BytesIO()
    torch.save(m.state_dict(), buf)
    buf.seek(0)
    m2 = torch.nn.Linear(2, 2)
    assert str(m2.load_state_dict(torch.load(buf))) == "<All keys matched successfully>"
    np.testing.assert_array_equal(m2.weight.detach().numpy(), m.weight.detach().numpy())


def test_dataloader_batches_and_collates():
    x = torch.arange(10.0).reshape(5, 2)
    y = torch.arange(5)
    dl = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=2)
    batches = list(dl)
    assert len(dl) == 3 and [b[0].shape for b in batches] == [(2, 2), (2, 2), (1, 2)]
    assert batches[2][1].tolist() == [4]
    torch.manual_seed(0)
    shuffled = torch.cat([yb for _, yb in torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y),
                                                                      batch_size=2, shuffle=True)])
    assert sorted(shuffled.tolist()) == [0, 1, 2, 3, 4]


def test_register_hook_sees_and_replaces_gradients():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    y = x * 3
    y.register_hook(lambda g: seen.append(g.tolist()))
    x.register_hook(lambda g: g * 10)
    y.sum().backward()
    assert seen == [[1.0, 1.0]] and x.grad.tolist() == [30.0, 30.0]


def test_lr_schedulers_step_the_learning_rate():
    w = torch.ones(1, requires_grad=True)
    opt = torch.optim.SGD([w], lr=1.0)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    lrs = []
    for _ in range(4):
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    assert lrs == [1.0, 0.5, 0.5, 0.25]


def test_legacy_constructors_make_float32():
    assert torch.Tensor([1, 2]).dtype is torch.float32
    assert torch.Tensor(2, 3).shape == (2, 3)
    assert torch.LongTensor([1.7]).tolist() == [1]
    assert torch.tensor([1.5]).int().dtype is torch.int32 and torch.int is torch.int32


def test_python_floats_reach_a_float64_tensor_unrounded():
    """torch.tensor([0.3], dtype=float64) holds the double 0.3, not 0.3 rounded through float32."""
    assert torch.tensor([0.3, 1.2], dtype=torch.float64).tolist() == [0.3, 1.2]
    assert torch.tensor(0.1, dtype=torch.float64).item() == 0.1
    assert torch.tensor([0.1]).dtype is torch.float32


def test_where_with_a_number_keeps_a_0dim_float64_tensor_float64():
    """A reduction's 0-dim result is a NumPy float64 (a float subclass) inside: still a tensor to where."""
    total = torch.tensor([3.0, 4.0], dtype=torch.float64).sum()
    assert torch.where(total == 0, 0.5, total).dtype is torch.float64
    assert torch.where(total == 0, total, 1).dtype is torch.float64


def test_an_op_cannot_run_in_place_where_the_api_does_not_have_it():
    from graphstudio.engine.core.registry import REGISTRY, Op, register

    class FunctionOnly(Op):
        name, method, inplace = "function_only_op", False, ("Tensor",)

    with pytest.raises(TypeError, match=r"in place in \('Tensor',\), but it is only in \('torch',\)"):
        register(FunctionOnly)
    assert "function_only_op" not in REGISTRY
