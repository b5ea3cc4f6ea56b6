"""Live on the canvas: what showing a run costs.

    python benchmarks/bench_live.py            (offscreen; set QT_QPA_PLATFORM to watch it)
    python benchmarks/bench_live.py --cpu      (1, 2 and 5 timed by the GUI thread's CPU time: on a
                                                machine so busy that wall times say more about the
                                                other processes than about this one)

1. frame time with 200 visible wire panels (8×8 heatmaps, values and gradients): the scene
   rendered to a 1920×1080 QImage, best of N — after new values (every panel repaints its
   picture) and unchanged (cached); plus the GUI-thread cost of handing one Train snapshot to
   the 200 panels;
2. frames of an animated Step of that graph, the view fitted to it: each tick and repaint timed;
3. event-loop latency during a 10,000-step Train of the XOR lesson (and 2,000 steps of the
   200-wire graph, its panels refreshed): a QTimer pings every 10 ms, we report how late the
   pings came (max, 99th percentile, median), the GUI thread's CPU time between two pings (the
   longest stretch it was busy, whatever else the machine runs) and the training speed, against
   the same steps with no GUI at all;
4. trace cost: runner.step with trace=True vs trace=False (XOR lesson, and the 200-wire graph);
5. placing the cards and routing the wires of a 200-node graph (after a Step: every card shown):
   an edit (one node moved: the scene re-lays its wires, the live layer re-places every card),
   the card placement alone, and every wire routed anew. Target: under 30 ms.
6. time travel: a Train of the XOR lesson in the window with every step recorded (the default 64 MB
   cap) vs recording off, best of interleaved blocks (target: at most ×1.3); the same for
   runner.step alone; and the memory a checkpoint (one every 8 steps) holds.
"""
from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import graphstudio.ui  # noqa: E402,F401  (the PySide6 guard first)
from graphstudio.document import Document, Node, load  # noqa: E402
from graphstudio.program.compiler import compile  # noqa: E402
from graphstudio.program.runner import Runner  # noqa: E402

XOR = ROOT / "resources" / "examples" / "24_xor_mlp_adam.json"


#: What sections 1, 2 and 5 are timed by: wall time, or with --cpu the GUI thread's CPU time.
clock = time.perf_counter

#: Between two columns and two rows of the grid graph: room for every wire's card (value and gradient).
PITCH_X, PITCH_Y = 340.0, 250.0


def grid_graph(columns: int = 10, rows: int = 10, size: int = 8, train: bool = False) -> Document:
    """rows leaves, then `columns` columns of adds, each fed by two nodes of the column before:
    2 · rows · columns wires (200 by default), every one carrying a size×size matrix; then a sum,
    and a backward (``train``: an sgd) from it."""
    nodes = [Node(f"c0r{r}", "randn", {}, {"shape": [size, size], "requires_grad": True}, (0.0, r * PITCH_Y))
             for r in range(rows)]
    for c in range(1, columns + 1):
        for r in range(rows):
            a, b = f"c{c - 1}r{r}", f"c{c - 1}r{(r + 1) % rows}"
            nodes.append(Node(f"c{c}r{r}", "add", {"input": a, "other": b}, {}, (c * PITCH_X, r * PITCH_Y)))
    last = f"c{columns}r0"
    nodes.append(Node("s", "sum", {"input": last}, {}, ((columns + 1) * PITCH_X, 0.0)))
    nodes.append(Node("opt", "sgd", {"loss": "s"}, {"lr": 0.001}, ((columns + 2) * PITCH_X, 0.0)) if train else
                 Node("bw", "backward", {"tensor": "s"}, {}, ((columns + 2) * PITCH_X, 0.0)))
    return Document(title="200 wires", nodes=nodes)


def best(fn, repeat: int = 7) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return min(times)


def make_window():
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from graphstudio.ui.mainwindow import MainWindow

    app = QApplication.instance() or QApplication([])
    tmp = tempfile.mkdtemp()
    window = MainWindow(settings=QSettings(os.path.join(tmp, "s.ini"), QSettings.Format.IniFormat),
                        recovery_dir=os.path.join(tmp, "recovery"))
    window.resize(1600, 1000)
    window.show()
    session = window.live
    session.set_animate(False)
    return app, window, session


def wait_idle(session, timeout_ms: int = 600_000) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    if not session.busy:
        return
    loop = QEventLoop()
    session.idle.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    session.idle.disconnect(loop.quit)


