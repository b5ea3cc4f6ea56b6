"""Higher-order gradients (create_graph=True) compared with PyTorch: the classic examples from the
notes, every registry sample of the ops that support double backward, and the errors and graph
retention around it. Each scenario runs once with `lib` = GraphStudio and once with `lib` = torch."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphstudio.engine as gs
from graphstudio.engine.core.higher_order import supports_double_backward

from tests.oracle import needs_torch, torch

from tests.engine.test_ops import CASES, OPS, _group, _torch_fn, _torch_params, make_inputs, outputs, run

pytestmark = needs_torch


def _np(t):
    if isinstance(t, torch.Tensor):
        return t.detach().numpy(force=True)  # force: PyTorch's double backward may give a ZeroTensor
    return t.detach().numpy()


def _both(scenario):
    """The scenario's results with GraphStudio and with PyTorch, as NumPy arrays (or plain values)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # backward(create_graph=True)'s reference-cycle warning
        ours, theirs = scenario(gs), scenario(torch)
    return ours, theirs


def _assert_same(ours, theirs):
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        if hasattr(t, "detach"):
            np.testing.assert_allclose(_np(o), _np(t), rtol=1e-10, atol=1e-12)
        else:
            assert o == t


# -- the classic examples --------------------------------------------------------------------------
def test_second_derivative_of_a_cube_through_grad():
    def scenario(lib):
        x = lib.tensor([2.0, -1.5, 0.5], dtype=lib.float64, requires_grad=True)
        (dy,) = lib.autograd.grad((x ** 3).sum(), x, create_graph=True)
        (d2y,) = lib.autograd.grad(dy.sum(), x)
        return dy, d2y, dy.requires_grad, dy.grad_fn.name(), d2y.requires_grad

    _assert_same(*_both(scenario))


def test_backward_create_graph_leaves_a_differentiable_grad():
    """y.backward(create_graph=True): x.grad is 3x² with a graph (CopyBackwards); its backward adds 6x."""
    def scenario(lib):
        x = lib.tensor(2.0, dtype=lib.float64, requires_grad=True)
        (x ** 3).backward(create_graph=True)
        first, name = x.grad.detach().clone(), x.grad.grad_fn.name()
        (x ** 3).backward(create_graph=True)  # a second pass adds: AddBackward0
        second, name2 = x.grad.detach().clone(), x.grad.grad_fn.name()
        x.grad.backward()
        return first, name, second, name2, x.grad

    _assert_same(*_both(scenario))


def test_the_notes_pattern_keep_the_grad_then_zero_it_then_backward_it():
    def scenario(lib):
        x = lib.tensor(3.0, requires_grad=True)
        (x ** 3).backward(create_graph=True)
        dy = x.grad.clone()
        x.grad.data.zero_()
        dy.backward()
        return dy.detach(), x.grad, dy.grad_fn.name()

    _assert_same(*_both(scenario))


def test_hessian_vector_product():
    def scenario(lib):
        gen = np.random.default_rng(0)
        a = lib.tensor(gen.standard_normal((4, 4)), dtype=lib.float64)
        x = lib.tensor(gen.standard_normal(4), dtype=lib.float64, requires_grad=True)
        v = lib.tensor(gen.standard_normal(4), dtype=lib.float64)
        f = lib.sin(x @ a @ x) + (x.exp() * x).sum() / lib.sqrt((x * x).sum())
        (g,) = lib.autograd.grad(f, x, create_graph=True)
        (hv,) = lib.autograd.grad(g @ v, x, retain_graph=True)
        (hv_again,) = lib.autograd.grad(g, x, grad_outputs=v)  # the other spelling
        return g, hv, hv_again

    _assert_same(*_both(scenario))


