"""Time travel: every recorded step, replayed from its checkpoint (values, gradients, optimizer state),
equals a fresh run stopped there; the memory cap thins the recording instead of ending it; gradient
norms for every step."""
from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from graphstudio.document import Document, load
from graphstudio.program.compiler import compile
from graphstudio.program.recording import Recording
from graphstudio.program.runner import Runner, replay
from tests.oracle import needs_torch, torch

LESSONS = Path(__file__).resolve().parents[2] / "resources" / "examples"
XOR = LESSONS / "24_xor_mlp_adam.json"
MOONS = LESSONS / "25_moons_classifier.json"  # shuffled batches: each step sees other data


def _program(path: Path):
    return compile(load(path), str(path.parent))


def _fresh(program, steps: int) -> Runner:
    runner = Runner(program, trace=True)
    runner.run(steps)
    return runner


def _assert_replay_is_the_run(replayed: Runner, fresh: Runner) -> None:
    mine, trace = replayed.trace, fresh.trace
    assert mine.values.keys() == trace.values.keys()
    for key, value in trace.values.items():
        np.testing.assert_array_equal(mine.values[key], value, err_msg=key)
    assert mine.edge_grads.keys() == trace.edge_grads.keys()
    for edge, parts in trace.edge_grads.items():
        for a, b in zip(mine.edge_grads[edge], parts, strict=True):
            np.testing.assert_array_equal(a, b)
    for key, grad in trace.grads.items():
        if grad is None:
            assert mine.grads[key] is None, key
        else:
            np.testing.assert_array_equal(mine.grads[key], grad, err_msg=key)
    assert mine.losses == trace.losses and mine.backward_order == trace.backward_order
    for key, value in fresh.trainable_leaves().items():
        np.testing.assert_array_equal(replayed.trainable_leaves()[key], value, err_msg=key)
    states, replayed_states = fresh.optimizer_state_copies(), replayed.optimizer_state_copies()
    assert replayed_states.keys() == states.keys()
    for opt, per_leaf in states.items():
        assert list(replayed_states[opt]) == list(per_leaf)
        for leaf, state in per_leaf.items():
            assert list(replayed_states[opt][leaf]) == list(state)  # PyTorch's order: step first
            for name, value in state.items():
                np.testing.assert_array_equal(replayed_states[opt][leaf][name], value, err_msg=f"{leaf}.{name}")


@pytest.mark.parametrize("path", [XOR, MOONS], ids=["xor", "moons"])
def test_step_k_of_a_recording_is_a_fresh_run_stopped_at_step_k(path):
    program = _program(path)
    runner = Runner(program, record_cap=64 << 20)  # untraced, as Train runs between refreshes
    runner.run(12)
    recording = runner.recording
    assert recording.steps() == [1, 9]  # a checkpoint every 8 steps; the steps between replay from it
    for k in (12, 1, 5, 9):  # in any order: each replay starts from a checkpoint
        _assert_replay_is_the_run(replay(recording, k), _fresh(program, k))


def test_recording_changes_no_result_of_the_run():
    program = _program(XOR)
    plain, recorded = Runner(program), Runner(program, record_cap=64 << 20)
    plain.run(30)
    recorded.run(30)
    for key, t in plain.outputs().items():
        np.testing.assert_array_equal(t.host(), recorded.outputs()[key].host())


def test_past_the_cap_the_interval_doubles_and_every_step_stays_reachable():
    program = _program(XOR)
    probe = Runner(program, record_cap=64 << 20)
    probe.run(10)
    one = probe.recording.checkpoint_before(9).nbytes  # with the optimizer's state
    runner = Runner(program, record_cap=10 * one)
    runner.run(100)
    recording = runner.recording
    assert recording.nbytes <= recording.cap
    assert recording.interval == 16  # 100 steps in at most 10 checkpoints: every 16th (1, 17, …, 97)
    assert recording.steps() == list(range(1, 101, 16))
    for k in (100, 50, 97):
        _assert_replay_is_the_run(replay(recording, k), _fresh(program, k))


def test_a_checkpoint_bigger_than_the_cap_is_not_kept_and_cap_zero_keeps_none():
    program = _program(XOR)
    tiny, off = Runner(program, record_cap=100), Runner(program, record_cap=0)
    tiny.run(3)
    off.run(3)
    assert tiny.recording.steps() == [] and tiny.recording.largest > 100
    assert len(tiny.recording.norms) == 3  # the gradient norms are kept whatever the cap
    assert off.recording is None  # 0: no recording at all, the run pays nothing
    off.set_record_cap(64 << 20)  # switched on during a run: from the next step
    off.run(2)
    assert off.recording.steps() == [4] and replay(off.recording, 3) is None
    _assert_replay_is_the_run(replay(off.recording, 5), _fresh(program, 5))


