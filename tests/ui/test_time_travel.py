"""Time travel in a real main window: Train, drag the slider back, and the whole canvas (wire panels,
the optimizer's state in the Chain rule dock) shows that step as a fresh run stopped there would;
the gradient-norm plot has every step; the memory cap thins the recording and the caption says so."""
from __future__ import annotations

import numpy as np

from graphstudio.document import load
from graphstudio.program.compiler import compile
from graphstudio.program.runner import Runner
from graphstudio.ui.mainwindow import lessons_dir

XOR = lessons_dir() / "24_xor_mlp_adam.json"


def _train(qtbot, window, live, steps: int) -> None:
    assert window.open_path(XOR, ask=False)
    live.train(steps)
    assert not live.steps_panel.slider.isEnabled()  # no scrubbing while the run goes on
    qtbot.waitUntil(lambda: not live.busy, timeout=30_000)


def _fresh(steps: int) -> Runner:
    runner = Runner(compile(load(XOR), str(XOR.parent)), trace=True)
    runner.run(steps)
    return runner


def _panel_numbers(live, target: str, port: str):
    panel = live.layer.panel_at(target, port)
    return np.array(panel.value), None if panel.grad is None else np.array(panel.grad)


def test_the_slider_shows_the_canvas_of_step_k_as_a_fresh_run_stopped_there(qtbot, window, live):
    _train(qtbot, window, live, 30)
    panel = live.steps_panel
    assert panel.slider.isEnabled() and list(panel.steps) == list(range(1, 31))
    with qtbot.waitSignal(live.shown, timeout=5_000):
        panel.choose(10)
    fresh = _fresh(10)
    for target, port, source in (("h", "weight", "w1"), ("logits", "input", "a"), ("loss", "input", "logits")):
        value, grad = _panel_numbers(live, target, port)
        np.testing.assert_array_equal(value, fresh.trace.values[source])
        edge = next(i for i, e in enumerate(fresh.edges) if (e.target, e.port) == (target, port))
        np.testing.assert_array_equal(grad, fresh.trace.edge_grads[edge][0])
    assert "Showing step 10 of 30" in panel.caption.text()
    assert live.loss_plot._marker.isVisible() and live.loss_plot._marker.value() == 10
    # the optimizer's memory at step 10, in the Chain rule dock
    window.scene.select_ids(["opt"])
    states, _updates, _betas = live.chain.state
    for leaf, state in fresh.optimizer_state_copies()["opt"].items():
        assert states[leaf]["step"] == 10
        np.testing.assert_array_equal(states[leaf]["exp_avg"], state["exp_avg"])
        np.testing.assert_array_equal(states[leaf]["exp_avg_sq"], state["exp_avg_sq"])
    # and back to the end: the run's own last step
    with qtbot.waitSignal(live.shown, timeout=5_000):
        panel.choose(0)
    value, _ = _panel_numbers(live, "h", "weight")
    np.testing.assert_array_equal(value, _fresh(30).trace.values["w1"])
    assert panel.caption.text().startswith("Step 30") and not live.loss_plot._marker.isVisible()


def test_the_gradient_norm_plot_has_every_step_of_every_parameter(qtbot, window, live):
    _train(qtbot, window, live, 25)
    runner = Runner(compile(load(XOR), str(XOR.parent)), trace=True)
    expected: dict[str, list[float]] = {}
    for _ in range(25):
        runner.step()
        for name in ("w1", "b1", "w2", "b2"):
            expected.setdefault(name, []).append(float(np.linalg.norm(runner.trace.grads[name].astype(np.float64))))
    panel = live.steps_panel
    panel.redraw()
    for name, norms in expected.items():
        np.testing.assert_allclose(panel.norm_series(name), norms, rtol=1e-5)
    assert set(panel.curves) == set(expected)


def test_past_the_memory_cap_checkpoints_thin_out_and_every_step_is_still_shown(qtbot, window, live):
    live.steps_panel.cap.setValue(1)  # 1 MB: about 500 checkpoints of the XOR lesson, 4,000 steps
    _train(qtbot, window, live, 6000)
    recording = live.latest.recording
    assert recording.cap == 1 << 20 and recording.nbytes <= recording.cap and recording.interval == 16
    assert live.steps_panel.steps == range(1, 6001)
    assert "a checkpoint every 16 steps (the memory cap was reached)" in live.steps_panel.caption.text()
    for k in (5999, 3001):  # 14 steps after a checkpoint, and one with its own
        assert live.show_step(k)
        np.testing.assert_array_equal(_panel_numbers(live, "logits", "weight")[0], _fresh(k).trace.values["w2"])


def test_recording_off_records_nothing_and_says_so(qtbot, window, live):
    live.steps_panel.cap.setValue(0)
    _train(qtbot, window, live, 5)
    assert live.steps_panel.steps == range(5, 6) and not live.show_step(3)
    assert "recording is off" in live.steps_panel.caption.text()
    assert live.steps_panel.norm_series("w1").size == 0


def test_a_drag_shows_only_where_the_slider_stops_each_turn(qtbot, window, live):
    _train(qtbot, window, live, 40)
    chosen: list[int] = []
    live.steps_panel.stepChosen.connect(chosen.append)
    for step in (30, 20, 10, 5):  # many moves within one event-loop turn, as a fast drag makes
        live.steps_panel.choose(step)
    with qtbot.waitSignal(live.shown, timeout=5_000):
        pass
    assert chosen == [5] and live.snapshot.step_count == 5


def test_norms_added_in_batches_thin_out_past_the_cap_as_one_by_one(monkeypatch):
    """A snapshot hands each parameter's norms over as one batch; past MAX_POINTS every other point goes,
    exactly as when they came one at a time (and a norm of 0 is a gap on the log axis)."""
    from graphstudio.ui.live import timetravel

    monkeypatch.setattr(timetravel, "MAX_POINTS", 512)
    steps = np.arange(1.0, 3001.0)
    norms = np.where(steps % 97 == 0, 0.0, steps / 7)
    xs: list[float] = []  # the reference: one point at a time, halved when a full 512-point buffer meets one more
    for x in steps:
        if len(xs) == 512:
            xs = xs[::2]
        xs.append(float(x))
    series = timetravel._Norms()
    bounds = np.cumsum([0, 1, 7, 300, 1000, 1692])  # uneven batches
    for a, b in zip(bounds[:-1], bounds[1:]):
        series.extend(list(steps[a:b]), list(norms[a:b]))
    got = series.x[:series.n]
    np.testing.assert_array_equal(got, xs)
    expected = np.where(np.asarray(xs) % 97 == 0, np.nan, np.asarray(xs) / 7)
    np.testing.assert_array_equal(series.y[:series.n], expected)
