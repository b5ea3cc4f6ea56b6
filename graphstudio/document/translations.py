"""A file's title and notes in the reader's language.

``title`` and ``notes`` are the file's own text (English in the shipped lessons). The optional
top-level ``translations`` object gives them in other languages, keyed by locale name:
``{"zh_CN": {"title": "…", "notes": "…"}}``. It is an ordinary extra key of the format, so a
reader that knows nothing of it keeps it on save and shows the file's own text.
"""
from __future__ import annotations

from .model import Document

TRANSLATIONS_KEY = "translations"


def translated(doc: Document, language: str) -> tuple[str, str]:
    """``(title, notes)`` in ``language`` (a locale name such as ``"zh_CN"``), each falling back to
    the file's own text where the file has no translation of it."""
    entry = doc.extra.get(TRANSLATIONS_KEY, {}).get(language, {})
    return entry.get("title") or doc.title, entry.get("notes") or doc.notes
