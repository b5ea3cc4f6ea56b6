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
        "ReLU", "F1", "F5", "F6", "F7", "F8", "Ins", "PgUp", "PgDown", "Home", "End"}


@pytest.fixture
def zh(qapp):
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


def untranslated(text: str, ids: set[str]) -> bool:
    """A visible text with an English word that is not an op name, a node id (or in the inspector an
    argument name) or a PyTorch identifier."""
    plain = re.sub(r"<[^>]+>|&(?=\w)|&nbsp;", " ", text or "")
    if CJK.search(plain):
        return False
    for word in re.findall(r"[A-Za-z][A-Za-z0-9_.]*", plain):
        identifier = "_" in word or "." in word or any(c.isdigit() for c in word)
        if not identifier and word not in KEPT | OP_NAMES | ids:
            return True
    return False


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a student can read in ``root``: menus, actions, docks, labels,
    buttons, hints, tabs, list and tree items, and their tooltips."""
    found: list[tuple[str, str]] = []

    def menu(m: QMenu, where: str) -> None:
        found.append((where, m.title()))
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


def test_chinese_text_falls_back_to_a_font_with_cjk_glyphs(zh, qapp):
    family = qapp.font().family()
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
CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff，。：；）]) (?=[\u4e00-\u9fff（])")


def test_every_lesson_switches_language_in_place_and_reads_without_stray_spaces(model):
    """Each lesson, open in the lesson panel, turns Chinese and back when the language changes; a
    Chinese paragraph wrapped in the file shows no space where its lines were joined."""
    from graphstudio.document import load
    from graphstudio.document.translations import translated
    from graphstudio.ui.lesson import LessonPanel

    panel = LessonPanel(model)
    try:
        for path in LESSONS:
            doc = load(path)
            model.reset(doc)
            english = panel.toPlainText()
            assert doc.title in english and not CJK.search(english)
            i18n.set_language("zh_CN")
            try:
                title, notes = translated(doc, "zh_CN")
                chinese = panel.toPlainText()
                assert title in chinese, path.name
                assert len(CJK_SPACE.findall(chinese)) <= len(CJK_SPACE.findall(notes)), \
                    f"{path.name}: a wrapped Chinese line shows as a space: {CJK_SPACE.findall(chinese)}"
            finally:
                i18n.set_language("en")
            assert panel.toPlainText() == english
    finally:
        panel.deleteLater()
