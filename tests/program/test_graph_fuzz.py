"""Whole random graphs, run by the runner and by real PyTorch, must report the same results.

Each graph from `graphfuzz.graphs()` runs in-process with the runner, and as its exported
script (`--export-code`, with the report it prints) under PyTorch. Every output is compared:
shape, dtype, value, grad, requires_grad, is_leaf, grad_fn; and the loss history.
float64 agrees to 1e-10 relative, float32 to float32's precision.

CI runs a few hundred examples. The long profile runs by hand:
    GRAPHSTUDIO_FUZZ_EXAMPLES=10000 python -m pytest -q tests/program/test_graph_fuzz.py
(seed fixed by GRAPHSTUDIO_FUZZ_SEED, 0 unless set).
"""
from __future__ import annotations

import contextlib
import io
import json
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, seed, settings

from graphstudio.document import loads
from graphstudio.program.compiler import compile
from graphstudio.program.export_code import export
from graphstudio.program.report import report
from graphstudio.program.runner import RunError, Runner
from tests.program.graphfuzz import graphs
from tests.oracle import needs_torch, torch

EXAMPLES = int(os.environ.get("GRAPHSTUDIO_FUZZ_EXAMPLES", "300"))
SEED = int(os.environ.get("GRAPHSTUDIO_FUZZ_SEED", "0"))
TOLERANCE = {"float64": (1e-10, 1e-12), "float32": (2e-4, 2e-5)}


def run_runner(doc: dict) -> dict | str:
    """The runner's JSON report, or the error it stopped with."""
    runner = Runner(compile(loads(json.dumps(doc))))
    try:
        runner.run()
    except RunError as e:
        return f"error: {e}"
    return json.loads(json.dumps(report(runner)))


def run_torch(doc: dict) -> dict | str:
    """What the exported script prints when run under PyTorch, or the error it stopped with."""
    script = export(compile(loads(json.dumps(doc))), report=True)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(__builtins__["compile"](script, "<export>", "exec") if isinstance(__builtins__, dict)  # noqa: S102
                 else __builtins__.compile(script, "<export>", "exec"), {})
    except Exception as e:  # noqa: BLE001 - PyTorch refusing the graph is a result to compare
        return f"error: {type(e).__name__}: {e}"
    return json.loads(out.getvalue())


def _close(ours, theirs, dtype: str, where: str) -> None:
    a, b = np.asarray(ours, dtype=object), np.asarray(theirs, dtype=object)
    assert a.shape == b.shape, f"{where}: shape {a.shape} vs PyTorch's {b.shape}"
    if dtype in TOLERANCE:
        rtol, atol = TOLERANCE[dtype]
        np.testing.assert_allclose(np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64),
                                   rtol=rtol, atol=atol, equal_nan=True, err_msg=where)
    else:
        assert ours == theirs, f"{where}: {ours} vs PyTorch's {theirs}"


def compare(ours: dict | str, theirs: dict | str) -> None:
    """Every output and the loss history as PyTorch has them.

    Values of a graph that computes in float32 anywhere agree to float32's precision only, float64 ones
    included (a float64 copy of a float32 result differs in the last float32 bit)."""
    if isinstance(ours, str) or isinstance(theirs, str):
        assert isinstance(ours, str) and isinstance(theirs, str), f"runner: {str(ours)[:300]}\nPyTorch: {theirs}"
        return
    assert ours["outputs"].keys() == theirs["outputs"].keys()
    precision = "float32" if any(o["dtype"] == "float32" for o in ours["outputs"].values()) else "float64"
    for key, mine in ours["outputs"].items():
        torch_out = theirs["outputs"][key]
        for field in ("shape", "dtype", "requires_grad", "is_leaf", "grad_fn"):
            assert mine[field] == torch_out[field], f"{key}.{field}: {mine[field]} vs PyTorch's {torch_out[field]}"
        dtype = precision if mine["dtype"] in TOLERANCE else mine["dtype"]
        _close(_numbers(mine["value"]), torch_out["value"], dtype, f"{key}.value")
        assert (mine["grad"] is None) == (torch_out["grad"] is None), \
            f"{key}.grad: {mine['grad']} vs PyTorch's {torch_out['grad']}"
        if mine["grad"] is not None:
            _close(_numbers(mine["grad"]), torch_out["grad"], dtype, f"{key}.grad")
    assert len(ours["history"]) == len(theirs["history"])
    for step, (mine, torch_step) in enumerate(zip(ours["history"], theirs["history"])):
        assert (mine["loss"] is None) == (torch_step["loss"] is None), f"history step {step + 1}"
        for name, loss in (mine["loss"] or {}).items():
            _close(loss, torch_step["loss"][name], precision, f"history step {step + 1} loss {name}")


def _numbers(x):
    """The report's JSON-safe strings for non-finite floats, back as floats."""
    if isinstance(x, list):
        return [_numbers(v) for v in x]
    return float(x) if x in ("nan", "inf", "-inf") else x


def check(doc: dict) -> None:
    compare(run_runner(doc), run_torch(doc))


@needs_torch
@pytest.mark.filterwarnings("ignore::UserWarning")  # PyTorch's and our broadcasting warnings for losses
@seed(SEED)
@settings(max_examples=EXAMPLES, deadline=None, derandomize=False, database=None,
          suppress_health_check=list(HealthCheck))
@given(graphs())
def test_random_graphs_match_pytorch(doc):
    check(doc)

