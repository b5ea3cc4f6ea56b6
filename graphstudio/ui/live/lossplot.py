"""The loss plot dock: one curve per optimizer sink, growing live during Step and Train.

Points arrive in batches (the entries since the last snapshot) and are appended to growing
NumPy buffers. Redrawing is what costs: a pyqtgraph plot repaints its axes (tick labels, auto
range) whenever the data grows — about 20 ms here — so the curves are redrawn at most every
``REDRAW_MS`` (the last batch is never left undrawn), with clip-to-view and automatic
downsampling so 100,000 steps cost no more to draw than a thousand. The view range is set here,
not auto-ranged: the step axis grows by a tenth when the curve reaches its end (and ends at the
last step when the run ends) and the loss axis moves
only when a point leaves it (or the curve has shrunk to a small part of it), so the axes —
most of a redraw's cost — are regenerated a few times per run instead of on every redraw.

Until the first loss arrives the dock says where the curve will appear, rather than showing empty
axes. The pyqtgraph plot (and pyqtgraph itself, a quarter of the editor's start) is made a moment
after the dock is first shown, once the window is drawn, or at the first loss if that comes sooner:
the lesson appears without waiting for it, and a Train pressed later does not stall its first step
on it. A graph with no optimizer keeps the dock hidden and never makes it.
"""
from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QGraphicsItem, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from .. import i18n
from ..i18n import tr

if TYPE_CHECKING:
    import pyqtgraph as pg

REDRAW_MS = 150
GROWTH = 1.1  # while a run goes on, the step axis reaches 10% past the last step
LABEL_ROOM = 16.0  # pixels: two curve-end labels closer than this go one above, one below
PREPARE_MS = 300  # after the dock is first shown: the plot is made once the window has been drawn
PENS = ["#e07b1a", "#2f6fdf", "#1f7a4d", "#c2506e", "#7a4fc0", "#2f8f9a"]


class _Series:
    """A growing (step, loss) buffer with amortised O(1) appends."""

    def __init__(self) -> None:
        self.x = np.empty(256)
        self.y = np.empty(256)
        self.n = 0
        self.lo, self.hi = math.inf, -math.inf  # of the finite losses so far (the axis follows them)
        self.positive_lo = math.inf              # the smallest finite loss above 0 (the log axis's floor)

    def extend(self, xs: list[float], ys: list[float]) -> None:
        need = self.n + len(xs)
        if need > self.x.size:
            size = max(need, 2 * self.x.size)
            self.x = np.resize(self.x, size)
            self.y = np.resize(self.y, size)
        self.x[self.n:need] = xs
        self.y[self.n:need] = ys
        finite = [y for y in ys if math.isfinite(y)]
        if finite:
            self.lo, self.hi = min(self.lo, *finite), max(self.hi, *finite)
            self.positive_lo = min(self.positive_lo, *(y for y in finite if y > 0), math.inf)
        self.n = need


