"""The document model: dataclasses, dict conversion, validation messages and migrations."""
from __future__ import annotations

import copy
import math

import pytest

from graphstudio.document import (FORMAT_VERSION, MIGRATIONS, Document, DocumentError, Node,
                                  Problem, dumps, loads, migrate)
from graphstudio.document import migrations


def raw_doc(**top) -> dict:
    """A small valid raw document; keyword arguments override top-level keys."""
    raw = {
        "graphstudio": 1,
        "nodes": [
            {"id": "a", "op": "ones", "params": {"shape": [2, 3]}},
            {"id": "b", "op": "ones", "params": {"shape": [3, 2]}},
            {"id": "m", "op": "mm", "inputs": {"input": "a", "mat2": "b"}},
        ],
    }
    raw.update(top)
    return raw


def problems_of(raw) -> list[str]:
    with pytest.raises(DocumentError) as info:
        Document.from_dict(raw)
    return [str(p) for p in info.value.problems]


def with_node(**node) -> dict:
    return raw_doc(nodes=[{"id": "m", "op": "mm", **node}])


# --- dataclasses ---------------------------------------------------------------------------


def test_defaults_are_the_format_defaults_and_not_shared():
    a, b = Document(), Document()
    assert (a.title, a.notes, a.device, a.seed, a.steps) == ("", "", "cpu", 0, 1)
    a.nodes.append(Node("x", "ones"))
    a.ui["zoom"] = 2
    n1, n2 = Node("x", "ones"), Node("y", "ones")
    n1.params["shape"] = [2]
    assert b.nodes == [] and b.ui == {} and n2.params == {} and n2.pos is None


def test_node_lookup():
    doc = Document.from_dict(raw_doc())
    assert doc.node("m").inputs == {"input": "a", "mat2": "b"}
    with pytest.raises(KeyError):
        doc.node("nope")


def test_copy_is_deep_and_equal():
    doc = Document.from_dict(raw_doc(expect={"outputs": {"m": [1]}}, ui={"zoom": 1.5}))
    dup = doc.copy()
    assert dup == doc
    dup.node("a").params["shape"].append(9)
    dup.extra["expect"]["outputs"]["m"].append(2)
    dup.ui["zoom"] = 3
    assert doc.node("a").params["shape"] == [2, 3]
    assert doc.extra["expect"]["outputs"]["m"] == [1] and doc.ui == {"zoom": 1.5}
    assert dup != doc


def test_from_dict_fills_defaults_and_keeps_unknown_keys():
    doc = Document.from_dict(raw_doc(expect={"exit": 2}, zzz=[1, "two"]))
    assert (doc.title, doc.device, doc.seed, doc.steps, doc.ui) == ("", "cpu", 0, 1, {})
    assert doc.extra == {"expect": {"exit": 2}, "zzz": [1, "two"]}
    assert doc.node("m") == Node("m", "mm", {"input": "a", "mat2": "b"})


def test_from_dict_neither_mutates_nor_aliases_its_argument():
    raw = raw_doc(ui={"view": [0, 0]}, expect={"x": [1]})
    before = copy.deepcopy(raw)
    doc = Document.from_dict(raw)
    assert raw == before
    raw["nodes"][0]["params"]["shape"].append(7)
    raw["ui"]["view"].append(1)
    raw["expect"]["x"].append(2)
    assert doc.node("a").params["shape"] == [2, 3] and doc.ui == {"view": [0, 0]}
    assert doc.extra == {"expect": {"x": [1]}}


def test_to_dict_key_order_and_omissions():
    doc = Document(title="t", nodes=[Node("x", "ones", params={"shape": [1]}, pos=(1.0, 2.5)),
                                     Node("y", "relu", inputs={"input": "x"})],
                   ui={"zoom": 1}, extra={"zeta": 1, "alpha": 2})
    d = doc.to_dict()
    assert list(d) == ["graphstudio", "title", "notes", "device", "seed", "steps", "nodes",
                       "alpha", "zeta", "ui"]
    assert d["graphstudio"] == FORMAT_VERSION
    assert d["nodes"] == [{"id": "x", "op": "ones", "params": {"shape": [1]}, "pos": [1.0, 2.5]},
                          {"id": "y", "op": "relu", "inputs": {"input": "x"}}]
    assert "ui" not in Document().to_dict()


def test_to_dict_returns_fresh_values_and_turns_tuples_into_lists():
    doc = Document(nodes=[Node("x", "tensor", params={"data": (1, (2, 3))})])
    d = doc.to_dict()
    assert d["nodes"][0]["params"]["data"] == [1, [2, 3]]
    d["nodes"][0]["params"]["data"].append(4)
    assert doc.nodes[0].params["data"] == (1, (2, 3))


def test_pos_comes_back_as_a_tuple():
    doc = Document.from_dict(with_node(pos=[3, -4.5]))
    assert doc.nodes[0].pos == (3, -4.5) and isinstance(doc.nodes[0].pos, tuple)


def test_extra_key_clashing_with_a_format_key_is_refused():
    with pytest.raises(DocumentError, match="title"):
        Document(extra={"title": "x"}).to_dict()


