"""简体中文 in the editor: a complete, up-to-date Qt catalog; every visible text of the main window
translated; the language switched at run time, remembered, and following the system on first start."""
from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QLocale, QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QComboBox, QDockWidget, QLabel, QLineEdit,
                               QListWidget, QMenu, QMessageBox, QTabWidget, QToolBar, QTreeWidget, QWidget)

from graphstudio.document import Document, Node
from graphstudio.engine.core import ops  # noqa: F401  (fills the registry)
from graphstudio.engine.core.registry import CATEGORIES, ops_by_category
from graphstudio.ui import i18n
from tests.engine.test_error_help import CASES as ERROR_CASES, _message as error_message
from tests.oracle import needs_torch, torch

CJK = re.compile(r"[\u4e00-\u9fff]")
ALL_OPS = [op for group in ops_by_category().values() for op in group]
OP_NAMES = {op.name for op in ALL_OPS}
#: In the inspector, PyTorch's argument names (its field labels) and the values a param takes are
#: what the file and PyTorch call them.
ARG_NAMES = ({p.name for op in ALL_OPS for p in (*op.inputs, *op.params)}
             | {str(c) for op in ALL_OPS for p in op.params for c in p.choices})
#: Words that stay as they are in Chinese: names, keys, units of PyTorch and of files.
KEPT = {"GraphStudio", "PyTorch", "Python", "NumPy", "CuPy", "CUDA", "CPU", "GPU", "English", "Tab", "Enter", "Esc",
        "Ctrl", "Shift", "Alt", "Backspace", "Del", "Delete", "Space", "PNG", "SVG", "JSON", "NaN", "Inf", "lr", "id",
        "none", "grad", "C", "P", "x", "name", "float32", "float64", "int64", "bool", "cpu", "cuda", "Adam", "SGD",
        "ReLU", "True", "False", "None", "F1", "F5", "F6", "F7", "F8", "Ins", "PgUp", "PgDown", "Home", "End"}


@pytest.fixture
def zh(qapp):
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


def untranslated(text: str, ids: set[str]) -> bool:
    """A visible text without Chinese, with an English word that is not an op name, a node id (or in
    the inspector an argument name) or a PyTorch identifier."""
    return not CJK.search(text or "") and bool(english_words(text, ids))


