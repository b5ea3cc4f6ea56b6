"""``GraphScene``: the canvas contents, kept in step with the model, and wiring by drag.

After every change the scene rebuilds a ``NodeView`` per node from the Document and the
compiler's analysis and hands it to the existing item (so selection and focus survive edits);
wires are cheap and simply redrawn. Gestures become model calls: a drag between ports is
``model.connect`` (refusals are shown at the cursor and in the status bar), a finished node drag
is one ``model.move``.
"""
from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QCursor, QPainter, QPen, QTransform
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsScene, QMenu, QToolTip

from graphstudio.document import Node

from . import graph, theme
from .analysis import format_spec
from .items import InputRow, NodeItem, NodeView, OutputRow, PortItem, WireItem, bezier
from .layout import GRID
from .model import GraphModel

SCENE_EXTENT = 50_000.0


def node_view(model: GraphModel, node: Node) -> NodeView:
    """The summary a node box shows: ports, literal inputs, shapes under outputs, problems, flags."""
    cls = graph.op_class(node.op)
    rows = []
    for port in graph.input_ports(node):
        value = node.inputs.get(port.name)
        refs = list(graph.iter_refs(value))
        literal = value is not None and not (isinstance(value, str) or (isinstance(value, list) and refs))
        if literal:
            label = f"{port.name} = {_short(value)}"
        elif isinstance(value, list) and port.variadic:
            label = f"{port.name} [{len(value)}]"
        else:
            label = port.name
        rows.append(InputRow(port.name, label, bool(refs), literal, port.known, port.variadic, port.optional,
                             port.doc))
    outputs = model.outputs_of(node)
    outs = tuple(OutputRow(name, format_spec(model.analysis.spec(node.id, name, outputs)), len(outputs) > 1)
                 for name in outputs)
    flags = tuple(f for f in graph.FLAGS if node.params.get(f) is True)
    return NodeView(node.id, node.op, cls.category if cls else None, graph.node_kind(node.op),
                    cls.doc if cls else f"'{node.op}' is not an op this version knows.", tuple(rows), outs,
                    tuple(str(p.message if p.node_id == node.id else p) for p in model.analysis.problems_for(node.id)),
                    flags)


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 18 else text[:17] + "…"


