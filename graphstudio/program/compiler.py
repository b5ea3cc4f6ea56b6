"""Document → Program: resolve references, check against the registry, order, infer.

`check(doc)` never raises: it collects every problem with its node id in one pass
(the editor marks every bad node at once) and infers each output's shape and dtype
without data. `compile(doc)` returns a runnable Program or raises CompileError.
A node whose inputs have problems is not reported again: one cause, one message.
`Checker` gives the same answer again and again for a document being edited, redoing only
the nodes an edit reached (the editor re-checks after every edit); both run the same per-node
steps (`_declare`, `_resolve`, `_infer`), so the registry's `infer` is the one source of shapes.
"""
from __future__ import annotations

import functools
import heapq
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from graphstudio.document import Document, Node, Problem, load
from graphstudio.document.problems import clip
from graphstudio.document.references import format_ref, parse_ref, sources
from graphstudio.engine.core import dtypes
from graphstudio.engine.core.grad_graph import gc_paused
from graphstudio.engine.core.ops.create import _data_spec
from graphstudio.engine.core.registry import PARAM_TYPES, REGISTRY, Op, Param, ShapeError, Spec

from .memory import bytes_text as _bytes
from .memory import default_memory_limit

FLAGS = ("requires_grad", "retain_grad", "no_grad")
_NOTHING: Mapping[str, Any] = MappingProxyType({})  # the flags (and params) most steps have, shared


@dataclass(frozen=True, slots=True)
class Ref:
    """An input that is another node's output."""

    node: str
    output: int
    name: str  # "x" or "x:name", as written in the file's report keys


@dataclass(frozen=True, slots=True)
class Const:
    """A literal nested list: a constant tensor, as torch.tensor(list) makes it."""

    data: Any
    spec: Spec


@dataclass(slots=True)  # slots (here and in Ref): a file may hold 100,000 nodes
class Step:
    id: str
    op: type[Op]
    inputs: tuple  # per port: Ref | Const | number | None | list of those (variadic)
    params: Mapping[str, Any]
    flags: Mapping[str, Any]
    outputs: tuple[str, ...]
    specs: tuple[Spec, ...] = ()

    @property
    def kind(self) -> str:
        return self.op.kind

    @property
    def keyed_by_id(self) -> bool:
        """Whether its one output goes by the bare id (a tuple of pieces is "id:0" even when alone)."""
        return len(self.outputs) == 1 and not self.op.tuple_output

    def output_key(self, i: int) -> str:
        return self.id if self.keyed_by_id else format_ref(self.id, self.outputs[i])


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
class CheckResult:
    """What ``check`` finds: every problem, each output's Spec, each node's output names, and the
    program when there is no problem."""

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


def check(doc: Document, base_dir: str | None = None, memory_limit: int | None = None) -> CheckResult:
    limit = default_memory_limit() if memory_limit is None else memory_limit
    with gc_paused():  # steps, specs and problems make no cycles (100k nodes: 3.3 -> 2.6 s)
        checker = _Checker(base_dir, limit)
        checker.take(doc.nodes)
        return checker.run(doc)


def check_file(path: str, base_dir: str | None = None, memory_limit: int | None = None) -> list[Problem]:
    """The problems of ``check(load(path))``, for a caller that needs nothing else (``--validate``):
    the nodes go to the check as they are read and no model of the file is held, nor a table of
    shapes (a node is a few Python objects of ~1 KB, its text ~60 bytes). Raises ``DocumentError``
    as ``load``."""
    limit = default_memory_limit() if memory_limit is None else memory_limit
    with gc_paused():
        checkers = [_Checker(base_dir, limit, tables=False)]

        def take(nodes: list[Node] | None) -> None:
            if nodes is None:  # the file is read whole after all: start again
                checkers[:] = [_Checker(base_dir, limit, tables=False)]
            else:
                checkers[0].take(nodes)

        doc = load(path, take)
        return checkers[0].run(doc).problems


