"""``GraphModel``: the one owner of the open Document, its undo stack and its latest analysis.

Views never touch the Document: they call the methods here, which validate an edit (ids,
cycles, the compiler's verdict on the node being wired), then push the matching command.
After every change — edit, undo, redo, load — the compiler checks the graph again (through one
incremental ``Checker``, which redoes only what the edit reached) and ``changed`` fires, so
every view redraws from one consistent state. A refused edit leaves the
Document untouched and returns (and announces) its reason in one line.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from graphstudio.document import Document, DocumentError, Node, dumps, loads
from graphstudio.document.references import format_ref, iter_refs, parse_ref, source_of

from . import commands as C
from . import graph
from .analysis import Analysis, analyze, new_checker
from .i18n import tr
from .layout import default_size, layout
from .wording import error_text


class GraphModel(QObject):
    """The open graph. ``changed`` after every change; ``selectRequested(ids)`` after commands that
    create or rename nodes; ``message(text)`` for refusals worth a status-bar line."""

    changed = Signal()
    selectRequested = Signal(list)
    message = Signal(str)

    def __init__(self, doc: Document | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = doc if doc is not None else Document()
        self.path: str | None = None
        self.stack = QUndoStack(self)
        self.revision = 0  # bumped on every change; autosave compares it
        self.resets = 0    # bumped when another document is shown (views then redraw everything)
        self.checker = new_checker()
        self.analysis: Analysis = self._analyze(self.doc)

    # -- state ------------------------------------------------------------------------------
    @property
    def base_dir(self) -> str | None:
        """The open file's folder (relative paths in the graph are resolved from there)."""
        return os.path.dirname(os.path.abspath(self.path)) if self.path else None

    @property
    def modified(self) -> bool:
        return not self.stack.isClean()

    def reset(self, doc: Document, path: str | None = None, modified: bool = False) -> None:
        """Show another document: a fresh undo history, positions filled in where the file has none."""
        self.doc = doc
        self.path = path
        self.resets += 1
        self.stack.clear()
        self.analysis = self._analyze(doc)
        place_missing(doc, self.analysis.outputs)
        if modified:
            self.stack.resetClean()
        self._changed()
        self.selectRequested.emit([])

    def set_nodes(self, nodes: list[Node], select: list[str] | None) -> None:
        """Called by commands only: install a node list, re-check, notify."""
        self.doc.nodes[:] = nodes
        self.analysis = self._analyze(self.doc)
        self._changed()
        if select is not None:
            self.selectRequested.emit(list(select))

    def _analyze(self, doc: Document) -> Analysis:
        return analyze(doc, self.base_dir, self.checker)

    def _changed(self) -> None:
        self.revision += 1
        self.changed.emit()

    def push(self, cmd: C.NodesCommand) -> bool:
        """Push a command unless it changes nothing."""
        if cmd.is_noop:
            return False
        self.stack.push(cmd)
        return True

    def refuse(self, reason: str) -> str:
        self.message.emit(reason)
        return reason

    def outputs_of(self, node: Node) -> tuple[str, ...]:
        return graph.output_names(node, self.doc, self.analysis.outputs)

    def has(self, node_id: str) -> bool:
        return any(n.id == node_id for n in self.doc.nodes)

    # -- edits --------------------------------------------------------------------------------
    def add_node(self, op: str, pos: tuple[float, float] | None = None) -> str:
        node = graph.new_node(self.doc, op, pos)
        self.push(C.AddNode(self, node))
        return node.id

    def remove(self, ids: list[str] | set[str], wires: list[graph.Wire] = ()) -> None:
        """Delete nodes (with their wires) and loose wires, as one undo step."""
        ids = [i for i in ids if self.has(i)]
        loose = [w for w in wires if w.dst not in ids]
        if not ids and not loose:
            return
        self.stack.beginMacro(tr("Delete"))
        # variadic items are removed from the highest index down, so indices stay valid
        for w in sorted(loose, key=lambda w: (w.dst, w.port, -(w.index or 0))):
            self.push(C.Disconnect(self, w.dst, w.port, w.index))
        if ids:
            self.push(C.RemoveNodes(self, ids))
        self.stack.endMacro()

    def move(self, positions: dict[str, tuple[float, float]], text: str | None = None) -> bool:
        positions = {k: v for k, v in positions.items() if self.has(k)}
        return bool(positions) and self.push(C.MoveNodes(self, positions, text or tr("Move")))

    def auto_layout(self) -> bool:
        return self.move(layout(self.doc, outputs=self.analysis.outputs), tr("Auto-layout"))

    def connect(self, src: str, output: str | None, dst: str, port: str, index: int | None = None) -> str | None:
        """Wire ``src``'s ``output`` into ``dst.port`` (into place ``index`` of a variadic list: a taken
        place is replaced, None or the place after the last appends). Returns the reason when refused
        (document unchanged)."""
        cmd = self._connection(src, output, dst, port, index)
        if isinstance(cmd, str):
            return self.refuse(cmd)
        if cmd is not None:
            self.push(cmd)
        return None

    def connect_problem(self, src: str, output: str | None, dst: str, port: str,
                        index: int | None = None) -> str | None:
        """Why ``connect`` with these arguments would be refused, or None; nothing changes (a wire
        being dragged asks this of the port under the pointer)."""
        cmd = self._connection(src, output, dst, port, index)
        return cmd if isinstance(cmd, str) else None

    def _connection(self, src: str, output: str | None, dst: str, port: str,
                    index: int | None) -> C.Connect | str | None:
        """The command that makes the wire, the reason it is refused, or None when it is there already."""
        if not (self.has(src) and self.has(dst)):
            return tr("Cannot connect: the node no longer exists")
        src_node, dst_node = self.doc.node(src), self.doc.node(dst)
        ports = {p.name: p for p in graph.input_ports(dst_node)}
        if port not in ports:
            return tr("Cannot connect: {node} ({op}) has no input '{port}'").format(node=dst, op=dst_node.op, port=port)
        outputs = self.outputs_of(src_node)
        if not outputs:
            return tr("Cannot connect: {node} ({op}) has no outputs").format(node=src, op=src_node.op)
        if output is None:
            output = outputs[0]
        if output not in outputs:
            return tr("Cannot connect: {node} ({op}) has no output '{output}'").format(node=src, op=src_node.op,
                                                                                       output=output)
        if graph.would_cycle(self.doc, src, dst):
            return tr("Refused: {wire} would make a cycle ({dst} already feeds {src}); "
                      "a computation graph must flow one way").format(wire=f"{src} → {dst}.{port}", dst=dst, src=src)
        ref = format_ref(src, output, outputs)
        cmd = C.Connect(self, ref, dst, port, ports[port].variadic, index)
        if cmd.is_noop:
            return None
        reason = self._rejected(cmd, dst)
        if reason:
            return tr("Refused: {wire}: {reason}").format(wire=f"{src} → {dst}.{cmd.where}", reason=error_text(reason))
        return cmd

    def _rejected(self, cmd: C.NodesCommand, node_id: str) -> str | None:
        """The compiler's new complaint about ``node_id`` if ``cmd`` were applied, else None.

        Complaints the node already had, and ones about inputs still unconnected, do not block:
        a student wires a node one input at a time.
        """
        if not self.analysis.checked:
            return None
        before = {str(p) for p in self.analysis.problems_for(node_id)}
        trial = self._analyze(dataclasses.replace(self.doc, nodes=cmd.after_nodes))
        for p in trial.problems_for(node_id):
            text = p.message.lower()
            if str(p) in before or "missing" in text or "not connected" in text or "no input" in text:
                continue
            return p.message
        return None

    def disconnect(self, dst: str, port: str, index: int | None = None) -> None:
        if self.has(dst):
            self.push(C.Disconnect(self, dst, port, index))

    def set_input(self, node_id: str, port: str, value: Any, index: int | None = None) -> str | None:
        """Set an input (with ``index``, one place of a variadic list) to a literal or a reference typed
        as text; references are checked like wires."""
        if isinstance(value, str):
            src, output = parse_ref(value)
            if not self.has(src):
                return self.refuse(tr("No node with id '{node}'").format(node=src))
            return self.connect(src, output, node_id, port, index)
        if index is not None and any(iter_refs(value)):
            return self.refuse(tr("One place of a list takes one value: a number, a list of numbers, or a node id"))
        for ref in iter_refs(value):  # a variadic list may hold references
            src = source_of(ref)
            if not self.has(src):
                return self.refuse(tr("No node with id '{node}'").format(node=src))
            if graph.would_cycle(self.doc, src, node_id):
                return self.refuse(tr("Refused: {wire} would make a cycle").format(wire=f"{src} → {node_id}.{port}"))
        self.push(C.SetInput(self, node_id, port, value, index))
        return None

    def set_param(self, node_id: str, name: str, value: Any = C.UNSET) -> None:
        self.push(C.SetParam(self, node_id, name, value))

    def set_flag(self, node_id: str, flag: str, on: bool) -> None:
        self.push(C.SetFlag(self, node_id, flag, on))

    def rename(self, old: str, new: str) -> str | None:
        """Rename a node (references follow). Returns the reason when the new id cannot be used."""
        new = new.strip()
        if new == old:
            return None
        if not graph.IDENT.match(new):
            return self.refuse(tr("'{id}' is not a valid id: use letters, digits and _, not starting with a digit")
                               .format(id=new))
        if self.has(new):
            return self.refuse(tr("The id '{id}' is already used by another node").format(id=new))
        self.push(C.Rename(self, old, new))
        return None

    # -- clipboard ----------------------------------------------------------------------------
    def copy_text(self, ids: list[str] | set[str]) -> str:
        """Graph-file JSON of the given nodes (what the clipboard holds)."""
        return dumps(graph.extract(self.doc, ids))

    def paste_text(self, text: str, at: tuple[float, float] | None = None) -> list[str] | str:
        """Paste graph-file JSON: returns the new ids, or the reason it could not be pasted."""
        try:
            clip = loads(text, "clipboard")
        except DocumentError as exc:
            return self.refuse(tr("Cannot paste: {why}").format(why=exc))
        if not clip.nodes:
            return []
        nodes = graph.merge(self.doc, clip, at=at)
        self.push(C.Paste(self, nodes))
        return [n.id for n in nodes]

    def duplicate(self, ids: list[str] | set[str]) -> list[str]:
        clip = graph.extract(self.doc, ids)
        if not clip.nodes:
            return []
        nodes = graph.merge(self.doc, clip)
        self.push(C.Paste(self, nodes, duplicate=True))
        return [n.id for n in nodes]


def place_missing(doc: Document, outputs: dict[str, tuple[str, ...]] | None = None) -> bool:
    """Give nodes without ``pos`` a layered layout (below any placed nodes). Returns True if any moved.

    This fills in what the file leaves out; it is not an edit, so it is not on the undo stack.
    """
    missing = [n for n in doc.nodes if n.pos is None]
    if not missing:
        return False
    size = default_size(doc, outputs)
    if len(missing) == len(doc.nodes):
        for node_id, pos in layout(doc, size, outputs).items():
            doc.node(node_id).pos = pos
        return True
    sub = Document(nodes=missing)
    pos = layout(sub, size, outputs)
    placed = [n for n in doc.nodes if n.pos is not None]
    bottom = max(n.pos[1] + size(n.id)[1] for n in placed)
    left = min(n.pos[0] for n in placed)
    top = min(p[1] for p in pos.values())
    for node in missing:
        x, y = pos[node.id]
        node.pos = (x + left, y - top + bottom + 80.0)
    return True
