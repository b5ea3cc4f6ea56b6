"""Small overlays on node boxes, added as child items so they move with the node.

The editor's ``NodeItem`` is not ours to change, so what a run adds to a node lives here:

* ``NodeBadge`` (under the box): PyTorch's autograd attributes of the node's output —
  ``grad_fn`` (``MulBackward0`` …), ``requires_grad`` and ``is_leaf`` — and, after Backward, the
  node's number in the order backward ran it (``③``): reverse topological, each node once.
* ``SumBadge`` (beside an output port): where one tensor fed several uses, each use's gradient
  contribution and their sum, ``g₁ + g₂ = …`` — the fan-in rule made visible.
* ``ErrorMarker`` (around the box): the node a run failed at, with the engine's message.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from .. import theme
from ..i18n import tr
from ..layout import V_GAP
from ..wording import error_text
from .panels import BAD_COLOR, GRAD_COLOR, font, metrics, short

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
# How far a badge and a sum may run past their box's right edge: the gap beside the box keeps
# room for a card (see LiveLayer._reserved).
BADGE_OVERHANG = 4.0
SUM_OVERHANG = 8.0
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def circled(n: int) -> str:
    """③ for 3; past 20, (21)."""
    return CIRCLED[n - 1] if 1 <= n <= len(CIRCLED) else f"({n})"


class NodeBadge(QGraphicsItem):
    """``MulBackward0 · requires_grad`` or ``leaf · requires_grad`` under a node box."""

    def __init__(self, parent: QGraphicsItem) -> None:
        super().__init__(parent)
        self.text = ""
        self.grad_fn: str | None = None
        self.requires_grad = False
        self.is_leaf = True
        self.order: int | None = None
        self.setZValue(6)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # repainted only when its text changes
        self._width = 0.0

    def set_meta(self, grad_fn: str | None, requires_grad: bool, is_leaf: bool) -> None:
        if self.text and (grad_fn, requires_grad, is_leaf) == (self.grad_fn, self.requires_grad, self.is_leaf):
            return
        self.grad_fn, self.requires_grad, self.is_leaf = grad_fn, requires_grad, is_leaf
        self._compose()

    def set_order(self, order: int | None) -> None:
        """The node's number in the order backward ran it (None: no backward since the last forward)."""
        if order != self.order:
            self.order = order
            self._compose()

    def _compose(self) -> None:
        grad_fn, requires_grad, is_leaf = self.grad_fn, self.requires_grad, self.is_leaf
        parts = [grad_fn] if grad_fn else []
        if is_leaf:
            parts.append(tr("leaf"))
        parts.append("requires_grad" if requires_grad else tr("no grad"))
        order = f"{circled(self.order)} " if self.order else ""
        # under its box: a grad_fn says requires_grad already (the tooltip says it in words)
        forms = [order + " · ".join(parts)] + ([order + " · ".join(parts[:-1])] if grad_fn else [])
        parent = self.parentItem()
        room = (parent.size[0] if hasattr(parent, "size") else 0.0) + BADGE_OVERHANG - 12  # the pill's ends
        fm = metrics(7.0)
        self.text = next((f for f in forms if fm.horizontalAdvance(f) <= room),
                         fm.elidedText(forms[-1], Qt.TextElideMode.ElideRight, room))
        tip = f"grad_fn = {grad_fn}\nrequires_grad = {requires_grad}\nis_leaf = {is_leaf}"
        if self.order:
            tip += "\n" + tr("Backward ran this node as number {n}: after every node that uses its output, "
                              "so all their gradients had arrived").format(n=self.order)
        self.setToolTip(tip)
        self.prepareGeometryChange()
        self._width = metrics(7.0).horizontalAdvance(self.text) + 12
        self.update()

    def retranslate(self) -> None:
        """Its words again, in the interface's language."""
        if self.text:
            self.text = ""
            self.set_meta(self.grad_fn, self.requires_grad, self.is_leaf)

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self._width, 15)

    def restyle(self) -> None:
        self.update()  # theme colours: drop the cached picture

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if not self.text:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pill = QRectF(0, 0, self._width, 15)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#fff1e4") if self.requires_grad else theme.colors()["header"])
        painter.drawRoundedRect(pill, 7, 7)
        painter.setFont(font(7.0))
        painter.setPen(QColor("#a4500f") if self.requires_grad else theme.colors()["muted"])
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, self.text)


