"""Pure helpers on a Document's wiring: wires, ports, reachability, renames, clipboard merges.

The Document stores wires as references inside ``inputs`` (read and written by
``graphstudio.document.references``). Every view and command needs the same few questions answered
about them, so they live here once, without Qt, where tests can hammer them directly.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any, Iterator

from graphstudio.document import Document, Node, plain
from graphstudio.document.references import drop_refs, iter_refs, parse_ref, rename_refs, source_of, sources

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
FLAGS = ("requires_grad", "retain_grad", "no_grad")


_REGISTRY: dict[str, Any] | None = None


def registry() -> dict[str, Any]:
    """The op registry (imported lazily, once: loading the engine fills it)."""
    global _REGISTRY
    if _REGISTRY is None:
        import graphstudio.program  # noqa: F401  (registers every op, the graph-only nodes too)
        from graphstudio.engine.core.registry import REGISTRY

        _REGISTRY = REGISTRY
    return _REGISTRY


def op_class(op: str) -> Any | None:
    """The registry class for an op name, or None for an op this version does not know."""
    return registry().get(op)


@dataclass(frozen=True)
class Wire:
    """One wire: ``src`` output feeds ``dst``'s input ``port`` (``index`` inside a variadic list)."""

    src: str
    output: str | None
    dst: str
    port: str
    index: int | None = None


def wires(doc: Document) -> list[Wire]:
    """All wires in the document, in node then input order."""
    out = []
    for node in doc.nodes:
        out += node_wires(node)
    return out


def node_wires(node: Node) -> list[Wire]:
    """The wires into one node, in input order."""
    out = []
    for port, value in node.inputs.items():
        if isinstance(value, str):
            src, name = parse_ref(value)
            out.append(Wire(src, name, node.id, port))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    src, name = parse_ref(item)
                    out.append(Wire(src, name, node.id, port, i))
    return out


def upstream(doc: Document, node_id: str) -> set[str]:
    """Ids ``node_id`` depends on (transitively), itself excluded; iterative, so deep chains are fine."""
    by_id = {n.id: n for n in doc.nodes}
    seen: set[str] = set()
    stack = [node_id]
    while stack:
        node = by_id.get(stack.pop())
        if node is None:
            continue
        for value in node.inputs.values():
            for ref in iter_refs(value):
                src = source_of(ref)
                if src not in seen:
                    seen.add(src)
                    stack.append(src)
    seen.discard(node_id)
    return seen


def would_cycle(doc: Document, src: str, dst: str) -> bool:
    """Would a wire ``src → dst`` close a loop? (``src`` already depends on ``dst``, or they are one.)"""
    return src == dst or dst in upstream(doc, src)


def find_cycle(doc: Document) -> list[str] | None:
    """One cycle as a list of ids, or None when the graph is acyclic (iterative DFS)."""
    by_id = {n.id: n for n in doc.nodes}
    state: dict[str, int] = {}
    for root in by_id:
        if root in state:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(sources(by_id[root].inputs)))]
        path = [root]
        state[root] = 1
        while stack:
            node_id, deps = stack[-1]
            for dep in deps:
                if dep not in by_id:
                    continue
                if state.get(dep) == 1:
                    return path[path.index(dep):] + [dep]
                if dep not in state:
                    state[dep] = 1
                    path.append(dep)
                    stack.append((dep, iter(sources(by_id[dep].inputs))))
                    break
            else:
                state[node_id] = 2
                stack.pop()
                path.pop()
    return None


# -- ports ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class InputPort:
    """An input as the canvas shows it: the registry's port, or an unknown key found in the file."""

    name: str
    doc: str = ""
    variadic: bool = False
    optional: bool = False
    scalar_ok: bool = False
    known: bool = True


def input_ports(node: Node) -> list[InputPort]:
    """The registry's ports in order, then any input keys the registry does not know (so no wire is hidden)."""
    cls = op_class(node.op)
    found = _PORTS.get(cls)
    if found is None:  # the registry's ports never change: made once per op (InputPort is immutable)
        known = tuple(InputPort(p.name, p.doc, p.variadic, p.optional, p.scalar_ok)
                      for p in (cls.inputs if cls else ()))
        found = _PORTS[cls] = (known, frozenset(p.name for p in known))
    known, names = found
    ports = list(known)
    for k in node.inputs:
        if k not in names:
            ports.append(InputPort(k, known=False))
    return ports


_PORTS: dict[Any, tuple[tuple[InputPort, ...], frozenset[str]]] = {}


@dataclass(frozen=True)
class Slot:
    """One input row of a node box: an ordinary input, or one place in a variadic list.

    A variadic list is drawn item by item, so each wire has a place of its own and the student sees
    the order ``cat`` joins them in; one empty place follows the items, where a new wire appends.
    ``index`` is the place in the list (as in ``Wire.index``), None for an ordinary input — and for a
    lone value where a list belongs, which the compiler reports and which is shown as it is written.
    ``value`` is the reference or literal there, None when the place is empty."""

    port: InputPort
    index: int | None = None
    value: Any = None

    @property
    def key(self) -> tuple[str, int | None]:
        """What a wire's ``(port, index)`` is matched with."""
        return self.port.name, self.index