def test_gradient_penalty_reaches_the_weights():
    """WGAN-GP: the norm of d critic / d input, pushed to 1, trains the critic's weights."""
    def scenario(lib):
        gen = np.random.default_rng(1)
        w1 = lib.tensor(gen.standard_normal((3, 5)), dtype=lib.float64, requires_grad=True)
        b1 = lib.tensor(gen.standard_normal(5), dtype=lib.float64, requires_grad=True)
        w2 = lib.tensor(gen.standard_normal((5, 1)), dtype=lib.float64, requires_grad=True)
        real = lib.tensor(gen.standard_normal((4, 3)), dtype=lib.float64)
        fake = lib.tensor(gen.standard_normal((4, 3)), dtype=lib.float64)
        alpha = lib.tensor(gen.random((4, 1)), dtype=lib.float64)
        mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
        score = lib.tanh(lib.relu(mixed.mm(w1) + b1)).matmul(w2)
        (g,) = lib.autograd.grad(score, mixed, grad_outputs=lib.ones_like(score), create_graph=True)
        penalty = ((g.norm(2, dim=1) - 1) ** 2).mean()
        penalty.backward()
        return penalty, w1.grad, b1.grad, w2.grad

    _assert_same(*_both(scenario))


def test_grad_of_the_grad_norm():
    def scenario(lib):
        gen = np.random.default_rng(2)
        w = lib.tensor(gen.standard_normal((3, 2)), dtype=lib.float64, requires_grad=True)
        x = lib.tensor(gen.standard_normal((5, 3)), dtype=lib.float64)
        y = lib.tensor(gen.standard_normal((5, 2)), dtype=lib.float64)
        loss = lib.nn.functional.mse_loss(lib.sigmoid(x @ w), y)
        (g,) = lib.autograd.grad(loss, w, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), w)
        return g, gg

    _assert_same(*_both(scenario))


def test_third_derivative():
    def scenario(lib):
        x = lib.tensor([0.3, 1.2], dtype=lib.float64, requires_grad=True)
        y = (lib.log(x) * x.cos() / (1 + x * x)).sum()
        out = []
        for _ in range(3):
            (y,) = lib.autograd.grad(y.sum(), x, create_graph=True)
            out.append(y)
        return out

    _assert_same(*_both(scenario))


def test_grads_require_grad_only_where_they_depend_on_the_graph():
    """x * 2 has a constant gradient (requires_grad False, as PyTorch), x * x does not."""
    def scenario(lib):
        x = lib.tensor(3.0, dtype=lib.float64, requires_grad=True)
        (linear,) = lib.autograd.grad(x * 2, x, create_graph=True)
        (square,) = lib.autograd.grad(x * x, x, create_graph=True)
        return linear.requires_grad, linear.grad_fn is None, square.requires_grad, square.grad_fn.name()

    _assert_same(*_both(scenario))


def test_hooks_retain_grad_and_inputs_see_recorded_gradients():
    def scenario(lib):
        x = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
        w = lib.tensor([1.5, 0.3, -0.7], dtype=lib.float64, requires_grad=True)
        h = x * w
        h.retain_grad()
        seen = []
        h.register_hook(lambda g: seen.append(g.requires_grad) or g * h)  # the hook's result joins the graph
        y = (h.sin() * x).sum()
        y.backward(create_graph=True, inputs=[x])
        (gg,) = lib.autograd.grad(x.grad.sum(), w)
        return x.grad, seen[0], h.grad, h.grad.requires_grad, gg, w.grad is None

    _assert_same(*_both(scenario))


def test_mixed_float32_and_float64_inputs():
    def scenario(lib):
        x = lib.tensor([0.5, 1.5], dtype=lib.float32, requires_grad=True)
        y = lib.tensor([2.0, -1.0], dtype=lib.float64, requires_grad=True)
        (gx, gy) = lib.autograd.grad((x * y * y).exp().sum(), (x, y), create_graph=True)
        (hx, hy) = lib.autograd.grad((gx * gy).sum(), (x, y))
        return gx.dtype == lib.float32, hx.dtype == lib.float32, gx.double(), gy, hx.double(), hy

    ours, theirs = _both(scenario)
    assert ours[:2] == theirs[:2] == (True, True)
    for o, t in zip(ours[2:], theirs[2:]):
        np.testing.assert_allclose(_np(o), _np(t), rtol=1e-6)


