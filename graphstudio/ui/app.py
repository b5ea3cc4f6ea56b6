"""The editor's entry point: ``graphstudio`` (optionally with a file) ends up in ``main``."""
from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QWidget


def main(path: str | None = None, language: str | None = None) -> int:
    """Start the editor, offer to restore unsaved work from last time, open ``path`` if given.

    Each window of an editor that did not close normally left its own recovery file: each one
    restored gets a window of its own. Returns the application's exit status. A file that cannot
    be opened is reported in a dialog and the editor starts with an empty graph. ``language``
    (``--lang``) sets the interface language for this session, without remembering it.
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("GraphStudio")
    app.setOrganizationName("GraphStudio")
    from . import i18n
    from .mainwindow import MainWindow

    if language is not None:
        if language not in i18n.LANGUAGES:
            print(f"graphstudio: --lang must be one of {', '.join(i18n.LANGUAGES)}, not {language!r}", file=sys.stderr)
            return 2
        i18n.set_language(language)

    window = MainWindow()
    show_on_screen(window)
    restored = window.offer_recovery()
    windows = [window]
    while windows[-1].model.modified and windows[-1].autosaver.orphans():  # more work left behind
        extra = MainWindow()
        if not extra.offer_recovery():
            extra.deleteLater()
            break
        show_on_screen(extra)
        windows.append(extra)
    if path and not restored:
        window.open_path(path, ask=False)
    return int(app.exec())


def show_on_screen(window: QWidget) -> None:
    """Show the window at its own size where the screen has room, else maximized: on a 1366×768
    laptop the editor's 1400×860 would hang off the screen's edges, docks and status bar cut."""
    room = window.screen().availableGeometry()
    if window.width() > room.width() or window.height() > room.height():
        window.resize(min(window.width(), room.width()), min(window.height(), room.height()))  # no window manager
        window.showMaximized()
    else:
        window.show()
