"""Instruments on a traced run (program/instruments.py): each wire's chain rule with the run's shapes and
numbers, equal to PyTorch's gradients, and gradcheck of a node at the run's values."""
from __future__ import annotations

import numpy as np
import pytest

from graphstudio.document import Document, Node
from graphstudio.program.compiler import compile
from graphstudio.program.instruments import node_gradcheck, wire_rules
from graphstudio.program.runner import Runner

from tests.oracle import needs_torch, torch

X = np.arange(32, dtype=np.float32).reshape(8, 4) / 10 - 1.2
B = [0.5, -0.25, 0.1, 2.0]
W = [[0.3, -0.2, 0.5], [0.1, 0.4, -0.6], [-0.7, 0.2, 0.1], [0.05, -0.3, 0.2]]


def _run(backward: bool = True):
    doc = Document(nodes=[
        Node(id="x", op="tensor", params={"data": X.tolist()}),
        Node(id="b", op="tensor", params={"data": B, "requires_grad": True}),
        Node(id="w", op="tensor", params={"data": W, "requires_grad": True}),
        Node(id="h", op="add", inputs={"input": "x", "other": "b"}),
        Node(id="y", op="mm", inputs={"input": "h", "mat2": "w"}),
        Node(id="r", op="relu", inputs={"input": "y"}),
        Node(id="loss", op="mean", inputs={"input": "r"}),
        Node(id="go", op="backward", inputs={"tensor": "loss"})])
    program = compile(doc)
    runner = Runner(program, trace=True)
    runner.forward()
    if backward:
        runner.backward()
    return program, runner.trace


def _torch_grads():
    x = torch.tensor(X)
    b = torch.tensor(B, requires_grad=True)
    w = torch.tensor(W, requires_grad=True)
    h = x + b
    y = h @ w
    for t in (h, y):
        t.retain_grad()
    torch.relu(y).mean().backward()
    return {"b": b.grad, "w": w.grad, "h": h.grad, "y": y.grad}


@needs_torch
def test_a_broadcast_bias_wire_shows_the_sum_and_pytorchs_gradient():
    program, trace = _run()
    (bias,) = [r for r in wire_rules(program, trace, "h") if r.port == "other"]
    want = _torch_grads()
    assert bias.rule.formula == "∂L/∂b = α · G"
    assert bias.rule.shapes_text() == "G: 8×4 → 8×4, summed over dim 0: 8 → 1 → 4"
    np.testing.assert_allclose(bias.upstream[0], want["h"].numpy(), rtol=1e-6)
    np.testing.assert_allclose(bias.gradient, want["b"].numpy(), rtol=1e-6)


@needs_torch
def test_mm_wires_show_g_times_b_transposed_with_pytorchs_numbers():
    program, trace = _run()
    rules = {r.port: r for r in wire_rules(program, trace, "y")}
    want = _torch_grads()
    assert rules["input"].rule.text() == "∂L/∂A = G · Bᵀ\nG: 8×3, Bᵀ: 3×4 → 8×4"
    assert rules["mat2"].rule.shapes_text() == "Aᵀ: 4×8, G: 8×3 → 4×3"
    np.testing.assert_allclose(rules["input"].upstream[0], want["y"].numpy(), rtol=1e-6)
    np.testing.assert_allclose(rules["mat2"].gradient, want["w"].numpy(), rtol=1e-5)
    np.testing.assert_allclose(rules["input"].gradient, rules["input"].upstream[0] @ np.asarray(W).T, rtol=1e-5)


def test_before_backward_the_shapes_are_there_and_no_gradient():
    program, trace = _run(backward=False)
    rules = wire_rules(program, trace, "y")
    assert [r.port for r in rules] == ["input", "mat2"]
    assert all(r.gradient is None and r.upstream == (None,) for r in rules)
    assert rules[0].rule.shapes_text() == "G: 8×3, Bᵀ: 3×4 → 8×4"
    assert wire_rules(program, trace, "x") == []  # a leaf has no chain rule of its own


def test_gradcheck_of_a_node_runs_at_the_runs_values_in_float64():
    program, trace = _run()
    result = node_gradcheck(program, trace, "y")
    assert result.passed and result.dtype == "float64"
    assert [p.analytical.shape for p in result.pairs] == [(24, 32), (24, 12)]
    with pytest.raises(ValueError, match="has no gradient to check"):
        node_gradcheck(program, trace, "x")
