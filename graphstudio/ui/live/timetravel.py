"""The Time travel dock: a slider over the recorded steps of a run, and each parameter's gradient norm.

Moving the slider asks the session to show the whole canvas as it was at that step (``stepChosen``:
the step number, 0 for the latest); its last position is always the latest step. The plot draws
‖grad‖ of every parameter at every step on a log axis, where vanishing gradients sink and exploding
ones climb, with a line at the step shown. How much memory the recording's checkpoints may take is
a setting here (``capChanged``, in bytes); past it they thin out, every step stays reachable, and
showing one replays more steps — the caption says so.

pyqtgraph is imported when the plot is first built (the editor starts without it).
"""
from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSlider, QSpinBox, QVBoxLayout, QWidget

from graphstudio.program.recording import CHECKPOINT_EVERY, DEFAULT_CAP, Recording

from .. import i18n
from ..i18n import tr
from ..wording import size_text

REDRAW_MS = 200
MAX_POINTS = 100_000  # per parameter: past it every other point goes (the plot stays as long as the run)
PENS = ["#2f6fdf", "#e07b1a", "#1f7a4d", "#c2506e", "#7a4fc0", "#2f8f9a", "#8a6d1a", "#555555"]


class _Norms:
    """One parameter's (step, norm) points in growing NumPy buffers, halved past ``MAX_POINTS``."""

    def __init__(self) -> None:
        self.x, self.y, self.n = np.empty(256), np.empty(256), 0

    def extend(self, steps: list[float], norms: list[float]) -> None:
        """Append points in order, a batch at a time (a snapshot brings hundreds of steps for each
        parameter, and the GUI thread must not spend them one by one)."""
        xs = np.asarray(steps, dtype=float)
        ys = np.asarray(norms, dtype=float)
        ys = np.where(ys > 0, ys, math.nan)  # a log axis has no 0
        done = 0
        while done < xs.size:
            if self.n == self.x.size:
                if self.n >= MAX_POINTS:
                    self.x[: self.n // 2] = self.x[: self.n : 2][: self.n // 2]
                    self.y[: self.n // 2] = self.y[: self.n : 2][: self.n // 2]
                    self.n //= 2
                else:
                    self.x, self.y = np.resize(self.x, 2 * self.n), np.resize(self.y, 2 * self.n)
            k = min(xs.size - done, self.x.size - self.n)
            self.x[self.n:self.n + k], self.y[self.n:self.n + k] = xs[done:done + k], ys[done:done + k]
            self.n += k
            done += k


class TimeTravel(QWidget):
    stepChosen = Signal(int)   # a recorded step number; 0: the latest
    capChanged = Signal(int)   # bytes

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setEnabled(False)
        self.slider.valueChanged.connect(self._moved)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.cap_label = QLabel()
        self.cap = QSpinBox()
        self.cap.setRange(0, 4096)
        self.cap.setValue(DEFAULT_CAP >> 20)
        self.cap.valueChanged.connect(lambda mb: self.capChanged.emit(int(mb) << 20))
        top = QHBoxLayout()
        top.addWidget(self.slider, 1)
        top.addWidget(self.cap_label)
        top.addWidget(self.cap)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.caption)
        self._layout = layout
        self.plot: Any = None             # built when the first norms arrive
        self.curves: dict[str, Any] = {}
        self.marker: Any = None
        self.norms: dict[str, _Norms] = {}  # parameter → its norms
        self.recording: Recording | None = None
        self.first = 0                    # the first step the slider reaches (0: none but the latest)
        self.step_count = 0
        self.shown_step = 0               # 0: the latest
        self._setting = False             # the slider is being set, not moved by the student
        self._choosing = False            # a step chosen by the slider is waiting to be shown
        self._drawn = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.redraw)
        i18n.live(self, self._retranslate)

    def _retranslate(self) -> None:
        self.cap_label.setText(tr("Record up to (MB)"))
        self.cap.setSpecialValueText(tr("off"))
        self.cap.setToolTip(tr("Memory for the recorded steps. Past it every other recorded step is dropped and "
                               "only every 2nd (then 4th, 8th…) step is recorded: the whole run stays, coarser."))
        self.slider.setToolTip(tr("Drag to see the whole canvas as it was at an earlier step"))
        if self.plot is not None:
            self.plot.setLabel("bottom", tr("step"))
            self.plot.setLabel("left", tr("‖grad‖"))
        self._show_caption()

    # -- what the session hands over ------------------------------------------------------------------
    def clear(self) -> None:
        """A new run (a reset, another graph): no steps, no norms."""
        self.recording, self.first, self.step_count, self.shown_step = None, 0, 0, 0
        self.norms = {}
        for curve in self.curves.values():
            self.plot.removeItem(curve)
        self.curves = {}
        if self.marker is not None:
            self.marker.hide()
        self._set_slider()
        self._show_caption()

    def update_run(self, recording: Recording | None, step_count: int,
                   new_norms: dict[str, tuple[list[float], list[float]]]) -> None:
        """The run went on to ``step_count`` steps: the slider follows it to its end, the plot grows
        by ``new_norms`` (each parameter's steps and gradient norms since the last update)."""
        self.recording, self.step_count, self.shown_step = recording, step_count, 0
        for name, (steps, norms) in new_norms.items():
            series = self.norms.get(name)
            if series is None:
                series = self.norms[name] = _Norms()
            series.extend(steps, norms)
        first = None if recording is None else recording.first()
        self.first = first if first is not None and first <= step_count else step_count
        self._set_slider()
        self._show_caption()
        if new_norms:
            wait = REDRAW_MS / 1000 - (time.monotonic() - self._drawn)
            if wait <= 0:
                self.redraw()
            elif not self._timer.isActive():
                self._timer.start(int(wait * 1000) + 1)

    def set_enabled(self, enabled: bool) -> None:
        """Scrubbing only between runs (a run in progress shows its own steps)."""
        self.slider.setEnabled(enabled and self.step_count > self.first)

    @property
    def steps(self) -> range:
        """The steps the slider reaches: the first one recorded to the latest."""
        return range(self.first, self.step_count + 1) if self.step_count else range(0)

    def choose(self, step: int) -> None:
        """Move the slider to step ``step`` (0: the latest), as the student would."""
        self.slider.setValue(len(self.steps) - 1 if step == 0 else self.steps.index(step))

    # -- the slider ---------------------------------------------------------------------------------------
    def _set_slider(self) -> None:
        self._setting = True
        try:
            self.slider.setRange(0, max(len(self.steps) - 1, 0))
            self.slider.setValue(self.slider.maximum())
        finally:
            self._setting = False

    def _moved(self, position: int) -> None:
        if self._setting or not self.steps:
            return
        step = self.steps[position]
        self.shown_step = 0 if position == len(self.steps) - 1 else step
        self._show_caption()
        self._place_marker()
        if not self._choosing:  # a drag moves the slider many times a frame: show the last place once
            self._choosing = True
            QTimer.singleShot(0, self._chosen)

    def _chosen(self) -> None:
        self._choosing = False
        self.stepChosen.emit(self.shown_step)

    def _show_caption(self) -> None:
        recording = self.recording
        if not self.step_count:
            self.caption.setText(tr("Step or Train: each step is recorded, to come back to"))
            return
        if self.shown_step:
            text = tr("Showing step {step} of {count}, as it was: Step and Train go on from step {count}").format(
                step=self.shown_step, count=self.step_count)
        else:
            text = tr("Step {count}").format(count=self.step_count)
        if recording is None or recording.cap <= 0:
            text += "  ·  " + tr("recording is off")
        elif recording.first() is None and recording.largest > recording.cap:
            text += "  ·  " + tr("one step needs {size}, more than the {cap} set for recording").format(
                size=size_text(recording.largest), cap=size_text(recording.cap))
        else:
            kept = tr("every step can be shown again: a checkpoint every {n} steps").format(n=recording.interval)
            if recording.interval > CHECKPOINT_EVERY:
                kept += " " + tr("(the memory cap was reached)")
            text += "  ·  " + kept + "  ·  " + f"{size_text(recording.nbytes)} / {size_text(recording.cap)}"
        self.caption.setText(text)

    # -- the plot --------------------------------------------------------------------------------------
    def _build_plot(self) -> None:
        import pyqtgraph as pg

        self.plot = pg.PlotWidget(background=None)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setLogMode(y=True)
        self.plot.setClipToView(True)
        self.plot.setDownsampling(auto=True, mode="peak")
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).enableAutoSIPrefix(False)  # no "(×0.001)" on a log axis of small norms
        self.plot.getAxis("left").setWidth(54)
        self.plot.addLegend(offset=(-10, 2), colCount=8)  # one row, top right: norms mostly fall from the left
        self.marker = pg.InfiniteLine(angle=90, pen=pg.mkPen("#888888", width=1, style=Qt.PenStyle.DashLine))
        self.marker.hide()
        self.plot.addItem(self.marker, ignoreBounds=True)
        self._layout.addWidget(self.plot, 1)
        self._retranslate()

    def redraw(self) -> None:
        """Hand each parameter's norms to its curve."""
        import pyqtgraph as pg

        self._timer.stop()
        self._drawn = time.monotonic()
        if not self.norms:
            return
        if self.plot is None:
            self._build_plot()
        for name, series in self.norms.items():
            curve = self.curves.get(name)
            if curve is None:
                colour = PENS[len(self.curves) % len(PENS)]
                curve = self.curves[name] = self.plot.plot([], [], pen=pg.mkPen(colour, width=2), name=name,
                                                           connect="finite")
            curve.setData(series.x[:series.n], series.y[:series.n])
        self._place_marker()

    def _place_marker(self) -> None:
        if self.marker is None:
            return
        self.marker.setVisible(bool(self.shown_step))
        if self.shown_step:
            self.marker.setValue(self.shown_step)

    def norm_series(self, name: str) -> np.ndarray:
        """The plotted gradient norms of one parameter (a copy)."""
        series = self.norms.get(name)
        return np.empty(0) if series is None else series.y[:series.n].copy()
