"""PyTorch, the oracle every number is compared with.

Tests import ``torch`` and ``needs_torch`` from here. Without PyTorch a comparison skips with
``NO_TORCH`` as its reason — on a student's machine. With ``CI`` set in the environment such a skip is
a failure (see ``tests/conftest.py``): CI never goes green without its oracle.
"""
from __future__ import annotations

from typing import NamedTuple

import pytest

try:
    import torch
except ImportError:
    torch = None

NO_TORCH = "PyTorch is not installed (pip install torch==2.13.0; CI fails without it)"
needs_torch = pytest.mark.skipif(torch is None, reason=NO_TORCH)


class Trained(NamedTuple):
    """A graph trained under PyTorch: each leaf before the last step and after it, and each optimizer's
    ``state_dict()["state"]`` (optimizer id → leaf id → PyTorch's name → array, ``step`` an int)."""
    before: dict
    after: dict
    state: dict


def train_exported(path, steps: int | None = None) -> Trained:
    """The graph at ``path`` exported as a PyTorch script and run under PyTorch from the runner's
    initial leaf values (a random leaf draws other numbers in PyTorch), for ``steps`` steps (the
    file's when None): the script's training loop runs ``steps - 1`` times, then once more."""
    import re

    from graphstudio.cli import load_and_compile
    from graphstudio.engine.core.registry import optimizers
    from graphstudio.program.export_code import export, variable_names
    from graphstudio.program.runner import Runner

    _, program = load_and_compile(str(path))
    initial = {k: t.host().copy() for k, t in Runner(program).leaves.items()}
    names = variable_names(program)
    script = export(program)
    split = re.search(r"^\w+ = torch\.optim\.", script, flags=re.M).start()
    loop = re.search(r"^for step in range\((\d+)\):", script, flags=re.M)
    steps = int(loop.group(1)) if steps is None else steps
    ns: dict = {}
    exec(compile(script[:split], "<export>", "exec"), ns)  # noqa: S102 - our own generated code, in a test
    assert ns["torch"] is torch
    for leaf, value in initial.items():
        ns[names[leaf]] = torch.tensor(value, requires_grad=ns[names[leaf]].requires_grad)
    exec(compile(script[split:loop.start()], "<export>", "exec"), ns)  # noqa: S102 - the optimizers
    body = script[loop.start():]
    leaves = lambda: {leaf: ns[names[leaf]].detach().numpy().copy() for leaf in initial}  # noqa: E731
    exec(compile(body.replace(loop.group(0), f"for step in range({steps - 1}):", 1), "<export>", "exec"), ns)  # noqa: S102
    before = leaves()
    exec(compile(body.replace(loop.group(0), "for step in range(1):", 1), "<export>", "exec"), ns)  # noqa: S102
    by_tensor = {id(ns[names[leaf]]): leaf for leaf in initial}
    state = {}
    for sink in program.sinks:
        if sink.op.name in optimizers():
            opt = ns[names[sink.id]]
            params = [p for group in opt.param_groups for p in group["params"]]
            state[sink.id] = {by_tensor[id(params[i])]: {k: int(v) if k == "step" else v.numpy() for k, v in s.items()}
                              for i, s in opt.state_dict()["state"].items()}
    return Trained(before, leaves(), state)