def frame_time(app, window, session) -> None:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    from graphstudio.ui.live import session as session_module

    window.model.reset(grid_graph())
    session.step()
    wait_idle(session)
    panels = [p for p in session.layer.panels.values() if p.isVisible()]
    scene = window.scene
    source = scene.content_rect()
    image = QImage(1920, 1080, QImage.Format.Format_ARGB32_Premultiplied)
    snap = session.snapshot

    def render() -> float:
        t0 = clock()
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scene.render(painter, QRectF(image.rect()), source)
        painter.end()
        return clock() - t0

    serial = [0]

    def fresh() -> Any:
        """The snapshot with every array replaced by a new one with other numbers, as the next
        Train refresh brings: no picture, label or sum can be reused."""
        serial[0] += 1
        k = 1.0 + 0.01 * serial[0]
        trace = snap.trace.copy()
        trace.values = {key: v * k for key, v in trace.values.items()}
        trace.edge_grads = {i: [g * k for g in parts] for i, parts in trace.edge_grads.items()}
        return dataclasses.replace(snap, trace=trace)

    def new_values(new: Any) -> float:
        t0 = clock()
        session.show_now(new, None)  # every panel gets new arrays at once: pictures made anew when painted
        return clock() - t0

    def frames(repeat: int = 7) -> tuple[float, float]:
        after_new, unchanged = [], []
        for _ in range(repeat):
            new_values(fresh())
            after_new.append(render())
            unchanged.append(render())
        return min(after_new), min(unchanged)

    t_update = min(new_values(fresh()) for _ in range(7))

    def sliced_refresh() -> list[float]:
        """A Train refresh as Train hands it out: a slice of the panels per frame."""
        session._train_latest = dataclasses.replace(fresh(), kind="train")
        t0 = clock()
        session._flush_train()
        frames = [clock() - t0 + render()]
        while session._landing:
            t0 = clock()
            session._land()
            frames.append(clock() - t0 + render())
        return frames

    sliced = [sliced_refresh() for _ in range(7)]
    slowest = min(max(f) for f in sliced)
    new_all, same_all = frames()
    for node in scene.nodes.values():  # the editor's own node boxes, out of the picture
        node.setVisible(False)
    new_live, same_live = frames()
    for node in scene.nodes.values():
        node.setVisible(True)
    scale = min(1920 / source.width(), 1080 / source.height())
    grads = sum(p.grad is not None for p in panels)
    print(f"1. {len(panels)} visible wire panels (8×8 heatmaps; {grads} with a gradient too) and "
          f"{len(scene.nodes)} nodes, scene → 1920×1080 QImage (zoom {scale:.2f}), best of 7:")
    print(f"   whole scene:     frame after new values {new_all * 1e3:6.1f} ms   unchanged {same_all * 1e3:6.1f} ms")
    print(f"   nodes hidden:    frame after new values {new_live * 1e3:6.1f} ms   unchanged {same_live * 1e3:6.1f} ms"
          "   (wires, panels, badges)")
    print(f"   handing one snapshot to the {len(panels)} panels (GUI thread, before painting) {t_update * 1e3:.1f} ms")
    print(f"   a Train refresh, handed out {session_module.SLICE_EDGES} wires per frame: {len(sliced[0])} frames, "
          f"the slowest (hand-out + whole-scene render) {slowest * 1e3:.1f} ms")


def animation_frames(app, window, session) -> None:
    """A Step of the 200-wire graph animated in the window, the view fitted to show every wire.
    The benchmark drives the animation's frames itself and times each whole frame as the student
    gets it: the tick (pulses moved, a wave's panels given their values) and the event-loop turn
    that paints what changed."""
    from PySide6.QtCore import QEventLoop, QTimer

    window.model.reset(grid_graph())
    session.set_animate(False)
    session.step()
    wait_idle(session)  # panels exist and hold values: the animated Step refreshes every one
    window.view.fit()
    app.processEvents()
    session.set_animate(True)
    session.set_speed(20.0)
    animator = session.animator
    session.step()
    while not animator.running:  # the engine's snapshot starts the animation
        loop = QEventLoop()
        QTimer.singleShot(5, loop.quit)
        loop.exec()
    frames: list[float] = []
    while animator.running:
        animator._timer.stop()  # the frames are driven from here
        t0 = clock()
        animator._tick()
        app.processEvents()
        frames.append(clock() - t0)
        time.sleep(max(0.0, 1 / 60 - frames[-1]))
    session.set_animate(False)
    ms = np.array(frames) * 1e3
    scale = window.view.transform().m11()
    visible = sum(p.isVisible() for p in session.layer.panels.values())
    viewport = window.view.viewport()
    print(f"2. animated Step, {visible} panels in a {viewport.width()}×{viewport.height()} view (zoom {scale:.2f}), "
          f"{len(ms)} frames (tick + the repaint of what changed): median {np.median(ms):.1f} ms  "
          f"p90 {np.percentile(ms, 90):.1f} ms  max {ms.max():.1f} ms")


