"""Every reference graph in shared/examples runs and matches PyTorch's answers in its `expect` block."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from graphstudio.document import load
from graphstudio.engine.compiler import compile
from graphstudio.engine.runner import Runner
from graphstudio.report import report


def run_file(path):
    doc = load(path)
    runner = Runner(compile(doc, base_dir=os.path.dirname(str(path))))
    runner.run()
    return report(runner)


def _close(got, want, rtol, atol, where):
    if want is None:
        assert got is None, f"{where}: expected null, got {got}"
        return
    assert got is not None, f"{where}: expected {want}, got null"
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), rtol=rtol, atol=atol,
                               err_msg=where)


def test_reference_graph_matches_pytorch(example_path):
    expect = json.loads(example_path.read_text())["expect"]
    rtol, atol = expect.get("rtol", 1e-5), expect.get("atol", 1e-6)
    got = run_file(example_path)
    for key, want in expect["outputs"].items():
        assert key in got["outputs"], f"missing output {key}"
        out = got["outputs"][key]
        for field in ("shape", "dtype", "requires_grad", "is_leaf", "grad_fn"):
            if field in want:
                assert out[field] == want[field], f"{key}.{field}: {out[field]!r} != {want[field]!r}"
        _close(out["value"], want["value"], rtol, atol, f"{key}.value")
        _close(out["grad"], want["grad"], rtol, atol, f"{key}.grad")
    assert len(got["history"]) == len(expect["history"])
    for mine, theirs in zip(got["history"], expect["history"]):
        assert mine["step"] == theirs["step"]
        if theirs["loss"] is None:
            assert mine["loss"] is None
        else:
            for name, value in theirs["loss"].items():
                _close(mine["loss"][name], value, rtol, atol, f"history step {mine['step']} loss {name}")
