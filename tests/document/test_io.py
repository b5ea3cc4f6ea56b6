"""Graph files on disk: round trips of the reference graphs, error reporting, atomic save."""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import jsonschema
import pytest

from graphstudio.document import Document, DocumentError, Node, dumps, load, loads, save
from graphstudio.document import io as doc_io
from graphstudio.document.problems import schema

REPO = Path(__file__).resolve().parents[2]
PACKAGE_SCHEMA = REPO / "graphstudio" / "document" / "graph.schema.json"

#: Files in tests/data/examples/errors/ that are broken as files; the others are valid documents
#: whose problems (unknown op, cycle, shapes, ...) are for the op registry and runner to find.
FORMAT_ERRORS = {"not_json": "not valid JSON: Expecting value (line 2, column 1)",
                 "newer_version": "(format version 99); this version reads up to 1"}


# --- the reference graphs -------------------------------------------------------------------


def test_example_round_trips(example_path: Path):
    doc = load(example_path)
    text = dumps(doc)
    assert loads(text) == doc
    assert dumps(loads(text)) == text == dumps(doc.copy())  # deterministic
    raw = json.loads(example_path.read_text(encoding="utf-8"))
    assert doc.extra["expect"] == raw["expect"]  # unknown keys survive verbatim
    assert json.loads(text)["nodes"] == raw["nodes"]  # nodes written exactly as the examples spell them


def test_error_examples(error_example_path: Path):
    if error_example_path.stem in FORMAT_ERRORS:
        with pytest.raises(DocumentError) as info:
            load(error_example_path)
        message = str(info.value)
        assert "\n" not in message and message.startswith(str(error_example_path) + ": ")
        assert FORMAT_ERRORS[error_example_path.stem] in message
    else:
        doc = load(error_example_path)
        assert loads(dumps(doc)) == doc


def test_examples_match_the_plain_schema_too(example_path: Path):
    """External tools validating with the schema alone accept what GraphStudio writes."""
    raw = json.loads(example_path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema()).validate(raw)


def test_schema_is_valid_and_resources_copy_is_identical():
    jsonschema.Draft202012Validator.check_schema(schema())
    assert (REPO / "resources" / "graph.schema.json").read_bytes() == PACKAGE_SCHEMA.read_bytes()


# --- writing -------------------------------------------------------------------------------


def test_dumps_layout():
    doc = Document(title="梯度", notes="链式法则 — chain rule", seed=3,
                   nodes=[Node("x", "ones", params={"shape": [2]}, pos=(0, 1.5))],
                   ui={"zoom": 1}, extra={"expect": {"exit": 0}})
    text = dumps(doc)
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert '"notes": "链式法则 — chain rule"' in text  # readable, not \\u escapes
    assert text.startswith('{\n  "graphstudio": 1,\n  "title": "梯度",\n')
    assert list(json.loads(text)) == ["graphstudio", "title", "notes", "device", "seed", "steps",
                                      "nodes", "expect", "ui"]
    assert json.loads(text)["nodes"] == [{"id": "x", "op": "ones", "params": {"shape": [2]}, "pos": [0, 1.5]}]


@pytest.mark.parametrize("doc", [
    Document(nodes=[Node("1x", "ones")]),
    Document(nodes=[Node("x", "ones"), Node("x", "zeros")]),
    Document(nodes=[Node("x", "ones", params={"lr": float("nan")})]),
    Document(steps=0),
    Document(extra={"nodes": []}),
], ids=["bad-id", "duplicate-id", "nan", "steps-0", "extra-clash"])
def test_dumps_refuses_what_loads_would_refuse(doc):
    with pytest.raises(DocumentError):
        dumps(doc)


# --- reading -------------------------------------------------------------------------------


def test_loads_accepts_bytes_str_and_a_bom():
    text = '{"graphstudio": 1, "nodes": [], "title": "é"}'
    assert loads(text) == loads(text.encode()) == loads(b"\xef\xbb\xbf" + text.encode()) == Document(title="é")


@pytest.mark.parametrize("data, message", [
    (b'{"graphstudio": 1,\n "nodes": [], "title": "\xff"}', "f.json: not valid UTF-8: byte 0xff at line 2, column 25"),
    ('{"graphstudio": 1,\n  "nodes": [,]}', "f.json: not valid JSON: Expecting value (line 2, column 13)"),
    ('{"graphstudio": 1, "nodes": [], "nodes": []}', 'f.json: not valid JSON: the key "nodes" appears twice'),
    ('{"graphstudio": 1, "nodes": [], "x": NaN}', "f.json: x: numbers must be finite, got nan"),
    ('{"graphstudio": 1, "nodes": [], "x": 1e999}', "f.json: x: numbers must be finite, got inf"),
    ('{"graphstudio": 1, "nodes": [], "x": ' + "9" * 5000 + "}", "f.json: not valid JSON: Exceeds the limit"),
    ("[" * 100_000, "f.json: not valid JSON: nested too deeply"),
    ('{"graphstudio": 1, "nodes": [], "x": "\\udc00"}', "f.json: x: not valid Unicode"),
    ("", "f.json: not valid JSON: Expecting value (line 1, column 1)"),
    ('"just a string"', 'f.json: expected a JSON object at the top level, got "just a string"'),
], ids=["utf8", "json", "dup-key", "nan", "inf", "long-int", "deep", "surrogate", "empty", "not-object"])
def test_loads_errors_are_one_line_document_errors(data, message):
    with pytest.raises(DocumentError) as info:
        loads(data, source="f.json")
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_load_reports_unreadable_files(tmp_path: Path):
    for path, reason in [(tmp_path / "missing.json", "No such file"), (tmp_path, "directory"),
                         (str(tmp_path / "nul\0.json"), "null")]:
        with pytest.raises(DocumentError, match=reason) as info:
            load(path)
        assert info.value.source == os.fsdecode(path)


