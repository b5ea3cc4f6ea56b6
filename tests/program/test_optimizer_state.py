"""The optimizers' state in `graphstudio --run --json` equals PyTorch's `optimizer.state_dict()["state"]`.

Every optimizer lesson and a few generated graphs (momentum, Nesterov, AMSGrad, centered RMSprop) run
headless; the same graph, exported as a PyTorch script, runs under PyTorch from the same initial leaf
values. Each parameter's state (`momentum_buffer`; `step`, `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq`;
`square_avg`, `grad_avg`) must be PyTorch's, key for key.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from graphstudio.cli import main
from graphstudio.document import Document, Node, save
from graphstudio.engine.core.registry import optimizers

from tests.oracle import needs_torch, train_exported

ROOT = Path(__file__).resolve().parents[2]
OPTIMIZERS = optimizers()  # op name → torch.optim class (graphstudio.program has registered them)
LESSONS = [p for p in sorted((ROOT / "resources" / "examples").glob("*.json"))
           if any(f'"op": "{name}"' in p.read_text(encoding="utf-8") for name in OPTIMIZERS)]


def _generated(tmp_path, optimizer: str, params: dict, steps: int = 6) -> Path:
    doc = Document(steps=steps, nodes=[
        Node(id="w", op="tensor", params={"data": [[1.0, -2.0], [0.5, 3.0]], "requires_grad": True}),
        Node(id="b", op="tensor", params={"data": [0.1, -0.3], "requires_grad": True}),
        Node(id="x", op="tensor", params={"data": [[0.2, 1.0], [-1.5, 0.7], [2.0, -0.4]]}),
        Node(id="h", op="linear", inputs={"input": "x", "weight": "w", "bias": "b"}),
        Node(id="sq", op="mul", inputs={"input": "h", "other": "h"}),
        Node(id="loss", op="mean", inputs={"input": "sq"}),
        Node(id="opt", op=optimizer, inputs={"loss": "loss"}, params=params)])
    path = tmp_path / f"{optimizer}.graph.json"
    save(doc, path)
    return path


GENERATED = {
    "sgd momentum": ("sgd", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
    "sgd nesterov": ("sgd", {"lr": 0.1, "momentum": 0.8, "nesterov": True}),
    "adam amsgrad": ("adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.01}),
    "rmsprop": ("rmsprop", {"lr": 0.01}),
    "rmsprop centered momentum": ("rmsprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
}


def _headless_state(path: Path, capsys) -> dict:
    assert main(["--run", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)["state"]


def _assert_same_state(ours: dict, theirs: dict) -> None:
    assert set(ours) == set(theirs)
    for opt_id in theirs:
        assert set(ours[opt_id]) == set(theirs[opt_id]), opt_id
        for leaf, state in theirs[opt_id].items():
            assert set(ours[opt_id][leaf]) == set(state), (opt_id, leaf)
            for key, want in state.items():
                got = ours[opt_id][leaf][key]
                if key == "step":
                    assert got == want, (opt_id, leaf)
                else:
                    np.testing.assert_allclose(np.asarray(got), want, rtol=2e-4, atol=1e-6,
                                               err_msg=f"{opt_id} {leaf} {key}")


@needs_torch
@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_optimizer_lessons_state_is_pytorchs(path, capsys):
    _assert_same_state(_headless_state(path, capsys), train_exported(path).state)


@needs_torch
@pytest.mark.parametrize("case", GENERATED)
def test_generated_optimizer_states_are_pytorchs(case, tmp_path, capsys):
    path = _generated(tmp_path, *GENERATED[case])
    ours = _headless_state(path, capsys)
    _assert_same_state(ours, train_exported(path).state)
    assert set(ours["opt"]) == {"w", "b"}


def test_the_lessons_include_each_optimizer():
    used = {name for p in LESSONS for name in OPTIMIZERS if f'"op": "{name}"' in p.read_text(encoding="utf-8")}
    assert {"sgd", "adam"} <= used and len(LESSONS) >= 5
