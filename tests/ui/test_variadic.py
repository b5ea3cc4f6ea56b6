"""Variadic inputs (``cat``'s and ``stack``'s ``tensors``) on the canvas: one place per item of the list,
each wire on its own place, and one empty place at the end where a new wire appends."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from graphstudio.document import Document, Node, load

from tests.ui.test_canvas import _vp, mouse_drag, show
from tests.data import EXAMPLES_DIR

ROOT = Path(__file__).resolve().parents[2]
JOINING = {"cat", "stack"}


def _joining_examples() -> list[Path]:
    """The reference graphs and the lessons that use ``cat`` or ``stack``."""
    paths = sorted(EXAMPLES_DIR.glob("*.json")) + sorted((ROOT / "resources" / "examples")
                                                                                 .glob("*.json"))
    return [p for p in paths if any(n.get("op") in JOINING for n in json.loads(p.read_text("utf-8"))["nodes"])]


def _cat_doc() -> Document:
    """c = cat([a, b]); d is free to be wired in."""
    return Document(nodes=[
        Node("a", "ones", {}, {"shape": [2, 3]}, (0.0, 0.0)),
        Node("b", "zeros", {}, {"shape": [2, 3]}, (0.0, 160.0)),
        Node("d", "rand", {}, {"shape": [2, 3]}, (0.0, 320.0)),
        Node("c", "cat", {"tensors": ["a", "b"]}, {}, (320.0, 0.0)),
    ])


def _labels(window, node_id: str = "c") -> list[str]:
    return [row.label for row in window.scene.nodes[node_id].view.inputs]


def _ends(window, node_id: str = "c") -> dict[int | None, QPointF]:
    """Where each wire into ``node_id`` ends, by its place in the list."""
    return {w.wire.index: w.path().currentPosition() for w in window.scene.wires if w.wire.dst == node_id}


def _place(window, index: int, node_id: str = "c") -> QPointF:
    port = window.scene.nodes[node_id].in_port("tensors", index)
    assert port is not None, f"no place {index}"
    return port.scenePos()


def _out(window, node_id: str) -> QPointF:
    return window.scene.nodes[node_id].out_ports["out"].scenePos()


def test_a_cat_with_two_wires_shows_three_places(window):
    show(window, _cat_doc())
    item = window.scene.nodes["c"]
    assert _labels(window) == ["tensors[0]", "tensors[1]", "tensors[2]"]
    assert [p.connected for p in item.in_ports.values()] == [True, True, False]
    ys = [_place(window, i).y() for i in range(3)]
    assert ys == sorted(ys) and len(set(ys)) == 3  # one row each, top to bottom
    assert item.sceneBoundingRect().bottom() > ys[-1] and item.mapRectToScene(item.box()).bottom() > ys[-1]


def test_connecting_to_the_last_place_appends_and_a_new_place_appears(window):
    show(window, _cat_doc())
    before = window.scene.nodes["c"].size[1]
    mouse_drag(window, _out(window, "d"), _place(window, 2))
    assert window.model.doc.node("c").inputs == {"tensors": ["a", "b", "d"]}
    assert _labels(window) == ["tensors[0]", "tensors[1]", "tensors[2]", "tensors[3]"]
    assert window.scene.nodes["c"].size[1] > before  # the box grew for the new place
    assert _ends(window)[2] == _place(window, 2)
    window.model.stack.undo()
    assert window.model.doc.node("c").inputs == {"tensors": ["a", "b"]}
    assert _labels(window) == ["tensors[0]", "tensors[1]", "tensors[2]"]


def test_connecting_to_a_taken_place_replaces_that_item_and_undo_restores_it(window):
    doc = _cat_doc()
    show(window, doc)
    original = window.model.doc.copy()
    mouse_drag(window, _out(window, "d"), _place(window, 0))
    assert window.model.doc.node("c").inputs == {"tensors": ["d", "b"]}
    assert _labels(window) == ["tensors[0]", "tensors[1]", "tensors[2]"]  # replaced, not added
    assert {w.wire.src for w in window.scene.wires if w.wire.dst == "c"} == {"d", "b"}
    window.model.stack.undo()
    assert window.model.doc == original
    assert {(w.wire.src, w.wire.index) for w in window.scene.wires if w.wire.dst == "c"} == {("a", 0), ("b", 1)}


def test_deleting_the_wire_of_place_0_moves_the_rest_up(window):
    show(window, _cat_doc())
    (wire,) = [w for w in window.scene.wires if w.wire.dst == "c" and w.wire.index == 0]
    window.scene.clearSelection()
    wire.setSelected(True)
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Delete)
    assert window.model.doc.node("c").inputs == {"tensors": ["b"]}  # the list stays dense
    assert _labels(window) == ["tensors[0]", "tensors[1]"]
    (moved,) = [w for w in window.scene.wires if w.wire.dst == "c"]
    assert (moved.wire.src, moved.wire.index) == ("b", 0)
    assert moved.path().currentPosition() == _place(window, 0)
    window.model.stack.undo()
    assert window.model.doc.node("c").inputs == {"tensors": ["a", "b"]}


def test_each_wire_ends_at_its_place_also_after_the_node_is_dragged(window):
    show(window, _cat_doc())
    ends = _ends(window)
    assert ends == {0: _place(window, 0), 1: _place(window, 1)} and ends[0] != ends[1]
    header = window.scene.nodes["c"].mapToScene(QPointF(40.0, 12.0))
    mouse_drag(window, header, header + QPointF(100.0, 60.0))
    assert window.model.doc.node("c").pos == (420.0, 60.0)
    assert _ends(window) == {0: _place(window, 0), 1: _place(window, 1)}
    assert _ends(window)[0] != ends[0]


def test_a_literal_in_the_list_shows_in_its_place_and_edits_inline(window):
    doc = _cat_doc()
    doc.node("c").inputs = {"tensors": ["a", 2.0, "b"]}
    show(window, doc)
    assert _labels(window) == ["tensors[0]", "tensors[1] = 2.0", "tensors[2]", "tensors[3]"]
    assert _ends(window) == {0: _place(window, 0), 2: _place(window, 2)}
    spot = _place(window, 1) + QPointF(30.0, 0.0)
    QTest.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      _vp(window, spot))
    editor = window.view.literal_editor
    assert editor.text() == "2.0"
    editor.setText("[[5, 6, 7]]")
    editor.returnPressed.emit()
    assert window.model.doc.node("c").inputs == {"tensors": ["a", [[5, 6, 7]], "b"]}
    window.model.stack.undo()
    assert window.model.doc.node("c").inputs == {"tensors": ["a", 2.0, "b"]}


def test_a_wire_from_a_place_into_empty_space_connects_the_new_node_there(window):
    show(window, _cat_doc())
    start = _place(window, 0)
    mouse_drag(window, start, start + QPointF(-160.0, 260.0))
    popup = window.view.popup
    popup.search.setText("relu")
    popup.accept_current()
    (new,) = [n.id for n in window.model.doc.nodes if n.op == "relu"]
    assert window.model.doc.node("c").inputs == {"tensors": [new, "b"]}  # place 0 replaced, not appended
    assert _ends(window)[0] == _place(window, 0)


@pytest.mark.parametrize("path", _joining_examples(), ids=lambda p: p.stem)
def test_example_graphs_open_with_each_wire_on_its_own_place(window, path):
    window.model.reset(load(path))
    lists = [n for n in window.model.doc.nodes if n.op in JOINING]
    assert lists
    for node in lists:
        items = node.inputs["tensors"]
        assert _labels(window, node.id) == [f"tensors[{i}]" for i in range(len(items) + 1)]
        ends = _ends(window, node.id)
        assert sorted(ends) == list(range(len(items)))  # every item is a wire here
        assert ends == {i: _place(window, i, node.id) for i in ends}
        assert len({(p.x(), p.y()) for p in ends.values()}) == len(items)  # no two on one place


def test_the_examples_with_cat_or_stack_are_found():
    names = {p.name for p in _joining_examples()}
    assert {"cat_vs_stack.json", "15_cat_vs_stack.json"} <= names


def _distance(point, path) -> float:
    """From `point` to the nearest of 101 points along `path`."""
    return min(math.dist((point.x(), point.y()), (q.x(), q.y()))
               for q in (path.pointAtPercent(k / 100) for k in range(101)))


def test_a_run_shows_each_item_of_a_list_on_its_own_wire(qtbot, window):
    from graphstudio.ui.mainwindow import lessons_dir

    live = window.live
    live.set_animate(False)
    try:
        assert window.open_path(lessons_dir() / "15_cat_vs_stack.json", ask=False)
        live.forward()
        qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
        panels = [live.layer.panel_at("s0", "tensors", i) for i in range(3)]
        assert all(p is not None and p.value.shape == (2, 3) for p in panels)
        wires = {w.wire.index: w for w in window.scene.wires if w.wire.dst == "s0"}
        for i, panel in enumerate(panels):  # each value sits by the wire into its own place
            assert wires[i].path().currentPosition() == _place(window, i, "s0")
            if panel.isVisible():  # a use's card shows only where it has room beside its own wire
                assert _distance(panel.sceneBoundingRect().center(), wires[i].path()) < panel.boundingRect().width()
        assert any(p.isVisible() for p in panels)
    finally:
        live.shutdown()
