"""The editor's view of the compiler: ``analyze(doc)`` after every edit, never raising.

The compiler (``graphstudio.engine.compiler.check``) is the one judge of a graph; the editor
only shows its verdict. Two guards live here so the canvas never dies on a half-built graph:
a compiler crash becomes one problem instead of an exception in a Qt slot, and while the
compiler module does not exist yet (or cannot be imported) a minimal structural check
(unknown op, dangling reference, cycle) stands in, with no shapes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphstudio.document import Document, Problem

from . import graph


@dataclass
class Analysis:
    """What the canvas shows: problems, each output's Spec (or None), each node's output names."""

    problems: list[Problem] = field(default_factory=list)
    specs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    compiler: bool = True  # False: the stand-in check ran (no shapes known)

    def problems_for(self, node_id: str) -> list[Problem]:
        return [p for p in self.problems if p.node_id == node_id]

    def spec(self, node_id: str, output: str, outputs: tuple[str, ...]) -> Any:
        """The Spec of one output: ``"id"`` for the first output, ``"id:name"`` for the others."""
        if outputs and output == outputs[0] and node_id in self.specs:
            return self.specs[node_id]
        return self.specs.get(f"{node_id}:{output}")


def compiler_available() -> bool:
    try:
        from graphstudio.engine.compiler import check  # noqa: F401
    except Exception:
        return False
    return True


def analyze(doc: Document, base_dir: str | None = None) -> Analysis:
    """Check ``doc`` with the compiler (fast, no data). Never raises.

    ``base_dir`` is the folder of the file, against which the checker resolves relative paths.
    """
    try:
        from graphstudio.engine.compiler import check
    except Exception:
        return fallback(doc)
    try:
        result = check(doc, base_dir) if base_dir is not None else check(doc)
        outputs = {k: tuple(v) for k, v in getattr(result, "outputs", {}).items()}
        return Analysis(list(result.problems), dict(result.specs), outputs)
    except Exception as exc:  # a compiler bug must not take the editor down
        analysis = fallback(doc)
        analysis.problems.insert(0, Problem(f"the checker failed: {type(exc).__name__}: {exc}"))
        return analysis


def fallback(doc: Document) -> Analysis:
    """Structural problems only, for when the compiler is unavailable."""
    problems: list[Problem] = []
    ids = {n.id for n in doc.nodes}
    outputs: dict[str, tuple[str, ...]] = {}
    for node in doc.nodes:
        if graph.op_class(node.op) is None:
            problems.append(Problem(f"unknown op {node.op!r}", node.id, node.op))
        for port, value in node.inputs.items():
            for ref in graph.iter_refs(value):
                src = graph.parse_ref(ref)[0]
                if src not in ids:
                    problems.append(Problem(f"no node with id {src!r}", node.id, node.op, f"inputs.{port}"))
        outputs[node.id] = graph.output_names(node, doc)
    cycle = graph.find_cycle(doc)
    if cycle:
        first = doc.node(cycle[0])
        problems.append(Problem("the graph has a cycle: " + " → ".join(cycle), first.id, first.op))
    return Analysis(problems, {}, outputs, compiler=False)


def format_spec(spec: Any) -> str:
    """``[2, 3] float32`` for a Spec, ``?`` when unknown."""
    if spec is None:
        return "?"
    shape = getattr(spec, "shape", None)
    dtype = getattr(getattr(spec, "dtype", None), "name", None) or str(getattr(spec, "dtype", ""))
    if shape is None:
        return str(spec)
    return f"[{', '.join(str(s) for s in shape)}] {dtype}".strip()
