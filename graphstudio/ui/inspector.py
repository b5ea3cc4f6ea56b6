"""The inspector: editors generated from the selected node's Params, its inputs, its flags and its id.

Nothing is hand-written per op: each ``Param.type`` maps to one kind of widget, so a new op
gets an inspector for free. Every change goes through the model as one undoable command; text
that does not parse (``[2, x]`` as a shape) is refused with a message under the field and the
Document is left as it was.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QT_TR_NOOP, Qt, Signal
from PySide6.QtGui import QPalette, QValidator
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit, QScrollArea,
                               QSpinBox, QVBoxLayout, QWidget)

from graphstudio.document import Node
from graphstudio.program.script_source import script_line

from . import commands as C
from graphstudio.engine.op_help import OpHelp, category_name, op_help

from . import graph, i18n, values
from .i18n import tr
from .model import GraphModel

INT_LIMIT = 2**31 - 1
DEFAULT_CHOICE = QT_TR_NOOP("(default)")  # shown through tr()


class FloatSpin(QDoubleSpinBox):
    """A float spin box that shows 0.001 and 1e-08 as written (not 0.00100000), so small learning
    rates and epsilons survive a round trip through the inspector."""

    def __init__(self) -> None:
        super().__init__()
        self.setDecimals(12)
        self.setRange(-1e12, 1e12)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:
        return f"{value:.10g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> object:
        try:
            float(text)
            return QValidator.State.Acceptable, text, pos
        except ValueError:
            ok = text in ("", "-", "+", ".") or text.lower().endswith(("e", "e-", "e+"))
            return (QValidator.State.Intermediate if ok else QValidator.State.Invalid), text, pos


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #d0342c;")
    label.hide()
    return label


class Inspector(QScrollArea):
    """Shows and edits one selected node; ``show_node(None)`` or several ids shows a hint."""

    left = Signal()  # Esc: the student is done here (the window gives the canvas the keyboard back)

    def __init__(self, model: GraphModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setWidgetResizable(True)
        self.node_id: str | None = None
        self._signature: Any = None
        self.widgets: dict[str, QWidget] = {}     # param name → editor ("id" and "input:<name>" too)
        self.errors: dict[str, QLabel] = {}
        self.flag_boxes: dict[str, QCheckBox] = {}
        self._loaders: list[Callable[[Node], None]] = []
        self._renamed_to: str | None = None
        self._ids: list[str] = []
        self._help: OpHelp | None = None
        model.changed.connect(self.refresh)
        i18n.live(self, self._retranslate)

    def _retranslate(self) -> None:
        """Build the page again in the interface's language (the same node, or the same hint)."""
        self._signature = None
        self.show_ids(self._ids)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.left.emit()
            return
        super().keyPressEvent(event)

    def edit(self) -> bool:
        """Put the keyboard in the first field (the id); Tab goes on to the next. False: no node shown."""
        first = self.widgets.get("id")
        if first is None:
            return False
        first.setFocus(Qt.FocusReason.ShortcutFocusReason)
        first.selectAll()
        return True

    # -- building -------------------------------------------------------------------------------
    def show_ids(self, ids: list[str]) -> None:
        if len(ids) == 1:
            self.show_node(ids[0])
        elif ids:
            self.node_id, self._ids = None, list(ids)
            self._blank(tr("%n nodes selected.", None, len(ids)))
        else:
            self.show_node(None)

    def show_node(self, node_id: str | None) -> None:
        if node_id is None or not self.model.has(node_id):
            self.node_id, self._ids = None, []
            self._blank(tr("Select a node to edit it."))
            return
        self._ids = [node_id]
        node = self.model.doc.node(node_id)
        cls = graph.op_class(node.op)
        declared = {p.name for p in cls.params} if cls else set()
        extra = tuple(k for k in node.params if k not in declared and k not in graph.FLAGS)
        signature = (node.op, tuple(p.name for p in graph.input_ports(node)), extra)
        same_node = node_id == self.node_id or self._renamed_to == node_id
        self._renamed_to = None
        self.node_id = node_id
        if signature != self._signature or not same_node:
            self._build(node)
            self._signature = signature
        self._load(node)

    def refresh(self) -> None:
        """After any model change: reload values (or follow a rename / deletion)."""
        if self.node_id is None:
            return
        if self.model.has(self.node_id):
            self.show_node(self.node_id)
        elif self._renamed_to and self.model.has(self._renamed_to):
            self.show_node(self._renamed_to)
        else:
            self.show_node(None)

    def _blank(self, text: str) -> None:
        self._signature = None
        self.widgets, self.errors, self.flag_boxes, self._loaders = {}, {}, {}, []
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        label.setMargin(16)
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # no style sheet: it follows the theme
        self._set_page(label)

    def _build(self, node: Node) -> None:
        self.widgets, self.errors, self.flag_boxes, self._loaders = {}, {}, {}, []
        cls = graph.op_class(node.op)
        page = QWidget()
        outer = QVBoxLayout(page)
        category = category_name(cls.category, i18n.language()) if cls else ""
        title = QLabel(f"<b>{node.op}</b>" + (f" <span style='color:gray'>· {category}</span>" if cls else ""))
        outer.addWidget(title)
        self._help = op_help(cls, i18n.language()) if cls is not None else None
        if self._help is not None and self._help.doc:
            doc = QLabel(self._help.doc)
            doc.setWordWrap(True)
            doc.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            outer.addWidget(doc)
        elif cls is None:
            outer.addWidget(QLabel(tr("'{op}' is not an op this version knows.").format(op=node.op)))
        origin = script_line(self.model.doc.extra, node.id)
        if origin is not None:
            where = QLabel(tr("from {origin}").format(origin=origin))
            where.setObjectName("script_line")
            where.setWordWrap(True)
            where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            outer.addWidget(where)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)

        id_edit = QLineEdit()
        id_edit.editingFinished.connect(lambda: self._rename(id_edit))
        self._add_row(form, "id", "id", id_edit, lambda n: _set_text(id_edit, n.id))

        ports = graph.input_ports(node)
        if ports:
            form.addRow(_section(tr("Inputs")))
        for port in ports:
            self._input_row(form, port)

        params = [p for p in (cls.params if cls else ()) if p.name not in graph.FLAGS]
        if params:
            form.addRow(_section(tr("Settings")))
        for p in params:
            self._param_row(form, p)
        extra = [k for k in node.params if k not in graph.FLAGS and k not in {p.name for p in params}]
        for key in extra:  # params this op does not declare: still visible and editable as JSON
            self._json_row(form, key, "any", key, None)

        kind = graph.node_kind(node.op)
        allowed = {"requires_grad": kind in ("leaf", "unknown"), "retain_grad": kind in ("op", "unknown"),
                   "no_grad": kind in ("op", "unknown")}
        # Only the flags that mean something for this op, and one the file set where it does not (to untick).
        shown = [f for f in graph.FLAGS if allowed[f] or node.params.get(f) is True]
        if shown:
            form.addRow(_section(tr("Autograd")))
        tips = {"requires_grad": tr("track operations on this leaf so .grad is filled by backward()"),
                "retain_grad": tr("keep .grad on this non-leaf, like tensor.retain_grad()"),
                "no_grad": tr("run this node under torch.no_grad(): its result does not track gradients")}
        for flag in shown:
            box = QCheckBox(flag)
            box.setToolTip(tips[flag])
            box.toggled.connect(lambda on, f=flag: self._commit(lambda: self.model.set_flag(self.node_id, f, on)))
            self.flag_boxes[flag] = box

            def load(n: Node, box: QCheckBox = box, flag: str = flag, ok: bool = allowed[flag]) -> None:
                on = n.params.get(flag) is True
                _quiet(box, box.setChecked, on)
                box.setEnabled(ok or on)

            self._add_row(form, "", flag, box, load)
        outer.addStretch(1)
        self._set_page(page)

    def _set_page(self, page: QWidget) -> None:
        """Swap the inspector's contents; the old page is deleted later, since one of its widgets
        may be in the middle of emitting the signal that led here."""
        old = self.takeWidget()
        if old is not None:
            old.hide()
            old.deleteLater()
        self.setWidget(page)

    def _add_row(self, form: QFormLayout, label: str, key: str, widget: QWidget,
                 load: Callable[[Node], None]) -> None:
        err = _error_label()
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        lay.addWidget(widget)
        lay.addWidget(err)
        form.addRow(label, box)
        self.widgets[key] = widget
        self.errors[key] = err
        self._loaders.append(load)

    def _input_row(self, form: QFormLayout, port: graph.InputPort) -> None:
        edit = QLineEdit()
        edit.setPlaceholderText(tr("optional: a node id, a number or a list (1, 2)") if port.optional
                                else tr("a node id, a number or a list (1, 2)"))
        doc = (self._help.inputs.get(port.name) if self._help else None) or port.doc
        edit.setToolTip((doc + "\n" if doc else "")
                        + tr("A node id (x or x:name), a number, or a list; empty disconnects."))
        key = f"input:{port.name}"

        def commit() -> None:
            text = edit.text().strip()
            node = self.model.doc.node(self.node_id)
            if not text:
                if port.name in node.inputs:
                    self._ok(key)
                    self.model.disconnect(self.node_id, port.name)
                return
            if text == values.format_value(node.inputs.get(port.name)):
                return
            try:
                value = values.parse_input(text)
            except values.InvalidValue as exc:
                self._fail(key, exc.words(tr))
                return
            reason = self.model.set_input(self.node_id, port.name, value)
            self._fail(key, reason) if reason else self._ok(key)

        edit.editingFinished.connect(commit)
        self._add_row(form, port.name, key, edit,
                      lambda n: _set_text(edit, _input_text(n.inputs.get(port.name))))

    def _param_row(self, form: QFormLayout, p: Any) -> None:
        name = p.name
        current: Callable[[Node], Any] = lambda n: n.params.get(name, p.default)  # noqa: E731
        doc = (self._help.params.get(name) if self._help else None) or p.doc or ""
        tip = doc + "\n" + tr("default: {value}").format(value=values.format_value(p.default) or "none")
        kind = p.type
        if kind == "int" and p.default is not None:
            spin = QSpinBox()
            spin.setRange(int(p.min) if p.min is not None else -INT_LIMIT, int(p.max) if p.max is not None else INT_LIMIT)
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(lambda v: self._commit(lambda: self.model.set_param(self.node_id, name, int(v))))
            widget: QWidget = spin
            load = lambda n: _quiet(spin, spin.setValue, int(current(n)) if _is_int(current(n)) else 0)  # noqa: E731
        elif kind == "float" and p.default is not None:
            fspin = FloatSpin()
            if p.min is not None:
                fspin.setMinimum(float(p.min))
            if p.max is not None:
                fspin.setMaximum(float(p.max))
            fspin.valueChanged.connect(lambda v: self._commit(lambda: self.model.set_param(self.node_id, name, _num(v))))
            widget = fspin
            load = lambda n: _quiet(fspin, fspin.setValue, float(current(n)) if _is_num(current(n)) else 0.0)  # noqa
        elif kind == "bool":
            box = QCheckBox()
            box.toggled.connect(lambda on: self._commit(lambda: self.model.set_param(self.node_id, name, bool(on))))
            widget = box
            load = lambda n: _quiet(box, box.setChecked, bool(current(n)))  # noqa: E731
        elif kind in ("choice", "dtype") or p.choices:
            combo = QComboBox()
            options = ([tr(DEFAULT_CHOICE)] if p.default is None else []) + [str(c) for c in p.choices]
            combo.addItems(options)

            def chosen(index: int) -> None:
                text = combo.itemText(index)
                value = C.UNSET if text == tr(DEFAULT_CHOICE) else next(c for c in p.choices if str(c) == text)
                self._commit(lambda: self.model.set_param(self.node_id, name, value))

            combo.currentIndexChanged.connect(chosen)
            widget = combo

            def load(n: Node) -> None:
                value = n.params.get(name, p.default)
                text = tr(DEFAULT_CHOICE) if value is None else str(value)
                if combo.findText(text) < 0:
                    combo.addItem(text)  # a value the file has but the op does not list: shown, not lost
                _quiet(combo, combo.setCurrentIndex, combo.findText(text))
        else:
            text_kind = {"int": "int_or_none", "float": "float_or_none"}.get(kind, kind)
            self._json_row(form, name, text_kind, name, p.default, tip)
            return
        widget.setToolTip(tip)
        self._add_row(form, name, name, widget, load)

    def _json_row(self, form: QFormLayout, name: str, kind: str, label: str, default: Any, tip: str = "") -> None:
        edit = QLineEdit()
        base = kind.removesuffix("_or_none")
        if values.is_list(base) and base != "data":
            tip += "\n" + tr("type {a}, ({a}) or [{a}]").format(a=values.example(base))
        edit.setToolTip(tip)
        if default is not None:
            edit.setPlaceholderText(values.format_value(default))
        elif kind.endswith("_or_none"):
            base = kind.removesuffix("_or_none")
            edit.setPlaceholderText(tr("none, or e.g. {example}").format(example=values.example(base))
                                    if values.is_list(base) else "none")
        elif values.is_list(kind):
            edit.setPlaceholderText(tr("e.g. {example}").format(example=values.example(kind)))

        def commit() -> None:
            node = self.model.doc.node(self.node_id)
            text = edit.text()
            if text.strip() == values.format_value(node.params.get(name, default)):
                self._ok(name)
                return
            try:
                value = values.parse_value(kind, text)
            except values.InvalidValue as exc:
                self._fail(name, exc.words(tr))
                return
            self._ok(name)
            if value is None and default is None:
                self.model.set_param(self.node_id, name, C.UNSET)
            else:
                self.model.set_param(self.node_id, name, value)

        edit.editingFinished.connect(commit)
        self._add_row(form, label, name, edit,
                      lambda n: _set_text(edit, values.format_value(n.params.get(name, default))))

    # -- values and edits -----------------------------------------------------------------------
    def _load(self, node: Node) -> None:
        for load in self._loaders:
            load(node)

    def _commit(self, edit: Callable[[], Any]) -> None:
        if self.node_id is not None and self.model.has(self.node_id):
            edit()

    def _rename(self, edit: QLineEdit) -> None:
        if self.node_id is None:
            return
        old, new = self.node_id, edit.text().strip()
        self._renamed_to = new  # same node, new name: keep the widgets (one may be mid-signal)
        reason = self.model.rename(old, new)
        self._renamed_to = None
        if reason:
            self._fail("id", reason)
        else:
            self._ok("id")

    def _fail(self, key: str, message: str) -> None:
        label = self.errors.get(key)
        if label is not None:
            label.setText(message)
            label.show()
        widget = self.widgets.get(key)
        if widget is not None:
            widget.setStyleSheet("border: 1px solid #d0342c;")

    def _ok(self, key: str) -> None:
        label = self.errors.get(key)
        if label is not None:
            label.hide()
        widget = self.widgets.get(key)
        if widget is not None:
            widget.setStyleSheet("")

    def error(self, key: str) -> str | None:
        """The error shown under a field, or None (for tests and accessibility)."""
        label = self.errors.get(key)
        return label.text() if label is not None and not label.isHidden() else None


def _section(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    label.setContentsMargins(0, 8, 0, 0)
    return label


def _set_text(edit: QLineEdit, text: str) -> None:
    if edit.text() != text:
        _quiet(edit, edit.setText, text)


def _quiet(widget: QWidget, setter: Callable[[Any], Any], value: Any) -> None:
    blocked = widget.blockSignals(True)
    try:
        setter(value)
    finally:
        widget.blockSignals(blocked)


def _input_text(value: Any) -> str:
    return "" if value is None else values.format_value(value)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _num(v: float) -> float | int:
    """Spin boxes give floats; keep 2.0 as 2.0 but drop float noise beyond 10 significant digits."""
    return float(f"{v:.10g}")
