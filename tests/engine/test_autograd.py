"""The autograd semantics students learn, checked against PyTorch's behaviour and words."""
from __future__ import annotations

import numpy as np
import pytest

import graphstudio.engine as gs

from tests.oracle import needs_torch, torch


def test_the_lesson_from_the_notes():
    x = gs.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    out = z.mean()
    out.backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((2, 2), 4.5))
    assert out.item() == 27.0


def test_grad_fn_names_and_next_functions():
    x = gs.ones(2, 2, requires_grad=True)
    y = x * 2
    assert y.grad_fn.name() == "MulBackward0"
    assert type(y.grad_fn).__name__ == "MulBackward0"
    (acc, nr), (none, _) = y.grad_fn.next_functions
    assert type(acc).__name__ == "AccumulateGrad" and acc.variable is x and nr == 0
    assert none is None
    assert x.grad_fn is None and x.is_leaf and not y.is_leaf
    assert repr(y).endswith("grad_fn=<MulBackward0>)")


def test_broadcasting_sums_gradients_back_to_each_shape():
    a = gs.ones(3, 4, requires_grad=True)
    b = gs.ones(4, requires_grad=True)
    c = gs.ones(3, 1, requires_grad=True)
    ((a * b) + c).sum().backward()
    assert b.grad.shape == (4,) and c.grad.shape == (3, 1)
    np.testing.assert_allclose(b.grad.numpy(), np.full(4, 3.0))
    np.testing.assert_allclose(c.grad.numpy(), np.full((3, 1), 4.0))


def test_grad_accumulates_across_backward_calls_until_zeroed():
    x = gs.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 6.0])
    x.grad.zero_()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])


def test_fan_out_sums_every_use():
    x = gs.tensor(3.0, requires_grad=True)
    y = x * x + x * 2 + x
    y.backward()
    assert x.grad.item() == pytest.approx(2 * 3.0 + 2 + 1)


def test_only_leaves_keep_grad_unless_retained():
    x = gs.tensor([2.0, 3.0], requires_grad=True)
    y = x * x
    z = y * 2
    y.retain_grad()
    z.sum().backward()
    assert z.grad is None
    np.testing.assert_allclose(y.grad.numpy(), [2.0, 2.0])
    assert y.retains_grad and not z.retains_grad


def test_backward_twice_without_retain_graph_is_refused():
    x = gs.ones(2, requires_grad=True)
    s = (x * x).sum()
    s.backward(retain_graph=True)
    s.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        s.backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 4.0])


def test_errors_in_pytorchs_words():
    x = gs.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and does not have a grad_fn"):
        gs.ones(2).sum().backward()
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of tensor b \(4\)"):
        gs.ones(3) + gs.ones(4)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"):
        gs.mm(gs.ones(2, 3), gs.ones(4, 5))
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        gs.ones(2) + gs.ones(2, device="strict")
    with pytest.raises(RuntimeError, match="Only Tensors of floating point and complex dtype can require gradients"):
        gs.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        gs.tensor([1, 2]).requires_grad_()


def test_backward_with_a_gradient_vector():
    x = gs.tensor([1.0, -2.0, 0.5], requires_grad=True)
    y = x * 2
    y.backward(gs.tensor([0.1, 1.0, 0.0001]))
    np.testing.assert_allclose(x.grad.numpy(), [0.2, 2.0, 0.0002], rtol=1e-6)
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(gs.ones(2))


def test_no_grad_context_and_decorator_and_enable_grad():
    x = gs.ones(2, requires_grad=True)
    with gs.no_grad():
        y = x * 2
        assert not gs.is_grad_enabled()
        with gs.enable_grad():
            w = x * 2
    assert gs.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf
    assert w.requires_grad

    @gs.no_grad()
    def f(t):
        return t * 3

    assert not f(x).requires_grad


def test_detach_cuts_the_graph_and_shares_data():
    x = gs.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    d = y.detach()
    assert not d.requires_grad and d.is_leaf
    (d * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 4.0, 9.0])


def test_autograd_grad_returns_without_touching_dot_grad():
    x = gs.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    (g,) = gs.autograd.grad(y, x)
    np.testing.assert_allclose(g.numpy(), [2.0, 4.0])
    assert x.grad is None
    z = gs.ones(1, requires_grad=True)
    with pytest.raises(RuntimeError, match="appears to not have been used"):
        gs.autograd.grad((x * 2).sum(), [x, z])
    gx, gz = gs.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
    assert gz is None


def test_leaf_in_place_is_refused_but_allowed_under_no_grad():
    w = gs.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        w += 1
    with gs.no_grad():
        w -= 0.5
    np.testing.assert_allclose(w.detach().numpy(), [0.5, 0.5])


def test_int_and_float_promotion_follows_pytorch():
    i = gs.tensor([1, 2, 3])
    assert i.dtype is gs.int64
    assert (i * 2.5).dtype is gs.float32
    assert (i / 2).dtype is gs.float32
    assert (i + gs.tensor([1.0, 1.0, 1.0], dtype=gs.float64)).dtype is gs.float64
    assert (gs.ones(2) * gs.tensor(2.0, dtype=gs.float64)).dtype is gs.float32
    assert gs.tensor([1.5]).dtype is gs.float32 and gs.tensor([True]).dtype is gs.bool


