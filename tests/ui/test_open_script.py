"""File › Open Python script…: the script's graph opens laid out, and the inspector shows each node's line."""
from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QLabel

from tests.data import SCRIPTS_DIR


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
