"""The main window's file life cycle: save/open, title, bad files, recovery, clipboard, menus."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from graphstudio.document import Document, Node, load, save

B = QMessageBox.StandardButton
ROOT = Path(__file__).resolve().parents[2]


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


CRASHING_EDITOR = """
import os, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from graphstudio.document import load
from graphstudio.ui.autosave import Autosaver
from graphstudio.ui.model import GraphModel
model = GraphModel()
model.reset(load(sys.argv[2]), sys.argv[2])
model.set_param("a", "shape", [int(sys.argv[3])])
assert Autosaver(model, Path(sys.argv[1])).tick()
os._exit(0)  # killed: no close, so the recovery file and a lock naming a dead process stay behind
"""


def crash_editor(folder: Path, src: Path, size: int) -> None:
    """An editor in another process edits ``src`` (a's shape becomes [size]), autosaves, and dies."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", CRASHING_EDITOR, str(folder), str(src), str(size)], check=True, env=env,
                   timeout=120)


def fresh_window(window, qtbot):
    from graphstudio.ui.mainwindow import MainWindow

    fresh = MainWindow(settings=window.settings, recovery_dir=window.autosaver.folder)
    qtbot.addWidget(fresh)
    fresh.questions, fresh.warnings = [], []
    fresh.ask = lambda title, *a: fresh.questions.append(title) or B.Yes
    fresh.warn = lambda title, text: fresh.warnings.append(text)
    return fresh


def test_autosave_and_recovery(window, chain_doc, qtbot, tmp_path: Path):
    src = tmp_path / "chain.json"
    save(chain_doc, src)
    window.open_path(src)
    autosaver = window.autosaver
    assert not autosaver.tick()  # nothing unsaved: nothing written
    window.model.set_param("a", "shape", [9, 9])
    assert autosaver.tick()
    assert autosaver.path.is_file()
    assert not autosaver.tick()  # no newer work since

    # an editor killed with unsaved work: the next start offers it back
    crash_editor(autosaver.folder, src, 7)
    fresh = fresh_window(window, qtbot)
    assert fresh.offer_recovery()
    assert fresh.questions == ["Restore unsaved work?"]
    assert fresh.model.doc.node("a").params["shape"] == [7]
    assert fresh.model.modified and fresh.model.path == str(src)
    assert fresh.windowTitle().startswith("chain.json*")
    assert fresh.autosaver.path.is_file()  # the work stays on disk, now as the fresh window's
    assert fresh.save()
    assert not fresh.autosaver.path.exists()  # a clean save removes the recovery file
    assert load(src).node("a").params["shape"] == [7]
    assert autosaver.path.is_file()  # the first window's live work was never touched


def test_each_killed_window_leaves_its_own_work(window, chain_doc, qtbot, tmp_path: Path):
    src = tmp_path / "chain.json"
    save(chain_doc, src)
    crash_editor(window.autosaver.folder, src, 5)
    crash_editor(window.autosaver.folder, src, 6)
    first, second = fresh_window(window, qtbot), fresh_window(window, qtbot)
    assert first.offer_recovery() and second.offer_recovery()
    shapes = {w.model.doc.node("a").params["shape"][0] for w in (first, second)}
    assert shapes == {5, 6}
    assert not fresh_window(window, qtbot).offer_recovery()  # both taken: nothing left to offer


def test_a_live_editors_work_is_not_taken_for_a_crash(window, chain_doc, qtbot):
    window.model.reset(chain_doc)
    window.model.set_param("a", "shape", [3])
    assert window.autosaver.tick()
    beside = fresh_window(window, qtbot)
    assert not beside.offer_recovery() and beside.questions == []
    assert window.autosaver.path.is_file()


def test_an_unreadable_recovery_file_is_kept_aside_and_reported(window, qtbot):
    folder = window.autosaver.folder
    folder.mkdir(parents=True, exist_ok=True)
    newer = folder / "from-a-newer-version.graph.json"
    newer.write_text('{"graphstudio": 99, "nodes": []}')
    fresh = fresh_window(window, qtbot)
    assert not fresh.offer_recovery()
    aside = folder / "from-a-newer-version.graph.json.unreadable"
    assert aside.read_text() == '{"graphstudio": 99, "nodes": []}' and not newer.exists()
    assert len(fresh.warnings) == 1 and "newer GraphStudio" in fresh.warnings[0] and str(aside) in fresh.warnings[0]
    assert not fresh_window(window, qtbot).offer_recovery()  # reported once, kept, not offered again


def test_declined_recovery_is_removed(window, chain_doc, qtbot, tmp_path: Path):
    src = tmp_path / "chain.json"
    save(chain_doc, src)
    crash_editor(window.autosaver.folder, src, 3)
    window.ask = lambda *a: B.No
    assert not window.offer_recovery()
    assert not window.autosaver.orphans() and not list(window.autosaver.folder.glob("*.graph.json"))


def test_a_normal_close_removes_the_recovery_file_and_lock(window, chain_doc):
    window.model.reset(chain_doc)
    window.model.set_param("a", "shape", [3])
    assert window.autosaver.tick()
    assert window.close()  # the fixture's ask answers Discard
    assert list(window.autosaver.folder.iterdir()) == []


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
    window.lessons_menu.aboutToShow.emit()
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
