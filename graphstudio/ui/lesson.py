"""The lesson panel: the graph's title and notes (Markdown), the text a teacher wrote beside the graph,
in the interface's language where the file has a translation (``translations``)."""
from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser, QWidget

from graphstudio.document.translations import translated

from . import i18n
from .i18n import tr
from .model import GraphModel


def lesson_markdown(title: str, notes: str) -> str:
    """The Markdown shown: the title as a (modest) heading, then the notes as written."""
    parts = []
    if title.strip():
        parts.append(f"### {title.strip()}")
    if notes.strip():
        parts.append(notes)
    return "\n\n".join(parts) or "*" + tr("This graph has no lesson notes.") + "*"


class LessonPanel(QTextBrowser):
    def __init__(self, model: GraphModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setOpenExternalLinks(True)
        self._shown: tuple[str, str, str] | None = None
        model.changed.connect(self.refresh)
        i18n.live(self, self.refresh)

    def refresh(self) -> None:
        language = i18n.language()
        key = (*translated(self.model.doc, language), language)
        if key != self._shown:
            self._shown = key
            self.setMarkdown(lesson_markdown(*key[:2]))