def test_long_chain_backward_is_iterative():
    x = gs.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_printing_matches_pytorch():
    assert repr(gs.tensor(3.0)) == "tensor(3.)"
    assert repr(gs.ones(2, 2)) == "tensor([[1., 1.],\n        [1., 1.]])"
    assert repr(gs.tensor([[1.5, 2], [3, 4]])) == "tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]])"
    assert repr(gs.arange(5)) == "tensor([0, 1, 2, 3, 4])"
    assert repr(gs.zeros(2, dtype=gs.float64)) == "tensor([0., 0.], dtype=torch.float64)"
    assert repr(gs.ones(2, requires_grad=True)) == "tensor([1., 1.], requires_grad=True)"
    assert repr(gs.tensor([1e-5, 1.0])) == "tensor([1.0000e-05, 1.0000e+00])"
    assert repr(gs.ones(2).shape) == "torch.Size([2])" and repr(gs.float32) == "torch.float32"


@needs_torch
@pytest.mark.parametrize("name,options", [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "dampening": 0.3}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True, "betas": (0.8, 0.99)}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.01}),
])
def test_optimizers_follow_torch_update_rules(name, options):
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((3, 2))
    x = rng.standard_normal((5, 3))
    results = []
    for lib in (gs, torch):
        w = lib.tensor(w0, requires_grad=True)
        xs = lib.tensor(x)
        opt = getattr(lib.optim, name)([w], **options)
        for _ in range(5):
            opt.zero_grad()
            loss = ((xs @ w) ** 2).mean() + (w ** 3).sum()
            loss.backward()
            opt.step()
        results.append(w.detach().numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-9, atol=1e-12)


@needs_torch
@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_keeps_updating_the_buffer_of_a_0_dim_parameter(nesterov):
    """A 0-dim buffer must stay an array that the update writes into (found by the graph fuzzer)."""
    results = []
    for lib in (gs, torch):
        w = lib.tensor(-1.25, dtype=lib.float64, requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.1, momentum=0.9, nesterov=nesterov)
        for _ in range(4):
            opt.zero_grad()
            (w * w).backward()
            opt.step()
        results.append(w.item())
    assert results[0] == pytest.approx(results[1], rel=1e-12)


@needs_torch
def test_a_students_snippet_runs_with_only_the_import_changed():
    snippet = """
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
w = torch.ones(2, 3, requires_grad=True)
y = (x @ w).relu()
z = torch.cat([y, y * 2], dim=0).sum(dim=1).mean()
z.backward()
result = (x.grad.tolist(), w.grad.tolist(), z.item(), z.grad_fn.name(), y.shape[1])
"""
    ours, theirs = {"torch": gs}, {"torch": torch}
    exec(snippet, ours)
    exec(snippet, theirs)
    assert ours["result"] == theirs["result"]


@needs_torch
@pytest.mark.parametrize("name", ["max", "min"])
def test_max_of_a_0_dim_tensor_along_dim_0_is_a_copy(name):
    """Its values do not follow later in-place updates of the input (found by the graph fuzzer: an
    optimizer step showed through the values)."""
    seen = []
    for lib in (gs, torch):
        x = lib.tensor(1.5, requires_grad=True)
        values = getattr(lib, name)(x, dim=0).values
        with lib.no_grad():
            x.add_(1.0)
        seen.append(values.item())
    assert seen[0] == seen[1] == 1.5


@needs_torch
@pytest.mark.parametrize("data", [[1, 2], [True, True], [1.5, 2.0]])
@pytest.mark.parametrize("number", [0.5, 3, True])
def test_where_with_a_python_number_types_its_result_as_pytorch(data, number):
    """A float number lifts an int or bool tensor to float32, an int lifts bool to int64 (found by the
    graph fuzzer: `where(c, int_tensor, 0.5)` kept int64 and truncated 0.5)."""
    results = []
    for lib in (gs, torch):
        c, x = lib.tensor([True, False]), lib.tensor(data)
        for out in (lib.where(c, x, number), lib.where(c, number, x)):
            results.append((str(out.dtype), out.tolist()))
    half = len(results) // 2
    assert results[:half] == results[half:]


@needs_torch
def test_a_leaf_that_stops_requiring_grad_after_the_graph_was_built_gets_no_grad_as_pytorch():
    """AccumulateGrad drops the gradient of a leaf whose requires_grad was turned off; turned back on, it
    gets the gradients of graphs built after."""
    def grads(mod):
        a = mod.tensor([2.0, 3.0], requires_grad=True)
        m = mod.tensor([[-2.0]], requires_grad=True)
        loss, product = (a * 3).sum(), (m @ mod.tensor([[-1.0]])).sum()
        a.requires_grad_(False)
        m.requires_grad_(False)
        loss.backward()
        product.backward()
        seen = [a.grad, m.grad]
        a.requires_grad_(True)
        (a * 2).sum().backward()
        return seen, a.grad.tolist()
    assert grads(gs) == grads(torch)
