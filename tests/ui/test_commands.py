"""Every edit is an undoable command: each one, undone, gives back the exact Document."""
from __future__ import annotations

import pytest

from graphstudio.document import Document, Node, dumps
from graphstudio.ui import commands as C


def _check_undo_redo(model, edit) -> Document:
    before = model.doc.copy()
    edit()
    after = model.doc.copy()
    assert after != before, "the edit changed nothing"
    model.stack.undo()
    assert model.doc == before
    model.stack.redo()
    assert model.doc == after
    return after


def test_add_node_then_undo(model):
    after = _check_undo_redo(model, lambda: model.add_node("ones", (20.0, 40.0)))
    assert [(n.id, n.op, n.pos) for n in after.nodes] == [("ones", "ones", (20.0, 40.0))]
    assert after.nodes[0].params == {"shape": [2, 2]}  # required params get their defaults


def test_new_ids_are_unique(model):
    ids = [model.add_node("relu") for _ in range(3)]
    assert ids == ["relu", "relu1", "relu2"]


def test_remove_nodes_drops_their_wires(model, chain_doc):
    chain_doc.nodes.append(Node("s", "stack", {"tensors": ["a", "b", "c"]}))
    model.reset(chain_doc)
    after = _check_undo_redo(model, lambda: model.remove(["b"]))
    assert [n.id for n in after.nodes] == ["a", "c", "s"]
    assert after.node("c").inputs == {"other": 2}
    assert after.node("s").inputs == {"tensors": ["a", "c"]}


def test_move(model, chain_doc):
    model.reset(chain_doc)
    after = _check_undo_redo(model, lambda: model.move({"a": (10, 20), "b": (30.5, 40)}))
    assert after.node("a").pos == (10.0, 20.0) and after.node("b").pos == (30.5, 40.0)


def test_connect_sets_and_replaces(model, chain_doc):
    chain_doc.nodes.append(Node("d", "ones", {}, {"shape": [2, 3]}, (0.0, 200.0)))
    model.reset(chain_doc)
    after = _check_undo_redo(model, lambda: model.connect("d", None, "c", "other"))
    assert after.node("c").inputs["other"] == "d"
    after = _check_undo_redo(model, lambda: model.connect("a", None, "c", "other"))  # taken: replaced
    assert after.node("c").inputs["other"] == "a"


def test_connect_variadic_appends(model, chain_doc):
    chain_doc.nodes.append(Node("s", "stack"))
    model.reset(chain_doc)
    assert model.connect("a", None, "s", "tensors") is None
    after = _check_undo_redo(model, lambda: model.connect("b", None, "s", "tensors"))
    assert after.node("s").inputs == {"tensors": ["a", "b"]}


def test_connect_at_a_place_of_a_list_replaces_it_or_appends_after_the_last(model, chain_doc):
    chain_doc.nodes.append(Node("s", "stack", {"tensors": ["a", 1.0]}))
    model.reset(chain_doc)
    after = _check_undo_redo(model, lambda: model.connect("b", None, "s", "tensors", 1))  # the literal replaced
    assert after.node("s").inputs == {"tensors": ["a", "b"]}
    after = _check_undo_redo(model, lambda: model.connect("c", None, "s", "tensors", 2))
    assert after.node("s").inputs == {"tensors": ["a", "b", "c"]}
    assert model.connect("c", None, "s", "tensors", 2) is None and model.stack.count() == 2  # already there: no step
    after = _check_undo_redo(model, lambda: model.set_input("s", "tensors", [[1, 2, 3]], 0))
    assert after.node("s").inputs == {"tensors": [[[1, 2, 3]], "b", "c"]}
    before = model.doc.copy()
    assert "one value" in model.set_input("s", "tensors", ["a", "b"], 0)  # a list of wires is not one item
    assert model.doc == before


def test_disconnect(model, chain_doc):
    model.reset(chain_doc)
    after = _check_undo_redo(model, lambda: model.disconnect("b", "input"))
    assert after.node("b").inputs == {}


def test_cycle_is_refused_and_document_unchanged(model, chain_doc, qtbot):
    model.reset(chain_doc)
    before = model.doc.copy()
    with qtbot.waitSignal(model.message) as blocker:
        reason = model.connect("c", None, "b", "input")
    assert reason and "cycle" in reason
    assert blocker.args[0] == reason
    assert model.doc == before
    assert model.stack.count() == 0
    assert model.connect("b", None, "b", "input") is not None  # a self-loop too
    assert model.doc == before


def test_connection_the_checker_rejects_is_refused(model):
    model.reset(Document(nodes=[
        Node("a", "ones", {}, {"shape": [2, 3]}, (0.0, 0.0)),
        Node("b", "ones", {}, {"shape": [4, 5]}, (0.0, 200.0)),
        Node("m", "mm", {}, {}, (300.0, 0.0)),
    ]))
    assert model.connect("a", None, "m", "input") is None  # one input at a time is fine
    before = model.doc.copy()
    reason = model.connect("b", None, "m", "mat2")
    assert reason and "cannot be multiplied" in reason
    assert model.doc == before


