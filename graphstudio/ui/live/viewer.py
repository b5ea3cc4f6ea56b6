"""The tensor viewer dock: one tensor's value and its gradient side by side, looked at closely.

For a parameter an optimizer updates, what the optimizer remembers about it (PyTorch's state_dict
names: Adam's ``exp_avg`` and ``exp_avg_sq``, SGD's ``momentum_buffer``, …) and the update it
applied this step follow, one pane each, looked at as closely.

A wire panel is a glance; the viewer is for reading: the numbers in a table (a model over the
NumPy array, so a million elements cost only the visible cells), a heatmap, a histogram, and
the statistics a student checks first (min, max, mean, norm). NaN and Inf are counted and
shown in red wherever they appear. Ranks above 2 are looked at one 2-D slice at a time.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence, Union

import numpy as np
from PySide6.QtCore import QT_TR_NOOP, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QLabel, QSpinBox, QSplitter, QTableView, QTabWidget, QVBoxLayout, QWidget)

from .. import i18n
from ..i18n import tr
from .panels import BAD_COLOR, GRAD_COLOR, VALUE_COLOR, color_range, data_range, fmt, lut, slice_2d, to_rgb

if TYPE_CHECKING:
    import pyqtgraph as pg

# A text shown in the viewer: as it is, or made anew in the interface's language each time it is shown
# (so an open tensor's words follow a change of language).
Text = Union[str, Callable[[], str]]


def _words(text: Text) -> str:
    return text() if callable(text) else text

BAD_BACKGROUND = QColor("#ffd9d6")
MAX_IMAGE = 2048  # heatmap pixels a side (bigger slices are sampled; the table shows every number)


def as_2d(a: np.ndarray) -> np.ndarray:
    """How a table shows an array: a scalar as 1×1, a vector as a column, a matrix as itself."""
    if a.ndim == 0:
        return a.reshape(1, 1)
    if a.ndim == 1:
        return a.reshape(-1, 1)
    return a


def stats(a: np.ndarray) -> dict[str, float]:
    """min, max, mean, norm over the finite elements, and the NaN / Inf counts."""
    x = np.asarray(a)
    out = {"nan": 0, "inf": 0}
    if x.dtype.kind in "fc":
        out["nan"] = int(np.count_nonzero(np.isnan(x)))
        out["inf"] = int(np.count_nonzero(np.isinf(x)))
        x = x[np.isfinite(x)]
    x = x.astype(np.float64).reshape(-1)
    if x.size:
        out.update(min=float(x.min()), max=float(x.max()), mean=float(x.mean()), norm=float(np.linalg.norm(x)))
    return out


class ArrayModel(QAbstractTableModel):
    """A read-only table over a 2-D NumPy array; NaN and Inf cells are red."""

    def __init__(self, array: np.ndarray | None = None) -> None:
        super().__init__()
        self.array = as_2d(np.zeros((0, 0)) if array is None else np.asarray(array))

    def set_array(self, array: np.ndarray) -> None:
        self.beginResetModel()
        self.array = as_2d(np.asarray(array))
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.array.shape[0]

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.array.shape[1]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        v = self.array[index.row(), index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return fmt(v)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bad = self.array.dtype.kind in "fc" and not np.isfinite(v)
        if role == Qt.ItemDataRole.BackgroundRole and bad:
            return BAD_BACKGROUND
        if role == Qt.ItemDataRole.ForegroundRole and bad:
            return BAD_COLOR
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section)
        return None


class TensorPane(QWidget):
    """One array: statistics, then Table / Heatmap / Histogram tabs. The heatmap and histogram
    (pyqtgraph plots, the costly part of the editor's start) are made when either tab is first shown.
    ``title`` is translated when shown (a QT_TR_NOOP text, or a name such as ``exp_avg`` that stays as it is)."""

    def __init__(self, title: str, diverging: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diverging = diverging
        self.array: np.ndarray | None = None
        self.stats: dict[str, float] = {}
        self.title = QLabel()
        self.title.setStyleSheet(f"color: {(GRAD_COLOR if diverging else VALUE_COLOR).name()}")
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.slice = QSpinBox()

        self.slice.valueChanged.connect(lambda _v: self._draw())
        self.model = ArrayModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setDefaultSectionSize(64)
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.heat: pg.PlotWidget | None = None  # with image and hist_curve, made by _make_plots
        self.image: pg.ImageItem | None = None
        self.hist: pg.PlotWidget | None = None
        self.hist_curve: pg.PlotDataItem | None = None
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "")
        self._plot_tabs = (QWidget(), QWidget())  # heatmap, histogram: each holds its plot once made
        for tab in self._plot_tabs:
            QVBoxLayout(tab).setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(tab, "")
        self.tabs.currentChanged.connect(lambda _index: self._make_plots())  # the table is current from the start
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.info)
        layout.addWidget(self.slice)
        layout.addWidget(self.tabs, 1)
        self._note = ""

        def retranslate() -> None:  # the title (marked QT_TR_NOOP by the caller), tabs, and the statistics' words
            self.title.setText(f"<b>{tr(title)}</b>")
            self.slice.setPrefix(tr("slice "))
            for i, name in enumerate((tr("Table"), tr("Heatmap"), tr("Histogram"))):
                self.tabs.setTabText(i, name)
            self.set_array(self.array, self._note)
        i18n.live(self, retranslate)

    def _make_plots(self) -> None:
        """The heatmap and histogram plots, showing the array already set."""
        if self.heat is not None:
            return
        import pyqtgraph as pg

        self.heat = pg.PlotWidget(background=None)
        self.heat.setAspectLocked(True)
        self.heat.invertY(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.heat.addItem(self.image)
        self.hist = pg.PlotWidget(background=None)
        self.hist_curve = self.hist.plot([], [], stepMode="center", fillLevel=0,
                                         brush=(GRAD_COLOR if self.diverging else VALUE_COLOR))
        for tab, plot in zip(self._plot_tabs, (self.heat, self.hist)):
            tab.layout().addWidget(plot)
        if self.array is not None:
            self._draw()
            self._histogram()

    def set_array(self, array: np.ndarray | None, note: Text = "") -> None:
        self.array = None if array is None else np.asarray(array)
        self._note = note
        note = _words(note)
        a = self.array
        if a is None:
            self.stats = {}
            self.info.setText(note or "<i>" + tr("nothing yet") + "</i>")
            self.slice.setVisible(False)
            self.model.set_array(np.zeros((0, 0)))
            if self.image is not None and self.hist_curve is not None:
                self.image.clear()
                self.hist_curve.setData([], [])
            return
        self.stats = stats(a)
        s = self.stats
        parts = [f"[{', '.join(map(str, a.shape))}] {a.dtype.name}"]
        if "min" in s:
            words = {"min": tr("min"), "max": tr("max"), "mean": tr("mean"), "norm": tr("norm")}
            parts.append(" · ".join(f"{words[k]} {fmt(s[k])}" for k in ("min", "max", "mean", "norm")))
        if s["nan"] or s["inf"]:
            parts.append(f"<span style='color:{BAD_COLOR.name()}'><b>{s['nan']} NaN · {s['inf']} Inf</b></span>")
        if note:
            parts.append(f"<i>{note}</i>")
        self.info.setText("<br>".join(parts))
        lead = int(np.prod(a.shape[:-2])) if a.ndim > 2 else 1
        self.slice.blockSignals(True)
        self.slice.setRange(0, max(lead - 1, 0))
        self.slice.blockSignals(False)
        self.slice.setVisible(a.ndim > 2)
        self._draw()
        self._histogram()

    def shown_2d(self) -> np.ndarray:
        assert self.array is not None
        a = self.array
        return slice_2d(a, self.slice.value())[0] if a.ndim > 2 else as_2d(a)

    def _draw(self) -> None:
        """Table and heatmap of the shown slice (the heatmap sampled to MAX_IMAGE a side)."""
        if self.array is None:
            return
        m = self.shown_2d()
        self.model.set_array(m)
        if self.heat is None or self.image is None:
            return
        sy, sx = max(1, -(-m.shape[0] // MAX_IMAGE)), max(1, -(-m.shape[1] // MAX_IMAGE))
        lo, hi, _ = data_range(m)
        lo, hi = color_range(lo, hi, self.diverging)
        table = lut("diverging" if self.diverging else "viridis")
        self.image.setImage(to_rgb(m[::sy, ::sx], lo, hi, table), autoLevels=False)
        self.heat.setToolTip(tr("colour scale: {low} … {high}; NaN magenta, Inf red").format(low=fmt(lo),
                                                                                            high=fmt(hi)))

    def _histogram(self) -> None:
        assert self.array is not None
        if self.hist_curve is None:
            return
        flat = self.array.reshape(-1).astype(np.float64)
        flat = flat[np.isfinite(flat)]
        if flat.size:
            counts, edges = np.histogram(flat, bins=min(50, flat.size))
            self.hist_curve.setData(edges, counts)
        else:
            self.hist_curve.setData([], [])


PROMPT = QT_TR_NOOP("Click a wire panel or select a node after a run.")


class TensorViewer(QWidget):
    """Value on the left, gradient on the right, for a wire or a node output."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.value_pane = TensorPane(QT_TR_NOOP("value"), False)
        self.grad_pane = TensorPane(QT_TR_NOOP("gradient"), True)
        self.split = split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.value_pane)
        split.addWidget(self.grad_pane)
        self.state_panes: list[TensorPane] = []  # the optimizer's state of a parameter, and its update
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.heading)
        layout.addWidget(split, 1)
        self._subject: Text = ""
        i18n.live(self, self._heading)

    @property
    def subject(self) -> str:
        """What is shown (a wire's or a node's output), in the interface's language; "" for nothing."""
        return _words(self._subject)

    def _heading(self) -> None:
        subject = self.subject
        self.heading.setText(f"<b>{subject}</b>" if subject else f"<i>{tr(PROMPT)}</i>")

    def clear(self) -> None:
        """Nothing shown (another document is open)."""
        self._subject = ""
        self._heading()
        self.value_pane.set_array(None)
        self.grad_pane.set_array(None)
        self._show_state(())

    def show_tensor(self, subject: Text, value: np.ndarray | None, grad: np.ndarray | None,
                    grad_note: Text = "", state: Sequence[tuple[str, np.ndarray, bool, Text]] = ()) -> None:
        """Show ``value`` and ``grad`` under ``subject``; the texts may be functions that make them in the
        interface's language, so they follow a change of language while shown. ``state``: more panes
        after them, (title, array, whether its values have a sign, note) each — what an optimizer keeps
        about this parameter."""
        self._subject = subject
        self._heading()
        self.value_pane.set_array(value)
        self.grad_pane.set_array(grad, grad_note if grad is not None or grad_note
                                 else (lambda: tr("no gradient (yet)")))
        self._show_state(state)

    def _show_state(self, state: Sequence[tuple[str, np.ndarray, bool, Text]]) -> None:
        for pane in self.state_panes:
            pane.hide()
            pane.deleteLater()
        self.state_panes = []
        for title, array, signed, note in state:
            pane = TensorPane(title, signed)
            pane.set_array(array, note)
            self.split.addWidget(pane)
            self.state_panes.append(pane)
