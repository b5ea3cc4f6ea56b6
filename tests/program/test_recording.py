"""Time travel: every step recorded (values, gradients, optimizer state) equals a fresh run stopped
there; the memory cap thins the recording instead of ending it; gradient norms for every step."""
from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from graphstudio.document import load
from graphstudio.program.compiler import compile
from graphstudio.program.recording import Recording
from graphstudio.program.runner import Runner
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


def _assert_frame_is_the_run(frame, fresh: Runner) -> None:
    trace = fresh.trace
    assert frame.trace.values.keys() == trace.values.keys()
    for key, value in trace.values.items():
        np.testing.assert_array_equal(frame.trace.values[key], value, err_msg=key)
    assert frame.trace.edge_grads.keys() == trace.edge_grads.keys()
    for edge, parts in trace.edge_grads.items():
        for mine, theirs in zip(frame.trace.edge_grads[edge], parts, strict=True):
            np.testing.assert_array_equal(mine, theirs)
    for key, grad in trace.grads.items():
        if grad is None:
            assert frame.trace.grads[key] is None, key
        else:
            np.testing.assert_array_equal(frame.trace.grads[key], grad, err_msg=key)
    assert frame.trace.losses == trace.losses
    assert frame.trace.backward_order == trace.backward_order
    for key, value in fresh.trainable_leaves().items():
        np.testing.assert_array_equal(frame.leaves[key], value, err_msg=key)
    states = fresh.optimizer_state_copies()
    assert frame.states.keys() == states.keys()
    for opt, per_leaf in states.items():
        for leaf, state in per_leaf.items():
            for name, value in state.items():
                np.testing.assert_array_equal(frame.states[opt][leaf][name], value, err_msg=f"{leaf}.{name}")


@pytest.mark.parametrize("path", [XOR, MOONS], ids=["xor", "moons"])
def test_step_k_of_a_recording_is_a_fresh_run_stopped_at_step_k(path):
    program = _program(path)
    runner = Runner(program, record_cap=64 << 20)  # untraced, as Train runs between refreshes
    runner.run(12)
    recording = runner.recording
    assert [f.step for f in recording.frames()] == list(range(1, 13))
    for k in (1, 5, 12):
        _assert_frame_is_the_run(recording.frame(k), _fresh(program, k))


def test_recording_changes_no_result_of_the_run():
    program = _program(XOR)
    plain, recorded = Runner(program), Runner(program, record_cap=64 << 20)
    plain.run(30)
    recorded.run(30)
    for key, t in plain.outputs().items():
        np.testing.assert_array_equal(t.host(), recorded.outputs()[key].host())


def test_past_the_cap_every_other_frame_goes_and_the_whole_run_stays_spanned():
    program = _program(XOR)
    probe = Runner(program, record_cap=64 << 20)
    probe.run(1)
    frame = probe.recording.frames()[0].nbytes
    runner = Runner(program, record_cap=10 * frame)
    runner.run(100)
    recording = runner.recording
    steps = [f.step for f in recording.frames()]
    assert recording.nbytes <= recording.cap
    assert recording.stride == 16  # 100 steps in at most 10 frames: every 16th (1, 17, …, 97)
    assert steps == list(range(1, 101, 16))
    _assert_frame_is_the_run(recording.frame(97), _fresh(program, 97))
    assert recording.frame(98) is None


def test_a_frame_bigger_than_the_cap_is_not_kept_and_cap_zero_records_no_frame():
    program = _program(XOR)
    tiny, off = Runner(program, record_cap=100), Runner(program, record_cap=0)
    tiny.run(3)
    off.run(3)
    assert tiny.recording.frames() == [] and tiny.recording.largest > 100
    assert off.recording.frames() == [] and not off.recording.wants(1)
    assert len(off.recording.norms) == 3  # the gradient norms are kept whatever the cap


@needs_torch
def test_gradient_norms_of_every_step_equal_pytorchs():
    program = _program(XOR)
    runner = Runner(program, record_cap=0)
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


def test_the_bytes_a_recording_counts_are_the_memory_its_frames_hold():
    program = _program(XOR)
    norms_only, _ = _memory_held(program, 0, 400)
    everything, counted = _memory_held(program, 64 << 20, 400)
    frames = everything - norms_only
    assert 0.8 * frames <= counted <= 1.25 * frames, (counted, frames)
