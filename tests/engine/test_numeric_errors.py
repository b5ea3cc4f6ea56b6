"""Arithmetic edge cases behave as in PyTorch: nan/inf silently for floats (no NumPy warnings
on stderr), and whole-number division or remainder by zero raises RuntimeError."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import graphstudio.engine as gs
from graphstudio.cli import main
from tests.oracle import needs_torch, torch

ROOT = Path(__file__).resolve().parents[2]
EDGES = [
    {"id": "x", "op": "tensor", "params": {"data": [-1.0, 0.0, 1e30]}},
    {"id": "l", "op": "log", "inputs": {"input": "x"}},
    {"id": "d", "op": "div", "inputs": {"input": "x", "other": 0.0}},
    {"id": "e", "op": "exp", "inputs": {"input": "x"}},
    {"id": "m", "op": "mul", "inputs": {"input": "x", "other": "x"}},
]


def _graphstudio(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graphstudio", *args], capture_output=True, text=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)


def test_numpy_warnings_never_reach_stderr(tmp_path):
    path = tmp_path / "edges.json"
    path.write_text(json.dumps({"graphstudio": 1, "nodes": EDGES}))
    done = _graphstudio("--run", str(path))
    assert (done.returncode, done.stderr) == (0, "")
    done = _graphstudio("--run", str(path), "--detect-anomaly")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"{path}: node 'l' (log): produced non-finite values (nan or inf) "
                                        "with anomaly detection on: 1 nan and 1 inf of 3, from input = x [-1, 0, 1e+30]"]


def test_the_python_api_is_quiet_but_a_users_own_numpy_still_warns():
    code = ("import graphstudio.engine as torch\n"
            "x = torch.tensor([-1.0, 0.0, 1e30], requires_grad=True)\n"
            "(x.log() + x / 0 + x.exp() + x * x).sum().backward()\n"
            "import numpy\n"
            "numpy.log(numpy.array([-1.0]))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 0
    assert [line for line in done.stderr.splitlines() if "Warning" in line] == [
        "<string>:5: RuntimeWarning: invalid value encountered in log"]


CALLS = {
    "floor_divide": lambda t, a, b: t.floor_divide(a, b),
    "remainder": lambda t, a, b: t.remainder(a, b),
    "fmod": lambda t, a, b: t.fmod(a, b),
    "//": lambda t, a, b: a // b,
    "%": lambda t, a, b: a % b,
    "div trunc": lambda t, a, b: t.div(a, b, rounding_mode="trunc"),
    "div floor": lambda t, a, b: t.div(a, b, rounding_mode="floor"),
}


def _outcome(fn):
    try:
        return repr(fn().tolist())  # a repr, so nan equals nan
    except Exception as e:  # noqa: BLE001 - the outcome compared is the exception itself
        return type(e).__name__, str(e)


@needs_torch
@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("divisor", [[3, 0], 0, [0.0, 2.0], 0.0, [-2, 3]], ids=str)
def test_division_by_zero_is_pytorchs(call, divisor):
    fn = CALLS[call]

    def run(t):
        b = t.tensor(divisor) if isinstance(divisor, list) else divisor
        return _outcome(lambda: fn(t, t.tensor([7, -7]), b))

    assert run(gs) == run(torch)


def test_the_runner_fails_one_line_on_whole_division_by_zero(tmp_path, capsys):
    nodes = [{"id": "a", "op": "tensor", "params": {"data": [7, 8]}},
             {"id": "b", "op": "tensor", "params": {"data": [2, 0]}},
             {"id": "q", "op": "remainder", "inputs": {"input": "a", "other": "b"}}]
    path = tmp_path / "g.json"
    path.write_text(json.dumps({"graphstudio": 1, "nodes": nodes}))
    assert main(["--run", str(path)]) == 1
    assert capsys.readouterr().err.splitlines() == [f"{path}: node 'q' (remainder): ZeroDivisionError"]


@needs_torch
def test_relu_keeps_nan_and_negative_zero_and_passes_the_gradient_of_nan_as_pytorch():
    values = [float("nan"), -1.0, 2.0, -0.0, 0.0]
    x, tx = gs.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    y, ty = gs.relu(x), torch.relu(tx)
    y.backward(gs.ones(5))
    ty.backward(torch.ones(5))
    assert str(y.detach().numpy().tolist()) == str(ty.detach().numpy().tolist())
    assert np.signbit(y.detach().numpy()).tolist() == torch.signbit(ty).tolist()
    assert x.grad.tolist() == tx.grad.tolist()