def test_backward_create_graph_warns_as_pytorch():
    x = gs.tensor(1.0, requires_grad=True)
    with pytest.warns(UserWarning, match="create a reference cycle between the parameter and its gradient"):
        (x * x).backward(create_graph=True)


def test_a_custom_function_is_differentiated_once():
    class Cube(gs.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x ** 2 * g

    x = gs.tensor([1.0, 2.0], dtype=gs.float64, requires_grad=True)
    (g,) = gs.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), [3.0, 12.0])
    assert g.grad_fn.name() == "torch::autograd::DelayedError"
    with pytest.raises(RuntimeError, match="derivative of CubeBackward's backward is not implemented"):
        gs.autograd.grad(g.sum(), x)


def test_a_graph_building_pass_uses_only_the_array_api():
    """On the array-API-strict device (the stand-in for CuPy) the second derivative is the CPU's."""
    def second(device):
        gen = np.random.default_rng(5)
        x = gs.tensor(gen.standard_normal((3, 2)), device=device, requires_grad=True)
        w = gs.tensor(gen.standard_normal((2, 2)), device=device, requires_grad=True)
        t = gs.tensor(gen.standard_normal(3), device=device)
        y = gs.nn.functional.mse_loss(gs.tanh(x @ w).sum(dim=1), t) + x.norm(2, dim=0).sum() \
            + gs.softmax(x, dim=1).mean() + gs.relu(x).pow(3).sum()
        (g,) = gs.autograd.grad(y, w, create_graph=True)
        (h,) = gs.autograd.grad((g * g).sum(), x)
        return g.host(), h.host()

    for a, b in zip(second("cpu"), second("strict")):
        np.testing.assert_allclose(a, b, rtol=1e-12)


# -- graph retention and errors -------------------------------------------------------------------
def test_create_graph_retains_the_graph_by_default():
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        y = (x.exp() * x).sum()
        lib.autograd.grad(y, x, create_graph=True)
        (again,) = lib.autograd.grad(y, x)  # no "backward through the graph a second time"
        return (again,)

    _assert_same(*_both(scenario))


@pytest.mark.parametrize("lib", ["graphstudio", "torch"])
def test_create_graph_without_retain_frees_the_first_graph(lib):
    lib = gs if lib == "graphstudio" else torch
    x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
    (g,) = lib.autograd.grad(x.exp().sum(), x, create_graph=True, retain_graph=False)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        lib.autograd.grad(g.sum(), x)  # exp's saved output was freed by the first pass


def test_an_op_without_double_backward_raises_when_differentiated_twice():
    x = gs.tensor([0.5, 1.0, 2.0], dtype=gs.float64, requires_grad=True)
    (g,) = gs.autograd.grad(x.cumsum(0).pow(2).sum(), x, create_graph=True)  # the first order is fine
    want = gs.autograd.grad(x.cumsum(0).pow(2).sum(), x)[0]
    np.testing.assert_allclose(g.detach().numpy(), want.numpy())
    assert g.requires_grad
    with pytest.raises(RuntimeError, match="derivative of CumsumBackward0's backward is not implemented"):
        g.sum().backward()


def test_a_plain_backward_is_unchanged():
    x = gs.tensor([1.0, 2.0], requires_grad=True)
    (g,) = gs.autograd.grad((x ** 3).sum(), x)
    assert not g.requires_grad and g.grad_fn is None
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y = (x ** 3).sum()
        y.backward()
        y.backward()


# -- every sample of the ops that support double backward -------------------------------------------
def _zero_vector_norm(name, sample):
    """The norm of a zero vector: its second derivative is NaN in PyTorch, 0 here (docs/decisions.md)."""
    return name == "norm" and isinstance(sample.inputs[0], list) and sample.params.get("p", 2) == 2


DOUBLE = [(name, i) for name, i in CASES if supports_double_backward(OPS[name]) and OPS[name].samples[i].gradcheck
          and not _zero_vector_norm(name, OPS[name].samples[i])]


