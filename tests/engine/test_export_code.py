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

import graphstudio.engine as gs
from graphstudio.document import load
from graphstudio.engine.compiler import compile
from graphstudio.engine.export_code import export
from graphstudio.engine.runner import Runner
from tests.data import EXAMPLES_DIR

from tests.oracle import needs_torch, torch

ROOT = Path(__file__).resolve().parents[2]
GRAPHS = sorted(EXAMPLES_DIR.glob("*.json")) + sorted((ROOT / "resources" / "examples").glob("*.json"))
RANDOM_OPS = {"rand", "randn", "randint", "dropout", "bernoulli", "dataset"}


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
def test_exported_script_runs_under_pytorch_with_the_same_results(path):
    program = _program(path)
    if any(s.op.name in RANDOM_OPS for s in program.steps):
        pytest.skip("random leaves: PyTorch's generator draws other numbers than NumPy's")
    runner = Runner(program)
    runner.run()
    ns = {}
    exec(compile_source(export(program).replace("import torch", "import torch as torch")), ns)
    assert ns["torch"] is torch
    for key, value in _values(ns, runner).items():
        np.testing.assert_allclose(value.detach().numpy(), runner.outputs()[key].host(), rtol=1e-4, atol=1e-5,
                                   err_msg=key)


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
    """docs/ops.md is generated from the registry; regenerate it with python -m graphstudio.engine.docs."""
    from graphstudio.engine.docs import reference

    assert (ROOT / "docs" / "ops.md").read_text(encoding="utf-8") == reference()
