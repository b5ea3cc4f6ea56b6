"""Wire panels: a small painted card at a wire's midpoint showing the tensor that flowed.

Why painted items and not proxy widgets: a lesson graph may show hundreds of panels, and a
``QGraphicsProxyWidget`` per wire costs a widget each and repaints slowly. A panel turns its
array into a picture once, when the value changes (``Picture``: a QImage for a heatmap, at most
``MAX_BARS`` rectangles for a bar strip, one string for a scalar); ``paint`` then hands the
painter a handful of calls — never one per element — and Qt caches the result per device.

The picture is chosen by shape: a scalar shows its number, a vector a bar strip, a matrix a
heatmap with a colour scale, higher ranks one 2-D slice (the wheel steps through the slices)
with the slice index. Shape and dtype are in the caption. NaN and ±Inf are shown in red
(magenta cells in a heatmap) and outline the panel. A click on the caption collapses the panel;
a click on its body opens the tensor viewer (``on_open``).
"""
from __future__ import annotations

import functools
import math
import weakref
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen,
                           QStaticText)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyleOptionGraphicsItem, QWidget

from .. import theme
from ..i18n import tr

WIDTH = 88.0                  # fits in the gap the auto-layout leaves between two nodes
CAPTION = 13.0
PAD = 3.0
MAX_BARS = 40
HEAT_W, HEAT_H = 50.0, 36.0
TICK_W = 21.0                 # room for a colour bar's end, from the bar to the card's edge
COLLAPSED_WIDTH = 64.0
MAX_HEAT_CELLS = 256          # per side: bigger matrices are sampled before colouring
GRID_CELLS = 12               # per side: a uniform heatmap this small gets lines between its cells
VALUE_COLOR = QColor("#2f6fdf")
GRAD_COLOR = QColor("#e07b1a")
BAD_COLOR = QColor("#d0342c")
NAN_RGB = (255, 0, 255)
INF_RGB = (255, 40, 40)


# -- numbers ------------------------------------------------------------------------------------

def fmt(v: Any) -> str:
    """A number as a student reads it: ``27.0``, ``4.5``, ``0.0123``, ``1.2e+05``, ``nan``, ``True``."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == int(v) and abs(v) < 1e6:
        return f"{v:.1f}"
    return f"{v:.4g}"


def tick(v: float) -> str:
    """A colour bar's end as it fits its column beside the heatmap (TICK_W): ``fmt``'s, else fewer
    digits (``0.00229`` → ``0.0023``), else a short exponent (``-2e-3``); the viewer has them all."""
    word = fmt(v)
    if not math.isfinite(v):
        return word
    for form in ("", ".3g", ".2g", ".1g", ".1e", ".0e"):  # shorter and shorter, made only as needed
        if form:
            word = format(v, form).replace("e-0", "e-").replace("e+0", "e")
        if sum(map(_tick_advance, word)) <= TICK_W:
            break
    return word


@functools.cache
def _tick_advance(char: str) -> float:
    """One character's width in a colour bar's font: a number's width is their sum (measuring each
    new number whole would cost more than painting it)."""
    return metrics(6.0).horizontalAdvance(char)


def short(a: np.ndarray | None) -> str:
    """One short token for a whole array: the number when all elements agree, else a summary."""
    if a is None:
        return "–"
    a = np.asarray(a)
    if a.size == 0:
        return "[]"
    flat = a.reshape(-1)
    if a.size == 1 or bool(np.all(flat == flat[0])):
        return fmt(flat[0])
    mean = float(np.mean(flat.astype(np.float64)))
    return f"[{'×'.join(map(str, a.shape))}] μ {fmt(mean)}"


def caption(a: np.ndarray) -> str:
    return _caption(a.shape, a.dtype)


@functools.lru_cache(maxsize=512)
def _caption(shape: tuple[int, ...], dtype: np.dtype) -> str:
    return f"[{', '.join(map(str, shape))}] {dtype.name}"


# -- colour ---------------------------------------------------------------------------------------

@functools.cache
def lut(name: str) -> np.ndarray:
    """A (256, 3) uint8 colour table: ``viridis`` for values, a diverging blue–white–orange for gradients."""
    if name == "diverging":
        t = np.linspace(-1.0, 1.0, 256)[:, None]
        blue, white, orange = np.array([40, 90, 200.0]), np.array([245, 245, 245.0]), np.array([224, 123, 26.0])
        rgb = np.where(t < 0, white + (blue - white) * -t, white + (orange - white) * t)
        return rgb.round().astype(np.uint8)
    import pyqtgraph as pg

    return np.ascontiguousarray(pg.colormap.get(name).getLookupTable(0.0, 1.0, 256, alpha=False), dtype=np.uint8)


def data_range(a: np.ndarray) -> tuple[float, float, int]:
    """The finite min and max, and how many elements are NaN or ±Inf — two reductions when clean."""
    if a.size == 0:
        return 0.0, 1.0, 0
    if a.dtype == np.bool_:
        a = a.astype(np.uint8)
    lo, hi = a.min(), a.max()
    if a.dtype.kind not in "fc" or (math.isfinite(lo) and math.isfinite(hi)):
        return float(lo), float(hi), 0
    finite = np.isfinite(a)
    values = a[finite]
    bad = a.size - values.size
    return (float(values.min()), float(values.max()), bad) if values.size else (0.0, 1.0, bad)


def color_range(lo: float, hi: float, diverging: bool) -> tuple[float, float]:
    """The colour scale: the data's range, or symmetric about 0 for gradients (the sign is the point)."""
    if diverging:
        m = max(abs(lo), abs(hi)) or 1.0
        return -m, m
    return lo, hi