def latency(app, window, session, doc: Document, name: str, steps: int) -> None:
    from PySide6.QtCore import QTimer

    runner = Runner(compile(doc), trace=False)
    t0 = time.perf_counter()
    runner.run(steps)
    alone = time.perf_counter() - t0

    window.model.reset(doc.copy())
    session.forward()  # compile and make the runner before timing
    wait_idle(session)
    window.view.fit()
    late: list[float] = []
    busy: list[float] = []
    last = [time.perf_counter(), time.thread_time()]

    def ping() -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        late.append(now - last[0] - 0.010)
        busy.append(cpu - last[1])
        last[:] = [now, cpu]

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(ping)
    courtesy = session.live.courtesy
    courtesy.waited = 0.0
    snaps = [0]

    def count(_snapshot: Any) -> None:
        snaps[0] += 1

    session.live.worker.snapshot.connect(count)
    timer.start()
    t0 = time.perf_counter()
    session.train(steps)
    wait_idle(session)
    elapsed = time.perf_counter() - t0
    timer.stop()
    session.live.worker.snapshot.disconnect(count)
    late_ms = np.maximum(np.array(late), 0.0) * 1e3
    print(f"3. Train {steps:,} steps of the {name} with the window up, pinging every 10 ms:")
    print(f"   ping late by: max {late_ms.max():.1f} ms  p99 {np.percentile(late_ms, 99):.1f} ms  "
          f"median {np.median(late_ms):.1f} ms  ({len(late)} pings)")
    busy_ms = np.array(busy) * 1e3
    print(f"   GUI thread busy between two pings (CPU time): max {busy_ms.max():.1f} ms  "
          f"p99 {np.percentile(busy_ms, 99):.1f} ms  median {np.median(busy_ms):.1f} ms")
    print(f"   {steps / elapsed:,.0f} steps/s ({elapsed:.2f} s; {snaps[0]} snapshots = "
          f"{snaps[0] / elapsed:.0f}/s; engine stepped aside {courtesy.waited:.2f} s) "
          f"vs {steps / alone:,.0f} steps/s with no GUI ({alone:.2f} s)")


def trace_cost(blocks: int = 15, steps: int = 100) -> None:
    print(f"4. trace cost, one runner.step (best of {blocks} interleaved blocks of {steps} steps):")
    for name, doc in (("XOR lesson", load(XOR)), ("200-wire grid", grid_graph())):
        program = compile(doc)
        runners = {False: Runner(program, trace=False), True: Runner(program, trace=True)}
        times: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(blocks):
            for traced, runner in runners.items():
                t0 = time.perf_counter()
                for _ in range(steps):
                    runner.step()
                times[traced].append((time.perf_counter() - t0) / steps)
        t_plain, t_traced = min(times[False]), min(times[True])
        print(f"   {name:14s} trace=False {t_plain * 1e6:8.0f} µs   trace=True {t_traced * 1e6:8.0f} µs   "
              f"(×{t_traced / t_plain:.2f}; Train traces only the ≤30 steps/s it shows)")


