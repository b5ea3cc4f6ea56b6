"""A Hypothesis strategy for random valid graph files, built from the op registry.

A graph is a chain of blocks. Each block is one op called as one of its (non-error) samples:
the sample's shapes become fresh `tensor` leaves (float32, float64 or the sample's dtype) or
earlier outputs of the same shape and dtype, so ops feed each other; Python numbers stand in
for operands that take them; second operands of elementwise ops may broadcast. Op nodes may
carry `retain_grad` or `no_grad`. The graph ends in sinks: one or more `backward`s (scalars, or
non-scalars with a `gradient`), or an optimizer (SGD with momentum, Adam, RMSprop) over several
steps. Every block is checked with the op's own inference, so the file is valid by construction.

Random ops are left out (PyTorch draws other numbers); a difference from PyTorch kept on purpose
is left out where it says `# known:` (each listed in docs/decisions.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import strategies as st

import graphstudio.program  # noqa: F401 - registers every op, the graph-only nodes too
from graphstudio.engine.core import dtypes
from graphstudio.engine.core.registry import REGISTRY, Sample, ShapeError, Spec

FLOATS = ("float32", "float64")

# Random ops draw from NumPy's generator, PyTorch's draws other numbers: no value to compare.
RANDOM = {"rand", "randn", "randint", "randperm", "normal", "bernoulli", "dataset"}
LEFT_OUT = RANDOM


def _known_difference(op: str, sample: Sample) -> bool:
    """Samples whose result PyTorch does not determine, or that meet a difference kept on purpose."""
    p = sample.params
    return op == "dropout" and p.get("p", 0.5) != 0 and p.get("training", True)  # random


def _finite(value: Any) -> bool:
    """A graph file holds finite numbers only (JSON has no nan or inf)."""
    if isinstance(value, (list, tuple)):
        return all(_finite(v) for v in value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    return not isinstance(value, float) or np.isfinite(value)


def _usable(op: str, sample: Sample) -> bool:
    return (sample.error is None and not _known_difference(op, sample)
            and _finite([i for i in sample.inputs if not isinstance(i, tuple)]) and _finite(sample.params))


OPS = {name: [s for s in cls.samples if _usable(name, s)] for name, cls in sorted(REGISTRY.items())
       if cls.kind == "op" and name not in LEFT_OUT}
OPS = {name: samples for name, samples in OPS.items() if samples}
CONSTANT_LEAVES = {name: [s for s in REGISTRY[name].samples if s.error is None] for name in ("zeros", "ones", "full", "eye")}


@dataclass
class Value:
    """An output in the graph so far, as the strategy tracks it."""

    ref: str
    spec: Spec
    requires_grad: bool
    upstream: frozenset = frozenset()       # leaf ids it depends on
    grad_leaves: frozenset = frozenset()    # leaf ids a backward from it reaches
    aliases: frozenset = frozenset()        # leaf ids whose memory it may share (a view of them)


@dataclass
class _Graph:
    draw: Any
    nodes: list = field(default_factory=list)
    values: list = field(default_factory=list)
    leaves: dict = field(default_factory=dict)  # leaf id -> requires_grad

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{len(self.nodes)}"

    # -- leaves -------------------------------------------------------------------------------
    def leaf(self, shape: tuple, dtype: str, positive: bool = False, distinct: bool = False,
             grad: bool | None = None) -> Value:
        seed = self.draw(st.integers(0, 2**32 - 1))
        rng = np.random.default_rng(seed)
        n = int(np.prod(shape, dtype=np.int64))
        if dtype == "bool":
            data = rng.random(shape) > 0.5
        elif dtype == "int64":  # distinct, so sorts and arg-extremes have no ties to break
            data = rng.permutation(n).reshape(shape) + (1 if positive else -(n // 2))
        else:
            data = rng.standard_normal(n)
            if distinct:
                data = np.sort(data) + np.arange(n) * 0.1
                rng.shuffle(data)
            data = data.reshape(shape)
            if positive:
                data = np.abs(data) + 0.5
        requires_grad = dtype in FLOATS and (grad if grad is not None else self.draw(st.booleans()))
        return self.add_leaf("tensor", {"data": data.tolist(), "dtype": dtype},
                             Spec(tuple(shape), dtypes.from_name(dtype)), requires_grad)

    def add_leaf(self, op: str, params: dict, spec: Spec, requires_grad: bool) -> Value:
        node_id = self.new_id("t")
        self.nodes.append({"id": node_id, "op": op, "params": {**params, **({"requires_grad": True}
                                                                             if requires_grad else {})}})
        self.leaves[node_id] = requires_grad
        v = Value(node_id, spec, requires_grad, frozenset({node_id}),
                  frozenset({node_id}) if requires_grad else frozenset())
        self.values.append(v)
        return v

    def constant_leaf(self) -> None:
        name = self.draw(st.sampled_from(sorted(CONSTANT_LEAVES)))
        sample = self.draw(st.sampled_from(CONSTANT_LEAVES[name]))
        dtype = self.draw(st.sampled_from(FLOATS))
        params = {**_jsonable(sample.params), "dtype": dtype}
        spec = REGISTRY[name].infer(**{**REGISTRY[name].defaults(), **params})
        self.add_leaf(name, params, spec, self.draw(st.booleans()))

    # -- op blocks ----------------------------------------------------------------------------
    def operand(self, shape: tuple, dtype: str | None, sample: Sample, float_dtype: str) -> Value:
        """An earlier output of this shape and dtype, or a fresh leaf."""
        want = dtype or float_dtype
        if not (sample.positive or sample.distinct):
            same = [v for v in self.values if v.spec.shape == tuple(shape) and v.spec.dtype.name == want]
            if same and self.draw(st.booleans()):
                return self.draw(st.sampled_from(same))
        return self.leaf(shape, want, sample.positive, sample.distinct)

    def block(self) -> None:
        name = self.draw(st.sampled_from(sorted(OPS)))
        op = REGISTRY[name]
        sample = self.draw(st.sampled_from(OPS[name]))
        float_dtype = self.draw(st.sampled_from(FLOATS + ("int64",)))  # ops that refuse ints are left out
        ports = list(op.inputs)
        items = list(sample.inputs)
        broadcast = self.draw(st.booleans())
        args: list = []
        for k, item in enumerate(items):
            port = ports[min(k, len(ports) - 1)]
            want = sample.dtypes[k] if sample.dtypes and k < len(sample.dtypes) else None
            if isinstance(item, tuple):
                shape = item
                if port.scalar_ok and k > 0 and broadcast and shape:
                    shape = self.draw(st.sampled_from(_broadcastable(shape)))
                if port.scalar_ok and k > 0 and not want and self.draw(st.integers(0, 3)) == 0:
                    args.append(self.draw(st.sampled_from([2, -1, 0.5, 1.5, 3])))  # a Python number
                else:
                    args.append(self.operand(shape, want, sample, float_dtype))
            elif isinstance(item, list):
                args.append(self.literal_operand(item, want))
            elif isinstance(item, bool):
                return  # a graph file's literal numbers are no bools
            else:
                args.append(item)
        self.add_op(name, sample, args)

    def literal_operand(self, data: list, want: str | None) -> Any:
        """A literal list stays a literal (a constant tensor) or becomes a `tensor` leaf."""
        arr = np.asarray(data, dtype=want) if want else np.asarray(data)
        if want is None and arr.dtype != np.bool_ and self.draw(st.booleans()):  # literals are numbers
            return _Literal(data, Spec(arr.shape, dtypes.from_name(_dtype_name(arr))))
        dtype = want or _dtype_name(arr)
        return self.add_leaf("tensor", {"data": arr.tolist(), "dtype": dtype}, Spec(arr.shape, dtypes.from_name(dtype)),
                             dtype in FLOATS and self.draw(st.booleans()))

    def add_op(self, name: str, sample: Sample, args: list) -> None:
        op = REGISTRY[name]
        params = _jsonable(sample.params)
        if "index" in params and not isinstance(params["index"], list):
            params["index"] = [params["index"]]  # x[i] is x[(i,)]; a file's index is a number or a list
        specs = [a.spec if isinstance(a, (Value, _Literal)) else a for a in args]
        grouped = _group(op, specs)
        try:
            out = op.infer(*grouped, **{**op.defaults(), **sample.params})
        except (ShapeError, TypeError, ValueError):
            return  # a broadcast or dtype this op refuses: leave the block out
        outs = [out] if isinstance(out, Spec) else list(out)
        names = _output_names(op, sample.params, grouped)
        if name == "huber_loss" and specs[0].dtype != specs[1].dtype:
            return  # PyTorch's backward refuses mixed dtypes here (docs/decisions.md)
        node_id = self.new_id("n")
        inputs = dict(zip((p.name for p in op.inputs), _group(op, [_wire(a) for a in args])))
        inputs = {k: v for k, v in inputs.items() if v is not None}
        flags = {}
        if op.category != "Shape" and self.draw(st.integers(0, 5)) == 0:
            # unfixed: a view made under no_grad of a tensor that requires grad requires grad in PyTorch
            flags["no_grad"] = True
        elif self.draw(st.integers(0, 3)) == 0:
            flags["retain_grad"] = True
        self.nodes.append({"id": node_id, "op": name, "inputs": inputs, "params": {**params, **flags}})
        tensors = [a for a in args if isinstance(a, Value)]
        upstream = frozenset().union(*(a.upstream for a in tensors))
        reaches = frozenset().union(*(a.grad_leaves for a in tensors))
        grad_in = any(a.requires_grad for a in tensors)
        for i, spec in enumerate(outs):
            floating = spec.dtype.is_floating_point
            rg = grad_in and floating and op.differentiable and not flags.get("no_grad")
            ref = node_id if len(outs) == 1 else f"{node_id}:{names[i]}"
            aliases = frozenset().union(*(a.aliases | ({a.ref} if a.ref in self.leaves else set()) for a in tensors)) \
                if op.category == "Shape" else frozenset()
            self.values.append(Value(ref, spec, rg, upstream, reaches if rg else frozenset(), aliases))

    def consume(self, v: Value) -> None:
        """An op reading a named output (`"n3:values"`, `"n5:1"`), so those references get exercised."""
        if self.draw(st.booleans()):
            self.add_op("sum", Sample(((),)), [v])
        elif v.spec.dtype is not dtypes.bool_:
            self.add_op("mul", Sample(((), ())), [v, self.draw(st.sampled_from([2, 0.5]))])

    # -- sinks --------------------------------------------------------------------------------
    def differentiable(self) -> list[Value]:
        return [v for v in self.values if v.requires_grad and v.spec.dtype.is_floating_point]

    def reduce_to_scalar(self, v: Value) -> Value:
        if v.spec.shape == ():
            return v
        name = self.draw(st.sampled_from(["sum", "mean"]))
        node_id = self.new_id("loss")
        self.nodes.append({"id": node_id, "op": name, "inputs": {"input": v.ref}})
        out = Value(node_id, Spec((), v.spec.dtype), True, v.upstream, v.grad_leaves)
        self.values.append(out)
        return out

    def backward_sink(self, v: Value, retain_graph: bool) -> None:
        node: dict = {"id": self.new_id("bw"), "op": "backward", "inputs": {"tensor": v.ref}}
        if v.spec.shape != () and (v.spec.numel == 0 or self.draw(st.booleans())):  # no literal for [0, 6]
            v = self.reduce_to_scalar(v)
            node["inputs"]["tensor"] = v.ref
        if v.spec.shape != ():
            # unfixed: a `gradient` leaf can become the storage of a .grad in PyTorch (AccumulateGrad takes a
            # fresh gradient over), so later steps write into it; a literal is a new tensor at every call
            grad = np.random.default_rng(self.draw(st.integers(0, 2**32 - 1))).standard_normal(v.spec.shape)
            node["inputs"]["gradient"] = grad.astype(np.float32).astype(np.float64).tolist()
        if retain_graph:
            node["params"] = {"retain_graph": True}
        self.nodes.append(node)

    def can_train(self, v: Value) -> bool:
        """unfixed: once a step updates a leaf in place, PyTorch names the grad_fn of a view made of it
        before the step AsStridedBackward0; leave out optimizers over leaves that have views."""
        trained = {leaf for leaf in v.upstream if self.leaves.get(leaf)}
        return not any(trained & w.aliases for w in self.values)

    def weighted(self, v: Value) -> Value:
        """`v` times random constant weights: a sum of softmax's outputs is constant, and Adam or RMSprop
        would scale its rounding-noise gradient up to whole steps in either library's own direction."""
        if v.spec.numel == 0:
            return v
        weights = np.random.default_rng(self.draw(st.integers(0, 2**32 - 1))).uniform(0.5, 1.5, v.spec.shape)
        literal = _Literal(weights.round(3).tolist(), Spec(v.spec.shape, dtypes.float32))
        node_id = self.new_id("w")
        self.nodes.append({"id": node_id, "op": "mul", "inputs": {"input": v.ref, "other": literal.data}})
        out = Value(node_id, REGISTRY["mul"].infer(v.spec, literal.spec), True, v.upstream, v.grad_leaves)
        self.values.append(out)
        return out

    def optimizer_sink(self, v: Value) -> None:
        loss = self.reduce_to_scalar(self.weighted(v))
        kind = self.draw(st.sampled_from(["sgd", "adam", "rmsprop"]))
        params: dict = {"lr": self.draw(st.sampled_from([0.01, 0.05, 0.1]))}
        if kind == "sgd":
            params["momentum"] = self.draw(st.sampled_from([0.0, 0.9]))
            if params["momentum"] and self.draw(st.booleans()):
                params["nesterov"] = True
        elif kind == "adam":
            params["weight_decay"] = self.draw(st.sampled_from([0.0, 0.01]))
            params["amsgrad"] = self.draw(st.booleans())
        elif kind == "rmsprop":
            params["momentum"] = self.draw(st.sampled_from([0.0, 0.5]))
            params["centered"] = self.draw(st.booleans())
        self.nodes.append({"id": self.new_id("opt"), "op": kind, "inputs": {"loss": loss.ref}, "params": params})