def test_load_names_the_file(tmp_path: Path):
    path = tmp_path / "lesson.json"
    path.write_text('{"graphstudio": 1, "nodes": [{"id": "m", "op": "mm", "params": "a"}]}')
    with pytest.raises(DocumentError) as info:
        load(path)
    assert str(info.value) == f"{path}: node 'm' (mm): params: expected an object, got \"a\""


# --- atomic save ---------------------------------------------------------------------------

OLD = '{"graphstudio": 1, "nodes": []}\n'


def _doc() -> Document:
    return Document(title="new", nodes=[Node("x", "ones", params={"shape": [1]})])


def test_save_then_load(tmp_path: Path):
    path = tmp_path / "g.json"
    save(_doc(), path)
    assert path.read_text(encoding="utf-8") == dumps(_doc())
    assert load(path) == _doc()
    assert os.listdir(tmp_path) == ["g.json"]


def test_save_overwrites_and_keeps_permissions(tmp_path: Path):
    path = tmp_path / "g.json"
    path.write_text(OLD)
    path.chmod(0o640)
    save(_doc(), str(path))
    assert load(path) == _doc()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_save_through_a_symlink_updates_the_target(tmp_path: Path):
    target, link = tmp_path / "real.json", tmp_path / "link.json"
    target.write_text(OLD)
    link.symlink_to(target)
    save(_doc(), link)
    assert link.is_symlink() and load(target) == _doc()


def _boom(*args, **kwargs):
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("where", ["replace", "fsync", "write"])
def test_failed_save_leaves_old_file_and_no_temp(tmp_path: Path, monkeypatch, where):
    path = tmp_path / "g.json"
    path.write_text(OLD)
    if where == "write":
        monkeypatch.setattr(doc_io, "open", lambda fd, mode: _FailingFile(fd), raising=False)
    else:
        monkeypatch.setattr(os, where, _boom)
    with pytest.raises(DocumentError, match="g.json: cannot save: No space left on device"):
        save(_doc(), path)
    assert path.read_text() == OLD
    assert os.listdir(tmp_path) == ["g.json"]


class _FailingFile:
    """A file object that dies halfway through writing, as on a full disk."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        os.close(self.fd)

    def write(self, data: bytes) -> None:
        os.write(self.fd, data[: len(data) // 2])
        _boom()


def test_invalid_document_is_not_saved(tmp_path: Path):
    path = tmp_path / "g.json"
    path.write_text(OLD)
    with pytest.raises(DocumentError):
        save(Document(nodes=[Node("x", "ones", params={"bad": {1, 2}})]), path)
    assert path.read_text() == OLD and os.listdir(tmp_path) == ["g.json"]


def test_interrupted_save_removes_temp_and_reraises(tmp_path: Path, monkeypatch):
    path = tmp_path / "g.json"
    path.write_text(OLD)

    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        save(_doc(), path)
    assert path.read_text() == OLD and os.listdir(tmp_path) == ["g.json"]


def test_save_into_missing_folder_is_a_document_error(tmp_path: Path):
    with pytest.raises(DocumentError, match="cannot save"):
        save(_doc(), tmp_path / "no" / "g.json")


def test_a_file_larger_than_a_graph_may_be_is_refused_before_reading_it_all(tmp_path):
    from graphstudio.document.io import MAX_FILE_BYTES

    big = tmp_path / "big.graph.json"
    with open(big, "wb") as f:
        f.truncate(4 * MAX_FILE_BYTES)  # sparse: costs no disk
    for path in (big, "/dev/zero"):
        with pytest.raises(DocumentError) as e:
            load(path)
        assert str(e.value).startswith(f"{path}: ") and "larger than 32 MB" in str(e.value)


def test_loading_a_tensor_literal_holds_a_small_multiple_of_the_file(tmp_path):
    """A literal of 10⁶ numbers (9 MB of text): the checks must not hold a path per number (before: 23×)."""
    import random
    import tracemalloc

    rng = random.Random(0)
    raw = {"graphstudio": 1, "nodes": [{"id": "t", "op": "tensor",
                                        "params": {"data": [round(rng.random(), 6) for _ in range(10**6)]}}]}
    path = tmp_path / "literal.graph.json"
    path.write_text(json.dumps(raw))
    size = path.stat().st_size
    tracemalloc.start()
    try:
        load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * size
