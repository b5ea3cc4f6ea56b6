"""The incremental ``Checker`` (what the editor runs after every edit) always answers exactly what a
full ``check`` of the same document answers: same problems in the same order, same specs, same
output names, same Program — whatever sequence of edits led there."""
from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphstudio.document import Document, Node
from graphstudio.program.compiler import Checker, check

LIMIT = 64  # bytes: small, so a [2, 3, 4] float32 output already meets the memory-limit problem

OPS = ("ones", "randn", "tensor", "add", "mul", "matmul", "relu", "sum", "max", "split", "chunk", "cat", "stack",
       "reshape", "backward", "mse_loss", "dataset", "nosuchop")
PARAMS = ("shape", "dim", "keepdim", "requires_grad", "retain_grad", "data", "chunks", "split_size_or_sections",
          "n_samples", "batch_size", "colour")
PORTS = ("input", "other", "tensor", "tensors", "target", "mat2", "extra")
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-2, 4), st.sampled_from([1.0, 0.5, 2.0]),
    st.sampled_from([[2, 3], [3, 2], [3], [2, 3, 4], [-1], [200, 200], [1, 2.0], [[1, 2], [3, 4]], []]),
    st.text("abc", max_size=2))


def _ids(doc: Document) -> list[str]:
    return [n.id for n in doc.nodes]


def _ref(data, doc: Document) -> str:
    ids = _ids(doc)
    known = ids and data.draw(st.integers(0, 9))  # mostly a node that exists
    src = data.draw(st.sampled_from(ids) if known else st.sampled_from(["ghost", "gost"]))
    suffix = st.sampled_from([":out", ":values", ":indices", ":0", ":1", ":x", ":y", ":nope"])
    return src + (data.draw(suffix) if not data.draw(st.integers(0, 3)) else "")


def _port(data, node: Node) -> str:
    """Mostly a port the node's op has, so most wires count."""
    from graphstudio.engine.core.registry import REGISTRY

    op = REGISTRY.get(node.op)
    ports = [p.name for p in op.inputs] if op is not None else []
    if ports and data.draw(st.integers(0, 4)):
        return data.draw(st.sampled_from(ports))
    return data.draw(st.sampled_from(PORTS))


def _replace(doc: Document, index: int, **changes) -> None:
    """Edits replace a node (as the editor's commands do); the others stay the very same objects."""
    old = doc.nodes[index]
    doc.nodes[index] = Node(changes.get("id", old.id), changes.get("op", old.op),
                            changes.get("inputs", copy.deepcopy(old.inputs)),
                            changes.get("params", copy.deepcopy(old.params)), old.pos)


def _edit(data, doc: Document) -> None:
    action = data.draw(st.sampled_from(["add", "add", "remove", "op", "param", "param", "unparam", "wire", "wire",
                                        "unwire", "literal", "rename", "reorder", "variadic"]))
    if action == "add" or not doc.nodes:
        n = len(doc.nodes)
        node_id = data.draw(st.sampled_from([f"n{n}", f"n{n}", "ghost", "ghosts", "a"]))
        if node_id in _ids(doc):
            node_id = f"n{n}_{len(doc.nodes)}"
        op = data.draw(st.sampled_from(OPS))
        params = {"shape": data.draw(st.sampled_from([[2, 3], [3, 2], [3, 3]]))} if op in ("ones", "randn") else {}
        if op == "dataset":
            params = {"n_samples": 20, "batch_size": 4}
        doc.nodes.insert(data.draw(st.integers(0, n)), Node(node_id, op, {}, params))
        return
    index = data.draw(st.integers(0, len(doc.nodes) - 1))
    node = doc.nodes[index]
    if action == "remove":
        del doc.nodes[index]
    elif action == "op":
        _replace(doc, index, op=data.draw(st.sampled_from(OPS)))
    elif action == "param":
        params = dict(node.params)
        name = data.draw(st.sampled_from(PARAMS))
        if name == "shape" or not data.draw(st.integers(0, 3)):
            params["shape"] = data.draw(st.sampled_from([[2, 3], [3, 3], [2, 3, 4], [3], [2, 3.0]]))
        else:
            params[name] = data.draw(VALUES)
        _replace(doc, index, params=params)
    elif action == "unparam" and node.params:
        params = dict(node.params)
        del params[data.draw(st.sampled_from(sorted(params)))]
        _replace(doc, index, params=params)
    elif action == "wire":
        _replace(doc, index, inputs={**node.inputs, _port(data, node): _ref(data, doc)})
    elif action == "variadic":
        refs = data.draw(st.lists(st.one_of(st.just(None), st.integers(0, 2)), min_size=0, max_size=3))
        value = [_ref(data, doc) if r is None else r for r in refs]
        _replace(doc, index, inputs={**node.inputs, "tensors": value})
    elif action == "unwire" and node.inputs:
        inputs = dict(node.inputs)
        del inputs[data.draw(st.sampled_from(sorted(inputs)))]
        _replace(doc, index, inputs=inputs)
    elif action == "literal":
        _replace(doc, index, inputs={**node.inputs, _port(data, node): data.draw(VALUES)})
    elif action == "rename":
        new = data.draw(st.sampled_from(["a", "b", "ghost", "ghosts", f"r{index}"]))
        if new not in _ids(doc):
            _replace(doc, index, id=new)
    elif action == "reorder":
        doc.nodes.insert(data.draw(st.integers(0, len(doc.nodes) - 1)), doc.nodes.pop(index))


