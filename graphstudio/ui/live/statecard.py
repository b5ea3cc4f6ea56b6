"""What an optimizer remembers, on the canvas: a small card at each parameter it updates.

After Step or Train, PyTorch's state of a parameter (its ``state_dict`` names: SGD's
``momentum_buffer``, Adam's ``exp_avg`` and ``exp_avg_sq``, RMSprop's ``square_avg`` …) and the update
Δ the step applied, one row each under the symbol PyTorch's documentation gives it (b, m, v …): the
number where the parameter is one, else a strip of colour (the array flattened, blue–white–orange
when signed, viridis when not) and its largest magnitude. A glance, as a wire card is: the tooltip
says what each row is in one sentence, and a click opens the tensor viewer, where every element is.

The card hangs near the parameter's output port — an optimizer has no wire to its parameters (it
updates every leaf upstream of its loss that requires grad), so the state of a parameter sits with
the parameter — and ``LiveLayer.place`` gives it room after every other card: it never moves one,
and hides where there is no room, as they do. Its caption names the parameter, and it has no stem:
placed last, it may sit past another card, and a stem would cross it.
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple

import numpy as np
from PySide6.QtCore import QT_TR_NOOP, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from .. import theme
from ..i18n import tr
from .panels import (BAD_COLOR, CAPTION, GRAD_COLOR, PAD, SMALL_TEXT_LOD, TEXT_LOD, WIDTH, data_range, draw_card,
                     fmt, font, heatmap, metrics, tick)

ROW = 12.0          # a row's height
SYMBOL_W = 14.0     # the symbol's column
STRIP_W = 34.0      # a non-scalar's colour strip
UPDATE = "update"   # the row of the update this step (not a state_dict entry)

#: PyTorch's state_dict name → the symbol of PyTorch's documentation for it, and one sentence on it.
ENTRIES: dict[str, tuple[str, str]] = {
    "momentum_buffer": ("b", QT_TR_NOOP("b (momentum_buffer): the velocity, past steps decayed by the momentum "
                                        "plus this gradient; the optimizer moves along it.")),
    "exp_avg": ("m", QT_TR_NOOP("m (exp_avg): the running mean of the gradient, m ← β₁·m + (1 − β₁)·g.")),
    "exp_avg_sq": ("v", QT_TR_NOOP("v (exp_avg_sq): the running mean of the gradient's square, "
                                   "v ← β₂·v + (1 − β₂)·g²; each element's step is divided by √v̂.")),
    "max_exp_avg_sq": ("vₘ", QT_TR_NOOP("vₘ (max_exp_avg_sq): the largest v so far (AMSGrad), used instead of v.")),
    "square_avg": ("v", QT_TR_NOOP("v (square_avg): the running mean of the gradient's square, "
                                   "v ← α·v + (1 − α)·g²; each element's step is divided by √v.")),
    "grad_avg": ("ḡ", QT_TR_NOOP("ḡ (grad_avg): the running mean of the gradient (centered), so the step "
                                 "is divided by the gradient's spread rather than its size.")),
    UPDATE: ("Δ", QT_TR_NOOP("Δ: the update applied this step, the value after the optimizer's step "
                             "minus the value before.")),
}


class Entry(NamedTuple):
    name: str           # PyTorch's state_dict name, or UPDATE
    array: np.ndarray
    signed: bool        # has negative elements: a diverging colour scale, centred on 0


def entries(state: dict[str, Any], update: np.ndarray | None) -> list[Entry]:
    """The rows of a parameter's state (PyTorch's names → arrays, ``step`` a count), then its update."""
    rows = [Entry(name, value, not bool(np.all(value >= 0))) for name, value in state.items() if name != "step"]
    if update is not None:
        rows.append(Entry(UPDATE, update, True))
    return rows


class _Row(NamedTuple):
    """A row as painted, made once per value: the symbol, a scalar's number or a strip and its end."""
    symbol: str
    text: str
    image: QImage | None
    bad: bool


def _row(entry: Entry) -> _Row:
    a = np.asarray(entry.array)
    symbol = ENTRIES.get(entry.name, (entry.name, ""))[0]
    lo, hi, bad = data_range(a)
    if a.size == 1:
        return _Row(symbol, fmt(a.reshape(-1)[0]), None, bool(bad))
    image, lo, hi = heatmap(a.reshape(1, -1), diverging=entry.signed, known=(lo, hi, bad))
    end = ("±" + tick(max(abs(lo), abs(hi)))) if entry.signed else tick(hi)
    return _Row(symbol, end, image, bool(bad))


