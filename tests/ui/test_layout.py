"""Auto-layout: left to right in data-flow order, no overlapping boxes, on every reference graph."""
from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from graphstudio.document import Document, Node
from graphstudio.ui import graph
from graphstudio.ui.layout import GRID, H_GAP, NODE_WIDTH, layout, node_size, overlaps


def _boxes(scene):
    return [(r.x(), r.y(), r.width(), r.height())
            for r in (item.mapRectToScene(item.box()) for item in scene.nodes.values())]


def test_every_example_opens_and_lays_out_without_overlaps(window, example_path: Path):
    assert window.open_path(example_path)
    doc = window.model.doc
    assert all(n.pos is not None for n in doc.nodes)
    assert not window.warnings
    assert overlaps(_boxes(window.scene)) == []
    for wire in graph.wires(doc):  # data flows left to right
        assert doc.node(wire.src).pos[0] < doc.node(wire.dst).pos[0]
    assert window.model.analysis.problems == []
    before = doc.copy()
    window.model.move({doc.nodes[0].id: (5000.0, 5000.0)})
    window.actions["layout"].trigger()  # the menu action: still no overlaps, and undoable
    assert overlaps(_boxes(window.scene)) == []
    window.model.stack.undo()
    window.model.stack.undo()
    assert window.model.doc == before


def test_layout_avoids_crossings_on_a_small_case():
    doc = Document(nodes=[
        Node("w", "ones"), Node("x", "ones"), Node("m", "mm", {"input": "x", "mat2": "w"}),
    ])
    pos = layout(doc)
    assert pos["x"][1] < pos["w"][1]  # x feeds the upper port, so it sits above w


def test_every_gap_between_two_columns_has_room_for_a_card():
    """Columns on the grid, each gap at least H_GAP wide (not H_GAP less what snapping took)."""
    doc = Document(nodes=[Node("n0", "ones")] + [Node(f"n{i}", "relu", {"input": f"n{i - 1}"}) for i in range(1, 8)])
    xs = sorted(x for x, _ in layout(doc).values())
    assert all(x % GRID == 0 for x in xs)
    assert min(b - a - NODE_WIDTH for a, b in zip(xs, xs[1:])) >= H_GAP


def test_partial_positions_are_kept(model):
    doc = Document(nodes=[Node("a", "ones", pos=(0.0, 0.0)), Node("b", "relu", {"input": "a"})])
    model.reset(doc)
    assert model.doc.node("a").pos == (0.0, 0.0)
    assert model.doc.node("b").pos[1] > 0  # placed below the placed ones, not on top of them


@st.composite
def dags(draw):
    ops = sorted(graph.registry())
    n = draw(st.integers(1, 25))
    nodes = []
    for i in range(n):
        op = draw(st.sampled_from(ops))
        inputs = {}
        for port in graph.input_ports(Node("t", op)):
            if i and draw(st.booleans()):
                inputs[port.name] = f"n{draw(st.integers(0, i - 1))}"
        nodes.append(Node(f"n{i}", op, inputs))
    return Document(nodes=draw(st.permutations(nodes)))


@settings(max_examples=60, deadline=None)
@given(dags())
def test_layout_never_overlaps(doc):
    from graphstudio.ui.layout import default_size
    size = default_size(doc)
    pos = layout(doc, size)
    rects = [(x, y, *size(i)) for i, (x, y) in pos.items()]
    assert overlaps(rects) == []
    for wire in graph.wires(doc):
        assert pos[wire.src][0] < pos[wire.dst][0]


LESSONS = sorted((Path(__file__).resolve().parents[2] / "resources" / "examples").glob("*.json"))


def test_lessons_menu_lists_the_shipped_lessons(window):
    window.lessons_menu.aboutToShow.emit()  # filled as it opens, in the interface's language then
    texts = [a.text() for a in window.lessons_menu.actions()]
    assert len(texts) == len(LESSONS) or texts == ["(no lessons installed)"]


def test_every_lesson_opens_as_an_untitled_copy_without_overlaps(window):
    if not LESSONS:
        import pytest
        pytest.skip("no lessons in resources/examples yet")
    for path in LESSONS:
        assert window.open_lesson(path), path
        assert window.model.path is None and path.stem in window.windowTitle()
        assert overlaps(_boxes(window.scene)) == [], path.name


def test_unconnected_nodes_fill_a_few_columns_rather_than_one_too_tall():
    """A gallery of creation ops (nothing wired): a grid wider than tall, in the file's order."""
    doc = Document(nodes=[Node(f"n{i}", "ones") for i in range(9)])
    pos = layout(doc)
    assert overlaps([(x, y, *node_size(0, 1)) for x, y in pos.values()]) == []
    xs, ys = sorted({x for x, _ in pos.values()}), sorted({y for _, y in pos.values()})
    assert len(xs) == 3 and len(ys) == 3
    assert [pos[f"n{i}"][0] for i in range(9)] == sorted(pos[f"n{i}"][0] for i in range(9))


#: Lessons that cannot open whole on a laptop, and why (a lesson that starts to fit is taken off).
TOO_BIG_FOR_A_LAPTOP = {
    "23_two_learning_rates": "two networks side by side in time: each needs a wrap (six layers deep) and ~320 "
                             "units of height, and a training lesson's canvas is ~640 tall above the loss plot",
    "25_moons_classifier": "eight nodes deep to the accuracy, whose card needs the fifth column: the accuracy "
                           "row wraps under the network and ends ~30 units under the loss plot",
}


def test_every_lesson_opens_whole_at_readable_zoom_on_a_laptop(qapp, window):
    """A 1366×768 window: each lesson opens showing every node and the room its result cards take
    (what ``open_view`` fits: the content, the result room, MARGIN round them), with node text at
    least READABLE_PX tall. The canvas is whatever this window leaves between its docks (the loss
    plot's too, for a lesson that trains), so the rule holds whatever the machine's fonts make of them."""
    from graphstudio.ui.view import MARGIN
    window.resize(1366, 768)
    qapp.processEvents()
    view = window.view
    cut = {}
    for path in LESSONS:
        assert window.open_lesson(path), path
        qapp.processEvents()  # the second open_view, once the docks (the loss plot) have settled
        need = view.graph_scene.content_rect().united(view._result_room()).adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        seen = view.visible_scene_rect().adjusted(-1, -1, 1, 1)
        assert view.zoom_level >= view.readable_zoom() * 0.999, path.name  # never shrunk past readable
        if not seen.contains(need):
            cut[path.stem] = f"need {need.width():.0f}×{need.height():.0f}, see {seen.width():.0f}×{seen.height():.0f}"
    assert set(cut) == set(TOO_BIG_FOR_A_LAPTOP), cut
