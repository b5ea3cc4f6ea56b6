"""``GraphScene``: the canvas contents, kept in step with the model, and wiring by drag.

After every change the scene hands a fresh ``NodeView`` to the existing item of each node that
could look different — the node object was replaced (commands replace only the nodes they edit),
or its specs, outputs or problems changed in the analysis — so selection and focus survive
edits and a one-node edit of a big graph touches a handful of items. Wire items are kept per
wire and only re-laid where a node moved, was added or removed, or rebuilt its ports.
Gestures become model calls: a drag between ports is ``model.connect`` (refusals are shown at
the cursor and in the status bar), a finished node drag is one ``model.move``.
"""
from __future__ import annotations

import json
import math
from typing import Any

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QCursor, QPainter, QPainterPath, QPen, QPixmapCache, QTransform
from PySide6.QtWidgets import (QGraphicsItem, QGraphicsPathItem, QGraphicsScene, QMenu, QStyleOptionGraphicsItem,
                               QToolTip)

from graphstudio.document import Node
from graphstudio.document.references import iter_refs

from graphstudio.engine.op_help import op_help

from . import graph, i18n, routing, theme
from .analysis import Analysis, changed_nodes, format_spec
from .items import (OK, OVERVIEW_LOD, SMALL_GRAPH_NODES, SMALL_GRAPH_OVERVIEW_LOD, InputRow, NodeItem, NodeView,
                    OutputRow, PortItem, WireItem, bezier)
from .layout import GRID, HEADER
from .i18n import tr
from .model import GraphModel

SCENE_EXTENT = 50_000.0
PIXMAP_CACHE_KB = 128 * 1024  # see GraphScene.__init__
OVERVIEW_AA_LOD = 0.15  # the overview is antialiased from this scale up
_ORIGIN = (0.0, 0.0)


def node_view(model: GraphModel, node: Node, static: tuple | None = None) -> NodeView:
    """The summary a node box shows: ports, literal inputs, shapes under outputs, problems, flags.

    ``static`` is ``node_static(node)`` when the caller has it already (it depends on the node alone)."""
    category, kind, doc, rows, flags = node_static(node) if static is None else static
    node_id = node.id
    analysis = model.analysis
    outputs = analysis.outputs.get(node_id)
    if outputs is None:
        outputs = model.outputs_of(node)
    if len(outputs) == 1:  # (most nodes: the spec is filed under the bare id)
        outs: tuple[OutputRow, ...] = (_output_row(outputs[0], format_spec(analysis.specs.get(node_id)), False),)
    else:
        outs = tuple(_output_row(name, format_spec(analysis.spec(node_id, name, outputs)), True) for name in outputs)
    problems = analysis.by_node().get(node_id)
    return NodeView(node_id, node.op, category, kind, doc, rows, outs,
                    tuple(str(p.message if p.node_id == node_id else p) for p in problems) if problems else (),
                    flags)


def node_static(node: Node) -> tuple:
    """What a node box shows that the node alone decides: category, kind, doc, input rows, flags."""
    cls = graph.op_class(node.op)
    return (cls.category if cls else None, cls.kind if cls else "unknown",
            op_help(cls, i18n.language()).doc if cls
            else tr("'{op}' is not an op this version knows.").format(op=node.op),
            input_rows(node),
            tuple(f for f in graph.FLAGS if node.params.get(f) is True))


_OUTPUT_ROWS: dict[tuple, OutputRow] = {}


def _output_row(name: str, spec: str, show_name: bool) -> OutputRow:
    key = (name, spec, show_name)
    row = _OUTPUT_ROWS.get(key)
    if row is None:
        if len(_OUTPUT_ROWS) > 4096:
            _OUTPUT_ROWS.clear()
        row = _OUTPUT_ROWS[key] = OutputRow(name, spec, show_name)
    return row


def input_rows(node: Node) -> tuple[InputRow, ...]:
    """The input rows of a node box, one per ``graph.Slot``: what the node alone decides (not the analysis)."""
    rows = []
    cls = graph.op_class(node.op)
    docs = op_help(cls, i18n.language()).inputs if cls is not None else {}
    for slot in graph.input_slots(node):
        port, value = slot.port, slot.value
        name = graph.place_name(port.name, slot.index)
        refs = list(iter_refs(value))
        literal = value is not None and not (isinstance(value, str) or (isinstance(value, list) and refs))
        label = f"{name} = {_short(value)}" if literal else name
        rows.append(InputRow(port.name, label, bool(refs), literal, port.known, port.variadic, port.optional,
                             docs.get(port.name) or port.doc, slot.index))
    return tuple(rows)


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 18 else text[:17] + "…"