# -- one node at a time: what both the full check and the incremental Checker run ---------------
def _declare(node: Any) -> tuple[Step | None, list[Problem]]:
    """A node's op and params on their own: its Step (inputs not resolved yet) and its problems."""
    problems: list[Problem] = []
    op = REGISTRY.get(node.op)
    if op is None:
        close = _close(node.op, REGISTRY)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        problems.append(Problem(f"unknown op '{clip(node.op)}'{hint}", node.id, node.op, "op"))
        return None, problems
    params: dict[str, Any] | None = None  # a copy of the op's defaults once a param is given
    flags = {}
    given = node.params
    for key, value in given.items():
        if key in FLAGS:
            flags[key] = value
            msg = _flag_problem(op, key, value)
            if msg:
                problems.append(Problem(msg, node.id, node.op, f"params.{key}"))
            continue
        spec = next((p for p in op.params if p.name == key), None)
        if spec is None:
            takes = ", ".join(p.name for p in op.params) or "none"
            problems.append(Problem(f"unknown param '{clip(key)}' (takes: {takes})", node.id, node.op, f"params.{key}"))
            continue
        msg = _param_problem(spec, value)
        if msg:
            problems.append(Problem(msg, node.id, node.op, f"params.{key}"))
        if params is None:
            params = op.defaults()
        params[key] = value
    for p in op.params:
        if p.required and p.name not in given:
            problems.append(Problem(f"missing param '{p.name}'", node.id, node.op, f"params.{p.name}"))
    shown = _defaults(op) if params is None else params
    try:
        outputs = op.output_names(shown) if op.kind != "sink" else ()
    except Exception:
        outputs = op.outputs
    return Step(node.id, op, (), shown or _NOTHING, flags or _NOTHING, tuple(outputs)), problems


@functools.cache
def _defaults(op: type[Op]) -> Mapping[str, Any]:
    """An op's params at their defaults, one read-only mapping shared by every step that sets none
    (a file may hold 100,000 such steps)."""
    return MappingProxyType(op.defaults())


def _resolve(node: Any, step: Step, steps: Any, hint_ids: Any) -> tuple[tuple, list[Problem], bool, list[Ref]]:
    """A node's inputs against its op's ports: (per-port values, problems, whether a reference
    names no node, the references in port order). ``steps`` maps ids to declared Steps;
    ``hint_ids()`` lists ids for "did you mean"."""
    problems: list[Problem] = []
    refs: list[Ref] = []
    dangling = False
    inputs = node.inputs
    ports = step.op.inputs
    resolved = []
    found = 0
    for port in ports:
        name = port.name
        v = inputs.get(name, _ABSENT)
        if v is _ABSENT:
            if not port.optional:
                problems.append(Problem(f"missing input '{name}'", node.id, node.op, f"inputs.{name}"))
            resolved.append(None)
            continue
        found += 1
        if port.variadic:
            if not isinstance(v, list) or not v:
                problems.append(Problem("expected a list of tensors", node.id, node.op, f"inputs.{name}"))
                resolved.append(None)
                continue
            items = []
            for i, x in enumerate(v):
                x, lost = _value(x, port, i, node, steps, hint_ids, problems)
                items.append(x)
                dangling = dangling or lost
                if type(x) is Ref:
                    refs.append(x)
            resolved.append(items)
        else:
            if type(v) is str:  # the usual input: a reference to a node's first output, by its bare id
                src, output = parse_ref(v)
                target = steps.get(src)
                if target is not None and output is None and target.outputs:
                    src = target.id  # the step's own string: the file's copy of it need not outlive its node
                    ref = Ref(src, 0, src if target.keyed_by_id else format_ref(src, target.outputs[0]))
                    refs.append(ref)
                    resolved.append(ref)
                    continue
            v, lost = _value(v, port, None, node, steps, hint_ids, problems)
            resolved.append(v)
            dangling = dangling or lost
            if type(v) is Ref:
                refs.append(v)
    if found != len(inputs):  # keys that are no port: said first
        names = [p.name for p in ports]
        problems[:0] = [Problem(f"unknown input '{clip(key)}' (takes: {', '.join(names) or 'none'})",
                                node.id, node.op, f"inputs.{key}") for key in inputs if key not in names]
    return tuple(resolved), problems, dangling, refs


_ABSENT = object()


def _value(v: Any, port: Any, index: int | None, node: Any, steps: Any, hint_ids: Any,
           problems: list[Problem]) -> tuple[Any, bool]:
    """One input value resolved for ``port`` (item ``index`` of a variadic one): (a Ref, a Const, a
    number or None, whether it names no node); what is wrong goes to ``problems``."""

    def problem(message: str) -> None:
        path = f"inputs.{port.name}" if index is None else f"inputs.{port.name}[{index}]"
        problems.append(Problem(message, node.id, node.op, path))

    if isinstance(v, str):
        src, name = parse_ref(v)
        target = steps.get(src)
        if target is None:
            close = _close(src, hint_ids())
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problem(f"no node '{clip(src)}'{hint}")
            return None, True
        outs = target.outputs
        if not outs:
            problem(f"node '{src}' ({target.op.name}) has no outputs to connect")
            return None, False
        if not name:
            return Ref(src, 0, src if target.keyed_by_id else format_ref(src, outs[0])), False
        if target.op.tuple_output and name.isdigit() and str(int(name)) == name:
            return Ref(src, int(name), v), False  # a piece: checked against the count once the input's shape is known
        if name not in outs:
            known = "0, 1, …: one per piece" if target.op.tuple_output else ", ".join(outs)
            problem(f"node '{clip(src)}' has no output '{clip(name)}' (outputs: {clip(known)})")
            return None, False
        return Ref(src, outs.index(name), format_ref(src, name)), False
    if isinstance(v, bool) or isinstance(v, (int, float)):
        if port.scalar_ok:
            return v, False
        return Const(v, Spec((), dtypes.bool_ if isinstance(v, bool) else
                             dtypes.int64 if isinstance(v, int) else dtypes.float32)), False
    if isinstance(v, list):
        try:
            return Const(v, _data_spec(v, None)), False
        except ShapeError as e:
            problem(str(e))
            return None, False
    problem(f"expected a node reference, a number or a list of numbers, got {v!r}")
    return None, False


