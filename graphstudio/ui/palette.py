"""The op palette (a dock: every registry op by category, searchable, draggable onto the canvas)
and the quick-add search popup (Tab or double-click on the canvas).

Both read the registry directly, so a newly defined op shows up with no UI change; the op's
``doc`` is the tooltip, which is where a student first reads what an op does.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QLineEdit, QListWidget, QListWidgetItem, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from .view import MIME_OP

OP_ROLE = Qt.ItemDataRole.UserRole


def all_ops() -> list[tuple[str, list[Any]]]:
    """(category, ops sorted by name) for every category that has ops, in registry order."""
    from . import graph
    graph.registry()
    from graphstudio.engine.registry import ops_by_category
    return [(cat, sorted(ops, key=lambda o: o.name)) for cat, ops in ops_by_category().items() if ops]


def matches(op: Any, text: str) -> int | None:
    """Rank of ``op`` for a search (lower is better), None when it does not match."""
    text = text.strip().lower()
    if not text:
        return 3
    name = op.name.lower()
    if name == text:
        return 0
    if name.startswith(text):
        return 1
    if text in name:
        return 2
    if text in op.category.lower() or text in (op.doc or "").lower():
        return 4
    return None


class OpTree(QTreeWidget):
    """The palette tree; dragging an op leaf carries its name under ``MIME_OP``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:
        mime = QMimeData()
        ops = [i.data(0, OP_ROLE) for i in items if i.data(0, OP_ROLE)]
        if ops:
            mime.setData(MIME_OP, ops[0].encode("utf-8"))
            mime.setText(ops[0])
        return mime

    def mimeTypes(self) -> list[str]:
        return [MIME_OP]


def op_mime(op: str) -> QMimeData:
    """The mime data a palette drag carries for ``op`` (also what tests drop)."""
    mime = QMimeData()
    mime.setData(MIME_OP, op.encode("utf-8"))
    mime.setText(op)
    return mime


class Palette(QWidget):
    """Search box over the op tree. ``activated(op)`` on double-click or Enter (adds at the view centre)."""

    activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(placeholderText="Search ops…")
        self.search.setClearButtonEnabled(True)
        self.tree = OpTree()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self.items: dict[str, QTreeWidgetItem] = {}
        for cat, ops in all_ops():
            top = QTreeWidgetItem([cat])
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(top)
            for op in ops:
                leaf = QTreeWidgetItem([op.name])
                leaf.setData(0, OP_ROLE, op.name)
                leaf.setToolTip(0, f"{op.name} ({op.category})\n{op.doc}" if op.doc else op.name)
                leaf.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
                top.addChild(leaf)
                self.items[op.name] = leaf
        self.tree.expandAll()
        self.search.textChanged.connect(self.filter)
        self.search.returnPressed.connect(self._activate_first)
        self.tree.itemDoubleClicked.connect(lambda item, _col: self._activate(item))

    def filter(self, text: str) -> None:
        """Show only ops matching ``text`` (name, category or doc); hide emptied categories."""
        from . import graph
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            shown = 0
            for j in range(top.childCount()):
                leaf = top.child(j)
                ok = matches(graph.op_class(leaf.data(0, OP_ROLE)), text) is not None
                leaf.setHidden(not ok)
                shown += ok
            top.setHidden(shown == 0)
            top.setExpanded(True)

    def visible_ops(self) -> list[str]:
        return [name for name, leaf in self.items.items() if not leaf.isHidden() and not leaf.parent().isHidden()]

    def _activate(self, item: QTreeWidgetItem) -> None:
        op = item.data(0, OP_ROLE)
        if op:
            self.activated.emit(op)

    def _activate_first(self) -> None:
        for cat_ops in self.visible_ops()[:1]:
            self.activated.emit(cat_ops)


class OpSearchPopup(QFrame):
    """A small popup: type to filter, Enter (or double-click) adds the op; Escape closes."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, accept: Any = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.accept_op = accept  # None, or a test: only ops it accepts are listed
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.search = QLineEdit(placeholderText="Add op…")
        self.list = QListWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.resize(260, 320)
        self.search.textChanged.connect(self.filter)
        self.search.returnPressed.connect(self.accept_current)
        self.list.itemActivated.connect(lambda _item: self.accept_current())
        self.search.installEventFilter(self)
        self.filter("")

    def filter(self, text: str) -> None:
        ranked = []
        for _cat, ops in all_ops():
            for op in ops:
                if self.accept_op is not None and not self.accept_op(op):
                    continue
                rank = matches(op, text)
                if rank is not None:
                    ranked.append((rank, op.name, op))
        self.list.clear()
        for _rank, name, op in sorted(ranked, key=lambda r: (r[0], r[1])):
            item = QListWidgetItem(f"{name}    ·  {op.category}")
            item.setData(OP_ROLE, name)
            item.setToolTip(op.doc)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def choose(self, op: str) -> None:
        self.chosen.emit(op)
        self.close()

    def accept_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.choose(item.data(OP_ROLE))

    def eventFilter(self, obj: Any, event: Any) -> bool:
        """Up/Down in the search box move through the list."""
        if obj is self.search and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                row = self.list.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
                self.list.setCurrentRow(max(0, min(self.list.count() - 1, row)))
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.close()
                return True
        return super().eventFilter(obj, event)
