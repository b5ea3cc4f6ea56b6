"""Document → Program: resolve references, check against the registry, order, infer.

`check(doc)` never raises: it collects every problem with its node id in one pass
(the editor marks every bad node at once) and infers each output's shape and dtype
without data. `compile(doc)` returns a runnable Program or raises CompileError.
A node whose inputs have problems is not reported again: one cause, one message.
"""
from __future__ import annotations

import difflib
from collections import deque
import os
from dataclasses import dataclass, field
from typing import Any

from ..document import Document, Problem
from . import dtypes
from .registry import REGISTRY, Op, Param, ShapeError, Spec

FLAGS = ("requires_grad", "retain_grad", "no_grad")
DEFAULT_MEMORY_SHARE = 0.5


@dataclass(frozen=True)
class Ref:
    """An input that is another node's output."""

    node: str
    output: int
    name: str  # "x" or "x:name", as written in the file's report keys


@dataclass(frozen=True)
class Const:
    """A literal nested list: a constant tensor, as torch.tensor(list) makes it."""

    data: Any
    spec: Spec


@dataclass
class Step:
    id: str
    op: type[Op]
    inputs: tuple  # per port: Ref | Const | number | None | list of those (variadic)
    params: dict
    flags: dict
    outputs: tuple[str, ...]
    specs: tuple[Spec, ...] = ()

    @property
    def kind(self) -> str:
        return self.op.kind

    def output_key(self, i: int) -> str:
        return self.id if len(self.outputs) == 1 else f"{self.id}:{self.outputs[i]}"


@dataclass
class Program:
    doc: Document
    base_dir: str | None
    steps: list[Step]            # leaves, data, then ops in dependency order
    sinks: list[Step]            # in file order
    specs: dict[str, Spec]

    def step(self, node_id: str) -> Step:
        index = self.__dict__.get("_index")
        if index is None:
            index = self.__dict__["_index"] = {s.id: s for s in self.steps + self.sinks}
        return index[node_id]


@dataclass
class Analysis:
    problems: list[Problem] = field(default_factory=list)
    specs: dict[str, Spec | None] = field(default_factory=dict)
    outputs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    program: Program | None = None


class CompileError(Exception):
    def __init__(self, problems: list[Problem], source: str = "<memory>"):
        self.problems = problems
        self.source = source
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(f"{source}: {problems[0]}{more}")


def compile(doc: Document, base_dir: str | None = None, memory_limit: int | None = None,
            source: str = "<memory>") -> Program:  # noqa: A001 - the verb of this module
    analysis = check(doc, base_dir, memory_limit)
    if analysis.problems:
        raise CompileError(analysis.problems, source)
    assert analysis.program is not None
    return analysis.program


def check(doc: Document, base_dir: str | None = None, memory_limit: int | None = None) -> Analysis:
    limit = default_memory_limit() if memory_limit is None else memory_limit
    return _Checker(doc, base_dir, limit).run()


def default_memory_limit() -> int:
    """A share of the free memory: a typo in a shape must not freeze the machine."""
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        free = 8 << 30
    return int(free * DEFAULT_MEMORY_SHARE)