class LossPlot(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plot: pg.PlotWidget | None = None
        self._xmax, self._yrange = 10.0, (0.0, 1.0)
        self.info = QLabel()
        # its text changes at every refresh; a label that asked for a new width each time would
        # re-lay out the plot beside it, and pyqtgraph then rebuilds both axes (~10 ms each)
        self.info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.log_scale = QCheckBox()
        self.log_scale.toggled.connect(self.set_log)
        top = QHBoxLayout()
        top.addWidget(self.info, 1)
        top.addWidget(self.log_scale)
        self.hint = QLabel()
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)  # drawn in the theme's muted text colour
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.hint, 1)
        self.log = False
        # the current loss written at each curve's end, after the optimizer's name when there are
        # several (no legend: a legend in a corner sits where a curve that ends high writes its loss)
        self.labels: dict[str, pg.TextItem] = {}
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.series: dict[str, _Series] = {}
        self.step = 0
        self.lrs: dict[str, float] = {}
        self._drawn = 0.0
        self._marker: Any = None  # the step Time travel shows (made when first needed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.redraw)
        i18n.live(self, self._retranslate)

    @property
    def plot(self) -> pg.PlotWidget:
        """The pyqtgraph plot, made on first use: a curve to draw, or the plot shown."""
        return self._plot if self._plot is not None else self._make_plot()

    def _make_plot(self) -> pg.PlotWidget:
        import pyqtgraph as pg

        plot = self._plot = pg.PlotWidget(background=None)
        plot.showGrid(x=True, y=True, alpha=0.25)
        plot.setClipToView(True)
        plot.setDownsampling(auto=True, mode="peak")
        for axis in ("left", "bottom"):
            item = plot.getAxis(axis)
            item.enableAutoSIPrefix(False)
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # repaints blit, no Python
        # Fixed room for the tick labels: sized to fit, a new label ("0.75" after "0.8") would
        # re-lay out the whole plot and rebuild both axes while training (~40 ms, measured).
        plot.getAxis("left").setWidth(54)
        plot.disableAutoRange()
        plot.setXRange(0, self._xmax, padding=0)
        plot.setYRange(*self._yrange, padding=0)
        self._label_axes()
        self.layout().addWidget(plot, 1)
        for name in self.series:
            self._add_curve(name)
        self._show_plot_or_hint()
        return plot

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        if self._plot is None:
            QTimer.singleShot(PREPARE_MS, self, self._prepare)
        super().showEvent(event)

    def _prepare(self) -> None:
        if self._plot is None:
            self._make_plot()

    def _show_plot_or_hint(self) -> None:
        """The plot once there is a loss to draw; before that, the line that says where it will be."""
        drawn = any(series.n for series in self.series.values())
        self.hint.setVisible(not drawn)
        if self._plot is not None:
            self._plot.setVisible(drawn)

    def _label_axes(self) -> None:
        self.plot.setLabel("bottom", tr("step"))
        self.plot.setLabel("left", tr("loss"))

    def _retranslate(self) -> None:
        if self._plot is not None:
            self._label_axes()
        self.hint.setText(tr("Press Step or Train: each step's loss is drawn here, one curve per optimizer."))
        self.log_scale.setText(tr("log scale"))
        self.log_scale.setToolTip(tr("Loss on a logarithmic axis: a long run's slow progress stays visible"))
        self._show_info()

    def clear(self, names: list[str] = (), lrs: dict[str, float] | None = None) -> None:
        """Empty the plot, with a curve ready for each optimizer in ``names`` (made now where the plot
        is, so a Train's first step does not stall on them).
        ``lrs``: the optimizers' learning rates as the graph sets them (the caption shows them)."""
        for item in [*self.curves.values(), *self.labels.values()]:
            self.plot.removeItem(item)
        self.labels = {}
        self.curves, self.series = {}, {}
        self.step = 0
        self._timer.stop()
        self.mark_step(0)
        self._xmax, self._yrange = 10.0, (0.0, 1.0)
        if self._plot is not None:
            self._plot.setXRange(0, 10, padding=0)
            self._plot.setYRange(0, 1, padding=0)
        for name in names:
            self._series(name)
        if lrs is not None:
            self.lrs = dict(lrs)
        self._show_info()
        self._show_plot_or_hint()

    def _series(self, name: str) -> _Series:
        series = self.series.get(name)
        if series is None:
            series = self.series[name] = _Series()
            if self._plot is not None:
                self._add_curve(name)
        return series

    def _add_curve(self, name: str) -> None:
        import pyqtgraph as pg

        colour = PENS[len(self.curves) % len(PENS)]
        self.curves[name] = self.plot.plot([], [], pen=pg.mkPen(colour, width=2))
        label = self.labels[name] = pg.TextItem(color=colour, anchor=(1, 1))
        label.hide()
        self.plot.addItem(label, ignoreBounds=True)

    def add(self, history: list[dict[str, Any]], step: int, lrs: dict[str, float] | None = None) -> None:
        """Append history entries (``{"step": n, "loss": {optimizer id: value} | None}``)."""
        batches: dict[str, tuple[list[float], list[float]]] = {}
        for entry in history:
            for name, value in (entry.get("loss") or {}).items():
                xs, ys = batches.setdefault(name, ([], []))
                xs.append(float(entry["step"]))
                ys.append(float(value))
        for name, (xs, ys) in batches.items():
            self._series(name).extend(xs, ys)
        self.step = step
        if lrs is not None:
            self.lrs = dict(lrs)
        self._show_info()
        wait = REDRAW_MS / 1000 - (time.monotonic() - self._drawn)
        if wait <= 0:
            self.redraw()
        elif not self._timer.isActive():
            self._timer.start(int(wait * 1000) + 1)

    def set_lrs(self, lrs: dict[str, float]) -> None:
        """The learning rates the caption shows."""
        self.lrs = dict(lrs)
        self._show_info()

    def flush(self) -> None:
        """Draw now what is waiting, with the step axis ending at the last step (the run has ended)."""
        self.redraw(exact=True)

    def set_log(self, on: bool) -> None:
        """Loss on a log axis (losses ≤ 0 are left out there, as a log axis cannot show them)."""
        self.log = bool(on)
        if self.log_scale.isChecked() != self.log:
            self.log_scale.setChecked(self.log)
        self.plot.setLogMode(y=self.log)
        self._yrange = (math.inf, -math.inf)  # refit for the new axis
        self.redraw(exact=True)

    def redraw(self, exact: bool = False) -> None:
        """Hand the buffers to the curves (views, no copies), label each curve's last loss, and
        update the caption; ``exact``: the step axis ends at the last step."""
        self._timer.stop()
        self._drawn = time.monotonic()
        if self._plot is None:
            self._make_plot()
        named = len(self.series) > 1
        for name, series in self.series.items():
            self.curves[name].setData(series.x[:series.n], series.y[:series.n])
            label = self.labels[name]
            y = float(series.y[series.n - 1]) if series.n else math.nan
            if math.isfinite(y) and (y > 0 or not self.log):
                label.setText(f"{name} {y:.4g}" if named else f"{y:.4g}")
                label.setPos(float(series.x[series.n - 1]), math.log10(y) if self.log else y)
                label.show()
            else:
                label.hide()
        self._fit(exact)
        self._spread_labels()
        self._show_plot_or_hint()

    def _spread_labels(self) -> None:
        """Two curves that end close together: one label goes above its end, the other below, not
        one written over the other."""
        if not self.labels:
            return
        box = self.plot.getPlotItem().vb
        shown = sorted(((box.mapViewToScene(label.pos()).y(), label) for label in self.labels.values()
                        if label.isVisible()), key=lambda item: item[0])
        above, last = True, -math.inf
        for y, label in shown:  # top to bottom
            above = not above if y - last < LABEL_ROOM else True
            label.setAnchor((1, 1) if above else (1, 0))
            last = y

    def _fit(self, exact: bool = False) -> None:
        """Grow the ranges in steps (see the module docstring)."""
        filled = [s for s in self.series.values() if s.n]
        if not filled:
            return
        last = max(s.x[s.n - 1] for s in filled)
        if last > self._xmax or (exact and last != self._xmax):
            self._xmax = max(1.0, float(last)) if exact else float(last) * GROWTH
            self.plot.setXRange(0, self._xmax, padding=0)
        finite = [s for s in filled if s.lo <= s.hi]
        if self.log:
            finite = [s for s in finite if s.positive_lo < math.inf]
        if not finite:
            return
        if self.log:
            lo, hi = (math.log10(min(s.positive_lo for s in finite)), math.log10(max(s.hi for s in finite)))
        else:
            lo, hi = min(0.0, *(s.lo for s in finite)), max(s.hi for s in finite)
        a, b = self._yrange
        if lo < a or hi > b or (hi - lo) < 0.25 * (b - a):
            span = (hi - lo) or 1.0
            self._yrange = (lo - (0.05 * span if self.log else 0.0), hi + 0.08 * span)
            self.plot.setYRange(*self._yrange, padding=0)

    def mark_step(self, step: int) -> None:
        """A dashed line at ``step`` (the step Time travel shows); 0 takes it away."""
        marker = self._marker
        if marker is None:
            if not step:
                return
            import pyqtgraph as pg

            marker = self._marker = pg.InfiniteLine(angle=90, pen=pg.mkPen("#888888", width=1,
                                                                            style=Qt.PenStyle.DashLine))
            self.plot.addItem(marker, ignoreBounds=True)
        marker.setVisible(bool(step))
        if step:
            marker.setValue(step)

    def losses(self, name: str) -> np.ndarray:
        """The plotted losses of one optimizer (a copy)."""
        s = self.series.get(name)
        return np.empty(0) if s is None else s.y[:s.n].copy()

    def _show_info(self) -> None:
        lr = ", ".join(f"{k} lr {v:g}" for k, v in self.lrs.items()) or tr("no optimizer")
        last = ", ".join(f"{k} {s.y[s.n - 1]:.4g}" for k, s in self.series.items() if s.n)
        self.info.setText(tr("step {step}").format(step=self.step) + f"  ·  {lr}"
                          + ("  ·  " + tr("loss {values}").format(values=last) if last else ""))