@dataclass
class _Literal:
    """A literal list input: a constant tensor, as `torch.tensor(list)` makes it."""

    data: list
    spec: Spec


def _wire(a: Any) -> Any:
    if isinstance(a, Value):
        return a.ref
    if isinstance(a, _Literal):
        return a.data
    return a


def _group(op: Any, items: list) -> list:
    """Sample inputs are flat; a variadic port takes the rest as one list."""
    if any(p.variadic for p in op.inputs):
        return [list(items)] if len(op.inputs) == 1 else [list(items[:-1]), items[-1]]
    return list(items)


def _output_names(op: Any, params: dict, inputs: list) -> tuple:
    """The outputs a file can reference, as the compiler names them (pieces counted from the input's shape)."""
    return op.output_names(params, *inputs) if op.tuple_output else op.output_names(params)


def _broadcastable(shape: tuple) -> list[tuple]:
    """Shapes that broadcast against `shape` to `shape`: trailing dims kept, some set to 1."""
    return [shape, shape[1:], tuple(1 for _ in shape), shape[:-1] + (1,)]


def _dtype_name(arr: np.ndarray) -> str:
    if arr.dtype == np.bool_:
        return "bool"
    return "int64" if np.issubdtype(arr.dtype, np.integer) else "float32"  # as torch.tensor(list) makes it


