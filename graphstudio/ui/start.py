"""The start page: where a student begins, over the empty canvas on first launch and on File › New.

The lessons shipped in ``resources/examples`` as a numbered gallery (a thumbnail of each graph
and a one-line summary), "Build your own" with the three moves that make a graph, and the
recent files. It is a page laid over the canvas, not a dialog: the palette and the canvas stay
usable, it goes as soon as the graph has a node, and Help › Start Page brings it back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TR_NOOP, QEvent, QObject, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QListView, QListWidget, QListWidgetItem, QPushButton,
                               QVBoxLayout, QWidget)

from graphstudio.document import Document, DocumentError, load
from graphstudio.document.translations import translated

from . import graph, i18n, theme
from .i18n import tr
from .layout import default_size
from .model import place_missing

THUMB = QSize(200, 110)
HINTS = (QT_TR_NOOP("Drag an op from the palette onto the canvas, or press Tab and type its name."),
         QT_TR_NOOP("Drag from a node's output (right) to another node's input (left) to wire them."),
         QT_TR_NOOP("Press Forward to see the values flow, then Backward for the gradients."))


@dataclass(frozen=True)
class Lesson:
    number: int
    path: Path
    title: str
    summary: str
    doc: Document


def lessons(folder: Path) -> list[Lesson]:
    """The lessons in ``folder`` in file-name order, numbered from 1 (files that do not load are left out)."""
    found: list[Lesson] = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            doc = load(path)
        except DocumentError:
            continue
        found.append(Lesson(len(found) + 1, path, doc.title or path.stem, summary(doc.notes), doc))
    return found


def _cjk(char: str) -> bool:
    return "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"


def summary(notes: str, limit: int = 110) -> str:
    """The notes' first sentence as plain text, at most ``limit`` characters (a Chinese sentence ends
    at its full stop, with no space after it; its lines join without one)."""
    text = ""
    for line in (line.strip() for line in notes.strip().split("\n\n")[0].splitlines()):
        if text and line and not (_cjk(text[-1]) or _cjk(line[0])):
            text += " "
        text += line
    text = re.sub(r"[*`#>]", "", text)
    first = re.split(r"(?<=[.!?])\s|(?<=[。！？])", text, maxsplit=1)[0].rstrip(":;, ：；，")
    return first if len(first) <= limit else first[:limit - 1].rstrip() + "…"


def thumbnail(doc: Document, size: QSize = THUMB) -> QPixmap:
    """The graph in miniature: its nodes as boxes in their category's colour and its wires."""
    doc = doc.copy()
    place_missing(doc)
    box = default_size(doc)
    rects = {n.id: QRectF(*n.pos, *box(n.id)) for n in doc.nodes if n.pos is not None}
    pixmap = QPixmap(size)
    colors = theme.colors()
    pixmap.fill(colors.get("background", Qt.GlobalColor.white))
    if not rects:
        return pixmap
    bounds = QRectF()
    for r in rects.values():
        bounds = bounds.united(r)
    pad = 8
    scale = min((size.width() - 2 * pad) / bounds.width(), (size.height() - 2 * pad) / bounds.height())
    offset = QPointF(pad + ((size.width() - 2 * pad) - bounds.width() * scale) / 2,
                     pad + ((size.height() - 2 * pad) - bounds.height() * scale) / 2)

    def fit(r: QRectF) -> QRectF:
        return QRectF((r.topLeft() - bounds.topLeft()) * scale + offset, r.size() * scale)

    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colors.get("wire", Qt.GlobalColor.gray), 1.2))
    for w in graph.wires(doc):
        if w.src in rects and w.dst in rects:
            a, b = fit(rects[w.src]), fit(rects[w.dst])
            painter.drawLine(QPointF(a.right(), a.center().y()), QPointF(b.left(), b.center().y()))
    ops = {n.id: graph.op_class(n.op) for n in doc.nodes}
    for node_id, r in rects.items():
        cls = ops[node_id]
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.category_color(cls.category if cls else None))
        painter.drawRoundedRect(fit(r), 2, 2)
    painter.end()
    return pixmap