def _infer(step: Step, args: list, base_dir: str | None, limit: int,
           memo: dict | None = None) -> tuple[tuple | None, tuple[str, ...], list[Problem]]:
    """The registry's inference for one node whose inputs are known: (output specs, or None when
    they cannot be inferred; output names; problems). ``memo`` keeps the answers for this step by
    input specs (its op and params are fixed), so an undo finds them again."""
    key = answer = None
    if memo is not None and step.kind != "data":  # a data set is a file that may change
        try:
            key = _frozen(args)
            answer = memo.get(key)
        except TypeError:  # something unhashable: just infer
            key = None
    if answer is None:
        answer = _answer(step, args, base_dir)
        if key is not None:
            if len(memo) >= 4:
                memo.clear()
            memo[key] = answer
    specs, outputs, error, sizes, grad = answer
    if error is not None:
        return None, outputs, [Problem(error, step.id, step.op.name)]
    problems = []
    for spec, size in zip(specs, sizes):
        if size > limit:
            shape = clip(str(list(spec.shape)))
            problems.append(Problem(f"output {shape} {spec.dtype.name} would need {_bytes(size)}, "
                                    f"over the memory limit of {_bytes(limit)}", step.id, step.op.name))
    if grad:
        problems.append(Problem("only Tensors of floating point dtype can require gradients", step.id,
                                step.op.name, "params.requires_grad"))
    return specs, outputs, problems


def _answer(step: Step, args: list, base_dir: str | None) -> tuple:
    """What the registry's ``infer`` says of a step: (specs, output names, error message or None,
    each output's size in bytes, whether requires_grad is set on a non-float result)."""
    op = step.op
    kind = op.kind
    try:
        if kind == "leaf":
            out = op.infer(**step.params)
        elif kind == "data":
            out = op.infer(base_dir=base_dir, **step.params)
        else:
            out = op.infer(*args, **step.params)
    except ShapeError as e:
        return None, step.outputs, str(e), (), False
    except Exception as e:  # an op's inference should only raise ShapeError; never crash the editor
        return None, step.outputs, f"cannot infer the output ({type(e).__name__}: {e})", (), False
    outputs = step.outputs
    if kind == "sink":
        specs: tuple = ()
    else:
        specs = (out,) if isinstance(out, Spec) else tuple(out)
        if len(specs) != len(outputs):
            outputs = tuple(str(i) for i in range(len(specs)))
    sizes = tuple([spec.numel * spec.dtype.itemsize for spec in specs])
    grad = bool(step.flags.get("requires_grad") and specs and not specs[0].dtype.is_floating_point)
    return specs, outputs, None, sizes, grad


def _held(specs: tuple | None) -> int:
    """The bytes a node's outputs hold."""
    return sum(spec.numel * spec.dtype.itemsize for spec in specs) if specs else 0


def _over_run(held: Any, limit: int) -> Problem | None:
    """The whole run against the limit: ``held`` gives (step, bytes of its outputs, whether it
    computes) for every node without problems, in dependency order. A run keeps every output (the
    trace the editor shows) and an op at work needs as much again as its outputs for temporaries
    (a leaf or data set only holds its value); the problem goes to the first node where that sum
    passes the limit (the nodes after it tell the same story)."""
    total = 0
    for step, size, computes in held:
        need = total + (2 * size if computes else size)
        if need > limit:
            return Problem(f"the run would need {_bytes(need)} by this node (every output so far and "
                           f"this op's temporaries), over the memory limit of {_bytes(limit)}", step.id, step.op.name)
        total += size
    return None


def _frozen(args: list) -> tuple:
    """Input specs as a dict key (a variadic port's list becomes a tuple)."""
    return tuple(tuple(a) if isinstance(a, list) else a for a in args)


