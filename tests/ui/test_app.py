"""The entry point the CLI calls: main(path) starts, opens the file, and returns the exit status."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from graphstudio.document import save

from tests.ui.conftest import clear_quit


def test_main_opens_the_file_and_returns_zero(qapp, chain_doc, tmp_path: Path, monkeypatch):
    from graphstudio.ui import app as app_module
    from graphstudio.ui.mainwindow import MainWindow

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    monkeypatch.setattr(MainWindow, "ask", lambda self, *a: pytest_fail(a))
    src = tmp_path / "chain.json"
    save(chain_doc, src)
    seen = {}

    def inspect_and_quit() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen["titles"] = [w.windowTitle() for w in windows]
        seen["ids"] = [n.id for w in windows for n in w.model.doc.nodes]
        seen["size"] = (windows[0].width(), windows[0].height())
        room = windows[0].screen().availableGeometry()
        seen["screen"] = (room.width(), room.height())
        for w in windows:
            w.close()
            w.deleteLater()
        QApplication.quit()

    QTimer.singleShot(200, inspect_and_quit)
    assert app_module.main(str(src)) == 0
    clear_quit(qapp)
    assert seen["ids"] == ["a", "b", "c"]
    assert seen["titles"][0].startswith("chain.json")
    room = seen["screen"]  # a screen smaller than the editor's own size (offscreen's 800×600)
    assert seen["size"][0] <= room[0] and seen["size"][1] <= room[1]  # nothing hangs off the edges


def pytest_fail(args):
    import pytest
    pytest.fail(f"unexpected question: {args[:2]}")
