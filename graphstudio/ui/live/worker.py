"""The engine's thread: a ``Worker`` QObject, living in its own QThread, owns the ``Runner``.

Why a thread: a Train of thousands of steps must not freeze the canvas, and the engine is
plain Python on NumPy, safe to drive from one other thread (grad mode is thread-local). The
GUI thread only *asks* (``LiveThread.request``, a queued signal) and *receives* ``Snapshot``s —
host NumPy copies it can keep and draw at leisure, never live engine objects.

Three things are deliberately cheap for a long Train:

* Stop is a number, not a message: ``cancel_upto`` is compared with each command's serial after
  every step, so Stop takes effect within one step even though the queue is busy.
* Snapshots are coalesced: at most ``max_rate`` per second, and none while the window is still
  showing the last one. Only the steps that will be shown are traced (``runner.tracing`` is
  switched on just for them), so the untraced steps in between pay nothing for the animation's
  bookkeeping.
* History goes out incrementally (the entries since the previous snapshot), not as a copy of
  everything so far.

And one thing keeps the GUI alive: the GIL. Measured here, a Train of the XOR lesson in a plain
Python thread starves every other thread for up to a second: each small matmul releases and
re-takes the GIL (NumPy does so around BLAS calls), a waiting thread rarely wins that race, and
CPython forces a switch only when the holder kept the GIL for a whole switch interval. PySide6
releases the GIL around most Qt calls too, so every painter call of every Python ``paint``
re-queues for it. So the Train loop steps aside on purpose (``Courtesy``): every ``SLICE_S`` it
sleeps briefly, and longer while the GUI thread's heartbeat is late; and after each snapshot it
sends, it waits until the window has shown it (both bounded, so a busy canvas cannot stall
training either). Measured on the XOR lesson: without that wait the window answered a 10 ms
timer 14 ms late on median (each Qt call of the repaint queued for the GIL behind the engine);
with it, on time — and training is no slower, as the contention was wasted time for both.
"""
from __future__ import annotations

import atexit
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from graphstudio.document import Document
from graphstudio.program.recording import DEFAULT_CAP, Recording
from graphstudio.program.runner import Edge, RunError, Runner, Trace

from ..wording import graph_problems

#: Snapshots per second during Train (the eye sees no more; the GUI thread gets the rest).
MAX_RATE = 30.0
#: The engine runs at most this long before it checks on the GUI thread ...
SLICE_S = 0.008
#: ... by sleeping this long (a real sleep: a zero sleep re-takes the GIL before the GUI wakes);
YIELD_S = 0.0005
#: the GUI thread's heartbeat; older than STARVED_S means it is waiting for the GIL ...
BEAT_MS = 10
STARVED_S = 0.015
#: ... and the engine steps aside until it beats again, for at most this long; as long, at most,
#: it waits after a Train snapshot for the window to have shown it.
MAX_WAIT_S = 0.050


class Courtesy(QObject):
    """Lets the GUI thread have the GIL while the engine trains (see the module docstring).

    Lives in the GUI thread: a ``BEAT_MS`` timer there refreshes ``beat`` while the worker is
    busy. Its Python slot needs the GIL like any other, so a stale beat means the GUI thread is
    starved; ``pause()``, called by the worker between steps, then sleeps until it beats again.
    When the GUI is idle its beat stays fresh and the engine loses only ``YIELD_S`` per slice.
    """

    def __init__(self) -> None:
        super().__init__()
        self.beat = time.monotonic()
        self._last = self.beat
        self.waited = 0.0  # seconds the engine stepped aside (for the benchmark)
        self.acknowledged = False  # whether a window calls ``shown`` for the snapshots it receives
        self._shown = threading.Event()
        self._shown.set()
        self._sent_at = self._shown_at = self._took = 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(BEAT_MS)
        self.timer.timeout.connect(self._beat)

    def _beat(self) -> None:
        self.beat = time.monotonic()

    def pause(self) -> None:
        now = time.monotonic()
        if now - self._last < SLICE_S:
            return
        time.sleep(YIELD_S)
        deadline = now + MAX_WAIT_S
        while time.monotonic() - self.beat > STARVED_S and time.monotonic() < deadline:
            time.sleep(YIELD_S)
        self._last = time.monotonic()
        self.waited += self._last - now

    def sending(self) -> None:
        """Worker: a snapshot goes out now; ``wait_shown`` will wait for the window to show it."""
        self._sent_at = time.monotonic()
        self._shown.clear()

    def wait_shown(self) -> None:
        """Worker: sleep (GIL released) until the window has shown the last snapshot, or MAX_WAIT_S."""
        if self.acknowledged:
            now = time.monotonic()
            self._shown.wait(MAX_WAIT_S)
            self._last = time.monotonic()
            self.waited += self._last - now

    def shown(self) -> None:
        """GUI thread: the last snapshot is on screen (handled, and the repaint it asked for done)."""
        now = time.monotonic()
        if not self._shown.is_set():  # the answer to a snapshot sent: how long showing it took
            self._took = now - self._sent_at
        self._shown_at = now
        self._shown.set()

    def restart(self) -> None:
        """Worker, as a Train begins: nothing is waiting to be shown (a snapshot the window dropped
        as stale, after an edit stopped the last run, will never be answered)."""
        self._took = 0.0
        self._shown.set()

    def ready(self) -> bool:
        """Worker: may another Train snapshot go out? Not while the window is still showing the last
        (a big graph's refresh takes several frames), nor sooner after it than that took: the
        window spends at most half its time on refreshes. The engine trains on, untraced."""
        if not self.acknowledged:
            return True
        return self._shown.is_set() and time.monotonic() - self._shown_at >= self._took


