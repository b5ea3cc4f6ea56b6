"""Whatever a file holds, a failure is one short line: huge integers are sizes for the memory
check (never an OverflowError), and what a message echoes of the file is cut (problems.clip)."""
from __future__ import annotations

import json

import pytest

from graphstudio.cli import main
from graphstudio.document.problems import MAX_LINE, clip, one_line
from graphstudio.engine.core.registry import REGISTRY

HUGE = 10**3000
SIZED = [(name, {"shape": [2, HUGE]}) for name, op in REGISTRY.items()
         if op.kind == "leaf" and any(p.name == "shape" for p in op.params)]
SIZED += [("eye", {"n": HUGE}), ("arange", {"end": HUGE}), ("linspace", {"steps": HUGE}), ("randperm", {"n": HUGE})]


def _write(tmp_path, nodes, name="g.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"graphstudio": 1, "nodes": nodes}))
    return path


def _lines(capsys):
    return capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("op,params", SIZED, ids=[op for op, _ in SIZED])
@pytest.mark.parametrize("mode", ["--run", "--validate"])
def test_a_huge_size_gets_the_memory_message(tmp_path, capsys, op, params, mode):
    extra = {"fill_value": 1.0} if op == "full" else {"high": 3} if op == "randint" else {}
    path = _write(tmp_path, [{"id": "x", "op": op, "params": params | extra}])
    assert main([mode, str(path)]) == 2
    (line,) = _lines(capsys)
    assert "would need about 10^" in line and "over the memory limit" in line and len(line) < MAX_LINE


def test_clip_keeps_the_start_and_the_end():
    assert clip("short") == "short"
    cut = clip("a" * 100 + "z", 20)
    assert len(cut) == 20 and cut.startswith("a" * 9) and cut.endswith("aaz") and "…" in cut
    assert len(one_line("x\n" * 10**6)) == MAX_LINE


def test_a_10_mb_op_name_is_not_echoed_whole(tmp_path, capsys):
    path = _write(tmp_path, [{"id": "x", "op": "q" * 10_000_000}])
    for mode in ("--run", "--validate"):
        assert main([mode, str(path)]) == 2
        (line,) = _lines(capsys)
        assert "unknown op 'qqq" in line and len(line) <= len(str(path)) + 2 + MAX_LINE


def test_a_10000_node_cycle_gives_short_lines(tmp_path, capsys):
    n = 10_000
    nodes = [{"id": f"n{i}", "op": "relu", "inputs": {"input": f"n{(i + 1) % n}"}} for i in range(n)]
    path = _write(tmp_path, nodes)
    assert main(["--run", str(path)]) == 2
    (line,) = _lines(capsys)
    assert "cycle of 10000 nodes: n0 → n1 → " in line and line.endswith("→ n0 (and 9999 more problems)")
    assert len(line) < 300
    assert main(["--validate", str(path)]) == 2
    lines = _lines(capsys)
    assert len(lines) == n and max(map(len, lines)) < 300
