"""The lesson panel: the graph's title and notes (Markdown), the text a teacher wrote beside the graph."""
from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser, QWidget

from .model import GraphModel


def lesson_markdown(title: str, notes: str) -> str:
    """The Markdown shown: the title as a (modest) heading, then the notes as written."""
    parts = []
    if title.strip():
        parts.append(f"### {title.strip()}")
    if notes.strip():
        parts.append(notes)
    return "\n\n".join(parts) or "*This graph has no lesson notes.*"


class LessonPanel(QTextBrowser):
    def __init__(self, model: GraphModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setOpenExternalLinks(True)
        self._shown: tuple[str, str] | None = None
        model.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        key = (self.model.doc.title, self.model.doc.notes)
        if key != self._shown:
            self._shown = key
            self.setMarkdown(lesson_markdown(*key))
