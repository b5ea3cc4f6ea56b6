"""``LiveSession``: the editor's Run mode, wired into a main window by ``attach_live(window)``.

It connects the parts and decides what each press means; each part stays testable alone:
``worker`` (the engine, in its thread), ``toolbar``, ``overlay`` (panels, dashes, badges on the
canvas), ``animation``, ``viewer``, ``lossplot`` and ``apply``. It uses only the window's public
parts — ``model``, ``scene``, ``view``, ``statusBar()``, ``addToolBar``/``addDockWidget`` — so
the editor needs no change beyond one ``attach_live(self)`` call.

The flow: a press asks the worker (recompiling first if the graph or the device changed since
the last run); the worker answers with Snapshots; a snapshot is shown at once (Animate off,
and always during Train, at most ~30 times a second) or as waves of pulses. ``idle`` fires when
the worker has nothing left to do *and* the animation has landed.
"""
from __future__ import annotations

import dataclasses
import gc
from collections import deque
from typing import Any

import numpy as np
import shiboken6
from PySide6.QtCore import QT_TR_NOOP, QObject, QTimer, Signal, Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QMenu, QPushButton

from graphstudio.document.references import source_of
from graphstudio.engine.core.saved import total_bytes
from graphstudio.program.compiler import Program, compile
from graphstudio.program.instruments import CannotCheck, node_gradcheck, selection_gradcheck, wire_rules
from graphstudio.program.runner import replay

from .animation import Animator, Wave, backward_waves, forward_waves
from .. import graph, i18n
from ..i18n import tr
from ..wording import error_text
from .apply import ApplyTrainedValues
from .chain import STATE_WORDS, ChainRulePanel
from .lossplot import LossPlot
from .overlay import FANOUT, LiveLayer
from .panels import WirePanel
from .statecard import entries
from .target import backward_choice
from .timetravel import TimeTravel
from .toolbar import LiveToolbar
from .viewer import TensorViewer
from .worker import MAX_RATE, LiveThread, Snapshot

#: Wire panels handed new values per event-loop turn by a refresh without animation (see show_now).
SLICE_EDGES = 32


def _is_optimizer(op_name: str) -> bool:
    op = graph.op_class(op_name)
    return op is not None and op.torch_class is not None


