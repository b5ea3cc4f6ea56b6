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


def _menu_action(window, menu: str, text: str):
    found = next(a.menu() for a in window.menuBar().actions() if a.text() == menu)
    return next(a for a in found.actions() if a.text() == text)


def test_a_call_the_engine_lacks_is_one_line_in_the_dialog(window, tmp_path, monkeypatch):
    script = tmp_path / "homework.py"
    script.write_text("import torch\n\nx = torch.linspace(0, 1, 5, requires_grad=True)\n"
                      "y = torch.special.erfcx(x)\ny.sum().backward()\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(script), ""))
    before = window.model.doc
    _menu_action(window, "&File", "Open &Python script…").trigger()
    assert window.model.doc is before
    assert window.warnings == ["homework.py:4: y = torch.special.erfcx(x): not supported by GraphStudio's engine "
                               "(AttributeError: module 'torch' has no attribute 'special')"]


@needs_torch
def test_a_students_training_loop_steps_retunes_and_goes_back_to_code(qtbot, window, monkeypatch):
    """The issue's promise: open the loop from the notes, press Step and see w's and b's gradients, change
    lr on the canvas (the sgd node's field), and copy the result back as code that PyTorch runs."""
    live = window.live
    live.set_animate(False)
    try:
        monkeypatch.setattr(QFileDialog, "getOpenFileName",
                            lambda *a, **k: (str(SCRIPTS_DIR / "linreg_manual.py"), ""))
        _menu_action(window, "&File", "Open &Python script…").trigger()
        assert live.toolbar.lr.text() == "0.02"
        live.toolbar.step.trigger()
        qtbot.waitUntil(lambda: not live.busy and live.snapshot is not None, timeout=10_000)
        x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
        y = np.array([1.0, 3.1, 4.9, 7.2, 8.8])
        w_grad, b_grad = np.mean(2 * (0 - y) * x), np.mean(2 * (0 - y))  # at w = b = 0
        np.testing.assert_allclose(live.layer.panel_at("matmul", "other").grad.ravel(), [w_grad], rtol=1e-5)
        np.testing.assert_allclose(live.layer.panel_at("pred", "other").grad.ravel(), [b_grad], rtol=1e-5)
        for leaf, grad in (("w", w_grad), ("b", b_grad)):
            window.scene.select_ids([leaf])
            np.testing.assert_allclose(live.viewer.grad_pane.array.ravel(), [grad], rtol=1e-5)
        window.scene.select_ids(["sgd"])
        window.inspector.widgets["lr"].setValue(0.05)
        assert window.model.doc.node("sgd").params["lr"] == 0.05
        _menu_action(window, "&Edit", "Copy as P&yTorch code").trigger()
        code = QGuiApplication.clipboard().text()
        assert "torch.optim.SGD([w, b], lr=0.05)" in code
        scope: dict = {}
        exec(compile(code, "copied.py", "exec"), scope)  # noqa: S102 - our own export, under real PyTorch
        assert scope["torch"] is torch and scope["loss"].item() < 0.05
        w, b = torch.zeros(1, 1, requires_grad=True), torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([w, b], lr=0.05)
        xt, yt = torch.tensor(x, dtype=torch.float32).reshape(5, 1), torch.tensor(y, dtype=torch.float32).reshape(5, 1)
        for _ in range(100):  # the student's loop at the new learning rate
            loss = ((xt @ w + b - yt) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        np.testing.assert_allclose(scope["w"].detach().numpy(), w.detach().numpy(), rtol=1e-5)
    finally:
        live.shutdown()


def test_the_code_dock_of_an_imported_script_follows_the_selection(window):
    """Its code is the graph exported again: selecting `loss` marks `loss = …`; clicking `w = …` selects w."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    assert window.open_script(str(SCRIPTS_DIR / "linreg_sgd.py"), ask=False)
    panel = window.code_panel
    panel.refresh()
    window.scene.select_ids(["loss"])
    marks = panel.extraSelections()
    assert len(marks) == 1 and marks[0].cursor.block().text().strip().startswith("loss = torch.nn.functional.mse_loss(")
    line = next(i for i, text in enumerate(panel.toPlainText().splitlines()) if text.startswith("w = "))
    rect = panel.blockBoundingGeometry(panel.document().findBlockByNumber(line)).translated(panel.contentOffset())
    QTest.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(10, int(rect.center().y())))
    assert window.scene.selected_ids() == ["w"]
