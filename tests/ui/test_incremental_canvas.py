"""After any sequence of edits, undos and redos the editor shows exactly what it would show for the same
document opened afresh: the model's (incrementally kept) analysis equals a full check, every node box
shows the view a new scene would build, and the wires are the same wires at the same places."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphstudio.document import Document, Node
from graphstudio.ui import commands as C
from graphstudio.ui import graph

from tests.ui.edits import connect_somewhere, disconnect_somewhere, edit_a_list
from graphstudio.ui.analysis import analyze

ACTIONS = ("add", "remove", "move", "connect", "connect", "list", "disconnect", "param", "param", "flag", "rename",
           "duplicate", "literal", "undo", "undo", "redo", "layout")
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-2, 4), st.just(1.0),
                   st.sampled_from([[2, 3], [3, 2], [3], [2, 3, 4], [1], [3, 3]]))


def _start() -> Document:
    return Document(nodes=[
        Node("x", "ones", {}, {"shape": [2, 3], "requires_grad": True}, (0.0, 0.0)),
        Node("w", "randn", {}, {"shape": [3, 3]}, (0.0, 200.0)),
        Node("h", "matmul", {"input": "x", "other": "w"}, {}, (300.0, 0.0)),
        Node("r", "relu", {"input": "h"}, {}, (600.0, 0.0)),
        Node("m", "max", {"input": "r"}, {"dim": 1}, (900.0, 0.0)),
        Node("s", "sum", {"input": "m:values"}, {}, (1200.0, 0.0)),
        Node("c", "cat", {"tensors": ["x", "r"]}, {}, (900.0, 200.0)),
        Node("b", "backward", {"tensor": "s"}, {}, (1500.0, 0.0)),
    ])


def _step(model, data) -> None:
    doc = model.doc
    ids = [n.id for n in doc.nodes]
    action = data.draw(st.sampled_from(ACTIONS))
    if action == "add" or not ids:
        model.add_node(data.draw(st.sampled_from(["relu", "add", "sum", "split", "ones", "max", "nosuchop"])),
                       (float(data.draw(st.integers(-5, 5)) * 100), 400.0))
    elif action == "remove":
        model.remove([data.draw(st.sampled_from(ids))])
    elif action == "move":
        model.move({data.draw(st.sampled_from(ids)): (float(data.draw(st.integers(-9, 9)) * 50), 100.0)})
    elif action == "connect":
        connect_somewhere(model, data)
    elif action == "list":  # a variadic list's places: append, replace, or a literal in one
        edit_a_list(model, data)
    elif action == "disconnect":
        disconnect_somewhere(model, data)
    elif action == "param":
        node = doc.node(data.draw(st.sampled_from(ids)))
        cls = graph.op_class(node.op)
        names = [p.name for p in cls.params] if cls and cls.params else ["dim"]
        model.set_param(node.id, data.draw(st.sampled_from(names)), data.draw(st.just(C.UNSET) | VALUES))
    elif action == "flag":
        model.set_flag(data.draw(st.sampled_from(ids)), data.draw(st.sampled_from(graph.FLAGS)),
                       data.draw(st.booleans()))
    elif action == "rename":
        model.rename(data.draw(st.sampled_from(ids)), data.draw(st.sampled_from(["a", "b2", "x", "renamed"])))
    elif action == "duplicate":
        model.duplicate([data.draw(st.sampled_from(ids))])
    elif action == "literal":
        node = doc.node(data.draw(st.sampled_from(ids)))
        ports = [p for p in graph.input_ports(node) if p.scalar_ok]
        if ports:
            model.set_input(node.id, ports[0].name, data.draw(st.integers(-3, 3)))
    elif action == "undo":
        model.stack.undo()
    elif action == "redo":
        model.stack.redo()
    elif action == "layout":
        model.auto_layout()


def _wires(scene) -> list[tuple]:
    return [(w.wire, w.path().elementAt(0).x, w.path().elementAt(0).y,
             w.path().elementAt(w.path().elementCount() - 1).x, w.path().elementAt(w.path().elementCount() - 1).y)
            for w in scene.wires]


def _shows_what_a_fresh_scene_shows(model, scene) -> None:
    from graphstudio.ui.model import GraphModel
    from graphstudio.ui.scene import GraphScene

    full = analyze(model.doc)
    assert (model.analysis.problems, model.analysis.specs, model.analysis.outputs) == \
        (full.problems, full.specs, full.outputs)
    fresh_model = GraphModel()
    fresh = GraphScene(fresh_model)
    fresh_model.reset(model.doc.copy())
    assert set(scene.nodes) == set(fresh.nodes)
    for node_id, item in scene.nodes.items():
        other = fresh.nodes[node_id]
        assert item.view == other.view
        assert (item.x(), item.y()) == (other.x(), other.y())
        assert list(item.in_ports) == list(other.in_ports) and list(item.out_ports) == list(other.out_ports)
        assert [p.connected for p in item.in_ports.values()] == [p.connected for p in other.in_ports.values()]
    assert _wires(scene) == _wires(fresh)
    assert {w for w in scene.items() if w in scene.wires} == set(scene.wires)  # no stray wire items left behind
    assert sum(1 for i in scene.items() if type(i).__name__ == "WireItem") == len(scene.wires)
    fresh.clear()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_the_canvas_after_edits_is_the_canvas_of_the_same_file_opened_afresh(qapp, data):
    from graphstudio.ui.model import GraphModel
    from graphstudio.ui.scene import GraphScene

    model = GraphModel()
    scene = GraphScene(model)
    model.reset(_start())
    for _ in range(data.draw(st.integers(1, 15))):
        _step(model, data)
        _shows_what_a_fresh_scene_shows(model, scene)
    scene.clear()


def test_one_edit_keeps_the_other_node_objects_and_items(qapp):
    """A one-node edit copies one node: undo snapshots and the canvas share the rest."""
    from graphstudio.ui.model import GraphModel
    from graphstudio.ui.scene import GraphScene

    model = GraphModel()
    scene = GraphScene(model)
    model.reset(_start())
    before = list(model.doc.nodes)
    items = dict(scene.nodes)
    wires = list(scene.wires)
    model.set_flag("h", "retain_grad", True)
    after = list(model.doc.nodes)
    assert [a is b for a, b in zip(before, after)] == [n.id != "h" for n in after]
    assert scene.nodes == items and scene.wires == wires
    assert "retain_grad" in scene.nodes["h"].view.flags
    model.stack.undo()
    assert all(a is b for a, b in zip(before, model.doc.nodes))
    assert "retain_grad" not in scene.nodes["h"].view.flags


def test_outputs_renamed_by_a_param_drop_the_wires_they_fed(qapp):
    """max(dim) has outputs values/indices; without dim one output: the wire from m:values must go."""
    from graphstudio.ui.model import GraphModel
    from graphstudio.ui.scene import GraphScene

    model = GraphModel()
    scene = GraphScene(model)
    model.reset(_start())
    assert any(w.wire.src == "m" for w in scene.wires)
    model.set_param("m", "dim", C.UNSET)
    assert list(scene.nodes["m"].out_ports) == ["out"]
    assert not any(w.wire.src == "m" for w in scene.wires)
    _shows_what_a_fresh_scene_shows(model, scene)
    model.stack.undo()
    assert any(w.wire.src == "m" for w in scene.wires)
    _shows_what_a_fresh_scene_shows(model, scene)


def test_a_problem_that_changes_alone_is_shown(qapp):
    """Renaming x to "ghosts" changes only the words of u's problem (a "did you mean" appears)."""
    from graphstudio.ui.model import GraphModel
    from graphstudio.ui.scene import GraphScene

    model = GraphModel()
    scene = GraphScene(model)
    model.reset(Document(nodes=[Node("x", "ones", {}, {"shape": [2]}, (0.0, 0.0)),
                                Node("u", "relu", {"input": "ghost"}, {}, (300.0, 0.0))]))
    assert "did you mean" not in scene.nodes["u"].view.problems[0]
    model.rename("x", "ghosts")
    assert "did you mean 'ghosts'" in scene.nodes["u"].view.problems[0]
    _shows_what_a_fresh_scene_shows(model, scene)


def test_reopening_the_same_document_object_places_its_nodes(qapp):
    """reset() fills in missing positions on the very Node objects the canvas may have shown."""
    from graphstudio.ui.model import GraphModel
    from graphstudio.ui.scene import GraphScene

    model = GraphModel()
    scene = GraphScene(model)
    doc = _start()
    model.reset(doc)
    for node in doc.nodes:
        node.pos = None
    model.reset(doc)
    _shows_what_a_fresh_scene_shows(model, scene)