def _pack(rgb: tuple[int, int, int]) -> np.uint32:
    return np.uint32(0xFF000000 | rgb[0] << 16 | rgb[1] << 8 | rgb[2])


def to_rgb(a: np.ndarray, lo: float, hi: float, table: np.ndarray, clean: bool = False) -> np.ndarray:
    """Colour a 2-D array through ``table`` in one vectorised pass; NaN magenta, ±Inf red.

    ``table``: ``lut`` (→ (h, w, 3) uint8) or ``lut32`` (→ (h, w) packed 0xffRRGGBB, a QImage's
    RGB32 pixels). ``clean``: the caller knows there is no NaN or Inf and that ``lo..hi`` spans
    the data (skips the checks and the clipping)."""
    bad = None if clean or a.dtype.kind not in "fc" else ~np.isfinite(a)
    if bad is not None and not bad.any():
        bad = None
    span = hi - lo
    if span <= 0:
        idx = np.zeros(a.shape, np.uint8)
    elif clean:
        idx = ((a - lo) * (255.0 / span)).astype(np.uint8)
    else:
        x = a.astype(np.float64, copy=False)
        if bad is not None:
            x = np.where(bad, lo, x)
        idx = ((x - lo) * (255.0 / span)).clip(0, 255).astype(np.uint8)
    rgb = table[idx]
    if bad is not None:
        packed = table.ndim == 1
        rgb[np.isnan(a)] = _pack(NAN_RGB) if packed else NAN_RGB
        rgb[np.isinf(a)] = _pack(INF_RGB) if packed else INF_RGB
    return rgb


@functools.cache
def lut32(name: str) -> np.ndarray:
    """``lut`` packed as QImage RGB32 pixels: colouring is one gather, and the QImage wraps the result."""
    t = lut(name).astype(np.uint32)
    return 0xFF000000 | t[:, 0] << 16 | t[:, 1] << 8 | t[:, 2]