@dataclass
class TensorMeta:
    """What a node badge shows about one output: PyTorch's autograd attributes."""

    requires_grad: bool
    is_leaf: bool
    grad_fn: str | None


@dataclass
class Snapshot:
    """One moment of a run, safe to hand to another thread: plain data and host arrays only.

    ``kind`` is the command that produced it: forward, backward, step, train or reset.
    ``trace`` is None for a reset (or a Train stopped on an untraced step: panels keep the last).
    """

    kind: str
    serial: int
    trace: Trace | None
    step_count: int
    new_history: list[dict[str, Any]] = field(default_factory=list)
    leaves: dict[str, np.ndarray] = field(default_factory=dict)   # trainable leaves, after the step
    meta: dict[str, TensorMeta] = field(default_factory=dict)
    lrs: dict[str, float] = field(default_factory=dict)           # optimizer id → current lr
    device: str = "cpu"
    edges: list[Edge] = field(default_factory=list)               # the program's wires (never mutated)
    order: list[str] = field(default_factory=list)                # node ids, topological
    sinks: dict[str, str] = field(default_factory=dict)           # sink id → op name
    states: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # optimizer → leaf → its state
    # each parameter's gradient norms of the steps since the last snapshot: leaf → (steps, norms), made
    # here on the engine's thread (hundreds of steps × hundreds of parameters per snapshot)
    new_norms: dict[str, tuple[list[float], list[float]]] = field(default_factory=dict)
    recording: Recording | None = None  # the run's time travel (thread-safe: frames are read under its lock)


def norm_columns(entries: list[dict[str, Any]]) -> dict[str, tuple[list[float], list[float]]]:
    """History entries ``{"step": n, "grad_norm": {leaf: norm}}`` as one (steps, norms) pair per leaf."""
    columns: dict[str, tuple[list[float], list[float]]] = {}
    for entry in entries:
        step = float(entry["step"])
        for name, value in entry["grad_norm"].items():
            steps, norms = columns.setdefault(name, ([], []))
            steps.append(step)
            norms.append(value)
    return columns


