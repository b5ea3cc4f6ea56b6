"""Every edit of a graph is one ``QUndoCommand`` on the Document.

Why snapshots: each command records the node list before and after its edit and undo/redo
put one of them back. That makes undo exact by construction — the restored Document compares
``==`` to the original, including input order, literals and unknown keys — with no hand-written
inverse to get wrong. The edit itself (``apply``) is a plain function on copies of the nodes,
run once when the command is made; a command whose edit changes nothing is marked ``is_noop``
and never pushed. Validation (cycles, the compiler's verdict, id syntax) happens in
``GraphModel`` before a command is made; a command only edits.

Snapshots share nodes: a node the edit left alone is the very object of the list before, so a
one-node edit of a 1,000-node graph copies one node, and the checker and the canvas can tell
untouched nodes by identity. That holds because a ``Node`` in ``doc.nodes`` is never edited in
place: every change goes through a command, which edits copies and installs them. A command
that knows which nodes its edit may touch says so in ``touches`` and only those are copied for
``apply``; otherwise (the default) ``apply`` gets copies of all of them.
"""
from __future__ import annotations

import copy
import weakref
from typing import Any, Iterable, Protocol

from PySide6.QtGui import QUndoCommand

from graphstudio.document import Document, Node, plain
from graphstudio.document.references import drop_refs, iter_refs, source_of

from . import graph
from .i18n import tr


class Target(Protocol):
    """What a command edits: the model holding the Document (see ``model.GraphModel``)."""

    doc: Document

    def set_nodes(self, nodes: list[Node], select: list[str] | None) -> None: ...


class NodesCommand(QUndoCommand):
    """Base: snapshot ``doc.nodes``, ``apply`` the edit to a copy, swap copies on redo/undo."""

    #: ids to select after redo / undo (None: keep the current selection)
    select_after: list[str] | None = None
    select_before: list[str] | None = None

    def __init__(self, target: Target, text: str) -> None:
        super().__init__(text)
        # Weak: the model owns its undo stack, which owns its commands; a strong reference back would
        # leave model, stack and commands to Python's cycle collector, which then deletes Qt objects
        # in an arbitrary order (a crash when a command outlives the stack that deleted it).
        self._target = weakref.ref(target)
        self._before = list(target.doc.nodes)
        touched = self.touches(self._before)
        nodes = [clone(n) if touched is None or n.id in touched else n for n in self._before]
        self.apply(nodes)
        self._after = _share(nodes, self._before)
        self.is_noop = len(nodes) == len(self._before) and all(
            a is b or a == b for a, b in zip(self._after, self._before))

    def touches(self, nodes: list[Node]) -> set[str] | None:
        """Ids of the nodes ``apply`` may change (the others are passed to it uncopied and must be left
        alone); None, the default, when it may change any of them."""
        return None

    def apply(self, nodes: list[Node]) -> None:
        raise NotImplementedError

    @property
    def after_nodes(self) -> list[Node]:
        """The node list this command produces (to check it before pushing); read it, do not edit it."""
        return list(self._after)

    def redo(self) -> None:
        self._target().set_nodes(list(self._after), self.select_after)

    def undo(self) -> None:
        self._target().set_nodes(list(self._before), self.select_before)


def clone(node: Node) -> Node:
    """A copy of a node deep enough to edit: its inputs and params down to the last list."""
    return Node(node.id, node.op, _copy_value(node.inputs), _copy_value(node.params), node.pos)


def _copy_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_value(v) for v in value]
    if value is None or isinstance(value, (str, int, float, tuple)):
        return value
    return copy.deepcopy(value)


def _share(nodes: list[Node], before: list[Node]) -> list[Node]:
    """``nodes`` with each copy the edit left exactly as it was (types included: 1 is not 1.0 or true)
    swapped back for the original object."""
    by_id = {n.id: n for n in before}
    out = []
    for node in nodes:
        old = by_id.get(node.id)
        if old is not None and old is not node and node.pos == old.pos and node.op == old.op \
                and _same(node.inputs, old.inputs) and _same(node.params, old.params):
            node = old
        out.append(node)
    return out


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return len(a) == len(b) and all(ka == kb and _same(va, vb) for (ka, va), (kb, vb) in zip(a.items(), b.items()))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _referring_to(nodes: Iterable[Node], ids: set[str]) -> set[str]:
    """Ids of the nodes with a wire from one of ``ids``."""
    return {n.id for n in nodes for value in n.inputs.values() for ref in iter_refs(value)
            if source_of(ref) in ids}