def rgb_image(rgb: np.ndarray) -> QImage:
    """A QImage that owns its pixels (the NumPy buffer may go away)."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def heatmap(a: np.ndarray, diverging: bool = False,
            known: tuple[float, float, int] | None = None) -> tuple[QImage, float, float]:
    """A QImage of a 2-D array (sampled down to MAX_HEAT_CELLS a side) and its colour scale.

    ``known``: ``data_range(a)`` when the caller has it already."""
    a = np.asarray(a)
    lo, hi, bad = known if known is not None else data_range(a)
    if a.dtype == np.bool_:
        a = a.astype(np.uint8)
    if a.shape[0] > MAX_HEAT_CELLS or a.shape[1] > MAX_HEAT_CELLS:
        a = a[::math.ceil(a.shape[0] / MAX_HEAT_CELLS), ::math.ceil(a.shape[1] / MAX_HEAT_CELLS)]
    lo, hi = color_range(lo, hi, diverging)
    pixels = np.ascontiguousarray(to_rgb(a, lo, hi, lut32("diverging" if diverging else "viridis"), clean=not bad))
    h, w = pixels.shape
    image = QImage(pixels.data, w, h, 4 * w, QImage.Format.Format_RGB32)
    image._pixels = pixels  # the QImage reads this buffer: it lives as long as the image
    return image, lo, hi


@functools.cache
def scale_image(diverging: bool) -> QImage:
    """A vertical colour bar (top = high)."""
    table = lut("diverging" if diverging else "viridis")[::-1]
    return rgb_image(np.ascontiguousarray(table[:, None, :]))


def slice_2d(a: np.ndarray, index: int) -> tuple[np.ndarray, tuple[int, ...]]:
    """The ``index``-th 2-D slice of an array of rank > 2 (over the leading dims), and its position."""
    pos = slice_position(a.shape, index)
    return (a[pos] if a.size else np.zeros(a.shape[-2:], a.dtype)), pos


def slice_position(shape: tuple[int, ...], index: int) -> tuple[int, ...]:
    """Where the ``index``-th 2-D slice sits among the leading dims (the index wraps around)."""
    lead = shape[:-2]
    count = math.prod(lead)
    if not count:
        return tuple(0 for _ in lead)
    return tuple(int(i) for i in np.unravel_index(index % count, lead))


def slice_label(shape: tuple[int, ...], index: int) -> str:
    """``[1, 0, :, :]``: which slice of a rank > 2 array a panel shows ("" for lower ranks)."""
    if len(shape) <= 2:
        return ""
    return "[" + ", ".join([*map(str, slice_position(shape, index)), ":", ":"]) + "]"


# -- a prepared picture of one array ---------------------------------------------------------------

class Picture:
    """An array turned into what the painter needs, computed once per value."""

    __slots__ = ("kind", "caption", "text", "image", "lo", "hi", "_ticks", "bad", "slice_text", "slices",
                 "pos_bars", "neg_bars", "bad_bars")

    def __init__(self, kind: str, caption: str, text: str = "", image: QImage | None = None, lo: float = 0.0,
                 hi: float = 0.0, bad: int = 0, slice_text: str = "", slices: int = 1,
                 bars: tuple[list[QRectF], list[QRectF], list[QRectF]] = ([], [], [])) -> None:
        self.kind, self.caption, self.text, self.image = kind, caption, text, image  # kind: scalar|vector|matrix|empty
        self.lo, self.hi, self.bad = lo, hi, bad
        self._ticks: tuple[str, str] | None = None
        self.slice_text, self.slices = slice_text, slices
        self.pos_bars, self.neg_bars, self.bad_bars = bars  # a vector's bars: positive, negative, NaN/Inf

    @property
    def ticks(self) -> tuple[str, str]:
        """The colour bar's ends as written (low, high): made when first painted (measuring text
        needs the application), once for all the panels that share this picture."""
        if self._ticks is None:
            self._ticks = (tick(self.lo), tick(self.hi))
        return self._ticks

    @property
    def bars(self) -> list[QRectF]:
        return self.pos_bars + self.neg_bars + self.bad_bars

    @property
    def height(self) -> float:
        return HEIGHTS[self.kind]


HEIGHTS = {"scalar": 18.0, "vector": 28.0, "matrix": HEAT_H + 4.0, "empty": 14.0}


def kind_of(a: np.ndarray) -> str:
    """Which picture an array gets, from its shape alone (a panel sizes itself before drawing)."""
    if a.size == 0:
        return "empty"
    if a.ndim == 0 or a.size == 1 and a.ndim <= 1:
        return "scalar"
    return "vector" if a.ndim == 1 else "matrix"


_SHARED: dict[tuple[int, bool, int], tuple[weakref.ref, Picture]] = {}


def shared_picture(a: np.ndarray, diverging: bool = False, slice_index: int = 0,
                   known: tuple[float, float, int] | None = None) -> Picture:
    """``picture``, made once for an array that several panels show: a tensor with several uses
    sends the same array along each wire. An entry lives as long as its array (a weak reference:
    the cache never keeps a step's tensors alive), and is checked by identity."""
    key = (id(a), diverging, slice_index)
    hit = _SHARED.get(key)
    if hit is not None and hit[0]() is a:
        return hit[1]
    pic = picture(a, diverging, slice_index, known)
    try:
        ref = weakref.ref(a, lambda _, key=key: _SHARED.pop(key, None))
    except TypeError:  # a NumPy scalar (a summed 0-d gradient) takes no weak reference: cheap to redo
        return pic
    _SHARED[key] = (ref, pic)
    return pic


def picture(a: np.ndarray, diverging: bool = False, slice_index: int = 0,
            known: tuple[float, float, int] | None = None) -> Picture:
    """The Picture for ``a``: chosen by its rank (see the module docstring).

    ``known``: ``data_range(a)`` when the caller has it already."""
    a = np.asarray(a)
    cap = caption(a)
    kind = kind_of(a)
    if kind == "empty":
        return Picture("empty", cap, text="(empty)")
    lo, hi, bad = known if known is not None else data_range(a)
    if kind == "scalar":
        return Picture("scalar", cap, text=fmt(a.reshape(-1)[0]), bad=bad)
    if kind == "vector":
        return _vector(a, cap, bad)
    pic_slice = ""
    slices = 1
    if a.ndim > 2:
        slices = math.prod(a.shape[:-2])
        pic_slice = slice_label(a.shape, slice_index)
        a, _ = slice_2d(a, slice_index)
        lo, hi, _ = data_range(a)
    same = fmt(a.reshape(-1)[0]) if lo == hi and not bad else ""  # one colour says little: say the number
    image, lo, hi = heatmap(a, diverging, (lo, hi, bad))
    return Picture("matrix", cap, text=same, image=image, lo=lo, hi=hi, bad=bad, slice_text=pic_slice, slices=slices)


def _vector(a: np.ndarray, cap: str, bad: int) -> Picture:
    """Bars around a zero line; more than MAX_BARS elements are binned (each bin: its largest |value|)."""
    x = a.astype(np.float64)
    if x.size > MAX_BARS:
        edges = np.linspace(0, x.size, MAX_BARS + 1).astype(int)
        x = np.array([_extreme(x[edges[i]:edges[i + 1]]) for i in range(MAX_BARS)])
    finite = np.where(np.isfinite(x), x, 0.0)
    m = float(np.max(np.abs(finite))) or 1.0
    n = x.size
    width = WIDTH - 2 * PAD
    bw = width / n
    mid, half = 14.0, 11.0
    pos: list[QRectF] = []
    neg: list[QRectF] = []
    nonfinite: list[QRectF] = []
    for i, v in enumerate(finite.tolist()):
        ok = math.isfinite(x[i])
        h = max(1.0, abs(v) / m * half) if ok else 2 * half
        bar = QRectF(PAD + i * bw + 0.5, mid - h if v >= 0 else mid, max(bw - 1.0, 1.0), h)
        (nonfinite if not ok else neg if v < 0 else pos).append(bar)
    return Picture("vector", cap, lo=-m, hi=m, bad=bad, bars=(pos, neg, nonfinite))


def _extreme(chunk: np.ndarray) -> float:
    if not np.all(np.isfinite(chunk)):
        return float(chunk[~np.isfinite(chunk)][0])
    return float(chunk[np.argmax(np.abs(chunk))])


# -- the panel item -----------------------------------------------------------------------------

_AA = QPainter.RenderHint.Antialiasing
_NO_PEN = Qt.PenStyle.NoPen
_ALIGN_BOTTOM_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
_WHITE = QColor("#ffffff")
_BACKING = QColor(20, 20, 30, 150)
_BAD_PEN = QPen(BAD_COLOR, 2.0)
_GRAD_NEG = GRAD_COLOR.darker(160)
_VALUE_NEG = QColor("#7a8fb8")

#: A card this close to its wire or port keeps no stem (it touches what it describes).
STEM_MIN = 10.0

#: Zoom (level of detail) below which text is too small to read, and is not drawn: the numbers
#: (8.5 pt bold) below TEXT_LOD, leaving only pictures; the small print — captions, the colour
#: scale's ends, nan/inf counts (6 pt: about 4 px tall at zoom 0.5) — below SMALL_TEXT_LOD.
TEXT_LOD = 0.45
SMALL_TEXT_LOD = 0.55


def _colors() -> dict[str, QColor]:
    """The theme's canvas colours, made once per theme rather than once per paint."""
    return _colors_of(theme.current())


@functools.cache
def _colors_of(name: str) -> dict[str, QColor]:
    return theme.colors()


@functools.cache
def font(size: float, bold: bool = False) -> QFont:
    """A font of the live layer, made once (painting asks for the same few at every refresh)."""
    f = QFont()
    f.setPointSizeF(size)
    f.setBold(bold)
    return f


@functools.cache
def metrics(size: float, bold: bool = False) -> QFontMetricsF:
    return QFontMetricsF(font(size, bold))


@functools.lru_cache(maxsize=1024)
def _caption_text(text: str, width: float) -> tuple[QStaticText, float]:
    """A caption elided to ``width``, laid out once (captions repeat: shape and dtype rarely change),
    and its top offset for vertical centring in the caption strip."""
    small = font(6.2)
    fm = metrics(6.2)
    static = QStaticText(fm.elidedText(text, Qt.TextElideMode.ElideRight, width))
    static.setTextFormat(Qt.TextFormat.PlainText)
    static.prepare(font=small)
    return static, (CAPTION - fm.height()) / 2


@functools.lru_cache(maxsize=4096)
def _static(text: str, size: float, bold: bool = False) -> QStaticText:
    """A label laid out once: numbers on panels repeat from refresh to refresh, and drawing a
    prepared QStaticText skips the text layout that ``drawText`` does on every call."""
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)
    static.prepare(font=font(size, bold))
    return static


