"""Time travel: a run's steps as they were — values, gradients, optimizer state — within a memory cap.

A ``Frame`` is what the canvas shows of one step: the step's trace (the values that flowed forward,
each use's gradient and every ``.grad``), the trainable leaves and the optimizers' state after it.
Frames are recorded while they fit under ``cap`` bytes. A frame that would pass the cap thins the
recording instead of ending it: every other frame is dropped and from then on only every
``stride``-th step is recorded (the stride doubles each time), so the recording always spans the
whole run, at a coarser grain the longer it runs. Steps that are not recorded are not traced, so
a thinned recording also costs less time per step.

Each parameter's gradient norm is kept for every step whatever the stride (a few numbers a step,
bounded as a run's history is): the plot of vanishing or exploding gradients needs no frames.

The engine's thread adds frames while the window's thread reads them: both go through one lock,
and a frame, once added, is never written.
"""
from __future__ import annotations

import math
import threading
from typing import Any

import numpy as np

from .history import History

#: The editor's default cap.
DEFAULT_CAP = 64 << 20
#: Bytes an array costs beyond its data: the ndarray object and its share of the frame's dicts and
#: lists (measured with tracemalloc on the XOR lesson: about 260 a step's array). A step of small
#: tensors is mostly this.
ARRAY_OVERHEAD = 260


class Frame:
    """One recorded step: ``trace`` as the runner traced it (a ``runner.Trace``), ``leaves``
    (trainable leaf → value) and ``states`` (optimizer → leaf → state, PyTorch's names) after the
    optimizers stepped. Never written once made (a plain class with slots: one is made every step)."""

    __slots__ = ("step", "trace", "leaves", "states", "nbytes")

    def __init__(self, step: int, trace: Any, leaves: dict[str, np.ndarray],
                 states: dict[str, dict[str, dict[str, Any]]], nbytes: int) -> None:
        self.step, self.trace, self.leaves, self.states, self.nbytes = step, trace, leaves, states, nbytes


def frame_bytes(trace: Any, leaves: dict[str, np.ndarray], states: dict[str, dict[str, dict[str, Any]]]) -> int:
    """The memory a frame holds: each array once (a gradient passed on unchanged is one array for
    two wires), its data plus ``ARRAY_OVERHEAD``. A view counts as the data it shows (an over-estimate
    where its base is in the frame too)."""
    sizes = {id(a): a.nbytes for a in trace.values.values()}
    for parts in trace.edge_grads.values():
        for g in parts:
            sizes[id(g)] = g.nbytes
    for g in trace.grads.values():
        if g is not None:
            sizes[id(g)] = g.nbytes
    for a in leaves.values():
        sizes[id(a)] = a.nbytes
    for per_leaf in states.values():
        for state in per_leaf.values():
            for a in state.values():
                if not isinstance(a, int):
                    sizes[id(a)] = a.nbytes
    return sum(sizes.values()) + ARRAY_OVERHEAD * len(sizes)


class Recording:
    """The frames of a run (see the module docstring); ``cap`` bytes at most, 0 records none."""

    def __init__(self, cap: int = DEFAULT_CAP) -> None:
        self.cap = int(cap)
        self.stride = 1
        self.nbytes = 0
        self.largest = 0                 # the biggest frame offered (one over the cap is never kept)
        self.norms = History()           # {"step": n, "grad_norm": {leaf: ‖grad‖}} for every step
        self._frames: list[Frame] = []
        self._lock = threading.Lock()

    def wants(self, step: int) -> bool:
        """Whether step number ``step`` (1 for the first) will be recorded: worth tracing."""
        return self.cap > 0 and (step - 1) % self.stride == 0

    def add(self, frame: Frame) -> None:
        """Keep ``frame`` if its step is wanted, thinning the older frames while it would pass the cap."""
        self.largest = max(self.largest, frame.nbytes)
        if frame.nbytes > self.cap:
            return
        with self._lock:
            while self.nbytes + frame.nbytes > self.cap:
                self.stride *= 2
                self._frames = [f for f in self._frames if (f.step - 1) % self.stride == 0]
                self.nbytes = sum(f.nbytes for f in self._frames)
            if (frame.step - 1) % self.stride == 0:
                self._frames.append(frame)
                self.nbytes += frame.nbytes

    def add_norms(self, step: int, norms: dict[str, float]) -> None:
        self.norms.append({"step": step, "grad_norm": norms})

    def frames(self) -> list[Frame]:
        """The frames kept, in step order (a copy of the list: the engine may add more meanwhile)."""
        with self._lock:
            return list(self._frames)

    def steps(self) -> list[int]:
        """The step number of each frame kept, in order."""
        with self._lock:
            return [f.step for f in self._frames]

    def frame(self, step: int) -> Frame | None:
        """The frame of step ``step``, or None when that step is not kept."""
        with self._lock:
            return next((f for f in self._frames if f.step == step), None)


def grad_norms(grads: dict[str, Any]) -> dict[str, float]:
    """The 2-norm of each gradient (a host array), by name."""
    out = {}
    for name, g in grads.items():
        flat = g.reshape(-1)
        out[name] = math.sqrt(abs(float(np.vdot(flat, flat))))
    return out
