"""Time travel: every step of a run, to be shown again as it was, within a memory cap.

What a step showed (every value, every wire's gradient) would cost more to keep than the step costs
to run. So the recording keeps *checkpoints* — what the run carried into a step: the trainable
leaves, their ``.grad``, the optimizers' state and learning rates, each data loader's place and the
random generator's state — one every ``interval`` steps, and ``runner.replay`` shows step k by
restoring the last checkpoint at or before k and running the steps from there again, the last one
traced. The engine is deterministic, so the replay is the step exactly as it ran (the tests compare
it with a fresh run stopped there). The leaves and optimizer state of a checkpoint are packed into
one array: one allocation, not one per tensor.

A step that is not a plain Step — a Forward or Backward pressed on its own, the first step after a
learning rate changed — gets a checkpoint of its own, *pinned*: replaying from an earlier one would
not know what was pressed or changed. Plain steps between two checkpoints replay as they ran.

Checkpoints are kept while they fit under ``cap`` bytes. One that would pass the cap doubles the
interval instead of ending the recording: every other checkpoint goes (pinned ones stay), so every
step stays reachable and showing one replays up to ``interval`` steps.

Each parameter's gradient norm is kept for every step (a few numbers a step, bounded as a run's
history is): the plot of vanishing or exploding gradients needs no replay.

The engine's thread adds checkpoints while the window's thread reads them: both go through one
lock, and a checkpoint is written only while its step runs (its ``root``, when its backward starts).
"""
from __future__ import annotations

import bisect
import math
import threading
from typing import Any

import numpy as np

from .history import History

#: The editor's default cap.
DEFAULT_CAP = 64 << 20
#: Plain steps between two checkpoints at first: showing a step replays at most this many.
CHECKPOINT_EVERY = 8
#: Bytes a checkpoint costs beyond its arrays' data: its objects, dicts and tuples (measured with
#: tracemalloc on the XOR lesson).
CHECKPOINT_OVERHEAD = 1200
#: Bytes an array it refers to costs beyond its data (the ndarray object and its slot).
ARRAY_OVERHEAD = 130
#: Bytes of a NumPy bit generator's state (its dicts and big ints), kept once the graph has drawn.
GENERATOR_STATE = 520

#: (leaf id, optimizer id or "" for the leaf's own value, state name or "", shape, dtype) per packed array.
Layout = tuple[tuple[str, str, str, tuple[int, ...], str], ...]


class Checkpoint:
    """What the run carried into step ``step``: see the module docstring. ``packed`` holds the
    trainable leaves and every optimizer state array (``layout`` says where); ``grads`` the leaves'
    ``.grad`` arrays (never written: a gradient accumulates into a new array); ``counts`` each
    optimizer state's ``step``; ``loaders`` each data node's place; ``generator`` the random
    generator's (seed, NumPy bit-generator state or None); ``root`` the output the step's backward
    started from (the editor's Backward on a graph with no backward node)."""

    __slots__ = ("step", "packed", "layout", "grads", "counts", "lrs", "loaders", "generator", "root", "pinned",
                 "nbytes")

    def __init__(self, step: int, packed: np.ndarray, layout: Layout, grads: dict[str, Any],
                 counts: dict[tuple[str, str], int], lrs: dict[str, float], loaders: dict[str, Any],
                 generator: tuple[int, Any]) -> None:
        self.step, self.packed, self.layout, self.grads = step, packed, layout, grads
        self.counts, self.lrs, self.loaders, self.generator = counts, lrs, loaders, generator
        self.root: str | None = None
        self.pinned = False
        self.nbytes = (CHECKPOINT_OVERHEAD + packed.nbytes + sum(g.nbytes + ARRAY_OVERHEAD for g in grads.values())
                       + (GENERATOR_STATE if generator[1] is not None else 0))

    def arrays(self) -> dict[tuple[str, str, str], np.ndarray]:
        """Each packed array, as its own copy in its own dtype: (leaf, optimizer or "", name or "") → array."""
        out, offset = {}, 0
        for leaf, opt, name, shape, dtype in self.layout:
            size = math.prod(shape)
            out[(leaf, opt, name)] = self.packed[offset:offset + size].reshape(shape).astype(dtype)
            offset += size
        return out


def pack(arrays: list[np.ndarray]) -> np.ndarray:
    """The arrays one after the other in one new array of their common dtype (exact: a float32
    widened to float64 comes back as it was)."""
    if not arrays:
        return np.empty(0)
    return np.concatenate([a.ravel() for a in arrays])


class Recording:
    """The checkpoints of a run (see the module docstring); ``cap`` bytes at most, 0 keeps none."""

    def __init__(self, cap: int = DEFAULT_CAP, origin: Any = None) -> None:
        self.cap = int(cap)
        self.origin = origin             # what replays the steps: (program, device, seed) of the run
        self.interval = CHECKPOINT_EVERY
        self.nbytes = 0
        self.largest = 0                 # the biggest checkpoint offered (one over the cap is never kept)
        self.norms = History()           # {"step": n, "grad_norm": {leaf: ‖grad‖}} for every step
        self.replayer: Any = None        # the runner the window's thread replays steps with (runner.replay)
        self._checkpoints: list[Checkpoint] = []
        self._lock = threading.Lock()

    def wants(self, step: int) -> bool:
        """Whether step number ``step`` (1 for the first) gets a checkpoint as a plain step."""
        return self.cap > 0 and (step - 1) % self.interval == 0

    def add(self, checkpoint: Checkpoint) -> None:
        """Keep ``checkpoint`` (if pinned or wanted), doubling the interval while it would pass the cap.
        A second checkpoint for the same step (its forward ran again) replaces the first."""
        self.largest = max(self.largest, checkpoint.nbytes)
        with self._lock:
            kept = self._checkpoints
            if kept and kept[-1].step == checkpoint.step:
                self.nbytes -= kept.pop().nbytes
            if checkpoint.nbytes > self.cap:
                return
            while self.nbytes + checkpoint.nbytes > self.cap and any(c.step > 1 and not c.pinned for c in kept):
                self.interval *= 2
                self._checkpoints = kept = [c for c in kept if c.pinned or (c.step - 1) % self.interval == 0]
                self.nbytes = sum(c.nbytes for c in kept)
            if self.nbytes + checkpoint.nbytes <= self.cap and (
                    checkpoint.pinned or (checkpoint.step - 1) % self.interval == 0):
                kept.append(checkpoint)
                self.nbytes += checkpoint.nbytes

    def add_norms(self, step: int, norms: dict[str, float]) -> None:
        self.norms.append({"step": step, "grad_norm": norms})

    def steps(self) -> list[int]:
        """The steps with a checkpoint, in order."""
        with self._lock:
            return [c.step for c in self._checkpoints]

    def first(self) -> int | None:
        """The first step that can be shown again (every later one can), or None."""
        with self._lock:
            return self._checkpoints[0].step if self._checkpoints else None

    def checkpoint_before(self, step: int) -> Checkpoint | None:
        """The last checkpoint at or before step ``step`` (where a replay of it starts), or None."""
        with self._lock:
            kept = self._checkpoints
            i = bisect.bisect_right([c.step for c in kept], step)
            return kept[i - 1] if i else None


def grad_norms(grads: dict[str, Any]) -> dict[str, float]:
    """The 2-norm of each gradient (a host array), by name."""
    out = {}
    for name, g in grads.items():
        flat = g.reshape(-1)
        out[name] = math.sqrt(abs(float(np.vdot(flat, flat))))
    return out