def _draw_centered(painter: QPainter, rect: QRectF, text: str, size: float, bold: bool = False) -> None:
    static = _static(text, size, bold)
    s = static.size()
    painter.drawStaticText(QPointF(rect.center().x() - s.width() / 2, rect.center().y() - s.height() / 2), static)


class _Card(QGraphicsItem):
    """What of a panel does not depend on the numbers, behind its pictures and cached apart from
    them: the card, the caption, and per row the value/gradient accent, a matrix's colour bar, a
    vector's zero line. During Train the pictures change at every refresh; this only when the
    shape, dtype or NaN state does."""

    def __init__(self, panel: WirePanel) -> None:
        super().__init__(panel)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.rect = panel.card()
        self._bounds = self.rect.adjusted(-2, -2, 2, 2).united(QRectF(-3, -3, 6, 6))
        self.state: tuple = ()

    def show(self, rect: QRectF, caption: str, bad: bool, rows: tuple[tuple[str, bool], ...]) -> None:
        """``rows``: (kind, grad?) of each picture, top to bottom (none when collapsed). A card
        placed apart from its wire (see ``WirePanel.set_place``) gets a stem to it."""
        if rect != self.rect:
            self.prepareGeometryChange()
            self.rect = rect
            self._bounds = rect.adjusted(-2, -2, 2, 2).united(QRectF(-3, -3, 6, 6))
        elif (caption, bad, rows) == self.state:
            return
        self.state = (caption, bad, rows)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        colors = _colors()
        card = self.rect
        caption, bad, rows = self.state or ("", False, ())
        painter.setRenderHint(_AA)
        draw_card(painter, card, colors, bad)
        x, w = card.left(), card.width()
        if option.levelOfDetailFromTransform(painter.worldTransform()) >= SMALL_TEXT_LOD:
            painter.setFont(font(6.2))
            painter.setPen(colors["muted"])
            static, dy = _caption_text(caption, w - 2 * PAD)
            painter.drawStaticText(QPointF(x + PAD, card.top() + dy), static)
        for kind, grad, y in _row_tops(rows, card.top()):
            h = HEIGHTS[kind]
            painter.setPen(_NO_PEN)
            painter.setBrush(GRAD_COLOR if grad else VALUE_COLOR)
            painter.drawRect(QRectF(x, y + 1, 2.5, h - 2))  # which is which: blue value, orange grad
            if kind == "matrix":
                painter.drawImage(QRectF(x + w - 28, y + 2, 4, HEAT_H - 2), scale_image(grad))
            elif kind == "vector":
                painter.setPen(QPen(colors["grid"], 0.8))
                painter.drawLine(QPointF(x + PAD, y + 14.0), QPointF(x + WIDTH - PAD, y + 14.0))