def _missing_pieces(step: Step, inputs: tuple, specs_of: Any) -> list[Problem]:
    """References to a piece that a tuple of pieces turned out not to have, once its count is known;
    ``specs_of(id)`` gives a node's inferred output specs (None when not inferred)."""
    problems = []
    for port, v in zip(step.op.inputs, inputs):
        for i, r in enumerate(v if isinstance(v, list) else [v]):
            if not isinstance(r, Ref):
                continue
            specs = specs_of(r.node)
            if specs is not None and r.output >= len(specs):
                path = f"inputs.{port.name}" + (f"[{i}]" if isinstance(v, list) else "")
                names = ", ".join(str(k) for k in range(len(specs))) or "none"
                problems.append(Problem(f"node '{r.node}' has no output '{r.output}' (outputs: {names})",
                                        step.id, step.op.name, path))
    return problems


def _spec_entries(node_id: str, outputs: tuple[str, ...], specs: tuple | None, tuple_output: bool = False
                  ) -> dict[str, Spec | None]:
    """What a node adds to ``CheckResult.specs``: each output's key (``id`` or ``id:name``) and ``id`` itself."""
    one = len(outputs) == 1 and not tuple_output
    if specs is None:
        out: dict[str, Spec | None] = {node_id if one else format_ref(node_id, name): None for name in outputs}
        out.setdefault(node_id, None)
        return out
    out = {}
    for i, spec in enumerate(specs):
        out[node_id if one else format_ref(node_id, outputs[i])] = spec
        if i == 0:
            out[node_id] = spec
    return out


def _order(ids: list[str], deps: Callable[[], Iterable[tuple[str, Collection[str]]]]
           ) -> tuple[list[str], dict[str, set[str]]]:
    """Dependency order of the nodes that ``deps()`` lists with their dependencies (Kahn's algorithm;
    ``ids`` gives the file order in which ready nodes start) and the nodes that never became ready
    (on or behind a cycle), each with its unmet dependencies. Lean for a long chain: the dependencies
    are read as they come (a second time only when there is a cycle), a node's one user is kept as its
    id, not in a list, and only nodes that wait are counted."""
    users: dict[str, Any] = {}
    waiting: dict[str, int] = {}
    for sid, ds in deps():
        if ds:
            waiting[sid] = len(ds)
        for d in ds:
            known = users.get(d)
            if known is None:
                users[d] = sid
            elif type(known) is str:
                users[d] = [known, sid]
            else:
                known.append(sid)
    ready = deque(sid for sid in ids if sid not in waiting)
    order: list[str] = []
    while ready:
        sid = ready.popleft()
        order.append(sid)
        known = users.get(sid)
        if known is None:
            continue
        for u in (known,) if type(known) is str else known:
            left = waiting[u] - 1
            waiting[u] = left
            if left == 0:
                ready.append(u)
    stuck: dict[str, set[str]] = {}
    if len(order) < len(ids):
        done = set(order)
        stuck = {sid: {d for d in ds if d not in done} for sid, ds in deps() if sid not in done}
    return order, stuck


