"""The chain rule written out (engine/core/chain_rule.py) against what the backward really computes.

For every op and sample: the shape the rendering says the backward computes equals the shape the op's
vjp returns, its result shape equals the gradient's, and summing the vjp's output over the dims the
rendering names gives the gradient the engine accumulated.
"""
from __future__ import annotations

import numpy as np
import pytest

import graphstudio.engine as gs
from graphstudio.engine.core.chain_rule import chain_rule, formulas
from graphstudio.engine.core.registry import Op, Port

from tests.engine.test_ops import CASES, OPS, _group, make_inputs, outputs, run

DIFFERENTIABLE = {name: op for name, op in OPS.items()
                  if op.differentiable and op.derivative and any(p.differentiable for p in op.inputs)}
RULE_CASES = [(name, i) for name, i in CASES if name in DIFFERENTIABLE]


def test_every_differentiable_op_writes_out_its_chain_rule():
    missing = {}
    for name, op in DIFFERENTIABLE.items():
        try:
            formulas(op)
        except ValueError as e:
            missing[name] = str(e)
    assert not missing, missing
    assert len(DIFFERENTIABLE) > 100


def test_an_op_without_a_formula_is_refused():
    class Bare(Op):
        name = "bare"
        inputs = (Port("input"), Port("index", differentiable=False))

    with pytest.raises(ValueError, match="0 VJP formulas for 1 differentiable inputs"):
        formulas(Bare)
    Bare.vjp_formula = ("dL/dx = G",)
    with pytest.raises(ValueError, match="is not written"):
        formulas(Bare)


def _flat_ports(op, n):
    """(port, item) for each of a sample's n flat inputs."""
    out = []
    for k, port in enumerate(op.inputs):
        if port.variadic:
            rest = n - (len(op.inputs) - 1 - k) - len(out)
            out += [(port, i) for i in range(rest)]
        else:
            out.append((port, 0))
    return out[:n]


@pytest.mark.parametrize("name,i", RULE_CASES)
def test_rendered_shapes_are_the_backwards(name, i):
    op = OPS[name]
    sample = op.samples[i]
    arrays = make_inputs(op, sample)
    ts, out = run(op, arrays, sample.params)
    outs = outputs(out)
    live = [o for o in outs if o.requires_grad]
    if not live:
        pytest.skip(f"{name} gives no differentiable output for this sample")
    rng = np.random.default_rng(3)
    grads = [rng.standard_normal(tuple(o.shape)) if o.requires_grad else None for o in outs]
    node = live[0].grad_fn
    raw = None
    if node is not None:  # None: the op handed back its input itself
        host = [None if g is None else gs.tensor(g, dtype=o.dtype).array for g, o in zip(grads, outs)]
        raw = node.vjp(host if node.multi else host[0])
    gs.autograd.backward(live, [gs.tensor(g, dtype=o.dtype) for g, o in zip(grads, outs) if g is not None])

    shapes = [tuple(t.shape) if isinstance(t, gs.Tensor) else None for t in ts]
    grouped = [list(x) if isinstance(x, list) else x for x in _group(op, shapes)]
    out_shapes = [tuple(o.shape) for o in outs]
    edge = 0
    rendered = 0
    for k, (port, item) in enumerate(_flat_ports(op, len(ts))):
        if not port.differentiable:
            continue
        edge += 1
        t = ts[k]
        if not (isinstance(t, gs.Tensor) and t.requires_grad and t.grad is not None):
            continue
        rule = chain_rule(op, port.name, grouped, out_shapes, item=item)
        assert rule.result == tuple(t.grad.shape), f"{name} {port.name}: {rule.shapes_text()}"
        rendered += 1
        if raw is None or raw[edge - 1] is None:
            continue
        computed = np.asarray(raw[edge - 1])
        assert rule.computed == computed.shape, f"{name} {port.name}: {rule.shapes_text()} but vjp gives {computed.shape}"
        summed = np.sum(computed, axis=tuple(d for d, _ in rule.summed), keepdims=True)
        np.testing.assert_allclose(summed.reshape(rule.result), t.grad.host(), rtol=1e-12, atol=1e-12)
    assert rendered


def test_a_broadcast_bias_says_what_is_summed():
    """`b` of shape [4] added to [8, 4]: its gradient is G summed over dim 0, as PyTorch's."""
    x = gs.randn(8, 4, dtype=gs.float64)
    b = gs.randn(4, dtype=gs.float64, requires_grad=True)
    (x + b).sum().backward()
    rule = chain_rule(OPS["add"], "other", [(8, 4), (4,)], [(8, 4)])
    assert rule.summed == ((0, 8),)
    assert rule.shapes_text() == "G: 8×4 → 8×4, summed over dim 0: 8 → 1 → 4"
    assert rule.result == tuple(b.grad.shape)


def test_mm_names_the_transposed_operand_with_its_shape():
    rule = chain_rule(OPS["mm"], "input", [(3, 4), (4, 5)], [(3, 5)])
    assert rule.text() == "∂L/∂A = G · Bᵀ\nG: 3×5, Bᵀ: 5×4 → 3×4"
    rule = chain_rule(OPS["mm"], "mat2", [(3, 4), (4, 5)], [(3, 5)])
    assert rule.shapes_text() == "Aᵀ: 4×3, G: 3×5 → 4×5"