def draw_card(painter: QPainter, card: QRectF, colors: dict[str, QColor], bad: bool = False, stem: bool = True) -> None:
    """A card's rounded box (outlined red for NaN/Inf), in the coordinates of the point it describes
    (the origin): apart from that point, a stem joins them, with a dot there (unless not ``stem``)."""
    near = QPointF(min(max(0.0, card.left()), card.right()), min(max(0.0, card.top()), card.bottom()))
    if stem and abs(near.x()) + abs(near.y()) > STEM_MIN:
        painter.setPen(QPen(colors["border"], 0.8))
        painter.drawLine(near, QPointF(0, 0))
        painter.setBrush(colors["border"])
        painter.drawEllipse(QPointF(0, 0), 1.8, 1.8)
    painter.setPen(_BAD_PEN if bad else QPen(colors["border"], 0.8))
    painter.setBrush(colors["node"])
    painter.drawRoundedRect(card, 5, 5)


def _row_tops(rows: tuple[tuple[str, bool], ...], top: float) -> list[tuple[str, bool, float]]:
    """Each picture row with the y of its top: rows stack under the caption, 2 apart."""
    out, y = [], top + CAPTION
    for kind, grad in rows:
        out.append((kind, grad, y))
        y += HEIGHTS[kind] + 2
    return out


