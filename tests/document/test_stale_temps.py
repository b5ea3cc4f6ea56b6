"""A killed save leaves a hidden temp file; the next save of that file removes it, but never
the temp file of a writer still at work, and a killed save never loses the file."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from graphstudio.document import Document, Node, load, save
from graphstudio.document.io import STALE_AFTER_S

ROOT = Path(__file__).resolve().parents[2]


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _leave(folder: Path, name: str, age: float) -> Path:
    path = folder / name
    path.write_text("{half a file")
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_the_next_save_removes_only_stale_temp_files_of_its_own(tmp_path):
    doc = Document(title="t", nodes=[Node("x", "ones", params={"shape": [2]})])
    old = STALE_AFTER_S + 5
    dead = _dead_pid()
    killed = _leave(tmp_path, f".g.json.{dead}-0badf00d.tmp", old)
    older_version = _leave(tmp_path, ".g.json.deadbeef.tmp", old)
    keep = [_leave(tmp_path, f".g.json.{os.getpid()}-0badf00d.tmp", old),  # a live writer's
            _leave(tmp_path, f".g.json.{dead}-12345678.tmp", 1),  # young: maybe another host's
            _leave(tmp_path, f".other.json.{dead}-0badf00d.tmp", old),  # another file's
            _leave(tmp_path, ".g.json.notes.tmp", old)]  # not our pattern
    save(doc, tmp_path / "g.json")
    assert not killed.exists() and not older_version.exists()
    assert all(p.exists() for p in keep)
    assert load(tmp_path / "g.json") == doc


SAVER = """
import sys
from graphstudio.document import Document, Node, save
i = 0
print("ready", flush=True)
while True:
    i += 1
    save(Document(title=str(i), nodes=[Node(f"n{k}", "ones", params={"shape": [2]}) for k in range(200)]), sys.argv[1])
"""


def _kill_a_saver(path: Path, delay: float) -> None:
    proc = subprocess.Popen([sys.executable, "-c", SAVER, str(path)], stdout=subprocess.PIPE,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    proc.stdout.readline()
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def test_killed_saves_never_lose_the_file_and_their_leftovers_go(tmp_path, monkeypatch):
    path = tmp_path / "g.json"
    save(Document(title="0"), path)
    rng = random.Random(10)
    for kill in range(100):
        _kill_a_saver(path, rng.uniform(0, 0.05))
        assert load(path).title.isdigit()
        if kill >= 15 and len(os.listdir(tmp_path)) > 1:
            break
    assert len(os.listdir(tmp_path)) > 1, "no kill landed inside a save in 100 tries"
    monkeypatch.setattr("graphstudio.document.io.STALE_AFTER_S", 0)
    save(Document(title="last"), path)
    assert sorted(os.listdir(tmp_path)) == ["g.json"]