def test_set_param_and_flag(model, chain_doc):
    model.reset(chain_doc)
    after = _check_undo_redo(model, lambda: model.set_param("a", "shape", (4, 5)))
    assert after.node("a").params["shape"] == [4, 5]
    after = _check_undo_redo(model, lambda: model.set_param("a", "shape"))  # UNSET: back to the default
    assert "shape" not in after.node("a").params
    after = _check_undo_redo(model, lambda: model.set_flag("b", "retain_grad", True))
    assert after.node("b").params == {"retain_grad": True}
    after = _check_undo_redo(model, lambda: model.set_flag("a", "requires_grad", False))
    assert "requires_grad" not in after.node("a").params


def test_set_literal_input(model, chain_doc):
    model.reset(chain_doc)
    after = _check_undo_redo(model, lambda: model.set_input("c", "other", 3.5))
    assert after.node("c").inputs["other"] == 3.5


def test_rename_follows_references(model, chain_doc):
    chain_doc.nodes.append(Node("s", "stack", {"tensors": ["b", "a", 1.0]}))
    chain_doc.nodes.append(Node("sp", "split", {"input": "b"}))
    chain_doc.nodes.append(Node("u", "relu", {"input": "sp:1"}))
    model.reset(chain_doc)
    after = _check_undo_redo(model, lambda: model.rename("b", "hidden"))
    assert after.node("c").inputs["input"] == "hidden"
    assert after.node("s").inputs["tensors"] == ["hidden", "a", 1.0]
    after = _check_undo_redo(model, lambda: model.rename("sp", "parts"))
    assert after.node("u").inputs["input"] == "parts:1"


@pytest.mark.parametrize("bad", ["1x", "a", "with space", ""])
def test_rename_refuses_bad_or_taken_ids(model, chain_doc, bad):
    model.reset(chain_doc)
    before = model.doc.copy()
    assert model.rename("b", bad)
    assert model.doc == before


def test_copy_paste_renames_clashing_ids(model, chain_doc):
    model.reset(chain_doc)
    text = model.copy_text(["a", "b"])
    assert '"graphstudio": 1' in text
    before = model.doc.copy()
    new = model.paste_text(text)
    assert new == ["a1", "b1"]
    assert model.doc.node("b1").inputs == {"input": "a1"}  # internal wire follows the rename
    assert model.doc.node("a1").pos == (40.0, 40.0)
    model.stack.undo()
    assert model.doc == before


def test_paste_into_another_graph_drops_wires_to_missing_nodes(model, chain_doc):
    model.reset(chain_doc)
    text = model.copy_text(["c"])  # c reads b, which the new graph lacks
    model.reset(Document())
    assert model.paste_text(text) == ["c"]
    assert model.doc.node("c").inputs == {"other": 2}


def test_paste_garbage_is_refused(model):
    assert isinstance(model.paste_text("not json"), str)
    assert model.doc == Document()


def test_duplicate(model, chain_doc):
    model.reset(chain_doc)
    after = _check_undo_redo(model, lambda: model.duplicate(["b"]))
    assert after.node("b1").inputs == {"input": "a"}  # an outside wire is kept in the same graph


def test_noop_edits_are_not_pushed(model, chain_doc):
    model.reset(chain_doc)
    model.move({"a": (0.0, 0.0)})
    model.connect("a", None, "b", "input")
    model.rename("a", "a")
    assert model.stack.count() == 0


def test_commands_snapshot_exactly(model, chain_doc):
    """Undo restores bytes, not just equality: input order and literals included."""
    chain_doc.extra["expect"] = {"keep": True}
    model.reset(chain_doc)
    text = dumps(model.doc)
    model.push(C.SetInput(model, "c", "zeta", 1))
    model.push(C.RemoveNodes(model, ["a"]))
    model.stack.undo()
    model.stack.undo()
    assert dumps(model.doc) == text


def test_a_model_with_a_history_is_freed_without_the_cycle_collector(qapp, chain_doc):
    """The model owns its undo stack, which owns its commands. Were a command to hold the model, the
    three would wait for Python's cycle collector, which deletes Qt objects in no set order and
    crashed the process when a command's wrapper outlived the stack that had deleted it."""
    import gc
    import weakref

    from graphstudio.ui.model import GraphModel

    gc.collect()
    gc.disable()
    try:
        model = GraphModel()
        model.reset(chain_doc)
        model.add_node("relu")
        model.move({"a": (5.0, 5.0)})
        model.stack.undo()
        gone = weakref.ref(model)
        del model
        assert gone() is None
    finally:
        gc.enable()