def _find(nodes: list[Node], node_id: str) -> Node:
    for node in nodes:
        if node.id == node_id:
            return node
    raise KeyError(node_id)


class AddNode(NodesCommand):
    """Add one node (from the palette, the search popup, or a test)."""

    def __init__(self, target: Target, node: Node) -> None:
        self.node = copy.deepcopy(node)
        self.select_after, self.select_before = [node.id], []
        super().__init__(target, tr("Add {op} '{node}'").format(op=node.op, node=node.id))

    def touches(self, nodes: list[Node]) -> set[str]:
        return set()

    def apply(self, nodes: list[Node]) -> None:
        nodes.append(copy.deepcopy(self.node))


class RemoveNodes(NodesCommand):
    """Remove nodes and every wire from them (a variadic list keeps its other items)."""

    def __init__(self, target: Target, ids: list[str] | set[str]) -> None:
        self.ids = set(ids)
        self.select_after, self.select_before = [], sorted(self.ids)
        if len(self.ids) == 1:
            super().__init__(target, tr("Delete '{node}'").format(node=next(iter(self.ids))))
        else:
            super().__init__(target, tr("Delete %n nodes", None, len(self.ids)))

    def touches(self, nodes: list[Node]) -> set[str]:
        return _referring_to(nodes, self.ids)

    def apply(self, nodes: list[Node]) -> None:
        referring = _referring_to(nodes, self.ids)
        nodes[:] = [n for n in nodes if n.id not in self.ids]
        for node in nodes:
            if node.id in referring:
                node.inputs = drop_refs(node.inputs, self.ids)


class MoveNodes(NodesCommand):
    """Set positions (a drag, an auto-layout); one command per gesture."""

    def __init__(self, target: Target, positions: dict[str, tuple[float, float]], text: str = "Move") -> None:
        self.positions = {k: (float(v[0]), float(v[1])) for k, v in positions.items()}
        super().__init__(target, text)

    def touches(self, nodes: list[Node]) -> set[str]:
        return set(self.positions)

    def apply(self, nodes: list[Node]) -> None:
        for node in nodes:
            if node.id in self.positions:
                node.pos = self.positions[node.id]


class Connect(NodesCommand):
    """Set input ``port`` of ``dst`` to the reference ``ref``; a taken input is replaced. On a
    variadic input the reference goes to place ``index`` of the list: a taken place is replaced,
    the place after the last item (or None) appends."""

    def __init__(self, target: Target, ref: str, dst: str, port: str, variadic: bool = False,
                 index: int | None = None) -> None:
        self.ref, self.dst, self.port, self.variadic, self.index = ref, dst, port, variadic, index
        self.where = graph.place_name(port, index if variadic else None)
        super().__init__(target, tr("Connect {wire}").format(wire=f"{ref} → {dst}.{self.where}"))

    def touches(self, nodes: list[Node]) -> set[str]:
        return {self.dst}

    def apply(self, nodes: list[Node]) -> None:
        node = _find(nodes, self.dst)
        if self.variadic:
            _put_item(node, self.port, self.index, self.ref)
        else:
            node.inputs[self.port] = self.ref


def _put_item(node: Node, port: str, index: int | None, value: Any) -> None:
    """Put ``value`` at place ``index`` of the list in ``node.inputs[port]``, replacing what is there,
    or appending when ``index`` is None or past the end (a lone value becomes the list's first item)."""
    old = node.inputs.get(port)
    items = list(old) if isinstance(old, list) else ([old] if old is not None else [])
    if index is not None and index < len(items):
        items[index] = value
    else:
        items.append(value)
    node.inputs[port] = items


class Disconnect(NodesCommand):
    """Remove the wire into ``dst.port`` (item ``index`` of a variadic list); an emptied list goes."""

    def __init__(self, target: Target, dst: str, port: str, index: int | None = None) -> None:
        self.dst, self.port, self.index = dst, port, index
        super().__init__(target, tr("Disconnect {place}").format(place=f"{dst}.{graph.place_name(port, index)}"))

    def touches(self, nodes: list[Node]) -> set[str]:
        return {self.dst}

    def apply(self, nodes: list[Node]) -> None:
        node = _find(nodes, self.dst)
        value = node.inputs.get(self.port)
        if isinstance(value, list) and self.index is not None:
            items = [v for i, v in enumerate(value) if i != self.index]
            if items:
                node.inputs[self.port] = items
            else:
                del node.inputs[self.port]
        elif self.port in node.inputs:
            del node.inputs[self.port]


