"""The live canvas readable at a glance, measured: for every lesson and for random graphs opened
without positions, after Forward and Backward — no card on a node box, its labels or badges, or
on another card; no wire through a node body other than its own ends; every output that feeds
nothing shows its value; node text at the opening zoom at least 9 px tall. And again after
dragging nodes onto each other's cards."""
from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QRectF

from graphstudio.ui.items import TEXT_PT
from graphstudio.ui.live.badges import BADGE_OVERHANG, SUM_OVERHANG
from graphstudio.ui.live.panels import STEM_MIN, metrics
from graphstudio.ui.mainwindow import lessons_dir

LESSONS = sorted(lessons_dir().glob("*.json"))
WIRE_SAMPLES = 48


def random_graph(seed: int) -> dict:
    """A random DAG of 5–40 nodes without positions: leaves, element-wise ops with fan-out,
    cat/stack lists, chunks (several outputs, some feeding nothing), reductions, several outputs
    that feed nothing, and one backward."""
    rng = random.Random(seed)
    size = rng.randint(5, 40)
    nodes: list[dict] = []
    # by shape: [2, 3] tensors, [2, 1] pieces of a chunk, scalars, joined lists
    pool: dict[str, list[str]] = {"t": [], "p": [], "s": [], "c": []}

    def add(op: str, inputs: dict, kind: str | None, params: dict | None = None) -> str:
        node_id = f"n{len(nodes)}"
        nodes.append({"id": node_id, "op": op, "inputs": inputs, **({"params": params} if params else {})})
        if kind:
            pool[kind].append(node_id)
        return node_id

    for _ in range(rng.randint(1, 3)):
        add("randn", {}, "t", {"shape": [2, 3], "requires_grad": True})
    while len(nodes) < size - 2:
        roll = rng.random()
        if roll < 0.4:
            a = rng.choice(pool["t"] + pool["p"] + pool["s"])
            b = rng.choice(pool["t"] + pool["p"] + pool["s"])
            kind = "t" if a in pool["t"] or b in pool["t"] else "p" if a in pool["p"] or b in pool["p"] else "s"
            add(rng.choice(["add", "mul"]), {"input": a, "other": b}, kind)
        elif roll < 0.55:
            add(rng.choice(["relu", "tanh"]), {"input": rng.choice(pool["t"])}, "t")
        elif roll < 0.67:
            items = [rng.choice(pool["t"]) for _ in range(rng.randint(2, 4))]
            add(rng.choice(["cat", "stack"]), {"tensors": items}, "c")
        elif roll < 0.75:  # three outputs, [2, 1] each
            pieces = add("chunk", {"input": rng.choice(pool["t"])}, None, {"chunks": 3, "dim": 1})
            pool["p"] += [f"{pieces}:{k}" for k in range(3)]
        else:
            add(rng.choice(["sum", "mean"]), {"input": rng.choice(pool["t"] + pool["p"] + pool["c"])}, "s")
    add("sum", {"input": pool["t"][-1]}, "s")
    nodes.append({"id": "bw", "op": "backward", "inputs": {"tensor": pool["s"][-1]}})
    return {"graphstudio": 1, "title": f"random {seed}", "device": "cpu", "seed": 0, "steps": 1, "nodes": nodes}


def node_rects(scene) -> list[tuple[str, QRectF]]:
    """Each node box with its ports, flags and labels, and each of its badges and sums."""
    return [(i, item.sceneBoundingRect()) for i, n in scene.nodes.items()
            for item in (n, *(c for c in n.childItems() if c.isVisible()))]


