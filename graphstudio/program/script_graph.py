"""What a recorded script run becomes: a graph file (format 1) that computes the same thing.

- Ops that reach a `backward()` or a variable of the script become op nodes, named after that
  variable (else after the op); tensors made from data and module parameters become `tensor`
  leaves holding the values they had when first used.
- A loop (the same `backward()` call reached N times, each time after the same ops) becomes
  `steps: N`: the ops of its first iteration, with an optimizer sink. The optimizer is the script's
  `torch.optim` one, or `sgd` for the manual update `p -= lr * p.grad` (its `lr` read from what the
  update did). Ops of the loop that see other data at every iteration keep the first iteration's.
- Without a loop, each `backward()` is a `backward` sink (those before a reset of the gradients
  drop out: a graph cannot zero `.grad` between its sinks).
- Each node's script line (and the script's variable, where one holds it) is kept in the
  top-level `script` key (see `script_source`), since a node has no key of its own for it.
"""
from __future__ import annotations

import ast
import os
from typing import Any

import numpy as np

from graphstudio.program.export_code import python_name
from graphstudio.engine.nn import Module
from graphstudio.engine.optim import Optimizer
from graphstudio.engine.core.registry import REGISTRY, optimizers
from graphstudio.engine.core.tensor import Tensor

from .script_recorder import BackwardEvent, OpEvent, Recorder
from .script_source import SCRIPT_KEY

_OPTIMIZER_OPS = {cls: op for op, cls in optimizers().items()}


class ScriptGraphError(ValueError):
    """The script ran, but what it did has no graph (the message says where and why)."""


class _Ids:
    """Unique node ids that are Python variables as they are, preferring the script's own names."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def new(self, name: str) -> str:
        name = "".join(c if c.isalnum() or c == "_" else "_" for c in name) or "node"
        if name[0].isdigit():
            name = "_" + name
        out, k = python_name(name), 1  # `pow_`, not `pow`: the id an exported script's variable gives back
        while out in self.taken:
            out, k = python_name(f"{name}_{k}"), k + 1
        self.taken.add(out)
        return out


def _plain(value: Any) -> Any:
    """A param as JSON: tuples as lists, dtypes by name."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "is_floating_point") and hasattr(value, "name"):
        return value.name
    if isinstance(value, np.generic):
        return value.item()
    return value


def _shortest(values: np.ndarray) -> Any:
    """Nested lists of the values, float32 ones written as their shortest decimal (2.9, not 2.9000000953…)."""
    if values.dtype != np.float32:
        return values.tolist()
    flat = [float(str(v)) if np.isfinite(v) else float(v) for v in values.reshape(-1)]
    out: Any = np.array(flat, dtype=object).reshape(values.shape).tolist() if values.ndim else flat[0]
    return out


def _index_item(item: Any) -> Any:
    if isinstance(item, slice):
        parts = ["" if v is None else str(int(v)) for v in (item.start, item.stop)]
        return ":".join(parts + ([str(int(item.step))] if item.step is not None else []))
    if item is Ellipsis:
        return "..."
    if isinstance(item, Tensor):
        return item.tolist()
    if isinstance(item, range):  # `y_hat[range(len(y_hat)), y]`
        return list(item)
    return _plain(item)


def _index_param(index: Any) -> Any:
    """`x[...]`'s Python index as the file's `index` param: one item per dim, slices as "1:3"."""
    items = index if isinstance(index, tuple) else (index,)
    if isinstance(index, (int, slice, type(None), type(Ellipsis))) and not isinstance(index, bool):
        return _index_item(index)
    return [_index_item(i) for i in items]


