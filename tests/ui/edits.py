"""Random edits that the editor's property tests share: a wire to any input place, and the places
of a variadic list (append after the last, replace one, or put a literal in one)."""
from __future__ import annotations

from hypothesis import strategies as st

from graphstudio.ui import graph


def connect_somewhere(model, data) -> None:
    doc = model.doc
    ids = [n.id for n in doc.nodes]
    src, dst = data.draw(st.sampled_from(ids)), data.draw(st.sampled_from(ids))
    slots = graph.input_slots(doc.node(dst))  # a place in a list: taken (replace) or the empty last (append)
    outputs = model.outputs_of(doc.node(src))
    if slots and outputs:
        slot = data.draw(st.sampled_from(slots))
        model.connect(src, data.draw(st.sampled_from(outputs)), dst, slot.port.name, slot.index)


def edit_a_list(model, data) -> None:
    doc = model.doc
    places = {n.id: [s for s in graph.input_slots(n) if s.index is not None] for n in doc.nodes}
    lists = [node_id for node_id, slots in places.items() if slots]
    if lists:
        node_id = data.draw(st.sampled_from(lists))
        slot = data.draw(st.sampled_from(places[node_id]))
        if data.draw(st.booleans()):
            model.connect(data.draw(st.sampled_from([n.id for n in doc.nodes])), None, node_id, slot.port.name,
                          slot.index)
        else:
            model.set_input(node_id, slot.port.name, data.draw(st.integers(-3, 3)), slot.index)


def disconnect_somewhere(model, data) -> None:
    wires = graph.wires(model.doc)
    if wires:
        model.remove([], [data.draw(st.sampled_from(wires))])