def problems(window, live) -> list[str]:
    scene, layer = window.scene, live.layer
    out = []
    cards = [(f"card {p.title}", p.mapRectToScene(p.card())) for p in [*layer.panels.values(), *layer.results.values()]
             if p.isVisible()]
    cards += [(f"state card {c.optimizer}: {c.param}", c.mapRectToScene(c.card())) for c in layer.states.values()
              if c.isVisible()]
    for name, rect in cards:
        for node_id, box in node_rects(scene):
            if rect.intersects(box):
                out.append(f"{name} covers node {node_id}")
    rects = node_rects(scene)
    for node_id, node in scene.nodes.items():  # a node's labels and badges stack on no other node
        for label in (c for c in node.childItems() if c.isVisible() and type(c).__name__ != "PortItem"):
            r = label.sceneBoundingRect()
            out += [f"a label of {node_id} covers {other}" for other, box in rects if other != node_id and r.intersects(box)]
    for i, (a, ra) in enumerate(cards):
        for b, rb in cards[i + 1:]:
            if ra.intersects(rb):
                out.append(f"{a} covers {b}")
    bodies = {i: n.mapRectToScene(n.box()).adjusted(2, 2, -2, -2) for i, n in scene.nodes.items()}
    for wire in scene.wires:
        path = wire.path()
        points = [path.pointAtPercent(k / WIRE_SAMPLES) for k in range(WIRE_SAMPLES + 1)]
        for node_id, body in bodies.items():
            if node_id not in (wire.wire.src, wire.wire.dst) and any(body.contains(p) for p in points):
                out.append(f"wire {wire.wire.src} → {wire.wire.dst} crosses node {node_id}")
    snap = live.snapshot
    fed = {e.source for e in snap.edges}
    for key in snap.trace.values:
        card = layer.results.get(key)
        if key not in fed and (card is None or not card.isVisible() or card.value is None):
            out.append(f"output {key} feeds nothing and shows no value")
    for store, overhang in ((live.layer.sums, SUM_OVERHANG), (live.layer.badges, BADGE_OVERHANG)):
        for key, badge in store.items():  # under its box: the cards beside the box keep their room
            node = badge.parentItem()
            if badge.isVisible() and badge.mapRectToParent(badge.boundingRect()).right() > node.size[0] + overhang:
                out.append(f"the badge {badge.text!r} of {key} runs past its box")
    view = window.view
    text_px = TEXT_PT * view.logicalDpiY() / 72 * view.zoom_level
    if text_px < 9 - 1e-6:
        out.append(f"node text {text_px:.1f} px tall at the opening zoom")
    return out


def apart(live) -> list[str]:
    """The wire cards shown apart from their wire, joined to it by a stem."""
    out = []
    for panel in live.layer.panels.values():
        card = panel.card()  # in the panel's coordinates: its wire's point is the origin
        near = QPointF(min(max(0.0, card.left()), card.right()), min(max(0.0, card.top()), card.bottom()))
        if panel.isVisible() and math.hypot(near.x(), near.y()) > STEM_MIN:
            out.append(panel.title)
    return out


def run(qtbot, window, live, path: Path) -> list[str]:
    assert window.open_path(path, ask=False), window.warnings
    qtbot.wait(1)  # the opening zoom is set again once the window settled
    live.forward()
    live.backward()
    qtbot.waitUntil(lambda: not live.busy, timeout=20_000)
    qtbot.wait(1)  # the cards are placed once a refresh has sized them all
    return [f"{path.name}: {p}" for p in problems(window, live)]


def drag_onto_cards(qtbot, window, live) -> None:
    """Move a few nodes onto other cards, as a student dragging boxes around would."""
    layer = live.layer
    targets = [p.mapRectToScene(p.card()).center() for p in [*layer.results.values(), *layer.panels.values()]
               if p.isVisible()][:3]
    movers = list(window.scene.nodes.values())[:len(targets)]
    for node, at in zip(movers, targets):
        node.setPos(at - QPointF(20, 20))
        window.scene.node_moved(node)
    layer.relayout()


def test_every_lesson_after_backward(qtbot, window, live):
    found = []
    for path in LESSONS:
        found += run(qtbot, window, live, path)
    assert not found, "\n".join(found)