def recording_cost(app, window, session, steps: int = 3_000, blocks: int = 5) -> None:
    from graphstudio.program.recording import DEFAULT_CAP

    doc = load(XOR)
    program = compile(doc)
    times: dict[int, list[float]] = {0: [], DEFAULT_CAP: []}
    engine: dict[int, list[float]] = {0: [], DEFAULT_CAP: []}
    recording = None
    for _ in range(blocks):
        for cap in times:
            session.live.worker.set_record_cap(cap)
            window.model.reset(doc.copy())
            session.forward()  # compile and make the runner before timing
            wait_idle(session)
            session.reset()  # a fresh run: recording from its first step, or nothing at all
            wait_idle(session)
            t0 = time.perf_counter()
            session.train(steps)
            wait_idle(session)
            times[cap].append(time.perf_counter() - t0)
            if cap:
                recording = session.latest.recording
            runner = Runner(program, record_cap=cap or None)
            t0 = time.process_time()
            runner.run(steps)
            engine[cap].append(time.process_time() - t0)
    off, on = min(times[0]), min(times[DEFAULT_CAP])
    e_off, e_on = min(engine[0]), min(engine[DEFAULT_CAP])
    assert recording is not None
    kept = len(recording.steps())
    each = recording.nbytes / kept
    print(f"6. time travel, XOR lesson, {steps:,} steps (best of {blocks} interleaved blocks):")
    print(f"   Train in the window: recording off {steps / off:,.0f} steps/s, every step recorded "
          f"{steps / on:,.0f} steps/s (×{on / off:.2f})")
    print(f"   runner.step alone (CPU time): {e_off / steps * 1e6:.0f} µs vs {e_on / steps * 1e6:.0f} µs "
          f"(×{e_on / e_off:.2f})")
    print(f"   {kept:,} checkpoints of {each:,.0f} bytes ({recording.nbytes / steps:,.0f} bytes a step): the "
          f"{DEFAULT_CAP >> 20} MB cap holds {DEFAULT_CAP / each * recording.interval:,.0f} steps before "
          f"the interval doubles")
    session.live.worker.set_record_cap(DEFAULT_CAP)


def place_and_route(app, window, session, laid_out: bool) -> None:
    doc = grid_graph(columns=19, rows=10, size=2)
    if laid_out:  # opened without positions: the editor's auto-layout, which leaves room for the cards
        doc = dataclasses.replace(doc, nodes=[dataclasses.replace(n, pos=None) for n in doc.nodes])
    window.model.reset(doc)
    session.step()
    wait_idle(session)
    app.processEvents()
    scene, layer = window.scene, session.layer
    cards = sum(p.isVisible() for p in [*layer.panels.values(), *layer.results.values()])
    node = "c9r4"
    x, y = next(n.pos for n in window.model.doc.nodes if n.id == node)
    flip = [0]

    def edit() -> None:
        flip[0] ^= 1
        window.model.move({node: (x, y + 40.0 * flip[0])})

    def route_all() -> None:
        scene._bodies = None
        for item in scene.wires:
            src, dst = scene.nodes[item.wire.src], scene.nodes[item.wire.dst]
            name = item.wire.output or next(iter(src.out_ports))
            scene._lay(item, src.out_ports[name].scenePos(), dst.in_port(item.wire.port, item.wire.index).scenePos())

    t_edit, t_place, t_route = best(edit), best(layer.place), best(route_all)
    hidden = sum(p.crowded for p in layer.panels.values())
    detours = sum(item.path().elementCount() > 4 for item in scene.wires)
    print(f"5. {'auto-laid out' if laid_out else f'placed by the file ({PITCH_X:.0f} × {PITCH_Y:.0f} apart)'}: "
          f"{len(scene.nodes)} nodes, {len(scene.wires)} wires ({detours} routed around boxes), {cards} cards shown "
          f"({hidden} left out for want of room), best of 7 (target < 30 ms):")
    print(f"   an edit (one node moved): scene sync + every card placed {t_edit * 1e3:6.1f} ms")
    print(f"   placing every card {t_place * 1e3:6.1f} ms   routing every wire {t_route * 1e3:6.1f} ms")


def main() -> None:
    global clock
    if "--cpu" in sys.argv[1:]:
        clock = time.thread_time
    app, window, session = make_window()
    try:
        place_and_route(app, window, session, laid_out=False)
        place_and_route(app, window, session, laid_out=True)
        frame_time(app, window, session)
        animation_frames(app, window, session)
        latency(app, window, session, load(XOR), "XOR lesson", 10_000)
        latency(app, window, session, grid_graph(train=True), "200-wire grid (200 panels refreshed)", 2_000)
        recording_cost(app, window, session)
    finally:
        session.shutdown()
        window.model.stack.setClean()
        window.autosaver.timer.stop()
        window.close()
    trace_cost()


if __name__ == "__main__":
    main()
