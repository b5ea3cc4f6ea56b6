"""The canvas's graphics items: a node box with its ports, and a wire.

Items hold no document state of their own: a ``NodeView`` (an immutable summary of one node
and its analysis) is handed to ``NodeItem.set_view`` by the scene after every edit, and the
item redraws only when that summary changed.
"""
from __future__ import annotations

import functools

import math
from typing import Any, NamedTuple

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import (QGraphicsEllipseItem, QGraphicsItem, QGraphicsPathItem, QGraphicsRectItem, QStyle,
                               QStyleOptionGraphicsItem, QWidget)

from . import theme
from .graph import Wire, place_name
from .i18n import tr
from .layout import HEADER, ROW, node_size
from .wording import error_text

PORT_RADIUS = 5.5
TEXT_PT = 9.75  # a box's op and port names (its id is larger, the inferred shapes smaller)
PROBLEM_OVERHANG = 70.0  # how far a problem line may run past the box's right edge
#: Below this scale a box's TEXT_PT text is about 5 px tall: the scene draws an overview instead
#: (boxes, header stripes, problem outlines and wires in a few batched calls; see GraphScene) —
#: for a big graph, where it is also what keeps a repaint fast. A lesson-sized graph keeps its
#: detail (up to SMALL_GRAPH_NODES boxes: every lesson has fewer than 40), squinted at but
#: readable, down to SMALL_GRAPH_OVERVIEW_LOD.
OVERVIEW_LOD = 0.4
SMALL_GRAPH_OVERVIEW_LOD = 0.2
SMALL_GRAPH_NODES = 60
_NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents


class InputRow(NamedTuple):
    name: str
    label: str          # "other = 2" for a literal; the name (with "[i]" for a place in a list) otherwise
    connected: bool
    literal: bool
    known: bool = True
    variadic: bool = False
    optional: bool = False
    doc: str = ""
    index: int | None = None  # the place in a variadic list (see graph.Slot)

    @property
    def key(self) -> tuple[str, int | None]:
        """The row's port and place: how ``NodeItem.in_ports`` and wires find it."""
        return self.name, self.index


class OutputRow(NamedTuple):
    name: str
    spec: str           # "[2, 3] float32", or "?" when unknown
    show_name: bool


class NodeView(NamedTuple):
    """Everything a node box shows, computed by the scene from the Document and the analysis.

    (Immutable tuples: the scene makes one per changed node after every edit, cheaply.)"""

    id: str
    op: str
    category: str | None
    kind: str
    doc: str
    inputs: tuple[InputRow, ...]
    outputs: tuple[OutputRow, ...]
    problems: tuple[str, ...]
    flags: tuple[str, ...]


OK = "ok"  # a port's verdict while a wire is dragged: it would take the wire


class PortItem(QGraphicsEllipseItem):
    """A connection point; drag from it to wire (the scene handles the drag). An input of a variadic
    list has one per place, told apart by ``index`` (None for every other port)."""

    def __init__(self, parent: NodeItem, name: str, is_output: bool, index: int | None = None, tip: str = "") -> None:
        r = PORT_RADIUS
        super().__init__(-r, -r, 2 * r, 2 * r, parent)
        self.node_item = parent
        self.name = name
        self.index = index
        self.is_output = is_output
        self.connected = False
        self.literal = False
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip(tip)
        self.tip = tip
        self.setZValue(2)
        self._hover = False
        self.verdict: str | None = None  # while a wire is dragged: OK, or why this port would refuse it
        self.restyle()

    @property
    def node_id(self) -> str:
        return self.node_item.node_id

    def restyle(self) -> None:
        c = theme.colors()
        filled = self.connected or self._hover
        brush = c["selected"] if self._hover else (c["port"] if filled else c["port_free"])
        if self.verdict == OK:
            self.setPen(QPen(c["ok_spec"], 3.0))
            brush = c["ok_spec"]
        elif self.verdict is not None:
            self.setPen(QPen(c["problem"], 1.6, Qt.PenStyle.DashLine))
        else:
            self.setPen(QPen(c["port"], 1.6))
        self.setBrush(QBrush(brush))

    def set_verdict(self, verdict: str | None) -> None:
        """While a wire is dragged: ``OK`` lights the port up; a reason marks it and is its tooltip."""
        self.verdict = verdict
        self.setScale(1.35 if verdict == OK or self._hover else 1.0)
        self.setToolTip(self.tip if verdict in (None, OK) else verdict)
        self.restyle()

    def hoverEnterEvent(self, event: Any) -> None:
        self._hover = True
        self.setScale(1.35)
        self.restyle()
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: Any) -> None:
        self._hover = False
        self.setScale(1.35 if self.verdict == OK else 1.0)
        self.restyle()
        super().hoverLeaveEvent(event)


