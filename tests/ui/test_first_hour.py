"""A student's first hour, driven as a student drives the window: build the PyTorch tutorial's
first autograd example on an empty canvas, Forward and Backward without a backward node; what
Backward and Train say when they cannot guess; where new nodes land; typing shapes as in PyTorch."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from graphstudio.document import Document, Node
from graphstudio.ui.live.target import backward_choice

from tests.oracle import needs_torch, torch
from tests.ui.student import click_node, drop_op, press, type_into, wire


def settle(qtbot, session) -> None:
    qtbot.waitUntil(lambda: not session.busy, timeout=10_000)


def build_first_example(window) -> dict[str, str]:
    """x = ones(2, 2, requires_grad=True); y = x + 2; z = y * y * 3; out = z.mean() — with the mouse."""
    ids = {}
    for name, op, at in [("x", "ones", QPoint(120, 200)), ("y", "add", QPoint(340, 200)),
                         ("yy", "mul", QPoint(560, 200)), ("z", "mul", QPoint(560, 420)),
                         ("out", "mean", QPoint(780, 420))]:
        ids[name] = drop_op(window, op, at)
    inspector = window.inspector
    click_node(window, ids["x"])
    type_into(inspector.widgets["shape"], "2, 2")
    box = inspector.flag_boxes["requires_grad"]
    QTest.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))  # on the tick box
    wire(window, ids["x"], ids["y"], "input")
    wire(window, ids["y"], ids["yy"], "input")
    wire(window, ids["y"], ids["yy"], "other")
    wire(window, ids["yy"], ids["z"], "input")
    wire(window, ids["z"], ids["out"], "input")
    click_node(window, ids["y"])
    type_into(inspector.widgets["input:other"], "2")
    click_node(window, ids["z"])
    type_into(inspector.widgets["input:other"], "3")
    window.scene.clearSelection()
    return ids


@needs_torch
def test_the_first_example_built_by_mouse_runs_backward_without_a_backward_node(qtbot, window, live):
    ids = build_first_example(window)
    doc = window.model.doc
    assert doc.node(ids["x"]).params["shape"] == [2, 2] and doc.node(ids["x"]).params["requires_grad"] is True
    assert not window.model.analysis.problems
    press(window, live.toolbar.forward)
    settle(qtbot, live)
    press(window, live.toolbar.backward)
    settle(qtbot, live)
    assert f"{ids['out']}.backward()" in window.statusBar().currentMessage()
    x = torch.ones(2, 2, requires_grad=True)
    out = ((x + 2) * (x + 2) * 3).mean()
    out.backward()
    assert live.open_node(ids["x"])
    np.testing.assert_allclose(live.viewer.grad_pane.array, x.grad.numpy())
    np.testing.assert_array_equal(live.viewer.grad_pane.array, np.full((2, 2), 4.5))
    assert live.error is None


def two_ends() -> Document:
    return Document(nodes=[
        Node("x", "ones", {}, {"shape": [3], "requires_grad": True}, (0.0, 0.0)),
        Node("s", "sum", {"input": "x"}, {}, (300.0, 0.0)),
        Node("m", "mul", {"input": "x", "other": 3}, {}, (300.0, 200.0)),
        Node("t", "sum", {"input": "m"}, {}, (600.0, 200.0)),
    ])


def test_backward_asks_which_output_and_runs_the_selected_scalar(qtbot, window, live):
    window.model.reset(two_ends())
    press(window, live.toolbar.backward)
    assert "Select one of s, t" in window.statusBar().currentMessage()
    assert not live.busy  # nothing ran
    click_node(window, "t")
    press(window, live.toolbar.backward)
    settle(qtbot, live)
    assert live.open_node("x")
    np.testing.assert_array_equal(live.viewer.grad_pane.array, np.full(3, 3.0))


def test_backward_on_a_tensor_offers_a_backward_node_wired_to_it(qtbot, window, live):
    window.model.reset(Document(nodes=[Node("x", "ones", {}, {"shape": [2, 3], "requires_grad": True}, (0.0, 0.0)),
                                       Node("r", "relu", {"input": "x"}, {}, (300.0, 0.0))]))
    press(window, live.toolbar.backward)
    assert "r is not a scalar" in window.statusBar().currentMessage()
    button = live.offer_button
    assert button.isVisible() and "backward" in button.text()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    (new,) = [n for n in window.model.doc.nodes if n.op == "backward"]
    assert new.inputs["tensor"] == "r"
    assert not button.isVisible()
    boxes = window.scene.node_boxes()
    assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    window.model.stack.undo()  # adding and wiring: one step
    assert [n.op for n in window.model.doc.nodes] == ["ones", "relu"]


def test_train_without_an_optimizer_offers_sgd_on_the_loss(qtbot, window, live):
    window.model.reset(Document(nodes=[Node("w", "ones", {}, {"shape": [3], "requires_grad": True}, (0.0, 0.0)),
                                       Node("loss", "sum", {"input": "w"}, {}, (300.0, 0.0))]))
    press(window, live.toolbar.train)
    assert "optimizer" in window.statusBar().currentMessage()
    assert not live.busy
    QTest.mouseClick(live.offer_button, Qt.MouseButton.LeftButton)
    (sgd,) = [n for n in window.model.doc.nodes if n.op == "sgd"]
    assert sgd.inputs == {"loss": "loss"}


def test_backward_choice_with_a_sink_leaves_it_to_the_sinks(window):
    window.model.reset(Document(nodes=[Node("x", "ones", {}, {"shape": [1], "requires_grad": True}, (0.0, 0.0)),
                                       Node("bw", "backward", {"tensor": "x"}, {}, (300.0, 0.0))]))
    assert backward_choice(window.model.doc, window.model.analysis, []).root is None
    assert backward_choice(window.model.doc, window.model.analysis, [], sinks=False).root == "x"


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_a_tab_added_node_never_lands_on_another(window, qtbot):
    window.model.reset(Document(nodes=[Node("ones", "ones", {}, {"shape": [2]}, (0.0, 0.0))]))
    window.view.resetTransform()
    item = window.scene.nodes["ones"]
    spot = item.mapToScene(item.box().center())
    window.view.centerOn(spot)
    QTest.mouseMove(window.view.viewport(), window.view.mapFromScene(spot))
    popup = window.view.open_search(spot)
    QTest.keyClicks(popup.search, "relu")
    QTest.keyClick(popup.search, Qt.Key.Key_Return)
    boxes = window.scene.node_boxes()
    assert len(boxes) == 2 and not _overlap(*boxes)
    relu = window.scene.nodes["relu"].sceneBoundingRect()
    assert relu.center().x() - spot.x() < 400 and abs(relu.center().y() - spot.y()) < 400  # still near


def test_palette_double_click_puts_the_node_beside_the_selected_one(window):
    window.model.reset(Document(nodes=[Node("a", "ones", {}, {"shape": [2]}, (0.0, 0.0)),
                                       Node("c", "relu", {"input": "a"}, {}, (300.0, 0.0))]))
    click_node(window, "a")
    type_into(window.palette_panel.search, "exp")
    exp = window.model.doc.node("exp")
    boxes = window.scene.node_boxes()
    assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert exp.pos[0] > 0 and abs(exp.pos[1]) < 300  # to the right of a, on its row or near it


def test_search_ranks_name_then_prefix_then_substring_then_description_in_palette_and_popup(window):
    palette = window.palette_panel
    type_into(palette.search, "mean")  # Enter adds the first
    assert [n.op for n in window.model.doc.nodes] == ["mean"]
    listed = palette.visible_ops()
    popup = window.view.open_search(QPointF(0, 0))
    QTest.keyClicks(popup.search, "mean")
    assert [popup.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(popup.list.count())] == listed
    popup.close()
    from graphstudio.ui.graph import op_class
    names = [n.lower() for n in listed]
    kinds = [0 if n == "mean" else 1 if n.startswith("mean") else 2 if "mean" in n else 3 for n in names]
    assert kinds == sorted(kinds) and kinds[0] == 0 and 3 in kinds  # "normal" mentions the mean: listed last
    assert listed.index("normal") > max(i for i, k in enumerate(kinds) if k < 3)
    assert "mean" in (op_class("normal").doc or "").lower()


def sgd_graph(lr: float) -> Document:
    return Document(nodes=[Node("w", "ones", {}, {"shape": [3], "requires_grad": True}, (0.0, 0.0)),
                           Node("loss", "sum", {"input": "w"}, {}, (300.0, 0.0)),
                           Node("opt", "sgd", {"loss": "loss"}, {"lr": lr}, (600.0, 0.0))])


def test_lr_and_docks_follow_the_open_document(qtbot, window, live, tmp_path):
    from graphstudio.document import save
    path = tmp_path / "g.json"
    save(sgd_graph(0.1), path)
    assert window.open_path(path, ask=False)
    bar = live.toolbar
    assert bar.lr.text() == "0.1" and bar.lr.isEnabled()  # before any run
    assert "opt lr 0.1" in live.loss_plot.info.text()
    press(window, bar.step)
    settle(qtbot, live)
    click_node(window, "w")
    assert live.viewer.subject.startswith("w")
    window.new_document()
    assert bar.lr.text() == "" and not bar.lr.isEnabled()
    assert live.viewer.subject == "" and live.viewer.value_pane.array is None
    assert "no optimizer" in live.loss_plot.info.text() and not live.loss_plot.curves
    window.model.reset(sgd_graph(0.5))
    assert bar.lr.text() == "0.5"


def test_loss_plot_follows_the_data_labels_the_last_loss_and_has_a_log_scale(qtbot):
    from graphstudio.ui.live.lossplot import LossPlot
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.add([{"step": i, "loss": {"opt": 10.0 ** -i}} for i in range(1, 61)], 60, {"opt": 0.1})
    plot.flush()
    (x0, x1), _ = plot.plot.viewRange()
    assert x1 == pytest.approx(60)  # not half as far again
    assert plot.labels["opt"].isVisible() and plot.labels["opt"].textItem.toPlainText() == "1e-60"
    QTest.mouseClick(plot.log_scale, Qt.MouseButton.LeftButton, pos=QPoint(8, plot.log_scale.height() // 2))
    assert plot.log
    _, (y0, y1) = plot.plot.viewRange()
    assert y0 <= -60 and y1 >= -1  # every decade in view
    plot.add([{"step": 61, "loss": {"opt": 1e-61}}], 61)
    plot.redraw()
    (x0, x1), _ = plot.plot.viewRange()
    assert 61 <= x1 <= 61 * 1.1 + 1e-9


def test_opening_a_dock_keeps_the_selected_node_in_view(qtbot, window, live):
    window.model.reset(Document(nodes=[Node("a", "ones", {}, {"shape": [2]}, (0.0, 0.0))]))
    view = window.view
    view.resetTransform()
    seen = view.visible_scene_rect()
    item = window.scene.nodes["a"]
    item.setPos(seen.center().x(), seen.bottom() - item.box().height() - 10)  # low in the view
    click_node(window, "a")
    assert not live.viewer_dock.isVisible()
    live.viewer_dock.show()
    qtbot.waitUntil(lambda: view.height() < 700)
    QTest.qWait(20)
    assert view.visible_scene_rect().contains(item.sceneBoundingRect())


def test_the_inspector_placeholder_follows_the_theme(qtbot, window):
    page = window.inspector.widget()
    window.set_theme("dark")
    qtbot.wait(10)
    dark = page.grab().toImage().pixelColor(5, 5)
    window.set_theme("light")
    qtbot.wait(10)
    light = page.grab().toImage().pixelColor(5, 5)
    assert dark.lightness() < 100 < light.lightness()


@needs_torch
def test_copy_as_pytorch_code_and_export_script_run_in_pytorch(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QFileDialog

    from graphstudio.ui.mainwindow import lessons_dir
    assert window.open_path(lessons_dir() / "03_autograd_basics.json", ask=False)
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    code = QGuiApplication.clipboard().text()
    scope: dict = {}
    exec(compile(code, "copied.py", "exec"), scope)
    np.testing.assert_array_equal(scope["x"].grad.numpy(), np.full((2, 2), 4.5))
    target = tmp_path / "basics.py"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    export_menu = next(a.menu() for a in file_menu.actions() if a.menu() is not None and "Export" in a.text())
    next(a for a in export_menu.actions() if "PyTorch" in a.text()).trigger()
    assert target.read_text(encoding="utf-8") == code


def test_code_of_a_graph_with_problems_says_why_instead(window):
    window.model.reset(Document(nodes=[Node("r", "relu", {}, {}, (0.0, 0.0))]))
    window.actions["copy_code"].trigger()
    assert window.statusBar().currentMessage().startswith("Cannot write the PyTorch code: ")
    assert "r" in window.statusBar().currentMessage()


def test_right_click_on_empty_canvas_offers_add_node_and_the_canvas_actions(qtbot, window):
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication
    vp = window.view.viewport()
    where = QPoint(300, 300)
    seen = []

    def pick() -> None:
        menu = QApplication.activePopupWidget()
        seen.extend(a.text() for a in menu.actions())
        menu.actions()[0].trigger()
        menu.close()

    QTimer.singleShot(50, pick)
    QApplication.sendEvent(vp, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, where, vp.mapToGlobal(where)))
    assert seen[0].startswith("Add node here") and "&Paste" in seen and "&Fit Graph" in seen
    popup = window.view.popup
    QTest.keyClicks(popup.search, "relu")
    QTest.keyClick(popup.search, Qt.Key.Key_Return)
    node = window.scene.nodes["relu"]
    spot = window.view.mapToScene(where)
    assert node.mapRectToScene(node.box()).adjusted(-60, -60, 60, 60).contains(spot)


def test_the_tab_popup_is_wide_and_stays_inside_the_window(window):
    view = window.view
    corner = view.mapToScene(QPoint(view.viewport().width() - 5, view.viewport().height() - 5))
    popup = view.open_search(corner)
    assert popup.width() >= 360
    assert window.frameGeometry().contains(popup.frameGeometry())
    popup.close()


def test_the_start_page_greets_a_first_launch_and_opens_a_lesson(qtbot, window):
    page = window.start_page
    assert page.isVisible()
    gallery = page.gallery
    assert gallery.count() == len(window.lessons) >= 20
    texts = [gallery.item(i).text() for i in range(gallery.count())]
    assert texts[2].startswith("3. Autograd basics") and "\n" in texts[2]  # numbered, title then summary
    qtbot.waitUntil(lambda: not gallery.item(2).icon().isNull())  # drawn as the gallery first paints
    gallery.scrollToItem(gallery.item(2))
    rect = gallery.visualItemRect(gallery.item(2))
    double_click(gallery, rect.center())
    assert window.model.doc.title.startswith("Autograd basics") and not page.isVisible()
    window.new_document()  # File › New: the page again, the lesson gone
    assert page.isVisible() and not window.model.doc.nodes


def test_the_start_page_goes_when_the_student_builds_and_comes_back_from_help(qtbot, window):
    page = window.start_page
    QTest.keyClick(page.gallery, Qt.Key.Key_Escape)
    assert not page.isVisible()
    window.actions["start_page"].trigger()
    assert page.isVisible()
    QTest.mouseClick(page.empty, Qt.MouseButton.LeftButton)  # "Start with an empty canvas"
    assert not page.isVisible() and window.view.hasFocus()
    window.actions["start_page"].trigger()
    drop_op(window, "ones", QPoint(200, 200))  # building hides it
    assert not page.isVisible()


def test_a_file_opened_before_the_window_is_shown_is_not_covered_by_the_start_page(qtbot, chain_doc, tmp_path):
    """As a restored window, or a script that opens a file and then shows the window."""
    from PySide6.QtCore import QSettings

    from graphstudio.document import save
    from graphstudio.ui.mainwindow import MainWindow
    path = tmp_path / "chain.json"
    save(chain_doc, path)
    win = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat),
                     recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(win)
    assert win.open_path(str(path), ask=False)
    win.show()
    qtbot.waitExposed(win)
    assert not win.start_page.isVisible()
    win.autosaver.timer.stop()


def test_the_start_page_lists_recent_files(qtbot, window, tmp_path):
    from graphstudio.document import save
    path = tmp_path / "mine.json"
    save(sgd_graph(0.1), path)
    window._remember(str(path))
    window.show_start_page()
    recent = window.start_page.recent
    assert recent.item(0).text().startswith("mine.json")
    double_click(recent, recent.visualItemRect(recent.item(0)).center())
    assert window.model.path == str(path) and not window.start_page.isVisible()


def double_click(view, at: QPoint) -> None:
    """As a mouse does it: a click, then the second press that makes it a double-click."""
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)


def test_lesson_summaries_are_one_plain_sentence():
    from graphstudio.ui.start import summary
    assert summary("The first **autograd**\nexample, as a graph:\n\nNext paragraph.") == \
        "The first autograd example, as a graph"
    assert summary("Leaves keep `.grad`. Others do not.") == "Leaves keep .grad."
    assert summary("x" * 300).endswith("…") and len(summary("x" * 300)) == 110


def test_a_dragged_wire_lights_the_ports_that_take_it_and_says_why_others_refuse(qtbot, window):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from graphstudio.ui.items import OK
    window.model.reset(Document(nodes=[
        Node("a", "ones", {}, {"shape": [2, 3]}, (0.0, 0.0)),
        Node("m", "mm", {"input": "a"}, {}, (300.0, 0.0)),
        Node("r", "relu", {"input": "m"}, {}, (600.0, 0.0)),
        Node("s", "sigmoid", {}, {}, (300.0, 200.0)),
    ]))
    window.view.resetTransform()
    window.view.centerOn(window.scene.content_rect().center())
    scene, vp = window.scene, window.view.viewport()
    start = window.view.mapFromScene(scene.nodes["r"].out_ports["out"].scenePos())
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    assert scene.nodes["s"].in_port("input").verdict == OK  # lit: it would take r
    assert "cycle" in scene.nodes["m"].in_port("mat2").verdict  # m feeds r already
    assert "cycle" in scene.nodes["m"].in_port("mat2").toolTip()
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    assert scene.nodes["s"].in_port("input").verdict is None  # back to normal after the drag

    start = window.view.mapFromScene(scene.nodes["a"].out_ports["out"].scenePos())
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    mat2 = scene.nodes["m"].in_port("mat2")
    assert mat2.verdict == OK  # no cycle; the shapes are checked when the wire reaches it
    over = QPointF(window.view.mapFromScene(mat2.scenePos()))
    QApplication.sendEvent(vp, QMouseEvent(QEvent.Type.MouseMove, over, vp.mapToGlobal(over), Qt.MouseButton.NoButton,
                                           Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    assert mat2.verdict.startswith("Refused: a → m.mat2") and mat2.verdict in window.statusBar().currentMessage()
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, over.toPoint())
    assert "mat2" not in window.model.doc.node("m").inputs


def key(window, k, text: str = "") -> None:
    """A key press where the keyboard is now (the focused widget), as a student types."""
    from PySide6.QtWidgets import QApplication
    target = QApplication.focusWidget() or window
    if text:
        QTest.keyClicks(target, text)
    else:
        QTest.keyClick(target, k)


def add_wired(window, op: str) -> None:
    """C, Tab, the op's name, Enter: a new node wired to the selected one."""
    key(window, Qt.Key.Key_C)
    key(window, Qt.Key.Key_Tab)
    key(window, None, op)
    key(window, Qt.Key.Key_Return)