@needs_torch
def test_gradient_norms_of_every_step_equal_pytorchs():
    program = _program(XOR)
    runner = Runner(program, record_cap=1)  # no checkpoint fits: the norms only
    runner.run(5)
    fresh = Runner(program)
    leaves = {k: torch.tensor(t.host(), requires_grad=True) for k, t in fresh.leaves.items() if t.requires_grad}
    x, y = (torch.tensor(fresh.leaves[k].host()) for k in ("x", "y"))
    opt = torch.optim.Adam(list(leaves.values()), **{k: (tuple(v) if k == "betas" else v)
                                                      for k, v in program.step("opt").params.items()})
    for entry in runner.recording.norms:
        opt.zero_grad()
        h = torch.relu(torch.nn.functional.linear(x, leaves["w1"], leaves["b1"]))
        loss = torch.nn.functional.cross_entropy(torch.nn.functional.linear(h, leaves["w2"], leaves["b2"]), y)
        loss.backward()
        for name, t in leaves.items():
            assert entry["grad_norm"][name] == pytest.approx(float(t.grad.norm()), rel=1e-4, abs=1e-7), (entry["step"], name)
        opt.step()


def _memory_held(program, cap: int, steps: int) -> tuple[int, Recording]:
    """What a recording of ``steps`` steps holds, measured: traced memory before and after it goes."""
    runner = Runner(program, record_cap=cap)
    runner.run(2)  # the optimizer's state exists, buffers are warm
    gc.collect()
    tracemalloc.start()
    try:
        recording = runner.recording = Recording(cap)
        runner.run(steps)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
        runner.recording = None
        counted = recording.nbytes
        del recording
        gc.collect()
        return held - tracemalloc.get_traced_memory()[0], counted
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("drawn", [False, True], ids=["generator unused", "generator drawn"])
def test_the_bytes_a_recording_counts_are_the_memory_its_checkpoints_hold(drawn):
    """Counted within a fifth of what tracemalloc sees, also once the random generator has drawn (each
    checkpoint then keeps its state)."""
    if drawn:
        import graphstudio.engine as gs
        gs.rand(1)
    program = _program(XOR)
    norms_only, _ = _memory_held(program, 1, 2000)
    everything, counted = _memory_held(program, 64 << 20, 2000)
    checkpoints = everything - norms_only
    assert 0.8 * checkpoints <= counted <= 1.25 * checkpoints, (counted, checkpoints)


def _snapshot(runner: Runner) -> dict:
    trace = runner.trace
    return {"values": {k: v.copy() for k, v in trace.values.items()},
            "edges": {i: [g.copy() for g in parts] for i, parts in trace.edge_grads.items()},
            "grads": {k: None if g is None else g.copy() for k, g in trace.grads.items()},
            "losses": dict(trace.losses), "leaves": runner.trainable_leaves(),
            "states": runner.optimizer_state_copies()}


def _assert_same(replayed: Runner, truth: dict) -> None:
    got = _snapshot(replayed)
    for part in ("values", "grads", "leaves"):
        assert got[part].keys() == truth[part].keys()
        for k, v in truth[part].items():
            if v is None:
                assert got[part][k] is None
            else:
                np.testing.assert_array_equal(got[part][k], v, err_msg=f"{part} {k}")
    assert got["edges"].keys() == truth["edges"].keys() and got["losses"] == truth["losses"]
    for i, parts in truth["edges"].items():
        for a, b in zip(got["edges"][i], parts, strict=True):
            np.testing.assert_array_equal(a, b)
    for opt, per_leaf in truth["states"].items():
        for leaf, state in per_leaf.items():
            for name, v in state.items():
                np.testing.assert_array_equal(got["states"][opt][leaf][name], v)


def test_presses_and_learning_rate_changes_get_their_own_checkpoint_and_replay_as_they_ran():
    """Forward pressed twice before a Step (the second batch is the step's), a Backward from a chosen
    output, a learning rate changed mid-run: replayed from checkpoints, each step is what ran."""
    program = _program(MOONS)  # shuffled batches: a forward run twice draws another batch
    runner = Runner(program, trace=True, record_cap=64 << 20)
    truth = {}

    def plain(n: int) -> None:
        for _ in range(n):
            runner.step()
            truth[len(runner.history)] = _snapshot(runner)

    plain(3)
    runner.forward()
    runner.forward()
    runner.step()  # its forward is the third for step 4
    truth[4] = _snapshot(runner)
    plain(2)
    runner.set_lr("opt", 0.5)
    plain(4)
    runner.forward()
    runner.backward()  # Forward, then Backward, pressed
    truth[11] = _snapshot(runner)
    plain(3)
    recording = runner.recording
    assert recording.steps() == [1, 4, 7, 9, 11]  # 4: pressed; 7: new lr; 9: every 8th; 11: pressed
    for k in sorted(truth, reverse=True):
        _assert_same(replay(recording, k), truth[k])


def test_backward_from_a_chosen_output_replays_with_the_gradients_it_accumulated():
    """A graph with no backward node: the editor's Backward runs out.backward() each press, and x.grad
    grows step after step (nothing zeroes it); a replay starts from the .grad its checkpoint kept."""
    doc = load(LESSONS / "03_autograd_basics.json")
    program = compile(Document(nodes=[n for n in doc.nodes if n.op != "backward"]))  # out = mean(3 (x + 2)²)
    runner = Runner(program, trace=True, record_cap=64 << 20)
    truth = {}
    for _ in range(11):
        runner.forward()
        runner.backward("out")
        truth[len(runner.history)] = _snapshot(runner)
    np.testing.assert_array_equal(truth[11]["grads"]["x"], np.full((2, 2), 11 * 4.5, np.float32))
    for k in (11, 3, 1):
        _assert_same(replay(runner.recording, k), truth[k])
