"""The Code dock: the graph as PyTorch code, in step with edits; selection and clicks link lines and nodes."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from graphstudio.program.compiler import compile
from graphstudio.program.export_code import export


def _open(window, name: str) -> None:
    from graphstudio.ui.mainwindow import lessons_dir
    assert window.open_path(lessons_dir() / name, ask=False)
    window.code_panel.refresh()


def _marked_line(panel) -> str:
    marks = panel.extraSelections()
    assert len(marks) == 1
    return marks[0].cursor.block().text()


def test_code_dock_shows_the_graph_as_its_exported_script(window):
    _open(window, "21_linear_regression_sgd.json")
    assert window.code_panel.toPlainText() == export(compile(window.model.doc.copy()))


def test_selecting_a_node_highlights_its_line_and_clicking_a_line_selects_its_node(window):
    _open(window, "21_linear_regression_sgd.json")
    panel = window.code_panel
    window.scene.select_ids(["pred"])
    assert _marked_line(panel).strip().startswith("pred = ")
    window.scene.select_ids(["opt"])
    assert _marked_line(panel).startswith("opt = torch.optim.SGD(")
    line = next(i for i, text in enumerate(panel.toPlainText().splitlines()) if text.startswith("w = "))
    block = panel.document().findBlockByNumber(line)
    rect = panel.blockBoundingGeometry(block).translated(panel.contentOffset())
    QTest.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(10, int(rect.center().y())))
    assert window.scene.selected_ids() == ["w"]


def test_backward_sink_owns_its_backward_line(window):
    _open(window, "03_autograd_basics.json")
    sink = next(n.id for n in window.model.doc.nodes if n.op == "backward")
    window.scene.select_ids([sink])
    assert _marked_line(window.code_panel).endswith(".backward()")


def test_code_follows_an_edit(qtbot, window):
    _open(window, "21_linear_regression_sgd.json")
    window.model.set_param("opt", "lr", 0.5)
    qtbot.waitUntil(lambda: "lr=0.5" in window.code_panel.toPlainText(), timeout=3000)


def test_a_graph_with_problems_shows_them_as_comments(qtbot, window):
    from graphstudio.document import Document, Node
    window.model.reset(Document(nodes=[Node("r", "relu", {}, {}, (0.0, 0.0))]))
    window.code_panel.refresh()
    text = window.code_panel.toPlainText()
    assert text.startswith("# The graph has problems") and "r" in text
