"""Code export: each graph's PyTorch script reproduces what the runner computed.

The script runs under real PyTorch (when installed) and, with only the import changed,
under graphstudio.engine; every node output must match the runner's within 1e-4.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

from graphstudio.document import load
import graphstudio.engine as gs
from graphstudio.program.compiler import compile
from graphstudio.program.export_code import export
from graphstudio.program.runner import Runner
from tests.data import EXAMPLES_DIR

from tests.oracle import needs_torch
from tests.program.exported import (assert_same_report, pytorch_report, random_leaves, runner_report,
                                     with_runner_draws)

ROOT = Path(__file__).resolve().parents[2]
GRAPHS = sorted(EXAMPLES_DIR.glob("*.json")) + sorted((ROOT / "resources" / "examples").glob("*.json"))


def _program(path):
    return compile(load(path), base_dir=os.path.dirname(path))


def _values(namespace, runner):
    """Each node output's value in the script's namespace, keyed as the runner keys them."""
    out = {}
    for key in runner.outputs():
        node, _, name = key.partition(":")
        var = namespace.get(node, namespace.get(node + "_"))
        if var is None and name:
            var = namespace.get(f"{node}_{name}")
            name = ""
        if name:
            var = var[int(name)] if name.isdigit() else getattr(var, name)
        out[key] = var
    return out


@pytest.mark.parametrize("path", GRAPHS, ids=[p.stem for p in GRAPHS])
def test_exported_script_runs_under_graphstudio_and_matches_the_runner(path):
    program = _program(path)
    runner = Runner(program)
    runner.run()
    script = export(program)
    ns = {}
    exec(compile_source(script), ns)  # noqa: S102 - our own generated code, in a test
    for key, value in _values(ns, runner).items():
        np.testing.assert_allclose(value.detach().numpy(), runner.outputs()[key].host(), rtol=1e-5, atol=1e-6,
                                   err_msg=key)


@needs_torch
@pytest.mark.parametrize("path", GRAPHS, ids=[p.stem for p in GRAPHS])
def test_exported_script_prints_under_pytorch_the_report_of_the_runner(path):
    """Every lesson and reference graph: values, grads, shapes, dtypes, flags, grad_fn and loss history.
    A random leaf's numbers are the one exception (NumPy's generator, not PyTorch's): the script gets the
    runner's draws and must agree on everything computed from them; as exported, on all but values and losses."""
    program = _program(path)
    ours = runner_report(program)
    script = export(program, report=True)
    drawn = random_leaves(program)
    if drawn:
        assert_same_report(pytorch_report(script), ours, only_meta=frozenset(ours["outputs"]))
        script = with_runner_draws(script, program)
    assert_same_report(pytorch_report(script), ours)


def compile_source(script: str):
    if "import torch as torch" not in script:
        script = re.sub(r"^import torch$", "import graphstudio.engine as torch", script, flags=re.M)
    return __builtins__["compile"](script, "<export>", "exec") if isinstance(__builtins__, dict) else \
        __builtins__.compile(script, "<export>", "exec")


def test_cli_prints_the_script(capsys):
    from graphstudio.cli import main

    assert main(["--export-code", str(EXAMPLES_DIR / "autograd_basics.json")]) == 0
    out = capsys.readouterr().out
    assert "x = torch.ones([2, 2], requires_grad=True)" in out and "out.backward()" in out
    assert gs is not None


def test_op_reference_is_up_to_date():
    """docs/ops.md is generated from the registry; regenerate it with python -m graphstudio.program.docs."""
    from graphstudio.program.docs import reference

    assert (ROOT / "docs" / "ops.md").read_text(encoding="utf-8") == reference()


def _script_report(doc: dict) -> dict:
    """What the exported script prints (`report=True`) when it runs under PyTorch."""
    import contextlib
    import io
    import json

    from graphstudio.document import loads

    script = export(compile(loads(json.dumps(doc))), report=True).replace("import torch\n", "import torch as torch\n")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile_source(script), {})  # noqa: S102 - our own generated code, in a test
    return json.loads(out.getvalue())


def _runner_report(doc: dict) -> dict:
    import json

    from graphstudio.document import loads
    from graphstudio.program.report import report

    runner = Runner(compile(loads(json.dumps(doc))))
    runner.run()
    return json.loads(json.dumps(report(runner)))


RETAIN_GRAD_EVERYWHERE = {"graphstudio": 1, "steps": 1, "nodes": [
    {"id": "x", "op": "tensor", "params": {"data": [[1.0, -2.0], [3.0, 0.5]], "requires_grad": True}},
    {"id": "c", "op": "tensor", "params": {"data": [1.0, 2.0]}},
    {"id": "k", "op": "exp", "inputs": {"input": "c"}, "params": {"retain_grad": True}},
    {"id": "s", "op": "split", "inputs": {"tensor": "x"}, "params": {"split_size_or_sections": [1, 1],
                                                                        "retain_grad": True}},
    {"id": "m", "op": "mul", "inputs": {"input": "s:0", "other": "s:1"}},
    {"id": "out", "op": "sum", "inputs": {"input": "m"}},
    {"id": "bw", "op": "backward", "inputs": {"tensor": "out"}},
]}


