"""The command line's edges keep the contract: one line naming the file, or silence."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import graphstudio.cli as cli
from graphstudio.document.problems import MAX_LINE

ROOT = Path(__file__).resolve().parents[2]
MOONS = ROOT / "resources" / "examples" / "25_moons_classifier.json"
ENV = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"}


def test_ctrl_c_names_the_file(monkeypatch, capsys):
    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run", interrupted)
    assert cli.main(["--run", str(MOONS)]) == 1
    assert capsys.readouterr().err.splitlines() == [f"{MOONS}: interrupted"]


def test_a_bad_argument_is_one_line(capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["--run", str(MOONS), "--steps", "abc"])
    assert exit.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        "graphstudio: argument --steps: invalid int value: 'abc' (see --help)"]


def test_a_reader_that_stops_early_gets_a_quiet_exit():
    proc = subprocess.Popen([sys.executable, "-m", "graphstudio", "--run", str(MOONS), "--json", "--steps", "3"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=ENV)
    assert len(proc.stdout.read(10)) == 10
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert err.decode() == ""


def test_offscreen_screenshot_failures_carry_no_qt_noise(tmp_path):
    done = subprocess.run([sys.executable, "-m", "graphstudio", "--screenshot", str(tmp_path / "no" / "a.png"),
                           str(MOONS)], capture_output=True, text=True, cwd=ROOT, env=ENV, timeout=300)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"{tmp_path / 'no' / 'a.png'}: cannot write the image"]


def test_qts_real_messages_still_reach_stderr():
    code = ("from graphstudio.ui.export import ensure_app\nensure_app()\n"
            "from PySide6.QtCore import qWarning\n"
            "qWarning('This plugin does not support propagateSizeHints()')\nqWarning('a real problem')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=ENV,
                          timeout=120)
    assert done.stderr.splitlines() == ["a real problem"]


def test_validate_lines_stay_short_with_a_long_key_and_a_long_path(tmp_path, capsys):
    folder = tmp_path / ("d" * 100)
    folder.mkdir()
    path = folder / "long.graph.json"
    path.write_text(json.dumps({"graphstudio": 1, "nodes": [
        {"id": "x", "op": "ones", "params": {"shape": [2]}},
        {"id": "z", "op": "neg", "inputs": {"input": "x", "k" * 1000: "x"}}]}))
    assert cli.main(["--validate", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines and all(len(line) <= MAX_LINE and line.startswith(str(path)) for line in lines), lines