class _Checker:
    def __init__(self, doc: Document, base_dir: str | None, limit: int):
        self.doc, self.base_dir, self.limit = doc, base_dir, limit
        self.a = Analysis()
        self.steps: dict[str, Step] = {}
        self.nodes = {n.id: n for n in doc.nodes}
        self.bad: set[str] = set()  # nodes with a problem: their dependents stay quiet

    def problem(self, node: Any, message: str, path: str | None = None) -> None:
        self.a.problems.append(Problem(message, node.id, node.op, path))
        self.bad.add(node.id)

    def run(self) -> Analysis:
        nodes = self.doc.nodes
        for node in nodes:
            self.declare(node)
        for node in nodes:
            if node.id in self.steps:
                self.resolve(node)
        order = self.order(nodes)
        for step in order:
            self.infer(step)
        index = {n.id: i for i, n in enumerate(nodes)}
        self.a.problems.sort(key=lambda p: index.get(p.node_id, -1))  # file order, as the user reads it
        if not self.a.problems:
            sinks = [s for s in (self.steps[n.id] for n in nodes) if s.kind == "sink"]
            self.a.program = Program(self.doc, self.base_dir, [s for s in order if s.kind != "sink"], sinks,
                                     {k: v for k, v in self.a.specs.items() if v is not None})
        return self.a

    # -- one node at a time -------------------------------------------------------------------
    def declare(self, node: Any) -> None:
        op = REGISTRY.get(node.op)
        if op is None:
            close = difflib.get_close_matches(node.op, REGISTRY, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            self.problem(node, f"unknown op '{node.op}'{hint}", "op")
            return
        params = op.defaults()
        flags = {}
        for key, value in node.params.items():
            if key in FLAGS:
                flags[key] = value
                msg = _flag_problem(op, key, value)
                if msg:
                    self.problem(node, msg, f"params.{key}")
                continue
            spec = next((p for p in op.params if p.name == key), None)
            if spec is None:
                self.problem(node, f"unknown param '{key}' (takes: {', '.join(p.name for p in op.params) or 'none'})",
                             f"params.{key}")
                continue
            msg = _param_problem(spec, value)
            if msg:
                self.problem(node, msg, f"params.{key}")
            params[key] = value
        for p in op.params:
            if p.required and p.name not in node.params:
                self.problem(node, f"missing param '{p.name}'", f"params.{p.name}")
        try:
            outputs = op.output_names(params) if op.kind != "sink" else ()
        except Exception:
            outputs = op.outputs
        self.steps[node.id] = Step(node.id, op, (), params, flags, tuple(outputs))
        self.a.outputs[node.id] = tuple(outputs)

    def resolve(self, node: Any) -> None:
        step = self.steps[node.id]
        ports = {p.name: p for p in step.op.inputs}
        for key in node.inputs:
            if key not in ports:
                self.problem(node, f"unknown input '{key}' (takes: {', '.join(ports) or 'none'})", f"inputs.{key}")
        resolved = []
        for port in step.op.inputs:
            path = f"inputs.{port.name}"
            if port.name not in node.inputs:
                if not port.optional:
                    self.problem(node, f"missing input '{port.name}'", path)
                resolved.append(None)
                continue
            value = node.inputs[port.name]
            if port.variadic:
                if not isinstance(value, list) or not value:
                    self.problem(node, "expected a list of tensors", path)
                    resolved.append(None)
                    continue
                resolved.append([self.value(node, v, f"{path}[{i}]", port.scalar_ok) for i, v in enumerate(value)])
            else:
                resolved.append(self.value(node, value, path, port.scalar_ok))
        step.inputs = tuple(resolved)

    def value(self, node: Any, v: Any, path: str, scalar_ok: bool) -> Any:
        if isinstance(v, str):
            src, _, name = v.partition(":")
            target = self.steps.get(src)
            if target is None:
                close = difflib.get_close_matches(src, list(self.nodes)[:5000], n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                self.problem(node, f"no node '{src}'{hint}", path)
                return None
            outs = self.a.outputs.get(src, ())
            if not outs:
                self.problem(node, f"node '{src}' ({target.op.name}) has no outputs to connect", path)
                return None
            if not name:
                return Ref(src, 0, src if len(outs) == 1 else f"{src}:{outs[0]}")
            if name not in outs:
                self.problem(node, f"node '{src}' has no output '{name}' (outputs: {', '.join(outs)})", path)
                return None
            return Ref(src, outs.index(name), f"{src}:{name}")
        if isinstance(v, bool) or isinstance(v, (int, float)):
            if scalar_ok:
                return v
            return Const(v, Spec((), dtypes.bool_ if isinstance(v, bool) else
                                 dtypes.int64 if isinstance(v, int) else dtypes.float32))
        if isinstance(v, list):
            from .ops.create import _data_spec

            try:
                return Const(v, _data_spec(v, None))
            except ShapeError as e:
                self.problem(node, str(e), path)
                return None
        self.problem(node, f"expected a node reference, a number or a list of numbers, got {v!r}", path)
        return None

    # -- the graph ------------------------------------------------------------------------------
    def order(self, nodes: list) -> list[Step]:
        """Dependency order (Kahn's algorithm, iterative); nodes on a cycle are reported."""
        deps = {sid: set(_refs(step.inputs)) & self.steps.keys() for sid, step in self.steps.items()}
        users: dict[str, list[str]] = {sid: [] for sid in self.steps}
        for sid, ds in deps.items():
            for d in ds:
                users[d].append(sid)
        waiting = {sid: len(ds) for sid, ds in deps.items()}
        ready = deque(n.id for n in nodes if n.id in self.steps and waiting[n.id] == 0)
        order: list[Step] = []
        while ready:
            sid = ready.popleft()
            order.append(self.steps[sid])
            for u in users[sid]:
                waiting[u] -= 1
                if waiting[u] == 0:
                    ready.append(u)
        if len(order) < len(self.steps):
            done = {s.id for s in order}
            stuck = {sid: deps[sid] - done for sid in self.steps if sid not in done}
            for cycle in _cycles(stuck):
                text = " → ".join(cycle + [cycle[0]])
                for sid in cycle:
                    node = self.nodes[sid]
                    self.problem(node, f"cycle: {text}")
            for sid in stuck:
                self.bad.add(sid)
        return order

    def infer(self, step: Step) -> None:
        node = self.nodes[step.id]
        if step.id in self.bad or any(r.node in self.bad for r in _refs_obj(step.inputs)):
            self.bad.add(step.id)
            self._unknown(step)
            return
        args = [self.spec_of(v) for v in step.inputs]
        try:
            if step.kind == "leaf":
                out = step.op.infer(**step.params)
            elif step.kind == "data":
                out = step.op.infer(base_dir=self.base_dir, **step.params)
            else:
                out = step.op.infer(*args, **step.params)
        except ShapeError as e:
            self.problem(node, str(e))
            self._unknown(step)
            return
        except Exception as e:  # an op's inference should only raise ShapeError; never crash the editor
            self.problem(node, f"cannot infer the output ({type(e).__name__}: {e})")
            self._unknown(step)
            return
        specs = () if step.kind == "sink" else ((out,) if isinstance(out, Spec) else tuple(out))
        if step.kind != "sink" and len(specs) != len(step.outputs):
            step.outputs = tuple(str(i) for i in range(len(specs)))
            self.a.outputs[step.id] = step.outputs
        step.specs = tuple(specs)
        for i, spec in enumerate(specs):
            self.a.specs[step.output_key(i)] = spec
            if i == 0:
                self.a.specs[step.id] = spec
            size = spec.numel * spec.dtype.itemsize
            if size > self.limit:
                self.problem(node, f"output {list(spec.shape)} {spec.dtype.name} would need {_bytes(size)}, "
                                   f"over the memory limit of {_bytes(self.limit)}")
        if step.flags.get("requires_grad") and specs and not specs[0].dtype.is_floating_point:
            self.problem(node, "only Tensors of floating point dtype can require gradients", "params.requires_grad")

    def _unknown(self, step: Step) -> None:
        for i in range(len(step.outputs)):
            self.a.specs[step.output_key(i)] = None
        self.a.specs.setdefault(step.id, None)

    def spec_of(self, v: Any) -> Any:
        if isinstance(v, Ref):
            step = self.steps[v.node]
            return step.specs[v.output] if v.output < len(step.specs) else None
        if isinstance(v, Const):
            return v.spec
        if isinstance(v, list):
            return [self.spec_of(x) for x in v]
        return v


def _refs_obj(inputs: tuple) -> list[Ref]:
    out = []
    for v in inputs:
        for x in v if isinstance(v, list) else (v,):
            if isinstance(x, Ref):
                out.append(x)
    return out


def _refs(inputs: tuple) -> list[str]:
    return [r.node for r in _refs_obj(inputs)]


def _cycles(stuck: dict[str, set[str]]) -> list[list[str]]:
    """The cycles among nodes that never became ready (each node reported once)."""
    seen: set[str] = set()
    cycles = []
    for start in stuck:
        if start in seen:
            continue
        path, index = [], {}
        node = start
        while node is not None and node not in index and node not in seen:
            index[node] = len(path)
            path.append(node)
            nxt = sorted(stuck.get(node, ()))
            node = nxt[0] if nxt else None
        if node is not None and node in index:
            cycles.append(path[index[node]:])
        seen.update(path)
    return cycles


def _flag_problem(op: type[Op], key: str, value: Any) -> str | None:
    if not isinstance(value, bool):
        return f"expected true or false, got {_show(value)}"
    if key == "requires_grad" and op.kind != "leaf":
        return "requires_grad is set on leaves (tensors you create); an op's result requires grad when an input does"
    if key in ("retain_grad", "no_grad") and op.kind != "op":
        return f"{key} applies to ops, not to {op.kind} nodes"
    return None


def _show(v: Any) -> str:
    import json

    try:
        return json.dumps(v, ensure_ascii=False)[:60]
    except (TypeError, ValueError):
        return repr(v)[:60]


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


_CHECKS = {
    "int": (_is_int, "an integer"),
    "float": (_is_num, "a number"),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "str": (lambda v: isinstance(v, str), "a string"),
    "shape": (lambda v: _is_int(v) or isinstance(v, list) and all(_is_int(x) for x in v), "a list of integers"),
    "dims": (lambda v: isinstance(v, list) and all(_is_int(x) for x in v), "a list of integers"),
    "int_or_ints": (lambda v: _is_int(v) or isinstance(v, list) and all(_is_int(x) for x in v),
                    "an integer or a list of integers"),
    "dims_or_none": (lambda v: _is_int(v) or isinstance(v, list) and all(_is_int(x) for x in v),
                     "an integer or a list of integers"),
    "dim_or_none": (_is_int, "an integer"),
    "number_or_none": (_is_num, "a number"),
    "floats": (lambda v: isinstance(v, list) and all(_is_num(x) for x in v), "a list of numbers"),
    "data": (lambda v: _is_num(v) or isinstance(v, (list, bool)), "a number or nested lists of numbers"),
}


def _param_problem(p: Param, value: Any) -> str | None:
    """Why `value` does not fit `p` (None when it does): the inspector's and the file's check."""
    if value is None and (p.default is None or not p.required):
        return None
    if p.type in ("choice", "dtype"):
        if p.choices and value not in p.choices:
            return f"expected one of {', '.join(map(str, p.choices))}, got {_show(value)}"
        return None
    check = _CHECKS.get(p.type)
    if check and not check[0](value):
        return f"expected {check[1]}, got {_show(value)}"
    if _is_num(value):
        if p.min is not None and value < p.min:
            return f"must be at least {p.min}, got {value}"
        if p.max is not None and value > p.max:
            return f"must be at most {p.max}, got {value}"
    return None


def _bytes(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"
