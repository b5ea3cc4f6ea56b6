"""Property tests: valid documents survive a round trip; broken files only ever raise DocumentError."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphstudio.document import Document, DocumentError, Node, dumps, load, loads, save
from graphstudio.document.model import KNOWN_KEYS

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- valid documents -----------------------------------------------------------------------

ids = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,7}", fullmatch=True)
refs = ids | st.builds(lambda a, b: f"{a}:{b}", ids, st.from_regex(r"[A-Za-z0-9_]{1,6}", fullmatch=True))
numbers = st.integers(-(2 ** 70), 2 ** 70) | st.floats(allow_nan=False, allow_infinity=False)
tensors = st.recursive(st.lists(numbers, max_size=4), lambda inner: st.lists(inner, max_size=3), max_leaves=8)
inputs = refs | numbers | tensors | st.lists(refs | numbers | tensors, max_size=4)
json_values = st.recursive(
    st.none() | st.booleans() | numbers | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=10,
)
positions = st.none() | st.tuples(numbers, numbers)
nodes = st.builds(Node, id=ids, op=st.text(min_size=1, max_size=12),
                  inputs=st.dictionaries(st.text(max_size=8), inputs, max_size=3),
                  params=st.dictionaries(st.text(max_size=8), json_values, max_size=3), pos=positions)
documents = st.builds(
    Document,
    title=st.text(), notes=st.text(), device=st.sampled_from(["cpu", "cuda", "cuda:0", "cuda:11"]),
    seed=st.integers(0, 2 ** 64), steps=st.integers(1, 10 ** 6),
    nodes=st.lists(nodes, max_size=6, unique_by=lambda n: n.id),
    ui=st.dictionaries(st.text(max_size=6), json_values, max_size=3),
    extra=st.dictionaries(st.text(max_size=8).filter(lambda k: k not in KNOWN_KEYS), json_values, max_size=3),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_valid_documents_round_trip(doc: Document):
    text = dumps(doc)
    again = loads(text)
    assert again == doc
    assert dumps(again) == text
    assert loads(text.encode("utf-8")) == doc


@settings(max_examples=25, deadline=None)
@given(documents)
def test_valid_documents_survive_save_and_load(doc: Document):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "g.json"
        save(doc, path)
        save(doc, path)
        assert load(path) == doc
        assert os.listdir(folder) == ["g.json"]


# --- corrupted files -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_texts(examples_dir: Path) -> list[bytes]:
    paths = sorted((examples_dir).glob("*.json"))
    assert paths, "reference graphs not found"
    return [p.read_bytes() for p in paths]


def check_outcome(data: str | bytes) -> None:
    """The contract: a Document that writes back and re-reads the same, or a one-line DocumentError."""
    try:
        doc = loads(data, source="fuzz.json")
    except DocumentError as exc:
        assert exc.problems and exc.source == "fuzz.json"
        assert "\n" not in str(exc) and str(exc).startswith("fuzz.json: ")
        return
    assert loads(dumps(doc)) == doc


HUGE = ["9" * 400, "9" * 5000, "-1e400", "1e999", "NaN", "Infinity", "1.5e308", "-0", "1E-400",
        "[" * 5000 + "]" * 5000, "[" * 40 + "]" * 40, '{"a":' * 3000 + "1" + "}" * 3000,
        '"\\ud800"', '"\\u0000"', '"x\\ny"', "true", "null", '"x:y:z"', '"1x"', "{}", "[]"]
replacements = st.sampled_from(HUGE) | json_values.map(lambda v: json.dumps(v))


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, prefix + (i,))
    return out


@FUZZ
@given(st.data())
def test_structural_corruptions_never_crash(example_texts: list[bytes], data: st.DataObject):
    raw = json.loads(data.draw(st.sampled_from(example_texts)))
    for _ in range(data.draw(st.integers(1, 3))):
        # "expect" is free-form and large: corrupting inside it would mostly test nothing
        path = data.draw(st.sampled_from([p for p in _paths(raw)[1:] if p[0] != "expect" or len(p) == 1]))
        parent = raw
        for part in path[:-1]:
            parent = parent[part]
        if data.draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = "\0SPLICE\0"
            break
    text = json.dumps(raw, ensure_ascii=False)
    check_outcome(text.replace('"\\u0000SPLICE\\u0000"', data.draw(replacements)))


@FUZZ
@given(st.data())
def test_byte_corruptions_never_crash(example_texts: list[bytes], data: st.DataObject):
    blob = bytearray(data.draw(st.sampled_from(example_texts)))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(blob)))
        how = data.draw(st.sampled_from(["truncate", "insert", "flip", "delete"]))
        if how == "truncate":
            del blob[at:]
        elif how == "insert":
            blob[at:at] = data.draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\0", b",", b"{",
                                                     b'"', b"\\", b"]", b"\xef\xbb\xbf"]) | st.binary(max_size=4))
        elif how == "flip" and at < len(blob):
            blob[at] ^= 1 << data.draw(st.integers(0, 7))
        else:
            del blob[at:at + data.draw(st.integers(1, 20))]
    check_outcome(bytes(blob))
    try:
        text = bytes(blob).decode("utf-8", errors="surrogateescape")  # a str holding lone surrogates
    except UnicodeDecodeError:  # pragma: no cover - surrogateescape always decodes
        return
    check_outcome(text)


def _odd_value(kind: str) -> Any:
    """Built lazily: hypothesis cannot repr a 5000-digit int in a strategy."""
    return {"huge": 10 ** 5000, "nan": float("nan"), "object": object(), "complex": 1j,
            "surrogate": "\ud800"}[kind]


weird_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.binary(max_size=3)
    | st.sampled_from(["huge", "nan", "object", "complex", "surrogate"]).map(_odd_value),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner) | st.frozensets(st.integers(), max_size=2)
    | st.dictionaries(st.text(max_size=4) | st.integers(), inner, max_size=3),
    max_leaves=12,
)


@FUZZ
@given(st.dictionaries(st.sampled_from(KNOWN_KEYS + ("expect",)), weird_values, max_size=6)
       | st.fixed_dictionaries({"graphstudio": st.just(1),
                                "nodes": st.lists(st.dictionaries(st.sampled_from(
                                    ["id", "op", "inputs", "params", "pos", "x"]), weird_values), max_size=3)}))
def test_from_dict_with_arbitrary_python_values_never_crashes(raw: dict):
    try:
        doc = Document.from_dict(raw)
    except DocumentError as exc:
        assert "\n" not in str(exc)
        return
    assert loads(dumps(doc)) == doc
