"""Run a compiled Program, step by step, as PyTorch eager would run the same script.

Leaves are made once per run (`reset`) and keep their values across steps, so an
optimizer trains them. Every step runs the ops again — a fresh dynamic autograd
graph — then the sinks in file order. With `trace=True` each step also records,
for the editor's animation, the value that flowed along every edge and each use's
own gradient contribution; without it the run pays nothing for tracing. With a ``Recording``
(time travel) each step it keeps starts with a checkpoint of what the run carries into it, and
``replay`` runs that step again, traced, to show it as it was.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graphstudio.document.references import source_of
from graphstudio.engine.core import op_functions
from graphstudio.engine import optim
from graphstudio.engine.core.backend import get_backend
from graphstudio.engine.core.grad_graph import AccumulateGrad, grad_mode, no_grad
from graphstudio.engine.core.generator import SeededRNG, default_generator
from graphstudio.engine.core.saved import SavedArray
from graphstudio.engine.factory import from_host, tensor
from graphstudio.engine.core.tensor import Tensor

from .compiler import Const, Program, Ref, Step
from .datasets import BatchLoader
from .history import Entry, History
from .kept import KeptArrays
from .nodes import load
from .recording import Checkpoint, Recording, grad_norms, pack


class RunError(RuntimeError):
    """A node failed while running; names the node and op, with the engine's message."""

    def __init__(self, node_id: str, op: str, message: str):
        self.node_id, self.op = node_id, op
        super().__init__(f"node '{node_id}' ({op}): {message}")


@dataclass
class Edge:
    """One wire: output `source` of a node feeding input `port` (item `index` of a list) of `target`."""

    source: str
    target: str
    port: str
    index: int | None = None


@dataclass
class Trace:
    """What one step showed: values forward, gradients backward (host arrays)."""

    values: dict[str, np.ndarray] = field(default_factory=dict)          # output key → value
    sources: list[str] = field(default_factory=list)                     # edge index → its source's key
    edge_grads: dict[int, tuple[np.ndarray, ...]] = field(default_factory=dict)  # edge index → contributions
    grads: dict[str, np.ndarray | None] = field(default_factory=dict)    # output key → .grad as PyTorch holds it
    autograd: dict[str, tuple | None] = field(default_factory=dict)      # output key → (grad_fn, nr) after forward
    losses: dict[str, float] = field(default_factory=dict)
    kept: KeptArrays | None = None  # what the nodes' backwards keep (``saved``, ``freed``), worked out when asked
    backward_ran: bool = False      # whether this step's backward has run (``freed`` says what it released)
    backward_order: list[str] = field(default_factory=list)  # node ids in the order backward ran their grad_fn

    @property
    def grad_fns(self) -> dict[str, str | None]:
        """Output key → the name of its grad_fn (None for a leaf or a result that records nothing)."""
        return {k: None if e is None or e[0] is None or type(e[0]) is AccumulateGrad else type(e[0]).__name__
                for k, e in self.autograd.items()}

    @property
    def saved(self) -> dict[str, tuple[SavedArray, ...]]:
        """Node id → what its backward keeps (nodes that keep nothing left out)."""
        return {} if self.kept is None else self.kept.records()

    @property
    def freed(self) -> set[str]:
        """Node ids whose saved arrays this step's backward freed (none before it ran)."""
        return self.kept.freed() if self.kept is not None and self.backward_ran else set()

    def edge_value(self, edge: int) -> np.ndarray | None:
        """The value that flowed along wire `edge`: its source's output, the same array for every use."""
        return self.values.get(self.sources[edge])

    def copy(self) -> Trace:
        """A copy to hand to another thread: new dicts and lists, the same arrays (nobody writes them)."""
        return Trace(dict(self.values), self.sources, dict(self.edge_grads),
                     dict(self.grads), self.autograd, dict(self.losses), self.kept, self.backward_ran,
                     list(self.backward_order))