class _Checker:
    """The whole document in one pass (what ``check`` runs), its nodes taken in file order, a batch
    at a time: a node is declared as it comes, and resolved at once when every node it refers to came
    before it (else once all have come), so the check keeps its Step, not the node."""

    def __init__(self, base_dir: str | None, limit: int, tables: bool = True):
        self.base_dir, self.limit = base_dir, limit
        self.tables = tables  # whether the result has each output's spec, each node's outputs, the program
        self.a = CheckResult()
        self.steps: dict[str, Step] = {}
        self.ids: list[str] = []  # every node's id, in file order
        self.later: list[tuple[Node, Step]] = []  # nodes referring to a node not taken yet (or none)
        self.bad: set[str] = set()  # nodes with a problem: their dependents stay quiet
        # each distinct tuple of output specs once, with the bytes it holds: a 100,000-node chain has one
        self.shared: dict[tuple, tuple[tuple, int]] = {}

    def add(self, node_id: str, problems: list[Problem]) -> None:
        if problems:
            self.a.problems.extend(problems)
            self.bad.add(node_id)

    def take(self, nodes: list[Node]) -> None:
        steps, later = self.steps, self.later
        for node in nodes:
            self.ids.append(node.id)
            step, problems = _declare(node)
            self.add(node.id, problems)
            if step is None:
                continue
            steps[node.id] = step
            if all(src in steps for src in sources(node.inputs)):  # (then no "did you mean" is asked for)
                self.resolve(node, step)
            else:
                later.append((node, step))

    def resolve(self, node: Node, step: Step) -> None:
        step.inputs, problems, _, _ = _resolve(node, step, self.steps, lambda: self.ids[:5000])
        self.add(node.id, problems)

    def run(self, doc: Document) -> CheckResult:
        steps, ids = self.steps, self.ids
        for node, step in self.later:
            self.resolve(node, step)
        self.later = []
        order_ids, stuck = _order([sid for sid in ids if sid in steps],
                                  lambda: ((sid, _sources_of(step.inputs)) for sid, step in steps.items()))
        for cycle in _cycles(stuck):
            message = _cycle_message(cycle)
            for sid in cycle:
                self.add(sid, [Problem(message, sid, steps[sid].op.name)])
        self.bad.update(stuck)
        order = [steps[sid] for sid in order_ids]
        del order_ids
        for step in order:
            self.infer(step)
        if self.tables:
            self.a.outputs = {sid: step.outputs for sid, step in steps.items()}  # (as inferred)
        shared = self.shared  # (a step without problems has its specs there)
        over = _over_run(((s, shared[s.specs][1], s.op.kind == "op") for s in order
                          if s.id not in self.bad), self.limit)
        if over is not None:
            self.add(over.node_id, [over])
        if self.a.problems:
            index = {sid: i for i, sid in enumerate(ids)}
            self.a.problems.sort(key=lambda p: index.get(p.node_id, -1))  # file order, as the user reads it
        elif self.tables:  # every output's spec is known (a None marks a problem), so the program shares the table
            sinks = [s for s in (steps[sid] for sid in ids) if s.op.kind == "sink"]
            self.a.program = Program(doc, self.base_dir, [s for s in order if s.op.kind != "sink"], sinks,
                                     self.a.specs)
        return self.a

    def infer(self, step: Step) -> None:
        steps, bad, sid = self.steps, self.bad, step.id
        clean, short = sid not in bad, False
        if clean:
            for v in step.inputs:
                for r in v if type(v) is list else (v,):
                    if type(r) is Ref:
                        if r.node in bad:
                            clean = False
                            break
                        short = short or r.output >= len(steps[r.node].specs)
                if not clean:
                    break
        missing = _missing_pieces(step, step.inputs, lambda i: steps[i].specs) if clean and short else []
        specs = None
        if clean and not missing:
            args = [self.spec_of(v) for v in step.inputs]
            specs, outputs, problems = _infer(step, args, self.base_dir, self.limit)
            if outputs != step.outputs:
                step.outputs = outputs
            if specs is not None:
                shared = self.shared.get(specs)
                if shared is None:
                    shared = self.shared[specs] = (specs, _held(specs))
                step.specs = shared[0]
            self.add(sid, problems)
        else:
            self.add(sid, missing)
            bad.add(sid)
        if not self.tables:
            return
        if specs is not None and len(specs) == 1 and len(step.outputs) == 1 and not step.op.tuple_output:
            self.a.specs[sid] = step.specs[0]
        else:
            self.a.specs.update(_spec_entries(sid, step.outputs, specs, step.op.tuple_output))

    def spec_of(self, v: Any) -> Any:
        if type(v) is Ref:
            specs = self.steps[v.node].specs
            return specs[v.output] if v.output < len(specs) else None
        if isinstance(v, Const):
            return v.spec
        if isinstance(v, list):
            return [self.spec_of(x) for x in v]
        return v


