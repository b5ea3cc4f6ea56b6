"""Teaching instruments on a run: the chain rule on each wire and gradcheck on a node.

Both read a traced step (runner.Trace: the values that flowed forward, each wire's gradient backward)
and the compiled program, so the editor can show them for whatever the student selects:

- ``wire_rules``: for each differentiable input of a node, its VJP formula with the run's shapes
  (engine/core/chain_rule), the gradient ``G`` that reached the node's outputs and the gradient that
  went back along the wire.
- ``node_gradcheck``: the node's op at the run's input values, in float64, checked by engine/gradcheck.
- ``selection_gradcheck``: several nodes as one function, from the values that enter them to those
  that leave them, checked the same way (the chain rule across them, not node by node).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from graphstudio.engine.core import op_functions
from graphstudio.engine.core.chain_rule import ChainRule, chain_rule
from graphstudio.engine.factory import tensor
from graphstudio.engine.gradcheck import Gradcheck, gradcheck

from .compiler import Const, Program, Ref, Step
from .runner import Edge, Trace, _edges


#: Why a gradcheck cannot run, by reason (the editor words each in its language: ui/live/chain.REASONS).
REASONS = {
    "no_gradient": "node '{node}' ({op}) has no gradient to check",
    "no_derivative": "node '{node}' ({op}): PyTorch has no derivative for {op}",
    "no_ops": "select op nodes to check them together",
    "no_float_output": "the selection hands on no floating-point value",
}


class CannotCheck(ValueError):
    """A gradcheck that cannot run: ``reason`` (a key of ``REASONS``) and the ``details`` that fill it in."""

    def __init__(self, reason: str, **details: str) -> None:
        self.reason, self.details = reason, details
        super().__init__(REASONS[reason].format(**details))


@dataclass(frozen=True)
class WireRule:
    """One input of a node after a run: the chain rule with its shapes and numbers."""

    op: str                          # the node's op
    port: str
    index: int | None                # the item of a variadic port
    source: str | None               # the output key that feeds it (None: a constant)
    rule: ChainRule
    upstream: tuple[np.ndarray | None, ...]  # G: the gradient of each of the node's outputs (None: none came)
    gradient: np.ndarray | None      # what went back along the wire (None before Backward)


def wire_rules(program: Program, trace: Trace, node_id: str, root: str | None = None) -> list[WireRule]:
    """The chain rule of every tensor input of `node_id` through which a gradient can flow, in port order.
    `root`: the output key a Backward started from when no sink did (its gradient is ones)."""
    step = program.step(node_id)
    op = step.op
    if step.kind != "op" or not op.derivative or not op.vjp_formula:
        return []
    edges = _edges(program)
    shapes = [_shape(v, trace) for v in step.inputs]
    outputs = [trace.values[step.output_key(i)].shape for i in range(len(step.outputs))
               if step.output_key(i) in trace.values]
    backward_ran = bool(trace.grads)  # set by the backward half of a traced step
    upstream = tuple(_upstream(program, trace, edges, step.output_key(i), root) if backward_ran else None
                     for i in range(len(step.outputs)))
    out = []
    for port, v in zip(op.inputs, step.inputs):
        if not port.differentiable:
            continue
        for j, x in enumerate(v if isinstance(v, list) else [v]):
            if not _is_float_tensor(x, trace):
                continue
            index = j if isinstance(v, list) else None
            rule = chain_rule(op, port.name, shapes, outputs, item=j)
            source = x.name if isinstance(x, Ref) else None
            out.append(WireRule(op.name, port.name, index, source, rule, upstream, _wire_gradient(trace, edges, node_id,
                                                                                        port.name, index)))
    return out


def node_gradcheck(program: Program, trace: Trace, node_id: str, as_run: bool = False) -> Gradcheck:
    """Gradcheck of the node's op at the values its inputs had in the traced step, in float64 (the
    engine's Jacobian beside central differences), or with `as_run` in the run's own float dtype (float32:
    the result explains why it disagrees more). CannotCheck with the reason where it cannot run."""
    step = program.step(node_id)
    op = step.op
    if step.kind != "op" or not op.differentiable:
        raise CannotCheck("no_gradient", node=node_id, op=op.name)
    if not op.derivative:
        raise CannotCheck("no_derivative", node=node_id, op=op.name)
    flat, layout = [], []
    for port, v in zip(op.inputs, step.inputs):
        items = v if isinstance(v, list) else [v]
        layout.append(len(items) if isinstance(v, list) else None)
        for x in items:
            flat.append(_variable(x, trace, port.differentiable, as_run))

    def call(*args: Any) -> Any:
        grouped, k = [], 0
        for n in layout:
            grouped.append(list(args[k:k + n]) if n is not None else args[k])
            k += 1 if n is None else n
        return op_functions.call(op, tuple(grouped), dict(step.params))

    return gradcheck(call, flat)


@dataclass(frozen=True)
class SelectionCheck:
    """A gradcheck of several nodes as one function: ``inputs`` are the output keys feeding it from
    outside (the check's variables, in order), ``outputs`` the keys it hands on (or ends with)."""

    result: Gradcheck
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


def selection_gradcheck(program: Program, trace: Trace, node_ids: list[str], as_run: bool = False) -> SelectionCheck:
    """Gradcheck of the selected op nodes as one function at the traced step's values: its variables are
    the float values wired in from outside the selection (constants and non-differentiable inputs held
    fixed), its outputs those used outside the selection or by nothing. CannotCheck where it cannot run."""
    chosen = [s for s in program.steps if s.id in set(node_ids) and s.kind == "op"]
    if not chosen:
        raise CannotCheck("no_ops")
    for s in chosen:
        if not s.op.differentiable:
            raise CannotCheck("no_gradient", node=s.id, op=s.op.name)
        if not s.op.derivative:
            raise CannotCheck("no_derivative", node=s.id, op=s.op.name)
    inside = [s.output_key(i) for s in chosen for i in range(len(s.outputs))]
    used_inside, inputs, differentiable = set(), [], {}
    for s in chosen:
        for port, v in zip(s.op.inputs, s.inputs):
            for x in v if isinstance(v, list) else [v]:
                if isinstance(x, Ref):
                    used_inside.add(x.name)
                    if x.name not in inside:
                        if x.name not in inputs:
                            inputs.append(x.name)
                        differentiable[x.name] = differentiable.get(x.name, False) or port.differentiable
    used_outside = {x.name for s in program.steps + program.sinks if s not in chosen
                    for v in s.inputs for x in (v if isinstance(v, list) else [v]) if isinstance(x, Ref)}
    outputs = [k for k in inside if k in trace.values and (k in used_outside or k not in used_inside)
               and np.issubdtype(trace.values[k].dtype, np.floating)]
    if not outputs:
        raise CannotCheck("no_float_output")

    def call(*args: Any) -> tuple:
        values = dict(zip(inputs, args))
        for s in chosen:
            grouped = tuple([_resolve(x, values, as_run) for x in v] if isinstance(v, list) else
                            _resolve(v, values, as_run) for v in s.inputs)
            out = op_functions.call(s.op, grouped, dict(s.params))
            for i, t in enumerate(out if isinstance(out, tuple) else (out,)):
                values[s.output_key(i)] = t
        return tuple(values[k] for k in outputs)

    flat = [_as_variable(trace.values[name], differentiable[name], as_run) for name in inputs]
    return SelectionCheck(gradcheck(call, flat), tuple(inputs), tuple(outputs))


def _resolve(x: Any, values: dict[str, Any], as_run: bool) -> Any:
    """An input of a node inside a checked selection: a value computed or fed in, or a constant (held fixed)."""
    if isinstance(x, Ref):
        return values[x.name]
    if isinstance(x, Const):
        return _constant(x, False, as_run)
    return x


def _shape(v: Any, trace: Trace) -> Any:
    if isinstance(v, list):
        return [_shape(x, trace) for x in v]
    if isinstance(v, Ref):
        return tuple(trace.values[v.name].shape)
    if isinstance(v, Const):
        return tuple(v.spec.shape)
    return None


def _is_float_tensor(x: Any, trace: Trace) -> bool:
    if isinstance(x, Ref):
        return np.issubdtype(trace.values[x.name].dtype, np.floating)
    return isinstance(x, Const) and x.spec.dtype.is_floating_point


def _variable(x: Any, trace: Trace, differentiable: bool, as_run: bool) -> Any:
    """A variable (a float tensor that requires grad: float64, or `as_run` the run's dtype), or what the op
    takes as it is (indices, numbers)."""
    if isinstance(x, Ref):
        return _as_variable(trace.values[x.name], differentiable, as_run)
    if isinstance(x, Const):
        return _constant(x, differentiable, as_run)
    return x


def _constant(x: Const, differentiable: bool, as_run: bool) -> Any:
    return _as_variable(np.asarray(x.data, dtype=x.spec.dtype.name if x.spec.dtype.is_floating_point else None),
                        differentiable, as_run)


def _as_variable(value: np.ndarray, differentiable: bool, as_run: bool) -> Any:
    if np.issubdtype(value.dtype, np.floating):
        return tensor(np.array(value, dtype=value.dtype if as_run else np.float64), requires_grad=differentiable)
    return tensor(value)


def _upstream(program: Program, trace: Trace, edges: list[Edge], key: str, root: str | None) -> np.ndarray | None:
    """G for an output: the sum of what came back along its wires; ones where a backward started from it."""
    total = None
    for e, edge in enumerate(edges):
        if edge.source != key:
            continue
        target = program.step(edge.target)
        if target.kind == "sink":
            seed = _seed(target, trace, trace.values[key])
            total = seed if total is None else total + seed
        else:
            for g in trace.edge_grads.get(e, ()):
                total = g if total is None else total + g
    if total is None and key == root:
        total = np.ones_like(trace.values[key])
    return total


def _seed(sink: Step, trace: Trace, value: np.ndarray) -> np.ndarray:
    """The gradient a sink starts backward with: `backward`'s gradient input, else ones (a scalar loss)."""
    if sink.op.name == "backward" and len(sink.inputs) > 1 and isinstance(sink.inputs[1], Ref):
        return trace.values[sink.inputs[1].name]
    return np.ones_like(value)


def _wire_gradient(trace: Trace, edges: list[Edge], node_id: str, port: str, index: int | None) -> np.ndarray | None:
    for e, edge in enumerate(edges):
        if edge.target == node_id and edge.port == port and edge.index == index:
            grads = trace.edge_grads.get(e)
            return None if not grads else sum(grads[1:], grads[0])
    return None
