"""References ("node" / "node:output") are read and written in one module; its round trips hold."""
from __future__ import annotations

from graphstudio.document.references import (drop_refs, format_ref, iter_refs, parse_ref, rename_refs, source_of,
                                             sources)


def test_parse_and_format_round_trip() -> None:
    assert parse_ref("x") == ("x", None)
    assert parse_ref("split:1") == ("split", "1")
    assert format_ref("x", None) == "x"
    assert format_ref("x", "indices") == "x:indices"
    assert format_ref("x", "values", ("values", "indices")) == "x"  # the first output is the bare id
    for ref in ("x", "a:b", "node_2:out"):
        assert format_ref(*parse_ref(ref)) == ref
        assert source_of(ref) == parse_ref(ref)[0]


def test_iteration_skips_literals() -> None:
    assert list(iter_refs(["a", 2.0, "b:1"])) == ["a", "b:1"]
    assert list(iter_refs(3)) == []
    assert sources({"x": "a:values", "tensors": ["b", 1, "c:1"], "y": 2}) == ["a", "b", "c"]


def test_rename_keeps_the_output_and_leaves_others() -> None:
    assert rename_refs("a:indices", {"a": "z"}) == "z:indices"
    assert rename_refs(["a", 1, "b:1"], {"b": "y"}) == ["a", 1, "y:1"]
    assert rename_refs("ab", {"a": "z"}) == "ab"
    assert rename_refs(4, {"a": "z"}) == 4


def test_drop_removes_wires_from_gone_nodes_only() -> None:
    inputs = {"x": "a:1", "tensors": ["a", "b", 0.5], "y": "b"}
    assert drop_refs(inputs, {"a"}) == {"tensors": ["b", 0.5], "y": "b"}
    assert inputs == {"x": "a:1", "tensors": ["a", "b", 0.5], "y": "b"}  # the original is untouched
