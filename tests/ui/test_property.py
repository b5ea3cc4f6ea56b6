"""Random edit sequences: undoing everything gives the original Document, redoing gives the edited one,
the canvas always mirrors the Document, and the result is always a file ``dumps`` accepts."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphstudio.document import Document, Node, dumps, load
from graphstudio.ui import commands as C
from graphstudio.ui import graph

from tests.ui.edits import connect_somewhere, disconnect_somewhere, edit_a_list
from tests.data import EXAMPLES_DIR

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))
ACTIONS = ("add", "remove", "move", "connect", "list", "disconnect", "param", "flag", "rename", "paste", "duplicate",
           "literal", "undo", "layout")
JSONISH = st.recursive(st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-3, 3, allow_nan=False),
                       lambda inner: st.lists(inner, max_size=3), max_leaves=6)


def _start(choice: int) -> Document:
    if EXAMPLES and choice < len(EXAMPLES):
        return load(EXAMPLES[choice])
    return Document(nodes=[
        Node("a", "ones", {}, {"shape": [2, 3], "requires_grad": True}, (0.0, 0.0)),
        Node("b", "relu", {"input": "a"}, {}, (300.0, 0.0)),
        Node("s", "stack", {"tensors": ["a", "b"]}, {}, (600.0, 0.0)),
    ])


def _step(model, scene, data) -> None:
    doc = model.doc
    ids = [n.id for n in doc.nodes]
    action = data.draw(st.sampled_from(ACTIONS))
    if action == "add" or not ids:
        op = data.draw(st.sampled_from(sorted(graph.registry())))
        model.add_node(op, (float(data.draw(st.integers(-500, 500))), float(data.draw(st.integers(-500, 500)))))
    elif action == "remove":
        model.remove(data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True)))
    elif action == "move":
        model.move({data.draw(st.sampled_from(ids)): (data.draw(st.floats(-1e4, 1e4)), data.draw(st.floats(-1e4, 1e4)))})
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
        value = data.draw(st.just(C.UNSET) | JSONISH)
        model.set_param(node.id, data.draw(st.sampled_from(names)), value)
    elif action == "flag":
        model.set_flag(data.draw(st.sampled_from(ids)), data.draw(st.sampled_from(graph.FLAGS)), data.draw(st.booleans()))
    elif action == "rename":
        model.rename(data.draw(st.sampled_from(ids)), data.draw(st.from_regex(r"[a-z_][a-z0-9_]{0,3}", fullmatch=True)))
    elif action == "paste":
        chosen = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        model.paste_text(model.copy_text(chosen))
    elif action == "duplicate":
        model.duplicate(data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True)))
    elif action == "literal":
        node = doc.node(data.draw(st.sampled_from(ids)))
        ports = [p for p in graph.input_ports(node) if p.scalar_ok]
        if ports:
            model.set_input(node.id, ports[0].name, data.draw(st.integers(-3, 3) | st.floats(-2, 2)))
    elif action == "undo":
        model.stack.undo()
    elif action == "layout":
        model.auto_layout()


def _mirrors(scene, doc: Document) -> None:
    assert set(scene.nodes) == {n.id for n in doc.nodes}
    for node in doc.nodes:
        item = scene.nodes[node.id]
        assert (item.pos().x(), item.pos().y()) == node.pos
        assert list(item.in_ports) == [s.key for s in graph.input_slots(node)]
    for wire in scene.wires:  # each wire ends on its own input row (its place, for a list's item)
        end = wire.path().currentPosition()
        assert end == scene.nodes[wire.wire.dst].in_port(wire.wire.port, wire.wire.index).scenePos()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data(), start=st.integers(0, len(EXAMPLES)))
def test_random_edits_undo_and_redo_exactly(qapp, data, start):
    from graphstudio.ui.model import GraphModel
    from graphstudio.ui.scene import GraphScene

    model = GraphModel()
    scene = GraphScene(model)
    model.reset(_start(start))
    original = model.doc.copy()
    for _ in range(data.draw(st.integers(1, 12))):
        _step(model, scene, data)
        _mirrors(scene, model.doc)
    while model.stack.canRedo():  # the sequence may end on an undo
        model.stack.redo()
    edited = model.doc.copy()
    dumps(edited)  # every state the editor reaches can be saved
    assert graph.find_cycle(edited) is None or graph.find_cycle(original) is not None
    while model.stack.canUndo():
        model.stack.undo()
    assert model.doc == original
    _mirrors(scene, model.doc)
    while model.stack.canRedo():
        model.stack.redo()
    assert model.doc == edited
    _mirrors(scene, model.doc)
    scene.clear()
