"""Script import: a teaching script becomes a graph whose report is what the script computes under PyTorch,
and a lesson exported as a script comes back as a graph with the lesson's report.

Each script in tests/data/scripts is imported (run on the engine in a child process), the graph
is run by the headless runner, and the script is run again under real PyTorch: every node tied
to a variable of the script has that variable's final value, gradient, grad_fn, dtype and
shape, and the loss history is the losses the script's backward() calls saw.
"""
from __future__ import annotations

import contextlib
import io
import json
import runpy
from pathlib import Path

import numpy as np
import pytest

from graphstudio.document import load, loads
from graphstudio.program.compiler import compile
from graphstudio.program.export_code import export
from graphstudio.program.runner import Runner
from graphstudio.program.script_import import ScriptImportError, import_script
from graphstudio.program.report import report
from tests.data import EXAMPLES_DIR, SCRIPTS_DIR
from tests.oracle import needs_torch, torch
from tests.program.exported import assert_same_report, runner_report, with_runner_draws

SCRIPTS = sorted(SCRIPTS_DIR.glob("*.py"))


def graph_report(graph: dict) -> dict:
    runner = Runner(compile(loads(json.dumps(graph))))
    runner.run()
    return report(runner)


def run_under_torch(path: Path, monkeypatch) -> tuple[dict, list[float]]:
    """The script's final variables and the value of every tensor it called backward() on."""
    losses: list[float] = []
    backward = torch.Tensor.backward

    def recording_backward(self, *args, **kwargs):
        losses.append(self.detach().sum().item())
        return backward(self, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "backward", recording_backward)
    monkeypatch.chdir(path.parent)
    torch.manual_seed(0)
    with contextlib.redirect_stdout(io.StringIO()):
        namespace = runpy.run_path(str(path), run_name="__main__")
    return namespace, losses


def resolve(namespace: dict, expr: str):
    head, *rest = expr.split(".")
    value = namespace.get(head)
    for attr in rest:
        value = None if value is None else getattr(value, attr, None)
    return value


def close(a, b) -> bool:
    return a is None and b is None or a is not None and b is not None and \
        np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-4, atol=1e-5)


@needs_torch
@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_imported_script_reports_what_pytorch_computes(path, monkeypatch):
    graph = import_script(str(path))
    ours = graph_report(graph)
    namespace, losses = run_under_torch(path, monkeypatch)
    compared = 0
    for node_id, expr in graph["script"]["names"].items():
        t = resolve(namespace, expr)
        if not isinstance(t, torch.Tensor):
            continue  # a variable of a function (forward's `h`), gone when the script ends
        rec = ours["outputs"][node_id]
        grad = t.grad if t.is_leaf or t.retains_grad else None
        reset = t.is_leaf and t.requires_grad and (grad is None or not grad.any())
        if reset and "zeroes `.grad` before each backward" in graph["notes"]:
            grad = torch.tensor(rec["grad"])  # the script zeroed it after its last update; the notes say so
        assert rec["shape"] == list(t.shape), node_id
        assert rec["dtype"] == str(t.dtype).rpartition(".")[2], node_id
        assert close(rec["value"], t.detach().tolist()), (node_id, rec["value"], t.tolist())
        assert close(rec["grad"], None if grad is None else grad.tolist()), (node_id, rec["grad"], grad)
        assert rec["requires_grad"] == t.requires_grad and rec["is_leaf"] == t.is_leaf, node_id
        assert rec["grad_fn"] == (None if t.grad_fn is None else t.grad_fn.name()), node_id
        compared += 1
    assert compared >= 2, f"only {compared} nodes tied to the script's variables"
    history = [h["loss"] for h in ours["history"]]
    if history[0] is not None:  # trained: one loss per step, the one each step's backward() saw
        assert len(history) == len(losses)
        assert close([next(iter(h.values())) for h in history], losses)


def test_every_node_keeps_its_script_line():
    graph = import_script(str(SCRIPTS_DIR / "linreg_sgd.py"))
    lines = graph["script"]["lines"]
    source = (SCRIPTS_DIR / "linreg_sgd.py").read_text().splitlines()
    assert set(lines) == {n["id"] for n in graph["nodes"]}
    assert source[lines["w"] - 1].startswith("w = ")
    assert source[lines["optimizer"] - 1].startswith("optimizer = torch.optim.SGD(")
    assert "mse_loss" in source[lines["loss"] - 1]


def test_manual_update_loop_becomes_sgd():
    graph = import_script(str(SCRIPTS_DIR / "linreg_manual.py"))
    assert graph["steps"] == 100
    sinks = [n for n in graph["nodes"] if n["op"] == "sgd"]
    assert len(sinks) == 1 and sinks[0]["params"] == {"lr": 0.02}


def test_optimizer_hyperparameters_are_kept():
    graph = import_script(str(SCRIPTS_DIR / "linreg_momentum.py"))
    opt = next(n for n in graph["nodes"] if n["op"] == "sgd")
    assert opt["params"] == {"lr": 0.1, "momentum": 0.9} and graph["steps"] == 30


def test_backward_with_gradient_and_retain_graph():
    vj = import_script(str(SCRIPTS_DIR / "vector_jacobian.py"))
    bw = next(n for n in vj["nodes"] if n["op"] == "backward")
    assert bw["inputs"] == {"tensor": "y", "gradient": "v"}
    rg = import_script(str(SCRIPTS_DIR / "retain_graph.py"))
    sinks = [n for n in rg["nodes"] if n["op"] == "backward"]
    assert [s.get("params", {}).get("retain_graph", False) for s in sinks] == [True, False]


def _script(tmp_path, text: str) -> str:
    path = tmp_path / "student.py"
    path.write_text(text)
    return str(path)