def test_every_optimizer_lesson_after_steps_with_its_state_cards(qtbot, window, live):
    """After Step, the optimizer's state cards at the parameters join the other cards: none covers
    anything; most are shown (the rest hide for want of room)."""
    found, shown, cards = [], 0, 0
    for path in LESSONS:
        if not any(n["op"] in ("sgd", "adam", "rmsprop") for n in json.loads(path.read_text("utf-8"))["nodes"]):
            continue
        found += run(qtbot, window, live, path)
        for _ in range(3):
            live.step()
        qtbot.waitUntil(lambda: not live.busy, timeout=20_000)
        qtbot.wait(1)
        found += [f"{path.name}: {p}" for p in problems(window, live)]
        cards += len(live.layer.states)
        shown += sum(c.isVisible() for c in live.layer.states.values())
    assert not found, "\n".join(found)
    assert cards >= 10 and shown >= 0.7 * cards, f"{shown} of {cards} state cards shown"


@pytest.mark.parametrize("seeds", [range(0, 12), range(12, 24)])
def test_random_graphs_opened_without_positions(qtbot, window, live, tmp_path, seeds):
    found = []
    for seed in seeds:
        path = tmp_path / f"random_{seed}.json"
        path.write_text(json.dumps(random_graph(seed)))
        found += run(qtbot, window, live, path)
    assert not found, "\n".join(found)


def test_most_wire_cards_touch_their_wire(qtbot, window, live, tmp_path):
    """On dense random graphs most cards sit right beside their wire; few hang apart on a stem."""
    shown = stems = 0
    for seed in range(12):
        path = tmp_path / f"random_{seed}.json"
        path.write_text(json.dumps(random_graph(seed)))
        run(qtbot, window, live, path)
        shown += sum(p.isVisible() for p in live.layer.panels.values())
        stems += len(apart(live))
    assert stems <= shown / 4, f"{stems} of {shown} cards hang apart from their wire"


def test_a_card_waiting_for_its_gradient_touches_its_wire(qtbot, window, live):
    """After Forward alone every card keeps room for the gradient Backward will bring, on its far
    side from the wire: the value shown now sits right beside its wire."""
    assert window.open_path(lessons_dir() / "03_autograd_basics.json", ask=False)
    qtbot.wait(1)
    live.forward()
    qtbot.waitUntil(lambda: not live.busy, timeout=20_000)
    qtbot.wait(1)
    assert len([p for p in live.layer.panels.values() if p.isVisible()]) >= 5
    assert not apart(live)


@pytest.mark.parametrize("lesson", ["08_no_grad.json", "21_linear_regression_sgd.json"])
def test_a_five_column_lesson_opens_whole_and_readable_in_a_1366_by_768_window(qtbot, window, lesson):
    window.resize(1366, 768)
    qtbot.wait(1)
    assert window.open_path(lessons_dir() / lesson, ask=False)
    qtbot.wait(1)
    view = window.view
    assert view.zoom_level >= view.readable_zoom() - 1e-6
    seen = view.visible_scene_rect()
    cut = [i for i, n in window.scene.nodes.items() if not seen.contains(n.mapRectToScene(n.box()))]
    assert not cut, f"{lesson}: {cut} out of view"


def test_cards_move_to_free_space_when_nodes_are_dragged_onto_them(qtbot, window, live, tmp_path):
    """Every lesson and a few random graphs: boxes dragged onto cards (the boxes may overlap each
    other now, and wires may have no way around them): the cards find other room, and every
    output that feeds nothing still shows its value."""
    paths = list(LESSONS)
    for seed in range(4):
        paths.append(tmp_path / f"random_{seed}.json")
        paths[-1].write_text(json.dumps(random_graph(seed)))
    found = []
    for path in paths:
        run(qtbot, window, live, path)
        drag_onto_cards(qtbot, window, live)
        found += [f"{path.name}: {p}" for p in problems(window, live) if p.startswith(("card ", "output "))]
    assert not found, "\n".join(found)