def test_the_ops_the_notes_differentiate_twice_support_it():
    wanted = {"add", "sub", "mul", "div", "pow", "neg", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid",
              "relu", "abs", "sum", "mean", "mm", "matmul", "t", "transpose", "view", "reshape", "expand",
              "mse_loss", "linear"}
    assert wanted <= {name for name, _ in DOUBLE}


def _filled(grads, like):
    return [np.zeros(tuple(t.shape)) if g is None else _np(g) for g, t in zip(grads, like)]


@pytest.mark.parametrize("name,i", DOUBLE)
def test_double_backward_matches_pytorch(name, i):
    """grad(out, inputs, v, create_graph) then grad(Σ w·grad, inputs and v), float64, vs PyTorch."""
    op = OPS[name]
    sample = op.samples[i]
    arrays = make_inputs(op, sample)
    ts, out = run(op, arrays, sample.params)
    tts = [torch.tensor(a, requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray) else a for a in arrays]
    tout = _torch_fn(op)(*_group(op, tts), **_torch_params(op, sample.params))
    (out,), (tout,) = outputs(out), outputs(tout)
    if not tout.requires_grad or tout.numel() == 0:
        assert out.requires_grad == tout.requires_grad
        return
    leaves = [t for t in ts if isinstance(t, gs.Tensor) and t.requires_grad]
    tleaves = [t for t in tts if isinstance(t, torch.Tensor) and t.requires_grad]
    rng = np.random.default_rng(3)
    v_np = rng.standard_normal(tuple(out.shape))
    v, tv = gs.tensor(v_np, requires_grad=True), torch.tensor(v_np, requires_grad=True)

    grads = gs.autograd.grad(out, leaves, v, create_graph=True, allow_unused=True)
    tgrads = torch.autograd.grad(tout, tleaves, tv, create_graph=True, allow_unused=True)
    for g, tg in zip(_filled(grads, leaves), _filled(tgrads, tleaves)):
        np.testing.assert_allclose(g, tg, rtol=1e-9, atol=1e-12)

    live = [k for k, tg in enumerate(tgrads) if tg is not None and tg.requires_grad]
    if not live:  # a constant gradient (sign, floor, …): nothing to differentiate again
        assert not any(g is not None and g.requires_grad for g in grads)
        return
    ws = [rng.standard_normal(tuple(tleaves[k].shape)) for k in live]
    assert all(grads[k] is not None and grads[k].requires_grad for k in live)
    total = sum((grads[k] * gs.tensor(w)).sum() for k, w in zip(live, ws))
    ttotal = sum((tgrads[k] * torch.tensor(w)).sum() for k, w in zip(live, ws))
    second = gs.autograd.grad(total, leaves + [v], allow_unused=True)
    tsecond = torch.autograd.grad(ttotal, tleaves + [tv], allow_unused=True)
    for g, tg in zip(_filled(second, leaves + [v]), _filled(tsecond, tleaves + [tv])):
        np.testing.assert_allclose(g, tg, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name,i", DOUBLE)
def test_grads_with_a_constant_output_gradient_require_grad_as_pytorchs(name, i):
    op = OPS[name]
    sample = op.samples[i]
    arrays = make_inputs(op, sample)
    ts, out = run(op, arrays, sample.params)
    tts = [torch.tensor(a, requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray) else a for a in arrays]
    tout = _torch_fn(op)(*_group(op, tts), **_torch_params(op, sample.params))
    (out,), (tout,) = outputs(out), outputs(tout)
    if not tout.requires_grad:
        return
    leaves = [t for t in ts if isinstance(t, gs.Tensor) and t.requires_grad]
    tleaves = [t for t in tts if isinstance(t, torch.Tensor) and t.requires_grad]
    v_np = np.random.default_rng(4).standard_normal(tuple(out.shape))
    grads = gs.autograd.grad(out, leaves, gs.tensor(v_np), create_graph=True, allow_unused=True)
    tgrads = torch.autograd.grad(tout, tleaves, torch.tensor(v_np), create_graph=True, allow_unused=True)
    for g, tg in zip(grads, tgrads):
        if tg is not None and g is not None:
            assert g.requires_grad == tg.requires_grad