class Worker(QObject):
    """Runs engine commands one at a time, in the order asked. Never raises into Qt."""

    snapshot = Signal(object)      # Snapshot
    failed = Signal(int, str, str, str)  # serial, the command, the node id ("" when none), the engine's message
    done = Signal(int)             # the serial of a finished command (after its snapshot or failure)

    def __init__(self, max_rate: float = MAX_RATE) -> None:
        super().__init__()
        self.runner: Runner | None = None
        self.detect_anomaly = False  # set from the GUI thread; applied before each command
        self.max_rate = max_rate
        self.cancel_upto = 0               # commands with serial <= this stop at the next step
        self._lr_lock = threading.Lock()
        self._pending_lr: dict[str | None, float] = {}
        self._fresh_forward = False        # a forward ran and its graph has not been used yet
        self._sent_history = 0
        self._sent_norms = 0
        self.record_cap = DEFAULT_CAP     # bytes of time travel per run (0: none)
        self.courtesy: Courtesy | None = None

    # -- called from the GUI thread (thread-safe) ------------------------------------------------
    def set_lr(self, lr: float, optimizer: str | None = None) -> None:
        """Change the learning rate before the next step (``optimizer`` None: every optimizer)."""
        with self._lr_lock:
            if optimizer is None:
                self._pending_lr.clear()
            self._pending_lr[optimizer] = float(lr)

    def set_record_cap(self, cap: int) -> None:
        """Record at most ``cap`` bytes of steps for time travel (0: none), from now on (any thread:
        the recording thins itself at its next step)."""
        self.record_cap = int(cap)
        runner = self.runner
        if runner is not None:
            runner.set_record_cap(self.record_cap)

    # -- the worker thread ------------------------------------------------------------------------
    def set_detect_anomaly(self, on: bool) -> None:
        """Stop at the first node whose output holds a NaN or Inf, from the next command (any thread)."""
        self.detect_anomaly = bool(on)

    @Slot(int, str, object)
    def execute(self, serial: int, command: str, arg: object) -> None:
        runner = self.runner
        if runner is not None and runner.detect_anomaly != self.detect_anomaly:
            runner.set_detect_anomaly(self.detect_anomaly)
        try:
            if command == "load":
                self._load(serial, *arg)  # type: ignore[misc]
            elif serial <= self.cancel_upto or self.runner is None:
                pass  # stopped before it started, or the load failed (and said why)
            else:
                getattr(self, "_" + command)(serial, arg)
        except RunError as e:
            self._fresh_forward = False
            self.failed.emit(serial, command, e.node_id, str(e))
        except Exception as e:  # a run must never take the editor down
            self._fresh_forward = False
            self.failed.emit(serial, command, "", f"{type(e).__name__}: {e}")
        finally:
            self.done.emit(serial)

    def _load(self, serial: int, doc: Document, base_dir: str | None, device: str) -> None:
        """Compile and make a Runner (leaves made afresh). Problems are reported, never raised."""
        from graphstudio.engine.core.backend import DeviceError
        from graphstudio.program.compiler import CompileError, compile

        self.runner = None
        self._fresh_forward = False
        self._sent_history = self._sent_norms = 0
        try:
            program = compile(doc, base_dir)
        except CompileError as e:
            self.failed.emit(serial, "load", e.problems[0].node_id or "", graph_problems(e.problems))
            return
        try:
            self.runner = Runner(program, device=device, trace=True, detect_anomaly=self.detect_anomaly,
                                 record_cap=self.record_cap or None)
        except DeviceError as e:
            self.failed.emit(serial, "load", "", str(e))
            return
        with self._lr_lock:
            self._pending_lr.clear()

    def _forward(self, serial: int, _arg: object) -> None:
        runner = self._traced()
        runner.forward()
        self._fresh_forward = True
        self._emit("forward", serial)

    def _backward(self, serial: int, root: object) -> None:
        """The sinks' backward; ``root`` (a value key or None) also gets ``backward()``."""
        runner = self._traced()
        if not self._fresh_forward:  # Backward on its own: run the forward it needs first
            runner.forward()
            self._emit("forward", serial)
        self._fresh_forward = False
        self._apply_lr()
        runner.backward(root if isinstance(root, str) else None)
        self._emit("backward", serial)

    def _step(self, serial: int, _arg: object) -> None:
        runner = self._traced()
        self._fresh_forward = False
        self._apply_lr()
        runner.step()
        self._emit("step", serial)

    def _train(self, serial: int, arg: object) -> None:
        """``arg`` steps (0: until Stop), one snapshot per 1/max_rate s, from traced steps only."""
        runner = self.runner
        assert runner is not None
        n = int(arg or 0)
        self._fresh_forward = False
        period = 1.0 / self.max_rate
        last_emit = -1.0
        done = 0
        emitted_last = False
        courtesy = self.courtesy
        if courtesy is not None:
            courtesy.restart()
        try:
            while (n == 0 or done < n) and serial > self.cancel_upto:
                self._apply_lr()
                final = n != 0 and done == n - 1
                show = final or (time.monotonic() - last_emit >= period and (courtesy is None or courtesy.ready()))
                runner.tracing = show
                runner.step()
                done += 1
                emitted_last = show
                if show:
                    if courtesy is not None:
                        courtesy.sending()
                    self._emit("train", serial)
                    last_emit = time.monotonic()
                    if courtesy is not None:
                        courtesy.wait_shown()
                elif courtesy is not None:
                    courtesy.pause()
        finally:
            runner.tracing = True
        if not emitted_last and done:
            self._emit("train", serial, with_trace=False)  # stopped: history and leaves still go out

    def _reset(self, serial: int, _arg: object) -> None:
        runner = self.runner
        assert runner is not None
        runner.reset()
        self._fresh_forward = False
        self._sent_history = self._sent_norms = 0
        self._emit("reset", serial)

    # -- helpers ------------------------------------------------------------------------------------
    def _traced(self) -> Runner:
        assert self.runner is not None
        self.runner.tracing = True
        return self.runner

    def _apply_lr(self) -> None:
        """Pending learning-rate changes, between steps: param_groups[..]["lr"] as in PyTorch."""
        if not self._pending_lr:
            return
        with self._lr_lock:
            pending, self._pending_lr = self._pending_lr, {}
        assert self.runner is not None
        for opt_id in self.runner.optimizers:
            lr = pending.get(opt_id, pending.get(None))
            if lr is not None:
                self.runner.set_lr(opt_id, lr)

    def _emit(self, kind: str, serial: int, with_trace: bool = True) -> None:
        runner = self.runner
        assert runner is not None
        history = runner.history
        new = [dict(h, loss=dict(h["loss"]) if h["loss"] else None) for h in history.since(self._sent_history)]
        self._sent_history = len(history)
        recording = runner.recording
        norms = norm_columns([] if recording is None else recording.norms.since(self._sent_norms))
        self._sent_norms = 0 if recording is None else len(recording.norms)
        leaves = runner.trainable_leaves()
        meta = {k: TensorMeta(bool(t.requires_grad), bool(t.is_leaf), t.grad_fn.name() if t.grad_fn else None)
                for k, t in runner.values.items()}
        lrs = {k: float(o.param_groups[0]["lr"]) for k, o in runner.optimizers.items() if o is not None}
        program = runner.program
        states = runner.optimizer_state_copies() if with_trace and lrs else {}
        self.snapshot.emit(Snapshot(kind, serial, runner.trace.copy() if with_trace and runner.trace else None,
                                    len(history), new, leaves, meta, lrs, str(runner.backend.device), runner.edges,
                                    [s.id for s in program.steps], {s.id: s.op.name for s in program.sinks},
                                    states, norms, recording))