def place_name(port: str, index: int | None) -> str:
    """An input as the user reads it: ``other``, or ``tensors[1]`` for a place in a variadic list."""
    return port if index is None else f"{port}[{index}]"


def input_slots(node: Node) -> list[Slot]:
    """A node's input rows, top to bottom (the canvas draws them; the layout counts them)."""
    slots = []
    for port in input_ports(node):
        value = node.inputs.get(port.name)
        if port.variadic and (value is None or isinstance(value, list)):
            items = value or []
            slots += [Slot(port, i, item) for i, item in enumerate(items)]
            slots.append(Slot(port, len(items)))
        else:
            slots.append(Slot(port, None, value))
    return slots


def output_names(node: Node, doc: Document | None = None, analysis_outputs: dict | None = None) -> tuple[str, ...]:
    """A node's outputs: the compiler's answer, else the registry's, else guessed from references to it."""
    if analysis_outputs and node.id in analysis_outputs:
        return tuple(analysis_outputs[node.id])
    cls = op_class(node.op)
    if cls is not None:
        if cls.kind == "sink":
            return ()
        try:
            return tuple(cls.output_names(node.params))
        except Exception:  # params being edited may not make sense yet
            return tuple(cls.outputs)
    named: list[str] = []
    if doc is not None:
        for wire in wires(doc):
            if wire.src == node.id and wire.output and wire.output not in named:
                named.append(wire.output)
    return tuple(named) if named else ("out",)


def node_kind(op: str) -> str:
    """op / leaf / sink / data, or ``unknown`` for an op the registry lacks."""
    cls = op_class(op)
    return cls.kind if cls is not None else "unknown"


# -- ids --------------------------------------------------------------------------------------

def unique_id(taken: set[str] | Document, base: str) -> str:
    """``base`` if free, else ``base1``, ``base2``…; ``base`` is cleaned into an identifier first."""
    if isinstance(taken, Document):
        taken = {n.id for n in taken.nodes}
    base = re.sub(r"\W", "_", base) or "n"
    if not re.match(r"[A-Za-z_]", base):
        base = "_" + base
    stem = base.rstrip("0123456789") or base
    if base not in taken:
        return base
    i = 1
    while f"{stem}{i}" in taken:
        i += 1
    return f"{stem}{i}"


def rename_node(nodes: list[Node], old: str, new: str) -> None:
    """Rename in place; references in every node follow."""
    for node in nodes:
        if node.id == old:
            node.id = new
        node.inputs = {k: rename_refs(v, {old: new}) for k, v in node.inputs.items()}


def new_node(doc: Document, op: str, pos: tuple[float, float] | None = None) -> Node:
    """A fresh node for ``op`` with a free id (op-named) and its required params filled with defaults."""
    cls = op_class(op)
    params: dict[str, Any] = {}
    if cls is not None:
        for p in cls.params:
            if p.required and p.default is not None:
                params[p.name] = plain(p.default)
    return Node(unique_id(doc, op), op, {}, params, pos)


# -- clipboard --------------------------------------------------------------------------------

def extract(doc: Document, ids: list[str] | set[str]) -> Document:
    """A document holding only ``ids`` (file order kept), for the clipboard.

    References to nodes outside the selection are kept: pasting into the same graph reconnects
    them, and ``merge`` drops those the target graph lacks.
    """
    keep = set(ids)
    return Document(nodes=[copy.deepcopy(n) for n in doc.nodes if n.id in keep])


def merge(doc: Document, clip: Document, offset: tuple[float, float] = (40.0, 40.0),
          at: tuple[float, float] | None = None) -> list[Node]:
    """The clipboard's nodes made ready to append to ``doc``: clashing ids renamed (internal wires
    follow), wires to nodes ``doc`` lacks dropped, positions shifted by ``offset`` or moved so the
    group's top-left lands ``at``. ``doc`` itself is not modified.
    """
    taken = {n.id for n in doc.nodes}
    mapping: dict[str, str] = {}
    for node in clip.nodes:
        new = unique_id(taken, node.id)
        taken.add(new)
        mapping[node.id] = new
    present = {n.id for n in doc.nodes} | set(mapping.values())
    known = [n.pos for n in clip.nodes if n.pos is not None]
    if at is not None and known:
        dx, dy = at[0] - min(p[0] for p in known), at[1] - min(p[1] for p in known)
    else:
        dx, dy = offset
    out = []
    for i, node in enumerate(clip.nodes):
        node = copy.deepcopy(node)
        node.inputs = {k: rename_refs(v, mapping) for k, v in node.inputs.items()}
        node.id = mapping[node.id]
        node.inputs = drop_refs(node.inputs, set(sources(node.inputs)) - present)
        if node.pos is not None:
            node.pos = (node.pos[0] + dx, node.pos[1] + dy)
        elif at is not None:
            node.pos = (at[0], at[1] + 120.0 * i)
        out.append(node)
    return out
