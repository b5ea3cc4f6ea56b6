"""The command line's contract under mutants of valid graph files: exit 0, 1 or 2; stderr short lines
that name the file, never a traceback or an internal error; memory bounded.

Hypothesis takes the reference graphs in tests/data/examples and mutates their structure: a key or
item deleted, a value retyped, an item or node duplicated, a number, string or list enlarged. Each
mutant goes through ``--validate``, ``--run --json --steps 2`` and ``--export-code``, called
in-process (fast) under a bound on the memory it grows by, with the memory limit lowered so that a
run the guard lets through is small; one mutant in CHILD_EVERY goes through them in processes of
their own as well. CI runs a few hundred; the long profile runs by hand:

    GRAPHSTUDIO_FUZZ_EXAMPLES=100000 GRAPHSTUDIO_FUZZ_SEED=7 python -m pytest tests/cli/test_contract_fuzz.py

Hypothesis reports a test, not its examples: with GRAPHSTUDIO_FUZZ_LOG=FILE the count of mutants
that kept the contract is written there every PROGRESS_EVERY, so a long run that is stopped still
says how far it got.
"""
from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from graphstudio import cli
from graphstudio.document.io import MAX_FILE_BYTES
from graphstudio.program import compiler, memory
from tests.data import EXAMPLES_DIR