class StartPage(QFrame):
    """Laid over ``canvas`` (kept to its size). Emits what the student picked."""

    lessonChosen = Signal(object)   # Path
    recentChosen = Signal(str)
    emptyChosen = Signal()

    def __init__(self, canvas: QWidget, lesson_list: list[Lesson]) -> None:
        super().__init__(canvas)
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.lesson_list = lesson_list
        self._thumbnails_drawn = False
        title = self.title = QLabel()
        title.setWordWrap(True)

        self.gallery = QListWidget()
        self.gallery.setViewMode(QListView.ViewMode.IconMode)
        self.gallery.setIconSize(THUMB)
        self.gallery.setGridSize(QSize(THUMB.width() + 30, THUMB.height() + 86))
        self.gallery.setResizeMode(QListView.ResizeMode.Adjust)
        self.gallery.setMovement(QListView.Movement.Static)
        self.gallery.setWordWrap(True)
        self.gallery.setUniformItemSizes(True)
        for lesson in lesson_list:  # their thumbnails are drawn as the gallery first paints (see eventFilter)
            item = QListWidgetItem("")
            item.setData(Qt.ItemDataRole.UserRole, str(lesson.path))
            item.setSizeHint(self.gallery.gridSize())
            self.gallery.addItem(item)
        self.gallery.itemActivated.connect(
            lambda item: self.lessonChosen.emit(Path(item.data(Qt.ItemDataRole.UserRole))))

        own = QVBoxLayout()
        self.own_header = QLabel()
        own.addWidget(self.own_header)
        self.hint_labels = []
        for _hint in HINTS:
            label = QLabel()
            label.setWordWrap(True)
            own.addWidget(label)
            self.hint_labels.append(label)
        self.empty = QPushButton()
        self.empty.clicked.connect(self.emptyChosen.emit)
        own.addWidget(self.empty)
        self.recent_header = QLabel()
        own.addWidget(self.recent_header)
        self.recent = QListWidget()
        self.recent.itemActivated.connect(lambda item: self.recentChosen.emit(item.data(Qt.ItemDataRole.UserRole)))
        own.addWidget(self.recent, 1)
        self.footer = QLabel()
        own.addWidget(self.footer)

        lessons_box = QVBoxLayout()
        self.lessons_header = QLabel()
        lessons_box.addWidget(self.lessons_header)
        lessons_box.addWidget(self.gallery, 1)
        columns = QHBoxLayout()
        columns.addLayout(lessons_box, 3)
        columns.addLayout(own, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(title)
        layout.addLayout(columns, 1)
        canvas.installEventFilter(self)
        self.gallery.viewport().installEventFilter(self)
        self.setGeometry(canvas.rect())
        i18n.live(self, self._retranslate)

    def _retranslate(self) -> None:
        """Every text of the page in the interface's language, the lessons' titles and summaries too."""
        self.title.setText("<h2>" + tr("Welcome to GraphStudio") + "</h2>"
                           + tr("Build PyTorch computations as graphs and watch values and gradients flow. "
                                "Start with a lesson, or build your own."))
        self.own_header.setText("<h3>" + tr("Build your own") + "</h3>")
        for i, (label, hint) in enumerate(zip(self.hint_labels, HINTS), 1):
            label.setText(f"{i}. {tr(hint)}")
        self.empty.setText(tr("Start with an empty canvas"))
        self.recent_header.setText("<h3>" + tr("Recent files") + "</h3>")
        self.footer.setText("<i>" + tr("Help › Start Page brings this page back; Esc closes it.") + "</i>")
        self.lessons_header.setText("<h3>" + tr("Lessons") + "</h3>" + tr("Double-click a lesson to open it."))
        for row, lesson in enumerate(self.lesson_list):
            title, notes = translated(lesson.doc, i18n.language())
            title, first = title or lesson.title, summary(notes)
            item = self.gallery.item(row)
            item.setText(f"{lesson.number}. {title}\n{first}")
            item.setToolTip(f"{title}\n\n{first}\n\n{lesson.path.name}")
        if self.recent.count() == 1 and not self.recent.item(0).flags() & Qt.ItemFlag.ItemIsEnabled:
            self.recent.item(0).setText(tr("(none yet)"))

    def show_with(self, recent: list[str]) -> None:
        """Show the page, listing ``recent`` files (paths)."""
        self.recent.clear()
        for path in recent:
            item = QListWidgetItem(f"{Path(path).name}    {Path(path).parent}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.recent.addItem(item)
        if not recent:
            placeholder = QListWidgetItem(tr("(none yet)"))
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(placeholder)
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()
        self.gallery.setFocus()

    def eventFilter(self, obj: QObject, event: Any) -> bool:
        if obj is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        elif (obj is self.gallery.viewport() and event.type() == QEvent.Type.Paint
              and not self._thumbnails_drawn):
            self._draw_thumbnails()
        return False

    def _draw_thumbnails(self) -> None:
        """The lessons' thumbnails, drawn just before the gallery first paints: a window opened
        with a file hides the page before it is ever painted, and so never draws them."""
        self._thumbnails_drawn = True
        for row, lesson in enumerate(self.lesson_list):
            self.gallery.item(row).setIcon(QIcon(thumbnail(lesson.doc)))

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.emptyChosen.emit()
            return
        super().keyPressEvent(event)
