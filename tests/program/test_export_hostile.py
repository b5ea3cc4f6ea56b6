"""Exported code is safe for every text a graph file holds: nothing a file says ever runs.

Every place of every example graph that holds a value (title, notes, ui, extra keys,
node ids, ops, references, every param) is set in turn to strings built to break out
of a Python literal, a docstring, a comment or a format string. Where the graph still
compiles, its exported script must parse, and running it under PyTorch must never run
the payload (which would set a marker in builtins).
"""
from __future__ import annotations

import ast
import builtins
import copy
import json
from pathlib import Path

import pytest

from graphstudio.document import DocumentError
from graphstudio.document.model import Document
from graphstudio.program.compiler import CompileError, compile
from graphstudio.program.export_code import export
from tests.data import EXAMPLES_DIR
from tests.oracle import needs_torch

ROOT = Path(__file__).resolve().parents[2]
GRAPHS = (sorted(EXAMPLES_DIR.glob("*.json")) + sorted((ROOT / "resources" / "examples").glob("*.json"))
          + [ROOT / "tests" / "data" / "hostile" / "text_fields.json"])
MARKER = "GRAPHSTUDIO_HOSTILE_RAN"
CODE = f"__import__('builtins').__dict__.__setitem__('{MARKER}', 1)"
PAYLOADS = [
    f'"""\n{CODE}\n"""',
    f"'''\n{CODE}\n'''",
    f'" + {CODE} + "',
    f"' + {CODE} + '",
    f"\\\n{CODE}\n#",
    f"{{{CODE}}}",
    f"\\\"\"\"; {CODE}; \"\"\"\\",
    f"\u2028{CODE}\r{CODE}\x0c\x00é—",
    f"x\n{CODE}",
]


def _places(value, path=()):
    """Every (path, value) inside a JSON value, containers included."""
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _places(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _places(v, path + (i,))


def _kind(raw, path):
    """The field a place stands for: node indices become the node's op, list positions one kind;
    outside the nodes, a top-level key is one kind (ui and extra keys never reach the script)."""
    if path[0] != "nodes":
        return path[:1]
    out = []
    for i, part in enumerate(path):
        if isinstance(part, int):
            out.append(raw["nodes"][part]["op"] if path[:i] == ("nodes",) else "[]")
        else:
            out.append(part)
    return tuple(out)


def _fields():
    """One case per kind of field over all examples (the first place of each kind)."""
    seen, cases = set(), []
    for graph in GRAPHS:
        raw = json.loads(graph.read_text(encoding="utf-8"))
        raw["steps"] = 1
        for path, _ in _places(raw):
            if path and path[-1] != "graphstudio" and (kind := _kind(raw, path)) not in seen:
                seen.add(kind)
                cases.append((graph, path))
    return cases


def _set(raw, path, value):
    target = raw
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def _script(graph: Path, path: tuple, payload: str) -> str | None:
    raw = json.loads(graph.read_text(encoding="utf-8"))
    raw["steps"] = 1
    _set(raw, path, payload)
    try:
        program = compile(Document.from_dict(copy.deepcopy(raw)), base_dir=str(graph.parent))
    except (DocumentError, CompileError):
        return None
    return export(program)


FIELDS = _fields()


def test_the_cases_cover_every_kind_of_text():
    kinds = {path[-1] for _, path in FIELDS}
    assert {"title", "notes", "id", "op", "path", "target", "name", "dtype", "index", "device", "hostile"} <= kinds


@needs_torch
@pytest.mark.parametrize("graph,path", FIELDS, ids=[f"{g.stem}:{'.'.join(map(str, p))}" for g, p in FIELDS])
def test_no_text_in_a_file_runs_in_its_exported_script(graph, path, monkeypatch):
    monkeypatch.chdir(graph.parent)
    for payload in PAYLOADS:
        script = _script(graph, path, payload)
        if script is None:
            continue
        ast.parse(script)  # a SyntaxError here means the payload escaped its literal
        try:
            exec(__builtins__["compile"](script, "<export>", "exec") if isinstance(__builtins__, dict)  # noqa: S102
                 else builtins.compile(script, "<export>", "exec"), {"__name__": "__export__"})
        except Exception:  # noqa: BLE001 - a value PyTorch refuses is fine; running the payload is not
            pass
        ran = builtins.__dict__.pop(MARKER, None)
        assert not ran, f"{path}: the payload {payload!r} ran"