class Checker:
    """``check`` for a document being edited: call ``check(doc)`` after every edit and get exactly
    what ``check(doc)`` gives, for the price of the nodes the edit touched.

    Each node's result is kept between calls and redone only when the node itself changed (its op,
    inputs or params, compared by value and JSON type), when a node it refers to appeared, vanished
    or changed its outputs, or when the shapes flowing into it changed; shapes are re-inferred in
    dependency order from the edited nodes and stop spreading where an output comes out the same.
    The per-node work is the same ``_declare`` / ``_resolve`` / ``_infer`` the full check runs, so
    the registry's ``infer`` stays the one source of shapes. Nodes are expected to be replaced
    rather than edited in place (as the editor's commands do): a node object seen before is
    compared with ``==``, a new one strictly. Data nodes are re-inferred every time (their
    loader keeps its own cache), as is every output near the memory limit when the limit moves.
    """

    def __init__(self, base_dir: str | None = None, memory_limit: int | None = None):
        self.base_dir = base_dir
        self.memory_limit = memory_limit
        self.reset()

    def reset(self) -> None:
        """Forget everything: the next check is a full one."""
        self._recs: dict[str, _Rec] = {}
        self._ids: list[str] = []
        self._pos: dict[str, int] = {}           # id → place in dependency order (stuck nodes absent)
        self._order: list[str] = []
        self._users: dict[str, set[str]] = {}    # id as referred to → ids of the nodes referring to it
        self._specs: dict[str, Spec | None] = {}
        self._outputs: dict[str, tuple[str, ...]] = {}
        self._limit: int | None = None
        self._data: set[str] = set()             # data nodes
        self._big: set[str] = set()              # nodes with an output of _BIG bytes or more

    def check(self, doc: Document, base_dir: str | None = None, program: bool = True) -> CheckResult:
        """What ``check(doc, base_dir)`` gives; ``program=False`` leaves ``CheckResult.program`` None
        (the editor only shows problems and shapes)."""
        nodes = doc.nodes
        ids = [n.id for n in nodes]
        if base_dir != self.base_dir:
            self.base_dir = base_dir
            self.reset()
        if len(set(ids)) != len(ids):  # duplicate ids (never in a loaded file): the full check's rules
            self.reset()
            return check(doc, base_dir, self.memory_limit)
        limit = default_memory_limit() if self.memory_limit is None else self.memory_limit
        recs = self._recs

        # 1. declare nodes that are new or edited; note whose look from outside changed
        redeclared: set[str] = set()
        signature_changed: set[str] = set()
        for node in nodes:
            old = recs.get(node.id)
            if old is not None and (old.node is node and node.op == old.op and node.inputs == old.inputs
                                    and node.params == old.params or old.matches(node)):
                continue
            rec = _Rec(node)
            if old is None or rec.signature != old.signature:
                signature_changed.add(node.id)
            if old is not None:
                self._unlink(old)
                rec.specs, rec.bad = old.specs, old.bad  # what its users saw, to tell whether they must look again
                if (old.step is None) == (rec.step is None):
                    # still on the same cycle, if any, until the order is redone (when its wiring changes)
                    rec.deps = old.deps
                    rec.cyc = [Problem(p.message, node.id, node.op, p.path) for p in old.cyc]
                    rec.refresh()
                else:
                    rec.deps = None  # it joins or leaves the dependency order: redo it
            if rec.step is not None:
                self._outputs[node.id] = rec.step.outputs
                if rec.step.kind == "data":
                    self._data.add(node.id)
            recs[node.id] = rec
            redeclared.add(node.id)
        ids_changed = ids != self._ids
        if len(recs) != len(ids):
            present = set(ids)
            for gone in [i for i in recs if i not in present]:
                self._unlink(recs.pop(gone))
                signature_changed.add(gone)

        # 2. resolve inputs where the node or what it refers to changed
        to_resolve = set(redeclared)
        for i in signature_changed:
            to_resolve.update(self._users.get(i, ()))
        if ids_changed:  # "did you mean" hints read the list of ids
            to_resolve.update(i for i, rec in recs.items() if rec.dangling)
        structure = ids_changed
        hint_ids = ids[:5000]
        for i in to_resolve:
            rec = recs.get(i)
            if rec is None:
                continue
            for src in rec.srcs:
                self._users.get(src, set()).discard(i)
            deps = rec.deps
            rec.resolve(recs, hint_ids)
            for src in rec.srcs:
                self._users.setdefault(src, set()).add(i)
            if rec.deps != deps:
                structure = True

        # 3. dependency order, and cycles, when the wiring changed
        dirty = {i for i in to_resolve if i in recs}
        if structure:
            stepped = [i for i in ids if recs[i].step is not None]
            order, stuck = _order(stepped, lambda: ((i, recs[i].deps) for i in stepped))
            cycles: dict[str, list[Problem]] = {}
            for cycle in _cycles(stuck):
                message = _cycle_message(cycle)
                for sid in cycle:
                    node = recs[sid].node
                    cycles.setdefault(sid, []).append(Problem(message, node.id, node.op))
            for i in stepped:
                rec = recs[i]
                cyc = cycles.get(i, [])
                if cyc != rec.cyc:
                    rec.cyc = cyc
                    rec.refresh()
                if i in stuck and (rec.inferred or rec.specs is not None or not rec.bad):
                    self._forget_inference(rec)  # (a replaced node may still carry what its users saw)
            self._order = order
            self._pos = {i: k for k, i in enumerate(order)}
            dirty.update(i for i in order if not recs[i].inferred)  # new, or off a cycle
        pos = self._pos

        # 4. infer, in dependency order, from what changed outwards
        dirty.update(self._data)  # a data set is read through its loader's cache every time
        if self._limit is not None and limit != self._limit:
            low = min(limit, self._limit)
            near = self._big if low >= _BIG else self._order  # outputs that may cross the limit
            dirty.update(i for i in near if i in recs and recs[i].size > low)
        self._limit = limit
        heap = [(pos[i], i) for i in dirty if i in pos]
        heapq.heapify(heap)
        done: set[str] = set()
        while heap:
            _, i = heapq.heappop(heap)
            if i in done:
                continue
            done.add(i)
            if self._infer(recs[i], limit):
                for user in self._users.get(i, ()):
                    if user in pos and user not in done:
                        heapq.heappush(heap, (pos[user], user))
        self._ids = ids

        # 5. the analysis, in file order
        over = _over_run(((recs[i].step, recs[i].held, recs[i].step.kind == "op") for i in self._order
                          if not recs[i].bad), limit)
        problems = [p for i in ids for p in recs[i].problems]
        if over is not None:
            at = sum(len(recs[i].problems) for i in ids[:ids.index(over.node_id)])
            problems.insert(at, over)
        analysis = CheckResult(problems, dict(self._specs), dict(self._outputs))
        if program and not problems:
            steps = [recs[i].final_step() for i in self._order]
            sinks = [recs[i].final_step() for i in ids if recs[i].step.kind == "sink"]
            analysis.program = Program(doc, base_dir, [s for s in steps if s.kind != "sink"], sinks,
                                       {k: v for k, v in self._specs.items() if v is not None})
        return analysis

    def _infer(self, rec: _Rec, limit: int) -> bool:
        """(Re)infer one node whose sources are done; True when its users must look again."""
        recs = self._recs
        step = rec.step
        before = (rec.specs, rec.bad)
        bad = bool(rec.decl or rec.res or rec.cyc)
        if not bad:
            for r in rec.refs:
                if recs[r.node].bad:
                    bad = True
                    break
        problems = [] if bad else _missing_pieces(step, rec.inputs_resolved, lambda i: recs[i].specs)
        if bad or problems:
            specs, outputs, bad = None, step.outputs, True
        else:
            args = [_spec_in(v, recs) for v in rec.inputs_resolved]
            specs, outputs, problems = _infer(step, args, self.base_dir, limit, rec.memo)
            bad = bool(problems)
        node_id = step.id
        if len(outputs) == 1 and not step.op.tuple_output and len(rec.entries) == 1 and node_id in rec.entries:
            spec = specs[0] if specs else None
            if rec.entries[node_id] != spec:
                self._specs[node_id] = spec
                rec.entries = {node_id: spec}
        else:
            entries = _spec_entries(node_id, outputs, specs, step.op.tuple_output)
            if entries != rec.entries:
                for key in rec.entries.keys() - entries.keys():
                    del self._specs[key]
                self._specs.update(entries)
                rec.entries = entries
        if outputs is not rec.outputs:
            self._outputs[step.id] = outputs
        rec.specs, rec.outputs, rec.bad, rec.inferred, rec.final = specs, outputs, bad, True, None
        if problems or rec.inf:
            rec.inf = problems
            rec.refresh()
        size = 0
        if specs:
            for spec in specs:
                size = max(size, spec.numel * spec.dtype.itemsize)  # (few outputs: cheap)
        if size >= _BIG:
            self._big.add(step.id)
        elif rec.size >= _BIG:
            self._big.discard(step.id)
        rec.size = size
        rec.held = _held(specs)
        return specs != before[0] or bad != before[1]

    def _forget_inference(self, rec: _Rec) -> None:
        """A node that left the dependency order (on a cycle): no shapes, declared outputs."""
        for key in rec.entries:
            del self._specs[key]
        rec.entries = {}
        rec.specs, rec.outputs, rec.bad, rec.inf, rec.inferred, rec.size, rec.final = (
            None, rec.step.outputs, True, [], False, 0, None)
        rec.held = 0
        self._big.discard(rec.step.id)
        self._outputs[rec.step.id] = rec.step.outputs
        rec.refresh()

    def _unlink(self, rec: _Rec) -> None:
        """Take a replaced or deleted node's traces out of the shared tables."""
        for key in rec.entries:
            del self._specs[key]
        rec.entries = {}
        self._outputs.pop(rec.node.id, None)
        self._data.discard(rec.node.id)
        self._big.discard(rec.node.id)
        for src in rec.srcs:
            self._users.get(src, set()).discard(rec.node.id)


