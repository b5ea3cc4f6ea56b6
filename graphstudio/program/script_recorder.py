"""Running a student's PyTorch script on the engine and recording what it computed.

This module runs in a process of its own (see `script_import`): `torch` and its submodules are
the engine there, so nothing here may be imported into the editor's process. A `Recorder`
hears every op the dispatcher runs and every `backward()` (through `engine.recording`); each op
is tied to its place in the script (the call stack of the script's own frames, so the same
statement in every iteration of a loop is the same *site*) and to the variable that holds its
result (read from the script's frames at the next op and at the end).
"""
from __future__ import annotations

import bisect
import dis
import os
import sys
import types
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import graphstudio
import graphstudio.engine as engine
from graphstudio.engine.core import recording
from graphstudio.engine.core.grad_graph import grad_mode
from graphstudio.engine.nn import Module
from graphstudio.engine.optim import Optimizer
from graphstudio.engine.core.registry import Op
from graphstudio.engine.core.tensor import Tensor

_PACKAGE_DIR = os.path.dirname(os.path.abspath(graphstudio.__file__))

#: What `import torch...` gives the script: the engine's module for each name PyTorch has.
TORCH_MODULES = {"torch": "graphstudio.engine", "torch.nn": "graphstudio.engine.nn",
                 "torch.nn.functional": "graphstudio.engine.nn.functional",
                 "torch.nn.init": "graphstudio.engine.nn.init",
                 "torch.optim": "graphstudio.engine.optim", "torch.utils": "graphstudio.engine.utils",
                 "torch.utils.data": "graphstudio.engine.utils.data", "torch.autograd": "graphstudio.engine.autograd"}


class UnsupportedImport(ImportError):
    """A `torch.*` module the engine does not provide."""


class _TorchFinder:
    """Refuses every other `torch.*` module by name, instead of finding a real PyTorch."""

    @staticmethod
    def find_spec(name: str, path: Any = None, target: Any = None) -> None:
        if name == "torch" or name.startswith("torch."):
            raise UnsupportedImport(f"GraphStudio's engine has no module {name}")
        return None


def serve_torch() -> None:
    """Make `import torch` (and the submodules of TORCH_MODULES) import the engine, in this process."""
    import importlib

    for name, target in TORCH_MODULES.items():
        sys.modules[name] = importlib.import_module(target)
    sys.meta_path.insert(0, _TorchFinder())


@dataclass
class OpEvent:
    """One op call: `args` in port order, `outputs` always a tuple, `site` its place in the script."""

    op: type[Op]
    args: tuple
    params: dict
    outputs: tuple
    site: tuple
    line: int
    no_grad: bool


@dataclass
class BackwardEvent:
    """One `t.backward(...)`, with what the leaves held around it (to see updates and zeroing)."""

    tensor: Tensor
    gradient: Any
    retain_graph: bool
    site: tuple
    line: int
    index: int                      # how many op events came before it
    values_before: dict = field(default_factory=dict)   # id(leaf) -> array
    grads_fresh: bool = True        # every leaf's .grad was None or zero before it
    grads_after: dict = field(default_factory=dict)     # id(leaf) -> array


@dataclass
class Leaf:
    """A tensor the script made from data (or a module's parameter), as first seen by an op."""

    tensor: Tensor
    value: np.ndarray
    line: int


_DATA_LOADING = os.path.join(_PACKAGE_DIR, "engine", "utils")
_STARTS: dict[types.CodeType, list[int]] = {}


def _instruction(code: types.CodeType, lasti: int) -> int:
    """The offset of the instruction a frame is at. Once Python has specialised an instruction (after a
    few runs: `x[i]` on a Python `__getitem__`), `f_lasti` may point into its inline cache instead, and
    the same statement in a later iteration of a loop must still be the same site."""
    starts = _STARTS.get(code)
    if starts is None:
        starts = _STARTS[code] = [ins.offset for ins in dis.get_instructions(code)]
    return starts[bisect.bisect_right(starts, lasti) - 1] if starts and lasti >= starts[0] else lasti


def _inside_data_loading() -> bool:
    f = sys._getframe(2)
    while f is not None:
        if f.f_code.co_filename.startswith(_DATA_LOADING):
            return True
        f = f.f_back
    return False