class _Builder:
    def __init__(self, rec: Recorder, namespace: dict, script: str):
        self.rec, self.ns, self.script = rec, namespace, script
        self.ids = _Ids()
        self.nodes: list[dict] = []
        self.lines: dict[str, int] = {}
        self.names: dict[str, str] = {}        # node id -> the script's expression for it
        self.event_ids: dict[int, str] = {}    # event index -> node id
        self.leaf_ids: dict[int, str] = {}     # id(leaf tensor) -> node id
        self.notes: list[str] = []
        named = {id(v): (k, v) for k, v in namespace.items() if isinstance(v, (Module, Optimizer)) and k[0] != "_"}
        self.objects = list({**rec.objects, **named}.values())  # (variable, optimizer or module)
        self.param_names = self._module_parameters()
        self.assigned = _assignment_lines(script)

    def _where(self, line: int) -> str:
        return f"{os.path.basename(self.script)}:{line}"

    def _module_parameters(self) -> dict[int, str]:
        out = {}
        for var, value in self.objects:
            if isinstance(value, Module):
                for pname, p in value.named_parameters():
                    out.setdefault(id(p), f"{var}.{pname}")
        return out

    # -- nodes ---------------------------------------------------------------------------------
    def leaf(self, t: Tensor) -> str:
        key = id(t)
        if key in self.leaf_ids:
            return self.leaf_ids[key]
        leaf = self.rec.leaves[key]
        expr = self.param_names.get(key) or self.rec.leaf_names.get(key)
        node_id = self.ids.new(expr.replace(".", "_") if expr else "tensor")
        params: dict[str, Any] = {"data": _shortest(leaf.value)}
        if t.dtype.name != "float32":
            params["dtype"] = t.dtype.name
        if t.requires_grad and t.is_leaf:
            params["requires_grad"] = True
        self.nodes.append({"id": node_id, "op": "tensor", "params": params})
        line = self.assigned.get(expr.split(".")[0]) if expr else None
        self.lines[node_id] = line or leaf.line
        if expr:
            self.names[node_id] = expr
        self.leaf_ids[key] = node_id
        return node_id

    def value(self, v: Any, event: OpEvent) -> Any:
        """An input as the file writes it: a reference, a literal number, or a list of those."""
        if isinstance(v, Tensor):
            where = self.rec.produced.get(id(v))
            if where is not None and where[0] in self.event_ids:
                return self.ref(*where)
            return self.leaf(v)
        if isinstance(v, (list, tuple)):
            return [self.value(x, event) for x in v]
        if isinstance(v, (bool, int, float)) or v is None:
            return v
        raise ScriptGraphError(f"{self._where(event.line)}: {event.op.name}() got a {type(v).__name__}, "
                               "which a graph cannot hold")

    def ref(self, event_index: int, output: int) -> str:
        node_id = self.event_ids[event_index]
        event = self.rec.events[event_index]
        if len(event.outputs) == 1 and not event.op.tuple_output:
            return node_id
        names = event.op.output_names(event.params or event.op.defaults())
        name = str(output) if event.op.tuple_output else names[output]
        return f"{node_id}:{name}"

    def op_node(self, index: int) -> None:
        event = self.rec.events[index]
        op = event.op
        var = self.rec.site_names.get(event.site)
        node_id = self.ids.new(var or op.name)
        self.event_ids[index] = node_id
        inputs = {}
        for port, v in zip(op.inputs, event.args):
            if v is None and port.optional:
                continue
            inputs[port.name] = self.value(v, event)
        defaults = op.defaults()
        required = {p.name for p in op.params if p.required}
        params = {k: _index_param(v) if k == "index" and op.name == "index" else _plain(v)
                  for k, v in event.params.items()
                  if k in defaults and (k in required or _plain(v) != _plain(defaults[k]))}
        if event.no_grad:
            params["no_grad"] = True
        if any(isinstance(t, Tensor) and t.retains_grad for t in event.outputs):
            params["retain_grad"] = True
        node: dict[str, Any] = {"id": node_id, "op": op.name, "inputs": inputs}
        if params:
            node["params"] = params
        self.nodes.append(node)
        self.lines[node_id] = event.line
        if var:
            self.names[node_id] = var

    def tensor_ref(self, t: Tensor) -> str:
        where = self.rec.produced.get(id(t))
        if where is not None and where[0] in self.event_ids:
            return self.ref(*where)
        if id(t) in self.rec.leaves:
            return self.leaf(t)
        raise ScriptGraphError(f"{os.path.basename(self.script)}: a backward() on a tensor no recorded op made")


def _source_lines(script: str) -> list[str]:
    try:
        with open(script, encoding="utf-8") as f:
            return f.read().splitlines()
    except (OSError, ValueError):
        return []