_BIG = 1 << 20


def _spec_in(v: Any, recs: dict[str, _Rec]) -> Any:
    if isinstance(v, Ref):
        specs = recs[v.node].specs or ()
        return specs[v.output] if v.output < len(specs) else None
    if isinstance(v, Const):
        return v.spec
    if isinstance(v, list):
        return [_spec_in(x, recs) for x in v]
    return v


def _sources_of(inputs: tuple) -> tuple[str, ...]:
    """The ids of the nodes a step's resolved inputs refer to, each once."""
    found = []
    for v in inputs:
        if type(v) is Ref:
            found.append(v.node)
        elif type(v) is list:
            found.extend(x.node for x in v if type(x) is Ref)
    return tuple(found) if len(found) < 2 else tuple(dict.fromkeys(found))


class _Rec:
    """What the incremental Checker knows of one node: a snapshot of it and each phase's result."""

    __slots__ = ("node", "op", "inputs", "params", "step", "decl", "signature", "inputs_resolved", "res",
                 "dangling", "srcs", "refs", "deps", "cyc", "inf", "specs", "outputs", "bad", "inferred",
                 "entries", "size", "held", "problems", "final", "memo")

    def __init__(self, node: Any):
        self.node = node
        self.op, self.inputs, self.params = node.op, _json_copy(node.inputs), _json_copy(node.params)
        self.step, self.decl = _declare(node)
        self.signature = None if self.step is None else (self.step.op.name, self.step.outputs)
        self.inputs_resolved: tuple = ()
        self.res: list[Problem] = []
        self.dangling = False
        self.srcs: frozenset[str] = frozenset()
        self.refs: list[Ref] = []
        self.deps: frozenset[str] | None = frozenset()
        self.cyc: list[Problem] = []
        self.inf: list[Problem] = []
        self.specs: tuple | None = None
        self.outputs = self.step.outputs if self.step is not None else ()
        self.bad = True
        self.inferred = False
        self.entries: dict[str, Spec | None] = {}
        self.size = 0
        self.held = 0  # bytes of all its outputs (the whole-run check)
        self.final: Step | None = None
        self.memo: dict = {}  # input specs → the registry's answer (see _infer)
        self.refresh()

    def matches(self, node: Any) -> bool:
        if node is self.node:
            return node.op == self.op and node.inputs == self.inputs and node.params == self.params
        if node.op == self.op and _same(node.inputs, self.inputs) and _same(node.params, self.params):
            self.node = node
            return True
        return False

    def resolve(self, recs: dict[str, _Rec], hint_ids: list[str]) -> None:
        self.final = None
        if self.step is None:  # an unknown op: nothing to resolve against
            self.inputs_resolved, self.res, self.dangling = (), [], False
            self.srcs, self.refs, self.deps = frozenset(), [], frozenset()
            self.refresh()
            return
        steps = _StepView(recs)
        self.inputs_resolved, self.res, self.dangling, self.refs = _resolve(self.node, self.step, steps,
                                                                           lambda: hint_ids)
        self.srcs = frozenset(sources(self.node.inputs))
        self.deps = frozenset(r.node for r in self.refs)
        self.refresh()

    def refresh(self) -> None:
        self.problems = self.decl + self.res + self.cyc + self.inf

    def final_step(self) -> Step:
        if self.final is None:
            s = self.step
            self.final = Step(s.id, s.op, self.inputs_resolved, s.params, s.flags, self.outputs, self.specs or ())
        return self.final


