"""The main window: canvas in the middle, palette left, inspector and lesson right, and the menus.

It wires the parts together and owns the file life cycle (new, open, save, recent files,
recovery, asking before losing work); every edit itself still goes through ``GraphModel``.
Dialogs go through ``ask`` / ``warn`` so tests can answer them.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QT_TR_NOOP, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QCursor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QApplication, QDockWidget, QFileDialog, QLabel, QMainWindow, QMenu, QMessageBox,
                               QToolButton, QWidget)

from graphstudio.document import Document, DocumentError, load, save
from graphstudio.document.translations import translated

from . import i18n, theme
from .autosave import Autosaver
from .i18n import live, tr
from .code_panel import CodePanel
from .inspector import Inspector
from .keyboard import KEYS, KeyboardNavigator
from .lesson import LessonPanel
from .model import GraphModel
from .palette import Palette
from .scene import GraphScene
from .start import Lesson, StartPage, lessons
from .wording import more_problems, problem_text
from .view import GraphView

def graph_filter() -> str:
    return tr("GraphStudio graphs (*.json);;All files (*)")


MAX_RECENT = 8


def lessons_dir() -> Path:
    """The lessons shipped with GraphStudio (``resources/examples`` beside the package)."""
    import graphstudio
    return Path(graphstudio.__file__).resolve().parents[1] / "resources" / "examples"


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None, recovery_dir: str | os.PathLike[str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else QSettings("GraphStudio", "GraphStudio")
        i18n.start(self.settings)
        self.model = GraphModel(parent=self)
        self.scene = GraphScene(self.model, self)
        self.view = GraphView(self.scene)
        self.setCentralWidget(self.view)
        self.lesson_stem: str | None = None  # the lesson (or script) an untitled copy was opened from
        self.from_script = False  # that copy was made by importing a Python script
        self.autosaver = Autosaver(self.model, Path(recovery_dir) if recovery_dir else None, parent=self)
        self.actions: dict[str, QAction] = {}
        self._lessons: list[Lesson] | None = None  # read when the start page or the Lessons menu first shows
        self._start_page: StartPage | None = None

        self.palette_panel = Palette()
        self.palette_panel.activated.connect(self._add_from_palette)
        self.inspector = Inspector(self.model)
        self.lesson = LessonPanel(self.model)
        ops = self._dock(QT_TR_NOOP("Ops"), self.palette_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        inspector = self._dock(QT_TR_NOOP("Inspector"), self.inspector, Qt.DockWidgetArea.RightDockWidgetArea)
        lesson = self._dock(QT_TR_NOOP("Lesson"), self.lesson, Qt.DockWidgetArea.RightDockWidgetArea)
        self.code_panel = CodePanel(self.model, self.scene)
        code = self._dock(QT_TR_NOOP("Code"), self.code_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(lesson, code)
        lesson.raise_()
        self.resizeDocks([ops, inspector], [200, 300], Qt.Orientation.Horizontal)

        self.device_label = QLabel()
        self.problems_button = QToolButton()
        self.problems_button.setAutoRaise(True)
        self.problems_button.clicked.connect(self.next_problem)
        self.statusBar().addPermanentWidget(self.device_label)
        self.statusBar().addPermanentWidget(self.problems_button)
        self._problem_cursor = -1

        self.scene.selectionChanged.connect(self._selection_changed)
        self.scene.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.autosaver.failed.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.model.changed.connect(self._update_status)
        self.model.stack.cleanChanged.connect(self._update_title)
        self._build_menus()
        i18n.live(self, self._language_changed)
        from .live import attach_live

        self.live = attach_live(self)  # Run toolbar, loss and tensor docks, wire panels
        # the lesson's text is what a student reads first: it gets the most of the right column
        self.resizeDocks([inspector, lesson, self.live.chain_dock], [240, 400, 220], Qt.Orientation.Vertical)
        theme.apply(str(self.settings.value("theme", "light")))
        self.actions["theme_" + theme.current()].setChecked(True)
        self.resize(1400, 860)
        self._update_status()
        self._update_title()
        self.autosaver.start()
        self.keyboard = KeyboardNavigator(self.view, lambda text: self.statusBar().showMessage(text, 15000),
                                          self.inspector.edit)
        self.inspector.left.connect(self.view.setFocus)
        self.model.changed.connect(self._graph_changed)
        QTimer.singleShot(0, self, self._greet)

    def _greet(self) -> None:
        """The start page, for a window still empty once the event loop runs: a window opened with a file
        (or with recovered work) never reads the lessons nor builds the page, which is ~15 ms of its start."""
        if not self.model.doc.nodes:
            self.show_start_page()

    @property
    def lessons(self) -> list[Lesson]:
        """The shipped lessons, in order."""
        if self._lessons is None:
            self._lessons = lessons(lessons_dir())
        return self._lessons

    @property
    def start_page(self) -> StartPage:
        """The page laid over the canvas, made the first time it is asked for (hidden until shown)."""
        if self._start_page is None:
            page = self._start_page = StartPage(self.view, self.lessons)
            page.hide()
            page.lessonChosen.connect(self.open_lesson)
            page.recentChosen.connect(lambda path: self.open_path(path))
            page.emptyChosen.connect(self.hide_start_page)
        return self._start_page

    def _add_from_palette(self, op: str) -> None:
        """Double-click or Enter in the palette: beside the one selected node, else mid-view."""
        ids = self.scene.selected_ids()
        self.view.add_op_near(op, ids[0] if len(ids) == 1 else None)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        """A dock titled ``title`` (English, translated where shown; its object name stays English)."""
        dock = QDockWidget(self)
        dock.setObjectName(title)
        live(dock, lambda: dock.setWindowTitle(tr(title)))
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # -- menus ------------------------------------------------------------------------------------
    def _action(self, key: str, text: str, slot: Callable[[], Any], shortcut: Any = None,
                menu: QMenu | None = None) -> QAction:
        """An action whose ``text`` (English, marked with QT_TR_NOOP) is shown in the interface's language."""
        action = QAction(self)
        live(action, lambda: action.setText(tr(text)))
        if shortcut is not None:
            shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.triggered.connect(lambda _checked=False: slot())
        self.actions[key] = action
        if menu is not None:
            menu.addAction(action)
        return action

    def _menu(self, parent: Any, title: str) -> QMenu:
        """A menu of ``parent`` (the menu bar or a menu) titled ``title``, shown in the interface's language."""
        menu = parent.addMenu("")
        live(menu, lambda: menu.setTitle(tr(title)))
        return menu

    def _build_menus(self) -> None:
        K = QKeySequence.StandardKey
        bar = self.menuBar()
        file = self._menu(bar, QT_TR_NOOP("&File"))
        self._action("new", QT_TR_NOOP("&New"), self.new_document, K.New, file)
        self._action("open", QT_TR_NOOP("&Open…"), self.open_dialog, K.Open, file)
        self._action("open_script", QT_TR_NOOP("Open &Python script…"), self.open_script_dialog, "Ctrl+Shift+O", file)
        self.recent_menu = self._menu(file, QT_TR_NOOP("Open &Recent"))
        self._action("save", QT_TR_NOOP("&Save"), self.save, K.Save, file)
        self._action("save_as", QT_TR_NOOP("Save &As…"), self.save_as, K.SaveAs, file)
        file.addSeparator()
        export = self._menu(file, QT_TR_NOOP("&Export"))
        self._action("export", QT_TR_NOOP("&Image…"), self.export_dialog, "Ctrl+E", export)
        self._action("export_code", QT_TR_NOOP("&PyTorch script…"), self.export_code_dialog, "Ctrl+Shift+E", export)
        file.addSeparator()
        self._action("quit", QT_TR_NOOP("&Quit"), self.close, "Ctrl+Q", file)  # K.Quit is empty on some desktops

        edit = self._menu(bar, QT_TR_NOOP("&Edit"))
        stack = self.model.stack
        undo = self._action("undo", QT_TR_NOOP("&Undo"), stack.undo, K.Undo, edit)
        redo = self._action("redo", QT_TR_NOOP("&Redo"), stack.redo, K.Redo, edit)
        for action, able, text in ((undo, stack.canUndoChanged, stack.undoTextChanged),
                                   (redo, stack.canRedoChanged, stack.redoTextChanged)):
            able.connect(action.setEnabled)
            text.connect(self._undo_texts)
        live(undo, self._undo_texts)
        edit.addSeparator()
        self._action("cut", QT_TR_NOOP("Cu&t"), self.cut, K.Cut, edit)
        self._action("copy", QT_TR_NOOP("&Copy"), self.copy, K.Copy, edit)
        self._action("paste", QT_TR_NOOP("&Paste"), self.paste, K.Paste, edit)
        self._action("copy_code", QT_TR_NOOP("Copy as P&yTorch code"), self.copy_code, "Ctrl+Shift+C", edit)
        self._action("duplicate", QT_TR_NOOP("&Duplicate"), self.duplicate, "Ctrl+D", edit)
        self._action("delete", QT_TR_NOOP("De&lete"), self.delete, [QKeySequence.StandardKey.Delete, "Backspace"],
                     edit)
        edit.addSeparator()
        self._action("select_all", QT_TR_NOOP("Select &All"), self.select_all, K.SelectAll, edit)

        view = self._menu(bar, QT_TR_NOOP("&View"))
        view.setObjectName("view_menu")  # found by name: its title depends on the language
        self._action("zoom_in", QT_TR_NOOP("Zoom &In"), self.view.zoom_in, [K.ZoomIn, "Ctrl+="], view)
        self._action("zoom_out", QT_TR_NOOP("Zoom &Out"), self.view.zoom_out, K.ZoomOut, view)
        self._action("fit", QT_TR_NOOP("&Fit Graph"), self.view.fit, "Ctrl+0", view)
        view.addSeparator()
        self._action("layout", QT_TR_NOOP("Auto-&layout"), self.auto_layout, "Ctrl+L", view)
        snap = self._action("snap", QT_TR_NOOP("&Snap to Grid"), lambda: None, "Ctrl+G", view)
        snap.setCheckable(True)
        snap.setChecked(True)
        snap.toggled.connect(lambda on: setattr(self.scene, "snap_to_grid", on))
        themes = self._menu(view, QT_TR_NOOP("&Theme"))
        group = QActionGroup(self)
        for name, text in (("light", QT_TR_NOOP("Light")), ("dark", QT_TR_NOOP("Dark"))):
            action = self._action("theme_" + name, text, lambda n=name: self.set_theme(n), None, themes)
            action.setCheckable(True)
            group.addAction(action)
        languages = self._menu(view, QT_TR_NOOP("&Language"))
        self.language_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for code, name in i18n.LANGUAGES.items():  # each language named in itself, never translated
            action = QAction(name, self, checkable=True)
            action.setChecked(code == i18n.language())
            action.triggered.connect(lambda _checked=False, c=code: i18n.set_language(c, self.settings))
            self.language_actions[code] = action
            group.addAction(action)
            languages.addAction(action)
        view.addSeparator()
        for dock in self.findChildren(QDockWidget):
            view.addAction(dock.toggleViewAction())

        help_ = self._menu(bar, QT_TR_NOOP("&Help"))
        self._action("start_page", QT_TR_NOOP("&Start Page"), self.show_start_page, "Ctrl+Shift+H", help_)
        self.lessons_menu = self._menu(help_, QT_TR_NOOP("&Lessons"))
        self.lessons_menu.aboutToShow.connect(self._fill_lessons)  # in the interface's language of the moment
        self._action("keyboard", QT_TR_NOOP("&Keyboard"), self.show_keyboard_help, "F1", help_)
        self._action("about", QT_TR_NOOP("&About GraphStudio"), self.about, None, help_)
        self._fill_recent()
        self.view.canvas_actions = [self.actions[k] for k in ("paste", "select_all", "fit", "layout")]

    def _fill_lessons(self) -> None:
        self.lessons_menu.clear()
        for lesson in self.lessons:
            title = translated(lesson.doc, i18n.language())[0] or lesson.title
            self.lessons_menu.addAction(f"{lesson.number}. {title.replace('&', '&&')}",
                                        lambda p=lesson.path: self.open_lesson(p))
        if self.lessons_menu.isEmpty():
            self.lessons_menu.addAction(tr("(no lessons installed)")).setEnabled(False)

    # -- recent files ------------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self.settings.value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _remember(self, path: str) -> None:
        path = os.path.abspath(path)
        files = [path] + [p for p in self.recent_files() if p != path]
        self.settings.setValue("recent", files[:MAX_RECENT])
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.recent_files():
            self.recent_menu.addAction(path, lambda p=path: self.open_path(p))
        self.recent_menu.setEnabled(bool(self.recent_files()))

    # -- dialogs (tests replace these) -----------------------------------------------------------------
    def ask(self, title: str, text: str, buttons: Any, default: Any) -> Any:
        return QMessageBox.question(self, title, text, buttons, default)

    def warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    # -- file life cycle ---------------------------------------------------------------------------
    def display_name(self) -> str:
        if self.model.path:
            return Path(self.model.path).name
        if self.lesson_stem and self.from_script:
            return tr("{script}.py (imported)").format(script=self.lesson_stem)
        return tr("{lesson} (lesson)").format(lesson=self.lesson_stem) if self.lesson_stem else tr("Untitled")

    def _file_stem(self) -> str:
        """The file name a Save or Export dialog proposes first (without the folder and suffix)."""
        return os.path.splitext(self.model.path)[0] if self.model.path else self.lesson_stem or "untitled"

    def _undo_texts(self, *_: object) -> None:
        """Undo and Redo name the step they act on (as the step was named when made)."""
        stack = self.model.stack
        if not shiboken6.isValid(stack):
            return
        for key, word, can, text in (("undo", tr("&Undo"), stack.canUndo(), stack.undoText()),
                                     ("redo", tr("&Redo"), stack.canRedo(), stack.redoText())):
            self.actions[key].setText(f"{word} {text}" if can and text else word)
            self.actions[key].setEnabled(can)

    def _language_changed(self) -> None:
        """After the texts: the Language menu's tick, the status bar, the canvas's tooltips and Help ›
        Keyboard where it is open."""
        for code, action in self.language_actions.items():
            action.setChecked(code == i18n.language())
        self._update_status()
        self.scene.language_changed()
        keyboard = self.findChild(QMessageBox, "keyboard_help")
        if keyboard is not None and keyboard.isVisible():  # (not modal: it may stay open) once every
            QTimer.singleShot(0, self, self.show_keyboard_help)  # action has its new text (not after close)
        if i18n.language() != i18n.ENGLISH and not i18n.cjk_font_installed():
            self.statusBar().showMessage(i18n.NO_CJK_FONT, 60000)

    def _update_title(self, *_: object) -> None:
        if not shiboken6.isValid(self.model.stack):
            return
        star = "*" if self.model.modified else ""
        self.setWindowTitle(f"{self.display_name()}{star} — GraphStudio")

    def maybe_save(self) -> bool:
        """Before losing unsaved work: save, discard or cancel. True means go ahead."""
        if not self.model.modified:
            return True
        B = QMessageBox.StandardButton
        answer = self.ask(tr("Unsaved changes"), tr("Save the changes to {name}?").format(name=self.display_name()),
                          B.Save | B.Discard | B.Cancel, B.Save)
        if answer == B.Save:
            return self.save()
        if answer == B.Discard:
            self.autosaver.clear()
            return True
        return False

    def new_document(self) -> None:
        if self.maybe_save():
            self.lesson_stem, self.from_script = None, False
            self.model.reset(Document())
            self.view.resetTransform()
            self.view.centerOn(0, 0)
            self._update_title()
            self.show_start_page()

    def show_start_page(self) -> None:
        self.start_page.show_with(self.recent_files())

    def _graph_changed(self) -> None:
        if self.model.doc.nodes:  # the student has begun: the canvas is theirs
            self.hide_start_page()

    def hide_start_page(self) -> None:
        page = self._start_page
        if page is not None and page.isVisibleTo(self):  # the window may not be shown yet (a file opened before it is)
            page.hide()
            self.view.setFocus()

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        start = os.path.dirname(self.model.path) if self.model.path else ""
        path, _ = QFileDialog.getOpenFileName(self, tr("Open graph"), start, graph_filter())
        if path:
            self.open_path(path, ask=False)

    def open_path(self, path: str | os.PathLike[str], ask: bool = True) -> bool:
        """Open a graph file. A bad file is reported in one line and nothing changes."""
        if ask and not self.maybe_save():
            return False
        path = os.fspath(path)
        try:
            doc = load(path)
        except DocumentError as exc:
            self.warn(tr("Cannot open the graph"), str(exc))
            return False
        self.model.reset(doc, os.path.abspath(path))
        self.autosaver.clear()
        self._remember(path)
        self._update_title()
        self._fit_soon()
        return True

    def open_script_dialog(self) -> None:
        if not self.maybe_save():
            return
        start = os.path.dirname(self.model.path) if self.model.path else ""
        path, _ = QFileDialog.getOpenFileName(self, tr("Open Python script"), start,
                                              tr("PyTorch script (*.py)"))
        if path:
            self.open_script(path, ask=False)

    def open_script(self, path: str | os.PathLike[str], ask: bool = True) -> bool:
        """Run a PyTorch script (only now: the user asked) and open the graph it computed, laid out,
        as an untitled document. Where the script stops is reported in one line; nothing changes."""
        from graphstudio.program.script_import import ScriptImportError, import_script

        from .layout import layout

        if ask and not self.maybe_save():
            return False
        path = os.fspath(path)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            doc = Document.from_dict(import_script(path), source=path)
        except (ScriptImportError, DocumentError) as exc:
            QApplication.restoreOverrideCursor()
            self.warn(tr("Cannot open the script"), str(exc))
            return False
        QApplication.restoreOverrideCursor()
        for node_id, pos in layout(doc).items():
            doc.node(node_id).pos = pos
        self.lesson_stem, self.from_script = Path(path).stem, True
        self.model.reset(doc, None, modified=True)
        self._update_title()
        self._fit_soon()
        return True

    def open_lesson(self, path: Path) -> bool:
        """Open a shipped lesson as an untitled copy, so Save never overwrites the original."""
        if not self.maybe_save():
            return False
        try:
            doc = load(path)
        except DocumentError as exc:
            self.warn(tr("Cannot open the lesson"), str(exc))
            return False
        self.lesson_stem, self.from_script = path.stem, False
        self.model.reset(doc, None)
        self._update_title()
        self._fit_soon()
        return True

    def save(self) -> bool:
        if self.model.path is None:
            return self.save_as()
        return self.save_to(self.model.path)

    def save_as(self) -> bool:
        start = self.model.path or f"{self._file_stem()}.json"
        path, _ = QFileDialog.getSaveFileName(self, tr("Save graph"), start, graph_filter())
        if not path:
            return False
        if not os.path.splitext(path)[1]:
            path += ".json"
        return self.save_to(path)

    def save_to(self, path: str) -> bool:
        try:
            save(self.model.doc, path)
        except DocumentError as exc:
            self.warn(tr("Cannot save the graph"), str(exc))
            return False
        self.model.path = os.path.abspath(path)
        self.model.stack.setClean()
        self.autosaver.clear()
        self._remember(path)
        self._update_title()
        self.statusBar().showMessage(tr("Saved {path}").format(path=path), 4000)
        return True

    def offer_recovery(self) -> bool:
        """On start: offer back the unsaved work of an editor window that did not close normally
        (the newest; each window left its own). True when restored into this window."""
        B = QMessageBox.StandardButton
        for orphan in self.autosaver.orphans():
            try:
                doc, original = self.autosaver.read(orphan)
            except DocumentError as exc:
                with contextlib.suppress(OSError):  # (another editor may have taken it meanwhile)
                    aside = self.autosaver.keep_aside(orphan)
                    self.warn(tr("Unsaved work could not be read"),
                              f"{exc}\n" + tr("It is kept at {path}: this version of GraphStudio cannot restore it.")
                              .format(path=aside))
                continue
            where = tr(" (from {name})").format(name=os.path.basename(original)) if original else ""
            answer = self.ask(tr("Restore unsaved work?"),
                              tr("GraphStudio closed with unsaved changes{where}. Restore them?").format(where=where),
                              B.Yes | B.No, B.Yes)
            if answer != B.Yes:
                self.autosaver.discard(orphan)
                continue
            with contextlib.suppress(OSError):
                self.autosaver.adopt(orphan)
                break
        else:
            return False
        self.model.reset(doc, original, modified=True)
        self._update_title()
        self._fit_soon()
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.maybe_save():
            self.autosaver.close()
            event.accept()
        else:
            event.ignore()

    def _fit_soon(self) -> None:
        """Fit now and again once the window has settled its size (docks resize after show)."""
        self.view.open_view()
        QTimer.singleShot(0, self.view.open_view)

    def export_dialog(self) -> None:
        from .export import export_scene, svg_available
        filters = tr("PNG image (*.png)") + (";;" + tr("SVG image (*.svg)") if svg_available() else "")
        start = self._file_stem() + ".png"
        path, _ = QFileDialog.getSaveFileName(self, tr("Export image"), start, filters)
        if path:
            try:
                export_scene(self.scene, path)
            except (OSError, ValueError) as exc:
                self.warn(tr("Cannot export"), str(exc))

    def pytorch_code(self) -> str | None:
        """The graph as the PyTorch script it stands for; None (and the first problem in the status
        bar) when it does not compile."""
        from graphstudio.program.compiler import CompileError, compile
        from graphstudio.program.export_code import export
        try:
            return export(compile(self.model.doc.copy(), self.model.base_dir))
        except CompileError as exc:
            why = problem_text(exc.problems[0]) + more_problems(len(exc.problems))
            self.statusBar().showMessage(tr("Cannot write the PyTorch code: {why}").format(why=why), 10000)
            return None

    def export_code_dialog(self) -> None:
        code = self.pytorch_code()
        if code is None:
            return
        start = self._file_stem() + ".py"
        path, _ = QFileDialog.getSaveFileName(self, tr("Export PyTorch script"), start, tr("Python script (*.py)"))
        if not path:
            return
        try:
            Path(path).write_text(code, encoding="utf-8")
        except OSError as exc:
            self.warn(tr("Cannot export"), f"{path}: {exc.strerror or exc}")
            return
        self.statusBar().showMessage(tr("Wrote {path}: run it with python to check the numbers in PyTorch")
                                     .format(path=path), 8000)

    def copy_code(self) -> None:
        code = self.pytorch_code()
        if code is not None:
            QGuiApplication.clipboard().setText(code)
            self.statusBar().showMessage(tr("Copied the graph as PyTorch code"), 4000)

    # -- edit actions -------------------------------------------------------------------------------
    def copy(self) -> bool:
        ids = self.scene.selected_ids()
        if not ids:
            return False
        QGuiApplication.clipboard().setText(self.model.copy_text(ids))
        return True

    def cut(self) -> None:
        if self.copy():
            self.model.remove(self.scene.selected_ids())

    def paste(self) -> None:
        text = QGuiApplication.clipboard().text()
        local = self.view.viewport().mapFromGlobal(QCursor.pos())
        at = None
        if self.view.viewport().rect().contains(local) and self.view.underMouse():
            p = self.view.mapToScene(local)
            at = (float(p.x()), float(p.y()))
        self.model.paste_text(text, at)

    def duplicate(self) -> None:
        self.model.duplicate(self.scene.selected_ids())

    def delete(self) -> None:
        self.model.remove(self.scene.selected_ids(), self.scene.selected_wires())

    def select_all(self) -> None:
        for item in self.scene.nodes.values():
            item.setSelected(True)

    def auto_layout(self) -> None:
        self.model.auto_layout()
        self.view.fit()

    def set_theme(self, name: str) -> None:
        theme.apply(name, QApplication.instance())  # type: ignore[arg-type]
        self.settings.setValue("theme", name)
        self.scene.restyle()

    def keyboard_help(self) -> str:
        """Every key: the canvas's own, then each menu and toolbar action that has a shortcut."""
        rows = [(tr(k), tr(what)) for k, what in KEYS]
        for action in self.findChildren(QAction):
            keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
            if keys and action.text():
                rows.append((keys, action.text().replace("&", "").rstrip("…")))
        body = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>" for k, what in dict(rows).items())
        return f"<table>{body}</table>"

    def show_keyboard_help(self) -> None:
        box = self.findChild(QMessageBox, "keyboard_help") or QMessageBox(self)
        box.setObjectName("keyboard_help")
        box.setWindowTitle(tr("Keyboard"))
        box.setText(self.keyboard_help())
        box.setModal(False)
        box.show()

    def about(self) -> None:
        import graphstudio
        QMessageBox.about(self, tr("About GraphStudio"),
                          f"GraphStudio {graphstudio.__version__}\n"
                          + tr("A visual computation-graph editor for learning tensors and autograd."))

    # -- status ------------------------------------------------------------------------------------
    def _selection_changed(self) -> None:
        if not self.scene.syncing:
            self.inspector.show_ids(self.scene.selected_ids())
            self.code_panel.highlight()

    def _update_status(self) -> None:
        self.device_label.setText(tr("Device: {device}").format(device=self.model.doc.device))
        problems = self.model.analysis.problems
        if problems:
            count = tr("⚠ 1 problem") if len(problems) == 1 else tr("⚠ %n problems", None, len(problems))
            self.problems_button.setText(count)
            tip = "\n".join(problem_text(p) for p in problems[:20])
            self.problems_button.setToolTip(tip + ("\n…" if len(problems) > 20 else "") + "\n"
                                            + tr("(click to go to the next)"))
        else:
            self.problems_button.setText(tr("✓ no problems"))
            self.problems_button.setToolTip(tr("The checker found nothing wrong with this graph."))
        if not self.model.analysis.checked:
            self.problems_button.setText(self.problems_button.text() + tr(" (shapes unavailable)"))
        self._update_title()

    def next_problem(self) -> None:
        """Select and centre the next node with a problem."""
        ids = [p.node_id for p in self.model.analysis.problems if p.node_id and p.node_id in self.scene.nodes]
        if not ids:
            return
        self._problem_cursor = (self._problem_cursor + 1) % len(ids)
        node_id = ids[self._problem_cursor]
        self.scene.select_ids([node_id])
        self.view.centerOn(self.scene.nodes[node_id])
        problem = next(p for p in self.model.analysis.problems if p.node_id == node_id)
        self.statusBar().showMessage(problem_text(problem), 8000)