# --- problems ------------------------------------------------------------------------------


@pytest.mark.parametrize("problem, text", [
    (Problem('expected an integer, got "a"', "m", "mm", "params.dim"),
     "node 'm' (mm): params.dim: expected an integer, got \"a\""),
    (Problem("boom", "m", None, "params"), "node 'm': params: boom"),
    (Problem("boom", "m", "mm"), "node 'm' (mm): boom"),
    (Problem('expected an integer, got "x"', path="steps"), 'steps: expected an integer, got "x"'),
    (Problem("boom"), "boom"),
    (Problem("two\nlines", "a\nb", "o\u2028p", "p\tq"), "node 'a\\nb' (o\\u2028p): p\\tq: two\\nlines"),
])
def test_problem_str(problem, text):
    assert str(problem) == text


def test_document_error_is_one_line_and_counts_the_rest():
    one = DocumentError("f.json", [Problem("bad")])
    assert (str(one), one.source, one.problems) == ("f.json: bad", "f.json", [Problem("bad")])
    assert str(DocumentError("f", [Problem("a"), Problem("b")])) == "f: a (and 1 more problem)"
    assert str(DocumentError("f", [Problem("a")] * 3)) == "f: a (and 2 more problems)"
    assert "\n" not in str(DocumentError("we\nird", [Problem("x\ny")]))


@pytest.mark.parametrize("raw, first", [
    (with_node(params="a"), 'node \'m\' (mm): params: expected an object, got "a"'),
    (raw_doc(steps="x"), 'steps: expected an integer, got "x"'),
    (raw_doc(steps=0), "steps: expected at least 1, got 0"),
    (raw_doc(steps=2.0), "steps: expected an integer, got 2.0"),
    (raw_doc(seed=-1), "seed: expected at least 0, got -1"),
    (raw_doc(title=None), "title: expected a string, got null"),
    (raw_doc(device="gpu"), 'device: expected "cpu", "cuda" or "cuda:N", got "gpu"'),
    (raw_doc(ui=[]), "ui: expected an object, got a list"),
    (raw_doc(nodes={}), "nodes: expected a list, got an object"),
    (raw_doc(nodes=[5]), "nodes[0]: expected an object, got 5"),
    ({"graphstudio": 1}, 'missing required key "nodes"'),
    ({"nodes": []}, 'missing required key "graphstudio"'),
    ([], "expected a JSON object at the top level, got a list"),
    (raw_doc(nodes=[{"op": "mm"}]), 'nodes[0]: missing required key "id"'),
    (raw_doc(nodes=[{"id": 3, "op": "mm"}]), "nodes[0].id: expected an id made of letters, digits and _,"
                                             " not starting with a digit, got 3"),
    (raw_doc(nodes=[{"id": "m"}]), "node 'm': missing required key \"op\""),
    (with_node(colour="red"), "node 'm' (mm): unknown key \"colour\" (a node has: id, op, inputs, params, pos)"),
    (with_node(inputs={"input": True}), "node 'm' (mm): inputs.input: expected a node reference "
                                        '("x" or "x:name"), a number, a (nested) list of numbers, '
                                        "or a list of those, got true"),
    (with_node(inputs={"input": "x y"}), 'node \'m\' (mm): inputs.input: expected a node reference like'
                                         ' "x" or "x:name", got "x y"'),
    (with_node(inputs={"input": "a:b:c"}), 'node \'m\' (mm): inputs.input: expected a node reference like'
                                           ' "x" or "x:name", got "a:b:c"'),
    (with_node(inputs={"tensors": ["a", None]}), "node 'm' (mm): inputs.tensors[1]: expected a number or"
                                                 " a node reference, got null"),
    (with_node(inputs={"input": [[1, 2], [3, "a"]]}), "node 'm' (mm): inputs.input[1][1]: expected a"
                                                      ' number, got "a"'),
    (with_node(pos=[1]), "node 'm' (mm): pos: expected a canvas position [x, y] (two numbers),"
                         " got a list of 1 item"),
    (with_node(pos=[1, "2"]), "node 'm' (mm): pos[1]: expected a number, got \"2\""),
    (with_node(op=""), "node 'm': op: expected an op name, got \"\""),
    (raw_doc(nodes=[{"id": "a", "op": "x"}, {"id": "a", "op": "y"}]),
     "node 'a' (y): duplicate id: nodes[0] already uses it"),
])
def test_schema_messages_name_the_node_and_path(raw, first):
    assert problems_of(raw)[0] == first


@pytest.mark.parametrize("node_id", ["1x", "x-y", "", "x\n", "é"])
def test_bad_ids(node_id):
    assert "id: expected an id" in problems_of(raw_doc(nodes=[{"id": node_id, "op": "ones"}]))[0]


@pytest.mark.parametrize("value", ["x", "x:0", "max1:indices", "_a:_b", 2, -1.5, [], [1, [2]],
                                   [[1, 2], [3, 4]], ["a", "b:1", 3, [1, 2]]])