class WirePanel(QGraphicsItem):
    """The card on one wire. ``value`` and ``grad`` are what it shows (host arrays or None)."""

    def __init__(self, key: tuple[str, str, int | None], title: str) -> None:
        super().__init__()
        self.key = key                       # (target node, port, index): the wire it sits on
        self.title = title
        self.value: np.ndarray | None = None
        self.grad: np.ndarray | None = None
        self.grad_parts: list[np.ndarray] = []
        self.no_grad = False                 # no gradient flows back along this wire
        self.collapsed = False
        self.slice_index = 0
        self.on_open: Callable[[WirePanel], None] | None = None
        self.on_resize: Callable[[], None] | None = None  # the card changed size or was shown or hidden
        self._pics: dict[bool, Picture | None] = {}  # grad? → its picture, made when first painted
        self._ranges: dict[bool, tuple[float, float, int]] = {}  # grad? → data_range of its array
        self._height = CAPTION
        self._footprint = CAPTION           # the height placement keeps for it (see footprint)
        self._laid_collapsed = False
        self._laid_width = WIDTH
        self.label = ""                      # a result card's name: its scalar reads "out = 27.0"
        self.label_size = 8.5
        self.width = WIDTH
        self.offset: tuple[float, float] | None = None  # the card's top-left from the item's origin (LiveLayer.place)
        self.crowded = False                 # no free place near its wire: not shown
        self._bounds = self.card().adjusted(-2, -2, 2, 2)
        self._card = _Card(self)
        self.setZValue(8)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._tip_for: object = ()         # the (shape, dtype) the tooltip names (None: no value yet)
        self._tip_text = ""
        self._tip_array: np.ndarray | None = None
        self._tip(None)
        self.setAcceptHoverEvents(True)
        self.setVisible(False)

    # -- data ----------------------------------------------------------------------------------
    # Setting an array costs no drawing work: a Train refresh hands new arrays to hundreds of panels,
    # and only those on screen are painted, so the picture is made when paint first asks for it.
    # Only the array's range is found at once (two reductions): it says whether the card is outlined
    # for NaN/Inf, and the picture reuses it.
    def set_value(self, value: np.ndarray | None) -> None:
        self.value = value
        if self.label:  # "loss = 0.0213" on a result card: a size smaller, or a wider card, when long
            words = f"{self.label} = {short(value)}" if value is not None and kind_of(np.asarray(value)) == "scalar" else ""
            room = WIDTH - 2 * PAD - 8
            self.label_size = next((s for s in (8.5, 7.5) if metrics(s, True).horizontalAdvance(words) <= room), 7.5)
            self.width = max(WIDTH, metrics(self.label_size, True).horizontalAdvance(words) + 2 * PAD + 8)
        self._set_array(False, value)

    def set_grad(self, grad: np.ndarray | None, parts: list[np.ndarray] | None = None) -> None:
        self.grad = grad
        self.grad_parts = list(parts or ([] if grad is None else [grad]))
        self._set_array(True, grad)

    def clear(self) -> None:
        """Empty the card, keeping its place: an animation clears panels to refill them wave by
        wave, and the cards should not be moved around meanwhile."""
        self.value = self.grad = None
        self.grad_parts = []
        self._pics.clear()
        self._ranges.clear()
        self._relayout(keep_place=True)

    def _set_array(self, grad: bool, a: np.ndarray | None) -> None:
        self._pics.pop(grad, None)
        if a is None:
            self._ranges.pop(grad, None)
        else:
            self._ranges[grad] = data_range(np.asarray(a))
        self._relayout()

    def _pic(self, grad: bool) -> Picture | None:
        pics = self._pics
        if grad not in pics:
            a = self.grad if grad else self.value
            pics[grad] = None if a is None else shared_picture(a, grad, self.slice_index, self._ranges.get(grad))
        return pics[grad]

    @property
    def _value_pic(self) -> Picture | None:
        return self._pic(False)

    @property
    def _grad_pic(self) -> Picture | None:
        return self._pic(True)

    def value_text(self) -> str:
        """What the panel shows for the value: the number of a scalar, a summary otherwise."""
        return "" if self.value is None else (self._value_pic.text if self._value_pic and self._value_pic.text
                                              else short(self.value))

    def grad_text(self) -> str:
        return "" if self.grad is None else (self._grad_pic.text if self._grad_pic and self._grad_pic.text
                                             else short(self.grad))

    @property
    def has_bad(self) -> bool:
        return any(r[2] for r in self._ranges.values())

    def toggle(self) -> None:
        self.collapsed = not self.collapsed
        self._relayout()

    def step_slice(self, delta: int) -> None:
        pic = self._value_pic or self._grad_pic
        if pic is None or pic.slices <= 1:
            return
        self.slice_index = (self.slice_index + delta) % pic.slices
        self._pics.clear()
        self._relayout()

    def _relayout(self, keep_place: bool = False) -> None:
        """Size the card for what it shows and have it repainted (its cached picture is stale).

        The geometry is announced only when the height changed: a new value of the same kind —
        every refresh during Train — costs one ``update`` and no re-indexing of the scene."""
        shown = [(a, g) for a, g in ((self.value, False), (self.grad, True)) if a is not None]
        rows = () if self.collapsed else tuple((kind_of(a), g) for a, g in shown)
        h = CAPTION + sum(HEIGHTS[kind] + 2 for kind, _ in rows)
        visible = bool(shown) and not self.crowded
        resized = h != self._height or self.collapsed != self._laid_collapsed or visible != self.isVisible() \
            or self.width != self._laid_width
        footprint = self._footprint if keep_place else self._planned_height()
        moved_out = footprint != self._footprint or self.width != self._laid_width
        if resized or moved_out:  # (the card lies on one side of its footprint: see card)
            self.prepareGeometryChange()
            self._footprint = footprint
            self._height = h
            self._laid_collapsed = self.collapsed
            self._laid_width = self.width
            self._bounds = self.card().adjusted(-2, -2, 2, 2)
        cap = ("▸ " if self.collapsed else "▾ ") + (f"{self.label} · " if self.label else "")
        if shown:
            a = shown[0][0]
            cap += caption(a)
            if a.ndim > 2 and not self.collapsed:
                cap += " " + slice_label(a.shape, self.slice_index)
        self._card.show(self.card(), cap, self.has_bad, rows)
        self._tip(shown[0][0] if shown else None)
        if visible != self.isVisible():
            self.setVisible(visible)
        self.update()
        if moved_out and self.on_resize is not None:
            self.on_resize()

    def _tip(self, a: np.ndarray | None) -> None:
        """The tooltip: what the card shows, its shape and dtype in words (the caption is small print)."""
        what = None if a is None else (a.shape, a.dtype)
        if what == self._tip_for:
            return
        self._tip_for, self._tip_array = what, a
        where = "" if a is None else f"\n{caption(a)}"
        self._tip_text = f"{self.title}{where}\n" + tr("click the caption to collapse, the body to open the tensor viewer")
        self.setToolTip(self._tip_text)

    def hoverEnterEvent(self, event: Any) -> None:
        """The tooltip gets the ends of the colour bars as of now, in full: the card prints them small."""
        ends = [("∇ " if grad else "") + f"{fmt(p.lo)} … {fmt(p.hi)}" for grad in (False, True)
                for p in [self._pic(grad)] if p is not None and p.kind == "matrix"]
        self.setToolTip("\n".join([self._tip_text, *ends]))
        super().hoverEnterEvent(event)

    def retranslate(self) -> None:
        """Its tooltip again, in the interface's language."""
        self._tip_for = ()
        self._tip(self._tip_array)

    def _planned_height(self) -> float:
        """What the card shows, plus the gradient row that a value on a wire carrying gradients
        will get: placement keeps that room, so a gradient landing does not move the cards around."""
        if self.collapsed:
            return CAPTION
        kinds = [kind_of(a) for a in (self.value, self.grad) if a is not None]
        if self.grad is None and self.value is not None and not self.no_grad and np.asarray(self.value).dtype.kind == "f":
            kinds.append(kinds[0])
        return CAPTION + sum(HEIGHTS[k] + 2 for k in kinds)

    # -- geometry --------------------------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        return self._bounds  # asked several times per paint: made once per layout

    def card(self) -> QRectF:
        """The card in item coordinates: where ``set_place`` put it, else just above the item's origin.

        Placed, it lies in the room kept for it (its footprint: with a gradient row to come) on the
        side of that room nearest what it describes — under it when the room is above its wire — so
        a card waiting for its gradient (or whose gradient never comes) still touches its wire,
        and a gradient landing grows it away from the wire."""
        w, h = self.size()
        if self.offset is None:
            return QRectF(-w / 2, -h - 8, w, h)
        x, y = self.offset
        spare = self._footprint - h
        if spare > 0:
            y += spare if y + self._footprint <= 0 else spare / 2 if y < 0 else 0.0
        return QRectF(x, y, w, h)

    def size(self, planned: bool = False) -> tuple[float, float]:
        """Width and height of the card (``planned``: with the room kept for a gradient to come,
        see _planned_height)."""
        w = self.width if not self.collapsed else COLLAPSED_WIDTH
        return w, self._footprint if planned else self._height

    def set_place(self, offset: tuple[float, float] | None, crowded: bool = False) -> None:
        """Put the card at ``offset`` from the item's origin (the point of its wire or port it
        describes; a stem joins them when the card sits apart), or hide it: ``crowded``."""
        if (offset, crowded) != (self.offset, self.crowded):
            self.prepareGeometryChange()
            self.offset, self.crowded = offset, crowded
            self._bounds = self.card().adjusted(-2, -2, 2, 2)
            self._relayout(keep_place=True)

    def caption_rect(self) -> QRectF:
        c = self.card()
        return QRectF(c.left(), c.top(), c.width(), CAPTION)

    # -- painting ---------------------------------------------------------------------------------
    # paint runs once per new value (the item caches its picture per device), for up to hundreds of
    # panels per Train refresh: Qt enums, colours and fonts are looked up once, here, not per call.
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        card = self.card()
        left, top, width = card.left(), card.top(), card.width()
        if self.collapsed:
            return
        colors = _colors()
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        text, small = lod >= TEXT_LOD, lod >= SMALL_TEXT_LOD
        painter.setRenderHint(_AA)
        y = top + CAPTION
        for p, grad in ((self._value_pic, False), (self._grad_pic, True)):
            if p is None:
                continue
            h = p.height
            self._paint_picture(painter, p, left, y, width, h, grad, colors, text, small)
            y += h + 2

    def _paint_picture(self, painter: QPainter, p: Picture, x: float, y: float, w: float, h: float, grad: bool,
                       colors: dict, text: bool, small: bool) -> None:
        """What depends on the numbers (the card behind draws the rest)."""
        accent = GRAD_COLOR if grad else VALUE_COLOR
        kind = p.kind
        if kind == "matrix" and p.image is not None:
            image = p.image
            iw, ih = image.width(), image.height()
            s = min(HEAT_W / iw, HEAT_H / ih)
            target = QRectF(x + PAD + 2, y + 2, iw * s, ih * s)
            painter.drawImage(target, image)
            if small and p.text and iw <= GRID_CELLS and ih <= GRID_CELLS and iw * ih > 1:  # uniform: lines keep its shape
                painter.setPen(QPen(colors["node"], 0.8))
                painter.setRenderHint(_AA, False)  # straight lines: several times cheaper unsmoothed
                left, top, right, bottom = target.left(), target.top(), target.right(), target.bottom()
                painter.drawLines([*(QLineF(left + i * s, top, left + i * s, bottom) for i in range(1, iw)),
                                   *(QLineF(left, top + j * s, right, top + j * s) for j in range(1, ih))])
                painter.setRenderHint(_AA)
            bx = x + w - 28
            if text and p.text:  # a uniform matrix: its one value over the heatmap, on a dark backing
                size = _static(p.text, 8.0, True).size()
                painter.setPen(_NO_PEN)
                painter.setBrush(_BACKING)
                painter.drawRoundedRect(QRectF(target.center().x() - size.width() / 2 - 2, target.center().y()
                                               - size.height() / 2, size.width() + 4, size.height()), 2, 2)
                painter.setFont(font(8.0, True))
                painter.setPen(_WHITE)
                _draw_centered(painter, target, p.text, 8.0, True)
            if small:
                painter.setFont(font(6.0))
                painter.setPen(BAD_COLOR if p.bad else colors["muted"])
                painter.drawStaticText(QPointF(bx + 5, y - 1), _static(p.ticks[1], 6.0))
                painter.drawStaticText(QPointF(bx + 5, y + HEAT_H - 7), _static(p.ticks[0], 6.0))
        elif kind in ("scalar", "empty"):
            r = QRectF(x, y, w, h)
            if not text:
                painter.setPen(_NO_PEN)
                painter.setBrush(BAD_COLOR if p.bad else accent.lighter(170))
                painter.drawRect(r.adjusted(PAD + 4, 5, -PAD - 4, -5))
                return
            size, bold = (8.5, True) if kind == "scalar" else (6.5, False)
            if self.label and kind == "scalar" and not grad:
                size = self.label_size
            painter.setFont(font(size, bold))
            painter.setPen(BAD_COLOR if p.bad else (accent if grad else colors["text"]))
            words = ("∇ " if grad else f"{self.label} = " if self.label and kind == "scalar" else "") + p.text
            _draw_centered(painter, r.adjusted(PAD + 2, 0, -PAD, 0), words, size, bold)
        elif kind == "vector":
            painter.save()
            painter.translate(x, y)
            painter.setPen(_NO_PEN)
            for rects, color in ((p.pos_bars, accent),
                                 (p.neg_bars, _GRAD_NEG if grad else _VALUE_NEG),
                                 (p.bad_bars, BAD_COLOR)):
                if rects:
                    painter.setBrush(color)
                    painter.drawRects(rects)
            painter.restore()
        if p.bad and small:
            painter.setFont(font(6.0, True))
            painter.setPen(BAD_COLOR)
            painter.drawText(QRectF(x, y, w - PAD, h), _ALIGN_BOTTOM_RIGHT, f"{p.bad} nan/inf")

    def restyle(self) -> None:
        self.update()
        self._card.update()

    # -- interaction ----------------------------------------------------------------------------------
    def mousePressEvent(self, event: Any) -> None:
        event.accept()

    def mouseReleaseEvent(self, event: Any) -> None:
        if self.caption_rect().contains(event.pos()):
            self.toggle()
        elif self.on_open is not None:
            self.on_open(self)
        event.accept()

    def wheelEvent(self, event: Any) -> None:
        pic = self._value_pic or self._grad_pic
        if pic is not None and pic.slices > 1:
            self.step_slice(-1 if event.delta() > 0 else 1)
            event.accept()
        else:
            event.ignore()


class WireDash(QGraphicsPathItem):
    """Makes a wire look dashed (no gradient flows back along it) without touching the wire item:
    the wire's path stroked in the background colour with gaps, just above the wire.

    Its shape is empty, so clicks and ``itemAt`` go to the wire underneath.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(0.5)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.restyle()

    def restyle(self) -> None:
        pen = QPen(theme.colors()["background"], 4.0, Qt.PenStyle.CustomDashLine, Qt.PenCapStyle.FlatCap)
        pen.setDashPattern([2.0, 2.0])
        self.setPen(pen)
        self.setBrush(QBrush(Qt.BrushStyle.NoBrush))

    def shape(self) -> QPainterPath:
        return QPainterPath()
