"""The op palette (a dock: every registry op by category, searchable, draggable onto the canvas)
and the quick-add search popup (Tab or double-click on the canvas).

Both read the registry directly, so a newly defined op shows up with no UI change; the op's
``doc`` is the tooltip, which is where a student first reads what an op does (in the interface's
language: ``op_help``); a search matches the description and category in either language.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QLineEdit, QListWidget, QListWidgetItem, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from graphstudio.engine.op_help import category_name, op_help

from . import i18n
from .graph import op_class
from .i18n import tr

MIME_OP = "application/x-graphstudio-op"  # a drag from the palette carries the op name under this type
OP_ROLE = Qt.ItemDataRole.UserRole
POPUP_WIDTH = 380  # the longest op name and its category side by side


def all_ops() -> list[tuple[str, list[Any]]]:
    """(category, ops sorted by name) for every category that has ops, in registry order."""
    from . import graph
    graph.registry()
    from graphstudio.engine.core.registry import ops_by_category
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
    language = i18n.language()
    if text in category_name(op.category, language).lower() or text in op_help(op, language).doc.lower():
        return 4
    return None


def ranked(text: str, accept: Any = None) -> list[Any]:
    """Every op matching ``text``, best first: exact name, name prefix, name substring, then
    category or description; by name within a rank. ``accept``: None, or a test an op must pass.
    The palette and the quick-add popup both list in this order, and Enter takes the first."""
    found = []
    for _cat, ops in all_ops():
        for op in ops:
            if accept is not None and not accept(op):
                continue
            rank = matches(op, text)
            if rank is not None:
                found.append((rank, op.name, op))
    return [op for _rank, _name, op in sorted(found, key=lambda r: (r[0], r[1]))]


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
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.tree = OpTree()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self.items: dict[str, QTreeWidgetItem] = {}
        self.categories: dict[str, QTreeWidgetItem] = {}
        for cat, ops in all_ops():
            top = self.categories[cat] = QTreeWidgetItem([cat])
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(top)
            for op in ops:
                leaf = QTreeWidgetItem([op.name])
                self._make_leaf(leaf, op)
                top.addChild(leaf)
                self.items[op.name] = leaf
        self.matches = QTreeWidgetItem([""])
        self.matches.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.tree.insertTopLevelItem(0, self.matches)
        self.matches.setHidden(True)
        self.tree.expandAll()
        self.search.textChanged.connect(self.filter)
        self.search.returnPressed.connect(self._activate_first)
        self.tree.itemDoubleClicked.connect(lambda item, _col: self._activate(item))
        i18n.live(self, self._retranslate)

    def _retranslate(self) -> None:
        """Category names, tooltips and the search's hint in the interface's language."""
        self.search.setPlaceholderText(tr("Search ops…"))
        language = i18n.language()
        for cat, top in self.categories.items():
            top.setText(0, category_name(cat, language))
        for leaf in self.items.values():
            self._make_leaf(leaf, op_class(leaf.data(0, OP_ROLE)))
        self.filter(self.search.text())

    def filter(self, text: str) -> None:
        """Searching shows one list of the matches in ``ranked`` order (the quick-add popup's order),
        each with its category; an empty search brings the categories back."""
        searching = bool(text.strip())
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            top.setHidden(searching if top is not self.matches else not searching)
        self.matches.takeChildren()
        if searching:
            for op in ranked(text):
                leaf = QTreeWidgetItem([f"{op.name}    ·  {category_name(op.category, i18n.language())}"])
                self._make_leaf(leaf, op)
                self.matches.addChild(leaf)
            self.matches.setText(0, tr("Matches ({count})").format(count=self.matches.childCount()))
            self.matches.setExpanded(True)

    def visible_ops(self) -> list[str]:
        """The ops shown, top to bottom."""
        return [top.child(j).data(0, OP_ROLE) for i in range(self.tree.topLevelItemCount())
                if not (top := self.tree.topLevelItem(i)).isHidden() for j in range(top.childCount())]

    @staticmethod
    def _make_leaf(leaf: QTreeWidgetItem, op: Any) -> None:
        leaf.setData(0, OP_ROLE, op.name)
        help_ = op_help(op, i18n.language())
        category = category_name(op.category, i18n.language())
        leaf.setToolTip(0, f"{op.name} ({category})\n{help_.doc}" if help_.doc else op.name)
        leaf.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)

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
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one popup per Tab: none piles up
        self.accept_op = accept  # None, or a test: only ops it accepts are listed
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.search = QLineEdit(placeholderText=tr("Add op…"))
        self.list = QListWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.resize(POPUP_WIDTH, 340)
        self.search.textChanged.connect(self.filter)
        self.search.returnPressed.connect(self.accept_current)
        self.list.itemActivated.connect(lambda _item: self.accept_current())
        self.search.installEventFilter(self)
        self.filter("")

    def filter(self, text: str) -> None:
        self.list.clear()
        for op in ranked(text, self.accept_op):
            item = QListWidgetItem(f"{op.name}    ·  {category_name(op.category, i18n.language())}")
            item.setData(OP_ROLE, op.name)
            item.setToolTip(op_help(op, i18n.language()).doc)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def hideEvent(self, event: Any) -> None:
        """The keyboard goes back to the canvas that opened the popup."""
        super().hideEvent(event)
        opener = self.parentWidget()
        if opener is not None:
            opener.activateWindow()
            opener.setFocus(Qt.FocusReason.PopupFocusReason)

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