class GraphScene(QGraphicsScene):
    """The scene for one ``GraphModel``. ``status(text)`` carries messages for the status bar."""

    status = Signal(str)
    wire_dropped = Signal(object, QPointF)  # (the port the wire started from, where it was let go)
    wires_changed = Signal()  # wires were added or removed (``wires`` is the new list)
    wires_moved = Signal()  # a dragged node took its wires along

    def __init__(self, model: GraphModel, parent: Any = None) -> None:
        super().__init__(parent)
        # Node boxes and live panels keep their pictures in QPixmapCache (DeviceCoordinateCache).
        # Qt's default 10 MB holds about one 1080p screenful of them: beyond it every frame evicts
        # and repaints them all (measured: 186 ms a frame instead of 30–40 at zoom 1 on a 4K render).
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), PIXMAP_CACHE_KB))
        self.model = model
        self.nodes: dict[str, NodeItem] = {}
        self.wires: list[WireItem] = []          # in document order
        self._shown: dict[str, Node] = {}        # node id → the Node object its item last showed
        self._synced: list[Node] = []            # doc.nodes as last synced
        self._unknown: set[str] = set()          # nodes whose outputs are guessed from wires elsewhere
        self._resets = -1                        # model.resets when last synced
        self._static: dict[str, tuple] = {}      # node id → node_static() of that Node object
        self._analysis: Analysis | None = None   # the analysis the items last showed
        self._wire_items: dict[graph.Wire, WireItem] = {}
        self._bodies: routing.Bodies | None = None         # node boxes, for routing wires around them
        self._in_wires: dict[str, list[graph.Wire]] = {}   # node id → wires written in its inputs
        self._referrers: dict[str, set[str]] = {}          # node id → ids of nodes with a wire from it
        self._wires_dropped = False
        self.overview = False                    # painting the batched overview (zoomed far out)
        self._overview_data: tuple | None = None
        self.snap_to_grid = True
        self.grid_size = GRID
        self.show_grid = True
        self.syncing = False
        self._drag_port: PortItem | None = None
        self._drag_path: QGraphicsPathItem | None = None
        self._checked: set[int] = set()  # ports the dragged wire has had the model's full verdict on
        self._press_pos: dict[str, QPointF] = {}
        self.setSceneRect(QRectF(-SCENE_EXTENT, -SCENE_EXTENT, 2 * SCENE_EXTENT, 2 * SCENE_EXTENT))
        model.changed.connect(self.sync)
        model.selectRequested.connect(self.select_ids)
        model.message.connect(self.status)
        self.sync()

    def dispose(self) -> None:
        """Stop following the model, drop every item, and go: for a scene made for one picture, whose
        C++ side outlives its last use until the event loop runs again. (The language reaches a scene
        only through its window, so a picture's scene has nothing to undo there.)"""
        self.model.changed.disconnect(self.sync)
        self.model.selectRequested.disconnect(self.select_ids)
        self.model.message.disconnect(self.status)
        self.clear()
        self.deleteLater()

    def language_changed(self) -> None:
        """Op help in the boxes' tooltips follows the interface's language: every node is looked at again."""
        self._shown.clear()
        self._resets = -1
        self.sync()

    # -- model → items ---------------------------------------------------------------------------
    def sync(self) -> None:
        """Bring items in line with the Document: add, update, move, remove; re-lay affected wires."""
        self.syncing = True
        try:
            model = self.model
            analysis = model.analysis
            changed = changed_nodes(self._analysis, analysis)  # None: every node may look different
            if model.resets != self._resets:  # another document (its nodes may be the same objects, placed)
                changed, self._resets = None, model.resets
            self._analysis = analysis
            nodes = model.doc.nodes
            before = self._synced
            index = {n.id: n for n in nodes}
            if changed is None or len(before) != len(nodes):
                todo = nodes  # look at every node
            else:  # commands replace the nodes they edit: look at those, and at those the analysis changed
                todo = [n for n, old in zip(nodes, before) if n is not old]
                covered = {n.id for n in todo}
                todo += [index[i] for i in changed | self._unknown if i in index and i not in covered]
            edited, moved = self._sync_items(todo, changed, analysis.outputs)
            self._synced = list(nodes)
            removed: set[str] = set()
            if len(self.nodes) != len(nodes):
                present = {n.id for n in nodes}
                removed = {i for i in self.nodes if i not in present}
                for node_id in removed:
                    self.removeItem(self.nodes.pop(node_id))
                    self._shown.pop(node_id, None)
                    self._static.pop(node_id, None)
                    self._unknown.discard(node_id)
            if edited or moved or removed:
                self._bodies = None
                self._sync_wires(nodes, index, edited | moved, moved | removed, removed)
                if len(moved) < len(self.nodes):  # (after a reset every wire was laid just now)
                    self._relay_near(moved)
            self._overview_data = None
        finally:
            self.syncing = False

    def _sync_items(self, nodes: list[Node], changed: set[str] | None,
                    known: dict[str, Any]) -> tuple[set[str], set[str]]:
        """Make, update and place the items of ``nodes``: (ids whose node object is new, ids whose
        ports moved — placed elsewhere or rebuilt)."""
        model = self.model
        shown = self._shown
        items = self.nodes
        static_of = self._static
        edited: set[str] = set()
        moved: set[str] = set()
        for node in nodes:
            node_id = node.id
            item = items.get(node_id)
            if item is None:
                static = static_of[node_id] = node_static(node)
                item = NodeItem(node_view(model, node, static))
                if self.overview:
                    item.set_overview(True)
                self.addItem(item)
                items[node_id] = item
                edited.add(node_id)
                moved.add(node_id)
            elif shown.get(node_id) is not node:
                static = static_of[node_id] = node_static(node)
                if item.set_view(node_view(model, node, static)):
                    moved.add(node_id)
                edited.add(node_id)
            elif changed is None or node_id in changed or node_id not in known:
                # (not in the analysis's outputs: they are guessed from wires elsewhere, so look again)
                if item.set_view(node_view(model, node, static_of[node_id])):
                    moved.add(node_id)
                if changed is not None:
                    continue  # the same node object: it has not moved (commands replace what they move)
            shown[node_id] = node
            if node_id in known:
                self._unknown.discard(node_id)
            else:
                self._unknown.add(node_id)
            x, y = node.pos or _ORIGIN
            if item.x() != x or item.y() != y:
                item.setPos(QPointF(x, y))
                if item.x() != x or item.y() != y:  # Qt skips a move it deems negligible (fuzzy compare)
                    item.setPos(QPointF(x + 1.0, y + 1.0))
                    item.setPos(QPointF(x, y))
                moved.add(node_id)
        return edited, moved

    def _sync_wires(self, nodes: list[Node], by_id: dict[str, Node], dsts: set[str], srcs: set[str],
                    removed: set[str]) -> None:
        """Re-lay the wires into ``dsts`` and out of ``srcs``; drop those of ``removed`` nodes."""
        redo = set(dsts)
        for src in srcs:
            redo.update(self._referrers.get(src, ()))
        count = len(self._wire_items)
        self._wires_dropped = False
        for dst in redo | removed:
            node = by_id.get(dst)
            old = self._in_wires.pop(dst, [])
            new = graph.node_wires(node) if node is not None else []
            for wire in old:
                self._referrers.get(wire.src, set()).discard(dst)
            keep = set(new)
            for wire in old:
                if wire not in keep:
                    item = self._wire_items.pop(wire, None)
                    if item is not None:
                        self.removeItem(item)
                        self._wires_dropped = True
            if node is None:
                continue
            self._in_wires[dst] = new
            for wire in new:
                self._referrers.setdefault(wire.src, set()).add(dst)
                self._place_wire(wire)
        if self._wires_dropped or len(self._wire_items) != count:  # which wires are drawn changed
            self.wires = [self._wire_items[w] for n in nodes for w in self._in_wires.get(n.id, ())
                          if w in self._wire_items]
            self.wires_changed.emit()

    def _place_wire(self, wire: graph.Wire) -> None:
        """Lay (or make, or drop) the item of one wire from its ports' places."""
        src, dst = self.nodes.get(wire.src), self.nodes.get(wire.dst)
        item = self._wire_items.get(wire)
        name = None
        inp = dst.in_port(wire.port, wire.index) if src is not None and dst is not None else None
        if inp is not None:
            name = wire.output or next(iter(src.out_ports), None)
        if name is None or name not in src.out_ports:
            if item is not None:
                self.removeItem(self._wire_items.pop(wire))
                self._wires_dropped = True
            return
        if item is None:
            item = self._wire_items[wire] = WireItem(wire)
            if self.overview:
                item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
            self.addItem(item)
        self._lay(item, src.out_ports[name].scenePos(), inp.scenePos())

    def _body(self, node_id: str) -> routing.Rect:
        r = self.nodes[node_id].mapRectToScene(self.nodes[node_id].box())
        return r.left(), r.top(), r.right(), r.bottom()

    def bodies(self) -> routing.Bodies:
        """The node boxes that wires go around (made again after an edit that moved or resized one)."""
        if self._bodies is None:
            self._bodies = routing.Bodies({node_id: self._body(node_id) for node_id in self.nodes})
        return self._bodies

    def _lay(self, item: WireItem, a: QPointF, b: QPointF) -> None:
        """Set a wire's ends: its bezier, or a detour where the bezier would cross a node box."""
        corners = routing.detour((a.x(), a.y()), (b.x(), b.y()), self.bodies(), (item.wire.src, item.wire.dst))
        item.set_ends(a, b, corners)

    def _relay_near(self, node_ids: set[str]) -> None:
        """Lay again the wires that pass over these boxes (they may have to go around them now)."""
        seen: set[int] = set()
        for node_id in node_ids:
            node = self.nodes.get(node_id)
            if node is None:
                continue
            for item in self.items(node.mapRectToScene(node.box())):
                if isinstance(item, WireItem) and id(item) not in seen and node_id not in (item.wire.src, item.wire.dst):
                    seen.add(id(item))
                    src, dst = self.nodes.get(item.wire.src), self.nodes.get(item.wire.dst)
                    if src is not None and dst is not None:
                        name = item.wire.output or next(iter(src.out_ports))
                        self._lay(item, src.out_ports[name].scenePos(),
                                  dst.in_port(item.wire.port, item.wire.index).scenePos())

    def _wires_of(self, node_id: str) -> list[WireItem]:
        """The wire items into and out of one node."""
        wires = [w for w in self._in_wires.get(node_id, ())]
        for dst in self._referrers.get(node_id, ()):
            wires += [w for w in self._in_wires.get(dst, ()) if w.src == node_id]
        return [self._wire_items[w] for w in wires if w in self._wire_items]

    def node_moved(self, item: NodeItem) -> None:
        """Keep wires attached while a node is dragged."""
        if self.syncing:
            return
        self._overview_data = None
        self.bodies().move(item.node_id, self._body(item.node_id))
        for w in self._wires_of(item.node_id):
            src, dst = self.nodes[w.wire.src], self.nodes[w.wire.dst]
            name = w.wire.output or next(iter(src.out_ports))
            self._lay(w, src.out_ports[name].scenePos(), dst.in_port(w.wire.port, w.wire.index).scenePos())
        self._relay_near({item.node_id})
        self.wires_moved.emit()

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

    def node_boxes(self) -> list[tuple[float, float, float, float]]:
        """Each node's box in scene coordinates (x, y, width, height)."""
        boxes = []
        for item in self.nodes.values():
            r = item.mapRectToScene(item.box())
            boxes.append((r.x(), r.y(), r.width(), r.height()))
        return boxes

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
        self._overview_data = None
        self.update()

    # -- overview -----------------------------------------------------------------------------------
    def set_overview(self, on: bool) -> None:
        """Switch between items painting themselves (detail) and the batched overview the scene
        paints under them (every item then has no contents, but still takes clicks and drags)."""
        if on == self.overview:
            return
        self.overview = on
        for item in self.nodes.values():
            item.set_overview(on)
        flag = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
        for wire in self._wire_items.values():
            wire.setFlag(flag, on)

    def _overview(self) -> tuple:
        """What the overview draws, in scene coordinates: boxes, header stripes by colour, boxes with
        problems, and all wires as one path (remade after an edit or a move)."""
        if self._overview_data is None:
            boxes, problems = [], []
            headers: dict[str, tuple[Any, list[QRectF]]] = {}
            for item in self.nodes.values():
                view = item.view
                x, y = item.x(), item.y()
                w, h = item.size
                box = QRectF(x, y, w, h)
                boxes.append(box)
                if view.problems:
                    problems.append(box)
                color = theme.category_color(view.category)
                headers.setdefault(color.name(), (color, []))[1].append(QRectF(x, y, w, HEADER))
            wires = QPainterPath()
            for wire in self.wires:
                wires.addPath(wire.path())
            self._overview_data = (boxes, list(headers.values()), problems, wires)
        return self._overview_data

    def _draw_overview(self, painter: QPainter, lod: float) -> None:
        boxes, headers, problems, wires = self._overview()
        c = theme.colors()
        painter.save()
        if lod < OVERVIEW_AA_LOD:  # hundreds of boxes a few pixels wide: antialiasing buys nothing
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(c["wire"], 0))  # cosmetic: one pixel whatever the zoom
        painter.drawPath(wires)
        selected = self.selectedItems()
        lit = [w.path() for w in selected if isinstance(w, WireItem)]
        if lit:
            painter.setPen(_cosmetic(c["wire_selected"], 2))
            for path in lit:
                painter.drawPath(path)
        painter.setPen(_cosmetic(c["border"], 1))
        painter.setBrush(c["node"])
        painter.drawRects(boxes)
        painter.setPen(Qt.PenStyle.NoPen)
        for color, rects in headers:
            painter.setBrush(color)
            painter.drawRects(rects)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if problems:
            painter.setPen(_cosmetic(c["problem"], 2))
            painter.drawRects(problems)
        chosen = [QRectF(i.x(), i.y(), *i.size) for i in selected if isinstance(i, NodeItem)]
        if chosen:
            painter.setPen(_cosmetic(c["selected"], 2))
            painter.drawRects(chosen)
        painter.restore()

    # -- background ---------------------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        """The background and grid; zoomed far out (any view, an export, a render), the overview too.

        This runs before the items are painted, so it is where a paint finds out its scale and
        switches the items between painting themselves and leaving it to the overview."""
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        overview = lod < (OVERVIEW_LOD if len(self.nodes) > SMALL_GRAPH_NODES else SMALL_GRAPH_OVERVIEW_LOD)
        if overview != self.overview:
            self.set_overview(overview)
        self._draw_grid(painter, rect)
        if overview:
            self._draw_overview(painter, lod)

    def _draw_grid(self, painter: QPainter, rect: QRectF) -> None:
        c = theme.colors()
        painter.fillRect(rect, c["background"])
        if not self.show_grid:
            return
        scale = painter.transform().m11()
        step = self.grid_size if scale > 0.6 else self.grid_size * 5
        if step * scale < 6:
            return
        painter.setPen(QPen(c["grid"], 0))
        x0, x1, y0, y1 = rect.left(), rect.right(), rect.top(), rect.bottom()
        # one call for the whole grid: a repaint during Train paints it ~30 times a second
        painter.drawLines([QLineF(x, y0, x, y1) for x in _multiples(step, x0, x1)]
                          + [QLineF(x0, y, x1, y) for y in _multiples(step, y0, y1)])

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
        self._judge_ports(port)
        path = QGraphicsPathItem()
        path.setPen(QPen(theme.colors()["selected"], 2, Qt.PenStyle.DashLine))
        path.setZValue(5)
        self.addItem(path)
        self._drag_path = path
        self._drag_to(port.scenePos())

    def _judge_ports(self, start: PortItem) -> None:
        """Light up the ports a wire from ``start`` could reach: the other side of every other node,
        unless it would close a cycle (the full check, shapes included, runs on the port under the
        pointer: see ``_check_port``)."""
        doc = self.model.doc
        for item in self.nodes.values():
            if item is start.node_item:
                continue
            for port in (item.in_ports.values() if start.is_output else item.out_ports.values()):
                src, dst = (start.node_id, port.node_id) if start.is_output else (port.node_id, start.node_id)
                port.set_verdict(tr("Refused: {dst} already feeds {src}, so this wire would make a cycle")
                                 .format(dst=dst, src=src) if graph.would_cycle(doc, src, dst) else OK)
        self._checked: set[int] = set()

    def _check_port(self, pos: QPointF) -> None:
        """The port under a dragged wire: the model's full verdict, once; a refusal says why at once."""
        port = self.port_at(pos)
        if port is None or port.verdict is None or id(port) in self._checked:
            return
        self._checked.add(id(port))
        start = self._drag_port
        assert start is not None
        if port.verdict == OK:
            out, inp = (start, port) if start.is_output else (port, start)
            reason = self.model.connect_problem(out.node_id, out.name, inp.node_id, inp.name, inp.index)
            if reason:
                port.set_verdict(reason)
        if port.verdict != OK:
            self.status.emit(port.verdict)
            QToolTip.showText(QCursor.pos(), port.verdict)

    def _clear_verdicts(self) -> None:
        for item in self.nodes.values():
            for port in [*item.in_ports.values(), *item.out_ports.values()]:
                if port.verdict is not None:
                    port.set_verdict(None)

    def _drag_to(self, pos: QPointF) -> None:
        assert self._drag_port is not None and self._drag_path is not None
        self._check_port(pos)
        start = self._drag_port.scenePos()
        a, b = (start, pos) if self._drag_port.is_output else (pos, start)
        self._drag_path.setPath(bezier(a, b))

    def finish_wire(self, pos: QPointF) -> str | None:
        """End a wire drag at ``pos``: connect to the port (or the free input of the node) there.

        Returns the refusal reason, if any; it is also shown as a tooltip at the cursor.
        """
        start, self._drag_port = self._drag_port, None
        self._clear_verdicts()
        if self._drag_path is not None:
            self.removeItem(self._drag_path)
            self._drag_path = None
        if start is None:
            return None
        target = self.port_at(pos)
        if target is None:
            node = self.node_at(pos)
            if node is None:
                self.wire_dropped.emit(start, pos)  # into empty space: offer the ops that can take it
                return None
            if node is start.node_item:
                return None
            target = _free_port(node, want_output=not start.is_output)
            if target is None:
                return None
        if target.is_output == start.is_output:
            reason = tr("Connect an output (right side) to an input (left side)")
            self.status.emit(reason)
            return reason
        out, inp = (start, target) if start.is_output else (target, start)
        reason = self.connect_ports(out, inp)
        if reason:
            QToolTip.showText(QCursor.pos(), reason)
        return reason

    def connect_ports(self, out: PortItem, inp: PortItem) -> str | None:
        """Wire two ports through the model; returns the refusal reason, if any."""
        return self.model.connect(out.node_id, out.name, inp.node_id, inp.name, inp.index)

    def contextMenuEvent(self, event: Any) -> None:
        port = self.port_at(event.scenePos())
        menu = QMenu()
        if port is not None and not port.is_output and port.connected:
            menu.addAction(tr("Disconnect {place}").format(place=graph.place_name(port.name, port.index)),
                           lambda: self.model.disconnect(port.node_id, port.name, port.index))
        elif port is not None and port.literal and port.index is not None:  # a value in a list: no wire to delete
            menu.addAction(tr("Remove {place}").format(place=graph.place_name(port.name, port.index)),
                           lambda: self.model.disconnect(port.node_id, port.name, port.index))
        item = self.itemAt(event.scenePos(), self.views()[0].transform() if self.views() else QTransform())
        if isinstance(item, WireItem):
            wire = item.wire
            menu.addAction(tr("Delete wire"), lambda: self.model.disconnect(wire.dst, wire.port, wire.index))
        node = self.node_at(event.scenePos())
        if node is not None and port is None:
            if not node.isSelected():
                self.select_ids([node.node_id])
            ids = self.selected_ids()
            menu.addAction(tr("Duplicate"), lambda: self.model.duplicate(ids))
            menu.addAction(tr("Delete"), lambda: self.model.remove(ids))
        if not menu.isEmpty():
            menu.exec(event.screenPos())
            event.accept()


def _cosmetic(color: Any, width: float) -> QPen:
    """A pen as wide in pixels whatever the zoom."""
    pen = QPen(color, width)
    pen.setCosmetic(True)
    return pen


def _free_port(node: NodeItem, want_output: bool) -> PortItem | None:
    """Dropping a wire on a node's body: its first output, or its first unconnected input."""
    if want_output:
        return next(iter(node.out_ports.values()), None)
    for port in node.in_ports.values():
        if not port.connected:
            return port
    return None


def _multiples(step: float, start: float, end: float) -> list[float]:
    """The multiples of ``step`` from ``start`` (rounded down) to before ``end``: grid line positions."""
    first = math.floor(start / step)
    return [(first + i) * step for i in range(max(0, math.ceil(end / step) - first))]
