"""Inputs that ask for too much memory end in one line naming the file, before anything large is made."""
from __future__ import annotations

import io
import json
import tracemalloc

import pytest

from graphstudio.cli import load_and_compile, main
from graphstudio.program.report import write_json
from graphstudio.program.runner import Runner


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