def _assignment_lines(script: str) -> dict[str, int]:
    """The first line that assigns each name at the script's top level (where a leaf was made)."""
    try:
        tree = ast.parse("\n".join(_source_lines(script)))
    except (SyntaxError, ValueError):
        return {}
    out: dict[str, int] = {}
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] \
            if isinstance(stmt, ast.AnnAssign) else []
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Name):
                    out.setdefault(node.id, stmt.lineno)
    return out


def _kept(rec: Recorder, candidates: list[int], targets: list[Tensor]) -> list[int]:
    """The candidate events whose results reach a target tensor or a named variable."""
    chosen = set(candidates)
    wanted = [i for i in candidates if rec.events[i].site in rec.site_names]
    for t in targets:
        where = rec.produced.get(id(t))
        if where is not None:
            wanted.append(where[0])
    keep: set[int] = set()
    while wanted:
        i = wanted.pop()
        if i in keep or i not in chosen:
            continue
        keep.add(i)
        for a in rec.events[i].args:
            for t in a if isinstance(a, (list, tuple)) else (a,):
                if isinstance(t, Tensor) and id(t) in rec.produced:
                    wanted.append(rec.produced[id(t)][0])
    return sorted(keep)


def _loss_sites(rec: Recorder, t: Tensor) -> list[tuple]:
    """The sites of the ops `t` was computed from, in the order they ran."""
    found, todo = set(), [t]
    while todo:
        where = rec.produced.get(id(todo.pop()))
        if where is None or where[0] in found:
            continue
        found.add(where[0])
        for a in rec.events[where[0]].args:
            todo.extend(v for v in (a if isinstance(a, (list, tuple)) else (a,)) if isinstance(v, Tensor))
    return [rec.events[i].site for i in sorted(found)]


def _loop(rec: Recorder) -> tuple[int, list[int]]:
    """(steps, the op events of the graph): one iteration of the loop around the first backward.

    Every iteration must compute its loss with the same ops; ops beside it (a print every tenth
    epoch) may differ, and the graph has the ones that ran in the first iteration."""
    first = rec.backwards[0]
    calls = [b for b in rec.backwards if b.site == first.site]
    n = len(calls)
    if n == 1:
        return 1, list(range(len(rec.events)))
    events = rec.events
    chunk1 = range(0, calls[0].index)
    chunk2 = range(calls[0].index, calls[1].index)
    sites1 = {events[i].site for i in chunk1}
    graph = [i for i in chunk1] + [i for i in chunk2 if events[i].site not in sites1]
    expected = _loss_sites(rec, calls[0].tensor)
    for k, call in enumerate(calls[1:], start=2):
        if _loss_sites(rec, call.tensor) != expected:
            raise ScriptGraphError(f"line {call.line}: at iteration {k} the loop computes its loss with other ops "
                                   "than at iteration 1; a graph runs the same ops at every step")
    return n, graph


def _changing_data(rec: Recorder, graph: list[int], calls: list[BackwardEvent]) -> list[str]:
    """Names of leaves the loop's ops take that are other tensors at the second iteration."""
    if len(calls) < 2:
        return []
    second = {rec.events[i].site: rec.events[i] for i in range(calls[0].index, calls[1].index)}
    changed = []
    for i in graph:
        e1, e2 = rec.events[i], second.get(rec.events[i].site)
        if e2 is None:
            continue
        for a, b in zip(e1.args, e2.args):
            if isinstance(a, Tensor) and isinstance(b, Tensor) and id(a) in rec.leaves and a is not b \
                    and not np.array_equal(rec.leaves[id(a)].value, rec.leaves.get(id(b), rec.leaves[id(a)]).value):
                changed.append(rec.leaf_names.get(id(a), "a tensor"))
    return sorted(set(changed))


def _manual_sgd_lr(rec: Recorder, calls: list[BackwardEvent], where: str) -> float | None:
    """The lr of a loop that updates its leaves by `p -= lr * p.grad` (and zeroes .grad), or None
    when the leaves do not change. Anything else is refused."""
    b1, b2 = calls[0], calls[1]
    deltas = {k: b2.values_before[k] - v for k, v in b1.values_before.items() if k in b2.values_before}
    if not any(np.any(d) for d in deltas.values()):
        return None
    num = den = 0.0
    for k, d in deltas.items():
        g = b1.grads_after.get(k)
        if g is not None:
            num -= float(np.sum(d.astype(np.float64) * g))
            den += float(np.sum(g.astype(np.float64) ** 2))
    lr = float(f"{num / den:.6g}") if den else 0.0
    ok = lr > 0 and all(b.grads_fresh for b in calls[1:])
    for k, d in deltas.items():
        g = b1.grads_after.get(k, np.zeros_like(d))
        ok = ok and np.allclose(d, -lr * g, rtol=1e-4, atol=1e-6)
    if not ok:
        raise ScriptGraphError(f"{where}: the loop changes its tensors other than by `p -= lr * p.grad` after "
                               "zeroing the gradients, which no optimizer node does; use torch.optim")
    return lr