def inspect(window, *fields: str) -> None:
    """Enter: into the inspector's id field; each text typed into the next field (Tab), Enter; Esc: back."""
    key(window, Qt.Key.Key_Return)
    for i, text in enumerate(fields):
        if i:
            key(window, Qt.Key.Key_Tab)
        if text:  # a field reached by the keyboard has its text selected: typing replaces it
            key(window, None, text)
            key(window, Qt.Key.Key_Return)
    key(window, Qt.Key.Key_Escape)


def focused():
    from PySide6.QtWidgets import QApplication
    return QApplication.focusWidget()


@needs_torch
def test_the_first_example_with_the_keyboard_alone(qtbot, window, live):
    key(window, Qt.Key.Key_Escape)  # the start page goes; the canvas has the keyboard
    assert window.view.hasFocus()
    key(window, Qt.Key.Key_Tab)
    key(window, None, "ones")
    key(window, Qt.Key.Key_Return)
    assert window.scene.selected_ids() == ["ones"] and window.view.hasFocus()
    inspect(window, "x", "2, 2")
    assert window.view.hasFocus()
    key(window, Qt.Key.Key_Return)  # the requires_grad box: Tab past the fields, Space ticks it
    for _ in range(3):  # id, shape, dtype
        key(window, Qt.Key.Key_Tab)
    assert focused() is window.inspector.flag_boxes["requires_grad"]
    key(window, Qt.Key.Key_Space)
    key(window, Qt.Key.Key_Escape)
    add_wired(window, "add")
    inspect(window, "y", "", "2")
    add_wired(window, "mul")
    inspect(window, "yy")
    key(window, Qt.Key.Key_Left)   # along the wire back to y
    assert window.scene.selected_ids() == ["y"]
    key(window, Qt.Key.Key_C)
    key(window, Qt.Key.Key_Right)  # to yy
    key(window, Qt.Key.Key_P)      # its next port: other
    assert "yy.other" in window.statusBar().currentMessage()
    key(window, Qt.Key.Key_Return)
    add_wired(window, "mul")
    inspect(window, "z", "", "3")
    add_wired(window, "mean")
    inspect(window, "out")
    doc = window.model.doc
    assert {n.id: n.inputs for n in doc.nodes} == {
        "x": {}, "y": {"input": "x", "other": 2}, "yy": {"input": "y", "other": "y"},
        "z": {"input": "yy", "other": 3}, "out": {"input": "z"}}
    assert doc.node("x").params == {"shape": [2, 2], "requires_grad": True}
    boxes = window.scene.node_boxes()
    assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    key(window, Qt.Key.Key_F5)  # Forward
    settle(qtbot, live)
    key(window, Qt.Key.Key_F6)  # Backward, on out
    settle(qtbot, live)
    assert "out.backward()" in window.statusBar().currentMessage()
    assert live.open_node("x")
    np.testing.assert_array_equal(live.viewer.grad_pane.array, np.full((2, 2), 4.5))


