"""`torch.autograd.Function` and `Variable` as PyTorch's tutorials use them, each run by the engine and by
PyTorch (written once, for either library) and compared: values, gradients, what ctx sees, grad_fn, errors."""
from __future__ import annotations

import re

import numpy as np
import pytest

import graphstudio.engine as gs
from tests.oracle import needs_torch, torch

pytestmark = needs_torch


def legendre(lib):
    """The tutorial's P3(x) = 1/2 (5x³ - 3x) with its hand-written derivative."""
    class LegendrePolynomial3(lib.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    return LegendrePolynomial3


def scale_and_split(lib, seen):
    """Two outputs, a number among the arguments, a tensor that needs no gradient; records what ctx said."""
    class ScaleAndSplit(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, k, y):
            ctx.k = k
            ctx.save_for_backward(x, y)
            seen["needs"] = ctx.needs_input_grad
            seen["forward grad mode"] = lib.is_grad_enabled()
            return x * k + y, x - y

        @staticmethod
        def backward(ctx, ga, gb):
            x, y = ctx.saved_tensors
            seen["backward grad mode"] = lib.is_grad_enabled()
            seen["gb"] = gb.numpy().copy()
            return ga * ctx.k + gb * x, None, ga - gb

    return ScaleAndSplit


def _both(fn):
    return fn(gs), fn(torch)


def _tensor(lib, arr, requires_grad=False):
    return lib.tensor(arr, requires_grad=requires_grad)


def test_the_tutorials_legendre_polynomial_trains_as_in_pytorch():
    x = np.linspace(-1.0, 1.0, 7)
    results = []
    for lib in (gs, torch):
        a = _tensor(lib, [0.1, -0.3], requires_grad=True)
        y = legendre(lib).apply(_tensor(lib, x) * a[0] + a[1])
        loss = (y - _tensor(lib, np.sin(x))).pow(2).sum()
        loss.backward()
        results.append((y.detach().numpy(), a.grad.numpy(), y.grad_fn.name()))
    (y_o, g_o, n_o), (y_t, g_t, n_t) = results
    np.testing.assert_allclose(y_o, y_t, rtol=1e-12)
    np.testing.assert_allclose(g_o, g_t, rtol=1e-12)
    assert n_o == n_t == "LegendrePolynomial3Backward"


def test_grad_fn_prints_as_pytorchs():
    outs = [legendre(lib).apply(lib.ones(2, requires_grad=True)) for lib in (gs, torch)]
    address = re.compile(r"0x[0-9a-f]+")
    assert address.sub("@", repr(outs[0].grad_fn)) == address.sub("@", repr(outs[1].grad_fn))
    assert repr(outs[0]) == repr(outs[1])
    assert [type(n).__name__ for n, _ in outs[0].grad_fn.next_functions] == \
        [type(n).__name__ for n, _ in outs[1].grad_fn.next_functions]


def test_several_outputs_numbers_and_tensors_without_grad_as_in_pytorch():
    x0, y0, g0 = np.array([1.0, -2.0, 3.0]), np.array([0.5, 0.25, -1.0]), np.array([1.0, 2.0, -1.0])
    runs = []
    for lib in (gs, torch):
        seen = {}
        x, y = _tensor(lib, x0, True), _tensor(lib, y0)
        a, b = scale_and_split(lib, seen).apply(x, 2.5, y)
        assert a.grad_fn is b.grad_fn and a.requires_grad and b.requires_grad
        edges = [n is None for n, _ in a.grad_fn.next_functions]
        (a * _tensor(lib, g0)).sum().backward()  # b unused: backward receives zeros for it
        runs.append((seen, edges, x.grad.numpy()))
    (seen_o, edges_o, grad_o), (seen_t, edges_t, grad_t) = runs
    assert seen_o["needs"] == seen_t["needs"] == (True, False, False)
    assert seen_o["forward grad mode"] is seen_t["forward grad mode"] is False
    assert seen_o["backward grad mode"] is seen_t["backward grad mode"] is False
    np.testing.assert_array_equal(seen_o["gb"], seen_t["gb"])
    assert edges_o == edges_t == [False, True]  # one edge per tensor argument; none for the number
    np.testing.assert_allclose(grad_o, grad_t)


def test_saved_tensors_are_freed_by_backward_as_in_pytorch():
    messages = []
    for lib in (gs, torch):
        y = legendre(lib).apply(lib.ones(3, requires_grad=True))
        y.sum().backward(retain_graph=True)
        assert len(y.grad_fn.saved_tensors) == 1
        y.sum().backward()
        with pytest.raises(RuntimeError) as info:
            y.grad_fn.saved_tensors
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def _bad(lib, forward, backward):
    return type("Bad", (lib.autograd.Function,), {"forward": staticmethod(forward), "backward": staticmethod(backward)})


@pytest.mark.parametrize("forward,backward", [
    (lambda ctx, x, k: x * k, lambda ctx, g: g),                 # too few gradients
    (lambda ctx, x, k: x * k, lambda ctx, g: (g, g)),            # a gradient for the number
    (lambda ctx, x: x * 2, lambda ctx, g: g[:2]),                # a gradient of the wrong shape
    (lambda ctx, x: x * 2, lambda ctx, g: g.sum()),              # a scalar for a vector
])
def test_wrong_gradients_from_backward_raise_pytorchs_message(forward, backward):
    messages = []
    for lib in (gs, torch):
        args = (lib.ones(3, requires_grad=True),) + ((2.0,) if forward.__code__.co_argcount == 3 else ())
        with pytest.raises(RuntimeError) as info:
            _bad(lib, forward, backward).apply(*args).sum().backward()
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_a_gradient_larger_than_the_input_is_summed_back_as_in_pytorch():
    grads = []
    for lib in (gs, torch):
        x = lib.ones(3, requires_grad=True)
        _bad(lib, lambda ctx, x: x * 2, lambda ctx, g: g.expand(2, 3)).apply(x).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(*grads)


def test_calling_an_instance_or_leaving_out_backward_fails_as_in_pytorch():
    for make, exc in ((lambda lib: legendre(lib)()(lib.ones(2)), RuntimeError),
                      (lambda lib: type("NoBackward", (lib.autograd.Function,), {
                          "forward": staticmethod(lambda ctx, x: x * 2)}).apply(
                          lib.ones(2, requires_grad=True)).sum().backward(), NotImplementedError)):
        messages = []
        for lib in (gs, torch):
            with pytest.warns(DeprecationWarning) if lib is torch and exc is RuntimeError else _nothing():
                with pytest.raises(exc) as info:
                    make(lib)
            messages.append(str(info.value))
        assert messages[0] == messages[1]


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_non_differentiable_and_integer_outputs_get_no_gradient_as_in_pytorch():
    def make(lib):
        class SortAndMark(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                values, order = x.sort()
                tripled = x * 3
                ctx.mark_non_differentiable(tripled)
                return values, order, tripled

            @staticmethod
            def backward(ctx, g, g_order, g_tripled):
                return g + g_tripled

        return SortAndMark

    runs = []
    for lib in (gs, torch):
        x = _tensor(lib, [3.0, 1.0, 2.0], True)
        values, order, tripled = make(lib).apply(x)
        flags = (values.requires_grad, order.requires_grad, tripled.requires_grad, order.grad_fn, tripled.grad_fn)
        values.sum().backward()
        runs.append((flags, x.grad.numpy()))
    assert runs[0][0] == runs[1][0] == (True, False, False, None, None)
    np.testing.assert_array_equal(runs[0][1], runs[1][1])


def test_setup_context_style_and_an_input_returned_as_is_as_in_pytorch():
    def make(lib):
        class Scale(lib.autograd.Function):
            @staticmethod
            def forward(x, k):
                return x * k

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.k = inputs[1]

            @staticmethod
            def backward(ctx, g):
                return g * ctx.k, None

        class Same(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, g):
                return 2 * g

        return Scale, Same

    runs = []
    for lib in (gs, torch):
        scale, same = make(lib)
        x = lib.ones(2, requires_grad=True)
        out = same.apply(scale.apply(x, 3.0))
        first = same.apply(x)
        out.sum().backward()
        runs.append((x.grad.numpy(), first is x, x.grad_fn, first.grad_fn.name()))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    assert runs[0][1:] == runs[1][1:] == (False, None, "SameBackward")


def test_under_no_grad_apply_records_nothing_as_in_pytorch():
    for lib in (gs, torch):
        with lib.no_grad():
            y = legendre(lib).apply(lib.ones(2, requires_grad=True))
        assert not y.requires_grad and y.grad_fn is None


def test_variable_makes_a_leaf_on_the_same_memory_as_in_pytorch():
    runs = []
    for lib in (gs, torch):
        Variable = lib.autograd.Variable
        t = lib.ones(2)
        v = Variable(t, requires_grad=True)
        (v * 3).sum().backward()
        w = Variable((v * 2).sum())
        v.data[0] = 5.0  # .data shares memory with v, and v with t
        runs.append((v is t, t.requires_grad, isinstance(t, Variable), v.grad.tolist(), w.requires_grad,
                     w.is_leaf, t.tolist(), repr(Variable())))
        with pytest.raises(TypeError, match="Variable data has to be a tensor, but got list"):
            Variable([1.0, 2.0])
        with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
            Variable(lib.ones(2, dtype=lib.int64), requires_grad=True)
    assert runs[0] == runs[1]
