"""Files, compiler and runner speed, side by side in one run.

    python benchmarks/bench_runner.py [compile] [runner] [process]   (all three when none is named)

1. compile (schema validation + references + shape inference) of 1k/10k/100k-node graphs;
2. a 1,000-node graph through the runner (trace off and on) vs the same ops called directly;
3. `graphstudio --run` of the autograd lesson as a whole process vs `python -c "import numpy"`.
"""
from __future__ import annotations

import gc
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graphstudio.document import loads  # noqa: E402
import graphstudio.engine as gs  # noqa: E402
from graphstudio.program.compiler import check, compile  # noqa: E402
from graphstudio.program.runner import Runner  # noqa: E402


def chain_graph(n: int) -> str:
    """A leaf, then n-2 ops alternating mul/add with a second leaf, then a backward sink."""
    nodes = [{"id": "x", "op": "ones", "params": {"shape": [4, 4], "requires_grad": True}},
             {"id": "a", "op": "full", "params": {"shape": [4, 4], "fill_value": 1.0001}}]
    prev = "x"
    for i in range(n - 4):
        nid = f"n{i}"
        nodes.append({"id": nid, "op": "mul" if i % 2 == 0 else "add", "inputs": {"input": prev, "other": "a"}})
        prev = nid
    nodes.append({"id": "s", "op": "sum", "inputs": {"input": prev}})
    nodes.append({"id": "bw", "op": "backward", "inputs": {"tensor": "s"}})
    return json.dumps({"graphstudio": 1, "nodes": nodes})


def best(fn, repeat=5):
    fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return min(out)


def direct(n: int):
    def run():
        x = gs.ones(4, 4, requires_grad=True)
        a = gs.full((4, 4), 1.0001)
        y = x
        for i in range(n - 4):
            y = y * a if i % 2 == 0 else y + a
        y.sum().backward()
    return run


def compile_times(sizes: tuple[int, ...], rounds: int) -> dict[int, tuple[float, float]]:
    """Best (load, check) seconds per size, sizes interleaved within each round so that a slow moment
    of the shared machine hits every size alike."""
    texts = {n: chain_graph(n) for n in sizes}
    best = {n: (float("inf"), float("inf")) for n in sizes}
    for _ in range(rounds):
        for n, text in texts.items():
            gc.collect()
            t0 = time.perf_counter()
            doc = loads(text)
            t1 = time.perf_counter()
            check(doc)
            t2 = time.perf_counter()
            best[n] = (min(best[n][0], t1 - t0), min(best[n][1], t2 - t1))
            del doc
    return best


def main(sections: list[str]) -> None:
    for name in sections or SECTIONS:
        SECTIONS[name]()


def compile_rows() -> None:
    print("compile = load (JSON + schema) + check (references, order, shape inference), best of 5 interleaved")
    times = compile_times((1_000, 10_000, 100_000), rounds=5)
    previous = None
    for n, (t_load, t_check) in times.items():
        total = t_load + t_check
        growth = f"  ×{total / previous:.1f} for 10× the nodes (linear: ×10)" if previous else ""
        print(f"  {n:>7,} nodes: load {t_load * 1e3:8.1f} ms  check {t_check * 1e3:8.1f} ms  "
              f"total {total * 1e3:8.1f} ms ({total / n * 1e6:.1f} µs/node){growth}")
        previous = total
    gc.collect()


def runner_rows() -> None:
    n = 1_000
    program = compile(loads(chain_graph(n)))
    cases = {"direct": direct(n), "runner": Runner(program).step, "traced": Runner(program, trace=True).step}
    times: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(40):  # interleaved, so a slow moment of the machine hits every case alike
        for name, fn in cases.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    t_direct, t_run, t_traced = (min(times[k]) for k in cases)
    print(f"1,000-node graph, one step (best of 40 interleaved): direct API {t_direct * 1e3:.2f} ms  "
          f"runner {t_run * 1e3:.2f} ms ({t_run / t_direct:.2f}×)  runner+trace {t_traced * 1e3:.2f} ms "
          f"({t_traced / t_direct:.2f}×)  trace cost {t_traced / t_run:.2f}×")


def process_rows() -> None:
    lesson = ROOT.parent / "shared" / "examples" / "autograd_basics.json"
    if not lesson.exists():
        lesson = next((ROOT / "resources" / "examples").glob("*_autograd_basics.json"))  # lessons are numbered

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as installed: bytecode cached

    def proc(args):
        return lambda: subprocess.run([sys.executable, *args], check=True, capture_output=True, env=env)

    cases = {"numpy": proc(["-c", "import numpy"]), "graphstudio": proc(["-m", "graphstudio", "--run", str(lesson)])}
    rounds = []
    for fn in cases.values():
        fn()  # bytecode written, files in the page cache
    for _ in range(10):  # interleaved, as above
        times = {}
        for name, fn in cases.items():
            t0, c0 = time.perf_counter(), _children_cpu()
            fn()
            times[name] = time.perf_counter() - t0
            times[name + " cpu"] = _children_cpu() - c0
        rounds.append(times)
    for unit, suffix in (("wall", ""), ("CPU time (user + sys: a shared machine's waits left out)", " cpu")):
        t_numpy, t_gs = (min(r[k + suffix] for r in rounds) for k in cases)
        spread = sorted(r["graphstudio" + suffix] / r["numpy" + suffix] for r in rounds)
        print(f"whole process, {unit}, best of 10 interleaved: python -c 'import numpy' {t_numpy * 1e3:.0f} ms  "
              f"graphstudio --run lesson {t_gs * 1e3:.0f} ms ({t_gs / t_numpy:.2f}× [{spread[0]:.2f}–{spread[-1]:.2f}])")
    parts = [json.loads(subprocess.run([sys.executable, "-c", _START_PARTS, str(lesson)], check=True, capture_output=True,
                                       text=True, env=env, cwd=ROOT).stdout) for _ in range(5)]
    print("  where its time goes (CPU ms, best of 5 processes): " +
          "  ".join(f"{k} {min(p[k] for p in parts):.1f}" for k in parts[0]))


def _children_cpu() -> float:
    """CPU seconds (user + sys) used so far by this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# Times the parts of a `graphstudio --run` in one process, as CPU time (a shared machine's waits left out).
_START_PARTS = """
import io, json, sys, time, contextlib
c = [time.process_time()]
import numpy
c.append(time.process_time())
import graphstudio.engine
c.append(time.process_time())
from graphstudio import cli
from graphstudio.program import compiler, report, runner
c.append(time.process_time())
with contextlib.redirect_stdout(io.StringIO()):
    cli.main(["--run", sys.argv[1]])
c.append(time.process_time())
names = ["import numpy", "import graphstudio.engine", "import cli + program", "load, compile, run, print"]
print(json.dumps({n: (b - a) * 1e3 for n, a, b in zip(names, c, c[1:])}))
"""

SECTIONS = {"compile": compile_rows, "runner": runner_rows, "process": process_rows}

if __name__ == "__main__":
    main(sys.argv[1:])
