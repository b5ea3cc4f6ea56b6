"""File › Open Python script…: the script's graph opens laid out, and the inspector shows each node's line."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QLabel

from tests.data import SCRIPTS_DIR
from tests.oracle import needs_torch, torch


def test_open_python_script_from_the_file_menu(window, monkeypatch):
    script = SCRIPTS_DIR / "linreg_sgd.py"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(script), ""))
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    next(a for a in file_menu.actions() if a.text() == "Open &Python script…").trigger()
    doc = window.model.doc
    assert doc.steps == 100 and {n.op for n in doc.nodes} >= {"tensor", "mm", "add", "mse_loss", "sgd"}
    assert all(n.pos is not None for n in doc.nodes)
    boxes = [window.scene.nodes[n.id].sceneBoundingRect() for n in doc.nodes]
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])  # laid out
    assert window.model.path is None and "linreg_sgd" in window.windowTitle()
    window.scene.select_ids(["loss"])
    label = window.inspector.findChild(QLabel, "script_line")
    assert label.text() == "from linreg_sgd.py, line 12: loss = torch.nn.functional.mse_loss(pred, y)"


def test_a_script_that_fails_is_one_warning_and_changes_nothing(window, tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import torch\nx = torch.ones(2)\nx.frobnicate()\n")
    before = window.model.doc
    assert not window.open_script(str(bad), ask=False)
    assert window.model.doc is before
    assert window.warnings == ["bad.py:3: x.frobnicate(): not supported by GraphStudio's engine "
                               "(AttributeError: 'Tensor' object has no attribute 'frobnicate')"]


@needs_torch
def test_a_students_training_loop_steps_retunes_and_goes_back_to_code(qtbot, window):
    """The issue's promise: open the loop from the notes, Step and see w's and b's gradients, change
    lr on the canvas, and copy the result back as code that PyTorch runs."""
    live = window.live
    live.set_animate(False)
    try:
        assert window.open_script(str(SCRIPTS_DIR / "linreg_manual.py"), ask=False)
        live.step()
        qtbot.waitUntil(lambda: not live.busy and live.snapshot is not None, timeout=10_000)
        grads = live.snapshot.trace.grads
        x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
        y = np.array([1.0, 3.1, 4.9, 7.2, 8.8])
        np.testing.assert_allclose(grads["w"].ravel(), [np.mean(2 * (0 - y) * x)], rtol=1e-5)  # at w = b = 0
        np.testing.assert_allclose(grads["b"].ravel(), [np.mean(2 * (0 - y))], rtol=1e-5)
        assert live.toolbar.lr.text() == "0.02"
        window.model.set_param("sgd", "lr", 0.05)
        window.actions["copy_code"].trigger()
        code = QGuiApplication.clipboard().text()
        assert "torch.optim.SGD([w, b], lr=0.05)" in code
        scope: dict = {}
        exec(compile(code, "copied.py", "exec"), scope)  # noqa: S102 - our own export, under real PyTorch
        assert scope["torch"] is torch and scope["loss"].item() < 0.05
    finally:
        live.shutdown()
