"""Autosave: each window's unsaved work is written to its own recovery file every 30 s, and the work
of an editor that did not close normally is offered back on the next start.

Recovery files are ordinary graph files written with ``document.save`` (atomic), one per window, in
a ``recovery`` folder of the platform's app-data folder; the path of the file the work belongs to
is kept in the reserved ``ui`` key. Each window holds a ``QLockFile`` beside its recovery file for
as long as it lives, so another editor started meanwhile never takes live work for a crash's: only
a recovery file whose lock is free (its editor is gone) is offered. A clean save, a deliberate
discard or a normal close removes the window's file; a file this version cannot read is renamed
aside (``….unreadable``) and reported, never deleted.
"""
from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer, Signal

from graphstudio.document import Document, DocumentError, load, save

from .i18n import tr
from .model import GraphModel

INTERVAL_MS = 30_000
SUFFIX = ".graph.json"
UNREADABLE = ".unreadable"
_KEY = "recovery"


def recovery_dir() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder or os.path.expanduser("~/.graphstudio")) / "recovery"


def _lock(path: Path) -> QLockFile:
    """The lock beside ``path``; never taken for stale by age, only when its process is gone."""
    lock = QLockFile(str(path) + ".lock")
    lock.setStaleLockTime(0)
    return lock


class Autosaver(QObject):
    """Writes ``model``'s document to this window's recovery file when it has unsaved changes not
    yet written, and finds the recovery files editors that are gone left behind."""

    failed = Signal(str)

    def __init__(self, model: GraphModel, folder: Path | None = None, interval_ms: int = INTERVAL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.folder = Path(folder) if folder is not None else recovery_dir()
        self.path = self.folder / f"{uuid.uuid4().hex}{SUFFIX}"
        self._lock: QLockFile | None = None
        self._written = -1
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.timer.start()

    def _hold_lock(self) -> None:
        """Take this window's lock before its recovery file first exists."""
        if self._lock is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            lock = _lock(self.path)
            if not lock.tryLock(0):
                raise OSError(tr("cannot lock {file}").format(file=lock.fileName()))
            self._lock = lock

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
            self._hold_lock()
            save(doc, self.path)
        except (OSError, DocumentError) as exc:
            self.failed.emit(tr("Autosave failed: {why}").format(why=exc))
            return False
        self._written = self.model.revision
        return True

    def clear(self) -> None:
        """Forget this window's recovery file (after a save, or when the user discards the work)."""
        with contextlib.suppress(OSError):
            self.path.unlink()
        self._written = -1

    def close(self) -> None:
        """A normal close: the recovery file and its lock go."""
        self.timer.stop()
        self.clear()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    # -- what editors that are gone left behind --------------------------------------------
    def orphans(self) -> list[Path]:
        """Recovery files whose editor is no longer running, newest first."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in self.folder.glob(f"*{SUFFIX}"):
            if path == self.path:
                continue
            lock = _lock(path)
            if lock.tryLock(0):  # free: its editor is gone (a live editor holds its lock)
                lock.unlock()
                with contextlib.suppress(OSError):
                    found.append((path.stat().st_mtime, path))
        return [p for _, p in sorted(found, reverse=True)]

    @staticmethod
    def read(orphan: Path) -> tuple[Document, str | None]:
        """``orphan``'s document (``ui`` as it was) and the path of the file the work belonged to;
        DocumentError when this version cannot read it (see ``keep_aside``)."""
        doc = load(orphan)
        info = doc.ui.pop(_KEY, None)
        path = info.get("path") if isinstance(info, dict) else None
        return doc, path if isinstance(path, str) else None

    def adopt(self, orphan: Path) -> None:
        """Take ``orphan``'s work into this window: the file becomes this window's recovery file,
        so the work stays on disk until saved (OSError when another editor took it first)."""
        self._hold_lock()
        os.replace(orphan, self.path)
        self._written = -1

    @staticmethod
    def discard(orphan: Path) -> None:
        """The user declined ``orphan``'s work."""
        with contextlib.suppress(OSError):
            orphan.unlink()

    @staticmethod
    def keep_aside(orphan: Path) -> Path:
        """Rename a recovery file this version cannot read out of the way (it is never offered
        again, nor deleted); the new path, to tell the user."""
        aside = orphan.with_name(orphan.name + UNREADABLE)
        os.replace(orphan, aside)
        return aside