def test_a_student_dragging_a_box_onto_a_card_moves_the_card_and_a_pan_moves_none(qtbot, window, live, monkeypatch):
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from tests.ui.student import drag

    run(qtbot, window, live, lessons_dir() / "03_autograd_basics.json")
    placed = []
    place = live.layer.place
    monkeypatch.setattr(live.layer, "place", lambda: (placed.append(1), place()))
    vp = window.view.viewport()
    for kind, at in ((QEvent.Type.MouseButtonPress, QPointF(5, 5)), (QEvent.Type.MouseMove, QPointF(60, 40)),
                     (QEvent.Type.MouseMove, QPointF(90, 70))):  # a middle-button pan over empty canvas
        QApplication.sendEvent(vp, QMouseEvent(kind, at, vp.mapToGlobal(at), Qt.MouseButton.MiddleButton,
                                               Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier))
    qtbot.wait(5)
    assert not placed  # panning leaves the cards where they are
    QApplication.sendEvent(vp, QMouseEvent(QEvent.Type.MouseButtonRelease, QPointF(90, 70), vp.mapToGlobal(QPointF(90, 70)),
                                           Qt.MouseButton.MiddleButton, Qt.MouseButton.NoButton,
                                           Qt.KeyboardModifier.NoModifier))
    card = live.layer.panel_at("y", "input")
    target = card.mapRectToScene(card.card()).center()
    node = window.scene.nodes["z"]
    window.view.centerOn(target)
    header = node.mapToScene(QPointF(40, 12))
    drag(window, header, target)
    qtbot.wait(10)
    assert placed and window.scene.nodes["z"].pos() != node.mapFromScene(header)  # moved, and the cards re-placed
    found = [p for p in problems(window, live) if p.startswith("card ")]
    assert not found, "\n".join(found)


def test_a_graph_too_big_to_fit_readably_opens_at_the_readable_zoom_on_its_start(qtbot, window, tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps(random_graph(3)))  # 40 columns' worth of boxes: no readable fit
    assert window.open_path(path, ask=False)
    qtbot.wait(1)
    view = window.view
    assert abs(view.zoom_level - view.readable_zoom()) < 1e-6
    seen = view.visible_scene_rect()
    first = min(window.scene.nodes.values(), key=lambda n: (n.x(), n.y()))
    assert seen.contains(first.sceneBoundingRect())  # the start of the graph is in view
    small = tmp_path / "small.json"
    small.write_text(json.dumps({**random_graph(3), "nodes": [{"id": "x", "op": "ones", "params": {"shape": [2]}},
                                                              {"id": "y", "op": "relu", "inputs": {"input": "x"}}]}))
    assert window.open_path(small, ask=False)  # small: fitted, whole
    qtbot.wait(1)
    assert view.zoom_level >= view.readable_zoom() - 1e-6
    assert all(view.visible_scene_rect().contains(n.sceneBoundingRect()) for n in window.scene.nodes.values())


def test_a_column_of_boxes_keeps_each_wires_card_beside_its_wire(qtbot, window, live, tmp_path):
    """Three leaves one under the other, each into its own relu: the gap between the two columns has
    room for the three cards, each right above its wire — the room kept under a box for its badge
    does not reach into that gap."""
    nodes = [{"id": c, "op": "randn", "params": {"shape": [2, 3], "requires_grad": True}} for c in "abc"]
    nodes += [{"id": f"{c}2", "op": "relu", "inputs": {"input": c}} for c in "abc"]
    nodes += [{"id": "s", "op": "stack", "inputs": {"tensors": ["a2", "b2", "c2"]}},
              {"id": "t", "op": "sum", "inputs": {"input": "s"}}, {"id": "bw", "op": "backward", "inputs": {"tensor": "t"}}]
    path = tmp_path / "rows.json"
    path.write_text(json.dumps({"graphstudio": 1, "title": "rows", "device": "cpu", "seed": 0, "steps": 1, "nodes": nodes}))
    assert not run(qtbot, window, live, path)
    for c in "abc":
        panel = live.layer.panel_at(f"{c}2", "input")
        card = panel.mapRectToScene(panel.card())
        assert panel.isVisible(), f"the card of {c} → {c}2 found no room"
        gap = min(abs(card.bottom() - panel.y()), abs(card.top() - panel.y()))
        assert gap <= 10 and abs(card.center().x() - panel.x()) < 15, f"the card of {c} → {c}2 is {gap:.0f} from its wire"


