"""Engine speed, side by side with NumPy and (when installed) PyTorch, in one run.

    python benchmarks/bench_engine.py

Prints each case's time and its ratio against the yardstick (marked ◀), all measured in the same
run: the cases of a row take turns, round after round, and each keeps its best round. Times are CPU
time unless BENCH_CLOCK=wall. Run by hand; timing lives here, never in tests.

NumPy's BLAS and PyTorch run on the same number of threads, one unless BENCH_THREADS says
otherwise: on a small shared machine a two-thread matmul waits for whichever core is busy,
and the same MLP step then took anywhere from 0.37 to 0.74 ms from one round to the next.
"""
from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path

THREADS = os.environ.get("BENCH_THREADS", "1")
# CPU time of this process (all its threads) by default: on a shared machine, the time spent waiting for a
# core is left out, so the ratios hold still from one run to the next; BENCH_CLOCK=wall measures wall time.
CLOCK = time.perf_counter if os.environ.get("BENCH_CLOCK") == "wall" else time.process_time
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = THREADS  # before NumPy loads its BLAS

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import graphstudio.engine as gs  # noqa: E402

try:
    import torch
    torch.set_num_threads(int(THREADS))
except ImportError:
    torch = None


def interleaved(cases: dict, rounds: int, number: int = 1) -> tuple[dict, list]:
    """Each case's best time per call over `rounds` rounds that run every case in turn, so a slow moment
    of the shared machine hits all cases alike; also each round's times (for the ratio's range)."""
    for fn in cases.values():
        fn()
    per_round = []
    for _ in range(rounds):
        times = {}
        for name, fn in cases.items():
            t0 = CLOCK()
            for _ in range(number):
                fn()
            times[name] = (CLOCK() - t0) / number
        per_round.append(times)
    return {name: min(r[name] for r in per_round) for name in cases}, per_round


def chain(lib, n):
    def run():
        x = lib.ones(4, 4, requires_grad=True)
        a = lib.ones(4, 4) * 1.0001
        y = x
        for i in range(n // 2):
            y = y * a
            y = y + a
        y.sum().backward()
    return run


def chain_parts(n, repeat):
    """(forward, backward) seconds of an n-op chain, each the best of `repeat`."""
    fwd, bwd = [], []
    for _ in range(repeat):
        x = gs.ones(4, 4, requires_grad=True)
        a = gs.ones(4, 4) * 1.0001
        t0 = CLOCK()
        y = x
        for i in range(n // 2):
            y = y * a
            y = y + a
        s = y.sum()
        t1 = CLOCK()
        s.backward()
        t2 = CLOCK()
        fwd.append(t1 - t0)
        bwd.append(t2 - t1)
    return min(fwd), min(bwd)


def numpy_chain(n):
    """An 80-line-autograd-sketch floor: forward arrays and closures, backward in reverse."""
    def run():
        x = np.ones((4, 4), dtype=np.float32)
        a = np.ones((4, 4), dtype=np.float32) * np.float32(1.0001)
        y, tape = x, []
        for i in range(n // 2):
            y = y * a
            tape.append(a)
            y = y + a
            tape.append(None)
        g = np.ones_like(y)
        for saved in reversed(tape):
            if saved is not None:
                g = g * saved
        return g
    return run


def lesson(lib):
    def run():
        x = lib.ones(2, 2, requires_grad=True)
        y = x + 2
        z = y * y * 3
        out = z.mean()
        out.backward()
    return run


def matmul(lib, n=2048):
    rng = np.random.default_rng(0)
    a0 = rng.standard_normal((n, n), dtype=np.float32)
    b0 = rng.standard_normal((n, n), dtype=np.float32)
    if lib is np:
        g = np.ones((n, n), dtype=np.float32)
        return lambda: (a0 @ b0, g @ b0.T, a0.T @ g)
    a = lib.tensor(a0, requires_grad=True)
    b = lib.tensor(b0, requires_grad=True)
    g = lib.ones(n, n)

    def run():
        a.grad = None
        b.grad = None
        (a @ b).backward(g)
    return run


def mlp(lib):
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((64, 784), dtype=np.float32))
    y = lib.tensor(rng.integers(0, 10, 64))
    w1 = lib.tensor(rng.standard_normal((128, 784), dtype=np.float32) * 0.05, requires_grad=True)
    b1 = lib.zeros(128, requires_grad=True)
    w2 = lib.tensor(rng.standard_normal((10, 128), dtype=np.float32) * 0.05, requires_grad=True)
    b2 = lib.zeros(10, requires_grad=True)
    opt = lib.optim.SGD([w1, b1, w2, b2], lr=0.01)
    F = lib.nn.functional

    def run():
        opt.zero_grad()
        loss = F.cross_entropy(F.linear(F.relu(F.linear(x, w1, b1)), w2, b2), y)
        loss.backward()
        opt.step()
    return run


def numpy_mlp():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 784), dtype=np.float32)
    y = rng.integers(0, 10, 64)
    w1 = rng.standard_normal((128, 784), dtype=np.float32) * 0.05
    b1 = np.zeros(128, np.float32)
    w2 = rng.standard_normal((10, 128), dtype=np.float32) * 0.05
    b2 = np.zeros(10, np.float32)

    def run():
        h = x @ w1.T + b1
        a = np.maximum(h, 0)
        z = a @ w2.T + b2
        z = z - z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        p[np.arange(64), y] -= 1
        p /= 64
        gw2 = p.T @ a
        gb2 = p.sum(0)
        ga = p @ w2
        ga[h <= 0] = 0
        gw1 = ga.T @ x
        gb1 = ga.sum(0)
        for w, g in ((w1, gw1), (b1, gb1), (w2, gw2), (b2, gb2)):
            w -= 0.01 * g
    return run


