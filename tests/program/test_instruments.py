"""Instruments on a traced run (program/instruments.py): each wire's chain rule with the run's shapes and
numbers, equal to PyTorch's gradients, and gradcheck of a node at the run's values."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from graphstudio.document import Document, Node, load
from graphstudio.engine.core.registry import REGISTRY
from graphstudio.program.compiler import compile
from graphstudio.program.instruments import node_gradcheck, selection_gradcheck, wire_rules
from graphstudio.program.runner import Runner

from tests.oracle import needs_torch, torch

LESSONS = Path(__file__).resolve().parents[2] / "resources" / "examples"

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


def test_the_trace_lists_what_each_node_keeps_and_backward_frees_it():
    program, trace = _run(backward=False)
    kept = {k: [(r.role, r.shape, r.nbytes) for r in v] for k, v in trace.saved.items()}
    assert kept == {"y": [("input", (8, 4), 128), ("mat2", (4, 3), 48)], "r": [("result", (8, 3), 96)]}
    assert not trace.freed
    program, trace = _run()
    assert trace.freed == {"y", "r"}


def test_retain_graph_keeps_the_saved_arrays():
    doc = Document(nodes=[
        Node(id="w", op="tensor", params={"data": W, "requires_grad": True}),
        Node(id="e", op="exp", inputs={"input": "w"}),
        Node(id="loss", op="sum", inputs={"input": "e"}),
        Node(id="go", op="backward", inputs={"tensor": "loss"}, params={"retain_graph": True})])
    runner = Runner(compile(doc), trace=True)
    runner.forward()
    runner.backward()
    assert set(runner.trace.saved) == {"e"} and not runner.trace.freed


def _chain_of_doublings():
    """a = 1; b = a + a; c = b + b: a naive recursion from c visits b twice and a four times."""
    doc = Document(nodes=[
        Node(id="a", op="tensor", params={"data": 1.0, "requires_grad": True}),
        Node(id="b", op="add", inputs={"input": "a", "other": "a"}),
        Node(id="c", op="add", inputs={"input": "b", "other": "b"}),
        Node(id="go", op="backward", inputs={"tensor": "c"})])
    runner = Runner(compile(doc), trace=True)
    runner.forward()
    runner.backward()
    return runner


def test_backward_runs_each_node_once_in_reverse_topological_order():
    runner = _chain_of_doublings()
    assert runner.trace.backward_order == ["c", "b"]
    assert float(runner.trace.grads["a"]) == 4.0  # dc/da = 4, each path once


def test_the_backward_order_puts_every_node_after_all_its_uses():
    program, trace = _run()
    order = trace.backward_order
    assert order == ["loss", "r", "y", "h"]
    position = {node: k for k, node in enumerate(order)}
    for step in program.steps:
        for v in step.inputs:
            for x in v if isinstance(v, list) else [v]:
                if hasattr(x, "node") and x.node in position and step.id in position:
                    assert position[step.id] < position[x.node], (step.id, x.node)


def test_gradcheck_as_run_in_float32_disagrees_more_and_says_why():
    program, trace = _run()
    narrow = node_gradcheck(program, trace, "y", as_run=True)
    wide = node_gradcheck(program, trace, "y")
    assert narrow.dtype == "float32" and "float32" in narrow.explanation and not wide.explanation
    assert narrow.max_difference > 100 * wide.max_difference


def test_gradcheck_of_a_selection_checks_the_chain_rule_across_its_nodes(monkeypatch):
    """logits → loss of the XOR lesson as one function: from a, w2, b2 (the float values wired in; the
    labels y held fixed) to the loss, its Jacobian agrees with central differences; a broken
    cross_entropy backward fails it on every input."""
    runner = Runner(compile(load(LESSONS / "24_xor_mlp_adam.json")), trace=True)
    runner.step()
    check = selection_gradcheck(runner.program, runner.trace, ["loss", "logits"])
    assert check.inputs == ("a", "w2", "b2", "y") and check.outputs == ("loss",)
    assert check.result.passed and check.result.dtype == "float64"
    assert [p.analytical.shape for p in check.result.pairs] == [(1, 16), (1, 8), (1, 2)]  # y: no variable
    original = REGISTRY["cross_entropy"].node_cls.vjp

    def doubled(ctx, g):
        out = original(ctx, g)
        return tuple(None if x is None else 2 * x for x in out) if isinstance(out, tuple) else 2 * out

    monkeypatch.setattr(REGISTRY["cross_entropy"].node_cls, "vjp", doubled)
    broken = selection_gradcheck(runner.program, runner.trace, ["logits", "loss"]).result
    assert [p.passed for p in broken.pairs] == [False, False, False]
    with pytest.raises(ValueError, match="select op nodes"):
        selection_gradcheck(runner.program, runner.trace, ["w1", "x"])


def test_gradcheck_of_a_selection_fails_where_relu_sits_on_its_kink():
    """h has an element exactly 0: relu has no derivative there (central differences see 1/2, backward
    gives 0), so checking h → a → logits fails on the inputs before the relu and passes after it."""
    runner = Runner(compile(load(LESSONS / "24_xor_mlp_adam.json")), trace=True)
    runner.step()
    assert 0.0 in runner.trace.values["h"]
    check = selection_gradcheck(runner.program, runner.trace, ["h", "a", "logits"])
    assert check.inputs == ("x", "w1", "b1", "w2", "b2")
    assert {check.inputs[p.input]: p.passed for p in check.result.pairs} == {
        "x": False, "w1": True, "b1": False, "w2": True, "b2": True}  # the kink's row of w1 has x = 0
