"""The in-memory graph document: plain dataclasses that mirror the file format.

The model knows nothing of what ops mean; it keeps ``inputs`` and ``params`` as the JSON
values found in the file, and unknown top-level keys (such as ``expect``) verbatim in
``extra``, so that load → save never loses anything a newer tool or a test put there.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from . import migrations
from .problems import DocumentError, Problem, duplicate_ids, scan, schema_problems, schema_valid, show

FORMAT_VERSION = migrations.FORMAT_VERSION

#: Top-level keys the model owns; every other key goes to ``Document.extra``.
KNOWN_KEYS = ("graphstudio", "title", "notes", "device", "seed", "steps", "nodes", "ui")


@dataclass(slots=True)  # slots: a file may hold 100,000 nodes
class Node:
    """One node: an op applied to ``inputs`` (tensor arguments) with ``params`` (the rest)."""

    id: str
    op: str
    inputs: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    pos: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The node as written in a file; empty ``inputs``/``params`` and a missing ``pos`` are left out."""
        out: dict[str, Any] = {"id": self.id, "op": self.op}
        if self.inputs:
            out["inputs"] = plain(self.inputs)
        if self.params:
            out["params"] = plain(self.params)
        if self.pos is not None:
            out["pos"] = list(self.pos)
        return out


@dataclass
class Document:
    """A whole graph file. Equality is field by field (dataclass ``==``)."""

    title: str = ""
    notes: str = ""
    device: str = "cpu"
    seed: int = 0
    steps: int = 1
    nodes: list[Node] = field(default_factory=list)
    ui: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def node(self, node_id: str) -> Node:
        """The node with this id; ``KeyError`` if there is none."""
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def copy(self) -> Document:
        """A deep copy, so edits (undo snapshots, runs) never alias the original."""
        return copy.deepcopy(self)

    def to_dict(self) -> dict[str, Any]:
        """The document as a fresh JSON-ready dict, keys in file order (``extra`` sorted, ``ui`` last)."""
        out: dict[str, Any] = {
            "graphstudio": migrations.FORMAT_VERSION, "title": self.title, "notes": self.notes,
            "device": self.device, "seed": self.seed, "steps": self.steps,
            "nodes": [node.to_dict() for node in self.nodes],
        }
        for key in sorted(self.extra):
            if key in KNOWN_KEYS:
                raise DocumentError("<memory>", [Problem(f"extra key {key!r} clashes with a format key")])
            out[key] = plain(self.extra[key])
        if self.ui:
            out["ui"] = plain(self.ui)
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any], source: str = "<memory>", owned: bool = False) -> Document:
        """Validate a raw dict (as parsed from JSON), upgrade older versions, build the model.

        Raises ``DocumentError`` listing every structural problem found; ``d`` is not modified,
        unless ``owned``: the caller hands ``d`` over (just parsed, no one else holds it), and the
        model is made of its parts without a copy.
        """
        raw = _checked(d, source, owned)
        raw_nodes = raw["nodes"]
        nodes = []
        for i, n in enumerate(raw_nodes):
            nodes.append(node_from_dict(n))
            raw_nodes[i] = None  # each node's dict goes as its Node comes: not both at once
        return cls(
            title=raw.get("title", ""), notes=raw.get("notes", ""), device=raw.get("device", "cpu"),
            seed=raw.get("seed", 0), steps=raw.get("steps", 1), nodes=nodes, ui=raw.get("ui", {}),
            extra={k: v for k, v in raw.items() if k not in KNOWN_KEYS},
        )


def node_from_dict(n: dict[str, Any]) -> Node:
    """The Node a checked node dict stands for, made of its parts without a copy."""
    return Node(n["id"], n["op"], n.get("inputs", {}), n.get("params", {}),
                tuple(n["pos"]) if "pos" in n else None)  # type: ignore[arg-type]


def sound_nodes(nodes: list[Any]) -> bool:
    """Whether the nodes pass, apart from the rest of their file, every check ``from_dict`` makes of
    a current file's nodes (ids told apart aside)."""
    alone = {"graphstudio": migrations.FORMAT_VERSION, "nodes": nodes}
    return not scan(alone) and schema_valid(alone)


def _checked(d: Any, source: str, owned: bool = False) -> dict[str, Any]:
    """A validated, migrated deep copy of ``d`` (``d`` itself when ``owned``); raises ``DocumentError`` otherwise."""
    if not isinstance(d, dict):
        raise DocumentError(source, [Problem(f"expected a JSON object at the top level, got {show(d)}")])
    problems = scan(d)  # first: the schema validator and deepcopy recurse
    if problems:
        raise DocumentError(source, problems)
    raw = d if owned else plain(d)
    version = raw.get("graphstudio")
    if isinstance(version, int) and not isinstance(version, bool) and version >= 1:
        if version > migrations.FORMAT_VERSION:
            raise DocumentError(source, [Problem(
                f"this file was written by a newer GraphStudio (format version {version}); "
                f"this version reads up to {migrations.FORMAT_VERSION}")])
        if version < migrations.FORMAT_VERSION:
            try:
                raw = migrations.migrate(raw)
            except Exception as exc:  # a step runs on unvalidated old data; report, never crash
                raise DocumentError(source, [Problem(
                    f"cannot upgrade from format version {version}: {exc}")]) from exc
    problems = schema_problems(raw) or duplicate_ids(raw)
    if problems:
        raise DocumentError(source, problems)
    return raw


def plain(value: Any) -> Any:
    """Deep copy of a JSON-like value with tuples turned into lists (what JSON would give back)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value