class LiveThread(QObject):
    """The GUI thread's handle on the worker: ``request`` a command, ``stop``, ``shutdown``.

    Each request gets a serial; ``stop()`` cancels every request made so far (the running one
    within a step). ``shutdown()`` stops and joins the thread: call it before the owner goes.
    """

    _execute = Signal(int, str, object)

    def __init__(self, parent: QObject | None = None, max_rate: float = MAX_RATE) -> None:
        super().__init__(parent)
        self.worker = Worker(max_rate)
        self.courtesy = self.worker.courtesy = Courtesy()
        self.worker.done.connect(self._done)
        self._busy_upto = 0
        self.thread = QThread()
        self.thread.setObjectName("graphstudio-live")
        self.worker.moveToThread(self.thread)
        self._execute.connect(self.worker.execute)
        self.serial = 0
        self.thread.start()
        _RUNNING.add(self)

    def request(self, command: str, arg: object = None) -> int:
        self.serial += 1
        if command == "train":
            self._busy_upto = self.serial
            self.courtesy.beat = time.monotonic()
            self.courtesy.timer.start()
        self._execute.emit(self.serial, command, arg)
        return self.serial

    def _done(self, serial: int) -> None:
        if serial >= self._busy_upto:
            self.courtesy.timer.stop()

    def stop(self) -> None:
        self.worker.cancel_upto = self.serial

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        import shiboken6

        if shiboken6.isValid(self.thread) and self.thread.isRunning():
            self.stop()
            self.thread.quit()
            self.thread.wait(timeout_ms)


_RUNNING: "weakref.WeakSet[LiveThread]" = weakref.WeakSet()


@atexit.register
def _shutdown_all() -> None:
    """A QThread destroyed while running aborts the process: join any left running at exit."""
    for live in list(_RUNNING):
        live.shutdown()