def main() -> None:
    libs = [("graphstudio", gs)] + ([("torch", torch)] if torch else [])
    rows = [f"BLAS and torch threads: {THREADS}; {'wall' if CLOCK is time.perf_counter else 'CPU'} time, best of "
            "interleaved rounds, ratio of the bests [range of the rounds' own ratios]"]

    def line(name, cases, rounds, number=1, unit=1, yardstick="torch"):
        best_times, per_round = interleaved(cases, rounds, number)
        cells = "  ".join(f"{k} {v / unit * 1e6:9.1f} µs" for k, v in best_times.items())
        ratios = []
        for k in best_times:
            if k == "graphstudio":
                continue
            spread = sorted(r["graphstudio"] / r[k] for r in per_round)
            mark = "  ◀" if k == yardstick else ""
            ratios.append(f"gs/{k} {best_times['graphstudio'] / best_times[k]:5.2f}× "
                          f"[{spread[0]:.2f}–{spread[-1]:.2f}]{mark}")
        rows.append(f"{name:34s} {cells}   {'  '.join(ratios)}")
        print(rows[-1], flush=True)

    print(rows[0], flush=True)
    n = 1000
    cases = {name: chain(lib, n) for name, lib in libs}
    cases["numpy sketch"] = numpy_chain(n)
    line("1,000-op chain, per op (fwd+bwd)", cases, rounds=15, unit=n)

    line("autograd lesson, whole (fwd+bwd)", {name: lesson(lib) for name, lib in libs}, rounds=15, number=200)

    cases = {name: matmul(lib) for name, lib in libs}
    cases["numpy 3 matmuls"] = matmul(np)
    line("2048² matmul fwd+bwd", cases, rounds=3, yardstick="numpy 3 matmuls")

    cases = {name: mlp(lib) for name, lib in libs}
    cases["numpy by hand"] = numpy_mlp()
    line("MLP step 64×784→128→10 SGD", cases, rounds=15, number=20)

    small, big = chain_parts(1_000, repeat=5), chain_parts(100_000, repeat=1)
    rows.append(f"{'chain scaling, 100,000 / 1,000 ops':34s} backward {big[1] / small[1]:6.1f}×   forward+backward "
                f"{sum(big) / sum(small):6.1f}×   (linear: 100×)")
    print(rows[-1], flush=True)
    gc.disable()
    try:
        small, big = chain_parts(1_000, repeat=5), chain_parts(100_000, repeat=1)
    finally:
        gc.enable()
    rows.append(f"{'  the same with gc disabled':34s} backward {big[1] / small[1]:6.1f}×   forward+backward "
                f"{sum(big) / sum(small):6.1f}×")
    print(rows[-1], flush=True)


if __name__ == "__main__":
    main()