class Runner:
    def __init__(self, program: Program, device: str | None = None, seed: int | None = None,
                 trace: bool = False, detect_anomaly: bool = False, on_step: Callable[[Entry], None] | None = None,
                 record_cap: int | None = None):
        """``on_step`` hears every step's history entry (the history itself keeps a bounded summary);
        ``record_cap``: record the steps for time travel in at most that many bytes (None: no recording)."""
        self.program = program
        self.backend = get_backend(device or program.doc.device)
        self.seed = program.doc.seed if seed is None else seed
        self.tracing = trace
        self.detect_anomaly = detect_anomaly
        self.edges = _edges(program)
        self.values: dict[str, Tensor] = {}
        self.on_step = on_step
        self.history = History(on_step)
        self.trace: Trace | None = None  # the last step's, when tracing
        self.record_cap = record_cap
        self._plain = False  # a forward inside step(): a plain step, replayable from an earlier checkpoint
        self.reset()

    # -- lifecycle --------------------------------------------------------------------------------
    def reset(self) -> None:
        """Make every leaf anew from the seed; forget optimizer state, batches and history."""
        rng = SeededRNG(self.seed)
        self.values = {}
        self.leaves: dict[str, Tensor] = {}
        self.loaders: dict[str, Any] = {}
        self.constants: dict[int, Tensor] = {}
        for step in self.program.steps:
            if step.kind == "leaf":
                params = {k: v for k, v in step.params.items()}
                try:
                    arr = step.op.make(rng, **params)
                    t = from_host(arr, self.backend, bool(step.flags.get("requires_grad") or params.get("requires_grad")))
                except Exception as e:
                    raise RunError(step.id, step.op.name, str(e)) from None
                self.leaves[step.id] = t
                self.values[step.id] = t
            elif step.kind == "data":
                x, y = load(step.params, self.program.base_dir)
                self.loaders[step.id] = BatchLoader(x, y, batch_size=step.params["batch_size"],
                                                    shuffle=step.params["shuffle"], seed=step.params["seed"])
        self._leaf_names = {id(t): k for k, t in self.leaves.items()}
        self.optimizers = {s.id: self._optimizer(s) for s in self.program.sinks if s.op.torch_class}
        self.history = History(self.on_step)
        self.recording = None if not self.record_cap else self._new_recording()
        self.trace = None

    def _optimizer(self, sink: Step) -> optim.Optimizer | None:
        params = [self.leaves[sid] for sid in _upstream_leaves(self.program, sink) if self.leaves[sid].requires_grad]
        if not params:
            return None
        cls = getattr(optim, sink.op.torch_class)
        options = dict(sink.params)
        if "betas" in options:
            options["betas"] = tuple(options["betas"])
        return cls(params, **options)

    def set_detect_anomaly(self, on: bool) -> None:
        """Check every op's outputs for NaN and Inf from the next step on (the short paths skip the check)."""
        self.detect_anomaly = bool(on)
        self.__dict__.pop("_plans_cache", None)

    def run(self, steps: int | None = None) -> History:
        for _ in range(self.program.doc.steps if steps is None else steps):
            self.step()
        return self.history

    def step(self) -> None:
        """One forward pass, then every sink; appends to `history`."""
        self._plain = True
        try:
            self.forward()
        finally:
            self._plain = False
        self.backward()

    # -- the two halves (the editor animates them one at a time) -----------------------------------
    def forward(self) -> None:
        self.trace = None
        recording = self.recording
        if recording is not None:
            step, last = len(self.history) + 1, self._checkpointed
            again = last is not None and last.step == step  # this step's forward runs again: what it starts from moved
            first = last is None  # the recording starts here (a run's first step, or switched on mid-run)
            if again or first or not self._plain or self._pin_next or recording.wants(step):
                self._checkpoint(pinned=again and last.pinned or first or not self._plain or self._pin_next)
        values, step = self.values, None
        try:
            for step, fast, op, names, key in self._plans:
                # The usual op (inputs all wires, no flags, one output) runs right here; the rest in _run_op.
                if fast is not None:  # unary/binary ops with no params: straight to the op's short path
                    values[key] = (fast(values[names[0]], values[names[1]]) if len(names) == 2
                                   else fast(values[names[0]]))
                elif names is not None:
                    values[key] = op_functions.call(op, [values[n] for n in names], step.params)
                elif step.kind == "data":
                    x, y = self.loaders[step.id].next_batch()
                    values[step.output_key(0)] = from_host(x, self.backend)
                    values[step.output_key(1)] = from_host(y, self.backend)
                else:
                    self._run_op(step)
        except RunError:
            raise
        except Exception as e:
            assert step is not None
            raise RunError(step.id, step.op.name, str(e)) from None
        self.trace = self._trace_forward() if self.tracing else None

    @property
    def _plans(self) -> list[tuple]:
        """Per op or data step, worked out once: (step, the op's short path or None, op,
        input names when the step is a plain call or None, output key)."""
        plans = self.__dict__.get("_plans_cache")
        if plans is None:
            plans = []
            for step in self.program.steps:
                if step.kind == "leaf":
                    continue
                plain = (step.kind == "op" and step.keyed_by_id and not self.detect_anomaly
                         and all(isinstance(v, Ref) for v in step.inputs)
                         and not any(step.flags.get(f) for f in ("no_grad", "retain_grad")))
                names = [v.name for v in step.inputs] if plain else None
                fast = op_functions.short_path(step.op) if plain and step.params == step.op.defaults() else None
                plans.append((step, fast, step.op, names, step.output_key(0)))
            self.__dict__["_plans_cache"] = plans
        return plans

    def _run_op(self, step: Step) -> None:
        args = tuple(self._arg(v) for v in step.inputs)
        if step.flags.get("no_grad"):
            with no_grad():
                out = op_functions.call(step.op, args, step.params)
        else:
            out = op_functions.call(step.op, args, step.params)
        outs = out if isinstance(out, tuple) else (out,)
        for i, t in enumerate(outs):
            self.values[step.output_key(i)] = t
            if self.detect_anomaly and t.dtype.is_floating_point and not bool(np.all(np.isfinite(t.host()))):
                raise RunError(step.id, step.op.name, "produced non-finite values (nan or inf) with anomaly "
                               "detection on" + _anomaly_origin(step, t, args))
        if step.flags.get("retain_grad"):
            for t in outs:
                if t.requires_grad:
                    t.retain_grad()

    def _arg(self, v: Any) -> Any:
        if isinstance(v, Ref):
            return self.values[v.name]
        if isinstance(v, Const):
            key = id(v)
            if key not in self.constants:
                self.constants[key] = tensor(v.data, device=self.backend)
            return self.constants[key]
        if isinstance(v, list):
            return [self._arg(x) for x in v]
        return v

    def backward(self, root: str | None = None) -> None:
        """Every sink in file order, then ``values[root].backward()`` when ``root`` is given (the
        editor's Backward on a graph with no backward node: ``out.backward()`` as a student writes
        it); records the step's losses."""
        losses: dict[str, float] = {}
        log: list | None = [] if self.trace is not None else None
        previous = grad_mode.edge_log  # per thread: two windows may trace at once
        grad_mode.edge_log = log
        try:
            for sink in self.program.sinks:
                self._run_sink(sink, losses)
            if root is not None:
                self._backward_from(root)
        finally:
            grad_mode.edge_log = previous
        self.history.append({"step": len(self.history) + 1, "loss": losses or None})
        if self.trace is not None:
            assert log is not None
            self.trace.losses = losses
            self._trace_backward(log)
        recording = self.recording
        if recording is not None:
            host, step = self._host, len(self.history)
            recording.add_norms(step, grad_norms({k: host(t._grad.array) for k, t in self.leaves.items()
                                                  if t._grad is not None}))
            checkpoint = self._checkpointed
            if checkpoint is not None and checkpoint.step == step:
                checkpoint.root = root

    # -- time travel ------------------------------------------------------------------------------------
    def set_record_cap(self, cap: int) -> None:
        """Keep at most ``cap`` bytes of checkpoints from the next step on (0: none); a run that was not
        recording starts now (any thread: the recording thins itself at its next checkpoint)."""
        self.record_cap = cap or None
        if self.recording is not None:
            self.recording.cap = int(cap)
        elif cap:
            self.recording = self._new_recording()

    def set_lr(self, optimizer: str, lr: float) -> None:
        """``param_groups[..]["lr"] = lr`` as in PyTorch, between steps; the next step is checkpointed."""
        opt = self.optimizers.get(optimizer)
        if opt is not None:
            for group in opt.param_groups:
                group["lr"] = lr
            self._pin_next = True

    def _new_recording(self) -> Recording:
        self._checkpointed: Checkpoint | None = None
        self._pin_next = False
        self._layout: tuple = ()
        assert self.record_cap is not None
        return Recording(self.record_cap, (self.program, str(self.backend.device), self.seed))

    def _checkpoint(self, pinned: bool) -> None:
        """Keep what the run carries into the step about to run (see ``recording``); ``pinned``: a
        step a replay from an earlier checkpoint would not run as it ran."""
        assert self.recording is not None
        host, leaves, names = self._host, self.leaves, self._leaf_names
        trainable = [(k, host(t.array)) for k, t in leaves.items() if t.requires_grad]
        held, counts = [], {}  # (id of the parameter, optimizer, state name, array)
        for opt_id, opt in self.optimizers.items():
            for p, state in (() if opt is None else opt.state.items()):
                for name, v in state.items():
                    if name == "step":
                        counts[(names[id(p)], opt_id)] = int(v)
                    else:
                        held.append((id(p), opt_id, name, v))
        arrays = [a for _, a in trainable] + [host(v) for *_, v in held]
        if len(arrays) != len(self._layout):  # a leaf's or a state's shape and dtype never change in a run
            self._layout = tuple([(k, "", "", a.shape, a.dtype.str) for k, a in trainable]
                                 + [(names[p], opt_id, name, a.shape, a.dtype.str)
                                    for (p, opt_id, name, _), a in zip(held, arrays[len(trainable):])])
        grads = {k: host(t._grad.array) for k, t in leaves.items() if t.requires_grad and t._grad is not None}
        lrs = {k: o.param_groups[0]["lr"] for k, o in self.optimizers.items() if o is not None}
        checkpoint = Checkpoint(len(self.history) + 1, pack(arrays), self._layout, grads, counts, lrs,
                                {k: loader.state() for k, loader in self.loaders.items()},
                                default_generator.rng.state())
        checkpoint.pinned = pinned
        self._checkpointed, self._pin_next = checkpoint, False
        self.recording.add(checkpoint)

    def restore(self, checkpoint: Checkpoint) -> None:
        """Put the run back where ``checkpoint`` was taken: the next step is that step again."""
        xp = self.backend.xp
        arrays = checkpoint.arrays()
        states: dict[str, dict[Any, dict[str, Any]]] = {k: {} for k in self.optimizers}
        for (leaf, opt_id, name), a in arrays.items():
            if not opt_id:
                self.leaves[leaf].array = xp.asarray(a)
            else:
                state = states[opt_id].setdefault(self.leaves[leaf], {})
                if (leaf, opt_id) in checkpoint.counts and not state:
                    state["step"] = checkpoint.counts[(leaf, opt_id)]
                state[name] = xp.asarray(a)
        for k, t in self.leaves.items():
            if t.requires_grad:
                g = checkpoint.grads.get(k)
                t._grad = None if g is None else from_host(np.array(g, copy=True), self.backend)
        for opt_id, opt in self.optimizers.items():
            if opt is not None:
                opt.state = states[opt_id]
                for group in opt.param_groups:
                    group["lr"] = checkpoint.lrs[opt_id]
        for k, loader in self.loaders.items():
            loader.set_state(checkpoint.loaders[k])

    def _run_sink(self, sink: Step, losses: dict[str, float]) -> None:
        try:
            if sink.op.name == "backward":
                tensor, gradient = (self._arg(v) for v in sink.inputs)
                tensor.backward(gradient, retain_graph=sink.params.get("retain_graph", False))
                return
            loss = self._arg(sink.inputs[0])
            opt = self.optimizers.get(sink.id)
            if opt is not None:
                opt.zero_grad()
            loss.backward()
            if opt is not None:
                opt.step()
            losses[sink.id] = float(loss.item())
        except Exception as e:
            raise RunError(sink.id, sink.op.name, str(e)) from None

    def _backward_from(self, key: str) -> None:
        node_id = source_of(key)
        try:
            self.values[key].backward()
        except Exception as e:
            raise RunError(node_id, self.program.step(node_id).op.name, str(e)) from None

    # -- tracing ------------------------------------------------------------------------------------
    def _trace_forward(self) -> Trace:
        """Values as they flowed. Op results are new arrays every step and nothing writes into them,
        so they are kept as they are; only leaves (updated in place by optimizers) are copied. Each
        output's grad_fn and what the nodes keep are noted as they are now, to be read when asked."""
        host = self._host
        arrays, edges = {}, {}
        for k, t in self.values.items():  # one pass for both: a traced step makes them for every output
            arrays[k] = t.array
            edges[k] = t._edge
        values = dict(arrays) if host is _same else {k: host(a) for k, a in arrays.items()}
        for k in self.leaves:
            values[k] = values[k].copy()
        kept = KeptArrays(self._recorded, edges, arrays, self.constants)
        return Trace(values, self._edge_sources, {}, {}, edges, kept=kept)

    @property
    def _recorded(self) -> list[tuple[str, str, tuple[str, ...], tuple[tuple[str, Any], ...]]]:
        """Per op step, worked out once: (id, first output key, every output key, each input as
        (the name its saved array goes by, its value in the step))."""
        cache = self.__dict__.get("_recorded_cache")
        if cache is None:
            cache = []
            for step in self.program.steps:
                if step.kind != "op":
                    continue
                inputs = tuple((f"{port.name}[{j}]" if isinstance(v, list) else port.name, x)
                               for port, v in zip(step.op.inputs, step.inputs)
                               for j, x in enumerate(v if isinstance(v, list) else [v]))
                keys = tuple(step.output_key(i) for i in range(len(step.outputs)))
                cache.append((step.id, step.output_key(0), keys, inputs))
            self.__dict__["_recorded_cache"] = cache
        return cache

    def _trace_backward(self, log: list) -> None:
        """Each use's gradient, from the pass's edge log, and every `.grad` as PyTorch holds it."""
        assert self.trace is not None
        host, values, autograd = self._host, self.values, self.trace.autograd
        of_node = {}  # grad_fn → (the edge index feeding each of its inputs, its step's id)
        for k, entry in self._input_edges:
            e = autograd.get(k)
            if e is not None:  # (a leaf's AccumulateGrad, or None, never sends along an edge: harmless here)
                of_node[e[0]] = entry
        per_edge = self.trace.edge_grads
        order, ran = self.trace.backward_order, set()
        items = iter(log)
        current = entry = None
        for node, i, grad in zip(items, items, items):
            if node is not current:  # a node's edges are logged one after another: look it up once
                current, entry = node, of_node.get(node)
                if node not in ran:  # each node runs once in a pass: its first edge is when it ran
                    ran.add(node)
                    if entry is not None:
                        order.append(entry[1])
            if entry is not None:
                edge = entry[0][i]
                if edge is not None:
                    # a tuple, not a list: the collector stops scanning it after one look (1,000s per traced
                    # step); the array itself on the CPU, never written later
                    per_edge[edge] = per_edge.get(edge, ()) + (grad if host is _same else host(grad),)
        self.trace.backward_ran = True
        # Only leaves and retain_grad outputs can hold a .grad (as in PyTorch); the rest are None.
        grads = self.trace.grads = dict.fromkeys(values)
        for k in self._grad_keys:
            g = values[k]._grad
            if g is not None:
                grads[k] = host(g.array)

    @property
    def _host(self) -> Any:
        """Array → NumPy for the trace; on the CPU the arrays are NumPy's already (and never written)."""
        be = self.backend
        return _same if be.device.type == "cpu" else be.to_numpy

    @property
    def _edge_sources(self) -> list[str]:
        cache = self.__dict__.get("_edge_sources_cache")
        if cache is None:
            cache = self.__dict__["_edge_sources_cache"] = [e.source for e in self.edges]
        return cache

    @property
    def _grad_keys(self) -> list[str]:
        """Outputs that may hold a .grad: leaves, and op outputs with the retain_grad flag."""
        cache = self.__dict__.get("_grad_keys_cache")
        if cache is None:
            cache = [step.output_key(i) for step in self.program.steps
                     if step.kind == "leaf" or step.flags.get("retain_grad") for i in range(len(step.outputs))]
            self.__dict__["_grad_keys_cache"] = cache
        return cache

    @property
    def _input_edges(self) -> list[tuple[str, tuple[list[int | None], str]]]:
        """Per op output key, (the edge index feeding each input of its grad_fn in next_functions order,
        its step's id)."""
        cache = self.__dict__.get("_input_edges_cache")
        if cache is None:
            by_step: dict[str, list[int | None]] = {}
            for i, e in enumerate(self.edges):
                step = self.program.step(e.target)
                slots = by_step.setdefault(e.target, [None] * _flat_count(step))
                pos = _flat_position(step, e.port, e.index)
                if pos is not None:
                    slots[pos] = i
            cache = [(step.output_key(j), (by_step.get(step.id, [None] * _flat_count(step)), step.id))
                     for step in self.program.steps if step.kind != "leaf" for j in range(len(step.outputs))]
            self.__dict__["_input_edges_cache"] = cache
        return cache

    # -- the report ----------------------------------------------------------------------------------
    def trainable_leaves(self) -> dict[str, np.ndarray]:
        """Each leaf that requires grad, as a host copy of its value now."""
        host = self.backend.to_numpy
        return {k: np.array(host(t.array), copy=True) for k, t in self.leaves.items() if t.requires_grad}

    def optimizer_state_copies(self) -> dict[str, dict[str, dict[str, Any]]]:
        """``optimizer_states`` as host copies (the optimizers update their arrays in place): optimizer
        id → leaf id → PyTorch's name → array (``step`` an int). Read straight from each optimizer's
        ``state`` (in its parameters' order, which is the leaves' file order): time travel copies it
        every step."""
        host, names = self.backend.to_numpy, self._leaf_names
        return {opt_id: {} if opt is None else
                {names[id(p)]: {k: int(v) if k == "step" else host(v).copy() for k, v in state.items()}
                 for p, state in opt.state.items() if state}
                for opt_id, opt in self.optimizers.items()}

    def optimizer_states(self) -> Iterator[tuple[str, list[tuple[str, dict[str, Any]]]]]:
        """Per optimizer node id, each leaf it updates that has state yet, with that state: PyTorch's
        ``state_dict`` names, the optimizer's own arrays (``step`` a count)."""
        for opt_id, opt in self.optimizers.items():
            states = [] if opt is None else [(k, opt.state.get(leaf)) for k, leaf in self.leaves.items()]
            yield opt_id, [(k, state) for k, state in states if state]

    def outputs(self) -> dict[str, Tensor]:
        """Every node output (`id` or `id:name`) in file order, with its tensor after the last step."""
        out = {}
        for node in self.program.doc.nodes:
            step = self.program.step(node.id)
            for i in range(len(step.outputs)):
                key = step.output_key(i)
                if key in self.values:
                    out[key] = self.values[key]
        return out


