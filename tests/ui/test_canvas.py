"""The canvas: palette drops, wiring by drag, refusals, problems, moving, deleting, zooming."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QMouseEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from graphstudio.document import Document, Node
from graphstudio.ui import theme
from graphstudio.ui.items import NodeItem
from graphstudio.ui.layout import HEADER, NODE_WIDTH
from graphstudio.ui.palette import op_mime


def _vp(window, scene_pos: QPointF) -> QPoint:
    return window.view.mapFromScene(scene_pos)


def mouse_drag(window, start: QPointF, end: QPointF, button=Qt.MouseButton.LeftButton) -> None:
    """A real press / move / release on the viewport, in scene coordinates."""
    vp = window.view.viewport()
    a, b = _vp(window, start), _vp(window, end)
    QTest.mousePress(vp, button, Qt.KeyboardModifier.NoModifier, a)
    for t in (0.3, 0.7, 1.0):
        p = QPointF(a.x() + (b.x() - a.x()) * t, a.y() + (b.y() - a.y()) * t)
        QApplication.sendEvent(vp, QMouseEvent(QEvent.Type.MouseMove, p, vp.mapToGlobal(p), Qt.MouseButton.NoButton,
                                               button, Qt.KeyboardModifier.NoModifier))
    QTest.mouseRelease(vp, button, Qt.KeyboardModifier.NoModifier, b)


def show(window, doc: Document) -> None:
    window.model.reset(doc)
    window.view.resetTransform()
    window.view.centerOn(window.scene.content_rect().center())


def test_drop_from_palette_creates_node_at_drop_point(window):
    view = window.view
    target = QPoint(300, 200)
    mime = op_mime("relu")
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(target, *args)  # QPoint: Qt declares drag enter/move events with integer points
    QApplication.sendEvent(view.viewport(), enter)
    assert enter.isAccepted()
    QApplication.sendEvent(view.viewport(), QDragMoveEvent(target, *args))
    drop = QDropEvent(QPointF(target), *args)
    QApplication.sendEvent(view.viewport(), drop)
    assert drop.isAccepted()
    assert [n.op for n in window.model.doc.nodes] == ["relu"]
    item = window.scene.nodes["relu"]
    drop = view.mapToScene(target)
    assert item.sceneBoundingRect().contains(drop) or item.mapRectToScene(item.box()).adjusted(-20, -20, 20, 20) \
        .contains(drop)
    window.model.stack.undo()
    assert window.model.doc.nodes == []


def test_palette_lists_every_registry_op_with_doc_tooltips(window):
    from graphstudio.ui.graph import registry
    palette = window.palette_panel
    assert set(palette.items) == set(registry())
    assert palette.items["mm"].toolTip(0).endswith(registry()["mm"].doc)
    mime = palette.tree.mimeData([palette.items["mm"]])
    assert bytes(mime.data("application/x-graphstudio-op").data()) == b"mm"
    palette.search.setText("matrix")
    assert "mm" in palette.visible_ops() and "relu" not in palette.visible_ops()


def test_dragging_between_ports_connects(window, chain_doc):
    chain_doc.nodes.append(Node("d", "ones", {}, {"shape": [2, 3]}, (0.0, 200.0)))
    show(window, chain_doc)
    out = window.scene.nodes["d"].out_ports["out"].scenePos()
    inp = window.scene.nodes["c"].in_port("other").scenePos()
    mouse_drag(window, out, inp)
    assert window.model.doc.node("c").inputs["other"] == "d"
    assert any(w.wire.src == "d" and w.wire.dst == "c" for w in window.scene.wires)
    window.model.stack.undo()
    assert window.model.doc.node("c").inputs["other"] == 2


def test_dragging_from_input_to_output_connects_too(window, chain_doc):
    chain_doc.nodes.append(Node("d", "ones", {}, {"shape": [2, 3]}, (0.0, 200.0)))
    show(window, chain_doc)
    inp = window.scene.nodes["c"].in_port("other").scenePos()
    out = window.scene.nodes["d"].out_ports["out"].scenePos()
    mouse_drag(window, inp, out)
    assert window.model.doc.node("c").inputs["other"] == "d"


def test_cycle_by_drag_is_refused_with_reason(window, chain_doc, qtbot):
    show(window, chain_doc)
    before = window.model.doc.copy()
    out = window.scene.nodes["c"].out_ports["out"].scenePos()
    inp = window.scene.nodes["b"].in_port("input").scenePos()
    mouse_drag(window, out, inp)
    assert window.model.doc == before
    assert "cycle" in window.statusBar().currentMessage()
    assert window.model.stack.count() == 0


def test_problem_nodes_are_marked(window):
    show(window, Document(nodes=[Node("m", "mm", {"input": "ghost"}, {}, (0.0, 0.0))]))
    item = window.scene.nodes["m"]
    assert item.view.problems
    assert "ghost" in item.toolTip()
    assert "problem" in window.problems_button.text()


def test_output_shows_inferred_shape(window, chain_doc):
    show(window, chain_doc)
    assert window.scene.nodes["b"].view.outputs[0].spec == "[2, 3] float32"
    window.model.set_param("a", "shape", [5])
    assert window.scene.nodes["b"].view.outputs[0].spec == "[5] float32"  # updated on every edit


def test_a_checker_crash_is_one_problem_and_the_nodes_keep_their_ports(window, monkeypatch):
    from graphstudio.program.compiler import Checker

    def crash(self, *args, **kwargs):
        raise ZeroDivisionError("a bug in the checker")

    monkeypatch.setattr(Checker, "check", crash)
    show(window, Document(nodes=[Node("a", "ones", {}, {"shape": [4]}, (0.0, 0.0)),
                                 Node("mx", "max", {"input": "a"}, {"dim": 0}, (300.0, 0.0))]))
    problems = window.model.analysis.problems
    assert [p.message for p in problems] == ["the checker failed: ZeroDivisionError: a bug in the checker"]
    assert [r.name for r in window.scene.nodes["mx"].view.outputs] == ["values", "indices"]
    assert window.scene.nodes["mx"].view.outputs[0].spec == "?"  # not known
    assert "shapes unavailable" in window.problems_button.text()


def test_several_outputs_are_named(window):
    show(window, Document(nodes=[Node("a", "ones", {}, {"shape": [4]}, (0.0, 0.0)),
                                 Node("mx", "max", {"input": "a"}, {"dim": 0}, (300.0, 0.0))]))
    rows = window.scene.nodes["mx"].view.outputs
    assert [r.name for r in rows] == ["values", "indices"] and all(r.show_name for r in rows)


def test_pieces_get_a_port_each_once_the_input_shape_is_known(window):
    show(window, Document(nodes=[Node("a", "ones", {}, {"shape": [3, 2]}, (0.0, 0.0)),
                                 Node("p", "split", {"tensor": "a"}, {"split_size_or_sections": 1}, (300.0, 0.0)),
                                 Node("c", "chunk", {"input": "a"}, {"chunks": 1}, (300.0, 200.0)),
                                 Node("y", "mul", {"input": "p:2", "other": 2.0}, {}, (600.0, 0.0))]))
    assert [r.name for r in window.scene.nodes["p"].view.outputs] == ["0", "1", "2"]
    assert [(r.name, r.spec) for r in window.scene.nodes["c"].view.outputs] == [("0", "[3, 2] float32")]
    assert not window.model.analysis.problems
    assert any(w.wire.src == "p" and w.wire.dst == "y" for w in window.scene.wires)
    window.model.set_param("a", "shape", [2, 2])
    assert [r.name for r in window.scene.nodes["p"].view.outputs] == ["0", "1"]
    assert "has no output '2'" in str(window.model.analysis.problems[0])


def test_moving_a_node_is_one_undoable_command(window, chain_doc):
    show(window, chain_doc)
    item = window.scene.nodes["b"]
    start = item.mapToScene(QPointF(60, 12))  # the header
    mouse_drag(window, start, start + QPointF(83, 41))
    pos = window.model.doc.node("b").pos
    assert pos != (300.0, 0.0)
    assert pos[0] % 20 == 0 and pos[1] % 20 == 0  # snapped to the grid
    assert window.model.stack.count() == 1
    window.model.stack.undo()
    assert window.model.doc.node("b").pos == (300.0, 0.0)
    assert item.pos() == QPointF(300.0, 0.0)


def test_rubber_band_selects_and_delete_removes(window, chain_doc):
    show(window, chain_doc)
    a = window.scene.nodes["a"].sceneBoundingRect()
    b = window.scene.nodes["b"].sceneBoundingRect()
    mouse_drag(window, a.topLeft() - QPointF(30, 30), b.bottomRight() + QPointF(10, 10))
    assert window.scene.selected_ids() == ["a", "b"]
    window.actions["delete"].trigger()
    assert [n.id for n in window.model.doc.nodes] == ["c"]
    assert window.model.doc.node("c").inputs == {"other": 2}
    window.actions["undo"].trigger()
    assert [n.id for n in window.model.doc.nodes] == ["a", "b", "c"]


def test_delete_selected_wire(window, chain_doc):
    show(window, chain_doc)
    wire = next(w for w in window.scene.wires if w.wire.dst == "c")
    window.scene.clearSelection()
    wire.setSelected(True)
    window.actions["delete"].trigger()
    assert window.model.doc.node("c").inputs == {"other": 2}


def test_wheel_zooms_about_the_cursor_and_fit(window, chain_doc):
    show(window, chain_doc)
    view = window.view
    pos = QPointF(200, 150)
    under = view.mapToScene(pos.toPoint())
    event = QWheelEvent(pos, view.viewport().mapToGlobal(pos), QPoint(0, 0), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), event)
    assert view.zoom_level > 1.2
    after = view.mapToScene(pos.toPoint())
    assert abs(after.x() - under.x()) < 3 and abs(after.y() - under.y()) < 3
    window.actions["fit"].trigger()
    visible = view.visible_scene_rect()
    for item in window.scene.nodes.values():
        assert visible.contains(item.sceneBoundingRect())


def test_middle_drag_pans(window, chain_doc):
    show(window, chain_doc)
    view = window.view
    before = view.mapToScene(QPoint(100, 100))
    mouse_drag(window, before, before + QPointF(50, 0), Qt.MouseButton.MiddleButton)
    after = view.mapToScene(QPoint(100, 100))
    assert abs((before.x() - after.x()) - 50) < 2
    assert window.model.stack.count() == 0


def test_tab_search_adds_op_at_cursor(window, qtbot):
    view = window.view
    popup = view.open_search(QPointF(100, 60))
    popup.search.setText("sigm")
    assert popup.list.item(0).data(Qt.ItemDataRole.UserRole) == "sigmoid"
    popup.accept_current()
    node = window.model.doc.node("sigmoid")
    assert abs(node.pos[0] + NODE_WIDTH / 2 - 100) <= 20 and abs(node.pos[1] + HEADER / 2 - 60) <= 20  # centred, snapped


def test_items_follow_undo_of_every_edit(window, chain_doc):
    show(window, chain_doc)
    window.model.remove(["b"])
    assert "b" not in window.scene.nodes
    window.model.stack.undo()
    assert isinstance(window.scene.nodes["b"], NodeItem)
    assert len(window.scene.wires) == 2


def test_space_drag_pans_instead_of_selecting(window, chain_doc):
    show(window, chain_doc)
    view = window.view
    view.setFocus()
    QTest.keyPress(view, Qt.Key.Key_Space)
    before = view.mapToScene(QPoint(100, 100))
    mouse_drag(window, before, before + QPointF(0, 40))
    QTest.keyRelease(view, Qt.Key.Key_Space)
    after = view.mapToScene(QPoint(100, 100))
    assert abs((before.y() - after.y()) - 40) < 2
    assert window.scene.selected_ids() == []


def test_tab_key_and_double_click_open_the_search(window, qtbot):
    view = window.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Tab)
    assert view.popup is not None and view.popup.isVisible()
    view.popup.close()
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(150, 150))
    assert view.popup.isVisible()
    view.popup.choose("tanh")
    assert window.model.has("tanh")


def test_dropping_a_wire_on_a_node_body_uses_its_free_input(window):
    show(window, Document(nodes=[Node("a", "ones", {}, {"shape": [2, 2]}, (0.0, 0.0)),
                                 Node("m", "mm", {}, {}, (300.0, 0.0))]))
    out = window.scene.nodes["a"].out_ports["out"].scenePos()
    body = window.scene.nodes["m"].mapToScene(QPointF(90, 12))
    mouse_drag(window, out, body)
    assert window.model.doc.node("m").inputs == {"input": "a"}
    mouse_drag(window, out, body)
    assert window.model.doc.node("m").inputs == {"input": "a", "mat2": "a"}


def test_delete_key_removes_selection(window, chain_doc):
    show(window, chain_doc)
    window.scene.select_ids(["c"])
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Delete)
    assert not window.model.has("c")


def test_a_cached_node_box_repaints_after_an_edit_selection_and_theme(window, chain_doc):
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QGraphicsItem

    window.model.reset(chain_doc)
    scene = window.scene
    item = scene.nodes["a"]
    assert item.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache
    box = item.sceneBoundingRect()

    def shot() -> QImage:
        image = QImage(int(box.width()), int(box.height()), QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        scene.render(painter, QRectF(image.rect()), box)
        painter.end()
        return image

    first = shot()
    assert shot() == first
    window.model.set_param("a", "shape", [4, 5])  # the box shows the new shape
    assert "[4, 5]" in scene.nodes["a"].view.outputs[0].spec
    edited = shot()
    assert edited != first
    scene.nodes["a"].setSelected(True)
    selected = shot()
    assert selected != edited
    scene.nodes["a"].setSelected(False)
    assert shot() == edited
    window.model.stack.undo()
    assert shot() == first
    old_theme = theme.current()
    inside = item.mapToScene(item.box().center().x(), item.box().bottom() - 3) - box.topLeft()
    body = first.pixel(int(inside.x()), int(inside.y()))
    window.set_theme("dark" if old_theme != "dark" else "light")
    try:  # a new theme repaints the cached box in its colours
        assert shot().pixel(int(inside.x()), int(inside.y())) != body
    finally:
        window.set_theme(old_theme)
    assert shot() == first


def test_a_wire_let_go_in_empty_space_offers_ops_that_take_it_and_connects(window, chain_doc):
    show(window, chain_doc)
    before = window.model.doc.copy()
    out = window.scene.nodes["c"].out_ports["out"].scenePos()
    mouse_drag(window, out, out + QPointF(250.0, 120.0))
    popup = window.view.popup
    listed = [popup.list.item(i).text().split()[0] for i in range(popup.list.count())]
    assert "relu" in listed and "backward" in listed
    assert "ones" not in listed and "dataset" not in listed  # nothing there could take the wire
    popup.search.setText("relu")
    popup.accept_current()
    (new,) = [n for n in window.model.doc.nodes if n.op == "relu" and n.id != "b"]
    assert new.inputs == {"input": "c"}
    window.model.stack.undo()  # adding and connecting is one step
    assert window.model.doc == before


def test_a_wire_from_an_input_into_empty_space_offers_ops_with_outputs(window, chain_doc):
    show(window, chain_doc)
    inp = window.scene.nodes["b"].in_port("input").scenePos()
    mouse_drag(window, inp, inp + QPointF(-150.0, 250.0))
    popup = window.view.popup
    listed = [popup.list.item(i).text().split()[0] for i in range(popup.list.count())]
    assert "ones" in listed and "backward" not in listed and "sgd" not in listed
    popup.search.setText("ones")
    popup.accept_current()
    (new,) = [n for n in window.model.doc.nodes if n.op == "ones" and n.id != "a"]
    assert window.model.doc.node("b").inputs["input"] == new.id


def test_double_click_on_a_literal_input_edits_it_inline(window, chain_doc):
    show(window, chain_doc)
    port = window.scene.nodes["c"].in_port("other")
    spot = port.scenePos() + QPointF(30.0, 0.0)  # on the row's text, right of the port
    QTest.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      _vp(window, spot))
    editor = window.view.literal_editor
    assert editor.text() == "2"
    editor.setText("0.5")
    editor.returnPressed.emit()
    assert window.model.doc.node("c").inputs["other"] == 0.5
    window.model.stack.undo()
    assert window.model.doc.node("c").inputs["other"] == 2
    window.view.edit_literal("c", "other", spot).setText("[1, 2")  # not a value: refused, with the reason
    window.view.literal_editor.returnPressed.emit()
    assert window.model.doc.node("c").inputs["other"] == 2
    assert "c.other" in window.statusBar().currentMessage()


def test_an_output_port_tooltip_says_the_shape_the_box_prints_small(window, chain_doc):
    window.model.reset(chain_doc)
    port = next(iter(window.scene.nodes["b"].out_ports.values()))
    assert "[2, 3] float32" in port.toolTip()
    window.model.set_param("a", "shape", [4, 3])  # an edit upstream: only the shapes shown change
    assert "[4, 3] float32" in next(iter(window.scene.nodes["b"].out_ports.values())).toolTip()


def test_an_outputs_shape_beside_an_input_name_drops_its_dtype_before_its_dims(qapp):
    """A narrow box writes ``tensors[0]`` and ``[3, 2, 3] float32`` on one row: the dtype (in the
    port's tooltip) goes first, then the shape's start, never the shape's end over the name."""
    from PySide6.QtGui import QFont, QFontMetricsF

    from graphstudio.ui.items import _spec_fit

    fm = QFontMetricsF(QFont())
    spec = "[3, 2, 3] float32"
    assert _spec_fit(fm, spec, fm.horizontalAdvance(spec)) == spec
    assert _spec_fit(fm, spec, fm.horizontalAdvance(spec) - 1) == "[3, 2, 3]"
    tight = _spec_fit(fm, spec, 25)
    assert tight.endswith("3]") and fm.horizontalAdvance(tight) <= 25
    assert _spec_fit(fm, "?", 25) == "?"