def test_unsupported_call_names_file_line_and_call(tmp_path):
    path = _script(tmp_path, "import torch\nx = torch.ones(3)\ny = torch.special.erfcx(x)\n")
    with pytest.raises(ScriptImportError) as e:
        import_script(path)
    assert str(e.value).startswith("student.py:3: y = torch.special.erfcx(x): ")
    assert "\n" not in str(e.value)


def test_unknown_torch_module_is_refused_by_name(tmp_path):
    path = _script(tmp_path, "import torch\nimport torch.fft\n")
    with pytest.raises(ScriptImportError, match=r"^student.py:2: import torch.fft: .*torch.fft"):
        import_script(path)


def test_script_runs_in_its_folder_with_a_time_limit(tmp_path):
    (tmp_path / "data.txt").write_text("2.5")
    path = _script(tmp_path, "import torch\nx = torch.tensor(float(open('data.txt').read()), requires_grad=True)\n"
                             "y = x * x\ny.backward()\n")
    graph = import_script(path)
    assert graph["nodes"][0]["params"]["data"] == 2.5
    slow = _script(tmp_path, "while True:\n    pass\n")
    with pytest.raises(ScriptImportError, match="still running after 2 s"):
        import_script(slow, timeout=2)


def test_syntax_error_names_its_line(tmp_path):
    path = _script(tmp_path, "import torch\nx = (1,\n")
    with pytest.raises(ScriptImportError, match=r"^student.py:2: SyntaxError: '\(' was never closed$"):
        import_script(path)


def test_script_error_is_one_line(tmp_path):
    path = _script(tmp_path, "import torch\na = torch.ones(2, 3)\nb = torch.ones(4, 5)\nc = a @ b\n")
    with pytest.raises(ScriptImportError, match=r"^student.py:4: c = a @ b: RuntimeError: "):
        import_script(path)


def test_cli_writes_the_graph(tmp_path, capsys):
    from graphstudio.cli import main

    out = tmp_path / "g.json"
    assert main(["--import", str(SCRIPTS_DIR / "autograd_basics.py"), "-o", str(out)]) == 0
    graph = json.loads(out.read_text())
    assert [n["op"] for n in graph["nodes"]] == ["tensor", "add", "mul", "mul", "mean", "backward"]
    bad = _script(tmp_path, "import torch\nraise ValueError('no')\n")
    assert main(["--import", bad]) == 1
    assert capsys.readouterr().err == "student.py:2: raise ValueError('no'): ValueError: no\n"


ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "resources" / "examples").glob("*.json")) + sorted(EXAMPLES_DIR.glob("*.json"))


def _as_script_names(rep: dict, program) -> dict:
    """The report with a dataset node's outputs under the script's variables (`data:x` is `data_x`)."""
    outputs = dict(rep["outputs"])
    for step in program.steps:
        if step.kind == "data":
            for i, name in enumerate(step.outputs):
                outputs[f"{step.id}_{name}"] = outputs.pop(step.output_key(i))
    return {**rep, "outputs": outputs}


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_importing_an_exported_lesson_gives_the_same_report(path, tmp_path):
    """Random leaves are drawn by the runner (see tests/program/exported.py); a shuffled data set gives
    the script other batches at every iteration, which the import holds at the first one (its notes say
    so): such a lesson is compared over its first step."""
    program = compile(load(path), base_dir=str(path.parent))
    script = tmp_path / "lesson.py"
    script.write_text(with_runner_draws(export(program), program))
    graph = import_script(str(script))
    shuffled = [s.id for s in program.steps if s.kind == "data" and s.params["shuffle"]]
    assert ("change at every iteration" in graph["notes"]) == bool(shuffled)
    steps = 1 if shuffled else None
    original = runner_report(program, steps)
    imported = runner_report(compile(loads(json.dumps(graph))), steps)
    assert_same_report(imported, _as_script_names(original, program))


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_an_imported_script_exported_and_imported_again_is_the_same_graph(path, tmp_path):
    first = import_script(str(path))
    again = tmp_path / "again.py"
    again.write_text(export(compile(loads(json.dumps(first)))))
    second = import_script(str(again))
    assert sorted(n["id"] for n in first["nodes"]) == sorted(n["id"] for n in second["nodes"])
    a, b = graph_report(first), graph_report(second)
    for key, rec in a["outputs"].items():
        assert close(rec["value"], b["outputs"][key]["value"]) and close(rec["grad"], b["outputs"][key]["grad"]), key
    assert [h["loss"] for h in a["history"]] == [h["loss"] for h in b["history"]]


def test_a_loop_stays_one_loop_once_python_specialises_its_instructions():
    """d2l's softmax from scratch indexes `y_hat[range(n), y]` in a 50-epoch loop: after a few epochs
    Python specialises the subscript and the frame's offset moves into its inline cache; the import
    took that for other ops and refused the loop. Its `sgd` divides lr by the batch size."""
    graph = import_script(str(SCRIPTS_DIR / "d2l_softmax_scratch.py"))
    assert graph["steps"] == 50
    index = next(n for n in graph["nodes"] if n["op"] == "index")
    assert index["params"]["index"] == [[0, 1, 2, 3], [0, 1, 2, 0]]
    assert next(n for n in graph["nodes"] if n["op"] == "sgd")["params"] == {"lr": 0.025}


def test_a_reassigned_variable_names_only_the_node_it_holds_at_the_end():
    graph = import_script(str(SCRIPTS_DIR / "d2l_autograd.py"))
    holders = [node_id for node_id, expr in graph["script"]["names"].items() if expr == "y"]
    assert holders == ["y_3"] and graph["script"]["lines"]["y_3"] == 24
