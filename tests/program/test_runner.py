"""The runner: steps, sinks, datasets, flags, and the trace the editor animates."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from graphstudio.document import Document, Node, load
from graphstudio.program.compiler import compile
from graphstudio.program.runner import RunError, Runner
from tests.data import EXAMPLES_DIR
from tests.oracle import needs_torch, torch

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "resources" / "examples"


def run(doc, steps=None, **kw):
    runner = Runner(compile(doc), **kw)
    runner.run(steps)
    return runner


def edge_index(runner, source, target, port):
    return next(i for i, e in enumerate(runner.edges) if (e.source, e.target, e.port) == (source, target, port))


def test_trace_shows_each_uses_contribution_before_they_are_summed():
    runner = run(load(LESSONS / "03_autograd_basics.json"), trace=True)
    trace = runner.trace
    i_in, i_other = edge_index(runner, "y", "yy", "input"), edge_index(runner, "y", "yy", "other")
    (g_in,), (g_other,) = trace.edge_grads[i_in], trace.edge_grads[i_other]
    np.testing.assert_allclose(g_in, np.full((2, 2), 2.25))
    np.testing.assert_allclose(g_other, np.full((2, 2), 2.25))
    np.testing.assert_allclose(trace.edge_value(edge_index(runner, "x", "y", "input")), np.ones((2, 2)))
    np.testing.assert_allclose(trace.grads["x"], np.full((2, 2), 4.5))
    assert trace.grads["y"] is None  # a non-leaf without retain_grad keeps no .grad, as in PyTorch
    assert trace.grad_fns["yy"] == "MulBackward0" and trace.values["out"] == pytest.approx(27.0)


def test_no_gradient_travels_a_detached_wire():
    runner = run(load(LESSONS / "07_detach.json"), trace=True)
    grads = runner.trace.edge_grads
    assert edge_index(runner, "y", "d", "input") not in grads
    assert edge_index(runner, "d", "z", "input") not in grads  # d is a constant to autograd
    (g,) = grads[edge_index(runner, "x", "z", "other")]
    np.testing.assert_allclose(g, [1.0, 4.0, 9.0])


def test_tracing_changes_no_result():
    doc = load(LESSONS / "24_xor_mlp_adam.json")
    plain, traced = run(doc, steps=20), run(doc, steps=20, trace=True)
    for key, t in plain.outputs().items():
        np.testing.assert_array_equal(t.host(), traced.outputs()[key].host())
    assert list(plain.history) == list(traced.history)


def test_trace_keeps_the_values_of_its_step_while_training_goes_on():
    runner = Runner(compile(load(LESSONS / "21_linear_regression_sgd.json")), trace=True)
    runner.step()
    first = runner.trace
    w_seen = first.values["w"].copy()
    runner.step()
    np.testing.assert_array_equal(first.values["w"], w_seen)
    assert not np.array_equal(runner.trace.values["w"], w_seen)


def test_leaves_keep_their_values_across_steps_and_frozen_ones_do_not_train():
    doc = Document(steps=5, nodes=[
        Node("w", "tensor", params={"data": [1.0], "requires_grad": True}),
        Node("b", "tensor", params={"data": [1.0]}),
        Node("y", "mul", {"input": "w", "other": "b"}),
        Node("loss", "sum", {"input": "y"}),
        Node("opt", "sgd", {"loss": "loss"}, {"lr": 0.1}),
    ])
    runner = run(doc)
    assert runner.outputs()["w"].item() == pytest.approx(1.0 - 5 * 0.1)
    assert runner.outputs()["b"].item() == 1.0
    assert [h["loss"]["opt"] for h in runner.history] == pytest.approx([1.0, 0.9, 0.8, 0.7, 0.6])


def test_dataset_node_yields_the_next_batch_every_step():
    doc = Document(steps=3, nodes=[Node("data", "dataset", params={"name": "xor", "n_samples": 10, "batch_size": 4,
                                                                     "shuffle": False})])
    runner = Runner(compile(doc))
    seen = []
    for _ in range(3):
        runner.step()
        seen.append(runner.outputs()["data:x"].host().copy())
    assert [len(b) for b in seen] == [4, 4, 2]  # the last batch of an epoch is smaller, as a DataLoader's
    assert runner.outputs()["data:y"].dtype.name == "int64"


def test_reset_makes_leaves_anew():
    runner = run(load(LESSONS / "21_linear_regression_sgd.json"))
    trained = runner.outputs()["w"].item()
    runner.reset()
    assert runner.outputs()["w"].item() == 0.0 != trained and len(runner.history) == 0


def test_run_errors_name_the_node():
    with pytest.raises(RunError, match=r"node 'bw2' \(backward\): Trying to backward through the graph a second time"):
        run(load(EXAMPLES_DIR / "errors" / "backward_twice.json"))


def test_anomaly_detection_names_the_node_that_made_a_nan():
    doc = Document(nodes=[Node("x", "tensor", params={"data": [-1.0, 4.0]}), Node("s", "sqrt", {"input": "x"})])
    run(doc)  # without detection: nan flows on, as in PyTorch
    with pytest.raises(RunError, match=r"node 's' \(sqrt\): produced non-finite") as info:
        run(doc, detect_anomaly=True)
    assert str(info.value).endswith(": 1 nan of 2, from input = x [-1, 4]")  # the inputs that made it


def test_anomaly_detection_sums_up_a_large_input_and_names_a_number():
    doc = Document(nodes=[Node("x", "tensor", params={"data": [[1.0, -2.0, 3.0, 0.5], [2.0, 0.0, -1.0, 4.0]]}),
                          Node("d", "div", {"input": "x", "other": 0.0})])
    with pytest.raises(RunError) as info:
        run(doc, detect_anomaly=True)
    assert str(info.value).endswith(": 1 nan and 7 inf of 8, from input = x [2×4, min -2, max 4]; other = 0.0")


def test_the_trace_off_the_cpu_is_host_numpy_arrays_equal_to_the_cpus():
    """What a GPU run hands the editor: host copies (array-api-strict stands in for CuPy here)."""
    doc = load(LESSONS / "24_xor_mlp_adam.json")
    cpu, other = (run(doc, steps=3, trace=True, device=d).trace for d in ("cpu", "strict"))
    for key, value in cpu.values.items():
        assert type(other.values[key]) is np.ndarray
        np.testing.assert_allclose(other.values[key], value, rtol=1e-5, atol=1e-6)
    for key, grad in cpu.grads.items():
        assert (other.grads[key] is None) == (grad is None)
        if grad is not None:
            assert type(other.grads[key]) is np.ndarray
            np.testing.assert_allclose(other.grads[key], grad, rtol=1e-5, atol=1e-6)
    assert cpu.edge_grads.keys() == other.edge_grads.keys()
    for i, parts in cpu.edge_grads.items():
        for mine, theirs in zip(other.edge_grads[i], parts):
            assert type(mine) is np.ndarray
            np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


@needs_torch
def test_backward_from_a_root_is_out_backward_as_in_pytorch():
    doc = Document(nodes=[Node("x", "ones", {}, {"shape": [2, 2], "requires_grad": True}),
                          Node("y", "add", {"input": "x", "other": 2}),
                          Node("z", "mul", {"input": "y", "other": "y"}),
                          Node("out", "mean", {"input": "z"})])
    runner = Runner(compile(doc), trace=True)
    runner.forward()
    runner.backward("out")
    x = torch.ones(2, 2, requires_grad=True)
    ((x + 2) * (x + 2)).mean().backward()
    np.testing.assert_allclose(runner.trace.grads["x"], x.grad.numpy())
    assert runner.trace.edge_grads  # the gradient's way back is traced, for the canvas
    with pytest.raises(RunError, match=r"node 'z' \(mul\): grad can be implicitly created only for scalar outputs"):
        runner.forward()
        runner.backward("z")


def _graph(*nodes):
    return Document(nodes=[Node(**n) for n in nodes])


@needs_torch
def test_add_and_sub_take_alpha_in_a_graph_file_as_pytorch():
    doc = _graph({"id": "x", "op": "tensor", "params": {"data": [1.5, -2.0], "dtype": "float64", "requires_grad": True}},
                 {"id": "w", "op": "tensor", "params": {"data": [0.5, 3.0], "dtype": "float64", "requires_grad": True}},
                 {"id": "a", "op": "add", "inputs": {"input": "x", "other": "w"}, "params": {"alpha": 2}},
                 {"id": "s", "op": "sub", "inputs": {"input": "a", "other": 4}, "params": {"alpha": -0.5}},
                 {"id": "r", "op": "rsub", "inputs": {"input": "s", "other": "w"}, "params": {"alpha": 3}},
                 {"id": "out", "op": "sum", "inputs": {"input": "r"}},
                 {"id": "bw", "op": "backward", "inputs": {"tensor": "out"}})
    trace = run(doc, trace=True).trace
    x = torch.tensor([1.5, -2.0], dtype=torch.float64, requires_grad=True)
    w = torch.tensor([0.5, 3.0], dtype=torch.float64, requires_grad=True)
    r = torch.rsub(torch.sub(torch.add(x, w, alpha=2), 4, alpha=-0.5), w, alpha=3)
    r.sum().backward()
    np.testing.assert_allclose(trace.values["r"], r.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(trace.grads["x"], x.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(trace.grads["w"], w.grad.numpy(), rtol=1e-12)
    assert trace.grad_fns["r"] == r.grad_fn.name()


def test_no_op_nodes_hand_their_input_on_in_a_graph():
    doc = _graph({"id": "x", "op": "ones", "params": {"shape": [2, 3], "requires_grad": True}},
                 {"id": "f", "op": "flatten", "inputs": {"input": "x"}, "params": {"start_dim": 1, "end_dim": 1}},
                 {"id": "c", "op": "contiguous", "inputs": {"input": "f"}},
                 {"id": "t", "op": "to", "inputs": {"input": "c"}, "params": {"dtype": "float32"}},
                 {"id": "d", "op": "dropout", "inputs": {"input": "t"}, "params": {"p": 0.0}})
    values = run(doc).values
    assert all(values[k] is values["x"] for k in "fctd")


def test_trace_gives_each_where_input_its_own_gradient():
    doc = _graph({"id": "x", "op": "tensor", "params": {"data": [1.5, -2.0, 3.0], "requires_grad": True}},
                 {"id": "c", "op": "gt", "inputs": {"input": "x", "other": 0}},
                 {"id": "w", "op": "where", "inputs": {"condition": "c", "input": "x", "other": 0.0}},
                 {"id": "out", "op": "sum", "inputs": {"input": "w"}},
                 {"id": "bw", "op": "backward", "inputs": {"tensor": "out"}})
    runner = run(doc, trace=True)
    grads = runner.trace.edge_grads
    assert edge_index(runner, "c", "w", "condition") not in grads
    (g,) = grads[edge_index(runner, "x", "w", "input")]
    np.testing.assert_allclose(g, [1.0, 0.0, 1.0])