def english_words(text: str, ids: set[str]) -> list[str]:
    """The English words of ``text`` but op names, node ids (or in the inspector argument names),
    PyTorch identifiers, single letters (g₁, x), the words that stay as they are and a term's English name in full-width
    parentheses after its Chinese one (梯度（gradient）)."""
    plain = re.sub(r"<[^>]+>|&(?=\w)|&nbsp;|（[A-Za-z -]+）", " ", text or "")
    return [word for word in re.findall(r"[A-Za-z][A-Za-z0-9_.]*", plain)
            if not ("_" in word or "." in word or any(c.isdigit() for c in word) or len(word) == 1)
            and word not in KEPT | OP_NAMES | ids]


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a student can read in ``root``: menus, actions, docks, labels,
    buttons, hints, tabs, list and tree items, and their tooltips."""
    found: list[tuple[str, str]] = []

    def menu(m: QMenu, where: str) -> None:
        found.append((where, m.title()))
        m.aboutToShow.emit()  # what a student reads once it opens (the Lessons menu is filled then)
        for action in m.actions():
            if action.menu() is not None:
                menu(action.menu(), f"{where} › {action.menu().title()}")
            elif not action.isSeparator():
                found.extend([(where, action.text()), (f"{where} tooltip", action.toolTip())])

    if hasattr(root, "menuBar"):
        for action in root.menuBar().actions():
            menu(action.menu(), action.menu().title())
    for bar in root.findChildren(QToolBar):
        found.append(("toolbar", bar.windowTitle()))
        for action in bar.actions():
            if action.text():
                found.extend([("toolbar", action.text()), ("toolbar tooltip", action.toolTip())])
    for w in [root, *root.findChildren(QWidget)]:
        kind = type(w).__name__
        found.append((f"{kind} tooltip", w.toolTip()))
        if hasattr(w, "getPlotItem"):  # a pyqtgraph plot: its axes' titles
            found.extend(("axis", w.getPlotItem().getAxis(side).labelText) for side in ("left", "bottom"))
        if isinstance(w, QDockWidget):
            found.append(("dock", w.windowTitle()))
        elif isinstance(w, QLabel):
            found.append(("label", w.text()))
        elif isinstance(w, QAbstractButton):
            found.append(("button", w.text()))
        elif isinstance(w, QLineEdit):
            found.append(("hint", w.placeholderText()))
        elif isinstance(w, QAbstractSpinBox):
            found.extend([("spin", w.specialValueText()), ("spin", getattr(w, "suffix", str)()),
                          ("spin", getattr(w, "prefix", str)())])
        elif isinstance(w, QTabWidget):
            found.extend(("tab", w.tabText(i)) for i in range(w.count()))
        elif isinstance(w, QComboBox):
            found.extend(("combo", w.itemText(i)) for i in range(w.count()))
        elif isinstance(w, QListWidget):
            for i in range(w.count()):
                found.extend([("list", w.item(i).text()), ("list tooltip", w.item(i).toolTip())])
        elif isinstance(w, QTreeWidget):
            for i in range(w.topLevelItemCount()):
                top = w.topLevelItem(i)
                found.append(("tree", top.text(0)))
                found.extend(("tree tooltip", top.child(j).toolTip(0)) for j in range(top.childCount()))
    return [(where, text) for where, text in found if text and text.strip()]


def one_op_per_category() -> Document:
    groups = ops_by_category()
    nodes = [Node(f"n{i}", groups[cat][0].name, pos=(i * 300.0, 0.0))
             for i, cat in enumerate(CATEGORIES) if groups[cat]]
    return Document(nodes=nodes)


def test_catalog_is_complete_and_up_to_date_with_the_code(tmp_path: Path):
    """resources/i18n/graphstudio_zh_CN.ts is what pyside6-lupdate makes of the code now (regenerate:
    python -m graphstudio.ui.i18n), every text has its translation, and the .qm is its compilation."""
    ts, qm = i18n.ts_path("zh_CN"), i18n.qm_path("zh_CN")
    fresh = tmp_path / ts.name
    shutil.copy(ts, fresh)
    subprocess.run(i18n.lupdate(fresh), check=True, capture_output=True)
    assert fresh.read_text(encoding="utf-8") == ts.read_text(encoding="utf-8"), \
        "the catalog is stale: run python -m graphstudio.ui.i18n and translate what is new"
    for message in ET.parse(ts).iter("message"):
        translation = message.find("translation")
        text = "".join(translation.itertext())
        assert translation.get("type") is None and text.strip(), f"not translated: {message.find('source').text!r}"
    subprocess.run(i18n.lrelease(ts, tmp_path / qm.name), check=True, capture_output=True)
    assert (tmp_path / qm.name).read_bytes() == qm.read_bytes(), "the .qm is stale: run python -m graphstudio.ui.i18n"


def test_every_translation_keeps_the_placeholders_the_mnemonic_and_the_ellipsis():
    """A translation's {fields} are the source's (``.format`` would fail otherwise), as is its %n; a
    menu text keeps an &-mnemonic and a "…" that says a dialog follows."""
    for message in ET.parse(i18n.ts_path("zh_CN")).iter("message"):
        source, text = message.find("source").text, "".join(message.find("translation").itertext())
        assert sorted(re.findall(r"\{\w*\}", source)) == sorted(re.findall(r"\{\w*\}", text)), (source, text)
        assert ("%n" in source) == ("%n" in text), (source, text)
        assert bool(re.search(r"&\w", source)) <= bool(re.search(r"&\w", text)), (source, text)
        assert source.endswith("…") == text.endswith("…"), (source, text)


def test_every_visible_text_of_the_main_window_is_chinese(window, zh, monkeypatch):
    window.model.reset(one_op_per_category())
    ids = {n.id for n in window.model.doc.nodes}
    texts: list[tuple[str, str]] = []
    inspector: list[tuple[str, str]] = []
    window.show_start_page()
    texts += [("start page: " + w, t) for w, t in visible_texts(window.start_page)]
    window.hide_start_page()
    for node_id in sorted(ids):  # the inspector for one op of each category
        window.inspector.show_ids([node_id])
        inspector += [(f"inspector {node_id}: {w}", t) for w, t in visible_texts(window.inspector)]
    from PySide6.QtCore import QPointF
    menu = window.view.canvas_menu(QPointF(0, 0))  # right-click on the empty canvas
    texts += [("canvas menu", a.text().split("\t")[0]) for a in menu.actions() if not a.isSeparator()]
    popup = window.view.open_search(QPointF(0, 0))  # Tab: the quick-add popup
    quick_add = visible_texts(popup)
    assert len(quick_add) > 10 and len(menu.actions()) > 3
    texts += [("quick add: " + w, t) for w, t in quick_add]
    popup.close()
    window.inspector.show_ids(sorted(ids)[:2])
    window.live.viewer.show_tensor("n0", np.arange(6.0).reshape(2, 3), np.full((2, 3), np.nan), "")
    texts += visible_texts(window)
    window.show_keyboard_help()
    box = window.findChild(QMessageBox, "keyboard_help")
    texts += [("keyboard help", box.windowTitle()), ("keyboard help", box.text())]
    about: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: about.extend([title, text]))
    window.about()
    texts += [("about", t) for t in about]
    bad = sorted({(where, text) for where, text in texts if untranslated(text, ids)}
                 | {(where, text) for where, text in inspector if untranslated(text, ids | ARG_NAMES)})
    assert not bad, f"{len(bad)} untranslated: {bad[:15]}"


def test_switching_language_changes_the_visible_texts_at_once(window):
    lesson = sorted(Path(i18n.CATALOG_DIR.parent / "examples").glob("03_*.json"))[0]
    window.open_lesson(lesson)
    english = visible_texts(window)
    lesson_text = window.lesson.toPlainText()
    assert "Autograd basics" in lesson_text and not CJK.search(lesson_text)
    window.language_actions["zh_CN"].trigger()
    try:
        chinese = visible_texts(window)
        assert english != chinese
        assert CJK.search(window.menuBar().actions()[0].text()) and CJK.search(window.windowTitle())
        assert "自动求导入门" in window.lesson.toPlainText()  # the open lesson, in the other language
        assert window.language_actions["zh_CN"].isChecked() and not window.language_actions["en"].isChecked()
        assert window.settings.value(i18n.SETTINGS_KEY) == "zh_CN"  # remembered
    finally:
        window.language_actions["en"].trigger()
    assert visible_texts(window) == english and window.lesson.toPlainText() == lesson_text


def test_first_start_follows_the_system_then_the_remembered_choice(tmp_path: Path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert i18n.initial_language(settings, QLocale("zh_CN")) == "zh_CN"
    assert i18n.initial_language(settings, QLocale("zh_TW")) == "zh_CN"
    assert i18n.initial_language(settings, QLocale("de_DE")) == "en"
    settings.setValue(i18n.SETTINGS_KEY, "en")
    assert i18n.initial_language(settings, QLocale("zh_CN")) == "en"


def test_chinese_problems_keep_pytorchs_message_and_explain_it(window, zh):
    window.model.reset(Document(nodes=[Node("a", "ones", params={"shape": [2, 3]}),
                                       Node("b", "ones", params={"shape": [4, 5]}),
                                       Node("m", "mm", {"input": "a", "mat2": "b"})]))
    tip = window.problems_button.toolTip()
    assert "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)" in tip  # verbatim
    assert "节点 'm'（mm）" in tip and "矩阵乘法要求" in tip


def test_chinese_text_falls_back_to_a_font_with_cjk_glyphs(window, zh, qapp):
    for family in (qapp.font().family(), window.code_panel.font().family()):
        assert {f.lower() for f in i18n.CJK_FONTS} <= {f.lower() for f in QFont.substitutes(family)}


def test_screenshot_refuses_an_unknown_language(tmp_path: Path, capsys):
    from graphstudio.ui.live.screenshot import screenshot

    lesson = sorted(Path(i18n.CATALOG_DIR.parent / "examples").glob("03_*.json"))[0]
    assert screenshot(str(lesson), str(tmp_path / "x.png"), language="klingon") == 2
    assert "--lang must be one of en, zh_CN" in capsys.readouterr().err


def test_a_value_the_inspector_refuses_is_explained_in_chinese(window, zh):
    window.model.reset(Document(nodes=[Node("z", "zeros", params={"shape": [2]})]))
    window.inspector.show_ids(["z"])
    field = window.inspector.widgets["shape"]
    field.setText("[2, -1]")
    field.editingFinished.emit()
    assert window.inspector.error("shape") == "应为由 ≥ 0 的整数组成的列表，例如 [2, 3]"


def test_node_tooltips_follow_the_language(window):
    window.model.reset(Document(nodes=[Node("m", "mm", pos=(0.0, 0.0))]))
    item = window.scene.nodes["m"]
    assert "Matrix product" in item.toolTip()
    i18n.set_language("zh_CN")
    try:
        assert "矩阵乘积" in window.scene.nodes["m"].toolTip()
    finally:
        i18n.set_language("en")
    assert "Matrix product" in window.scene.nodes["m"].toolTip()


def test_the_windows_own_dialogs_ask_in_chinese(window, zh):
    window.model.reset(Document(nodes=[Node("a", "ones", params={"shape": [2]})]))
    window.model.set_param("a", "shape", [3])  # unsaved work
    asked: list[tuple[str, str]] = []
    window.ask = lambda title, text, buttons, default: asked.append((title, text)) or QMessageBox.StandardButton.Cancel
    window.new_document()
    assert asked == [("未保存的更改", "保存对“未命名”的更改吗？")]


def test_the_node_a_run_failed_at_explains_pytorchs_message_in_chinese(window, zh):
    from graphstudio.ui.live.badges import ErrorMarker

    window.model.reset(Document(nodes=[Node("m", "mm", pos=(0.0, 0.0))]))
    message = "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"
    marker = ErrorMarker(window.scene.nodes["m"], message)
    assert marker.message == message and marker.toolTip().startswith(message + " —— 矩阵乘法要求")


LESSONS = sorted((i18n.CATALOG_DIR.parent / "examples").glob("*.json"))
CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff，。：；）]) (?=[\u4e00-\u9fff（])|(?<=[，。：；）]) (?=\w)")


def document_layout(panel) -> tuple[int, int]:
    """How many list items and tables (frames) the shown lesson has."""
    document, items = panel.document(), 0
    block = document.begin()
    while block.isValid():
        items += block.textList() is not None
        block = block.next()
    return items, len(document.rootFrame().childFrames())


def test_every_lesson_switches_language_in_place_and_reads_without_stray_spaces(model):
    """Each lesson, open in the lesson panel, turns Chinese and back when the language changes, with the
    same lists and tables; a Chinese paragraph wrapped in the file shows no space where its lines were
    joined."""
    from graphstudio.document import load
    from graphstudio.document.translations import translated
    from graphstudio.ui.lesson import LessonPanel

    panel = LessonPanel(model)
    try:
        for path in LESSONS:
            doc = load(path)
            model.reset(doc)
            english, layout = panel.toPlainText(), document_layout(panel)
            assert doc.title in english and not CJK.search(english)
            i18n.set_language("zh_CN")
            try:
                title, notes = translated(doc, "zh_CN")
                chinese = panel.toPlainText()
                assert title in chinese, path.name
                assert len(CJK_SPACE.findall(chinese)) <= len(CJK_SPACE.findall(notes)), \
                    f"{path.name}: a wrapped Chinese line shows as a space: {CJK_SPACE.findall(chinese)}"
                assert document_layout(panel) == layout, f"{path.name}: the lists and tables differ"
            finally:
                i18n.set_language("en")
            assert panel.toPlainText() == english
    finally:
        panel.deleteLater()


@needs_torch
@pytest.mark.parametrize("make, name", ERROR_CASES, ids=lambda c: getattr(c, "__name__", c))
def test_a_common_error_reads_pytorchs_words_then_one_chinese_sentence(make, name, zh):
    """The engine's error (PyTorch's words, verbatim) is shown whole, then its Chinese explanation;
    in English, the message alone."""
    import graphstudio.engine as gs
    from graphstudio.ui.wording import error_text

    message = error_message(make, gs)
    assert message == error_message(make, torch)
    shown = error_text(message)
    assert shown.startswith(message + " —— ")
    why = shown[len(message) + len(" —— "):]
    assert CJK.search(why) and why.count("。") == 1 and why.endswith("。")
    i18n.set_language("en")
    assert error_text(message) == message


def test_the_status_bar_speaks_chinese_through_a_whole_run(window, zh, qtbot):
    """Every message the status bar shows while a student runs, trains, applies, runs a graph with a
    problem, asks for backward or training where there is none, and writes the code: in Chinese but
    for the checker's or PyTorch's own message, quoted verbatim."""
    from graphstudio.document import load

    said: list[str] = []
    window.statusBar().messageChanged.connect(lambda text: said.append(text) if text else None)
    session = window.live
    session.set_animate(False)
    verbatim: set[str] = set()

    def settle() -> None:
        qtbot.waitUntil(lambda: not session.busy, timeout=20_000)

    session.backward()  # nothing to run backward from
    session.train()  # no optimizer
    lesson = load(LESSONS[[p.stem for p in LESSONS].index("21_linear_regression_sgd")])
    window.model.reset(lesson)
    ids = {n.id for n in lesson.nodes}
    session.forward()
    session.backward()
    session.step()
    settle()
    session.train(3)
    settle()
    session.set_lr(0.01)
    session.apply_trained()
    window.copy_code()
    window.model.set_param("x", "data", [[1.0, 2.0]])  # now x·w has no matching shapes
    verbatim |= {p.message for p in window.model.analysis.problems}
    session.forward()
    settle()
    window.copy_code()
    window.next_problem()
    window.model.reset(Document(nodes=[Node("a", "ones", params={"shape": [2, 3]}),
                                       Node("b", "mul", {"input": "a", "other": 2.0})]))
    session.backward()  # not a scalar
    window.model.reset(Document(nodes=[Node("a", "ones", params={"shape": [2, 3]}), Node("s", "sum", {"input": "a"})]))
    session.backward()  # nothing requires grad
    ids |= {"a", "b", "s"}
    assert len(said) >= 9 and verbatim, said
    framing = [text for text in said if any(v in text for v in verbatim)]
    assert len(framing) == 3, said  # the failed run, the code that cannot be written, the next problem
    bad = sorted({text for text in said if english_words(_without(text, verbatim), ids | ARG_NAMES)})
    assert not bad, f"{len(bad)} untranslated: {bad}"


def _without(text: str, verbatim: set[str]) -> str:
    for v in verbatim:
        text = text.replace(v, "")
    return text


def test_values_that_cannot_be_applied_or_saved_are_explained_in_chinese(model, zh, tmp_path: Path):
    from PySide6.QtCore import QLockFile

    from graphstudio.ui.autosave import Autosaver
    from graphstudio.ui.live.apply import ApplyTrainedValues

    with pytest.raises(ValueError) as refused:
        ApplyTrainedValues(model, {"w": np.array([np.nan], np.float32)})
    assert not english_words(str(refused.value), {"w"}) and CJK.search(str(refused.value))
    model.reset(Document(nodes=[Node("a", "ones", params={"shape": [2]})]), modified=True)
    saver = Autosaver(model, tmp_path)
    held = QLockFile(str(saver.path) + ".lock")
    saver.folder.mkdir(parents=True, exist_ok=True)
    assert held.tryLock(0)
    failures: list[str] = []
    saver.failed.connect(failures.append)
    try:
        assert not saver.tick()
    finally:
        held.unlock()
    assert failures and not english_words(failures[0].replace(str(saver.path) + ".lock", ""), set())


def test_the_windows_file_dialogs_and_warnings_are_chinese(window, zh, monkeypatch, tmp_path: Path):
    """The title and file types of every file dialog of the File menu, the title of every warning,
    and the buttons Qt itself puts in a question (from Qt's own catalog)."""
    from PySide6.QtWidgets import QFileDialog

    shown: list[tuple[str, str]] = []

    def dialog(parent, title, start, filters, *rest):
        shown.extend([("file dialog", title), ("file types", filters)])
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", dialog)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    window.model.reset(Document(nodes=[Node("a", "ones", params={"shape": [2]})]))
    for key in ("open", "open_script", "save_as", "export", "export_code"):
        window.actions[key].trigger()
    assert len(shown) == 10
    warned: list[str] = []
    window.warn = lambda title, text: warned.append(title)
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    (tmp_path / "bad.py").write_text("import torch\nx = torch.ones(2) @ torch.ones(3)\n", encoding="utf-8")
    window.open_path(tmp_path / "bad.json", ask=False)
    window.open_script(tmp_path / "bad.py", ask=False)
    window.open_lesson(tmp_path / "bad.json")
    window.save_to(str(tmp_path / "missing" / "folder" / "x.json"))
    assert len(warned) == 4
    shown += [("warning", title) for title in warned]
    box = QMessageBox(QMessageBox.Icon.Question, "", "", QMessageBox.StandardButton.Save
                      | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
    shown += [("question button", b.text()) for b in box.buttons()]
    box.deleteLater()
    bad = [(where, text) for where, text in shown if untranslated(text, set())]
    assert not bad, bad


def _ran_autograd_basics(window, qtbot):
    """Lesson 03 open, after Forward and Backward (no animation): every kind of thing a run lays on the canvas."""
    from graphstudio.document import load

    lesson = load(LESSONS[[p.stem for p in LESSONS].index("03_autograd_basics")])
    window.model.reset(lesson)
    session = window.live
    session.set_animate(False)
    session.forward()
    session.backward()
    qtbot.waitUntil(lambda: not session.busy, timeout=20_000)
    return lesson


def test_the_canvas_tooltips_after_a_run_are_chinese(window, zh, qtbot):
    """Node boxes, ports, wires, and what a run lays on the canvas (value panels, badges, sums)."""
    lesson = _ran_autograd_basics(window, qtbot)
    tips = {(type(item).__name__, item.toolTip()) for item in window.scene.items() if item.toolTip()}
    kinds = {kind for kind, _ in tips}
    assert {"NodeItem", "PortItem", "WireItem", "WirePanel", "NodeBadge", "SumBadge"} <= kinds, kinds
    ids = {n.id for n in lesson.nodes}
    bad = sorted((kind, tip) for kind, tip in tips if untranslated(tip, ids | ARG_NAMES))
    assert not bad, f"{len(bad)} untranslated: {bad[:10]}"


def test_a_first_start_on_a_chinese_system_opens_in_chinese_and_remembers_a_switch(qtbot, tmp_path: Path, monkeypatch):
    """A fresh settings file and a zh_CN system locale: the window opens in Chinese; View › Language ›
    English is remembered, so the next start (same system) opens in English."""
    from graphstudio.ui.mainwindow import MainWindow

    class ChineseSystem(QLocale):
        @staticmethod
        def system() -> QLocale:
            return QLocale("zh_CN")

    monkeypatch.setattr(i18n, "QLocale", ChineseSystem)
    path = str(tmp_path / "settings.ini")

    def first_window_of_a_process() -> MainWindow:
        monkeypatch.setattr(i18n, "_chosen", False)
        win = MainWindow(settings=QSettings(path, QSettings.Format.IniFormat), recovery_dir=tmp_path / "recovery")
        qtbot.addWidget(win)
        return win

    try:
        win = first_window_of_a_process()
        assert i18n.language() == "zh_CN" and CJK.search(win.menuBar().actions()[0].text())
        assert win.language_actions["zh_CN"].isChecked()
        win.language_actions["en"].trigger()
        assert win.menuBar().actions()[0].text() == "&File"
        win.live.shutdown()
        win.settings.sync()
        again = first_window_of_a_process()
        assert i18n.language() == "en" and again.language_actions["en"].isChecked()
        again.live.shutdown()
    finally:
        i18n.set_language("en")


def test_chinese_without_a_font_for_it_says_so_in_english(window, monkeypatch):
    """On a bare Linux with no font that has Chinese glyphs, switching to Chinese says (in English, the
    only text that would not be boxes) what to install; with such a font it says nothing."""
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)
    try:
        monkeypatch.setattr(i18n, "cjk_font_installed", lambda: True)
        window.language_actions["zh_CN"].trigger()
        assert i18n.NO_CJK_FONT not in said
        window.language_actions["en"].trigger()
        monkeypatch.setattr(i18n, "cjk_font_installed", lambda: False)
        window.language_actions["zh_CN"].trigger()
        assert window.statusBar().currentMessage() == i18n.NO_CJK_FONT
    finally:
        window.language_actions["en"].trigger()


def test_a_refused_wire_and_a_nodes_problem_explain_pytorchs_message_in_chinese(window, zh):
    """Where a student meets a shape mismatch first: the wire that refuses it, the node's tooltip."""
    window.model.reset(Document(nodes=[Node("a", "ones", params={"shape": [2, 3]}),
                                       Node("b", "ones", params={"shape": [4, 5]}),
                                       Node("m", "mm", {"input": "a"}, pos=(300.0, 0.0)),
                                       Node("n", "mm", {"input": "a", "mat2": "b"}, pos=(300.0, 300.0))]))
    message = "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"
    refusal = window.model.connect("b", None, "m", "mat2")
    assert refusal.startswith("已拒绝") and f"{message} —— 矩阵乘法要求" in refusal
    assert f"⚠ {message} —— 矩阵乘法要求" in window.scene.nodes["n"].toolTip()


def test_the_code_dock_says_why_there_is_no_code_in_the_language_of_the_moment(window):
    window.model.reset(Document(nodes=[Node("a", "ones", params={"shape": [2, 3]}),
                                       Node("b", "ones", params={"shape": [4, 5]}),
                                       Node("m", "mm", {"input": "a", "mat2": "b"})]))
    window.code_panel.refresh()
    english = window.code_panel.toPlainText()
    assert english.startswith("# The graph has problems") and "node 'm' (mm)" in english
    i18n.set_language("zh_CN")
    try:
        chinese = window.code_panel.toPlainText()
        message = "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"
        assert chinese.startswith("# 计算图有问题") and f"节点 'm'（mm）：{message} —— 矩阵乘法要求" in chinese
        assert not english_words(chinese.replace(message, ""), {"m"})
    finally:
        i18n.set_language("en")
    assert window.code_panel.toPlainText() == english


SUFFIXES = {"bmp", "jpeg", "jpg", "png", "svg"}


def test_an_image_that_cannot_be_exported_is_explained_in_chinese(window, zh, monkeypatch, tmp_path: Path):
    from PySide6.QtWidgets import QFileDialog

    warned: list[tuple[str, str]] = []
    window.warn = lambda title, text: warned.append((title, text))
    window.model.reset(Document(nodes=[Node("a", "ones", params={"shape": [2]})]))
    names = ("x.bmpx", "missing/folder/x.png")
    for name in names:
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, n=name: (str(tmp_path / n), ""))
        window.export_dialog()
    assert len(warned) == 2
    for (title, text), name in zip(warned, names):
        text = text.replace(str(tmp_path / name), "").replace(".bmpx", "")
        assert CJK.search(title) and not english_words(text, SUFFIXES), text