@needs_torch
def test_exported_retain_grad_skips_outputs_without_grad_and_covers_every_piece():
    """The runner keeps .grad of each output that requires grad; the script must do the same under PyTorch
    (it called retain_grad() on a tensor without grad, which PyTorch refuses, and on split's tuple)."""
    ours, theirs = _runner_report(RETAIN_GRAD_EVERYWHERE), _script_report(RETAIN_GRAD_EVERYWHERE)
    assert theirs["outputs"]["s:0"]["grad"] == ours["outputs"]["s:0"]["grad"] == [[3.0, 0.5]]
    assert theirs["outputs"]["k"]["grad"] is ours["outputs"]["k"]["grad"] is None
    assert theirs["outputs"].keys() == ours["outputs"].keys()


@needs_torch
def test_exported_report_has_the_loss_history_of_every_step():
    doc = {"graphstudio": 1, "steps": 3, "nodes": [
        {"id": "w", "op": "tensor", "params": {"data": [0.5, -1.5], "requires_grad": True}},
        {"id": "loss", "op": "sum", "inputs": {"input": "w"}},
        {"id": "opt", "op": "sgd", "inputs": {"loss": "loss"}, "params": {"lr": 0.25, "momentum": 0.5}},
    ]}
    ours, theirs = _runner_report(doc), _script_report(doc)
    assert theirs["history"] == ours["history"] == [{"step": 1, "loss": {"opt": -1.0}},
                                                    {"step": 2, "loss": {"opt": -1.5}},
                                                    {"step": 3, "loss": {"opt": -2.25}}]


@needs_torch
def test_a_graph_file_squeezes_several_dims_as_pytorch():
    """torch.squeeze takes a tuple of dims; a graph file's `dim` takes a list (it was refused)."""
    doc = {"graphstudio": 1, "nodes": [
        {"id": "x", "op": "ones", "params": {"shape": [3, 1, 4, 1], "requires_grad": True}},
        {"id": "q", "op": "squeeze", "inputs": {"input": "x"}, "params": {"dim": [1, -1]}},
    ]}
    ours, theirs = _runner_report(doc), _script_report(doc)
    assert ours["outputs"]["q"] == theirs["outputs"]["q"]
    assert theirs["outputs"]["q"]["shape"] == [3, 4] and theirs["outputs"]["q"]["grad_fn"] == "SqueezeBackward2"


@needs_torch
def test_an_exported_reduction_keeps_dim_none_before_keepdim():
    """`torch.sum(x, keepdim=True)` is no PyTorch call; `torch.sum(x, dim=None, keepdim=True)` is."""
    doc = {"graphstudio": 1, "nodes": [
        {"id": "x", "op": "tensor", "params": {"data": [[1.0, 2.0], [3.0, 4.5]], "requires_grad": True}},
        {"id": "s", "op": "sum", "inputs": {"input": "x"}, "params": {"dim": None, "keepdim": True}},
    ]}
    assert "torch.sum(x, dim=None, keepdim=True)" in export(compile(loads_doc(doc)))
    assert _script_report(doc)["outputs"]["s"] == _runner_report(doc)["outputs"]["s"]


@needs_torch
@pytest.mark.parametrize("params", [{"device": "cpu"}, {"dtype": "float64"}, {}])
def test_an_exported_to_leaves_out_what_is_not_given(params):
    """`x.to(device='cpu')` with no dtype was written `dtype=torch.None`, which is no Python."""
    doc = {"graphstudio": 1, "nodes": [
        {"id": "x", "op": "tensor", "params": {"data": [1.0, 2.5], "requires_grad": True}},
        {"id": "y", "op": "to", "inputs": {"input": "x"}, "params": params},
    ]}
    assert _script_report(doc)["outputs"]["y"] == _runner_report(doc)["outputs"]["y"]


def loads_doc(doc: dict):
    import json

    from graphstudio.document import loads

    return loads(json.dumps(doc))


@needs_torch
@pytest.mark.parametrize("padding", ["same", "valid"])
def test_a_graph_file_pads_a_convolution_by_name_as_pytorch(padding):
    """conv2d's padding takes "same" and "valid" in a file too (the op's own samples were refused)."""
    weight = [[[[1.0, 0.5], [0.0, -1.0]]]]
    doc = {"graphstudio": 1, "nodes": [
        {"id": "x", "op": "tensor", "params": {"data": [[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.5]]]],
                                               "requires_grad": True}},
        {"id": "y", "op": "conv2d", "inputs": {"input": "x", "weight": weight}, "params": {"padding": padding}},
        {"id": "loss", "op": "sum", "inputs": {"input": "y"}},
        {"id": "bw", "op": "backward", "inputs": {"tensor": "loss"}},
    ]}
    ours, theirs = _runner_report(doc), _script_report(doc)
    assert ours["outputs"] == theirs["outputs"]


@needs_torch
@pytest.mark.parametrize("bounds", [{"min": "lo"}, {"max": "lo"}, {"min": "lo", "max": "hi"}])
def test_an_exported_clamp_leaves_out_a_tensor_bound_not_given(bounds):
    """`torch.clamp(x, min=lo, max=)` with no max tensor is no Python."""
    doc = {"graphstudio": 1, "nodes": [
        {"id": "x", "op": "tensor", "params": {"data": [[3.0, -4.0], [-1.0, 5.0]], "requires_grad": True}},
        {"id": "lo", "op": "tensor", "params": {"data": [0.0, -2.0]}},
        {"id": "hi", "op": "tensor", "params": {"data": [1.0, 4.0]}},
        {"id": "c", "op": "clamp_tensor", "inputs": {"input": "x", **bounds}},
    ]}
    assert _script_report(doc)["outputs"]["c"] == _runner_report(doc)["outputs"]["c"]
