"""The lesson panel: the graph's title and notes (Markdown), the text a teacher wrote beside the graph,
in the interface's language where the file has a translation (``translations``)."""
from __future__ import annotations

import re

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QTextBrowser, QWidget

from graphstudio.document.translations import translated

from . import i18n
from .i18n import tr
from .model import GraphModel


# A line break inside a paragraph between two Chinese characters (either perhaps in bold), or after
# full-width punctuation where no list, table or heading begins, with the indent of the next line:
# Markdown renders it as a space, which Chinese text does not have there.
_CJK = "[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
_CJK_PUNCTUATION = "[\u3000-\u303f\uff00-\uffef]"
_BLOCK_START = r"\d+\.\s|[-*+]\s|[|#>]|```"
_CJK_BREAK = re.compile(rf"({_CJK}\**)\n[ \t]*(?=\**{_CJK})|({_CJK_PUNCTUATION})\n[ \t]*(?!{_BLOCK_START}|\n|$)")
_CODE_BLOCK = re.compile(r"(```.*?```)", re.S)


def join_cjk_lines(notes: str) -> str:
    """``notes`` with the line breaks between Chinese characters removed (outside code blocks), so a
    paragraph wrapped in the file reads without stray spaces."""
    return "".join(part if part.startswith("```") else _CJK_BREAK.sub(lambda m: m.group(1) or m.group(2), part)
                   for part in _CODE_BLOCK.split(notes))


def lesson_markdown(title: str, notes: str) -> str:
    """The Markdown shown: the title as a (modest) heading, then the notes as written."""
    parts = []
    if title.strip():
        parts.append(f"### {title.strip()}")
    if notes.strip():
        parts.append(join_cjk_lines(notes))
    return "\n\n".join(parts) or "*" + tr("This graph has no lesson notes. The lessons, each with its notes, "
                                           "are in Help › Lessons and on the start page.") + "*"


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
            self._wrap_code_blocks()

    def _wrap_code_blocks(self) -> None:
        """Code blocks wrap at the panel's edge like the prose: a side panel that scrolls sideways for
        one long line of code moves the whole lesson out of view with it."""
        cursor = QTextCursor(self.document())
        block = self.document().begin()
        while block.isValid():
            form = block.blockFormat()
            if form.nonBreakableLines():
                form.setNonBreakableLines(False)
                cursor.setPosition(block.position())
                cursor.setBlockFormat(form)
            block = block.next()