class _StepView:
    """The declared Steps of the incremental Checker's nodes, as ``_resolve`` looks them up."""

    __slots__ = ("recs",)

    def __init__(self, recs: dict[str, _Rec]):
        self.recs = recs

    def get(self, node_id: str) -> Step | None:
        rec = self.recs.get(node_id)
        return None if rec is None else rec.step


def _json_copy(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _json_copy(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_json_copy(x) for x in v]
    return v


def _same(a: Any, b: Any) -> bool:
    """Equal, with the same JSON types all the way down (1, 1.0 and true differ) and keys in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return len(a) == len(b) and all(ka == kb and _same(va, vb)
                                        for (ka, va), (kb, vb) in zip(a.items(), b.items()))
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


CYCLE_SHOWN = 8  # nodes of a cycle named in its message; the rest are counted


def _cycle_message(cycle: list[str]) -> str:
    """One message for every node on ``cycle``, of bounded length: every node on a long cycle
    carries it, so its length must not grow with the cycle."""
    names = [clip(sid) for sid in cycle]
    if len(cycle) <= CYCLE_SHOWN:
        return "cycle: " + " → ".join(names + [names[0]])
    return f"cycle of {len(cycle)} nodes: " + " → ".join(names[:CYCLE_SHOWN]) + " → … → " + names[0]


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


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _param_problem(p: Param, value: Any) -> str | None:
    """Why `value` does not fit `p` (None when it does): the inspector's and the file's check."""
    if value is None:
        return None if p.nullable else "cannot be null"
    if p.type in ("choice", "dtype"):
        if p.choices and value not in p.choices:
            return f"expected one of {', '.join(map(str, p.choices))}, got {_show(value)}"
        return None
    kind = PARAM_TYPES[p.type]
    if not kind.accepts(value):
        return f"expected {kind.expected}, got {_show(value)}"
    if _is_num(value):
        if p.min is not None and value < p.min:
            return f"must be at least {p.min}, got {value}"
        if p.max is not None and value > p.max:
            return f"must be at most {p.max}, got {value}"
    return None


CLOSE_MAX_LENGTH = 100  # no suggestion for a longer word: difflib's time grows with its square


def _close(word: str, choices: Any) -> list[str]:
    """The nearest spelling among `choices`, for "did you mean …" (difflib loads only when needed)."""
    if len(word) > CLOSE_MAX_LENGTH:
        return []
    import difflib

    return difflib.get_close_matches(word, choices, n=1)
