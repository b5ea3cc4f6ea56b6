"""The inspector: widgets generated from Params; each change is one undoable command."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox

from graphstudio.document import Document, Node
from graphstudio.ui import values


def select(window, node_id: str):
    window.scene.select_ids([node_id])
    assert window.inspector.node_id == node_id
    return window.inspector


def commit(edit: QLineEdit, text: str) -> None:
    edit.setText(text)
    edit.editingFinished.emit()


@pytest.fixture
def doc() -> Document:
    return Document(nodes=[
        Node("a", "ones", {}, {"shape": [2, 3]}, (0.0, 0.0)),
        Node("s", "sum", {"input": "a"}, {}, (300.0, 0.0)),
        Node("lin", "linspace", {}, {"steps": 5}, (0.0, 200.0)),
        Node("opt", "sgd", {"loss": "s"}, {"lr": 0.1}, (600.0, 0.0)),
    ])


def test_widgets_follow_param_types(window, doc):
    window.model.reset(doc)
    ins = select(window, "a")
    assert isinstance(ins.widgets["shape"], QLineEdit) and ins.widgets["shape"].text() == "[2, 3]"
    assert isinstance(ins.widgets["dtype"], QComboBox)
    assert isinstance(ins.widgets["id"], QLineEdit) and ins.widgets["id"].text() == "a"
    assert set(ins.flag_boxes) == {"requires_grad"}  # a leaf: only what applies to it
    assert ins.flag_boxes["requires_grad"].isEnabled()
    ins = select(window, "lin")
    assert isinstance(ins.widgets["steps"], QSpinBox) and ins.widgets["steps"].value() == 5
    assert isinstance(ins.widgets["end"], QDoubleSpinBox)
    ins = select(window, "s")
    assert isinstance(ins.widgets["keepdim"], QCheckBox)
    assert ins.widgets["input:input"].text() == "a"


def test_spin_box_edit_reaches_document_and_undoes(window, doc):
    window.model.reset(doc)
    before = window.model.doc.copy()
    ins = select(window, "lin")
    ins.widgets["steps"].setValue(9)
    assert window.model.doc.node("lin").params["steps"] == 9
    window.model.stack.undo()
    assert window.model.doc == before
    assert ins.widgets["steps"].value() == 5  # the widget follows undo


def test_float_spin_keeps_small_values(window, doc):
    window.model.reset(doc)
    ins = select(window, "opt")
    spin = ins.widgets["lr"]
    assert spin.text() == "0.1"
    spin.setValue(0.001)
    assert window.model.doc.node("opt").params["lr"] == 0.001
    assert spin.textFromValue(1e-8) == "1e-08"


def test_shape_text_is_parsed_with_a_clear_error(window, doc):
    window.model.reset(doc)
    before = window.model.doc.copy()
    ins = select(window, "a")
    commit(ins.widgets["shape"], "[2, x]")
    assert "not valid JSON" in ins.error("shape")
    commit(ins.widgets["shape"], "[2, -1]")
    assert "≥ 0" in ins.error("shape")
    assert window.model.doc == before
    commit(ins.widgets["shape"], "[4, 5, 6]")
    assert ins.error("shape") is None
    assert window.model.doc.node("a").params["shape"] == [4, 5, 6]
    window.model.stack.undo()
    assert window.model.doc == before


def test_reshape_takes_one_minus_one_and_expand_several(window):
    """A size that PyTorch works out (-1) is a value the inspector accepts, once for reshape."""
    window.model.reset(Document(nodes=[Node("a", "ones", {}, {"shape": [2, 3]}, (0.0, 0.0)),
                                       Node("r", "reshape", {"input": "a"}, {"shape": [6]}, (300.0, 0.0)),
                                       Node("e", "expand", {"input": "r"}, {"size": [6]}, (600.0, 0.0))]))
    ins = select(window, "r")
    commit(ins.widgets["shape"], "[-1]")
    assert ins.error("shape") is None
    assert window.model.doc.node("r").params["shape"] == [-1]
    commit(ins.widgets["shape"], "[-1, -1]")
    assert "at most one -1" in ins.error("shape")
    assert window.model.doc.node("r").params["shape"] == [-1]
    ins = select(window, "e")
    commit(ins.widgets["size"], "[2, -1]")
    assert ins.error("size") is None
    assert window.model.doc.node("e").params["size"] == [2, -1]


def test_every_param_type_is_known_to_the_registry():
    from graphstudio.engine.core.registry import PARAM_TYPES, Op, Param, register

    class Odd(Op):
        name, category = "odd_param_op", "Math"
        params = (Param("x", "shapes", (1,)),)

    with pytest.raises(TypeError, match="unknown type 'shapes'"):
        register(Odd)
    assert values.example("size") == PARAM_TYPES["size"].example


def test_combo_box_sets_choice(window, doc):
    window.model.reset(doc)
    ins = select(window, "a")
    combo = ins.widgets["dtype"]
    combo.setCurrentText("float64")
    assert window.model.doc.node("a").params["dtype"] == "float64"
    window.model.stack.undo()
    assert "dtype" not in window.model.doc.node("a").params


def test_flags(window, doc):
    window.model.reset(doc)
    ins = select(window, "a")
    ins.flag_boxes["requires_grad"].setChecked(True)
    assert window.model.doc.node("a").params["requires_grad"] is True
    assert "requires_grad" in window.scene.nodes["a"].view.flags
    ins = select(window, "s")
    ins.flag_boxes["retain_grad"].setChecked(True)
    assert window.model.doc.node("s").params == {"retain_grad": True}
    window.model.stack.undo()
    window.model.stack.undo()
    assert window.model.doc == doc


def test_rename_in_inspector(window, doc):
    window.model.reset(doc)
    ins = select(window, "a")
    commit(ins.widgets["id"], "x")
    assert window.model.doc.node("s").inputs["input"] == "x"
    assert ins.node_id == "x" and window.scene.selected_ids() == ["x"]
    commit(ins.widgets["id"], "s")
    assert "already used" in ins.error("id")
    commit(ins.widgets["id"], "9lives")
    assert "not a valid id" in ins.error("id")
    assert [n.id for n in window.model.doc.nodes] == ["x", "s", "lin", "opt"]


def test_literal_input_and_reference_input(window):
    window.model.reset(Document(nodes=[Node("a", "ones", {}, {}, (0.0, 0.0)),
                                       Node("m", "mul", {"input": "a", "other": 2}, {}, (300.0, 0.0))]))
    ins = select(window, "m")
    assert ins.widgets["input:other"].text() == "2"
    commit(ins.widgets["input:other"], "3.5")
    assert window.model.doc.node("m").inputs["other"] == 3.5
    commit(ins.widgets["input:other"], "m")  # itself: a cycle
    assert "cycle" in ins.error("input:other")
    assert window.model.doc.node("m").inputs["other"] == 3.5


def test_multi_selection_shows_a_hint(window, doc):
    window.model.reset(doc)
    window.scene.select_ids(["a", "s"])
    assert window.inspector.node_id is None


@pytest.mark.parametrize("kind, text, value", [
    ("shape", "[2, 3]", [2, 3]), ("shape", "4", [4]), ("dims", "[0, -1]", [0, -1]),
    ("int_or_ints", "2", 2), ("dim_or_none", "", None), ("number_or_none", "0.5", 0.5),
    ("data", "[[1, 2], [3, 4]]", [[1, 2], [3, 4]]), ("data", "3", 3),
    ("shape", "2, 3", [2, 3]), ("shape", "(5, 3)", [5, 3]), ("shape", "(4,)", [4]), ("shape", " [2, 3,] ", [2, 3]),
    ("dims", "0, 1", [0, 1]), ("int_or_ints", "(1, 2)", [1, 2]), ("data", "((1, 2), (3, 4))", [[1, 2], [3, 4]]),
    ("dims_or_none", "(0, 1)", [0, 1]),
    ("padding", "same", "same"), ('padding', '"valid"', "valid"), ("padding", "[1, 2]", [1, 2]),
])
def test_parse_value_accepts(kind, text, value):
    assert values.parse_value(kind, text) == value


@pytest.mark.parametrize("kind, text", [
    ("shape", "[2.5]"), ("shape", "[true]"), ("dims", "x"), ("data", "[[1, 2], [3]]"), ("data", '["a"]'),
    ("padding", '"full"'),
    ("dim_or_none", "1.5"), ("shape", ""), ("shape", "2 3"), ("shape", "(2, -1)"),
])
def test_parse_value_refuses(kind, text):
    with pytest.raises(values.InvalidValue):
        values.parse_value(kind, text)


@pytest.mark.parametrize("text, value", [("(1, 2)", [1, 2]), ("1, 2", [1, 2]), ("[1, 2]", [1, 2]), ("x", "x"),
                                         ("x:name", "x:name"), ("-0.5", -0.5)])
def test_inputs_take_python_tuples_and_bare_lists(text, value):
    assert values.parse_input(text) == value


def test_empty_fields_hint_what_can_be_typed(window, doc):
    window.model.reset(doc)
    window.scene.select_ids(["s"])
    hint = window.inspector.widgets["input:input"].placeholderText()
    assert "node id" in hint and "number" in hint
    assert "0, 1" in window.inspector.widgets["dim"].placeholderText()
    window.scene.select_ids(["a"])
    assert "(2, 3)" in window.inspector.widgets["shape"].toolTip()


def test_panels_show_only_the_flags_that_apply(window, doc):
    window.model.reset(doc)
    assert set(select(window, "s").flag_boxes) == {"retain_grad", "no_grad"}
    assert select(window, "opt").flag_boxes == {}  # an optimizer: no autograd boxes at all
    window.model.set_param("opt", "no_grad", True)  # set in a file where it means nothing: shown, to untick
    window.scene.select_ids([])
    box = select(window, "opt").flag_boxes["no_grad"]
    box.setChecked(False)
    assert "no_grad" not in window.model.doc.node("opt").params
