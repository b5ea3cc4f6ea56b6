"""``graphstudio --screenshot OUT FILE [--after forward|backward|train] [--select NODE] [--lang zh_CN]``: the editor
window, headless. FILE is a graph, or a PyTorch script imported as File › Open Python script… does.

For documentation and CI: the same window a student sees, with live attached, after a phase has
run and its animation has landed, grabbed to an image. Nothing is written to the user's
settings (recent files) or recovery file: the window gets throwaway ones.
Exit status as the CLI promises: 0; 2 when the graph cannot be opened or the phase is unknown;
1 when running fails (the image is still written, showing the failed node) or the image cannot be
written — with one line on stderr.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from .session import LiveSession

PHASES = ("forward", "backward", "train")
TIMEOUT_MS = 120_000
SETTLE_LIMIT_MS = 1000
SETTLED_TURNS = 3


def _fail(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code


def screenshot(graph_path: str, out_path: str, after: str | None = None, size: str = "1400x860",
               theme_name: str | None = None, language: str | None = None, select: str | None = None) -> int:
    """``size``: the window's, ``WIDTHxHEIGHT``; ``theme_name``: light or dark (else the default);
    ``language``: the interface's (else English); ``select``: a node to select once the phase has run
    (the inspector shows it, the Code dock marks its line)."""
    if after is not None and after not in PHASES:
        return _fail(f"graphstudio: --after must be one of {', '.join(PHASES)}, not {after!r}", 2)
    try:
        width, height = (int(v) for v in size.lower().split("x"))
    except ValueError:
        return _fail(f"graphstudio: --size must be WIDTHxHEIGHT (1920x1080), not {size!r}", 2)
    from PySide6.QtCore import QSettings

    from .. import i18n, theme
    from ..export import ensure_app

    if language is not None and language not in i18n.LANGUAGES:
        return _fail(f"graphstudio: --lang must be one of {', '.join(i18n.LANGUAGES)}, not {language!r}", 2)
    app = ensure_app()
    i18n.set_language(language or i18n.ENGLISH)  # not the user's remembered choice: a picture for the docs
    from ..mainwindow import MainWindow
    from .session import LiveSession

    with tempfile.TemporaryDirectory(prefix="graphstudio-shot-") as tmp:
        settings = QSettings(os.path.join(tmp, "settings.ini"), QSettings.Format.IniFormat)
        if theme_name is not None:
            if theme_name not in theme.names():
                return _fail(f"graphstudio: --theme must be one of {', '.join(theme.names())}, not {theme_name!r}", 2)
            settings.setValue("theme", theme_name)
        window = MainWindow(settings=settings, recovery_dir=os.path.join(tmp, "recovery"))
        warnings: list[str] = []
        window.warn = lambda title, text: warnings.append(text)  # type: ignore[method-assign]
        session: LiveSession | None = None
        try:
            session = window.live
            window.resize(width, height)
            window.show()
            script = graph_path.endswith(".py")
            opened = window.open_script(graph_path, ask=False) if script else window.open_path(graph_path, ask=False)
            if not opened:
                why = warnings[0] if warnings else "cannot open the graph"
                return _fail(why if script or why.startswith(graph_path) else f"{graph_path}: {why}", 2)
            problems = window.model.analysis.problems
            if after and problems:
                return _fail(f"{graph_path}: {problems[0]}", 2)
            errors: list[str] = []
            if after:
                session.set_animate(False)
                session.failed.connect(lambda node, message: errors.append(message))
                if after == "forward":
                    session.forward()
                elif after == "backward":
                    session.forward()
                    session.backward()
                else:
                    session.train(max(1, window.model.doc.steps))
                if not _wait_idle(session):
                    return _fail(f"{graph_path}: the run did not finish within {TIMEOUT_MS // 1000} s", 1)
            if select is not None:
                if select not in {n.id for n in window.model.doc.nodes}:
                    return _fail(f"{graph_path}: --select: no node {select!r}", 2)
                window.scene.select_ids([select])
            _settle(app)
            if not window.grab().save(out_path):
                return _fail(f"{out_path}: cannot write the image", 1)
            if after and errors:  # the image shows the failed node; the status still says it failed
                return _fail(f"{graph_path}: {errors[0]}", 1)
            return 0
        finally:
            window.autosaver.timer.stop()
            window.model.stack.setClean()  # nothing to ask about on close
            if session is not None:
                session.shutdown()
            window.close()
            window.deleteLater()
            app.processEvents()


def _settle(app: QApplication) -> None:
    """Run the event loop until the window's layout has settled: docks shown or hidden for this graph and
    their tab bars are laid out over several turns, and a grab before that shows a stale tab bar. Settled
    means SETTLED_TURNS turns in a row in which no widget was laid out, moved, resized, shown, hidden,
    painted or deleted (at most SETTLE_LIMIT_MS): a fixed wait would either cut that short or idle past
    it. Each turn also runs the deletions a real event loop would (a dock's emptied tab bar goes that
    way), which `processEvents` alone leaves pending."""
    from PySide6.QtCore import QCoreApplication, QEvent, QObject

    watched = {QEvent.Type.LayoutRequest, QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.Show,
               QEvent.Type.Hide, QEvent.Type.Paint, QEvent.Type.UpdateRequest, QEvent.Type.Polish,
               QEvent.Type.PolishRequest, QEvent.Type.DeferredDelete}

    class Activity(QObject):
        seen = 0

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
            if event.type() in watched:
                self.seen += 1
            return False

    activity = Activity()
    app.installEventFilter(activity)
    deadline = time.monotonic() + SETTLE_LIMIT_MS / 1000
    quiet = 0
    try:
        while quiet < SETTLED_TURNS and time.monotonic() < deadline:
            before = activity.seen
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            app.processEvents()
            quiet = quiet + 1 if activity.seen == before else 0
    finally:
        app.removeEventFilter(activity)


def _wait_idle(session: LiveSession) -> bool:
    """Run the event loop until the session is idle (worker done, animation landed)."""
    from PySide6.QtCore import QEventLoop, QTimer

    if not session.busy:
        return True
    loop = QEventLoop()
    finished = [False]

    def done() -> None:
        finished[0] = True
        loop.quit()

    session.idle.connect(done)
    QTimer.singleShot(TIMEOUT_MS, loop.quit)
    loop.exec()
    session.idle.disconnect(done)
    return finished[0] or not session.busy