def test_the_ten_uses_of_t_add_up_in_a_label_nothing_covers(qtbot, window, live):
    """The cat/stack lesson's point: t is used ten times, ``g₁ + … + g₁₀ = 10`` under its box, in view at
    the opening zoom, with no card, box or other label over it."""
    assert not run(qtbot, window, live, lessons_dir() / "15_cat_vs_stack.json")
    badge = live.layer.sums["t"]
    assert badge.isVisible() and badge.text.startswith(("g₁ + g₂ + … + g₁₀ = 10", "g₁ + … + g₁₀ = 10"))
    assert metrics(7.5, True).horizontalAdvance(badge.text) <= badge.room()
    rect = badge.sceneBoundingRect()
    assert window.view.visible_scene_rect().contains(rect)
    cards = [p.mapRectToScene(p.card()) for p in [*live.layer.panels.values(), *live.layer.results.values()]
             if p.isVisible()]
    assert not [c for c in cards if c.intersects(rect)]
    assert not [i for i, box in node_rects(window.scene) if box.intersects(rect) and i != "t"]


def test_problem_labels_stack_on_no_other_label_box_or_glow(qtbot, window, live, tmp_path):
    """The first problem written under each box it concerns (the cat/stack lesson's "set c0's dim to 2"
    on two cats, and a stack fed the broken one), clear of every other node, its labels and its
    glow; then a run that fails at a backward between two others: its frame and message clear of
    the other nodes and of every card."""
    from graphstudio.ui.items import PROBLEM_OVERHANG

    doc = json.loads((lessons_dir() / "15_cat_vs_stack.json").read_text())
    for node in doc["nodes"]:
        if node["id"] in ("c0", "c1"):
            node.setdefault("params", {})["dim"] = 2
        if node["id"] == "s2":
            node["inputs"]["tensors"] = ["t", "c0"]
    path = tmp_path / "problems.json"
    path.write_text(json.dumps(doc))
    assert window.open_path(path, ask=False)
    scene = window.scene
    labels = {i: n.mapRectToScene(QRectF(0, n.size[1], n.size[0] + PROBLEM_OVERHANG, 30))
              for i, n in scene.nodes.items() if n.view.problems}
    assert set(labels) >= {"c0", "c1"}
    found = [f"the problem of {a} covers node {b}" for a, r in labels.items() for b, box in node_rects(scene)
             if b != a and r.intersects(box)]
    found += [f"the problems of {a} and {b} stack" for a, ra in labels.items() for b, rb in labels.items()
              if a < b and ra.intersects(rb)]
    assert not found, "\n".join(found)

    nodes = [{"id": "x", "op": "ones", "params": {"shape": [2], "requires_grad": True}},
             {"id": "y", "op": "mul", "inputs": {"input": "x", "other": "x"}},
             {"id": "s", "op": "sum", "inputs": {"input": "y"}}]
    nodes += [{"id": f"bw{i}", "op": "backward", "inputs": {"tensor": "s"}} for i in (1, 2, 3)]
    path = tmp_path / "twice.json"
    path.write_text(json.dumps({"graphstudio": 1, "nodes": nodes}))
    found = run(qtbot, window, live, path)  # the marker is a child of bw2: checked with its labels
    assert live.layer.error_node == "bw2" and live.layer.error.isVisible()
    assert not found, "\n".join(found)