class LiveSession(QObject):
    idle = Signal()
    failed = Signal(str, str)     # node id ("" when none), message
    shown = Signal(str)           # a snapshot of this kind is now fully on the canvas

    def __init__(self, window: QMainWindow, max_rate: float = MAX_RATE) -> None:
        super().__init__(window)
        self.window = window
        self.model = window.model        # type: ignore[attr-defined]
        self.scene = window.scene        # type: ignore[attr-defined]
        view = window.view               # type: ignore[attr-defined]
        self.animate = True
        self.device = "cpu"
        self.snapshot: Snapshot | None = None        # the last one shown
        self.latest: Snapshot | None = None          # the last one the run sent with values (time travel's end)
        self.trained: Snapshot | None = None         # the last one with trainable leaves after a step
        self.error: tuple[str, str] | None = None
        self._needs_load = True
        self._applying = False
        self._pending: set[int] = set()
        self._train_latest: Snapshot | None = None
        self._landing: deque[Wave] = deque()            # waves of a refresh still being handed out
        self._landing_kind = ""                          # … of a snapshot of this kind
        self._land_due = False                           # a turn of handing out is scheduled
        self._ignore_upto = 0                        # answers to requests up to this serial are stale
        self._frozen = False                         # gc.freeze() is in force (see train)
        self.live = LiveThread(None, max_rate)
        worker = self.live.worker
        worker.snapshot.connect(self._on_snapshot)
        worker.failed.connect(self._on_failed)
        worker.done.connect(self._on_done)
        self.live.courtesy.acknowledged = True  # _flush_train tells it when a Train snapshot is shown

        self.layer = LiveLayer(self.scene, self, retunable=_is_optimizer)
        self.layer.on_open = self.open_panel
        self.layer.on_open_node = self.open_parameter
        self.layer.on_stale = self._on_stale
        self.animator = Animator(self.scene, self.layer.path_of, self)
        self.animator.finished.connect(self._check_idle)

        self.toolbar = LiveToolbar(window)
        window.addToolBar(self.toolbar)
        self.loss_plot = LossPlot()
        self.viewer = TensorViewer()
        self.loss_dock = self._dock(QT_TR_NOOP("Loss"), self.loss_plot)
        self.viewer_dock = self._dock(QT_TR_NOOP("Tensor"), self.viewer)
        self.steps_panel = TimeTravel()
        self.steps_dock = self._dock(QT_TR_NOOP("Time travel"), self.steps_panel)
        window.tabifyDockWidget(self.loss_dock, self.viewer_dock)
        window.tabifyDockWidget(self.loss_dock, self.steps_dock)
        self.steps_panel.stepChosen.connect(self.show_step)
        self.steps_panel.capChanged.connect(self.live.worker.set_record_cap)
        self.loss_dock.raise_()
        self.chain = ChainRulePanel()
        self.chain_dock = self._dock(QT_TR_NOOP("Chain rule"), self.chain, Qt.DockWidgetArea.RightDockWidgetArea)
        self.chain.gradcheckRequested.connect(self.gradcheck_selected)
        self.shown.connect(lambda kind: self.explain_selection())
        self._root: str | None = None                          # the output the editor's Backward started from
        self._traced: tuple[Any, Program | None] | None = None  # (a run's wires, the program compiled for them)
        self._bottom_shown: bool | None = None
        self._show_bottom_docks()
        self.model.changed.connect(self._show_bottom_docks)
        self._resets = -1
        self._doc_lrs: dict[str, float] = {}
        self.model.changed.connect(self._follow_document)
        self._connect_toolbar()
        self.scene.selectionChanged.connect(self._selection_changed)

        self._offered: tuple[str, str] | None = None   # the node the status bar's button would add
        self._offer_text = ""
        self.offer_button = QPushButton()
        self.offer_button.hide()
        self.offer_button.clicked.connect(self.take_offer)
        status = window.statusBar()
        status.insertPermanentWidget(0, self.offer_button)  # permanent: a message never covers it
        status.messageChanged.connect(lambda text: text == self._offer_text or self.offer_button.hide())

        self._doc_device = self.model.doc.device
        self._pick_doc_device()

        live = self.live  # the closures hold the thread, not the session: they run while the window goes
        window.destroyed.connect(lambda *_: live.shutdown())
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(live.shutdown)

    def _optimizer_ids(self) -> list[str]:
        return [n.id for n in self.model.doc.nodes if _is_optimizer(n.op)]

    def doc_lrs(self) -> dict[str, float]:
        """Each optimizer's learning rate as the graph sets it (its op's default when unset)."""
        lrs = {}
        for n in self.model.doc.nodes:
            if _is_optimizer(n.op):
                default = next((p.default for p in graph.op_class(n.op).params if p.name == "lr"), None)
                lr = n.params.get("lr", default)
                if isinstance(lr, (int, float)):
                    lrs[n.id] = float(lr)
        return lrs

    def _follow_document(self) -> None:
        """The toolbar's lr, the Loss and Tensor docks belong to the open document: another document
        starts them afresh; an edit that adds or removes an optimizer shows its lr until a run reports
        the live one; an edit of an lr (toolbar, inspector, undo) reaches the run from its next step."""
        lrs, before = self.doc_lrs(), self._doc_lrs
        self._doc_lrs = lrs
        if self.model.resets != self._resets:
            self._resets = self.model.resets
            self.viewer.clear()
            self.steps_panel.clear()
            self.loss_plot.clear(self._optimizer_ids(), lrs)
            self.toolbar.set_optimizers(lrs)
            return
        retuned = {k: lr for k, lr in lrs.items() if k in before and before[k] != lr}
        for opt_id, lr in retuned.items():
            self.live.worker.set_lr(lr, opt_id)
        if retuned or self.snapshot is None or set(lrs) != set(self.toolbar.lrs):
            self.toolbar.set_optimizers(lrs)
            self.loss_plot.set_lrs(lrs)

    def _show_bottom_docks(self) -> None:
        """The loss plot only where there is a loss to plot: a graph with no optimizer keeps the canvas
        tall (the tensor viewer still opens when a panel or node is clicked)."""
        wanted = any(_is_optimizer(n.op) for n in self.model.doc.nodes)
        if wanted != self._bottom_shown:
            self._bottom_shown = wanted
            self.loss_dock.setVisible(wanted)
            self.viewer_dock.setVisible(wanted)
            self.steps_dock.setVisible(wanted)
            if wanted:  # a fifth of a laptop's height: the canvas and the lesson beside it keep the rest
                self.window.resizeDocks([self.loss_dock], [min(230, self.window.height() // 5)],
                                        Qt.Orientation.Vertical)
                self.loss_dock.raise_()

    def _dock(self, title: str, widget: Any,
              area: Qt.DockWidgetArea = Qt.DockWidgetArea.BottomDockWidgetArea) -> QDockWidget:
        dock = QDockWidget(self.window)
        dock.setObjectName("Live" + title.replace(" ", ""))
        i18n.live(dock, lambda: dock.setWindowTitle(tr(title)))
        dock.setWidget(widget)
        self.window.addDockWidget(area, dock)
        view_menu = self.window.findChild(QMenu, "view_menu")  # the editor's View menu lists its docks
        if view_menu is not None:
            view_menu.addAction(dock.toggleViewAction())
        return dock

    def _connect_toolbar(self) -> None:
        t = self.toolbar
        t.forwardRequested.connect(self.forward)
        t.backwardRequested.connect(self.backward)
        t.stepRequested.connect(self.step)
        t.trainRequested.connect(self.train)
        t.stopRequested.connect(self.stop)
        t.resetRequested.connect(self.reset)
        t.applyRequested.connect(self.apply_trained)
        t.deviceChanged.connect(self.set_device)
        t.speedChanged.connect(self.set_speed)
        t.animateChanged.connect(self.set_animate)
        t.anomalyChanged.connect(self.live.worker.set_detect_anomaly)
        t.lrChanged.connect(self.set_lr)
        self.set_speed(float(t.speed.value()))
        self._update_buttons()

    # -- commands (toolbar buttons, tests, the screenshot) --------------------------------------------
    def forward(self) -> int:
        return self._request("forward")

    def backward(self) -> int | None:
        """As ``out.backward()``: the graph's sinks, or, with none, the node ``target`` picks.
        None when there is nothing to run backward from (the status bar says what to do)."""
        choice = backward_choice(self.model.doc, self.model.analysis, self.scene.selected_ids())
        if choice.root is None and choice.message:
            self.offer(choice.message, "backward", choice.offer)
            return None
        root = choice.root
        if root is not None:  # the value key of the node's first output (``id:name`` when it has several)
            outputs = self.model.outputs_of(self.model.doc.node(root))
            root = root if len(outputs) <= 1 else f"{root}:{outputs[0]}"
        self._root = root
        serial = self._request("backward", root)
        if choice.message:
            self._say(choice.message)
        return serial

    def step(self) -> int:
        return self._request("step")

    def train(self, steps: int = 0) -> int | None:
        """``steps`` steps at full speed (0: until Stop).

        While it trains, everything already alive is frozen out of the garbage collector: a full
        collection would otherwise walk the whole heap (Qt wrappers, torch, NumPy — tens of ms,
        holding the GIL) while snapshots pour in, and the window would stop answering. Only what
        the run makes is collected; the freeze is lifted when the worker has nothing left to do.
        None when the graph has no optimizer to train (the status bar offers to add one)."""
        if not self._optimizer_ids():
            choice = backward_choice(self.model.doc, self.model.analysis, self.scene.selected_ids(), sinks=False)
            self.offer(tr("Train needs an optimizer: add an sgd node and wire the loss (a scalar) into it"),
                       "sgd", choice.root or choice.offer)
            return None
        if not self._frozen:
            gc.freeze()
            self._frozen = True
        return self._request("train", int(steps))

    def _unfreeze(self) -> None:
        if self._frozen:
            self._frozen = False
            gc.unfreeze()

    def reset(self) -> int:
        return self._request("reset")

    def stop(self) -> None:
        """Stop training within one step, drop queued commands, and land the animation."""
        self.live.stop()
        self.animator.finish()

    def shutdown(self) -> None:
        self.animator.cancel()
        self._landing.clear()
        self.live.shutdown()
        self._unfreeze()

    @property
    def busy(self) -> bool:
        return bool(self._pending) or self.animator.running or bool(self._landing)

    def _request(self, command: str, arg: object = None) -> int:
        self.animator.finish()  # a new press lands the animation that is still playing
        self._land(None, announce=False)  # and a refresh still being handed out (not idle: a command comes)
        if self.error is not None:
            self.layer.clear_error()
            self.error = None
            self.window.statusBar().clearMessage()
        if self._needs_load:
            self._load()
        serial = self.live.request(command, arg)
        self._pending.add(serial)
        self._update_buttons()
        return serial

    def _load(self) -> None:
        self._needs_load = False
        self.snapshot = self.trained = self.latest = None
        self._landing.clear()
        self.layer.clear()
        self.loss_plot.clear(self._optimizer_ids())
        self.steps_panel.clear()
        serial = self.live.request("load", (self.model.doc.copy(), self.model.base_dir, self.device))
        self._pending.add(serial)

    # -- settings ------------------------------------------------------------------------------------------
    def set_device(self, device: str) -> None:
        if device != self.device:
            self.device = device
            self._needs_load = True
            self._landing.clear()
            self.layer.clear()

    def set_speed(self, speed: float) -> None:
        self.animator.speed = float(speed)

    def set_animate(self, on: bool) -> None:
        self.animate = bool(on)
        if not on:
            self.animator.finish()

    def set_lr(self, lr: float, optimizer: str | None = None) -> None:
        """The toolbar's lr: an undoable edit of the optimizer node (every optimizer when None), so the
        saved file and its code say what the canvas trains with; a run takes it from its next step."""
        targets = [k for k in self._optimizer_ids() if optimizer in (None, k) and self.doc_lrs().get(k) != lr]
        if targets:
            stack = self.model.stack
            stack.beginMacro(tr("Set learning rate {lr}").format(lr=f"{lr:g}"))
            try:
                for opt_id in targets:
                    self.model.set_param(opt_id, "lr", lr)
            finally:
                stack.endMacro()
        self.window.statusBar().showMessage(tr("learning rate {lr} from the next step").format(lr=f"{lr:g}"), 4000)

    def _pick_doc_device(self) -> None:
        want = self.model.doc.device or "cpu"
        if not self.toolbar.select_device(want):
            self.toolbar.select_device("cpu")
            if want != "cpu":
                self.window.statusBar().showMessage(tr("The graph asks for {device}, which is unavailable here: "
                                                       "running on the CPU").format(device=want), 8000)
        self.set_device(self.toolbar.current_device())

    def _on_stale(self) -> bool:
        """The graph changed in a way a run depends on. True: clear what the canvas shows."""
        if self._applying:  # the runner already holds exactly what was just written
            return False
        self._needs_load = True
        self._landing.clear()  # values of the old graph, still being handed out
        if self._pending or self.animator.running:  # a run of the old graph: stop it, show nothing more
            self._ignore_upto = self.live.serial
            self.live.stop()
            self.animator.cancel()
            self._train_latest = None
            self._say(tr("Stopped the run: the graph changed"))
        if self.model.doc.device != self._doc_device:
            self._doc_device = self.model.doc.device
            self._pick_doc_device()
        self.loss_plot.clear(self._optimizer_ids())
        self.steps_panel.clear()
        self.snapshot = self.trained = self.latest = None
        self.explain_selection()
        self._update_buttons()
        return True

    # -- answers from the worker ---------------------------------------------------------------------------
    def _on_snapshot(self, snap: Snapshot) -> None:
        if snap.serial <= self._ignore_upto:
            return
        if self.layer.edges is not snap.edges:
            self.layer.set_edges(snap.edges)
        if snap.kind == "reset":
            self._landing.clear()
            self.layer.clear()
            self.loss_plot.clear(self._optimizer_ids())
            self.loss_plot.add([], 0, snap.lrs)
            self.steps_panel.clear()
            self.snapshot, self.trained, self.latest = snap, None, None
            self.toolbar.set_optimizers(snap.lrs)
            self.shown.emit("reset")
            return
        if snap.new_history or snap.kind in ("step", "train", "backward"):
            self.loss_plot.add(snap.new_history, snap.step_count, snap.lrs)
        if snap.new_norms or snap.kind in ("step", "train", "backward"):
            self.steps_panel.update_run(snap.recording, snap.step_count, snap.new_norms)
            self.loss_plot.mark_step(0)  # the run moved on: the canvas shows its latest step
        self.toolbar.set_optimizers(snap.lrs)
        if snap.kind in ("step", "train", "backward") and snap.lrs and snap.leaves:  # an optimizer stepped
            self.trained = snap
        if snap.kind == "train":
            first = self._train_latest is None
            self._train_latest = snap
            if first:
                QTimer.singleShot(0, self._flush_train)  # coalesce: draw the latest, once per event-loop turn
            return
        self.snapshot = snap
        if snap.trace is None:
            return
        self.latest = snap
        if not self.animate:
            self.show_now(snap)
            return
        waves: list[Wave] = []
        if snap.kind in ("forward", "step"):
            waves += self._forward_waves(snap)
        if snap.kind in ("backward", "step"):
            waves += self._backward_waves(snap)
        self.animator.play(waves)

    def _flush_train(self, sliced: bool = True) -> None:
        """Show the latest Train snapshot. During the run its waves are handed out ``SLICE_EDGES``
        wires per event-loop turn, so each frame repaints a slice of the panels (a graph with
        hundreds of wires would otherwise make one long frame per refresh); a snapshot still
        waiting when the run ends (``sliced=False``) lands at once."""
        snap, self._train_latest = self._train_latest, None
        if snap is None:
            return  # shown already (a refresh being handed out goes on)
        if snap.trace is not None:
            self.snapshot = self.latest = snap
            self.show_now(snap, SLICE_EDGES if sliced else None)
            return
        self.shown.emit("train")
        QTimer.singleShot(0, self.live.courtesy.shown)

    def _land(self, budget: int | None = SLICE_EDGES, announce: bool = True) -> None:
        landed, waves = 0, 0
        while self._landing and (budget is None or landed < budget):
            wave = self._landing.popleft()
            wave.on_done()
            landed += len(wave.edges)
            waves += 1
        if self._landing:
            if not self._land_due:  # one chain of turns at a time
                self._land_due = True
                QTimer.singleShot(0, self._land_next)  # the rest after the frame that shows this slice
            return
        # Tell the engine once the repaint this asked for is done: posted paint events go out
        # before a zero timer fires.
        QTimer.singleShot(0, self.live.courtesy.shown)
        if waves and announce:  # this call finished showing something: the run may be over now
            self._check_idle()

    def _land_next(self) -> None:
        self._land_due = False
        self._land()

    def _on_failed(self, serial: int, command: str, node_id: str, message: str) -> None:
        if serial <= self._ignore_upto:
            return
        if command == "load":
            self._needs_load = True
        self.error = (node_id, message)
        if node_id:
            self.layer.mark_error(node_id, message)
        self.window.statusBar().showMessage(tr("Run failed: {why}").format(why=error_text(message)), 15000)
        self.failed.emit(node_id, message)

    def _on_done(self, serial: int) -> None:
        self._pending.discard(serial)
        if not self._pending:
            self._flush_train(sliced=False)
            self.loss_plot.flush()
            self._unfreeze()
        self._update_buttons()
        self._check_idle()

    def _check_idle(self) -> None:
        if not self.busy:
            self.idle.emit()

    def _update_buttons(self) -> None:
        busy = bool(self._pending)
        self.toolbar.set_busy(busy)
        self.steps_panel.set_enabled(not busy)
        self.toolbar.apply.setEnabled(not busy and self.trained is not None and bool(self.trained.leaves))

    # -- showing a snapshot ------------------------------------------------------------------------------------
    def show_step(self, step: int) -> bool:
        """The whole canvas as it was at recorded step ``step`` (0: the latest): values, gradients, the
        optimizer's state in the Chain rule dock — the step replayed from its checkpoint, here, while
        the engine's thread is idle. The run itself stays where it is. False when that step is not
        recorded (or a run is going on)."""
        latest = self.latest
        if latest is None or latest.trace is None or self._pending:
            return False
        if step == 0:
            snap = latest
        else:
            runner = None if latest.recording is None else replay(latest.recording, step)
            if runner is None or runner.trace is None:
                return False
            snap = dataclasses.replace(latest, kind="step", trace=runner.trace.copy(), step_count=step,
                                       new_history=[], new_norms={}, leaves=runner.trainable_leaves(),
                                       states=runner.optimizer_state_copies())
        self.animator.finish()
        self.snapshot = snap
        self.loss_plot.mark_step(step)
        self.show_now(snap, None)  # its last wave says "shown"
        return True

    def show_now(self, snap: Snapshot, budget: int | None = SLICE_EDGES) -> None:
        """What a finished animation leaves, without the animation: ``budget`` wires per event-loop
        turn (None: all at once), so no frame repaints more than a slice of a big graph's panels.

        Nothing is cleared first (a panel is simply given its new value), so Train's refreshes
        do the least work and nothing flickers. A Train refresh still being handed out is
        outdated by the next; any other (the forward before a backward) lands first."""
        if self._landing and not (snap.kind == "train" and self._landing_kind == "train"):
            self._land(None, announce=False)
        self._landing, self._landing_kind = deque(self._waves_now(snap)), snap.kind
        self._land(budget)

    def _waves_now(self, snap: Snapshot) -> list[Wave]:
        waves = []
        if snap.kind in ("forward", "step", "train"):
            waves += self._forward_waves(snap, animated=False)
        if snap.kind in ("backward", "step", "train"):
            waves += self._backward_waves(snap, animated=False)
        return waves

    def _forward_waves(self, snap: Snapshot, animated: bool = True) -> list[Wave]:
        """Values land wire by wire, in waves of equal source depth (see ``animation``)."""
        assert snap.trace is not None
        trace, layer = snap.trace, self.layer
        keys = self._keys_by_node(snap)
        groups = forward_waves(snap.edges, snap.order)
        sources = {source_of(snap.edges[i].source) for i in (groups[0] if groups else [])}

        def start() -> None:
            if animated:  # empty panels, so the student sees each value arrive
                for panel in layer.panels.values():
                    panel.clear()
            if animated or snap.kind == "forward":
                layer.clear_grads()  # last backward's gradients belong to the last forward
            for i in range(len(snap.edges)):
                layer.set_no_grad(i, not self._differentiable(snap, i, keys))
            for node_id in sources:
                self._badge(snap, node_id, keys)

        def land(edges: list[int]) -> None:
            for i in edges:
                layer.show_value(i, trace.edge_value(i))
            for node_id in {snap.edges[i].target for i in edges}:
                self._badge(snap, node_id, keys)

        def done() -> None:
            self._show_results(snap, None if snap.kind == "forward" else ...)
            self.shown.emit("forward")

        waves = [Wave([], False, start)]
        waves += [Wave(g, False, lambda g=g: land(g)) for g in groups]
        waves.append(Wave([], False, done))
        return waves

    def _backward_waves(self, snap: Snapshot, animated: bool = True) -> list[Wave]:
        """Gradients land in reverse waves; a fan-out's sum appears once all its uses have landed."""
        layer = self.layer
        grads = self.gradients(snap)
        by_source: dict[str, list[int]] = {}
        for i in sorted(grads):
            by_source.setdefault(snap.edges[i].source, []).append(i)
        landed: set[int] = set()
        order = {node_id: k + 1 for k, node_id in enumerate(snap.trace.backward_order)}

        def start() -> None:
            if animated:
                layer.clear_grads()
                return
            for i in range(len(snap.edges)):  # only what no longer carries a gradient
                if i not in grads:
                    panel = layer.panel(i, create=False)
                    if panel is not None and panel.grad is not None:
                        panel.set_grad(None)
            summed = {k for k, uses in by_source.items() if sum(len(grads[j]) for j in uses) > 1}
            layer.drop_sums(keep=summed)

        def land(edges: list[int]) -> None:
            for i in edges:
                parts = grads[i]
                layer.show_grad(i, parts[0] if len(parts) == 1 else np.sum(np.stack(parts), axis=0), parts)
                landed.add(i)
            for node_id in {snap.edges[i].target for i in edges} & order.keys():  # it ran: its gradients left
                layer.set_order(node_id, order[node_id])
            for source in {snap.edges[i].source for i in edges}:
                uses = by_source[source]
                parts = [p for j in uses for p in grads[j]]
                if len(parts) > 1 and all(j in landed for j in uses):
                    layer.set_sum(source, parts)

        groups = backward_waves(snap.edges, set(grads), snap.order)
        waves = [Wave([], True, start)]
        waves += [Wave(g, True, lambda g=g: land(g)) for g in groups]
        def done() -> None:
            self._show_results(snap, grads)
            self._show_states(snap)
            self.shown.emit("backward")

        waves.append(Wave([], True, done))
        return waves

    def _show_results(self, snap: Snapshot, grads: Any) -> None:
        """Result cards for the outputs that feed nothing (the answer: ``out = 27.0``) and for
        those used ``FANOUT`` times or more (one card instead of a pile). Their gradient: the
        ``.grad`` PyTorch keeps, or the sum of the contributions that flowed back along the uses;
        ``grads``: those contributions (``gradients``), None for none yet, ``...`` to keep what
        the cards show."""
        assert snap.trace is not None
        trace, layer = snap.trace, self.layer
        uses: dict[str, list[int]] = {}
        for i, e in enumerate(snap.edges):
            uses.setdefault(e.source, []).append(i)
        shown = []
        for key, value in trace.values.items():
            mine = uses.get(key, [])
            if mine and len(mine) < FANOUT:
                continue
            if grads is ...:
                panel = layer.results.get(key)
                grad = None if panel is None else panel.grad
            else:
                parts = [p for j in mine for p in (grads or {}).get(j, ())]
                grad = trace.grads.get(key) if not parts else parts[0] if len(parts) == 1 else \
                    np.sum(np.stack(parts), axis=0)
            meta = snap.meta.get(key)
            layer.show_result(key, value, grad, no_grad=meta is None or not meta.requires_grad)
            shown.append(key)
        layer.drop_results(keep=shown)

    def _show_states(self, snap: Snapshot) -> None:
        """After a Step (or a Train refresh, or a step time travel shows): at each parameter, what each
        optimizer remembers about it and the update it applied (see ``statecard``). Forward and
        Backward leave the cards of the last step as they are: the optimizer still remembers that."""
        if snap.kind not in ("step", "train") or snap.trace is None:
            return
        program = self._traced_program()[0]
        shown = []
        for opt_id, per_leaf in snap.states.items():
            betas = None if program is None else program.step(opt_id).params.get("betas")
            for leaf, state in per_leaf.items():
                bias = (state["step"], betas) if betas and state.get("step") else None
                self.layer.show_state(opt_id, leaf, entries(state, self._update(snap, leaf)), snap.step_count, bias)
                shown.append((opt_id, leaf))
        self.layer.drop_states(keep=shown)

    @staticmethod
    def _update(snap: Snapshot, leaf: str) -> np.ndarray | None:
        """The update the shown step applied to ``leaf``: its value after the step − the value the step's
        forward saw."""
        assert snap.trace is not None
        before, after = snap.trace.values.get(leaf), snap.leaves.get(leaf)
        return None if before is None or after is None else after - before

    def gradients(self, snap: Snapshot) -> dict[int, list[np.ndarray]]:
        """Edge index → the gradient contributions that flowed back along it (seeds for sink inputs)."""
        assert snap.trace is not None
        trace = snap.trace
        grads = {i: list(parts) for i, parts in trace.edge_grads.items() if parts}
        for i, e in enumerate(snap.edges):
            op = snap.sinks.get(e.target)
            if op is None or e.port not in ("tensor", "loss"):
                continue
            value = trace.edge_value(i)
            if value is None:
                continue
            seed = None
            if op == "backward":
                j = next((k for k, f in enumerate(snap.edges) if f.target == e.target and f.port == "gradient"), None)
                seed = trace.edge_value(j) if j is not None else None
            grads[i] = [np.ones_like(value) if seed is None else seed]
        return grads

    @staticmethod
    def _keys_by_node(snap: Snapshot) -> dict[str, list[str]]:
        keys: dict[str, list[str]] = {}
        for key in snap.meta:
            keys.setdefault(source_of(key), []).append(key)
        return keys

    @staticmethod
    def _differentiable(snap: Snapshot, i: int, keys: dict[str, list[str]]) -> bool:
        """Can a gradient flow back along edge i? (source requires grad, and the target records it)."""
        e = snap.edges[i]
        m = snap.meta.get(e.source)
        if m is None or not m.requires_grad:
            return False
        if e.target in snap.sinks:
            return e.port in ("tensor", "loss")
        return any(snap.meta[k].grad_fn for k in keys.get(e.target, ()))

    def _badge(self, snap: Snapshot, node_id: str, keys: dict[str, list[str]]) -> None:
        ks = keys.get(node_id)
        if ks:
            m = snap.meta[ks[0]]
            self.layer.set_meta(node_id, m.grad_fn, m.requires_grad, m.is_leaf)

    # -- the viewer -------------------------------------------------------------------------------------------
    def open_panel(self, panel: WirePanel) -> None:
        count = len(panel.grad_parts)

        def note() -> str:  # (made again when the language changes)
            return tr("sum of {count} contributions").format(count=count) if count > 1 \
                else (tr("gradient that flowed back along this wire") if panel.grad is not None else "")
        snap, (target, port, index) = self.snapshot, panel.key
        source = None if snap is None else next(
            (e.source for e in snap.edges if (e.target, e.port, e.index) == (target, port, index)), None)
        self.viewer.show_tensor(panel.title, panel.value, panel.grad, note,
                                self._state_panes(source) if source is not None else ())
        self.viewer_dock.show()
        self.viewer_dock.raise_()

    def open_node(self, node_id: str) -> bool:
        """Show a node's (first) output and its gradient in the viewer. False when nothing ran yet."""
        snap = self.snapshot
        if snap is None or snap.trace is None:
            return False
        keys = self._keys_by_node(snap).get(node_id)
        if not keys or keys[0] not in snap.trace.values:
            return False
        key = keys[0]
        grad, note = snap.trace.grads.get(key), lambda: ".grad"
        if grad is None:
            grads = self.gradients(snap) if snap.trace.edge_grads else {}
            parts = [p for i, e in enumerate(snap.edges) if e.source == key for p in grads.get(i, [])]
            if parts:
                grad = np.sum(np.stack(parts), axis=0)
                note = lambda: tr("the gradient that reached it (not kept in .grad: not a leaf, no retain_grad)")  # noqa: E731
        grad_fn = snap.meta[key].grad_fn
        self.viewer.show_tensor(lambda: f"{key}  ({grad_fn or tr('leaf')})", snap.trace.values[key], grad, note,
                                self._state_panes(key))
        return True

    def open_parameter(self, param: str) -> None:
        """A state card was clicked: its parameter in the viewer — value, gradient, the optimizer's state."""
        if self.open_node(param):
            self.viewer_dock.show()
            self.viewer_dock.raise_()

    def _state_panes(self, key: str) -> list[tuple[str, np.ndarray, bool, Any]]:
        """What each optimizer keeps about parameter ``key`` after the shown step (PyTorch's state_dict
        names), and the update it applied: the viewer's panes after value and gradient."""
        snap = self.snapshot
        if snap is None or snap.trace is None:
            return []
        panes: list[tuple[str, np.ndarray, bool, Any]] = []
        for opt_id, per_leaf in snap.states.items():
            state = per_leaf.get(key) or {}
            step = state.get("step")
            for name, value, signed in entries(state, None):
                words = STATE_WORDS.get(name)
                title = name if len(snap.states) == 1 else f"{opt_id}: {name}"
                panes.append((title, value, signed, lambda words=words, step=step: ", ".join(
                    ([tr(words)] if words else []) + ([tr("step {t}").format(t=step)] if step else []))))
        update = self._update(snap, key)
        if panes and update is not None:
            panes.append((QT_TR_NOOP("update this step"), update, True,
                          lambda: tr("Δ = the value after the optimizer's step − the value before")))
        return panes

    def _selection_changed(self) -> None:
        if not shiboken6.isValid(self.scene) or self.scene.syncing:  # the window is going away
            return
        ids = self.scene.selected_ids()
        if len(ids) == 1:
            self.open_node(ids[0])
        self.explain_selection()

    # -- the chain rule and gradcheck of the selection ------------------------------------------------------------
    def explain_selection(self) -> None:
        """Show the chain rule of the selected wire (or of every input of the selected node) in the dock."""
        node_id, wire = self._chain_target()
        if node_id is None:
            ids = self.scene.selected_ids()
            if len(ids) > 1 and self._traced_program()[0] is not None:
                self.chain.show_selection(tr("{count} nodes selected: Gradcheck checks them as one function, from "
                                             "the values wired into them to those they hand on.").format(count=len(ids)))
            else:
                self.chain.show_hint()
            return
        program, trace = self._traced_program()
        if program is None or trace is None:
            self.chain.show_hint(tr("Run Forward or Backward to see the chain rule with this run's shapes."))
            return
        step = program.step(node_id)
        snap = self.snapshot
        if snap is not None and node_id in snap.states:  # an optimizer: what it remembers, and the update
            updates = {k: snap.leaves[k] - trace.values[k] for k in snap.states[node_id]
                       if k in snap.leaves and k in trace.values}
            self.chain.show_state(snap.states[node_id], updates, step.params.get("betas"))
            return
        if step.kind != "op":
            self.chain.show_hint(tr("A leaf or a sink has no chain rule of its own: select a wire into an op."))
            return
        try:
            rules = wire_rules(program, trace, node_id, self._root)
        except (KeyError, ValueError):  # the run stopped before this node
            self.chain.show_hint(tr("This node did not run in the last step."))
            return
        if wire is not None:
            rules = [r for r in rules if r.port == wire.port and r.index == wire.index]
        kept = (trace.saved.get(node_id, ()), node_id in trace.freed,
                total_bytes(r for records in trace.saved.values() for r in records))
        self.chain.show_rules(rules, step.op.differentiable and step.op.derivative, kept)

    def gradcheck_selected(self) -> None:
        """Gradcheck of the selected node (or of the node the selected wire feeds, or of several selected
        nodes as one function) at the last run's values."""
        node_id, wire = self._chain_target()
        program, trace = self._traced_program()
        ids = self.scene.selected_ids()
        several = node_id is None and len(ids) > 1
        if program is None or trace is None or (node_id is None and not several):
            return
        try:
            if several:
                check = selection_gradcheck(program, trace, ids)
                result, io = check.result, (check.inputs, check.outputs)
                narrow = selection_gradcheck(program, trace, ids, as_run=True).result
            else:
                result, io = node_gradcheck(program, trace, node_id), None
                narrow = node_gradcheck(program, trace, node_id, as_run=True)  # the run's own dtype
        except CannotCheck as e:
            self.chain.show_gradcheck(e)
            return
        except (KeyError, ValueError) as e:  # the engine's gradcheck refused it (a Jacobian too big)
            self.chain.show_gradcheck(str(e))
            return
        focus = None
        if several:
            names = io[0]
        else:  # the checked inputs are those with a chain rule, in order
            ports = [(r.port, r.index) for r in wire_rules(program, trace, node_id, self._root)]
            names = tuple(port if index is None else f"{port}[{index}]" for port, index in ports)
            if wire is not None:
                focus = ports.index((wire.port, wire.index)) if (wire.port, wire.index) in ports else None
        self.chain.show_gradcheck(result, focus, narrow if narrow.rounding is not None else None, io, names)

    def _chain_target(self) -> tuple[str | None, Any]:
        wires, ids = self.scene.selected_wires(), self.scene.selected_ids()
        if len(wires) == 1 and not ids:
            return wires[0].dst, wires[0]
        return (ids[0], None) if len(ids) == 1 else (None, None)

    def _traced_program(self) -> tuple[Program | None, Any]:
        """The program of the last traced run (compiled once per run of a graph) and its trace."""
        snap = self.snapshot
        if snap is None or snap.trace is None:
            return None, None
        if self._traced is None or self._traced[0] is not snap.edges:
            try:
                program: Program | None = compile(self.model.doc, self.model.base_dir)
            except Exception:  # the graph has a problem now: the canvas says which
                program = None
            self._traced = (snap.edges, program)
        return self._traced[1], snap.trace

    # -- apply trained values ------------------------------------------------------------------------------------
    def apply_trained(self) -> str | None:
        """Write the trained leaves into the graph (one undoable command). Returns why not, if refused."""
        snap = self.trained
        leaves = {} if snap is None else {k: v for k, v in snap.leaves.items() if self.model.has(k)}
        if not leaves:
            return self._say(tr("Nothing to apply: run Step or Train first"))
        try:
            cmd = ApplyTrainedValues(self.model, leaves)
        except ValueError as e:
            return self._say(tr("Cannot apply the trained values: {why}").format(why=e))
        self._applying = True
        try:
            pushed = self.model.push(cmd)
        finally:
            self._applying = False
        self._say(tr("Applied the trained values of {leaves} (Undo puts them back)").format(leaves=", ".join(leaves))
                  if pushed else tr("The graph already holds these values"))
        return None

    def offer(self, text: str, op: str, source: str | None) -> None:
        """Say ``text``, with a button that adds ``op`` wired to ``source`` (none without a source)."""
        self._offered = (op, source) if source is not None and self.model.has(source) else None
        button = self.offer_button
        if self._offered is not None:
            button.setText(tr("Add {op} node ← {source}").format(op=op, source=source))
        self._offer_text = text
        self.window.statusBar().showMessage(text, 30000)
        button.setVisible(self._offered is not None)

    def take_offer(self) -> str | None:
        """Add the offered node beside its source, wired, as one undo step; select it. Its id, or None."""
        if self._offered is None:
            return None
        op, source = self._offered
        self._offered = None
        self.offer_button.hide()
        stack = self.model.stack
        stack.beginMacro(tr("Add {op} and connect").format(op=op))
        try:
            new_id = self.window.view.add_op_near(op, source)  # type: ignore[attr-defined]
            if new_id is not None:
                port = graph.input_ports(self.model.doc.node(new_id))[0].name
                self.model.connect(source, None, new_id, port)
        finally:
            stack.endMacro()
        if new_id is not None:
            self.scene.select_ids([new_id])
            again = tr("Backward") if op == "backward" else tr("Train")
            self._say(tr("Added {node} ({op}) fed by {source}: press {button} again").format(
                node=new_id, op=op, source=source, button=again))
        return new_id

    def _say(self, text: str) -> str:
        self.window.statusBar().showMessage(text, 8000)
        return text


def attach_live(window: QMainWindow, max_rate: float = MAX_RATE) -> LiveSession:
    """Add the Run toolbar, the Loss and Tensor docks and the canvas overlays to an editor window.

    Needs only the window (its ``model``, ``scene``, ``view`` and the QMainWindow API). The
    session is a child of the window; its engine thread is joined when the window is destroyed
    or the application quits.
    """
    return LiveSession(window, max_rate)