def test_valid_input_shapes(value):
    Document.from_dict(with_node(inputs={"input": value}))


@pytest.mark.parametrize("device", ["cpu", "cuda", "cuda:0", "cuda:12"])
def test_valid_devices(device):
    assert Document.from_dict(raw_doc(device=device)).device == device


def test_all_schema_problems_are_collected_in_file_order():
    raw = raw_doc(steps="x", seed="y", ui=1)
    raw["nodes"][0]["params"] = 5
    raw["nodes"][2]["pos"] = "here"
    found = problems_of(raw)
    assert found == [
        "node 'a' (ones): params: expected an object, got 5",
        'node \'m\' (mm): pos: expected a canvas position [x, y] (two numbers), got "here"',
        'steps: expected an integer, got "x"',
        'seed: expected an integer, got "y"',
        "ui: expected an object, got 1",
    ]


@pytest.mark.parametrize("version", [0, -1, 1.0, "1", True, None, [1]])
def test_version_must_be_a_positive_integer(version):
    assert problems_of(raw_doc(graphstudio=version))[0].startswith("graphstudio: expected a format version")


def test_newer_version_is_refused_clearly():
    with pytest.raises(DocumentError) as info:
        Document.from_dict({"graphstudio": 99, "nodes": "whatever"}, source="f.json")
    assert str(info.value) == ("f.json: this file was written by a newer GraphStudio (format version 99);"
                               " this version reads up to 1")


@pytest.mark.parametrize("value, words", [
    (float("nan"), "finite"), (math.inf, "finite"), ({1, 2}, "JSON value"), (b"x", "JSON value"),
    ("\ud800", "lone surrogate"), ({1: 2}, "keys must be strings"), (10 ** 5000, "too large"),
], ids=["nan", "inf", "set", "bytes", "surrogate", "int-key", "huge-int"])
def test_non_json_values_in_memory_are_refused(value, words):
    doc = Document(nodes=[Node("x", "tensor", params={"data": value})])
    with pytest.raises(DocumentError, match=words):
        Document.from_dict(doc.to_dict())
    with pytest.raises(DocumentError, match=words):
        dumps(doc)


def test_too_deep_nesting_is_refused_before_recursing():
    value: list = []
    for _ in range(100_000):
        value = [value]
    with pytest.raises(DocumentError, match="nested too deeply"):
        Document.from_dict(raw_doc(expect=value))


# --- migrations ----------------------------------------------------------------------------


def test_shipped_migration_table_covers_every_older_version():
    assert FORMAT_VERSION == migrations.FORMAT_VERSION == 1
    assert all(v in MIGRATIONS for v in range(1, FORMAT_VERSION))


def _v1_to_v2(raw: dict) -> dict:
    """A pretend format change for tests only: v2 renamed node key "args" back to "params"."""
    for node in raw["nodes"]:
        if "args" in node:
            node["params"] = node.pop("args")
    return raw


@pytest.fixture
def version_2(monkeypatch):
    monkeypatch.setattr(migrations, "FORMAT_VERSION", 2)
    monkeypatch.setattr(migrations, "MIGRATIONS", {1: _v1_to_v2})


def test_migrate_applies_steps_in_order_without_touching_input(version_2):
    raw = {"graphstudio": 1, "nodes": [{"id": "x", "op": "ones", "args": {"shape": [1]}}]}
    before = copy.deepcopy(raw)
    assert migrate(raw) == {"graphstudio": 2, "nodes": [{"id": "x", "op": "ones", "params": {"shape": [1]}}]}
    assert raw == before


def test_older_file_is_upgraded_on_load_and_saved_as_current(version_2):
    doc = loads('{"graphstudio": 1, "nodes": [{"id": "x", "op": "ones", "args": {"shape": [1]}}]}')
    assert doc.node("x").params == {"shape": [1]}
    assert dumps(doc).startswith('{\n  "graphstudio": 2,')
    assert loads(dumps(doc)) == doc


def test_current_version_needs_no_step(version_2):
    assert loads('{"graphstudio": 2, "nodes": []}') == Document()


def test_a_gap_in_the_table_is_a_document_error(monkeypatch, version_2):
    monkeypatch.setattr(migrations, "FORMAT_VERSION", 3)
    with pytest.raises(DocumentError, match="cannot upgrade from format version 1: no upgrade from"
                                            " format version 2 to 3"):
        loads('{"graphstudio": 1, "nodes": []}')


def test_a_step_failing_on_odd_old_data_is_a_document_error(version_2):
    with pytest.raises(DocumentError, match="cannot upgrade from format version 1"):
        loads('{"graphstudio": 1, "nodes": 5}')


def test_migrated_result_is_still_validated(version_2):
    with pytest.raises(DocumentError, match="node 'x' \\(ones\\): params: expected an object"):
        loads('{"graphstudio": 1, "nodes": [{"id": "x", "op": "ones", "args": 3}]}')


def test_migrate_refuses_newer_versions():
    with pytest.raises(migrations.MigrationError):
        migrate({"graphstudio": FORMAT_VERSION + 1, "nodes": []})