def _upstream(rec: Recorder, t: Tensor) -> set[int]:
    """The leaves requiring grad that `t` was computed from (ids of the tensors)."""
    out, todo, seen = set(), [t], set()
    while todo:
        x = todo.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        where = rec.produced.get(id(x))
        if where is None:
            if x.requires_grad and x.is_leaf:
                out.add(id(x))
            continue
        for a in rec.events[where[0]].args:
            todo.extend(v for v in (a if isinstance(a, (list, tuple)) else (a,)) if isinstance(v, Tensor))
    return out


def build(rec: Recorder, namespace: dict, script: str) -> dict:
    """The graph file (as a dict) for a recorded run of `script`."""
    b = _Builder(rec, namespace, script)
    name = os.path.basename(script)
    steps, graph = 1, list(range(len(rec.events)))
    optimizers = [(k, v) for k, v in b.objects if isinstance(v, Optimizer)]
    if rec.backwards:
        steps, graph = _loop(rec)
    calls = [c for c in rec.backwards if c.site == rec.backwards[0].site]
    trains = bool(optimizers) or steps > 1 and _manual_sgd_lr(rec, calls, f"{name}:{calls[0].line}") is not None
    if trains:  # the backward() calls of the loop's first iteration, one per loss
        backwards = rec.backwards[:rec.backwards.index(calls[1])] if len(calls) > 1 else rec.backwards
    elif steps > 1:  # backward() again and again, nothing updated: the gradients add up, step after step
        backwards = rec.backwards[:rec.backwards.index(calls[1])]
        if any(c.grads_fresh for c in calls[1:]):
            raise ScriptGraphError(f"{name}:{calls[1].line}: the loop resets the gradients but changes nothing; "
                                   "a graph's steps either train or let the gradients add up")
    else:
        last_reset = max((i for i, c in enumerate(rec.backwards) if i and c.grads_fresh), default=0)
        if last_reset:
            b.notes.append(f"The gradients are reset before line {rec.backwards[last_reset].line}, so the graph "
                           "keeps only the backward() calls from there on.")
        backwards = rec.backwards[last_reset:]
    targets = [c.tensor for c in backwards] + [c.gradient for c in backwards if isinstance(c.gradient, Tensor)]
    kept = _kept(rec, graph, targets)
    for i in kept:
        b.op_node(i)
    for t in rec.unused:
        b.leaf(t)
    if steps > 1:
        changed = _changing_data(rec, kept, calls)
        if changed:
            b.notes.append(f"`{'`, `'.join(changed)}` change at every iteration of the script's loop; the graph "
                           "holds their first iteration's values at every step.")
    if trains:
        b.nodes += _optimizer_sinks(b, optimizers, backwards, calls, name)
        if optimizers and _grads_reset_at_the_end(rec):
            b.notes.append("The script zeroes `.grad` after each update (`zero_grad()` after `step()`); an "
                           "optimizer node zeroes `.grad` before each backward instead, so after the last step "
                           "`.grad` holds the last gradient.")
    else:
        for c in backwards:
            node_id = b.ids.new("backward")
            inputs = {"tensor": b.tensor_ref(c.tensor)}
            if isinstance(c.gradient, Tensor):
                inputs["gradient"] = b.tensor_ref(c.gradient)
            node: dict[str, Any] = {"id": node_id, "op": "backward", "inputs": inputs}
            if c.retain_graph:
                node["params"] = {"retain_graph": True}
            b.nodes.append(node)
            b.lines[node_id] = c.line
    source = _source_lines(script)
    code = {str(n): source[n - 1].strip() for n in sorted(set(b.lines.values())) if 0 < n <= len(source)}
    script_key = {"file": name, "lines": b.lines, "code": code, "names": _final_names(b, namespace)}
    notes = [f"Imported from `{name}`."] + b.notes
    return {"graphstudio": 1, "title": os.path.splitext(name)[0], "notes": "\n\n".join(notes), "device": "cpu",
            "seed": 0, "steps": steps, "nodes": b.nodes, SCRIPT_KEY: script_key}


