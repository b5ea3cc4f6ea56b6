"""The compiler finds every problem before anything runs, naming node, op and key path."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphstudio.cli import main
from graphstudio.document import Document, Node, loads
from graphstudio.program.compiler import check


def doc(*nodes):
    return Document(nodes=[Node(**n) for n in nodes])


def messages(d, **kw):
    return [str(p) for p in check(d, **kw).problems]


def test_all_problems_are_collected_in_one_pass():
    d = doc({"id": "a", "op": "frobnicate"},
            {"id": "b", "op": "relu", "inputs": {"input": "nope"}},
            {"id": "c", "op": "ones", "params": {"shape": "x"}},
            {"id": "m", "op": "mm", "inputs": {"input": [[1.0, 2.0]], "mat2": [[1.0, 2.0]]}})
    got = messages(d)
    assert len(got) == 4
    assert got[0].startswith("node 'a' (frobnicate): op: unknown op 'frobnicate'")
    assert "node 'b' (relu): inputs.input: no node 'nope'" in got[1]
    assert got[2] == "node 'c' (ones): params.shape: expected a list of integers, got \"x\""
    assert "cannot be multiplied (1x2 and 1x2)" in got[3]


def test_dependents_of_a_bad_node_stay_quiet():
    d = doc({"id": "a", "op": "ones", "params": {"shape": [2, 3]}},
            {"id": "m", "op": "mm", "inputs": {"input": "a", "mat2": "a"}},
            {"id": "r", "op": "relu", "inputs": {"input": "m"}})
    assert [p.node_id for p in check(d).problems] == ["m"]


def test_shapes_and_dtypes_are_inferred_without_data():
    d = doc({"id": "a", "op": "ones", "params": {"shape": [2, 3]}},
            {"id": "b", "op": "tensor", "params": {"data": [[1, 2], [3, 4], [5, 6]]}},
            {"id": "c", "op": "mul", "inputs": {"input": "a", "other": 2}})
    specs = check(d).specs
    assert specs["a"].shape == (2, 3) and specs["b"].dtype.name == "int64" and specs["c"].dtype.name == "float32"


def test_cycles_name_every_node_on_them():
    d = doc({"id": "a", "op": "relu", "inputs": {"input": "c"}},
            {"id": "b", "op": "relu", "inputs": {"input": "a"}},
            {"id": "c", "op": "relu", "inputs": {"input": "b"}},
            {"id": "free", "op": "ones", "params": {"shape": [1]}})
    problems = check(d).problems
    assert sorted(p.node_id for p in problems) == ["a", "b", "c"]
    assert all("cycle" in p.message for p in problems)


def test_memory_limit_refuses_huge_tensors_before_allocating():
    d = doc({"id": "big", "op": "zeros", "params": {"shape": [100000, 100000]}})
    (p,) = check(d, memory_limit=1 << 30).problems
    assert p.node_id == "big" and "memory limit" in p.message and "37.3 GB" in p.message


def test_flags_belong_to_the_right_nodes():
    d = doc({"id": "a", "op": "ones", "params": {"shape": [2], "retain_grad": True}},
            {"id": "b", "op": "relu", "inputs": {"input": "a"}, "params": {"requires_grad": True}})
    assert [p.node_id for p in check(d).problems] == ["a", "b"]


def test_named_outputs_resolve_and_unknown_names_are_problems():
    d = doc({"id": "a", "op": "ones", "params": {"shape": [2]}},
            {"id": "b", "op": "relu", "inputs": {"input": "a:zzz"}})
    (p,) = check(d).problems
    assert "has no output 'zzz'" in p.message


VALID = {"graphstudio": 1, "nodes": [
    {"id": "x", "op": "ones", "params": {"shape": [2, 2], "requires_grad": True}},
    {"id": "y", "op": "add", "inputs": {"input": "x", "other": 2}},
    {"id": "z", "op": "mul", "inputs": {"input": "y", "other": "y"}},
    {"id": "bw", "op": "backward", "inputs": {"tensor": "z"}, "params": {"retain_graph": False}}]}

JUNK = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=False), st.text(max_size=5),
                 st.lists(st.integers(-3, 10**9), max_size=4), st.just("x"), st.just("z:zz"), st.just("bw"))


@st.composite
def corrupted(draw):
    data = json.loads(json.dumps(VALID))
    for _ in range(draw(st.integers(1, 3))):
        node = draw(st.sampled_from(data["nodes"]))
        where = draw(st.sampled_from(["op", "inputs", "params", "delete", "id"]))
        if where == "delete":
            key = draw(st.sampled_from(list(node)))
            node.pop(key)
        elif where == "op":
            node["op"] = draw(st.sampled_from(["mm", "relu", "zeros", "backward", "sgd", "cat", "bogus", 3]))
        elif where == "id":
            node["id"] = draw(st.sampled_from(["x", "y", "z", "1bad", ""]))
        else:
            bucket = node.setdefault(where, {})
            if isinstance(bucket, dict):
                key = draw(st.sampled_from(["input", "other", "shape", "tensor", "dim", "lr", "requires_grad", "data"]))
                bucket[key] = draw(JUNK)
    text = json.dumps(data)
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] if draw(st.booleans()) else text
    return text.encode("utf-8") + (b"\xff\xfe" if draw(st.integers(0, 9)) == 0 else b"")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(corrupted())
def test_corrupted_files_end_in_one_line_never_a_traceback(tmp_path, capsys, raw):
    path = tmp_path / "g.json"
    path.write_bytes(raw)
    rc = main(["--run", str(path), "--json"])
    out, err = capsys.readouterr()
    assert rc in (0, 1, 2)
    if rc == 0:
        json.loads(out)
    else:
        assert len(err.strip().splitlines()) == 1, err
        assert "internal error" not in err and "Traceback" not in err
        assert str(path) in err


def test_document_round_trip_keeps_compiling():
    d = loads(json.dumps(VALID))
    assert check(d).problems == []


GIB = 1 << 30


def test_memory_limit_is_over_the_whole_run_not_per_output():
    """Four ones of [51252, 51252] (9.8 GiB each) and two adds fit the limit one by one, not together:
    on a 23 GiB machine the run is refused before anything is allocated."""
    big = {"shape": [51252, 51252]}
    d = doc(*({"id": f"o{i}", "op": "ones", "params": big} for i in range(4)),
            {"id": "s1", "op": "add", "inputs": {"input": "o0", "other": "o1"}},
            {"id": "s2", "op": "add", "inputs": {"input": "o2", "other": "o3"}})
    (p,) = check(d, memory_limit=23 * GIB // 2).problems
    assert p.node_id == "o1" and "the run would need" in p.message and "memory limit of 11.5 GB" in p.message


def test_an_ops_temporaries_count_toward_the_run():
    d = doc({"id": "a", "op": "ones", "params": {"shape": [1000]}},
            {"id": "b", "op": "exp", "inputs": {"input": "a"}})
    assert not check(d, memory_limit=4000 + 2 * 4000).problems
    (p,) = check(d, memory_limit=4000 + 2 * 4000 - 1).problems
    assert p.node_id == "b" and "11.7 KB" in p.message


def test_a_long_cycles_messages_stay_short():
    n = 5000
    d = doc(*({"id": f"n{i}", "op": "relu", "inputs": {"input": f"n{(i + 1) % n}"}} for i in range(n)))
    problems = check(d).problems
    assert len(problems) == n and all(len(p.message) < 200 for p in problems)
    assert problems[0].message.startswith(f"cycle of {n} nodes: n0 → n1")


def test_the_checkers_work_is_bounded_by_the_file_not_by_a_count_in_it():
    """A 60-byte file asking for 10⁸ chunks must not build 10⁸ output names (the editor checks on every edit)."""
    import tracemalloc

    d = doc({"id": "x", "op": "zeros", "params": {"shape": [0]}},
            {"id": "c", "op": "chunk", "inputs": {"input": "x"}, "params": {"chunks": 100_000_000}},
            {"id": "u", "op": "unbind", "inputs": {"input": "z"}},
            {"id": "z", "op": "zeros", "params": {"shape": [10**9, 0]}})
    tracemalloc.start()
    try:
        analysis = check(d)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 << 20
    assert [(p.node_id, "at most 10000 outputs" in p.message) for p in analysis.problems] == [("c", True), ("u", True)]


def test_a_tensor_literal_is_bounded():
    from graphstudio.engine.core.ops.create import MAX_LITERAL_NUMBERS

    d = doc({"id": "t", "op": "tensor", "params": {"data": [0.5] * (MAX_LITERAL_NUMBERS + 1)}},
            {"id": "r", "op": "relu", "inputs": {"input": [[1.0] * 1001] * 1000}})
    assert [(p.node_id, "more than a graph file may hold" in p.message) for p in check(d).problems] == [
        ("t", True), ("r", True)]


def test_a_huge_name_is_checked_in_time_linear_in_it():
    """No "did you mean" for a 6-MB op name: difflib spends seconds on it (and the editor checks per edit)."""
    import time

    d = doc({"id": "a", "op": "tensor" * 1_000_000},
            {"id": "b", "op": "relu", "inputs": {"input": "x" * 1_000_000}})
    start = time.perf_counter()
    assert [p.node_id for p in check(d).problems] == ["a", "b"]
    assert time.perf_counter() - start < 0.5
