"""Inputs that ask for too much memory end in one line naming the file, before anything large is made."""
from __future__ import annotations

import io
import itertools
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from graphstudio.cli import load_and_compile, main
from graphstudio.document.references import rename_refs
from graphstudio.program.report import write_json
from graphstudio.program.runner import Runner

ROOT = Path(__file__).resolve().parents[2]


def _lines(capsys) -> list[str]:
    return capsys.readouterr().err.splitlines()


def test_run_of_dev_zero_is_one_line(capsys):
    assert main(["--run", "/dev/zero"]) == 2
    (line,) = _lines(capsys)
    assert line.startswith("/dev/zero: ") and "larger than 32 MB" in line


@pytest.mark.parametrize("nodes", [
    [{"id": "d", "op": "dataset", "params": {"name": "moons", "n_samples": 10**9}}],
    [{"id": "z", "op": "zeros", "params": {"shape": [0]}},
     {"id": "c", "op": "chunk", "inputs": {"input": "z"}, "params": {"chunks": 100_000_000}}],
])
def test_a_count_that_would_not_fit_is_refused_at_validation(tmp_path, capsys, nodes):
    path = tmp_path / "big.graph.json"
    path.write_text(json.dumps({"graphstudio": 1, "nodes": nodes}))
    assert main(["--validate", str(path)]) == 2
    (line,) = _lines(capsys)
    assert line.startswith(f"{path}: node '{nodes[-1]['id']}'")


class _Discard(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


def test_the_json_report_of_a_large_output_needs_little_more_than_the_output(tmp_path):
    """2²⁰ float32 numbers (4 MB, ~48 MB of JSON text with its grad and product): once ~250 MB."""
    path = tmp_path / "large.graph.json"
    path.write_text(json.dumps({"graphstudio": 1, "nodes": [
        {"id": "x", "op": "randn", "params": {"shape": [1024, 1024], "requires_grad": True}},
        {"id": "y", "op": "mul", "inputs": {"input": "x", "other": 2.0}},
        {"id": "s", "op": "sum", "inputs": {"input": "y"}},
        {"id": "b", "op": "backward", "inputs": {"tensor": "s"}}]}))
    _, program = load_and_compile(str(path))
    runner = Runner(program)
    runner.run()
    tracemalloc.start()
    try:
        write_json(runner, _Discard())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * (4 << 20)


_VALIDATE_UNDER_A_LIMIT = """
import os, resource, sys
from graphstudio import cli
import graphstudio.program.compiler  # what every --validate imports, before the limit is set

path, factor = sys.argv[1], float(sys.argv[2])
with open("/proc/self/status") as f:
    size_now = next(int(line.split()[1]) << 10 for line in f if line.startswith("VmSize:"))
limit = size_now + int(factor * os.path.getsize(path)) + (8 << 20)
resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
sys.exit(cli.main(["--validate", path]))
"""


def _chain(n: int) -> dict:
    return {"graphstudio": 1, "nodes": [{"id": "n0", "op": "ones", "params": {"shape": [2]}}] + [
        {"id": f"n{i}", "op": "neg", "inputs": {"input": f"n{i - 1}"}} for i in range(1, n)]}


def _lessons(n: int) -> dict:
    """The lessons' nodes, each lesson's ids prefixed, over and over until there are ``n``: a long file
    as a user writes them (params, literals, positions, several losses)."""
    lessons = [json.loads(p.read_text()) for p in sorted((ROOT / "resources" / "examples").glob("*.json"))]
    nodes: list[dict] = []
    for k, lesson in enumerate(itertools.cycle(lessons)):
        names = {node["id"]: f"L{k}_{node['id']}" for node in lesson["nodes"]}
        nodes += [{**node, "id": names[node["id"]],
                   "inputs": {port: rename_refs(v, names) for port, v in node.get("inputs", {}).items()}}
                  for node in lesson["nodes"]]
        if len(nodes) >= n:
            break
    return {"graphstudio": 1, "title": "lessons", "nodes": nodes}


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmSize from Linux's /proc")
@pytest.mark.parametrize("graph, factor, code", [
    # passes here from 5.5x (150,000 nodes), 5.4x (50,000): the nodes go to the check as they are read, and
    # what is left is the text while it is read and, per node of ~60 bytes, its id, a Step, its inputs'
    # tuple and a Ref (~4.5x). Before --validate held no model: 11.7x.
    (_chain(150_000), 6.5, 0),
    # 60,000 nodes of ~85 bytes: passes from 6.4x (11.8x before); a literal's or shape's numbers are
    # Python floats and ints, a node's params a dict
    (_lessons(60_000), 7.5, 0),
    # 7.1x before, 5.1x after (passes from 4.6): the text, and a 32-byte float per number of ~10 characters;
    # refused for its size (over 10^6 numbers), once read
    ({"graphstudio": 1, "nodes": [{"id": "t", "op": "tensor",
                                   "params": {"data": [[0.123456] * 1000] * 1500}}]}, 5.5, 2),
    # 3.0x before (bytes, text and the parsed string at once), 2.0x after (passes from 1.65), with the file
    # read into a buffer of its own size rather than one of the largest a file may be (32 MB)
    ({"graphstudio": 1, "title": "x" * (20 << 20), "nodes": []}, 2, 0),
    # a small file: its bytes, its text and the parsed title fit, a buffer for the largest file would not
    ({"graphstudio": 1, "title": "x" * (4 << 20), "nodes": []}, 2, 0),
], ids=["chain", "lessons", "literal", "title", "small-title"])
def test_validate_needs_a_small_multiple_of_the_file_size(tmp_path, graph, factor, code):
    """--validate under an address-space limit of the file's size times ``factor`` (plus 8 MB):
    a MemoryError would end in "out of memory" and exit 1."""
    path = tmp_path / "big.graph.json"
    path.write_text(json.dumps(graph))
    done = subprocess.run([sys.executable, "-c", _VALIDATE_UNDER_A_LIMIT, str(path), str(factor)],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          timeout=300)
    assert done.returncode == code, done.stderr[-500:]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmSize from Linux's /proc")
def test_running_out_of_memory_is_one_line_naming_the_file(tmp_path):
    path = tmp_path / "title.graph.json"
    path.write_text(json.dumps({"graphstudio": 1, "title": "x" * (20 << 20), "nodes": []}))
    done = subprocess.run([sys.executable, "-c", _VALIDATE_UNDER_A_LIMIT, str(path), "0.5"],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          timeout=300)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"{path}: out of memory"]
