"""The Run toolbar: device, Forward / Backward / Step / Train / Stop / Reset, speed, learning rate.

Only widgets and signals live here; ``LiveSession`` decides what a press does. So the toolbar
can be built and checked on its own (the device list on a machine without a GPU, for one).
"""
from __future__ import annotations

import importlib.util

from PySide6.QtCore import QT_TR_NOOP, Qt, Signal
from PySide6.QtGui import QAction, QDoubleValidator, QStandardItemModel
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QSlider, QSpinBox, QToolBar, QWidget

from .. import i18n
from ..i18n import tr


def cuda_status() -> tuple[int, str]:
    """How many CUDA devices the engine can use, and why none when there are none."""
    from graphstudio.engine.core.backend import cuda_device_count

    count = cuda_device_count()
    if count:
        return count, ""
    if importlib.util.find_spec("cupy") is None:
        return 0, tr("CUDA is unavailable: CuPy is not installed (pip install 'graphstudio[gpu]')")
    return 0, tr("CUDA is unavailable: CuPy finds no CUDA device (or driver) on this machine")


class LiveToolbar(QToolBar):
    forwardRequested = Signal()
    backwardRequested = Signal()
    stepRequested = Signal()
    trainRequested = Signal(int)        # steps; 0 = until Stop
    stopRequested = Signal()
    resetRequested = Signal()
    applyRequested = Signal()
    deviceChanged = Signal(str)
    speedChanged = Signal(float)
    animateChanged = Signal(bool)
    anomalyChanged = Signal(bool)
    lrChanged = Signal(float, object)   # lr, optimizer id (None: all)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LiveToolbar")
        self.device = QComboBox()
        self.populate_devices(*cuda_status())
        self.device.currentIndexChanged.connect(lambda _i: self.deviceChanged.emit(self.current_device()))
        self.addWidget(self.device)
        self.addSeparator()

        self.forward = self._button(QT_TR_NOOP("Forward"),
                                    QT_TR_NOOP("Run the graph forward: values travel along the wires"),
                                    self.forwardRequested.emit, "F5")
        self.backward = self._button(QT_TR_NOOP("Backward"),
                                     QT_TR_NOOP("Gradients travel back: the backward and optimizer nodes, or, with "
                                                "none, backward() on the selected scalar (or the only scalar output)"),
                                     self.backwardRequested.emit, "F6")
        self.step = self._button(QT_TR_NOOP("Step"),
                                 QT_TR_NOOP("One training step: zero_grad → forward → backward → optimizer step"),
                                 self.stepRequested.emit, "F7")
        self.train = self._button(QT_TR_NOOP("Train"),
                                  QT_TR_NOOP("Run many steps at full speed (the loss plot follows)"),
                                  lambda: self.trainRequested.emit(self.steps.value()), "F8")
        self.steps = QSpinBox()
        self.steps.setRange(0, 10_000_000)
        self.steps.setValue(100)
        self.addWidget(self.steps)
        self.stop = self._button(QT_TR_NOOP("Stop"),
                                 QT_TR_NOOP("Stop training (takes effect within one step) and the animation"),
                                 self.stopRequested.emit, "Shift+F5")
        self.reset = self._button(QT_TR_NOOP("Reset"),
                                  QT_TR_NOOP("Make every leaf anew: trained values go back to their initial values"),
                                  self.resetRequested.emit, "Ctrl+R")
        self.apply = self._button(QT_TR_NOOP("Apply trained values"),
                                  QT_TR_NOOP("Write the trained leaves into the graph as tensor data (undoable), "
                                             "so a saved file keeps what was learned"),
                                  self.applyRequested.emit, "Ctrl+Shift+A")
        self.addSeparator()

        self.animate = QCheckBox()
        self.animate.setChecked(True)
        self.animate.toggled.connect(self.animateChanged.emit)
        self.addWidget(self.animate)
        self.anomaly = QCheckBox()
        self.anomaly.toggled.connect(self.anomalyChanged.emit)
        self.addWidget(self.anomaly)
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(1, 20)
        self.speed.setValue(5)
        self.speed.setFixedWidth(90)
        self.speed.valueChanged.connect(lambda v: self.speedChanged.emit(float(v)))
        self.speed_label = QLabel()
        self.addWidget(self.speed_label)
        self.addWidget(self.speed)
        self.addSeparator()

        self.addWidget(QLabel(" lr "))
        self.optimizer = QComboBox()
        self.optimizer_action = self.addWidget(self.optimizer)
        self.lr = QLineEdit()
        self.lr.setFixedWidth(72)
        validator = QDoubleValidator(0.0, 1e6, 10)
        validator.setNotation(QDoubleValidator.Notation.ScientificNotation)
        self.lr.setValidator(validator)
        self.lr.editingFinished.connect(self._lr_edited)
        self.optimizer.currentIndexChanged.connect(lambda _i: self._show_lr())
        self.addWidget(self.lr)
        self.lrs: dict[str, float] = {}
        self.set_optimizers({})
        self.set_busy(False)
        i18n.live(self, self._retranslate)

    def _retranslate(self) -> None:
        """The toolbar's own words in the interface's language (the actions see to theirs)."""
        self.setWindowTitle(tr("Run"))
        self.device.setToolTip(tr("Where the graph runs"))
        self.steps.setSpecialValueText(tr("until Stop"))
        self.steps.setSuffix(tr(" steps"))
        self.steps.setToolTip(tr("How many steps Train runs (0: until Stop)"))
        self.animate.setText(tr("Animate"))
        self.animate.setToolTip(tr("Off: run at full speed; the panels show the latest values"))
        self.anomaly.setText(tr("Detect anomaly"))
        self.anomaly.setToolTip(tr("Stop at the first node whose output holds a NaN or Inf, and name the inputs "
                                   "that made it"))
        self.speed.setToolTip(tr("Animation speed"))
        self.speed_label.setText(" " + tr("speed") + " ")
        self.optimizer.setToolTip(tr("Which optimizer the learning rate applies to"))
        self.lr.setToolTip(tr("Learning rate, written into the optimizer node (undoable); a run takes it from its next step "
                              "(param_groups[..]['lr'])"))

    def _button(self, text: str, tip: str, slot: object, shortcut: str | None = None) -> QAction:
        """An action named ``text`` with the tooltip ``tip`` (both marked QT_TR_NOOP, shown translated)."""
        action = QAction(self)
        i18n.live(action, lambda: (action.setText(tr(text)),
                                   action.setToolTip(tr(tip) + (f" ({shortcut})" if shortcut else ""))))
        if shortcut:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        self.addAction(action)
        return action

    # -- devices -------------------------------------------------------------------------------------
    def populate_devices(self, cuda_count: int, reason: str = "") -> None:
        """CPU, then each CUDA device; with none, one disabled "CUDA" entry whose tooltip says why."""
        self.device.blockSignals(True)
        self.device.clear()
        self.device.addItem("CPU", "cpu")
        if cuda_count:
            for i in range(cuda_count):
                self.device.addItem(f"CUDA:{i}", f"cuda:{i}")
        else:
            self.device.addItem("CUDA", "cuda")
            model = self.device.model()
            if isinstance(model, QStandardItemModel):
                model.item(1).setEnabled(False)
            self.device.setItemData(1, reason or tr("CUDA is unavailable"), Qt.ItemDataRole.ToolTipRole)
        self.device.setCurrentIndex(0)
        self.device.blockSignals(False)

    def current_device(self) -> str:
        return str(self.device.currentData())

    def device_enabled(self, index: int) -> bool:
        model = self.device.model()
        return bool(model.flags(model.index(index, 0)) & Qt.ItemFlag.ItemIsEnabled)

    def select_device(self, name: str) -> bool:
        """Pick ``name`` ("cuda" means cuda:0) if it is listed and usable; False otherwise."""
        name = "cuda:0" if name == "cuda" else name
        for i in range(self.device.count()):
            if self.device.itemData(i) == name and self.device_enabled(i):
                self.device.setCurrentIndex(i)
                return True
        return False

    # -- learning rate ---------------------------------------------------------------------------------
    def set_optimizers(self, lrs: dict[str, float]) -> None:
        """The optimizers of the graph and their current lr; the field is off when there are none."""
        changed = list(lrs) != list(self.lrs)
        self.lrs = dict(lrs)
        if changed:
            self.optimizer.blockSignals(True)
            self.optimizer.clear()
            if len(lrs) > 1:
                self.optimizer.addItem("all", None)
            for name in lrs:
                self.optimizer.addItem(name, name)
            self.optimizer.blockSignals(False)
        self.optimizer_action.setVisible(len(lrs) > 1)
        self.lr.setEnabled(bool(lrs))
        if not self.lr.hasFocus():
            self._show_lr()

    def _show_lr(self) -> None:
        target = self.optimizer.currentData()
        value = self.lrs.get(target) if target else next(iter(self.lrs.values()), None)
        self.lr.setText("" if value is None else f"{value:g}")

    def _lr_edited(self) -> None:
        try:
            value = float(self.lr.text())
        except ValueError:
            return
        if value <= 0:
            return
        self.lrChanged.emit(value, self.optimizer.currentData())

    # -- state -------------------------------------------------------------------------------------------
    def set_busy(self, busy: bool) -> None:
        """While the engine works: only Stop (and the speed, animate and lr controls) stay live."""
        for action in (self.forward, self.backward, self.step, self.train, self.reset):
            action.setEnabled(not busy)
        self.device.setEnabled(not busy)
        self.stop.setEnabled(busy)