class GraphScene(QGraphicsScene):
    """The scene for one ``GraphModel``. ``status(text)`` carries messages for the status bar."""

    status = Signal(str)

    def __init__(self, model: GraphModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.model = model
        self.nodes: dict[str, NodeItem] = {}
        self.wires: list[WireItem] = []
        self.snap_to_grid = True
        self.grid_size = GRID
        self.show_grid = True
        self.syncing = False
        self._drag_port: PortItem | None = None
        self._drag_path: QGraphicsPathItem | None = None
        self._press_pos: dict[str, QPointF] = {}
        self.setSceneRect(QRectF(-SCENE_EXTENT, -SCENE_EXTENT, 2 * SCENE_EXTENT, 2 * SCENE_EXTENT))
        model.changed.connect(self.sync)
        model.selectRequested.connect(self.select_ids)
        model.message.connect(self.status)
        self.sync()

    # -- model → items ---------------------------------------------------------------------------
    def sync(self) -> None:
        """Bring items in line with the Document: add, update, move, remove; redraw wires."""
        self.syncing = True
        try:
            seen = set()
            for node in self.model.doc.nodes:
                seen.add(node.id)
                view = node_view(self.model, node)
                item = self.nodes.get(node.id)
                if item is None:
                    item = NodeItem(view)
                    self.addItem(item)
                    self.nodes[node.id] = item
                else:
                    item.set_view(view)
                pos = QPointF(*(node.pos or (0.0, 0.0)))
                if item.pos() != pos:
                    item.setPos(pos)
            for node_id in [i for i in self.nodes if i not in seen]:
                self.removeItem(self.nodes.pop(node_id))
            self._rebuild_wires()
        finally:
            self.syncing = False

    def _rebuild_wires(self) -> None:
        selected = {w.wire for w in self.wires if w.isSelected()}
        for w in self.wires:
            self.removeItem(w)
        self.wires = []
        for wire in graph.wires(self.model.doc):
            src, dst = self.nodes.get(wire.src), self.nodes.get(wire.dst)
            if src is None or dst is None or wire.port not in dst.in_ports:
                continue
            outputs = list(src.out_ports)
            name = wire.output or (outputs[0] if outputs else None)
            if name not in src.out_ports:
                continue
            item = WireItem(wire)
            item.set_ends(src.out_ports[name].scenePos(), dst.in_ports[wire.port].scenePos())
            self.addItem(item)
            item.setSelected(wire in selected)
            self.wires.append(item)

    def node_moved(self, item: NodeItem) -> None:
        """Keep wires attached while a node is dragged."""
        if self.syncing:
            return
        node_id = item.node_id
        for w in self.wires:
            if w.wire.src == node_id or w.wire.dst == node_id:
                src, dst = self.nodes[w.wire.src], self.nodes[w.wire.dst]
                name = w.wire.output or next(iter(src.out_ports))
                w.set_ends(src.out_ports[name].scenePos(), dst.in_ports[w.wire.port].scenePos())

    def select_ids(self, ids: list[str]) -> None:
        self.clearSelection()
        for node_id in ids:
            item = self.nodes.get(node_id)
            if item is not None:
                item.setSelected(True)

    def selected_ids(self) -> list[str]:
        """Selected node ids, in document order."""
        chosen = {i.node_id for i in self.selectedItems() if isinstance(i, NodeItem)}
        return [n.id for n in self.model.doc.nodes if n.id in chosen]

    def selected_wires(self) -> list[graph.Wire]:
        return [i.wire for i in self.selectedItems() if isinstance(i, WireItem)]

    def content_rect(self) -> QRectF:
        """The bounding rect of the nodes and wires (the scene rect itself is huge, for panning)."""
        rect = QRectF()
        for item in [*self.nodes.values(), *self.wires]:
            rect = rect.united(item.sceneBoundingRect())
        return rect

    def restyle(self) -> None:
        """Repaint in the current theme."""
        for item in self.items():
            if hasattr(item, "restyle"):
                item.restyle()
        self.update()

    # -- background ---------------------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        c = theme.colors()
        painter.fillRect(rect, c["background"])
        if not self.show_grid:
            return
        scale = painter.transform().m11()
        step = self.grid_size if scale > 0.6 else self.grid_size * 5
        if step * scale < 6:
            return
        painter.setPen(QPen(c["grid"], 0))
        left = int(rect.left() // step) * step
        top = int(rect.top() // step) * step
        x = left
        while x < rect.right():
            painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            x += step
        y = top
        while y < rect.bottom():
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            y += step

    # -- gestures ---------------------------------------------------------------------------------
    def port_at(self, pos: QPointF) -> PortItem | None:
        for item in self.items(pos):
            if isinstance(item, PortItem):
                return item
        return None

    def node_at(self, pos: QPointF) -> NodeItem | None:
        for item in self.items(pos):
            if isinstance(item, NodeItem):
                return item
            if isinstance(item, PortItem):
                return item.node_item
        return None

    def mousePressEvent(self, event: Any) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            port = self.port_at(event.scenePos())
            if port is not None:
                self._start_wire(port)
                event.accept()
                return
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self._press_pos = {i.node_id: i.pos() for i in self.selectedItems() if isinstance(i, NodeItem)}

    def mouseMoveEvent(self, event: Any) -> None:
        if self._drag_port is not None:
            self._drag_to(event.scenePos())
            event.accept()
            return
        super().mouseMoveEvent(event)
        if self._press_pos and event.buttons() & Qt.MouseButton.LeftButton:
            self._after_drag_step()

    def _after_drag_step(self) -> None:
        """Snap dragged nodes to the grid and keep their wires attached (once per mouse move)."""
        for node_id in self._press_pos:
            item = self.nodes.get(node_id)
            if item is None:
                continue
            if self.snap_to_grid:
                g = self.grid_size
                snapped = QPointF(round(item.x() / g) * g, round(item.y() / g) * g)
                if snapped != item.pos():
                    item.setPos(snapped)
            self.node_moved(item)

    def mouseReleaseEvent(self, event: Any) -> None:
        if self._drag_port is not None and event.button() == Qt.MouseButton.LeftButton:
            self.finish_wire(event.scenePos())
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and self._press_pos:
            moved = {}
            for node_id, before in self._press_pos.items():
                item = self.nodes.get(node_id)
                if item is not None and item.pos() != before:
                    moved[node_id] = (item.pos().x(), item.pos().y())
            self._press_pos = {}
            if moved:
                self.model.move(moved)

    def _start_wire(self, port: PortItem) -> None:
        self._drag_port = port
        path = QGraphicsPathItem()
        path.setPen(QPen(theme.colors()["selected"], 2, Qt.PenStyle.DashLine))
        path.setZValue(5)
        self.addItem(path)
        self._drag_path = path
        self._drag_to(port.scenePos())

    def _drag_to(self, pos: QPointF) -> None:
        assert self._drag_port is not None and self._drag_path is not None
        start = self._drag_port.scenePos()
        a, b = (start, pos) if self._drag_port.is_output else (pos, start)
        self._drag_path.setPath(bezier(a, b))

    def finish_wire(self, pos: QPointF) -> str | None:
        """End a wire drag at ``pos``: connect to the port (or the free input of the node) there.

        Returns the refusal reason, if any; it is also shown as a tooltip at the cursor.
        """
        start, self._drag_port = self._drag_port, None
        if self._drag_path is not None:
            self.removeItem(self._drag_path)
            self._drag_path = None
        if start is None:
            return None
        target = self.port_at(pos)
        if target is None:
            node = self.node_at(pos)
            if node is None or node is start.node_item:
                return None
            target = _free_port(node, want_output=not start.is_output)
            if target is None:
                return None
        if target.is_output == start.is_output:
            reason = "Connect an output (right side) to an input (left side)"
            self.status.emit(reason)
            return reason
        out, inp = (start, target) if start.is_output else (target, start)
        reason = self.connect_ports(out, inp)
        if reason:
            QToolTip.showText(QCursor.pos(), reason)
        return reason

    def connect_ports(self, out: PortItem, inp: PortItem) -> str | None:
        """Wire two ports through the model; returns the refusal reason, if any."""
        return self.model.connect(out.node_id, out.name, inp.node_id, inp.name)

    def contextMenuEvent(self, event: Any) -> None:
        port = self.port_at(event.scenePos())
        menu = QMenu()
        if port is not None and not port.is_output and port.connected:
            menu.addAction(f"Disconnect {port.name}",
                           lambda: self.model.disconnect(port.node_id, port.name))
        item = self.itemAt(event.scenePos(), self.views()[0].transform() if self.views() else QTransform())
        if isinstance(item, WireItem):
            wire = item.wire
            menu.addAction("Delete wire", lambda: self.model.disconnect(wire.dst, wire.port, wire.index))
        node = self.node_at(event.scenePos())
        if node is not None and port is None:
            if not node.isSelected():
                self.select_ids([node.node_id])
            ids = self.selected_ids()
            menu.addAction("Duplicate", lambda: self.model.duplicate(ids))
            menu.addAction("Delete", lambda: self.model.remove(ids))
        if not menu.isEmpty():
            menu.exec(event.screenPos())
            event.accept()


def _free_port(node: NodeItem, want_output: bool) -> PortItem | None:
    """Dropping a wire on a node's body: its first output, or its first unconnected input."""
    if want_output:
        return next(iter(node.out_ports.values()), None)
    for port in node.in_ports.values():
        if not port.connected:
            return port
    return None
