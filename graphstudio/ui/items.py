"""The canvas's graphics items: a node box with its ports, and a wire.

Items hold no document state of their own: a ``NodeView`` (an immutable summary of one node
and its analysis) is handed to ``NodeItem.set_view`` by the scene after every edit, and the
item redraws only when that summary changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import (QGraphicsEllipseItem, QGraphicsItem, QGraphicsPathItem, QStyle,
                               QStyleOptionGraphicsItem, QWidget)

from . import theme
from .graph import Wire
from .layout import HEADER, ROW, node_size

PORT_RADIUS = 5.5
PROBLEM_OVERHANG = 70.0  # how far a problem line may run past the box's right edge


@dataclass(frozen=True)
class InputRow:
    name: str
    label: str          # "other = 2" for a literal; the name otherwise
    connected: bool
    literal: bool
    known: bool = True
    variadic: bool = False
    optional: bool = False
    doc: str = ""


@dataclass(frozen=True)
class OutputRow:
    name: str
    spec: str           # "[2, 3] float32", or "?" when unknown
    show_name: bool


@dataclass(frozen=True)
class NodeView:
    """Everything a node box shows, computed by the scene from the Document and the analysis."""

    id: str
    op: str
    category: str | None
    kind: str
    doc: str
    inputs: tuple[InputRow, ...]
    outputs: tuple[OutputRow, ...]
    problems: tuple[str, ...]
    flags: tuple[str, ...]


class PortItem(QGraphicsEllipseItem):
    """A connection point; drag from it to wire (the scene handles the drag)."""

    def __init__(self, parent: NodeItem, name: str, is_output: bool, variadic: bool = False, tip: str = "") -> None:
        r = PORT_RADIUS
        super().__init__(-r, -r, 2 * r, 2 * r, parent)
        self.node_item = parent
        self.name = name
        self.is_output = is_output
        self.variadic = variadic
        self.connected = False
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip(tip)
        self.setZValue(2)
        self._hover = False
        self.restyle()

    @property
    def node_id(self) -> str:
        return self.node_item.node_id

    def restyle(self) -> None:
        c = theme.colors()
        self.setPen(QPen(c["port"], 1.6))
        filled = self.connected or self._hover
        self.setBrush(QBrush(c["selected"] if self._hover else (c["port"] if filled else c["port_free"])))

    def hoverEnterEvent(self, event: Any) -> None:
        self._hover = True
        self.setScale(1.35)
        self.restyle()
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: Any) -> None:
        self._hover = False
        self.setScale(1.0)
        self.restyle()
        super().hoverLeaveEvent(event)


class NodeItem(QGraphicsItem):
    """One node: header with id and op, inputs on the left, outputs (with shapes) on the right."""

    def __init__(self, view: NodeView) -> None:
        super().__init__()
        # Snapping and wire-following happen in GraphScene._after_drag_step, once per mouse move,
        # rather than in an itemChange override called for every geometry change.
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsMovable | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(1)
        self.view: NodeView | None = None
        self.in_ports: dict[str, PortItem] = {}
        self.out_ports: dict[str, PortItem] = {}
        self._size = node_size(1, 1)
        self.set_view(view)

    @property
    def node_id(self) -> str:
        assert self.view is not None
        return self.view.id

    @property
    def size(self) -> tuple[float, float]:
        return self._size

    def set_view(self, view: NodeView) -> None:
        """Show a new summary; ports are rebuilt only when their names changed."""
        if view == self.view:
            return
        old = self.view
        self.prepareGeometryChange()
        self.view = view
        self._size = node_size(len(view.inputs), len(view.outputs))
        w = self._size[0]
        if old is None or [r.name for r in old.inputs] != [r.name for r in view.inputs] \
                or [r.name for r in old.outputs] != [r.name for r in view.outputs]:
            for port in [*self.in_ports.values(), *self.out_ports.values()]:
                port.setParentItem(None)
                if port.scene() is not None:
                    port.scene().removeItem(port)
            self.in_ports = {}
            self.out_ports = {}
            for i, row in enumerate(view.inputs):
                tip = f"{row.name}{' (several tensors)' if row.variadic else ''}{' (optional)' if row.optional else ''}"
                port = PortItem(self, row.name, False, row.variadic, tip + (f": {row.doc}" if row.doc else ""))
                port.setPos(0, HEADER + i * ROW + ROW / 2)
                self.in_ports[row.name] = port
            for i, row in enumerate(view.outputs):
                port = PortItem(self, row.name, True, tip=f"{row.name}: drag onto an input to connect")
                port.setPos(w, HEADER + i * ROW + ROW / 2)
                self.out_ports[row.name] = port
        for row in view.inputs:
            self.in_ports[row.name].connected = row.connected
            self.in_ports[row.name].restyle()
        tips = [f"{view.id} ({view.op})"]
        if view.problems:
            tips += ["", *(f"⚠ {p}" for p in view.problems)]
        if view.doc:
            tips += ["", view.doc]
        self.setToolTip("\n".join(tips))
        self.update()

    # -- geometry ---------------------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        w, h = self._size
        rect = QRectF(-PORT_RADIUS - 4, -16, w + 2 * PORT_RADIUS + 14, h + 22)
        if self.view is not None and self.view.problems:  # the first problem, written under the box
            rect = rect.united(QRectF(0, h, w + PROBLEM_OVERHANG, 30))
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
        base.setPointSizeF(8.5)
        bold = QFont(base)
        bold.setBold(True)
        bold.setPointSizeF(9.5)
        small = QFont(base)
        small.setPointSizeF(7.5)

        # header: id (bold) on the left, op on the right
        fm_op = QFontMetricsF(base)
        op_text = view.op
        op_w = min(fm_op.horizontalAdvance(op_text) + 2, w * 0.5)
        painter.setFont(base)
        painter.setPen(c["muted"])
        painter.drawText(QRectF(w - op_w - 10, 0, op_w, HEADER - 3), Qt.AlignmentFlag.AlignVCenter
                         | Qt.AlignmentFlag.AlignRight, fm_op.elidedText(op_text, Qt.TextElideMode.ElideRight, op_w))
        painter.setFont(bold)
        painter.setPen(c["text"])
        id_w = w - op_w - 28
        painter.drawText(QRectF(10, 0, id_w, HEADER - 3), Qt.AlignmentFlag.AlignVCenter,
                         QFontMetricsF(bold).elidedText(view.id, Qt.TextElideMode.ElideRight, id_w))

        # inputs
        fm = QFontMetricsF(base)
        half = w / 2 - 12
        for i, row in enumerate(view.inputs):
            y = HEADER + i * ROW
            font = QFont(base)
            font.setItalic(not row.known)
            painter.setFont(font)
            painter.setPen(c["literal"] if row.literal else (c["text"] if row.connected or row.optional
                                                             else c["muted"]))
            width = half if view.outputs else w - 20
            painter.drawText(QRectF(12, y, width, ROW), Qt.AlignmentFlag.AlignVCenter,
                             fm.elidedText(row.label, Qt.TextElideMode.ElideRight, width))

        # outputs: name (when several) and the inferred shape/dtype
        fms = QFontMetricsF(small)
        for i, row in enumerate(view.outputs):
            y = HEADER + i * ROW
            spec_color = c["muted"] if row.spec == "?" else c["ok_spec"]
            if row.show_name:
                painter.setFont(base)
                painter.setPen(c["text"])
                painter.drawText(QRectF(w / 2, y + 2, w / 2 - 12, ROW / 2), Qt.AlignmentFlag.AlignRight
                                 | Qt.AlignmentFlag.AlignVCenter, row.name)
                rect = QRectF(8, y + ROW / 2 - 1, w - 20, ROW / 2)
            else:
                rect = QRectF(8, y, w - 20, ROW)
            painter.setFont(small)
            painter.setPen(spec_color)
            painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             fms.elidedText(row.spec, Qt.TextElideMode.ElideLeft, rect.width()))

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
            text = view.problems[0] + (f"  (+{len(view.problems) - 1} more)" if len(view.problems) > 1 else "")
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


class WireItem(QGraphicsPathItem):
    """A wire drawn as a horizontal-tangent bezier from an output port to an input port."""

    def __init__(self, wire: Wire) -> None:
        super().__init__()
        self.wire = wire
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(0)
        self.setToolTip(f"{wire.src}{':' + wire.output if wire.output else ''} → {wire.dst}.{wire.port}")
        self.restyle()

    def restyle(self) -> None:
        self.setPen(QPen(theme.colors()["wire"], 2.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        # The selection colour is chosen at paint time, so no itemChange override is needed.
        c = theme.colors()
        selected = self.isSelected()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(c["wire_selected"] if selected else c["wire"], 2.8 if selected else 1.8,
                            Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())

    def set_ends(self, a: QPointF, b: QPointF) -> None:
        self.setPath(bezier(a, b))

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