class NodeItem(QGraphicsRectItem):
    """One node: header with id and op, inputs on the left, outputs (with shapes) on the right.

    A rect item only so that its bounding rect (the rect, set in ``set_view``; no pen) is answered
    in C++: the view asks for it on every paint, for every node."""

    def __init__(self, view: NodeView) -> None:
        super().__init__()
        self.setPen(Qt.PenStyle.NoPen)
        # Snapping and wire-following happen in GraphScene._after_drag_step, once per mouse move,
        # rather than in an itemChange override called for every geometry change.
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsMovable | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(1)
        # The box is painted once per look (view, selection, theme, zoom) into a device pixmap and
        # blitted on every other frame: a live run repaints the canvas up to 60 times a second.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.view: NodeView | None = None
        self.in_ports: dict[tuple[str, int | None], PortItem] = {}  # by (port, place in a variadic list)
        self.out_ports: dict[str, PortItem] = {}
        self._size = node_size(1, 1)
        self.overview = False
        self.set_view(view)

    def set_overview(self, on: bool) -> None:
        """In the scene's overview the scene paints this box (batched with the others); the item and
        its ports paint nothing but still take clicks, drags and hovers."""
        self.overview = on
        self.setFlag(_NO_CONTENTS, on)
        for port in [*self.in_ports.values(), *self.out_ports.values()]:
            port.setFlag(_NO_CONTENTS, on)

    @property
    def node_id(self) -> str:
        assert self.view is not None
        return self.view.id

    def restyle(self) -> None:
        """The theme changed: drop the cached picture (``scene.update()`` alone would blit the old one)."""
        self.update()

    @property
    def size(self) -> tuple[float, float]:
        return self._size

    def in_port(self, name: str, index: int | None = None) -> PortItem | None:
        """The input port of ``name`` (of place ``index`` in a variadic list), as a wire names it."""
        return self.in_ports.get((name, index))

    def set_view(self, view: NodeView) -> bool:
        """Show a new summary; ports are rebuilt only when their names changed (then True)."""
        old = self.view
        if view == old:
            return False
        if old is not None and old.inputs is view.inputs and old[:5] == view[:5] and old.problems == view.problems \
                and old.flags == view.flags and [r[0] for r in old.outputs] == [r[0] for r in view.outputs]:
            self.view = view  # the common case after an edit upstream: only the shapes shown changed
            self._tip_outputs()
            self.update()
            return False
        same_inputs = old is not None and old.inputs is view.inputs  # the scene reuses rows of an unedited node
        size = node_size(len(view.inputs), len(view.outputs))
        bounds_change = old is None or size != self._size or bool(view.problems) != bool(old.problems)
        self.view = view
        self._size = size
        if bounds_change:
            self.setRect(self._work_out_bounds())
        w = self._size[0]
        rebuilt = old is None or not same_inputs and [r.key for r in old.inputs] != [r.key for r in view.inputs] \
            or len(old.outputs) != len(view.outputs) or any(a.name != b.name for a, b in zip(old.outputs, view.outputs))
        if rebuilt:
            for port in [*self.in_ports.values(), *self.out_ports.values()]:
                port.setParentItem(None)
                if port.scene() is not None:
                    port.scene().removeItem(port)
            self.in_ports = {}
            self.out_ports = {}
            for i, row in enumerate(view.inputs):
                port = PortItem(self, row.name, False, row.index, _input_tip(row))
                port.setPos(0, HEADER + i * ROW + ROW / 2)
                self.in_ports[row.key] = port
            for i, row in enumerate(view.outputs):
                tip = tr("{port}: drag onto an input to connect").format(port=row.name)
                port = PortItem(self, row.name, True, tip=tip)
                port.setPos(w, HEADER + i * ROW + ROW / 2)
                self.out_ports[row.name] = port
            if self.overview:
                for port in [*self.in_ports.values(), *self.out_ports.values()]:
                    port.setFlag(_NO_CONTENTS, True)
        if rebuilt or not same_inputs:
            for row in view.inputs:
                port = self.in_ports[row.key]
                port.literal = row.literal
                if port.connected != row.connected or rebuilt:
                    port.connected = row.connected
                    port.restyle()
        self._tip_outputs()
        if old is None or (view.id, view.op, view.problems, view.doc) != (old.id, old.op, old.problems, old.doc):
            tips = [f"{view.id} ({view.op})"]
            if view.problems:
                tips += ["", *(f"⚠ {error_text(p)}" for p in view.problems)]
            if view.doc:
                tips += ["", view.doc]
            self.setToolTip("\n".join(tips))
        self.update()
        return rebuilt

    def _tip_outputs(self) -> None:
        """An output port's tooltip says its shape and dtype: the box prints them small."""
        assert self.view is not None
        for row in self.view.outputs:
            port = self.out_ports.get(row.name)
            if port is not None:
                port.setToolTip(tr("{port}: {spec} — drag onto an input to connect").format(port=row.name,
                                                                                           spec=row.spec))

    # -- geometry ---------------------------------------------------------------------------
    def _work_out_bounds(self) -> QRectF:
        """The box with its border and the flags above it (the ports are items of their own); with a
        problem also its badge on the corner, the selection frame round it and its first line under it."""
        w, h = self._size
        rect = QRectF(-2, -16, w + 4, h + 18)
        if self.view is not None and self.view.problems:
            rect = rect.united(QRectF(-5, -10, w + 16, h + 15)).united(QRectF(0, h, w + PROBLEM_OVERHANG, 30))
        return rect

    def box(self) -> QRectF:
        return QRectF(0, 0, *self._size)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.box(), 7, 7)
        return path

    # -- painting ---------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        view = self.view
        assert view is not None
        c = theme.colors()
        w, h = self._size
        box = self.box()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        problem = bool(view.problems)

        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(c["node"])
        painter.drawRoundedRect(box, 7, 7)
        header = QPainterPath()
        header.addRoundedRect(QRectF(0, 0, w, HEADER), 7, 7)
        header.addRect(QRectF(0, HEADER / 2, w, HEADER / 2))
        header.setFillRule(Qt.FillRule.WindingFill)
        painter.setBrush(c["header"])
        painter.drawPath(header.simplified())
        painter.setBrush(theme.category_color(view.category))
        painter.drawRect(QRectF(0, HEADER - 3, w, 3))

        if problem:
            pen = QPen(c["problem"], 2.6)
        elif selected:
            pen = QPen(c["selected"], 2.4)
        else:
            pen = QPen(c["border"], 1.2)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(box, 7, 7)
        if problem and selected:
            painter.setPen(QPen(c["selected"], 1.2, Qt.PenStyle.DashLine))
            painter.drawRoundedRect(box.adjusted(-4, -4, 4, 4), 9, 9)

        base = QFont(painter.font())
        base.setPointSizeF(TEXT_PT)
        bold = QFont(base)
        bold.setBold(True)
        bold.setPointSizeF(TEXT_PT + 1)
        small = QFont(base)
        small.setPointSizeF(8.0)

        # header: id (bold) on the left, op on the right; when both do not fit, the id keeps its
        # room first (the op is in the tooltip), up to 60% of it
        fm_op, fm_id = QFontMetricsF(base), QFontMetricsF(bold)
        room = w - 26
        id_w = max(min(fm_id.horizontalAdvance(view.id) + 2, room * 0.6), room - fm_op.horizontalAdvance(view.op) - 2)
        op_w = room - id_w
        painter.setFont(base)
        painter.setPen(c["muted"])
        painter.drawText(QRectF(w - op_w - 8, 0, op_w, HEADER - 3), Qt.AlignmentFlag.AlignVCenter
                         | Qt.AlignmentFlag.AlignRight, fm_op.elidedText(view.op, Qt.TextElideMode.ElideRight, op_w))
        painter.setFont(bold)
        painter.setPen(c["text"])
        painter.drawText(QRectF(8, 0, id_w, HEADER - 3), Qt.AlignmentFlag.AlignVCenter,
                         fm_id.elidedText(view.id, Qt.TextElideMode.ElideRight, id_w))

        # inputs: a row beside an output leaves the output's shape its room (see _spec_fit)
        fm = QFontMetricsF(base)
        fms = QFontMetricsF(small)
        specs = [_spec_fit(fms, row.spec, w - 20 - min(fm.horizontalAdvance(view.inputs[i].label), w / 2 - 12) - 6
                           if i < len(view.inputs) and not row.show_name else w - 20)
                 for i, row in enumerate(view.outputs)]
        for i, row in enumerate(view.inputs):
            y = HEADER + i * ROW
            font = QFont(base)
            font.setItalic(not row.known)
            painter.setFont(font)
            painter.setPen(c["literal"] if row.literal else (c["text"] if row.connected or row.optional
                                                             else c["muted"]))
            # rows below the outputs have the full width
            width = w - 26 - fms.horizontalAdvance(specs[i]) if i < len(view.outputs) else w - 20
            painter.drawText(QRectF(10, y, width, ROW), Qt.AlignmentFlag.AlignVCenter,
                             fm.elidedText(row.label, Qt.TextElideMode.ElideRight, width))

        # outputs: name (when several) and the inferred shape/dtype
        for i, row in enumerate(view.outputs):
            y = HEADER + i * ROW
            spec_color = c["muted"] if row.spec == "?" else c["ok_spec"]
            if row.show_name:
                painter.setFont(base)
                painter.setPen(c["text"])
                painter.drawText(QRectF(w / 2, y + 1, w / 2 - 10, ROW / 2), Qt.AlignmentFlag.AlignRight
                                 | Qt.AlignmentFlag.AlignVCenter, row.name)
                rect = QRectF(8, y + ROW / 2 - 1, w - 18, ROW / 2)
            else:
                rect = QRectF(8, y, w - 18, ROW)
            painter.setFont(small)
            painter.setPen(spec_color)
            painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, specs[i])

        # flags as small pills above the box
        x = 6.0
        for flag in view.flags:
            tw = fms.horizontalAdvance(flag) + 10
            pill = QRectF(x, -14, tw, 13)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#d0652b") if flag == "requires_grad" else QColor("#6b7280"))
            painter.drawRoundedRect(pill, 6, 6)
            painter.setPen(QColor("#ffffff"))
            painter.setFont(small)
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, flag)
            x += tw + 4

        # problem badge, and the first problem in words under the box (also in exported images)
        if problem:
            painter.setFont(small)
            painter.setPen(c["problem"])
            more = tr("  (+{count} more)").format(count=len(view.problems) - 1) if len(view.problems) > 1 else ""
            text = view.problems[0] + more
            width = w + PROBLEM_OVERHANG - 2
            painter.drawText(QRectF(2, h + 2, width, 2 * fms.lineSpacing() + 2),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                             fms.elidedText(text, Qt.TextElideMode.ElideRight, 1.8 * width))
            badge = QRectF(w - 9, -9, 18, 18)
            painter.setPen(QPen(QColor("#ffffff"), 1.5))
            painter.setBrush(c["problem"])
            painter.drawEllipse(badge)
            painter.setFont(bold)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "!")