def _anomaly_origin(step: Step, out: Tensor, args: tuple) -> str:
    """Where a NaN or Inf came from: how many the output holds and the inputs that made them
    (``: 1 nan of 2, from input = x [-1.0, 4.0]``)."""
    a = out.host()
    counts = [f"{n} {word}" for n, word in ((int(np.isnan(a).sum()), "nan"), (int(np.isinf(a).sum()), "inf")) if n]
    inputs = []
    for port, v, arg in zip(step.op.inputs, step.inputs, args):
        for ref, x in zip(v, arg) if isinstance(v, list) else [(v, arg)]:
            if isinstance(x, Tensor):
                inputs.append(f"{port.name} = {ref.name if isinstance(ref, Ref) else 'a constant'} {_glance(x.host())}")
            elif isinstance(x, (int, float)) and not isinstance(x, bool):
                inputs.append(f"{port.name} = {x}")
    return f": {' and '.join(counts)} of {a.size}" + (f", from {'; '.join(inputs)}" if inputs else "")


def _glance(a: np.ndarray) -> str:
    """A few numbers as they are; more as their shape, finite range and non-finite count."""
    if a.size <= 6 and a.ndim <= 1:
        return "[" + ", ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in a.reshape(-1).tolist()) + "]"
    finite = a[np.isfinite(a)] if a.dtype.kind == "f" else a.reshape(-1)
    text = "×".join(map(str, a.shape))
    if finite.size:
        text += f", min {float(finite.min()):.4g}, max {float(finite.max()):.4g}"
    bad = a.size - finite.size
    return f"[{text}" + (f", {bad} non-finite]" if bad else "]")