EXAMPLES = int(os.environ.get("GRAPHSTUDIO_FUZZ_EXAMPLES", "150"))
SEED = int(os.environ.get("GRAPHSTUDIO_FUZZ_SEED", "0"))
LIMIT = 64 << 20             # the memory limit the guard applies during the fuzz
MAX_LINE = 400               # a "short" stderr line
# Cutting what a line echoes is issue 10 item 9, fixed on its own branch: until it is merged, long
# lines are reported only when asked (GRAPHSTUDIO_FUZZ_LINES=1).
CHECK_LINE_LENGTH = os.environ.get("GRAPHSTUDIO_FUZZ_LINES") == "1"
MAX_MUTANT = 1 << 20         # bytes of JSON: a mutant grows no larger (enlarging compounds)
MAX_ENLARGED = 2 * MAX_FILE_BYTES  # bytes of JSON one enlargement makes at most
# One mutant in CHILD_EVERY also runs in a process of its own: the real exit status and stderr
# (what Python or a library prints at exit, a crash), under a real memory limit.
CHILD_EVERY = max(50, EXAMPLES // 50)
_MUTANTS_SEEN = itertools.count()  # every CHILD_EVERY-th: Hypothesis draws small integers far more often
CHILD_MEMORY = 3 << 30
PROCESS_CAP = 3 << 30        # how much the in-process calls may grow the test's address space
CHILD_TIMEOUT_S = 300
PROGRESS_LOG = os.environ.get("GRAPHSTUDIO_FUZZ_LOG")
PROGRESS_EVERY = 1000
_MUTANTS_PASSED = itertools.count(1)
ROOT = Path(__file__).resolve().parents[2]
FAST_TMP = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None  # mutants' files: in memory where we can
SOURCES = {p.name: json.loads(p.read_text()) for p in sorted(EXAMPLES_DIR.glob("*.json"))}

BIG_INTS = (-1, 0, 2**31, -(2**31), 10**6, 10**9, 2**63, 10**18, 10**40)
BIG_FLOATS = (0.0, -0.0, 1e-308, 1e308, -1e308, 0.5, 1e6)
ODD_VALUES: tuple[Any, ...] = (None, True, False, 0, -1, 1.5, "", "x", "a:b", [], {}, [[]], [1, "x"], {"": None})


def _paths(tree: Any) -> list[tuple]:
    """Every place in the JSON tree, as a path of keys and indices (the root is ``()``)."""
    out, stack = [], [()]
    while stack:
        path = stack.pop()
        out.append(path)
        value = _get(tree, path)
        if isinstance(value, dict):
            stack.extend(path + (k,) for k in value)
        elif isinstance(value, list):
            stack.extend(path + (i,) for i in range(len(value)))
    return sorted(out, key=lambda p: [str(k) for k in p])


def _get(tree: Any, path: tuple) -> Any:
    for key in path:
        tree = tree[key]
    return tree


def _enlarged(value: Any, draw: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return draw(st.sampled_from(BIG_INTS))
    if isinstance(value, int):
        return value * draw(st.sampled_from(BIG_INTS)) or draw(st.sampled_from(BIG_INTS))
    if isinstance(value, float):
        return draw(st.sampled_from(BIG_FLOATS))
    if isinstance(value, str):
        return value * _times(value, draw(st.sampled_from((2, 100, 10_000)))) or "x" * 10_000
    if isinstance(value, list):
        return value * _times(value, draw(st.sampled_from((2, 10, 100)))) if value else [0] * 1000
    return {**value, **{f"k{i}": i for i in range(draw(st.sampled_from((1, 100))))}}


def _times(value: Any, factor: int) -> int:
    """``factor``, or less where the result's text would pass MAX_ENLARGED (twice the file size
    limit: the CLI's "too large" is still met, the fuzz's own memory is not)."""
    return max(1, min(factor, MAX_ENLARGED // max(_json_size(value, {}), 1)))


def _odd(draw: Any) -> Any:
    """A copy of one of ODD_VALUES: later mutations must not change the shared ones."""
    return json.loads(json.dumps(draw(st.sampled_from(ODD_VALUES))))


@st.composite
def mutants(draw: Any) -> tuple[str, Any]:
    """(the example's name, a mutant of it)."""
    name = draw(st.sampled_from(sorted(SOURCES)))
    tree = json.loads(json.dumps(SOURCES[name]))
    for _ in range(draw(st.integers(1, 3))):
        if len(json.dumps(tree)) > MAX_MUTANT:
            break
        path = draw(st.sampled_from(_paths(tree)))
        how = draw(st.sampled_from(("delete", "retype", "duplicate", "enlarge", "rename")))
        if not path:
            tree = _odd(draw) if how == "retype" else tree
            continue
        parent, key = _get(tree, path[:-1]), path[-1]
        if how == "delete":
            del parent[key]
        elif how == "retype":
            parent[key] = _odd(draw)
        elif how == "duplicate":
            if isinstance(parent, list):
                parent.insert(key, json.loads(json.dumps(parent[key])))
            else:
                parent[key + "_"] = parent[key]
        elif how == "enlarge":
            parent[key] = _enlarged(parent[key], draw)
        elif isinstance(parent, dict):  # rename: a key becomes another
            parent[draw(st.sampled_from(("id", "op", "inputs", "params", "shape", "data", "x" * 1000)))] = \
                parent.pop(key)
    return name, tree


def _json_size(value: Any, memo: dict[int, int]) -> int:
    """len(json.dumps(value)), without making the text: an enlarged mutant repeats the same
    objects many times over, so each one is measured once."""
    known = memo.get(id(value))
    if known is not None:
        return known
    if isinstance(value, dict):
        size = sum(len(json.dumps(k)) + 2 + _json_size(v, memo) for k, v in value.items())
    elif isinstance(value, list):
        size = sum(_json_size(v, memo) for v in value)
    else:
        size = len(json.dumps(value))
    if isinstance(value, (dict, list)):
        size += 2 + 2 * max(len(value) - 1, 0)  # the brackets, the ", " between items
    memo[id(value)] = size
    return size


def _write_text(value: Any, f: IO[str], budget: int, memo: dict[int, int]) -> int:
    """Write the start of json.dumps(value), at most ``budget`` characters; the budget left."""
    if budget <= 0:
        return budget
    if not isinstance(value, (dict, list)) or _json_size(value, memo) <= 1 << 20:
        text = json.dumps(value)
        f.write(text[:budget])
        return budget - len(text)
    items = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
    f.write("{" if isinstance(value, dict) else "[")
    budget -= 1
    for i, (key, item) in enumerate(items):
        if budget <= 0:
            return budget
        head = (", " if i else "") + (json.dumps(key) + ": " if isinstance(value, dict) else "")
        f.write(head[:budget])
        budget = _write_text(item, f, budget - len(head), memo)
    f.write("}"[:budget] if isinstance(value, dict) else "]"[:budget])
    return budget - 1


def _write_mutant(tree: Any, path: str) -> int:
    """Write the mutant's JSON text to ``path``; its length. A text past the file size limit is
    written only up to one character past it: the command line reads no further."""
    with open(path, "w", encoding="ascii") as f:
        memo: dict[int, int] = {}
        size = _json_size(tree, memo)
        _write_text(tree, f, MAX_FILE_BYTES + 1, memo)
    return size


class _Discard(io.TextIOBase):
    """stdout for the in-process calls: what the report says is not checked here, and holding it
    would count against the command's memory."""

    def write(self, text: str) -> int:
        return len(text)


def _resettable_peak() -> bool:
    """Whether Linux lets this process reset its peak resident memory (VmHWM) between calls."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


RSS_PEAK = _resettable_peak()


def _status_bytes(key: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) << 10
    raise KeyError(key)


@contextlib.contextmanager
def _peak_memory() -> Iterator[list[int]]:
    """The growth of memory while the block runs, in bytes: of the resident memory where Linux can
    reset its peak (every allocation, ~free), else of what Python's allocators trace (~2x slower)."""
    peak = [0]
    if RSS_PEAK:
        _resettable_peak()
        before = _status_bytes("VmRSS")
        yield peak
        peak[0] = _status_bytes("VmHWM") - before
        return
    tracemalloc.start()
    try:
        yield peak
        peak[0] = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _call(args: list[str]) -> tuple[int, str, int]:
    """cli.main in-process: (exit status, stderr, peak memory growth in bytes)."""
    err = io.StringIO()
    with _peak_memory() as peak, contextlib.redirect_stderr(err), contextlib.redirect_stdout(_Discard()):
        code = cli.main(args)
    return code, err.getvalue(), peak[0]


def _call_in_child(args: list[str]) -> tuple[int, str]:
    """``python -m graphstudio`` in a process of its own, under CHILD_MEMORY of address space (its
    memory guard does not know it: what the guard lets through must fail as one line):
    (exit status, stderr). A run that does not end in CHILD_TIMEOUT_S is a breach as well."""
    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))

    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    try:
        done = subprocess.run([sys.executable, "-m", "graphstudio", *args], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT, timeout=CHILD_TIMEOUT_S,
                              preexec_fn=limit_memory)
    except subprocess.TimeoutExpired:
        return -1, f"still running after {CHILD_TIMEOUT_S} s"
    return done.returncode, done.stderr


def _contract_breaches(path: str, args: list[str], code: int, err: str) -> list[str]:
    found = []
    if code not in (0, 1, 2):
        found.append(f"exit {code}")
    lines = err.splitlines()
    if code != 0 and not lines:
        found.append("failed without a line on stderr")
    if args[0] != "--validate" and len(lines) > 1:
        found.append(f"{len(lines)} lines on stderr")
    for line in lines:
        if "Traceback" in line or "internal error" in line:
            found.append(line[:300])
        elif not line.startswith(path):
            found.append(f"a line that does not name the file: {line[:200]}")
        elif CHECK_LINE_LENGTH and len(line) > MAX_LINE:
            found.append(f"a line of {len(line)} characters")
    return found


def _breaches(path: str, args: list[str], size: int, in_child: bool) -> list[str]:
    if in_child:
        return [f"in a process of its own: {b}" for b in _contract_breaches(path, args, *_call_in_child(args))]
    code, err, peak = _call(args)
    found = _contract_breaches(path, args, code, err)
    if peak > 4 * LIMIT + 40 * size + (16 << 20):
        found.append(f"peak {peak >> 20} MB for a file of {size >> 10} KB")
    return found


@pytest.fixture
def small_memory_limit(monkeypatch):
    monkeypatch.setattr(memory, "default_memory_limit", lambda: LIMIT)
    monkeypatch.setattr(compiler, "default_memory_limit", lambda: LIMIT)


@pytest.fixture
def capped_address_space():
    """A mutant the memory guard lets through must fail here, not take the machine: the process may
    grow by PROCESS_CAP (what the CLI then meets is a MemoryError, which must end in one line)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _status_bytes("VmSize") + PROCESS_CAP if RSS_PEAK else resource.RLIM_INFINITY
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    yield
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.mark.usefixtures("small_memory_limit", "capped_address_space")
@seed(SEED)
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(mutants())
def test_mutants_of_valid_files_keep_the_contract(mutant: tuple[str, Any]):
    name, tree = mutant
    in_child = next(_MUTANTS_SEEN) % CHILD_EVERY == 0
    with tempfile.TemporaryDirectory(dir=FAST_TMP) as tmp:
        path = str(Path(tmp) / name)
        size = _write_mutant(tree, path)
        breaches = {}
        for args in (["--validate", path], ["--run", path, "--json", "--steps", "2"], ["--export-code", path]):
            found = _breaches(path, args, size, in_child=False)
            if in_child:
                found += _breaches(path, args, size, in_child=True)
            if found:
                breaches[args[0]] = found
        assert not breaches, (name, breaches)
    _log_progress(next(_MUTANTS_PASSED))


def _log_progress(passed: int) -> None:
    """Write the count of mutants that kept the contract to PROGRESS_LOG, every PROGRESS_EVERY
    (Hypothesis replays a failing one as it shrinks it: the count may include those retries)."""
    if PROGRESS_LOG and passed % PROGRESS_EVERY == 0:
        with open(PROGRESS_LOG, "a") as f:
            f.write(f"seed {SEED}: {passed} mutants passed\n")
