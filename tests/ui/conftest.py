"""UI test setup: Qt offscreen (set before any Qt import), isolated settings and app-data paths."""
from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QStandardPaths, QTimer  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from graphstudio.document import Document, Node  # noqa: E402

QStandardPaths.setTestModeEnabled(True)


def clear_quit(qapp) -> None:
    """After ``QApplication.quit()`` the main thread's ``quitNow`` stays set, so every later
    ``QEventLoop.exec()`` returns at once and queued signals (the engine thread's) never arrive.
    One ``exec()`` ended by ``exit(0)`` clears it; a test that quits the app calls this."""
    loop = QEventLoop()
    QTimer.singleShot(0, loop.quit)
    if loop.exec() != 0:
        QTimer.singleShot(0, lambda: QCoreApplication.exit(0))
        qapp.exec()


@pytest.fixture
def model(qapp):
    from graphstudio.ui.model import GraphModel
    return GraphModel()


@pytest.fixture
def chain_doc() -> Document:
    """a (ones [2, 3], requires_grad) → b (relu) → c (sum-free: mul by 2)."""
    return Document(title="chain", nodes=[
        Node("a", "ones", {}, {"shape": [2, 3], "requires_grad": True}, (0.0, 0.0)),
        Node("b", "relu", {"input": "a"}, {}, (300.0, 0.0)),
        Node("c", "mul", {"input": "b", "other": 2}, {}, (600.0, 0.0)),
    ])


@pytest.fixture
def window(qtbot, tmp_path: Path):
    from graphstudio.ui import i18n
    from graphstudio.ui.mainwindow import MainWindow
    i18n.set_language("en")  # whatever the machine's locale: tests read the English texts
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings=settings, recovery_dir=tmp_path / "recovery")
    win.questions = []

    def ask(title, text, buttons, default):  # tests that expect a question replace this
        win.questions.append(title)
        return QMessageBox.StandardButton.Discard

    win.ask = ask
    win.warnings = []
    win.warn = lambda title, text: win.warnings.append(text)
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.autosaver.timer.stop()


@pytest.fixture
def live(window):
    """The window's run mode with animation off: what a run shows lands at once (a test file that
    watches the animation defines its own)."""
    session = window.live
    session.set_animate(False)
    yield session
    session.shutdown()



@pytest.fixture(autouse=True)
def collect_garbage_after_the_test():
    """Python's cyclic garbage collector runs after each test, once its windows are closed, rather than
    at whatever allocation comes next: a cycle of Qt wrappers that crashes when collected then fails
    in the test that made it, not at random in a later one."""
    yield
    gc.collect()