def _same(array: Any) -> Any:
    return array


def _edges(program: Program) -> list[Edge]:
    edges = []
    for step in program.steps + program.sinks:
        for port, v in zip(step.op.inputs, step.inputs):
            items = v if isinstance(v, list) else [v]
            for j, x in enumerate(items):
                if isinstance(x, Ref):
                    edges.append(Edge(x.name, step.id, port.name, j if isinstance(v, list) else None))
    return edges


def _flat_count(step: Step) -> int:
    return sum(len(v) if isinstance(v, list) else 1 for p, v in zip(step.op.inputs, step.inputs) if p.differentiable)


def _flat_position(step: Step, port: str, index: int | None) -> int | None:
    """Where an input sits in the flat list of a grad_fn's next_functions (None: a port with no edge)."""
    pos = 0
    for p, v in zip(step.op.inputs, step.inputs):
        if p.name == port:
            return pos + (index or 0) if p.differentiable else None
        if p.differentiable:
            pos += len(v) if isinstance(v, list) else 1
    return pos


def _upstream_leaves(program: Program, sink: Step) -> list[str]:
    """Leaf ids that `sink`'s inputs depend on (iteratively), in file order."""
    by_id = {s.id: s for s in program.steps}
    seen: set[str] = set()
    stack = [r.node for r in _refs(sink.inputs)]
    while stack:
        sid = stack.pop()
        if sid in seen:
            continue
        seen.add(sid)
        stack.extend(r.node for r in _refs(by_id[sid].inputs))
    return [s.id for s in program.steps if s.kind == "leaf" and s.id in seen]


def _refs(inputs: tuple) -> list[Ref]:
    return [x for v in inputs for x in (v if isinstance(v, list) else (v,)) if isinstance(x, Ref)]



def replay(recording: Recording, step: int) -> Runner | None:
    """Step ``step`` of a recorded run as it ran: the last checkpoint at or before it restored, the
    plain steps from there run again untraced and step ``step`` traced, so the runner's ``trace``,
    leaves and optimizer state are that step's. None when no checkpoint reaches back to it.

    Runs in the caller's thread with the engine's random generator set to where the run had it (and
    put back after): call it while the run itself is not stepping."""
    checkpoint = recording.checkpoint_before(step)
    if checkpoint is None:
        return None
    runner = recording.replayer
    if runner is None:
        program, device, seed = recording.origin
        runner = recording.replayer = Runner(program, device=device, seed=seed)
    runner.restore(checkpoint)
    generator = default_generator.rng
    default_generator.rng = SeededRNG.from_state(checkpoint.generator)
    try:
        for k in range(checkpoint.step, step + 1):
            runner.tracing = k == step
            runner.forward()
            runner.backward(checkpoint.root if k == checkpoint.step else None)
    finally:
        default_generator.rng = generator
    return runner