def test_an_open_inspector_tensor_viewer_and_palette_switch_language_in_place(window, qtbot):
    """Without reselecting or reopening: the inspector of the selected node, the tensor open in the
    viewer, the palette's categories and tooltips."""
    window.model.reset(Document(nodes=[Node("m", "mm", {"input": [[1.0]], "mat2": [[2.0]]}, pos=(0.0, 0.0))]))
    window.scene.select_ids(["m"])
    window.live.viewer.show_tensor("m", np.ones((2, 2)), None, "")
    parts = (window.inspector, window.live.viewer, window.palette_panel)
    english = [visible_texts(part) for part in parts]
    assert all(not any(CJK.search(t) for _, t in texts) for texts in english)
    i18n.set_language("zh_CN")
    try:
        for part in parts:
            assert not [t for _, t in visible_texts(part) if untranslated(t, {"m"} | ARG_NAMES)], type(part).__name__
    finally:
        i18n.set_language("en")
    assert [visible_texts(part) for part in parts] == english


def test_what_a_run_laid_on_the_canvas_switches_language_in_place(window, qtbot):
    """Run in English, then switch: the badges, value panels, sums and the loss plot's words turn
    Chinese without running again."""
    lesson = _ran_autograd_basics(window, qtbot)
    ids = {n.id for n in lesson.nodes}

    def words() -> set[tuple[str, str]]:
        items = [item for item in window.scene.items() if type(item).__name__ in ("NodeBadge", "WirePanel", "SumBadge")]
        found = {(type(item).__name__, item.toolTip()) for item in items}
        found |= {(type(item).__name__, item.text) for item in items if isinstance(getattr(item, "text", None), str)}
        found |= {("loss plot", t) for _, t in visible_texts(window.live.loss_plot)}
        return {(kind, text) for kind, text in found if text}

    english = words()
    assert any(kind == "NodeBadge" and "leaf" in text for kind, text in english)
    i18n.set_language("zh_CN")
    try:
        chinese = words()
        bad = sorted((kind, text) for kind, text in chinese if untranslated(text, ids | ARG_NAMES))
        assert not bad, bad
    finally:
        i18n.set_language("en")
    assert words() == english