def _grads_reset_at_the_end(rec: Recorder) -> bool:
    """Whether every trained leaf's `.grad` is None or zero when the script ends."""
    return all(leaf.tensor.grad is None or not np.any(leaf.tensor.grad.numpy())
               for leaf in rec.leaves.values() if leaf.tensor.requires_grad and leaf.tensor.is_leaf)


def _resolve(namespace: dict, expr: str) -> Any:
    value = namespace.get(expr.split(".")[0])
    for attr in expr.split(".")[1:]:
        value = getattr(value, attr, None)
    return value


def _final_names(b: _Builder, namespace: dict) -> dict[str, str]:
    """Each node's script expression, where it holds that node's value when the script ends (or is a
    function's variable, gone by then): `y = 2 * x.dot(x)` then `y = x.sum()` names only the second."""
    events = {node_id: index for index, node_id in b.event_ids.items()}
    out = {}
    for node_id, expr in b.names.items():
        value = _resolve(namespace, expr) if expr.split(".")[0] in namespace else None
        if isinstance(value, Tensor):
            where = b.rec.produced.get(id(value))
            if node_id in events:
                same = where is not None and b.rec.events[where[0]].site == b.rec.events[events[node_id]].site
            else:
                same = b.leaf_ids.get(id(value)) == node_id
            if not same:
                continue
        out[node_id] = expr
    return out


def _optimizer_sinks(b: _Builder, optimizers: list, backwards: list[BackwardEvent], calls: list[BackwardEvent],
                     name: str) -> list[dict]:
    """One optimizer node per optimizer of the script, on the loss whose leaves it updates."""
    if not optimizers:
        where = f"{name}:{calls[0].line}"
        lr = _manual_sgd_lr(b.rec, calls, where)
        node_id = b.ids.new("sgd")
        b.lines[node_id] = calls[0].line
        b.notes.append(f"The script's update `p -= {lr} * p.grad` (then zeroing `.grad`) is what an `sgd` "
                       f"node with lr={lr} does. The node zeroes `.grad` before each backward instead of "
                       "after each update, so after the last step `.grad` holds the last gradient.")
        return [{"id": node_id, "op": "sgd", "inputs": {"loss": b.tensor_ref(calls[0].tensor)}, "params": {"lr": lr}}]
    losses = {id(c.tensor): c for c in backwards}
    sinks = []
    for var, opt in optimizers:
        cls = type(opt).__name__
        if cls not in _OPTIMIZER_OPS:
            raise ScriptGraphError(f"{name}: {var} = torch.optim.{cls}(...) has no optimizer node "
                                   f"(there are {', '.join(_OPTIMIZER_OPS)})")
        if len(opt.param_groups) != 1:
            raise ScriptGraphError(f"{name}: {var} has {len(opt.param_groups)} parameter groups; "
                                   "an optimizer node has one")
        group = opt.param_groups[0]
        trained = {id(p) for p in group["params"]}
        call = next((c for c in losses.values() if _upstream(b.rec, c.tensor) == trained), None)
        if call is None:
            raise ScriptGraphError(f"{name}: {var} updates other tensors than the ones a loss depends on; "
                                   "an optimizer node updates every leaf upstream of its loss that requires grad")
        op = REGISTRY[_OPTIMIZER_OPS[cls]]
        defaults = op.defaults()
        params = {k: _plain(group[k]) for k in defaults if k in group and _plain(group[k]) != _plain(defaults[k])}
        params["lr"] = group["lr"]
        node_id = b.ids.new(var)
        b.names[node_id] = var
        b.lines[node_id] = b.assigned.get(var) or call.line
        sinks.append((call.index, {"id": node_id, "op": op.name, "inputs": {"loss": b.tensor_ref(call.tensor)},
                                   "params": params}))
    return [sink for _, sink in sorted(sinks, key=lambda s: s[0])]
