"""The live parts one at a time: panels, toolbar, worker, animation plans, viewer, loss plot,
apply, screenshot. Offscreen (tests/ui/conftest.py)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from graphstudio.document import load
from graphstudio.ui.live import panels
from graphstudio.ui.live.animation import backward_waves, depths, forward_waves
from graphstudio.ui.live.apply import data_list
from graphstudio.ui.live.lossplot import LossPlot
from graphstudio.ui.live.panels import WirePanel, picture
from graphstudio.ui.live.toolbar import LiveToolbar
from graphstudio.ui.live.viewer import ArrayModel, TensorViewer, stats
from graphstudio.ui.live.worker import Worker
from graphstudio.ui.mainwindow import lessons_dir

LESSONS = lessons_dir()


# -- panels ------------------------------------------------------------------------------------------

def test_a_picture_is_chosen_by_rank():
    assert picture(np.float32(27.0)).kind == "scalar"
    assert picture(np.float32(27.0)).text == "27.0"
    vec = picture(np.arange(5, dtype=np.float32) - 2)
    assert vec.kind == "vector" and len(vec.bars) == 5 and len(vec.neg_bars) == 2
    assert len(picture(np.random.default_rng(0).normal(size=1000)).bars) == panels.MAX_BARS
    mat = picture(np.arange(12, dtype=np.float32).reshape(3, 4))
    assert mat.kind == "matrix" and (mat.image.width(), mat.image.height()) == (4, 3)
    assert (mat.lo, mat.hi) == (0.0, 11.0) and mat.caption == "[3, 4] float32"
    cube = picture(np.zeros((2, 3, 4, 5)), slice_index=10)  # wraps: 10 % 6 = 4 = (1, 1)
    assert cube.kind == "matrix" and cube.slices == 6 and cube.slice_text == "[1, 1, :, :]"
    assert picture(np.zeros((0, 3))).kind == "empty"


def test_a_huge_matrix_is_sampled_before_colouring():
    image, lo, hi = panels.heatmap(np.ones((5000, 3000), np.float32))
    assert image.width() <= panels.MAX_HEAT_CELLS and image.height() <= panels.MAX_HEAT_CELLS


def test_nan_and_inf_are_highlighted():
    a = np.array([[1.0, np.nan], [np.inf, -2.0]], np.float32)
    pic = picture(a)
    assert pic.bad == 2
    rgb = panels.to_rgb(a, pic.lo, pic.hi, panels.lut("viridis"))
    assert tuple(rgb[0, 1]) == panels.NAN_RGB and tuple(rgb[1, 0]) == panels.INF_RGB
    panel = WirePanel(("t", "input", None), "x → t.input")
    panel.set_value(a)
    assert panel.has_bad
    panel.set_value(np.float32(np.nan))
    assert panel.value_text() == "nan" and panel.has_bad


def test_gradients_are_coloured_about_zero():
    _, lo, hi = panels.heatmap(np.array([[0.5, 2.0]]), diverging=True)
    assert (lo, hi) == (-2.0, 2.0)


def test_a_panel_collapses_and_steps_through_slices(qapp):
    panel = WirePanel(("t", "input", None), "x → t.input")
    assert not panel.isVisible()
    cube = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    panel.set_value(cube)
    panel.set_grad(np.ones_like(cube))
    assert panel.isVisible()
    tall = panel.boundingRect().height()
    panel.toggle()
    assert panel.collapsed and panel.boundingRect().height() < tall
    panel.toggle()
    panel.step_slice(1)
    assert panel.slice_index == 1 and panel._value_pic.slice_text == "[1, :, :]"
    assert panel.grad_text() == "1.0"


def test_panels_paint_without_error(qapp):
    image = QImage(300, 300, QImage.Format.Format_ARGB32)
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QGraphicsScene
    scene = QGraphicsScene()
    for i, value in enumerate([np.float32(3), np.arange(7.0) - 3, np.eye(3), np.ones((2, 2, 2)),
                               np.array([np.nan, 1.0]), np.zeros(0)]):
        panel = WirePanel(("t", str(i), None), "w")
        panel.set_value(value)
        panel.set_grad(np.asarray(value) * 2)
        panel.setPos(100 * (i % 3), 120 * (i // 3) + 100)
        scene.addItem(panel)
    painter = QPainter(image)
    scene.render(painter)
    painter.end()


# -- toolbar ------------------------------------------------------------------------------------------

def test_the_device_selector_lists_cpu_and_disables_cuda_without_a_gpu(qtbot, monkeypatch):
    import graphstudio.engine.core.backend as backend
    monkeypatch.setattr(backend, "cuda_device_count", lambda: 0)
    bar = LiveToolbar()
    qtbot.addWidget(bar)
    combo = bar.device
    assert [combo.itemText(i) for i in range(combo.count())] == ["CPU", "CUDA"]
    assert bar.device_enabled(0) and not bar.device_enabled(1)
    tip = combo.itemData(1, Qt.ItemDataRole.ToolTipRole)
    assert "CUDA is unavailable" in tip and ("CuPy" in tip)
    assert bar.current_device() == "cpu"
    assert not bar.select_device("cuda") and bar.current_device() == "cpu"


def test_the_device_selector_on_this_machine(qtbot):
    from graphstudio.engine.core.backend import cuda_device_count
    bar = LiveToolbar()
    qtbot.addWidget(bar)
    assert bar.device.itemText(0) == "CPU" and bar.device_enabled(0)
    if cuda_device_count() == 0:
        assert bar.device.itemText(1) == "CUDA" and not bar.device_enabled(1)
    else:
        assert bar.device.itemText(1) == "CUDA:0" and bar.device_enabled(1)


def test_with_gpus_each_device_is_listed(qtbot):
    bar = LiveToolbar()
    qtbot.addWidget(bar)
    bar.populate_devices(2)
    assert [bar.device.itemData(i) for i in range(bar.device.count())] == ["cpu", "cuda:0", "cuda:1"]
    with qtbot.waitSignal(bar.deviceChanged) as blocker:
        assert bar.select_device("cuda:1")
    assert blocker.args == ["cuda:1"]


def test_the_toolbar_asks_and_disables_while_busy(qtbot):
    bar = LiveToolbar()
    qtbot.addWidget(bar)
    bar.steps.setValue(25)
    with qtbot.waitSignal(bar.trainRequested) as blocker:
        bar.train.trigger()
    assert blocker.args == [25]
    bar.set_busy(True)
    assert not bar.forward.isEnabled() and bar.stop.isEnabled()
    bar.set_optimizers({"a": 0.1, "b": 0.01})
    assert bar.optimizer.count() == 3 and bar.lr.text() == "0.1"
    bar.optimizer.setCurrentIndex(2)
    assert bar.lr.text() == "0.01"
    bar.lr.setText("0.2")
    with qtbot.waitSignal(bar.lrChanged) as blocker:
        bar.lr.editingFinished.emit()
    assert blocker.args == [0.2, "b"]


# -- worker (driven directly, in this thread) -------------------------------------------------------------

def run_worker(worker: Worker, *commands) -> tuple[list, list]:
    snaps, errors = [], []
    worker.snapshot.connect(snaps.append)
    worker.failed.connect(lambda serial, *a: errors.append(a))
    for serial, (command, arg) in enumerate(commands, 1):
        worker.execute(serial, command, arg)
    return snaps, errors


def test_the_worker_sends_host_copies():
    doc = load(LESSONS / "03_autograd_basics.json")
    worker = Worker()
    snaps, errors = run_worker(worker, ("load", (doc, None, "cpu")), ("forward", None), ("backward", None))
    assert not errors
    assert [s.kind for s in snaps] == ["forward", "backward"]
    fwd, bwd = snaps
    assert fwd.trace is not bwd.trace and not fwd.trace.edge_grads  # the forward snapshot is not mutated later
    assert float(fwd.trace.values["out"]) == 27.0
    np.testing.assert_array_equal(bwd.trace.grads["x"], np.full((2, 2), 4.5))
    assert bwd.meta["yy"].grad_fn == "MulBackward0" and bwd.meta["x"].is_leaf
    bwd.leaves["x"][:] = 0  # a copy: the runner's leaf is untouched
    assert float(worker.runner.leaves["x"].array.sum()) == 4.0


def test_backward_alone_runs_the_forward_it_needs():
    doc = load(LESSONS / "03_autograd_basics.json")
    snaps, errors = run_worker(Worker(), ("load", (doc, None, "cpu")), ("backward", None), ("backward", None))
    assert not errors and [s.kind for s in snaps] == ["forward", "backward", "forward", "backward"]


def test_train_coalesces_snapshots_and_traces_only_those():
    doc = load(LESSONS / "24_xor_mlp_adam.json")
    worker = Worker(max_rate=20)
    t0 = time.perf_counter()
    snaps, errors = run_worker(worker, ("load", (doc, None, "cpu")), ("train", 600))
    elapsed = time.perf_counter() - t0
    assert not errors
    assert len(snaps) <= elapsed * 20 + 2
    assert sum(len(s.new_history) for s in snaps) == 600  # every step reaches the plot once
    assert snaps[-1].step_count == 600 and snaps[-1].trace is not None
    assert snaps[-1].new_history[-1]["step"] == 600


def test_the_engine_waits_for_the_window_to_show_a_train_snapshot(monkeypatch, qapp):
    import threading

    from graphstudio.ui.live import worker as worker_module

    monkeypatch.setattr(worker_module, "MAX_WAIT_S", 30.0)  # the bound, far away: only shown() can end the wait
    courtesy = worker_module.Courtesy()
    courtesy.sending()
    courtesy.wait_shown()  # no window acknowledges snapshots: the engine does not wait
    assert courtesy.waited == 0.0
    courtesy.acknowledged = True
    courtesy.sending()
    engine = threading.Thread(target=courtesy.wait_shown)
    engine.start()
    engine.join(0.2)
    assert engine.is_alive()  # still waiting for the window
    courtesy.shown()
    engine.join(5.0)
    assert not engine.is_alive() and courtesy.waited < 5.0


def test_compile_problems_and_bad_devices_are_reported_not_raised(examples_dir):
    bad = load(examples_dir / "errors" / "mm_shape_mismatch.json")
    snaps, errors = run_worker(Worker(), ("load", (bad, None, "cpu")), ("forward", None))
    assert not snaps and len(errors) == 1 and errors[0][0] == "load" and errors[0][1]
    good = load(LESSONS / "03_autograd_basics.json")
    snaps, errors = run_worker(Worker(), ("load", (good, None, "cuda:7")), ("forward", None))
    assert not snaps and errors[0][0] == "load" and "CUDA" in errors[0][2]


def test_stop_cancels_what_was_asked_before_it():
    doc = load(LESSONS / "24_xor_mlp_adam.json")
    worker = Worker()
    worker.cancel_upto = 2
    snaps, errors = run_worker(worker, ("load", (doc, None, "cpu")), ("train", 0), ("forward", None))
    assert not errors and [s.kind for s in snaps] == ["forward"]  # the endless train never started


def test_the_engine_thread_shuts_down(qapp):
    from graphstudio.ui.live.worker import LiveThread
    live = LiveThread()
    doc = load(LESSONS / "24_xor_mlp_adam.json")
    live.request("load", (doc, None, "cpu"))
    live.request("train", 0)
    time.sleep(0.2)
    t0 = time.perf_counter()
    live.shutdown()
    assert not live.thread.isRunning() and time.perf_counter() - t0 < 2


# -- animation plans ---------------------------------------------------------------------------------------

def edges(*pairs):
    return [SimpleNamespace(source=a, target=b) for a, b in pairs]


def test_waves_follow_the_topological_order():
    es = edges(("x", "y"), ("y", "yy"), ("y", "yy"), ("yy", "z"), ("z", "out"), ("out", "bw"))
    assert depths(es) == {"x": 0, "y": 1, "yy": 2, "z": 3, "out": 4, "bw": 5}
    assert forward_waves(es) == [[0], [1, 2], [3], [4], [5]]
    assert backward_waves(es, {0, 1, 2, 3, 4, 5}) == [[5], [4], [3], [1, 2], [0]]
    assert backward_waves(es, {0, 3}) == [[3], [0]]  # wires without a gradient get no pulse


def test_multi_output_keys_belong_to_their_node():
    es = edges(("s:a", "m"), ("s:b", "m"), ("x", "s"))
    assert depths(es)["m"] == 2
    assert forward_waves(es) == [[2], [0, 1]]


# -- viewer, loss plot, apply ----------------------------------------------------------------------------------

def test_viewer_statistics_table_and_highlighting(qtbot):
    viewer = TensorViewer()
    qtbot.addWidget(viewer)
    value = np.array([[1.0, -3.0], [np.nan, np.inf]], np.float32)
    viewer.show_tensor("w1", value, np.ones((2, 2), np.float32) * 0.5)
    s = viewer.value_pane.stats
    assert (s["min"], s["max"], s["mean"], s["nan"], s["inf"]) == (-3.0, 1.0, -1.0, 1, 1)
    assert s["norm"] == pytest.approx(np.sqrt(10.0))
    model = viewer.value_pane.model
    assert (model.rowCount(), model.columnCount()) == (2, 2)
    assert model.data(model.index(0, 1)) == "-3.0"
    assert model.data(model.index(1, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert "NaN" in viewer.value_pane.info.text()
    assert viewer.grad_pane.stats["mean"] == 0.5
    viewer.show_tensor("c", np.zeros((2, 3, 4)), None)
    assert viewer.value_pane.slice.isVisibleTo(viewer) and viewer.value_pane.slice.maximum() == 1
    assert viewer.value_pane.shown_2d().shape == (3, 4)
    assert viewer.grad_pane.array is None


def test_viewer_heatmap_and_histogram_show_the_tensor_set_before_their_tab_was_first_opened(qtbot):
    viewer = TensorViewer()
    qtbot.addWidget(viewer)
    value = np.arange(12, dtype=np.float32).reshape(3, 4)
    viewer.show_tensor("w", value, None)
    pane = viewer.value_pane
    pane.tabs.setCurrentIndex(1)  # Heatmap
    assert (pane.image.width(), pane.image.height()) == (4, 3)
    _, counts = pane.hist_curve.getData()
    assert counts.sum() == value.size
    viewer.show_tensor("v", np.ones((5, 2), np.float32), None)  # made once: later tensors drawn at once
    assert (pane.image.width(), pane.image.height()) == (2, 5)
    viewer.clear()
    assert pane.image.image is None


def test_array_model_shapes():
    assert ArrayModel(np.float32(2.0)).rowCount() == 1
    assert ArrayModel(np.arange(5)).rowCount() == 5
    assert stats(np.array([True, False]))["mean"] == 0.5


def test_loss_plot_grows_one_curve_per_optimizer(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    history = [{"step": i, "loss": {"a": 1.0 / i, "b": 2.0 / i}} for i in range(1, 401)]
    for k in range(0, 400, 50):
        plot.add(history[k:k + 50], k + 50, {"a": 0.1, "b": 0.01})
    plot.flush()
    assert set(plot.curves) == {"a", "b"}
    xs, ys = plot.curves["a"].getData()
    assert len(xs) == 400 and ys[0] == 1.0 and ys[-1] == pytest.approx(1 / 400)
    assert "step 400" in plot.info.text() and "b lr 0.01" in plot.info.text()
    plot.add([{"step": 401, "loss": None}], 401)
    plot.clear()
    assert not plot.curves and plot.step == 0


def test_before_the_first_loss_the_dock_says_where_the_curve_will_be_then_draws_it(qtbot):
    """An empty pair of axes tells a student nothing: until a loss arrives the dock says what will be
    drawn there; the plot is made a moment after the dock shows (not before the window's first paint)
    and shown with the first loss."""
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.clear(["opt"], {"opt": 0.1})
    plot.resize(600, 200)
    plot.show()
    assert plot.hint.isVisible() and "Train" in plot.hint.text()
    assert plot._plot is None
    qtbot.waitUntil(lambda: plot._plot is not None)
    assert plot.hint.isVisible() and not plot.plot.isVisible() and set(plot.curves) == {"opt"}
    plot.add([{"step": 1, "loss": {"opt": 0.5}}], 1)
    plot.flush()
    assert plot.plot.isVisible() and not plot.hint.isVisible()
    assert list(plot.curves["opt"].getData()[1]) == [0.5]
    plot.clear(["opt"])
    assert plot.hint.isVisible() and not plot.plot.isVisible()


def test_two_curves_ending_together_write_their_names_and_losses_apart(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(600, 200)
    plot.show()
    history = [{"step": i, "loss": {"opt_slow": 0.8 - i / 1000, "opt_fast": 0.8 - i / 990}} for i in range(1, 201)]
    plot.add(history, 200, {"opt_slow": 0.01, "opt_fast": 0.5})
    plot.flush()
    qtbot.wait(5)
    slow, fast = (plot.labels[n] for n in ("opt_slow", "opt_fast"))
    assert slow.textItem.toPlainText() == "opt_slow 0.6" and fast.textItem.toPlainText().startswith("opt_fast 0.5")
    assert not slow.sceneBoundingRect().intersects(fast.sceneBoundingRect())
    assert plot.plot.getPlotItem().legend is None  # the names are at the curves' ends


def test_trained_float32_values_are_written_short_and_exact():
    a = np.array([[0.1, 1 / 3], [2.5, -7e-8]], np.float32)
    data = data_list(a)
    assert data[0][0] == 0.1 and data[1][0] == 2.5
    np.testing.assert_array_equal(np.asarray(data, np.float32), a)
    assert data_list(np.array([1.5, 2.0])) == [1.5, 2.0]


# -- screenshot --------------------------------------------------------------------------------------------------

def test_screenshot_writes_an_image(qapp, tmp_path, capsys):
    from graphstudio.ui.live.screenshot import screenshot
    out = tmp_path / "shot.png"
    assert screenshot(str(LESSONS / "03_autograd_basics.json"), str(out), "backward") == 0
    image = QImage(str(out))
    assert not image.isNull() and image.width() > 400 and image.height() > 300


_VISIBLE_TAB_BARS = """
import sys
from PySide6.QtWidgets import QMainWindow, QTabBar
from graphstudio.ui.live.screenshot import screenshot
from graphstudio.ui.mainwindow import MainWindow

def grab(window):
    inside = window.rect()
    for bar in window.findChildren(QTabBar):
        corner = bar.parentWidget().mapTo(window, bar.parentWidget().rect().topLeft())
        if bar.isVisible() and inside.intersects(bar.geometry().translated(corner)):
            print("|".join(bar.tabText(i) for i in range(bar.count())))
    return QMainWindow.grab(window)

MainWindow.grab = grab
sys.exit(screenshot(sys.argv[1], sys.argv[2], size="1366x768"))
"""


@pytest.mark.parametrize("lesson", ["03_autograd_basics.json", "24_xor_mlp_adam.json"])
def test_a_screenshot_shows_the_window_once_its_docks_have_settled(tmp_path, lesson):
    """The docks a graph does not use are hidden before the grab: no emptied tab bar is left drawn over the
    ops list. Run as `--screenshot` runs, in a process of its own with no event loop yet (a tab bar
    emptied there is deleted only when a turn of the loop runs deferred deletions)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", _VISIBLE_TAB_BARS, str(LESSONS / lesson), str(tmp_path / "shot.png")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    bars = done.stdout.split()
    assert "Lesson|Code" in bars, bars  # the check sees the tab bars a student sees
    assert bars.count("Loss|Tensor") + bars.count("Loss|Tensor|Time travel") <= (lesson.startswith("24")), bars


def test_screenshot_takes_a_window_size_and_a_theme(qapp, tmp_path, capsys):
    from graphstudio.ui import theme
    from graphstudio.ui.live.screenshot import screenshot
    out = tmp_path / "dark.png"
    before = theme.current()
    try:
        assert screenshot(str(LESSONS / "03_autograd_basics.json"), str(out), None, "1366x768", "dark") == 0
        image = QImage(str(out))
        assert (image.width(), image.height()) == (1366, 768)
        assert image.pixelColor(image.width() // 2, image.height() // 2).lightness() < 100  # the dark canvas
    finally:
        theme.apply(before)
    assert screenshot(str(LESSONS / "03_autograd_basics.json"), str(out), None, "big") == 2
    assert screenshot(str(LESSONS / "03_autograd_basics.json"), str(out), None, "800x600", "pink") == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2 and "--size" in lines[0] and "--theme" in lines[1]


def test_screenshot_failures_are_one_line(qapp, tmp_path, capsys, examples_dir):
    from graphstudio.ui.live.screenshot import screenshot
    errors = examples_dir / "errors"
    assert screenshot(str(tmp_path / "missing.json"), str(tmp_path / "a.png"), "forward") == 2
    assert screenshot(str(errors / "cycle.json"), str(tmp_path / "b.png"), "forward") == 2
    assert screenshot(str(LESSONS / "03_autograd_basics.json"), str(tmp_path / "c.png"), "sideways") == 2
    assert screenshot(str(errors / "backward_twice.json"), str(tmp_path / "d.png"), "backward") == 1
    assert (tmp_path / "d.png").exists()  # the image still shows where it failed
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 4 and "bw2" in lines[-1] and "Traceback" not in "".join(lines)


# -- cached pictures stay current ------------------------------------------------------------------

def _render(scene, rect=None) -> QImage:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter
    image = QImage(240, 200, QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    scene.render(painter, QRectF(image.rect()), rect or QRectF(-60, -120, 120, 100))
    painter.end()
    return image


def test_a_cached_panel_shows_each_new_value(qapp):
    from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene
    first, second = np.arange(16.0).reshape(4, 4), np.arange(16.0).reshape(4, 4)[::-1].copy()
    scene = QGraphicsScene()
    panel = WirePanel(("t", "input", None), "w")
    assert panel.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache
    scene.addItem(panel)
    panel.set_value(first)
    panel.set_grad(first - 8)
    before = _render(scene)
    panel.set_value(second)       # a second snapshot: same shape, new numbers
    panel.set_grad(np.full((4, 4), np.nan))
    after = _render(scene)
    fresh_scene = QGraphicsScene()
    fresh = WirePanel(("t", "input", None), "w")
    fresh_scene.addItem(fresh)
    fresh.set_value(second)
    fresh.set_grad(np.full((4, 4), np.nan))
    assert after != before
    assert after == _render(fresh_scene)  # exactly what a panel made with the new value shows
    assert panel.has_bad  # NaN gradient: outlined in red


def test_a_cached_panel_collapses_and_reopens_with_its_value(qapp):
    from PySide6.QtWidgets import QGraphicsScene
    scene = QGraphicsScene()
    panel = WirePanel(("t", "input", None), "w")
    scene.addItem(panel)
    panel.set_value(np.eye(3))
    open_image = _render(scene)
    tall = panel.boundingRect().height()
    panel.toggle()
    assert panel.boundingRect().height() < tall and _render(scene) != open_image
    panel.set_value(np.eye(3) * 2)  # a value arriving while collapsed keeps it collapsed
    assert panel.collapsed and panel.boundingRect().height() < tall
    panel.toggle()
    panel.set_value(np.eye(3))
    assert panel.boundingRect().height() == tall and _render(scene) == open_image


def test_the_loss_dock_shows_only_for_graphs_that_train(window):
    from pathlib import Path

    from graphstudio.document import load

    examples = Path(__file__).resolve().parents[2] / "resources" / "examples"
    window.model.reset(load(examples / "03_autograd_basics.json"))
    assert not window.live.loss_dock.isVisible()
    window.model.reset(load(examples / "24_xor_mlp_adam.json"))
    assert window.live.loss_dock.isVisible()


def test_on_a_laptop_screen_the_lesson_pane_gets_most_of_the_right_column(window, qtbot):
    """1366×768 with a lesson that trains (the loss dock open below): the lesson's text, what a student
    reads first, has the most room on the right, and the canvas keeps most of the height."""
    from PySide6.QtWidgets import QDockWidget

    window.resize(1366, 768)
    qtbot.wait(1)
    assert window.open_path(lessons_dir() / "24_xor_mlp_adam.json", ask=False)
    qtbot.wait(1)
    docks = {d.objectName(): d for d in window.findChildren(QDockWidget)}
    lesson = docks["Lesson"].height()
    assert lesson >= 150 and lesson > docks["Inspector"].height() and lesson > docks["LiveChainrule"].height()
    assert window.view.height() > 2 * docks["LiveLoss"].height()


def test_pyqtgraph_is_imported_only_once_a_graph_trains(tmp_path):
    """The plots are the costly part of the editor's start: a fresh editor drawing a graph that does not
    train, or one that trains but has not yet (its loss dock says where the curve will be), imports no
    pyqtgraph; the first Train does."""
    code = ("import sys; from graphstudio.ui.live.screenshot import screenshot; seen = []\n"
            "for graph, after in ((sys.argv[1], None), (sys.argv[2], None), (sys.argv[2], 'train')):\n"
            "    assert screenshot(graph, sys.argv[3], after) == 0; seen.append('pyqtgraph' in sys.modules)\n"
            "print(*seen)")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    graphs = [str(LESSONS / "03_autograd_basics.json"), str(LESSONS / "24_xor_mlp_adam.json")]
    done = subprocess.run([sys.executable, "-c", code, *graphs, str(tmp_path / "shot.png")], capture_output=True,
                          text=True, cwd=LESSONS.parents[1], env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "True"]


def test_the_shared_picture_cache_never_keeps_an_array_alive(qapp):
    import weakref

    a = np.arange(16.0).reshape(4, 4)
    first = panels.shared_picture(a)
    assert panels.shared_picture(a) is first  # two wires of one tensor: one picture
    gone = weakref.ref(a)
    del a
    assert gone() is None and not any(ref() is None for ref, _ in panels._SHARED.values())


def test_no_train_snapshot_goes_out_while_the_window_is_still_showing_one(monkeypatch, qapp):
    from graphstudio.ui.live import worker as worker_module

    clock = [100.0]
    monkeypatch.setattr(worker_module.time, "monotonic", lambda: clock[0])
    courtesy = worker_module.Courtesy()
    assert courtesy.ready()  # no window listening: snapshots go out at their rate
    courtesy.acknowledged = True
    assert courtesy.ready()
    courtesy.sending()
    assert not courtesy.ready()  # the window has not shown it yet
    clock[0] += 0.120  # a big graph's refresh: several frames
    courtesy.shown()
    assert not courtesy.ready()  # as long again, for the window to answer everything else
    clock[0] += 0.119
    assert not courtesy.ready()
    clock[0] += 0.002
    assert courtesy.ready()


def test_a_new_train_does_not_wait_for_a_snapshot_the_window_dropped(qapp):
    from graphstudio.ui.live import worker as worker_module

    courtesy = worker_module.Courtesy()
    courtesy.acknowledged = True
    courtesy.sending()  # ... and the window dropped it as stale: an edit stopped that run
    assert not courtesy.ready()
    courtesy.restart()  # the next Train
    assert courtesy.ready()


def test_a_uniform_matrix_keeps_its_cells_in_view(qapp):
    """A 2×2 of 4.5 is drawn as four cells (lines between them), not as one block of colour."""
    from PySide6.QtCore import QRectF
    from PySide6.QtWidgets import QGraphicsScene
    scene = QGraphicsScene()
    panel = WirePanel(("t", "input", None), "w")
    scene.addItem(panel)
    panel.set_value(np.full((2, 2), 4.5, np.float32))
    card = panel.card()
    heat = QRectF(card.left() + panels.PAD + 2, card.top() + panels.CAPTION + 2, panels.HEAT_H, panels.HEAT_H)
    image = _render(scene, QRectF(card.left(), card.top(), 120, 100))
    scale = image.width() / 120
    row = int((heat.top() - card.top() + 3) * scale)  # near the top of the cells, above the number
    colors = {image.pixelColor(int((heat.left() - card.left() + x) * scale), row).name()
              for x in np.linspace(2, heat.width() - 2, 60)}
    assert len(colors) >= 2, colors  # the cell colour and the line between the two columns


def test_a_colour_bars_ends_fit_beside_it_and_keep_their_value(qapp):
    """The ends of a heatmap's colour bar are written in the column right of the bar: a gradient of
    ±0.0022 no longer runs past the card's edge as ``-0.0022``."""
    pic = panels.picture(np.array([[0.00229, -0.0022], [0.001, 2e-4]], np.float32))
    fm = panels.metrics(6.0)
    for text, value in zip(pic.ticks, (pic.lo, pic.hi)):
        assert fm.horizontalAdvance(text) <= panels.TICK_W, text
        assert float(text) == pytest.approx(value, rel=0.5)  # rounded, never another number
    lo, hi = panels.picture(np.array([[2.462, -2.461], [0.0, 1.0]], np.float32)).ticks  # room for three digits
    assert float(lo) == pytest.approx(-2.461, abs=0.006) and float(hi) == pytest.approx(2.462, abs=0.006)
    assert panels.picture(np.array([[1.0, 27.0], [3.0, 4.0]], np.float32)).ticks == ("1.0", "27.0")


def test_a_card_tooltip_says_the_colour_bars_ends_it_prints_small(qapp):
    from PySide6.QtWidgets import QGraphicsScene, QGraphicsSceneHoverEvent
    scene = QGraphicsScene()
    panel = WirePanel(("t", "input", None), "x → t.input")
    scene.addItem(panel)
    panel.set_value(np.array([[0.00229, -0.0022], [0.5, 0.25]], np.float32))
    panel.set_grad(np.array([[1.5, -3.25], [0.0, 2.0]], np.float32))
    panel.hoverEnterEvent(QGraphicsSceneHoverEvent())
    lines = panel.toolTip().split("\n")
    assert "-0.0022 … 0.5" in lines and "∇ -3.25 … 3.25" in lines  # a gradient's bar is centred on zero
    assert "[2, 2] float32" in lines


def test_a_card_tooltip_says_the_shape_and_dtype_its_caption_prints_small(qapp):
    panel = WirePanel(("t", "input", None), "x → t.input")
    assert "x → t.input" in panel.toolTip() and "float" not in panel.toolTip()
    panel.set_value(np.zeros((2, 3), np.float32))
    assert "[2, 3] float32" in panel.toolTip()
    panel.set_value(np.zeros((4,), np.int64))
    assert "[4] int64" in panel.toolTip() and "[2, 3]" not in panel.toolTip()


def test_screenshot_imports_a_pytorch_script_and_selects_a_node(qapp, tmp_path, capsys):
    """The README's picture of an imported script: `--screenshot OUT script.py --after train --select w`."""
    from graphstudio.ui.live.screenshot import screenshot
    from tests.data import SCRIPTS_DIR
    out = tmp_path / "script.png"
    script = str(SCRIPTS_DIR / "linreg_manual.py")
    assert screenshot(script, str(out), "train", select="w") == 0
    assert not QImage(str(out)).isNull()
    assert screenshot(script, str(out), select="nowhere") == 2
    assert capsys.readouterr().err.strip().endswith("linreg_manual.py: --select: no node 'nowhere'")
    bad = tmp_path / "bad.py"
    bad.write_text("import torch\nx = torch.ones(2)\nx.frobnicate()\n")
    assert screenshot(str(bad), str(out)) == 2
    assert capsys.readouterr().err.startswith("bad.py:3: x.frobnicate(): not supported")  # names its file