class StateCard(QGraphicsItem):
    """The card of one parameter's state in one optimizer: ``show`` gives it the rows of a step."""

    def __init__(self, optimizer: str, param: str) -> None:
        super().__init__()
        self.optimizer, self.param = optimizer, param
        self.rows: list[Entry] = []
        self.step: int | None = None        # the run's step the card shows
        self.bias: tuple[int, tuple] | None = None  # Adam's own step count and betas: its bias corrections
        self._painted: list[_Row] = []
        self.offset: tuple[float, float] | None = None  # the card's top-left from the port (LiveLayer.place)
        self.crowded = False
        self.on_open: Callable[[str], None] | None = None   # the parameter's id: open it in the viewer
        self.on_resize: Callable[[], None] | None = None    # its height changed: place the cards again
        self._bounds = QRectF()
        self.setZValue(8)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self.setAcceptHoverEvents(True)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setVisible(False)

    def show_state(self, rows: list[Entry], step: int, bias: tuple[int, tuple] | None = None) -> None:
        """What the optimizer keeps about the parameter after the run's step ``step``, and the update it
        applied; ``bias``: Adam's step count (its state's ``step``) and ``betas``, for the bias corrections
        the tooltip writes out."""
        resized = len(rows) != len(self.rows)
        self.rows, self.step, self.bias = list(rows), step, bias
        self._painted = [_row(r) for r in rows]
        if resized:
            self.prepareGeometryChange()
            self._bounds = self.card().adjusted(-2, -2, 2, 2)
        self.retranslate()
        self.setVisible(bool(rows) and not self.crowded and self.offset is not None)
        self.update()
        if resized and self.on_resize is not None:
            self.on_resize()

    def retranslate(self) -> None:
        """The tooltip, in the interface's language: which optimizer, which step, a sentence per row."""
        head = tr("What {optimizer} remembers about {param} after step {t}:").format(
            optimizer=self.optimizer, param=self.param, t=self.step)
        lines = [head, *(tr(ENTRIES[r.name][1]) if r.name in ENTRIES else r.name for r in self.rows)]
        if self.bias is not None:
            t, (b1, b2) = self.bias
            lines.append(tr("Bias corrections at this step: m̂ = m / (1 − β₁ᵗ) = m / {c1}, "
                            "v̂ = v / (1 − β₂ᵗ) = v / {c2}.").format(c1=fmt(1 - b1 ** t), c2=fmt(1 - b2 ** t)))
        lines.append(tr("Click to open {param} in the tensor viewer.").format(param=self.param))
        self.setToolTip("\n".join(lines))

    # -- geometry ------------------------------------------------------------------------------------
    def size(self) -> tuple[float, float]:
        return WIDTH, CAPTION + ROW * len(self.rows) + 3

    def card(self) -> QRectF:
        w, h = self.size()
        x, y = self.offset if self.offset is not None else (0.0, -h / 2)
        return QRectF(x, y, w, h)

    def set_place(self, offset: tuple[float, float] | None, crowded: bool = False) -> None:
        """Put the card at ``offset`` from its port, or hide it: ``crowded`` (as ``WirePanel.set_place``)."""
        self.prepareGeometryChange()
        self.offset, self.crowded = offset, crowded
        self._bounds = self.card().adjusted(-2, -2, 2, 2)
        self.setVisible(bool(self.rows) and not self.crowded)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds.united(QRectF(-3, -3, 6, 6))

    # -- painting ------------------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        colors = theme.colors()
        card = self.card()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        draw_card(painter, card, colors, any(r.bad for r in self._painted), stem=False)
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        x, y = card.left(), card.top()
        if lod >= SMALL_TEXT_LOD:
            painter.setFont(font(6.2))
            painter.setPen(colors["muted"])
            words = f"{self.param} · {self.optimizer} · " + tr("step {t}").format(t=self.step)
            painter.drawText(QRectF(x + PAD, y, card.width() - 2 * PAD, CAPTION), Qt.AlignmentFlag.AlignVCenter,
                             metrics(6.2).elidedText(words, Qt.TextElideMode.ElideRight, card.width() - 2 * PAD))
        y += CAPTION
        for row in self._painted:
            body = QRectF(x + PAD + SYMBOL_W, y, card.width() - 2 * PAD - SYMBOL_W, ROW)
            if lod >= TEXT_LOD:
                painter.setFont(font(7.5, True))
                painter.setPen(GRAD_COLOR if row.symbol == "Δ" else colors["text"])
                painter.drawText(QRectF(x + PAD, y, SYMBOL_W, ROW), Qt.AlignmentFlag.AlignCenter, row.symbol)
            if row.image is not None:
                painter.drawImage(QRectF(body.left(), y + 2, STRIP_W, ROW - 3), row.image)
                painter.setPen(QPen(colors["border"], 0.6))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(QRectF(body.left(), y + 2, STRIP_W, ROW - 3))
                body.setLeft(body.left() + STRIP_W + 2)
            if lod >= TEXT_LOD:
                small = row.image is not None
                painter.setFont(font(6.0 if small else 7.5, not small))
                painter.setPen(BAD_COLOR if row.bad else colors["muted" if small else "text"])
                painter.drawText(body, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, row.text)
            y += ROW

    def restyle(self) -> None:
        self.update()

    # -- interaction ---------------------------------------------------------------------------------
    def mousePressEvent(self, event: Any) -> None:
        event.accept()

    def mouseReleaseEvent(self, event: Any) -> None:
        if self.on_open is not None:
            self.on_open(self.param)
        event.accept()

