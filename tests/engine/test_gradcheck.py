"""Gradcheck (engine/gradcheck.py): the engine's Jacobian beside central differences.

It passes on every differentiable op's samples in float64, fails (on the right input) when a test
breaks an op's backward, and its Jacobians are PyTorch's.
"""
from __future__ import annotations

import numpy as np
import pytest

import graphstudio.engine as gs
from graphstudio.engine.core import op_functions
from graphstudio.engine.core.registry import REGISTRY
from graphstudio.engine.gradcheck import gradcheck

from tests.engine.test_ops import CASES, OPS, _group, make_inputs, to_tensors
from tests.oracle import needs_torch, torch

GRADCHECK_CASES = [(name, i) for name, i in CASES
                   if OPS[name].differentiable and OPS[name].derivative and OPS[name].samples[i].gradcheck]


def _op_fn(op, params):
    return lambda *xs: op_functions.call(op, _group(op, list(xs)), dict(params))


@pytest.mark.parametrize("name,i", GRADCHECK_CASES)
def test_every_differentiable_op_passes_in_float64(name, i):
    op = OPS[name]
    sample = op.samples[i]
    ts = to_tensors(make_inputs(op, sample))
    if not any(isinstance(t, gs.Tensor) and t.requires_grad for t in ts):
        pytest.skip("no floating-point input")
    result = gradcheck(_op_fn(op, sample.params), ts)
    assert result.dtype == "float64" and not result.explanation
    assert result.passed, f"{name}: max difference {result.max_difference}"


def test_a_broken_backward_fails_on_the_input_it_gets_wrong(monkeypatch):
    def forgets_the_other_factor(ctx, g):  # d(a·b)/da is b, not 1
        a, b = ctx.saved
        return g, g * a

    monkeypatch.setattr(REGISTRY["mul"].node_cls, "vjp", forgets_the_other_factor)
    a = gs.randn(3, 2, dtype=gs.float64, requires_grad=True)
    b = gs.randn(3, 2, dtype=gs.float64, requires_grad=True)
    result = gradcheck(lambda x, y: x * y, [a, b])
    assert not result.passed
    wrong, right = result.pairs
    assert not wrong.passed and right.passed
    np.testing.assert_allclose(wrong.numerical, np.diag(b.detach().numpy().reshape(-1)), atol=1e-8)
    np.testing.assert_allclose(wrong.analytical, np.eye(6))
    assert result.max_difference == pytest.approx(np.max(np.abs(b.detach().numpy() - 1)), rel=1e-6)


def test_float32_disagrees_more_and_says_why():
    rng = np.random.default_rng(0)
    a64, b64 = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    narrow = gradcheck(gs.mm, [gs.tensor(a64, dtype=gs.float32, requires_grad=True),
                               gs.tensor(b64, dtype=gs.float32, requires_grad=True)])
    wide = gradcheck(gs.mm, [gs.tensor(a64, requires_grad=True), gs.tensor(b64, requires_grad=True)])
    assert wide.passed and not wide.explanation
    assert narrow.max_difference > 100 * wide.max_difference
    assert "float32" in narrow.explanation and "1.2e-07" in narrow.explanation and not narrow.kinks
    # the analytical Jacobians agree: it is the finite differences that float32 spoils
    for n, w in zip(narrow.pairs, wide.pairs):
        np.testing.assert_allclose(n.analytical, w.analytical, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_at_a_kink_the_explanation_names_the_element_not_rounding(dtype):
    """relu at 0 and abs within eps of 0: the central difference straddles the kink and gives the mean of
    the one-sided slopes, PyTorch's derivative takes one side; the check fails there and says so."""
    x = gs.tensor([[0.0, 1.5], [-2.0, 0.75]], dtype=getattr(gs, dtype), requires_grad=True)
    result = gradcheck(gs.relu, [x])
    assert not result.passed
    [kink] = result.kinks
    assert kink.index == (0, 0) and kink.value == 0.0
    assert (kink.left, kink.right, kink.analytical) == (0.0, 1.0, 0.0)  # PyTorch: relu'(0) = 0
    assert result.pairs[0].numerical[0, 0] == pytest.approx(0.5)
    assert "element [0, 0] = 0 sits at a kink" in result.explanation and "mean, 0.5" in result.explanation
    assert "significant digits" not in result.explanation
    near = gradcheck(gs.abs, [gs.tensor([2.0, 3e-7, -1.0], dtype=getattr(gs, dtype), requires_grad=True)])
    assert [k.index for k in near.kinks] == [(1,)] and near.kinks[0].right == pytest.approx(1.0, rel=1e-6)
    assert near.kinks[0].analytical == 1.0 and "element [1] = 3e-07 sits at a kink" in near.explanation


def test_abs_at_exactly_0_passes_central_differences_agree_with_pytorchs_0():
    result = gradcheck(gs.abs, [gs.tensor([0.0, -1.0], dtype=gs.float64, requires_grad=True)])
    assert result.passed and not result.kinks and not result.explanation


@pytest.mark.parametrize("fn", [gs.tanh, gs.exp, lambda t: gs.relu(t) * t])
def test_ordinary_points_have_no_kink_even_where_float32_rounding_fails_the_check(fn):
    x = np.array([[1000.5, -3.0, 2.0], [0.3, 1.2, -0.7]])
    narrow = gradcheck(fn, [gs.tensor(x / (1000 if fn is gs.exp else 1), dtype=gs.float32, requires_grad=True)])
    assert not narrow.kinks and (narrow.passed or "significant digits" in narrow.explanation)
    wide = gradcheck(fn, [gs.tensor(x / (1000 if fn is gs.exp else 1), requires_grad=True)])
    assert wide.passed and not wide.kinks


def test_inputs_that_do_not_require_grad_are_held_fixed():
    x = gs.randn(4, dtype=gs.float64, requires_grad=True)
    w = gs.randn(4, dtype=gs.float64)
    result = gradcheck(lambda x, w, k: (x * w).sum() * k, [x, w, 3.0])
    assert result.passed and len(result.pairs) == 1
    np.testing.assert_allclose(result.pairs[0].analytical, 3 * w.numpy()[None, :])
    with pytest.raises(ValueError, match="at least one input that requires grad"):
        gradcheck(lambda w: w * 2, [w])


@needs_torch
def test_the_jacobians_are_pytorchs():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 3)), rng.standard_normal((4, 3))
    ours = gradcheck(lambda a, b: gs.nn.functional.linear(a, b).tanh(),
                     [gs.tensor(x, requires_grad=True), gs.tensor(w, requires_grad=True)])
    theirs = torch.autograd.functional.jacobian(lambda a, b: torch.nn.functional.linear(a, b).tanh(),
                                                (torch.tensor(x), torch.tensor(w)))
    assert torch.autograd.gradcheck(lambda a, b: torch.nn.functional.linear(a, b).tanh(),
                                    (torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)))
    for pair, jac in zip(ours.pairs, theirs):
        np.testing.assert_allclose(pair.analytical, jac.reshape(pair.analytical.shape).numpy(), rtol=1e-10)
        np.testing.assert_allclose(pair.numerical, jac.reshape(pair.analytical.shape).numpy(), atol=1e-6)
