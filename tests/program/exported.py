"""Running an exported script under PyTorch and comparing what it prints with the runner's report.

The one thing an exported script cannot reproduce is a random draw: the runner draws with NumPy's
PCG64 from the file's seed, the script with PyTorch's generator. `with_runner_draws` hands the script
the runner's draws (each random leaf's line becomes a `torch.tensor` of the runner's values), so
everything computed from them is still compared; the draws' own shape, dtype and flags are compared
on the script as exported.
"""
from __future__ import annotations

import contextlib
import io
import json
import re

from graphstudio.program.compiler import Program
from graphstudio.program.export_code import python_name
from graphstudio.program.report import report
from graphstudio.program.runner import Runner
from tests.program.expectations import assert_matches_expect

RANDOM_LEAVES = {"rand", "randn", "randint", "normal", "randperm", "bernoulli"}
RTOL, ATOL = 1e-4, 1e-5


def runner_report(program: Program, steps: int | None = None) -> dict:
    """`graphstudio --run --json`'s object for the program."""
    runner = Runner(program)
    runner.run(steps)
    return json.loads(json.dumps(report(runner)))


def random_leaves(program: Program) -> list[str]:
    return [s.id for s in program.steps if s.kind == "leaf" and s.op.name in RANDOM_LEAVES]


def with_runner_draws(script: str, program: Program) -> str:
    """The script with each random leaf made from the values the runner draws (before any step) instead."""
    drawn = Runner(program).leaves
    for node_id in random_leaves(program):
        t = drawn[node_id]
        var = python_name(node_id)
        flag = ", requires_grad=True" if t.requires_grad else ""
        line = f"{var} = torch.tensor({t.host().tolist()!r}, dtype=torch.{t.dtype.name}{flag})"
        script, n = re.subn(rf"^{re.escape(var)} = torch\.\w+\(.*\)$", lambda _: line, script, count=1, flags=re.M)
        assert n == 1, f"no line draws {var}"
    return script


def pytorch_report(script: str) -> dict:
    """What a script exported with `report=True` prints when it runs under real PyTorch."""
    import torch

    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(script, "<export>", "exec"), namespace)  # noqa: S102 - our own generated code, in a test
    assert namespace["torch"] is torch
    return json.loads(out.getvalue())


def assert_same_report(got: dict, want: dict, only_meta: frozenset[str] | None = None) -> None:
    """Every output (values, grads, shapes, dtypes, flags, grad_fn) and every step's losses; with
    `only_meta` (the outputs computed from random draws): all but their values and grads, and no losses."""
    assert set(got["outputs"]) == set(want["outputs"])
    meta = ("shape", "dtype", "requires_grad", "is_leaf", "grad_fn")
    outputs = {k: ({f: v[f] for f in meta} | {"value": got["outputs"][k]["value"], "grad": got["outputs"][k]["grad"]}
                   if k in (only_meta or ()) else v) for k, v in want["outputs"].items()}
    history = want["history"] if only_meta is None else [{**h, "loss": None} for h in got["history"]]
    if only_meta is not None:
        got = {**got, "history": history}
    assert_matches_expect(got, {"outputs": outputs, "history": history, "rtol": RTOL, "atol": ATOL})