def _same_analysis(doc: Document, checker: Checker) -> None:
    got = checker.check(doc)
    want = check(doc, memory_limit=checker.memory_limit)
    assert [str(p) for p in got.problems] == [str(p) for p in want.problems]
    assert got.problems == want.problems
    assert got.specs == want.specs
    assert got.outputs == want.outputs
    assert got.program == want.program


def _start() -> Document:
    return Document(nodes=[
        Node("x", "ones", {}, {"shape": [2, 3], "requires_grad": True}),
        Node("w", "randn", {}, {"shape": [3, 3]}),
        Node("h", "matmul", {"input": "x", "other": "w"}),
        Node("r", "relu", {"input": "h"}),
        Node("m", "max", {"input": "r"}, {"dim": 1}),
        Node("s", "sum", {"input": "m:values"}),
        Node("b", "backward", {"tensor": "s"}),
    ])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_incremental_check_equals_full_check_after_random_edits(data):
    doc = _start()
    checker = Checker(memory_limit=LIMIT)
    _same_analysis(doc, checker)
    for _ in range(data.draw(st.integers(1, 25))):
        if not data.draw(st.integers(0, 9)):  # the free memory moved: so did the limit
            checker.memory_limit = data.draw(st.sampled_from([LIMIT, 24, 4096]))
        else:
            _edit(data, doc)
        _same_analysis(doc, checker)


def test_a_node_edited_in_place_is_seen():
    doc = Document(nodes=[Node("x", "ones", {}, {"shape": [2, 3]}), Node("r", "relu", {"input": "x"})])
    checker = Checker(memory_limit=LIMIT)
    checker.check(doc)
    doc.nodes[0].params["shape"] = [3, 3]
    assert checker.check(doc).specs["r"].shape == (3, 3)


def test_a_value_of_another_json_type_is_an_edit():
    """1, 1.0 and true compare equal in Python; the checker must still see the new value."""
    doc = Document(nodes=[Node("x", "ones", {}, {"shape": [2, 3]}), Node("s", "sum", {"input": "x"}, {"dim": 1})])
    checker = Checker(memory_limit=LIMIT)
    assert not checker.check(doc).problems
    doc.nodes[1] = Node("s", "sum", {"input": "x"}, {"dim": True})
    assert [str(p) for p in checker.check(doc).problems] == [str(p) for p in check(doc).problems] != []


def test_unchanged_graph_reinfers_nothing(monkeypatch):
    """After an edit only the edited node and the nodes its shapes reach are inferred again."""
    import graphstudio.program.compiler as compiler

    nodes = [Node("x", "ones", {}, {"shape": [2, 3]})]
    nodes += [Node(f"r{i}", "relu", {"input": f"r{i - 1}" if i else "x"}) for i in range(20)]
    nodes += [Node("y", "ones", {}, {"shape": [2, 3]}), Node("z", "relu", {"input": "y"})]
    doc = Document(nodes=nodes)
    checker = Checker(memory_limit=LIMIT)
    checker.check(doc)
    inferred = []
    real = compiler._infer
    monkeypatch.setattr(compiler, "_infer", lambda node, *a: inferred.append(node.id) or real(node, *a))
    checker.check(doc)
    assert inferred == []
    doc.nodes[-2] = Node("y", "ones", {}, {"shape": [4, 3]})
    checker.check(doc)
    assert inferred == ["y", "z"]
    inferred.clear()
    doc.nodes[0] = Node("x", "ones", {}, {"shape": [2, 3], "requires_grad": True})  # same shape: stops at x
    checker.check(doc)
    assert inferred == ["x"]
