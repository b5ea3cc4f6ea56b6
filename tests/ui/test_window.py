"""The main window's file life cycle: save/open, title, bad files, recovery, clipboard, menus."""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from graphstudio.document import Document, Node, load, save

B = QMessageBox.StandardButton


def test_save_open_round_trip(window, chain_doc, tmp_path: Path):
    chain_doc.extra["expect"] = {"kept": [1, 2]}  # unknown keys survive the editor
    chain_doc.notes = "Read *this*."
    src = tmp_path / "chain.json"
    save(chain_doc, src)
    assert window.open_path(src)
    assert window.windowTitle().startswith("chain.json —")
    window.model.set_param("a", "shape", [7])
    assert window.windowTitle().startswith("chain.json* —")
    out = tmp_path / "out.json"
    assert window.save_to(str(out))
    assert window.windowTitle().startswith("out.json —")
    edited = window.model.doc.copy()
    assert load(out) == edited
    window.model.reset(Document())
    assert window.open_path(out)
    assert window.model.doc == edited
    assert str(out.resolve()) == window.recent_files()[0]


def test_file_without_positions_gets_laid_out(window, tmp_path: Path):
    src = tmp_path / "nopos.json"
    src.write_text(json.dumps({"graphstudio": 1, "nodes": [
        {"id": "a", "op": "ones"}, {"id": "b", "op": "relu", "inputs": {"input": "a"}}]}))
    assert window.open_path(src)
    a, b = window.model.doc.node("a").pos, window.model.doc.node("b").pos
    assert a is not None and b is not None and b[0] > a[0]  # left to right in data-flow order
    assert not window.model.modified


def test_bad_file_is_reported_in_one_line_and_nothing_changes(window, chain_doc, tmp_path: Path):
    window.model.reset(chain_doc)
    before = window.model.doc.copy()
    bad = tmp_path / "bad.json"
    bad.write_text('{"graphstudio": 1, "nodes": [{"id": "1x", "op": "relu"}]')
    assert not window.open_path(bad)
    assert len(window.warnings) == 1 and "\n" not in window.warnings[0] and "bad.json" in window.warnings[0]
    assert window.model.doc == before


def test_open_asks_before_losing_work(window, chain_doc, tmp_path: Path):
    window.model.reset(chain_doc)
    window.model.set_param("a", "shape", [1])
    other = tmp_path / "other.json"
    save(Document(nodes=[Node("z", "ones", pos=(0.0, 0.0))]), other)
    window.ask = lambda *a: B.Cancel
    assert not window.open_path(other)
    assert window.model.has("a")
    window.ask = lambda *a: B.Discard
    assert window.open_path(other)
    assert [n.id for n in window.model.doc.nodes] == ["z"]


def test_autosave_and_recovery(window, chain_doc, qtbot, tmp_path: Path):
    src = tmp_path / "chain.json"
    save(chain_doc, src)
    window.open_path(src)
    autosaver = window.autosaver
    assert not autosaver.tick()  # nothing unsaved: nothing written
    window.model.set_param("a", "shape", [9, 9])
    edited = window.model.doc.copy()
    assert autosaver.tick()
    assert autosaver.path.is_file()
    assert not autosaver.tick()  # no newer work since

    # a new session finds the recovery file and offers it back
    from graphstudio.ui.mainwindow import MainWindow
    fresh = MainWindow(settings=window.settings, recovery_path=autosaver.path)
    qtbot.addWidget(fresh)
    asked = []
    fresh.ask = lambda title, *a: asked.append(title) or B.Yes
    assert fresh.offer_recovery()
    assert asked == ["Restore unsaved work?"]
    assert fresh.model.doc == edited
    assert fresh.model.modified and fresh.model.path == str(src.resolve())
    assert fresh.windowTitle().startswith("chain.json*")
    assert fresh.save()
    assert not autosaver.path.exists()  # a clean save removes the recovery file
    assert load(src) == edited
    fresh.autosaver.timer.stop()


def test_declined_recovery_is_removed(window, chain_doc, tmp_path: Path):
    window.model.reset(chain_doc)
    window.model.set_param("a", "shape", [3])
    assert window.autosaver.tick()
    window.ask = lambda *a: B.No
    assert not window.offer_recovery()
    assert not window.autosaver.pending()


def test_autosave_timer_runs_every_30_seconds(window):
    assert window.autosaver.timer.interval() == 30_000 and window.autosaver.timer.isActive()


def test_clipboard_holds_graph_json(window, chain_doc):
    window.model.reset(chain_doc)
    window.scene.select_ids(["a", "b"])
    window.actions["copy"].trigger()
    text = QGuiApplication.clipboard().text()
    assert [n["id"] for n in json.loads(text)["nodes"]] == ["a", "b"]
    window.actions["paste"].trigger()
    assert window.scene.selected_ids() == ["a1", "b1"]
    assert window.model.doc.node("b1").inputs == {"input": "a1"}
    window.actions["cut"].trigger()
    assert not window.model.has("a1")
    window.actions["duplicate"].trigger()  # nothing selected after the cut: nothing happens
    window.actions["select_all"].trigger()
    assert window.scene.selected_ids() == ["a", "b", "c"]


def test_new_document_and_close_ask_when_modified(window, chain_doc):
    window.model.reset(chain_doc)
    window.model.set_param("a", "shape", [3])
    window.ask = lambda *a: B.Cancel
    window.actions["new"].trigger()
    assert window.model.has("a")
    assert not window.close()
    window.ask = lambda *a: B.Discard
    window.actions["new"].trigger()
    assert window.model.doc == Document()


def test_lessons_menu_and_theme(window):
    actions = window.lessons_menu.actions()
    assert actions  # a lesson per file, or one disabled "(no lessons installed)" entry
    window.set_theme("dark")
    from graphstudio.ui import theme
    assert theme.current() == "dark"
    assert window.settings.value("theme") == "dark"
    window.set_theme("light")


def test_status_bar_shows_device_and_problems(window):
    window.model.reset(Document(device="cpu", nodes=[Node("r", "relu", {}, {}, (0.0, 0.0))]))
    assert window.device_label.text() == "Device: cpu"
    assert "1 problem" in window.problems_button.text()
    window.next_problem()
    assert window.scene.selected_ids() == ["r"]


def test_lesson_panel_shows_title_and_notes(window):
    window.model.reset(Document(title="Autograd", notes="The **chain** rule."))
    text = window.lesson.toPlainText()
    assert "Autograd" in text and "chain rule" in text
