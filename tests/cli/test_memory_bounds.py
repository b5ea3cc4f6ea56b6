"""Inputs that ask for too much memory end in one line naming the file, before anything large is made."""
from __future__ import annotations

import json

import pytest

from graphstudio.cli import main


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