def test_the_node_a_run_failed_at_explains_it_after_a_switch_to_chinese(window):
    window.model.reset(Document(nodes=[Node("m", "mm", pos=(0.0, 0.0))]))
    message = "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"
    window.live.layer.mark_error("m", message)
    assert window.live.layer.error.toolTip() == message
    i18n.set_language("zh_CN")
    try:
        assert window.live.layer.error.toolTip().startswith(message + " —— 矩阵乘法要求")
    finally:
        i18n.set_language("en")
    assert window.live.layer.error.toolTip() == message


def test_an_open_keyboard_help_follows_a_change_of_language(window, qtbot):
    window.show_keyboard_help()
    box = window.findChild(QMessageBox, "keyboard_help")
    english = box.text()
    i18n.set_language("zh_CN")
    try:
        qtbot.waitUntil(lambda: CJK.search(box.windowTitle()) is not None)
        assert not [t for t in re.findall(r"<td>([^<]*)</td>", box.text()) if untranslated(t, set())]
    finally:
        i18n.set_language("en")
    qtbot.waitUntil(lambda: box.text() == english)


def test_the_inspector_of_every_op_is_chinese(window, zh):
    """Beyond one op of each category: every op's description, field hints, choices and tooltips."""
    nodes = [Node(f"n{i}", op.name, pos=(i * 300.0, 0.0)) for i, op in enumerate(ALL_OPS)]
    window.model.reset(Document(nodes=nodes))
    ids = {n.id for n in nodes}
    bad = set()
    for node in nodes:
        window.inspector.show_ids([node.id])
        bad |= {(node.op, w, t) for w, t in visible_texts(window.inspector) if untranslated(t, ids | ARG_NAMES)}
    assert not bad, f"{len(bad)} untranslated: {sorted(bad)[:15]}"
