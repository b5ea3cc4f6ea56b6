"""A long run stays flat in memory; `--json` still has every step's entry and the optimizers' state."""
from __future__ import annotations

import json
import tracemalloc

import numpy as np

from graphstudio.cli import load_and_compile, main
from graphstudio.document import Document, Node, save
from graphstudio.program import history as history_module
from graphstudio.program.history import History
from graphstudio.program.runner import Runner
from tests.oracle import needs_torch, torch


def _adam_graph(tmp_path, steps=3):
    doc = Document(steps=steps, nodes=[
        Node(id="w", op="tensor", params={"data": [1.0, -2.0, 3.0], "requires_grad": True}),
        Node(id="sq", op="mul", inputs={"input": "w", "other": "w"}),
        Node(id="loss", op="sum", inputs={"input": "sq"}),
        Node(id="opt", op="adam", inputs={"loss": "loss"}, params={"lr": 0.1})])
    path = tmp_path / "adam.graph.json"
    save(doc, path)
    return path


def test_a_long_run_keeps_a_bounded_history():
    h = History()
    for n in range(1, 200_001):
        h.append({"step": n, "loss": {"opt": 1.0 / n}})
    kept = list(h)
    assert len(h) == 200_000 and not h.complete
    assert len(kept) == 2 * history_module.KEEP
    assert kept[0]["step"] == 1 and kept[-1]["step"] == 200_000
    assert len(h.curve) < history_module.CURVE_POINTS and h.curve[0]["step"] == 1
    assert [e["step"] for e in h.since(199_998)] == [199_999, 200_000]


def test_a_run_of_many_steps_stays_flat_in_memory(tmp_path):
    """8,000 more steps hold no more memory than the bounded history's swing (before: ~300 bytes a step)."""
    _, program = load_and_compile(str(_adam_graph(tmp_path)))
    runner = Runner(program)
    tracemalloc.start()
    try:
        runner.run(8_000)
        before = tracemalloc.get_traced_memory()[0]
        runner.run(8_000)
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(runner.history) == 16_000 and after - before < 1 << 20


@needs_torch
def test_json_streams_every_step_and_states_as_pytorch(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(history_module, "KEEP", 2)  # a history of 2 + 2 kept entries: --json still lists all
    path = _adam_graph(tmp_path)
    assert main(["--run", str(path), "--json", "--steps", "7"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["steps"] == 7 and [h["step"] for h in data["history"]] == list(range(1, 8))
    assert set(data["state"]) == {"opt"} and set(data["state"]["opt"]) == {"w"}
    state = data["state"]["opt"]["w"]
    w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.1)
    losses = []
    for _ in range(7):
        opt.zero_grad()
        loss = (w * w).sum()
        losses.append(loss.item())
        loss.backward()
        opt.step()
    want = opt.state_dict()["state"][0]
    assert state["step"] == int(want["step"])
    for key in ("exp_avg", "exp_avg_sq"):
        np.testing.assert_allclose(state[key], want[key].numpy(), rtol=1e-5)
    np.testing.assert_allclose([h["loss"]["opt"] for h in data["history"]], losses, rtol=1e-5)