class Recorder:
    """The `engine.recording` listener: every op event, backward event, leaf and variable name."""

    def __init__(self, script: str):
        self.script = os.path.abspath(script)
        self.events: list[OpEvent] = []
        self.backwards: list[BackwardEvent] = []
        self.produced: dict[int, tuple[int, int]] = {}   # id(tensor) -> (event index, output index)
        self.leaves: dict[int, Leaf] = {}                # id(tensor) -> Leaf
        self.site_names: dict[tuple, str] = {}           # site -> the variable that holds its result
        self.leaf_names: dict[int, str] = {}             # id(leaf) -> the variable that holds it
        self.unused: list[Tensor] = []                   # tensors of the script's variables no op took
        self.objects: dict[int, tuple[str, Any]] = {}    # id -> (variable, optimizer or module), first name seen
        self._last_stack: tuple = ()
        self._repeat = 0

    # -- the places in the script ----------------------------------------------------------------
    def _user_frames(self) -> list[types.FrameType]:
        """The script's frames on the stack, innermost first (frames of graphstudio are skipped)."""
        frames = []
        f = sys._getframe(2)
        while f is not None:
            name = f.f_code.co_filename
            if not os.path.abspath(name).startswith(_PACKAGE_DIR) and not name.startswith("<frozen"):
                if "runpy" in os.path.basename(name):
                    break
                frames.append(f)
            f = f.f_back
        return frames

    def _site(self, frames: list[types.FrameType], what: str) -> tuple:
        stack = tuple((id(f.f_code), _instruction(f.f_code, f.f_lasti)) for f in frames)
        self._repeat = self._repeat + 1 if stack == self._last_stack else 0
        self._last_stack = stack
        return stack + ((what, self._repeat),)

    def _name_from(self, frame: types.FrameType | None) -> None:
        """Give the tensors the frame's variables hold their names (the first name seen wins)."""
        if frame is None:
            return
        for name, value in list(frame.f_locals.items()):
            if name.startswith("_"):
                continue
            if type(value) is tuple or isinstance(value, tuple) and hasattr(value, "_fields"):
                self._name_pieces(name, value)
                continue
            if isinstance(value, (Optimizer, Module)) and name != "self":  # a module's own frame says `self`
                self.objects.setdefault(id(value), (name, value))
            if not isinstance(value, Tensor):
                continue
            key = id(value)
            if key in self.produced:
                event = self.events[self.produced[key][0]]
                self.site_names.setdefault(event.site, name)
            elif key in self.leaves:
                self.leaf_names.setdefault(key, name)

    def _name_pieces(self, name: str, value: tuple) -> None:
        """`sp = torch.split(...)`, `mx = x.max(dim=1)`: a tuple of one op's outputs names that op."""
        where = [self.produced.get(id(t)) for t in value]
        if value and all(w is not None and w[0] == where[0][0] for w in where):  # type: ignore[index]
            self.site_names.setdefault(self.events[where[0][0]].site, name)  # type: ignore[index]

    # -- the listener ------------------------------------------------------------------------------
    def _see_leaf(self, t: Tensor, line: int) -> None:
        if id(t) in self.produced and t.requires_grad and t.is_leaf:  # `(x * 0.1).requires_grad_()`: a new leaf
            del self.produced[id(t)]
        if id(t) not in self.produced and id(t) not in self.leaves:
            self.leaves[id(t)] = Leaf(t, np.array(t.detach().numpy(), copy=True), line)

    def op(self, op: type[Op], args: tuple, params: dict, result: Any) -> None:
        if _inside_data_loading():
            return  # a batch a DataLoader cut: data to the script, a leaf of the graph
        frames = self._user_frames()
        line = frames[0].f_lineno if frames else 0
        for a in args:
            for t in a if isinstance(a, (list, tuple)) else (a,):
                if isinstance(t, Tensor):
                    self._see_leaf(t, line)
        outputs = result if isinstance(result, tuple) else (result,)
        event = OpEvent(op, args, dict(params), outputs, self._site(frames, op.name), line, not grad_mode.enabled)
        self._name_from(frames[0] if frames else None)
        index = len(self.events)
        self.events.append(event)
        for i, t in enumerate(outputs):
            if isinstance(t, Tensor):
                self.produced[id(t)] = (index, i)

    def _trained(self) -> list[Tensor]:
        return [leaf.tensor for leaf in self.leaves.values() if leaf.tensor.requires_grad]

    def before_backward(self, t: Tensor, gradient: Any, retain_graph: Any) -> None:
        frames = self._user_frames()
        self._name_from(frames[0] if frames else None)
        if isinstance(gradient, Tensor):
            self._see_leaf(gradient, frames[0].f_lineno if frames else 0)
        trained = self._trained()
        fresh = all(p.grad is None or not np.any(p.grad.numpy()) for p in trained)
        self.backwards.append(BackwardEvent(
            t, gradient, bool(retain_graph), self._site(frames, "backward"), frames[0].f_lineno if frames else 0,
            len(self.events), {id(p): np.array(p.detach().numpy(), copy=True) for p in trained}, fresh))

    def after_backward(self, t: Tensor) -> None:
        self.backwards[-1].grads_after = {id(p): np.array(p.grad.numpy(), copy=True)
                                          for p in self._trained() if p.grad is not None}

    def finish(self, namespace: dict) -> None:
        """Name what the script's top-level variables hold at its end (their last iteration's values)."""
        frame = types.SimpleNamespace(f_locals=namespace)
        self._name_from(frame)  # type: ignore[arg-type]
        grads = {id(leaf.tensor.grad) for leaf in self.leaves.values()}
        for name, value in namespace.items():  # tensors no op took (a creation lesson) are leaves too
            if isinstance(value, Tensor) and not name.startswith("_") and id(value) not in self.produced \
                    and id(value) not in self.leaves and id(value) not in grads:
                self._see_leaf(value, 0)
                self.leaf_names[id(value)] = name
                self.unused.append(value)


def run(script: str) -> tuple[Recorder, dict]:
    """Run the script as `python script.py` would (its folder as cwd and on sys.path) on the engine."""
    import runpy

    serve_torch()
    recorder = Recorder(script)
    folder = os.path.dirname(os.path.abspath(script))
    os.chdir(folder)
    sys.path.insert(0, folder)
    sys.argv = [script]
    engine.manual_seed(0)
    recording.observe(recorder)
    try:
        namespace = runpy.run_path(script, run_name="__main__")
    finally:
        recording.observe(None)
    recorder.finish(namespace)
    return recorder, namespace