class SumBadge(QGraphicsItem):
    """``∇ g₁ + g₂ = 4.5``: the contributions that arrived at one output, and their sum."""

    def __init__(self, parent: QGraphicsItem) -> None:
        super().__init__(parent)
        self.parts: list[np.ndarray] = []
        self.total: np.ndarray | None = None
        self.text = ""
        self._width = 0.0
        self.setZValue(7)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # repainted only when its text changes

    def set_parts(self, parts: list[np.ndarray]) -> None:
        self.parts = list(parts)
        self.total = np.sum(np.stack([np.asarray(p) for p in parts]), axis=0) if parts else None
        g = [f"g{str(i + 1).translate(SUBSCRIPTS)}" for i in range(len(parts))]
        names = " + ".join(g if len(g) <= 3 else [g[0], g[1], "…", g[-1]])
        values = [short(p) for p in parts]
        total = short(self.total)
        # the sum in numbers where they fit under the box, else fewer words (the tooltip has them all)
        forms = [f"{names} = {' + '.join(values)} = {total}"] if len(parts) <= 3 else []
        forms += [f"{names} = {total}", f"{g[0]} + … + {g[-1]} = {total}", f"Σ = {total}"]
        room = self.room()
        fm = metrics(7.5, True)
        text = next((f for f in forms if fm.horizontalAdvance(f) <= room),
                    fm.elidedText(forms[-1], Qt.TextElideMode.ElideRight, room))
        if text == self.text:
            return
        self.text = text
        self.setToolTip(tr("Gradient contributions of each use, summed where the tensor fans out:") + "\n" +
                        "\n".join(f"g{i + 1} = {v}" for i, v in enumerate(values)) + f"\nsum = {total}")
        width = metrics(7.5, True).horizontalAdvance(text) + 26
        if width != self._width:
            self.prepareGeometryChange()
            self._width = width
        self.update()

    def room(self) -> float:
        """The text's width at most: its box's width and overhang, less the pill's ends and margin."""
        parent = self.parentItem()
        return (parent.size[0] if hasattr(parent, "size") else 0.0) + SUM_OVERHANG - 28

    def retranslate(self) -> None:
        """Its tooltip again, in the interface's language."""
        if self.parts:
            self.text = ""
            self.set_parts(self.parts)

    def boundingRect(self) -> QRectF:
        return QRectF(-2, -2, self._width + 4, 22)

    def restyle(self) -> None:
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if not self.text:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pill = QRectF(0, 0, self._width, 18)
        painter.setPen(QPen(GRAD_COLOR, 1.2))
        painter.setBrush(QColor("#fff6ee"))
        painter.drawRoundedRect(pill, 9, 9)
        painter.setBrush(GRAD_COLOR)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(QRectF(3, 3, 12, 12))
        painter.setPen(QColor("#ffffff"))
        painter.setFont(font(7.5, True))
        painter.drawText(QRectF(3, 2, 12, 12), Qt.AlignmentFlag.AlignCenter, "+")
        painter.setPen(QColor("#a4500f"))
        painter.drawText(pill.adjusted(19, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter, self.text)


ERROR_TEXT_TOP = 22.0  # under the box's autograd badge
ERROR_TEXT_ROOM = V_GAP - ERROR_TEXT_TOP - 12.0  # above the flags of a box in the next row


class ErrorMarker(QGraphicsItem):
    """A red frame around the node a run failed at, with the message under it (PyTorch's, verbatim; the
    tooltip adds what it means where the interface's language explains it)."""

    def __init__(self, parent: Any, message: str) -> None:
        super().__init__(parent)
        self.message = message
        w, h = parent.size
        self._box = QRectF(-6, -6, w + 12, h + 12)
        # two lines between the box's badge row and the next row's flags, in whatever font the machine
        # has: a font with taller lines is drawn smaller rather than over the box below
        self._size = 7.5 * min(1.0, ERROR_TEXT_ROOM / (2 * metrics(7.5).lineSpacing() + 2))
        self._text = QRectF(0, h + ERROR_TEXT_TOP, max(w + 90, 280), 2 * metrics(self._size).lineSpacing() + 2)
        self.setZValue(9)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.retranslate()

    def retranslate(self) -> None:
        """Its tooltip (the message and what it means) again, in the interface's language."""
        self.setToolTip(error_text(self.message))

    def boundingRect(self) -> QRectF:
        return self._box.adjusted(-3, -3, 3, 3).united(self._text)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        glow = QColor(BAD_COLOR)
        glow.setAlpha(70)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(glow, 7))
        painter.drawRoundedRect(self._box, 10, 10)
        painter.setPen(QPen(BAD_COLOR, 2.4))
        painter.drawRoundedRect(self._box, 10, 10)
        painter.setFont(font(self._size))
        painter.setPen(BAD_COLOR)
        text = metrics(self._size).elidedText("✖ " + self.message, Qt.TextElideMode.ElideRight, 1.8 * self._text.width())
        painter.drawText(self._text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                         text)  # the whole message: the tooltip and the status bar