class SetInput(NodesCommand):
    """Set an input to a literal (``2``, ``[1, 2]``) or a reference typed in the inspector; with
    ``index``, only that place of a variadic list (the place after the last appends)."""

    def __init__(self, target: Target, node_id: str, port: str, value: Any, index: int | None = None) -> None:
        self.node_id, self.port, self.value, self.index = node_id, port, plain(value), index
        super().__init__(target, tr("Set {place}").format(place=f"{node_id}.{graph.place_name(port, index)}"))

    def touches(self, nodes: list[Node]) -> set[str]:
        return {self.node_id}

    def apply(self, nodes: list[Node]) -> None:
        node = _find(nodes, self.node_id)
        if self.index is None:
            node.inputs[self.port] = copy.deepcopy(self.value)
        else:
            _put_item(node, self.port, self.index, copy.deepcopy(self.value))


UNSET = object()


class SetParam(NodesCommand):
    """Set a param (``UNSET`` removes the key, so the op's default applies again)."""

    def __init__(self, target: Target, node_id: str, name: str, value: Any = UNSET) -> None:
        self.node_id, self.name = node_id, name
        self.value = value if value is UNSET else plain(value)
        super().__init__(target, tr("Set {place}").format(place=f"{node_id}.{name}"))

    def touches(self, nodes: list[Node]) -> set[str]:
        return {self.node_id}

    def apply(self, nodes: list[Node]) -> None:
        params = _find(nodes, self.node_id).params
        if self.value is UNSET:
            params.pop(self.name, None)
        else:
            params[self.name] = copy.deepcopy(self.value)


class SetFlag(NodesCommand):
    """Turn ``requires_grad`` / ``retain_grad`` / ``no_grad`` on (``true`` in params) or off (key removed)."""

    def __init__(self, target: Target, node_id: str, flag: str, on: bool) -> None:
        if flag not in graph.FLAGS:
            raise ValueError(f"not a flag: {flag}")
        self.node_id, self.flag, self.on = node_id, flag, bool(on)
        super().__init__(target, (tr("Set {flag} on {node}") if on else tr("Clear {flag} on {node}")).format(
            flag=flag, node=node_id))

    def touches(self, nodes: list[Node]) -> set[str]:
        return {self.node_id}

    def apply(self, nodes: list[Node]) -> None:
        params = _find(nodes, self.node_id).params
        if self.on:
            params[self.flag] = True
        else:
            params.pop(self.flag, None)


class Rename(NodesCommand):
    """Change a node's id; every reference to it follows."""

    def __init__(self, target: Target, old: str, new: str) -> None:
        self.old, self.new = old, new
        self.select_after, self.select_before = [new], [old]
        super().__init__(target, tr("Rename '{old}' to '{new}'").format(old=old, new=new))

    def touches(self, nodes: list[Node]) -> set[str]:
        return {self.old} | _referring_to(nodes, {self.old})

    def apply(self, nodes: list[Node]) -> None:
        touched = self.touches(nodes)
        graph.rename_node([n for n in nodes if n.id in touched], self.old, self.new)


class Paste(NodesCommand):
    """Append nodes already made ready by ``graph.merge`` (ids free, wires resolvable)."""

    def __init__(self, target: Target, nodes: list[Node], duplicate: bool = False) -> None:
        self.nodes = copy.deepcopy(nodes)
        self.select_after, self.select_before = [n.id for n in nodes], []
        if len(nodes) == 1:
            text = tr("Duplicate 1 node") if duplicate else tr("Paste 1 node")
        else:
            text = tr("Duplicate %n nodes", None, len(nodes)) if duplicate else tr("Paste %n nodes", None, len(nodes))
        super().__init__(target, text)

    def touches(self, nodes: list[Node]) -> set[str]:
        return set()

    def apply(self, nodes: list[Node]) -> None:
        nodes.extend(copy.deepcopy(self.nodes))
