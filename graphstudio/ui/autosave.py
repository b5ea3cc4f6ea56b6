"""Autosave: unsaved work is written to a recovery file every 30 s, and offered back on the next start.

The recovery file is an ordinary graph file written with ``document.save`` (atomic), in the
platform's app-data folder; the path of the file it belongs to is kept in the reserved ``ui`` key,
so a restore can put the student back where they were. A clean save or a deliberate discard
removes it.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal

from graphstudio.document import Document, DocumentError, load, save

from .model import GraphModel

INTERVAL_MS = 30_000
RECOVERY_NAME = "recovery.graph.json"
_KEY = "recovery"


def recovery_path() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder or os.path.expanduser("~/.graphstudio")) / RECOVERY_NAME


class Autosaver(QObject):
    """Writes ``model``'s document to ``path`` when it has unsaved changes not yet written."""

    failed = Signal(str)

    def __init__(self, model: GraphModel, path: Path | None = None, interval_ms: int = INTERVAL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.path = Path(path) if path is not None else recovery_path()
        self._written = -1
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.timer.start()

    def tick(self) -> bool:
        """Write the recovery file if there is unsaved work newer than the last write."""
        if not self.model.modified:
            return False
        if self.model.revision == self._written and self.path.exists():
            return False
        doc = self.model.doc.copy()
        doc.ui = dict(doc.ui)
        doc.ui[_KEY] = {"path": self.model.path}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            save(doc, self.path)
        except (OSError, DocumentError) as exc:
            self.failed.emit(f"Autosave failed: {exc}")
            return False
        self._written = self.model.revision
        return True

    def clear(self) -> None:
        """Forget the recovery file (after a save, or when the user discards the work)."""
        with contextlib.suppress(OSError):
            self.path.unlink()
        self._written = -1

    def pending(self) -> bool:
        return self.path.is_file()

    def restore(self) -> tuple[Document, str | None]:
        """The recovered document (``ui`` as it was) and the path of the file it belonged to."""
        doc = load(self.path)
        info = doc.ui.pop(_KEY, None)
        path = info.get("path") if isinstance(info, dict) else None
        return doc, path if isinstance(path, str) else None
