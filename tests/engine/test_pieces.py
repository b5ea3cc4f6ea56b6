"""Ops that return a tuple of pieces (split, chunk, unbind) in graph files: every piece can be referenced
once the input's shape is known, a single piece is still `id:0`, and the values and gradients are PyTorch's."""
from __future__ import annotations

import numpy as np
import pytest

from graphstudio.document import Document, Node
from graphstudio.program.compiler import CompileError, Checker, check, compile
from graphstudio.program.runner import Runner
from tests.oracle import needs_torch, torch

DATA = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
CASES = [  # op, params, input port, the torch call, pieces referenced
    ("split", {"split_size_or_sections": 1}, "tensor", lambda x: torch.split(x, 1), [0, 1]),
    ("split", {"split_size_or_sections": 2, "dim": 1}, "tensor", lambda x: torch.split(x, 2, dim=1), [1, 0]),
    ("split", {"split_size_or_sections": 5}, "tensor", lambda x: torch.split(x, 5), [0]),
    ("split", {"split_size_or_sections": [1, 2], "dim": 1}, "tensor", lambda x: torch.split(x, [1, 2], dim=1), [1]),
    ("chunk", {"chunks": 1}, "input", lambda x: torch.chunk(x, 1), [0]),
    ("chunk", {"chunks": 3, "dim": 1}, "input", lambda x: torch.chunk(x, 3, dim=1), [2, 0]),
    ("chunk", {"chunks": 4}, "input", lambda x: torch.chunk(x, 4), [1]),
    ("unbind", {}, "input", lambda x: torch.unbind(x), [1]),
    ("unbind", {"dim": 1}, "input", lambda x: torch.unbind(x, dim=1), [2, 1]),
]


def _graph(op, params, port, used, data=DATA):
    nodes = [Node("x", "tensor", params={"data": data, "requires_grad": True}),
             Node("p", op, {port: "x"}, params)]
    terms = []
    for k, piece in enumerate(used):
        nodes.append(Node(f"m{k}", "mul", {"input": f"p:{piece}", "other": float(k + 2)}))
        nodes.append(Node(f"s{k}", "sum", {"input": f"m{k}"}))
        terms.append(f"s{k}")
    nodes.append(Node("total", "stack", {"tensors": terms}))
    nodes.append(Node("loss", "sum", {"input": "total"}))
    nodes.append(Node("bw", "backward", {"tensor": "loss"}))
    return Document(nodes=nodes)


@needs_torch
@pytest.mark.parametrize("case", range(len(CASES)), ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_each_piece_runs_as_pytorch(case):
    op, params, port, call, used = CASES[case]
    runner = Runner(compile(_graph(op, params, port, used)))
    runner.run()
    out = runner.outputs()
    x = torch.tensor(DATA, requires_grad=True)
    pieces = call(x)
    assert [k for k in out if k.startswith("p:")] == [f"p:{i}" for i in range(len(pieces))]
    for i, piece in enumerate(pieces):
        np.testing.assert_array_equal(out[f"p:{i}"].host(), piece.detach().numpy())
        assert out[f"p:{i}"].grad_fn.name() == piece.grad_fn.name()
    loss = torch.stack([(pieces[piece] * float(k + 2)).sum() for k, piece in enumerate(used)]).sum()
    loss.backward()
    np.testing.assert_array_equal(out["x"].grad.host(), x.grad.numpy())


def test_a_single_piece_is_still_id_0_for_the_editor_and_the_report():
    doc = Document(nodes=[Node("x", "ones", params={"shape": [1, 3]}), Node("u", "unbind", {"input": "x"}),
                          Node("c", "chunk", {"input": "x"}, {"chunks": 1})])
    analysis = check(doc)
    assert not analysis.problems
    assert analysis.outputs["u"] == ("0",) and analysis.outputs["c"] == ("0",)
    assert analysis.specs["u:0"].shape == (3,) and analysis.specs["c:0"].shape == (1, 3)
    runner = Runner(analysis.program)
    runner.run()
    assert set(runner.outputs()) == {"x", "u:0", "c:0"}


@pytest.mark.parametrize("ref, message", [
    ("p:2", "node 'y' (mul): inputs.input: node 'p' has no output '2' (outputs: 0, 1)"),
    ("p:01", "node 'p' has no output '01'"),
])
def test_a_piece_that_the_shape_does_not_give_is_one_clear_problem(ref, message):
    doc = Document(nodes=[Node("x", "ones", params={"shape": [2, 2]}),
                          Node("p", "chunk", {"input": "x"}, {"chunks": 3}),
                          Node("y", "mul", {"input": ref, "other": 2.0})])
    with pytest.raises(CompileError) as e:
        compile(doc)
    assert message in str(e.value)
    incremental = Checker().check(doc)
    assert [str(p) for p in incremental.problems] == [str(p) for p in check(doc).problems]


def test_the_incremental_checker_follows_the_piece_count_as_the_input_shape_changes():
    checker = Checker()
    nodes = [Node("x", "ones", params={"shape": [3, 2]}), Node("p", "split", {"tensor": "x"},
                                                              {"split_size_or_sections": 1}),
             Node("y", "mul", {"input": "p:2", "other": 2.0})]
    first = checker.check(Document(nodes=list(nodes)))
    assert not first.problems and first.outputs["p"] == ("0", "1", "2")
    nodes[0] = Node("x", "ones", params={"shape": [2, 2]})
    second = checker.check(Document(nodes=list(nodes)))
    assert [p.message for p in second.problems] == ["node 'p' has no output '2' (outputs: 0, 1)"]
    nodes[0] = Node("x", "ones", params={"shape": [4, 2]})
    third = checker.check(Document(nodes=list(nodes)))
    assert not third.problems and third.outputs["p"] == ("0", "1", "2", "3")
