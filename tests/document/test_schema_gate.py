"""The fast schema gate (fastjsonschema, generated and committed) and the full check (jsonschema)
always agree, and the committed gate is the one the current schema generates."""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

import fastjsonschema
import pytest

from graphstudio.document import _gate, gate
from graphstudio.document.problems import _validator, schema_valid

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["x", "x:y", "1x", "x\n", "cpu", "cuda:1", "gpu", ""]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "op", "inputs", "params", "pos", "input", "other", "shape", "zz"]), inner, max_size=3),
    max_leaves=12)


@st.composite
def documents(draw):
    nodes = draw(st.lists(st.fixed_dictionaries(
        {"id": st.sampled_from(["a", "b", "1a", "a b", 3]), "op": st.sampled_from(["relu", "", 1])},
        optional={"inputs": VALUES, "params": VALUES, "pos": VALUES, "junk": VALUES}), max_size=3))
    doc = {"graphstudio": draw(st.sampled_from([1, 1.0, 0, True, "1", 2])), "nodes": nodes}
    for key in draw(st.lists(st.sampled_from(["title", "notes", "device", "seed", "steps", "ui", "expect"]),
                             max_size=3)):
        doc[key] = draw(VALUES | st.sampled_from([0, 1, 5, "cpu", "cuda:0"]))
    return json.loads(json.dumps(doc))


@settings(max_examples=400, deadline=None)
@given(documents())
def test_fast_gate_agrees_with_jsonschema(raw):
    assert schema_valid(raw) == _validator().is_valid(raw)


def test_committed_gate_is_made_from_the_current_schema():
    assert _gate.SCHEMA == gate.schema_text(), "graph.schema.json changed: run python -m graphstudio.document.gate"
    assert gate.validator() is _gate.validate  # start-up imports it rather than compiling the schema


def test_committed_gate_is_what_the_generator_writes():
    if _gate.VERSION != fastjsonschema.VERSION:
        pytest.skip(f"_gate.py came from fastjsonschema {_gate.VERSION}; {fastjsonschema.VERSION} is installed")
    assert gate.GENERATED.read_text(encoding="utf-8") == gate.source()


def test_a_gate_made_by_a_newer_fastjsonschema_falls_back_to_compiling(monkeypatch):
    import sys

    import graphstudio.document

    monkeypatch.setitem(sys.modules, "graphstudio.document._gate", None)  # its import fails, as on an older one
    monkeypatch.delattr(graphstudio.document, "_gate")
    gate.validator.cache_clear()
    try:
        check = gate.validator()
        assert check is not _gate.validate
        check({"graphstudio": 1, "nodes": []})
        with pytest.raises(fastjsonschema.JsonSchemaException):
            check({"graphstudio": 1})
    finally:
        gate.validator.cache_clear()