def _spec_fit(fm: QFontMetricsF, spec: str, width: float) -> str:
    """An output's ``[2, 3] float32`` as it fits ``width``: whole, else the shape alone (the dtype is
    in the port's tooltip), else the shape's end."""
    if fm.horizontalAdvance(spec) <= width:
        return spec
    shape = spec.rpartition("] ")[0] + "]" if "] " in spec else spec
    return fm.elidedText(shape, Qt.TextElideMode.ElideLeft, width)


def _input_tip(row: InputRow) -> str:
    """An input port's tooltip: what it takes, and for a list's places what connecting there does."""
    if row.index is None:
        tip = (row.name + (tr(" (several tensors)") if row.variadic else "")
               + (tr(" (optional)") if row.optional else ""))
    elif row.connected or row.literal:
        tip = tr("{place}: item {index} of the list (connect here to replace it)").format(
            place=place_name(row.name, row.index), index=row.index)
    else:
        tip = tr("{place}: connect here to add item {index} to the list").format(
            place=place_name(row.name, row.index), index=row.index)
    return tip + (f": {row.doc}" if row.doc else "")


_ANTIALIASING = QPainter.RenderHint.Antialiasing
_NO_BRUSH = Qt.BrushStyle.NoBrush


@functools.cache
def _wire_pen(theme_name: str, selected: bool) -> QPen:
    """Made once per theme: a repaint during a run strokes hundreds of wires."""
    c = theme.colors()
    return QPen(c["wire_selected"] if selected else c["wire"], 2.8 if selected else 1.8,
                Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)


