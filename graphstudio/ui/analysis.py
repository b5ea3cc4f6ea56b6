"""The editor's view of the compiler: ``analyze(doc)`` after every edit, never raising.

The compiler (``graphstudio.program.compiler.check``) is the one judge of a graph; the editor
only shows its verdict. A compiler crash becomes one problem instead of an exception in a Qt
slot, so the canvas never dies on a half-built graph: the nodes keep their ports, with no shapes.

The editor re-checks after every edit, so it keeps one incremental ``Checker`` (``new_checker``)
that redoes only what the edit reached; ``changed_nodes`` tells the canvas which boxes to redraw.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphstudio.document import Document, Problem
from graphstudio.document.references import format_ref, source_of
from graphstudio.program.compiler import Checker, check

from . import graph


@dataclass
class Analysis:
    """What the canvas shows: problems, each output's Spec (or None), each node's output names."""

    problems: list[Problem] = field(default_factory=list)
    specs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    checked: bool = True  # False: the checker failed on this graph (no shapes known)
    _by_node: dict[str | None, list[Problem]] | None = field(default=None, init=False, repr=False, compare=False)

    def problems_for(self, node_id: str) -> list[Problem]:
        return list(self.by_node().get(node_id, ()))

    def by_node(self) -> dict[str | None, list[Problem]]:
        """Problems grouped by node id, in order (built once; ``problems`` is not edited after use)."""
        if self._by_node is None:
            groups: dict[str | None, list[Problem]] = {}
            for p in self.problems:
                groups.setdefault(p.node_id, []).append(p)
            self._by_node = groups
        return self._by_node

    def spec(self, node_id: str, output: str, outputs: tuple[str, ...]) -> Any:
        """The Spec of one output: ``"id"`` for the first output, ``"id:name"`` for the others."""
        if outputs and output == outputs[0] and node_id in self.specs:
            return self.specs[node_id]
        return self.specs.get(format_ref(node_id, output))


def new_checker() -> Checker:
    """An incremental checker for ``analyze`` to reuse edit after edit."""
    return Checker()


def analyze(doc: Document, base_dir: str | None = None, checker: Checker | None = None) -> Analysis:
    """Check ``doc`` with the compiler (fast, no data). Never raises.

    ``base_dir`` is the folder of the file, against which the checker resolves relative paths.
    ``checker`` (from ``new_checker``) gives the same answer as a full check, redoing only what
    changed since its last call.
    """
    try:
        if checker is not None:
            result = checker.check(doc, base_dir, program=False)
        else:
            result = check(doc, base_dir) if base_dir is not None else check(doc)
        outputs = getattr(result, "outputs", {})
        if not all(type(v) is tuple for v in outputs.values()):
            outputs = {k: tuple(v) for k, v in outputs.items()}
        return Analysis(list(result.problems), result.specs, outputs)  # the result is ours: no copies
    except Exception as exc:  # a compiler bug must not take the editor down
        if checker is not None:
            checker.reset()  # start afresh: its state may be half updated
        return Analysis([Problem(f"the checker failed: {type(exc).__name__}: {exc}")], {},
                        {node.id: graph.output_names(node, doc) for node in doc.nodes}, checked=False)


def changed_nodes(old: Analysis | None, new: Analysis) -> set[str] | None:
    """Ids of the nodes whose specs, output names or problems differ between two analyses
    (None: all of them — there was no previous one, or the checker failed on only one of them)."""
    if old is None or old.checked != new.checked:
        return None
    ids: set[str] = set()
    for before, after in ((old.specs, new.specs), (old.outputs, new.outputs)):
        if before == after:
            continue
        for key, value in after.items():
            if key not in before or before[key] != value:
                ids.add(source_of(key))
        ids.update(source_of(key) for key in before.keys() - after.keys())
    a, b = old.by_node(), new.by_node()
    if a != b:
        ids.update(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    ids.discard(None)  # type: ignore[arg-type]
    return ids


_FORMATTED: dict[Any, str] = {}


def format_spec(spec: Any) -> str:
    """``[2, 3] float32`` for a Spec, ``?`` when unknown."""
    if spec is None:
        return "?"
    try:
        return _FORMATTED[spec]
    except (KeyError, TypeError):
        pass
    text = _format_spec(spec)
    if len(_FORMATTED) > 4096:
        _FORMATTED.clear()
    try:
        _FORMATTED[spec] = text
    except TypeError:  # not hashable
        pass
    return text


def _format_spec(spec: Any) -> str:
    shape = getattr(spec, "shape", None)
    dtype = getattr(getattr(spec, "dtype", None), "name", None) or str(getattr(spec, "dtype", ""))
    if shape is None:
        return str(spec)
    return f"[{', '.join(str(s) for s in shape)}] {dtype}".strip()
