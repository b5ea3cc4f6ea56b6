"""The animation: pulses travel along the wires, and each panel fills in when its pulse arrives.

A run is shown as *waves*. Forward, wave *d* carries every wire that leaves a node at depth *d*
(longest path from a leaf), so values appear in topological order and independent branches move
together. Backward, the waves go the other way — a wire's gradient leaves its target once every
use of that target has delivered — with an orange pulse from target to source; wires that carry
no gradient (into ``detach``, out of ``no_grad``, constants) get no backward pulse.

Time is wall-clock (``QElapsedTimer``) sampled by a 60 fps ``QTimer``, so a slow frame skips
ahead instead of slowing the lesson down. ``finish()`` jumps to the end: every wave's
``on_done`` runs in order, so a finished (or stopped) animation leaves every panel showing its
final value — exactly what Animate-off shows at once.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterable, Protocol

from PySide6.QtCore import QElapsedTimer, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen, QRadialGradient
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsScene

from graphstudio.document.references import source_of

FRAME_MS = 16                 # ~60 fps
WAVE_MS_AT_SPEED_1 = 1600.0   # one wave at the slowest speed; speed s divides it
FORWARD_COLOR = QColor("#3d8bff")
BACKWARD_COLOR = QColor("#ff8a1f")


class EdgeLike(Protocol):
    source: str
    target: str


_LAST: list = [None, None, None]  # edges, order, depths of the last call: every snapshot of a run asks again


def depths(edges: Iterable[EdgeLike], order: Iterable[str] = ()) -> dict[str, int]:
    """Longest path (in wires) from a node without inputs, for every node named by ``edges``.

    ``order`` is a topological order of the node ids (the compiler's); missing ids are appended.
    A run's snapshots share one edge list (never mutated): asked again for it, the answer is kept.
    """
    order = list(order)
    if _LAST[0] is edges and _LAST[1] == order:
        return _LAST[2]
    _LAST[:] = [edges, order, _depths(edges, order)]
    return _LAST[2]


def _depths(edges: Iterable[EdgeLike], order: list[str]) -> dict[str, int]:
    incoming: dict[str, list[str]] = {}
    ids: list[str] = list(order)
    for e in edges:
        incoming.setdefault(e.target, []).append(source_of(e.source))
        for n in (source_of(e.source), e.target):
            if n not in incoming:
                incoming.setdefault(n, [])
    seen = set(ids)
    ids += [n for n in incoming if n not in seen]
    depth: dict[str, int] = {}
    for _ in range(2):  # a second pass fixes any id that was out of order
        for n in ids:
            depth[n] = max((depth.get(s, 0) + 1 for s in incoming.get(n, ())), default=0)
    return depth


def forward_waves(edges: list[EdgeLike], order: Iterable[str] = ()) -> list[list[int]]:
    """Edge indices grouped by the depth of their source node, shallowest first."""
    d = depths(edges, order)
    groups: dict[int, list[int]] = {}
    for i, e in enumerate(edges):
        groups.setdefault(d[source_of(e.source)], []).append(i)
    return [groups[k] for k in sorted(groups)]


def backward_waves(edges: list[EdgeLike], carrying: set[int], order: Iterable[str] = ()) -> list[list[int]]:
    """The edges that carried a gradient, grouped by the depth of their target, deepest first."""
    d = depths(edges, order)
    groups: dict[int, list[int]] = {}
    for i, e in enumerate(edges):
        if i in carrying:
            groups.setdefault(d[e.target], []).append(i)
    return [groups[k] for k in sorted(groups, reverse=True)]


@dataclass
class Wave:
    """Pulses along ``edges`` at once (reversed when ``backward``), then ``on_done()``."""

    edges: list[int]
    backward: bool
    on_done: Callable[[], None]


class Pulse(QGraphicsEllipseItem):
    """A small glowing dot."""

    RADIUS = 9.0

    def __init__(self, backward: bool) -> None:
        r = self.RADIUS
        super().__init__(QRectF(-r, -r, 2 * r, 2 * r))
        self.backward = backward
        color = BACKWARD_COLOR if backward else FORWARD_COLOR
        gradient = QRadialGradient(QPointF(0, 0), r)
        core, glow, clear = QColor(color), QColor(color), QColor(color)
        core.setAlpha(255)
        glow.setAlpha(110)
        clear.setAlpha(0)
        gradient.setColorAt(0.0, QColor("#ffffff"))
        gradient.setColorAt(0.25, core)
        gradient.setColorAt(0.55, glow)
        gradient.setColorAt(1.0, clear)
        self.setBrush(QBrush(gradient))
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.setZValue(10)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)


class Animator(QObject):
    """Plays queued waves; ``finished`` when the queue runs dry (also after ``finish()``)."""

    finished = Signal()

    def __init__(self, scene: QGraphicsScene, path_of: Callable[[int], QPainterPath | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.path_of = path_of          # edge index → the wire's current path (None: not on the canvas)
        self.speed = 5.0                # 1 (slow) … 20 (fast)
        self._queue: deque[Wave] = deque()
        self._current: Wave | None = None
        self._paths: list[tuple[Pulse, QPainterPath]] = []
        self._pool: dict[bool, list[Pulse]] = {False: [], True: []}
        self._clock = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self.frames = 0

    @property
    def running(self) -> bool:
        return self._current is not None or bool(self._queue)

    @property
    def wave_ms(self) -> float:
        return WAVE_MS_AT_SPEED_1 / max(self.speed, 0.1)

    def play(self, waves: Iterable[Wave]) -> None:
        self._queue.extend(waves)
        if self._current is None:
            self._next()

    def finish(self) -> None:
        """Jump to the end: every pending wave lands now, in order."""
        self._timer.stop()
        while self._current is not None:
            wave, self._current = self._current, None
            self._hide_pulses()
            wave.on_done()
            if self._queue:
                self._current = self._queue.popleft()
        self._hide_pulses()
        self.finished.emit()

    def cancel(self) -> None:
        """Drop what is queued without showing it (the data it would show is stale)."""
        self._timer.stop()
        self._queue.clear()
        self._current = None
        self._hide_pulses()

    # -- frames -----------------------------------------------------------------------------------
    def _next(self) -> None:
        self._hide_pulses()
        while self._queue:
            wave = self._queue.popleft()
            paths = [(e, p) for e in wave.edges if (p := self.path_of(e)) is not None]
            if not paths:
                wave.on_done()  # nothing to draw on the canvas: land at once
                continue
            self._current = wave
            for _, path in paths:
                pulse = self._pulse(wave.backward)
                pulse.setPos(path.pointAtPercent(1.0 if wave.backward else 0.0))
                self._paths.append((pulse, path))
            self._clock.start()
            if not self._timer.isActive():
                self._timer.start()
            return
        self._current = None
        self._timer.stop()
        self.finished.emit()

    def _tick(self) -> None:
        wave = self._current
        if wave is None:
            self._timer.stop()
            return
        self.frames += 1
        t = min(1.0, self._clock.elapsed() / self.wave_ms)
        s = t * t * (3 - 2 * t)  # ease in and out
        for pulse, path in self._paths:
            pulse.setPos(path.pointAtPercent(1.0 - s if wave.backward else s))
        if t >= 1.0:
            self._current = None
            wave.on_done()
            self._next()

    def _pulse(self, backward: bool) -> Pulse:
        pool = self._pool[backward]
        pulse = pool.pop() if pool else Pulse(backward)
        if pulse.scene() is not self.scene:
            self.scene.addItem(pulse)
        pulse.setVisible(True)
        return pulse

    def _hide_pulses(self) -> None:
        for pulse, _ in self._paths:
            pulse.setVisible(False)
            self._pool[pulse.backward].append(pulse)
        self._paths = []