def _jsonable(value: Any) -> Any:
    """Sample params as a graph file writes them (an index: slices as "a:b:c", Ellipsis as "...")."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if value is Ellipsis:
        return "..."
    if isinstance(value, slice):
        parts = ["" if x is None else str(x) for x in (value.start, value.stop, value.step)]
        return ":".join(parts[:2]) if value.step is None else ":".join(parts)
    return value


@st.composite
def graphs(draw: Any) -> dict:
    """A valid graph file (as a dict): op blocks, then backward sinks or an optimizer."""
    g = _Graph(draw)
    for _ in range(draw(st.integers(0, 1))):
        g.constant_leaf()
    for _ in range(draw(st.integers(1, 5))):
        g.block()
    for v in [v for v in g.values if ":" in v.ref]:
        if draw(st.booleans()):
            g.consume(v)
    steps = 1
    candidates = g.differentiable()
    if candidates:
        target = draw(st.sampled_from(candidates))
        if draw(st.booleans()) or not g.can_train(target):
            n = draw(st.integers(1, 3))
            for i in range(n):
                g.backward_sink(draw(st.sampled_from(candidates)), retain_graph=i < n - 1)
            steps = draw(st.integers(1, 2))
        else:
            g.optimizer_sink(target)
            steps = draw(st.integers(2, 4))
    return {"graphstudio": 1, "title": "fuzzed", "seed": 0, "steps": steps, "nodes": g.nodes}