class WireItem(QGraphicsPathItem):
    """A wire drawn as a horizontal-tangent bezier from an output port to an input port."""

    def __init__(self, wire: Wire) -> None:
        super().__init__()
        self.wire = wire
        self._ends: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
        self._long = False  # long enough to be stroked piece by piece (see paint)
        self._routed = False  # around node boxes (see routing), not the bezier
        self._pieces: list[tuple] | None = None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        # paint() is told which part of the wire needs painting (option.exposedRect), so a long wire
        # crossing a zoomed-in view is stroked only where it shows
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setZValue(0)
        self.setToolTip(f"{wire.src}{':' + wire.output if wire.output else ''} → {wire.dst}.{wire.port}")
        self.restyle()

    def restyle(self) -> None:
        # the item's own pen sets its bounding rect: as wide as paint's widest (a selected wire)
        self.setPen(QPen(theme.colors()["wire"], 2.8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        # The selection colour is chosen at paint time, so no itemChange override is needed.
        painter.setRenderHint(_ANTIALIASING)
        painter.setPen(_wire_pen(theme.current(), self.isSelected()))
        painter.setBrush(_NO_BRUSH)
        path = self.path()
        if self._long:  # stroke only what can show: the painter's device, clip and exposed area
            visible = painter.worldTransform().inverted()[0].mapRect(QRectF(painter.viewport()))
            visible = visible.intersected(option.exposedRect)
            if painter.hasClipping():
                visible = visible.intersected(painter.clipBoundingRect())
            if not visible.contains(path.controlPointRect()):
                path = self._visible_part(visible.adjusted(-8, -8, 8, 8))
        painter.drawPath(path)

    def set_ends(self, a: QPointF, b: QPointF, corners: list[tuple[float, float]] | None = None) -> None:
        """Lay the wire from output port ``a`` to input port ``b`` (the only way its path is set):
        the bezier, or through ``corners`` (a detour around node boxes, see ``routing``)."""
        self.setPath(bezier(a, b) if corners is None else rounded(corners))
        self._ends = (a.x(), a.y(), b.x(), b.y())
        self._long = corners is None and abs(b.x() - a.x()) + abs(b.y() - a.y()) > 2 * PIECE_LENGTH
        self._routed = corners is not None
        self._pieces = None

    def point_at(self, t: float) -> tuple[float, float]:
        """A point along the wire, ``t`` from 0 (its output port) to 1: by the curve's parameter
        for the bezier (no path walk: cards ask for hundreds), by length for a detour."""
        if self._routed:
            p = self.path().pointAtPercent(t)
            return p.x(), p.y()
        ax, ay, bx, by = self._ends
        dx = max(40.0, abs(bx - ax) * 0.5)
        u = 1.0 - t
        c0, c1, c2, c3 = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
        return c0 * ax + c1 * (ax + dx) + c2 * (bx - dx) + c3 * bx, (c0 + c1) * ay + (c2 + c3) * by

    def _visible_part(self, rect: QRectF) -> QPainterPath:
        """The pieces of the curve that may cross ``rect`` (exact sub-curves: stroking a wire thousands
        of pixels long costs in proportion to its length, even where it is clipped away)."""
        if self._pieces is None:
            self._pieces = _pieces(*self._ends)
        left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
        out = QPainterPath()
        last = None
        for x0, y0, x1, y1, (p0, p1, p2, p3) in self._pieces:
            if x1 < left or x0 > right or y1 < top or y0 > bottom:
                continue
            if last != p0:
                out.moveTo(*p0)
            out.cubicTo(*p1, *p2, *p3)
            last = p3
        return out

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        return stroker.createStroke(self.path())


def bezier(a: QPointF, b: QPointF) -> QPainterPath:
    """The wire's curve: leaves and enters horizontally, so flow reads left to right."""
    dx = max(40.0, abs(b.x() - a.x()) * 0.5)
    path = QPainterPath(a)
    path.cubicTo(QPointF(a.x() + dx, a.y()), QPointF(b.x() - dx, b.y()), b)
    return path


CORNER = 12.0  # radius of a detour's corners


def rounded(corners: list[tuple[float, float]]) -> QPainterPath:
    """Straight runs through ``corners`` (first and last: the ports), each corner rounded."""
    path = QPainterPath(QPointF(*corners[0]))
    for prev, at, nxt in zip(corners, corners[1:], corners[2:]):
        r = min(CORNER, math.dist(prev, at) / 2, math.dist(at, nxt) / 2)
        if r < 0.5:
            path.lineTo(*at)
            continue
        into, out = _toward(at, prev, r), _toward(at, nxt, r)
        path.lineTo(*into)
        path.quadTo(QPointF(*at), QPointF(*out))
    path.lineTo(*corners[-1])
    return path


def _toward(p: tuple[float, float], q: tuple[float, float], d: float) -> tuple[float, float]:
    """The point ``d`` from ``p`` toward ``q``."""
    length = math.dist(p, q) or 1.0
    return p[0] + (q[0] - p[0]) * d / length, p[1] + (q[1] - p[1]) * d / length


PIECE_LENGTH = 300.0  # scene units of curve per piece when a long wire is cut for painting


def _pieces(ax: float, ay: float, bx: float, by: float) -> list[tuple]:
    """``bezier``'s curve cut into exact cubic pieces, each with the box around its control points."""
    dx = max(40.0, abs(bx - ax) * 0.5)
    curve = ((ax, ay), (ax + dx, ay), (bx - dx, by), (bx, by))
    length = sum(math.dist(curve[i], curve[i + 1]) for i in range(3))
    n = max(1, min(64, int(length // PIECE_LENGTH)))
    out = []
    rest = curve
    for i in range(n):
        piece, rest = _split(rest, 1.0 / (n - i)) if i < n - 1 else (rest, rest)
        xs, ys = [p[0] for p in piece], [p[1] for p in piece]
        out.append((min(xs), min(ys), max(xs), max(ys), piece))
    return out


def _split(c: tuple, t: float) -> tuple[tuple, tuple]:
    """De Casteljau: the cubic ``c`` cut at ``t`` into two cubics."""
    def lerp(p: tuple, q: tuple) -> tuple:
        return (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)
    p01, p12, p23 = lerp(c[0], c[1]), lerp(c[1], c[2]), lerp(c[2], c[3])
    p012, p123 = lerp(p01, p12), lerp(p12, p23)
    mid = lerp(p012, p123)
    return (c[0], p01, p012, mid), (mid, p123, p23, c[3])
