"""The command line as a user meets it: exit codes, one-line errors, JSON, and no Qt on the headless path."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def graphstudio(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "graphstudio", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=120)


def test_error_file_exits_with_its_code_and_one_line(error_example_path):
    raw = error_example_path.read_text()
    try:
        expect = json.loads(raw)["expect"]
    except json.JSONDecodeError:
        expect = {"exit": 2, "stderr_contains": error_example_path.name}
    result = graphstudio("--run", error_example_path)
    assert result.returncode == expect["exit"], result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert expect["stderr_contains"] in lines[0]
    assert error_example_path.name in lines[0]


def test_json_report_of_the_autograd_lesson(examples_dir):
    result = graphstudio("--run", examples_dir / "autograd_basics.json", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["graphstudio"] == 1 and data["device"] == "cpu" and data["steps"] == 1
    assert data["outputs"]["x"]["grad"] == [[4.5, 4.5], [4.5, 4.5]]
    assert data["outputs"]["out"]["value"] == 27.0
    assert data["outputs"]["out"]["grad_fn"] == "MeanBackward0"
    assert data["history"] == [{"step": 1, "loss": None}]


def test_table_report_names_every_output(examples_dir):
    result = graphstudio("--run", examples_dir / "autograd_basics.json")
    assert result.returncode == 0
    for key in ("x", "y", "yy", "z", "out"):
        assert any(line.split()[0] == key for line in result.stdout.splitlines() if line.strip())


def test_steps_and_seed_override(examples_dir):
    result = graphstudio("--run", examples_dir / "linear_regression_sgd.json", "--json", "--steps", "3")
    assert json.loads(result.stdout)["steps"] == 3


def test_cuda_without_a_gpu_fails_with_exit_1(examples_dir):
    from graphstudio.engine import cuda

    if cuda.is_available():
        pytest.skip("this machine has a CUDA device")
    result = graphstudio("--run", examples_dir / "autograd_basics.json", "--device", "cuda")
    assert result.returncode == 1
    assert "CUDA" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_validate_lists_every_problem(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"graphstudio": 1, "nodes": [
        {"id": "a", "op": "frobnicate"}, {"id": "b", "op": "relu", "inputs": {"input": "nope"}},
        {"id": "c", "op": "mm", "inputs": {"input": [[1.0, 2.0]], "mat2": [[1.0, 2.0]]}}]}))
    result = graphstudio("--validate", bad)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3
    assert "'a'" in lines[0] and "'b'" in lines[1] and "'c'" in lines[2]


def test_validate_a_good_file(examples_dir):
    assert graphstudio("--validate", examples_dir / "xor_mlp_adam.json").returncode == 0


def test_headless_run_imports_no_qt(examples_dir):
    code = (
        "import sys; from graphstudio.cli import main; "
        f"rc = main(['--run', r'{examples_dir / 'autograd_basics.json'}', '--json']); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')]; "
        "print('QT', bad, file=sys.stderr); sys.exit(1 if bad else rc)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr


def test_import_a_script_then_run_its_graph(tmp_path):
    """`--import` end to end: the script's graph file, which `--run --json` trains as the script did."""
    from tests.data import SCRIPTS_DIR
    from tests.oracle import torch

    graph = tmp_path / "linreg.json"
    made = graphstudio("--import", SCRIPTS_DIR / "linreg_sgd.py", "-o", graph)
    assert (made.returncode, made.stdout, made.stderr) == (0, "", "")
    ran = graphstudio("--run", graph, "--json")
    assert ran.returncode == 0, ran.stderr
    report = json.loads(ran.stdout)
    assert len(report["history"]) == 100 and report["outputs"]["w"]["grad"] is not None
    if torch is not None:  # PyTorch's answer for the same loop
        x = torch.arange(5.0).reshape(5, 1)
        y = torch.tensor([[1.0], [3.1], [4.9], [7.2], [8.8]])
        w, b = torch.zeros(1, 1, requires_grad=True), torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([w, b], lr=0.02)
        for _ in range(100):
            loss = torch.nn.functional.mse_loss(x @ w + b, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        assert report["outputs"]["w"]["value"][0] == pytest.approx(w.tolist()[0], rel=1e-4)
        assert report["history"][-1]["loss"]["optimizer"] == pytest.approx(loss.item(), rel=1e-4)


def test_import_stops_at_a_call_the_engine_lacks_in_one_line(tmp_path):
    script = tmp_path / "homework.py"
    script.write_text("import torch\n\nx = torch.linspace(0, 1, 5, requires_grad=True)\ny = torch.special.erfcx(x)\n"
                      "y.sum().backward()\n")
    result = graphstudio("--import", script, cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == ("homework.py:4: y = torch.special.erfcx(x): not supported by GraphStudio's engine "
                             "(AttributeError: module 'torch' has no attribute 'special')\n")