def test_help_keyboard_lists_every_key(window):
    QTest.keyClick(window, Qt.Key.Key_F1)
    text = window.keyboard_help()
    for expected in ("Forward", "F5", "Backward", "F6", "Tab", "Copy as PyTorch code", "Ctrl+Shift+C", "← →"):
        assert expected in text
    from PySide6.QtWidgets import QMessageBox
    assert window.findChild(QMessageBox, "keyboard_help").isVisible()


def test_the_canvas_shows_when_it_has_the_keyboard(qtbot, window):
    window.hide_start_page()
    view = window.view
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    focused_edge = view.viewport().grab().toImage().pixelColor(1, view.viewport().height() // 2)
    window.palette_panel.search.setFocus()
    qtbot.waitUntil(lambda: not view.hasFocus())
    plain_edge = view.viewport().grab().toImage().pixelColor(1, view.viewport().height() // 2)
    from graphstudio.ui import theme
    assert focused_edge == theme.colors()["selected"] and plain_edge != focused_edge


def test_backward_with_nothing_requiring_grad_says_where_to_tick_it(qtbot, window, live):
    window.model.reset(Document(nodes=[Node("x", "ones", {}, {"shape": [2]}, (0.0, 0.0)),
                                       Node("out", "sum", {"input": "x"}, {}, (300.0, 0.0))]))
    press(window, live.toolbar.backward)
    message = window.statusBar().currentMessage()
    assert "requires_grad" in message and "select x" in message
    assert not live.busy


def test_a_node_added_beside_the_edge_of_the_view_is_scrolled_into_view(window):
    window.hide_start_page()
    view = window.view
    view.resetTransform()
    seen = view.visible_scene_rect()
    window.model.reset(Document(nodes=[Node("a", "ones", {}, {"shape": [2]}, (seen.right() - 200, seen.center().y()))]))
    click_node(window, "a")
    type_into(window.palette_panel.search, "relu")  # beside a: off the right edge, so the view follows
    item = window.scene.nodes["relu"]
    assert view.visible_scene_rect().contains(item.mapRectToScene(item.box()))


@needs_torch
def test_backward_from_a_node_with_two_outputs_starts_at_its_first(qtbot, window, live):
    window.model.reset(Document(nodes=[Node("x", "tensor", {}, {"data": [1.0, 5.0, 2.0], "requires_grad": True},
                                            (0.0, 0.0)),
                                       Node("m", "max", {"input": "x"}, {"dim": 0}, (300.0, 0.0))]))
    click_node(window, "m")
    press(window, live.toolbar.backward)
    settle(qtbot, live)
    assert live.error is None
    x = torch.tensor([1.0, 5.0, 2.0], requires_grad=True)
    x.max(dim=0).values.backward()
    assert live.open_node("x")
    np.testing.assert_array_equal(live.viewer.grad_pane.array, x.grad.numpy())


def test_every_action_has_a_shortcut_listed_in_help_keyboard(window):
    text = window.keyboard_help()
    toolbar = window.live.toolbar
    actions = [a for k, a in window.actions.items() if not k.startswith("theme_") and k != "about"]
    actions += [toolbar.forward, toolbar.backward, toolbar.step, toolbar.train, toolbar.stop, toolbar.reset,
                toolbar.apply]
    for action in actions:
        keys = action.shortcuts()[0].toString(QKeySequence.SequenceFormat.NativeText) if action.shortcuts() else ""
        assert keys, action.text()
        assert keys in text and action.text().replace("&", "").rstrip("…") in text


def test_the_keyboard_connects_from_any_output_of_a_split(window):
    window.model.reset(Document(nodes=[
        Node("x", "ones", {}, {"shape": [4]}, (0.0, 0.0)),
        Node("s", "split", {"tensor": "x"}, {"split_size_or_sections": 2}, (250.0, 0.0)),
        Node("r", "relu", {}, {}, (500.0, 0.0))]))
    window.view.setFocus()
    window.scene.select_ids(["s"])
    key(window, Qt.Key.Key_C)
    key(window, Qt.Key.Key_O)      # from the second piece
    key(window, Qt.Key.Key_Right)  # to r, the nearest node that way
    assert "s:1 → r.input" in window.statusBar().currentMessage()
    key(window, Qt.Key.Key_Return)
    assert window.model.doc.node("r").inputs == {"input": "s:1"}
    window.scene.select_ids(["s"])
    key(window, Qt.Key.Key_C)
    key(window, Qt.Key.Key_O)
    key(window, Qt.Key.Key_O)      # round again to the first piece: the bare reference
    key(window, Qt.Key.Key_Right)
    assert "Connect s → r.input" in window.statusBar().currentMessage()
