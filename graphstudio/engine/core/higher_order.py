"""Backward passes that build a graph (`create_graph=True`), for second and higher derivatives.

An op opts in with `double_backward` (see `registry.Op`): what each entry of its `ctx.saved` is.
Its ordinary backward then runs unchanged, on Tensors instead of arrays: `ctx.saved` holds tensors
linked into the graph (an input's edge, or the node's own output), `ctx.xp` is a `tensor_namespace`, whose
array-API functions run recorded ops, and the arithmetic is the Tensor's operators. So one backward
formula serves both passes. Any other node computes its gradients on arrays, and they come back
behind a `DelayedError` node that raises if a later backward reaches it (as PyTorch's
`once_differentiable`): never a silently wrong second derivative.
"""
from __future__ import annotations

from typing import Any, Sequence

from .. import factory, functions
from . import dtypes, op_functions
from .grad_graph import Node, filled
from .registry import OUT, REGISTRY
from .tensor import Tensor, wrap


def _call(name: str, *inputs: Any, **params: Any) -> Tensor:
    return op_functions.call(REGISTRY[name], inputs, params)


class _TensorNamespace:
    """The array-API functions that backward formulas call (`ctx.xp.…`), as recorded ops on Tensors
    of one device (where new tensors are made)."""

    def __init__(self, be: Any):
        self.be = be

    @staticmethod
    def zeros_like(t: Tensor) -> Tensor:
        return factory.zeros_like(t)

    def zeros(self, shape: tuple, dtype: Any) -> Tensor:
        return factory.zeros(tuple(shape), dtype=dtype, device=self.be.device)

    @staticmethod
    def where(cond: Tensor, a: Any, b: Any) -> Tensor:
        return _call("where", cond, a, b)

    @staticmethod
    def sign(t: Tensor) -> Tensor:
        return _call("sign", t)

    @staticmethod
    def sin(t: Tensor) -> Tensor:
        return _call("sin", t)

    @staticmethod
    def cos(t: Tensor) -> Tensor:
        return _call("cos", t)

    @staticmethod
    def log(t: Tensor) -> Tensor:
        return _call("log", t)

    @staticmethod
    def exp(t: Tensor) -> Tensor:
        return _call("exp", t)

    @staticmethod
    def abs(t: Tensor) -> Tensor:
        return _call("abs", t)

    @staticmethod
    def matmul(a: Tensor, b: Tensor) -> Tensor:
        return _call("matmul", a, b)

    @staticmethod
    def reshape(t: Tensor, shape: tuple, copy: Any = None) -> Tensor:
        return _call("reshape", t, shape=tuple(shape))

    @staticmethod
    def broadcast_to(t: Tensor, shape: tuple) -> Tensor:
        return _call("expand", t, size=tuple(shape))

    @staticmethod
    def broadcast_arrays(*ts: Tensor) -> tuple:
        return functions.broadcast_tensors(*ts)

    @staticmethod
    def permute_dims(t: Tensor, perm: tuple) -> Tensor:
        return _call("permute", t, dims=tuple(perm))

    @staticmethod
    def matrix_transpose(t: Tensor) -> Tensor:
        return _call("transpose", t, dim0=-2, dim1=-1)

    @staticmethod
    def sum(t: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        if axis == ():
            return t  # the array API's "reduce over no axis"; PyTorch's dim=[] would mean every dim
        dim = list(axis) if isinstance(axis, tuple) else axis
        return _call("sum", t, dim=dim, keepdim=keepdims)

    @staticmethod
    def astype(t: Tensor, dtype: Any) -> Tensor:
        """`dtype`: the engine's, or the array library's (what the engine keeps on a node)."""
        if not isinstance(dtype, dtypes.dtype):
            dtype = t._be.from_dtype[dtype]
        return t if t.dtype is dtype else _call("to", t, dtype=dtype)


_NAMESPACES: dict[Any, _TensorNamespace] = {}


def tensor_namespace(be: Any) -> _TensorNamespace:
    """The namespace for Tensors on backend `be` (one per backend)."""
    ns = _NAMESPACES.get(be)
    if ns is None:
        ns = _NAMESPACES[be] = _TensorNamespace(be)
    return ns


class _GraphCtx:
    """A node seen by its op's backward during a graph-building pass: tensors saved, tensor namespace."""

    __slots__ = ("node", "saved", "xp")

    def __init__(self, node: Node, saved: tuple, xp: _TensorNamespace):
        self.node, self.saved, self.xp = node, saved, xp

    def __getattr__(self, name: str) -> Any:
        return getattr(self.node, name)  # needs, info, shape, dtype: as recorded


class DelayedError(Node):
    """The grad_fn of a gradient computed by a backward that cannot itself be differentiated
    (`info`: the name of that backward's node)."""

    __slots__ = ()

    def vjp(self, grad: Any) -> Sequence[Any]:
        supported = ", ".join(op.name for op in REGISTRY.values() if supports_double_backward(op))
        raise RuntimeError(f"the derivative of {self.info}'s backward is not implemented: GraphStudio's engine "
                           "cannot differentiate it a second time (create_graph=True, then another backward). "
                           f"Ops that support double backward: {supported}")


DelayedError.__qualname__ = "torch::autograd::DelayedError"  # its name() in PyTorch


def supports_double_backward(op: Any) -> bool:
    """Whether `op` declared what it saves, so its backward can run on Tensors (never inherited:
    a subclass may save something else)."""
    return op.__dict__.get("double_backward") is not None


def graph_vjp(node: Node, grad: Any) -> Sequence[Any]:
    """`node`'s gradients for its inputs as Tensors that record how they were computed."""
    op = getattr(type(node), "op", None)
    if op is None or not supports_double_backward(op):
        return _once_differentiable(node, grad)
    be = grad._be
    saved = getattr(node, "saved", ())
    saved = saved if isinstance(saved, tuple) else (saved,)
    linked = tuple(_linked(node, be, value, role) for value, role in zip(saved, op.double_backward))
    return type(node).vjp(_GraphCtx(node, linked, tensor_namespace(be)), grad)  # only the inputs with an edge


def _linked(node: Node, be: Any, value: Any, role: Any) -> Any:
    """A saved array as a Tensor on the edge it came from (an input's, or the node's own output)."""
    if value is None or value.__class__ in (bool, int, float):
        return value
    if role is OUT:
        edge = (node, 0)
    elif role is None:
        edge = None
    else:  # input `role`'s edge: inputs that take no gradient (a mask, an index, `2` in `2 ** x`) have none
        edges = type(node).edges
        edge = node.next_functions[sum(edges[:role])] if edges[role] else None
        if edge is not None and edge[0] is None:
            edge = None
    return wrap(value, be, edge)


def _once_differentiable(node: Node, grad: Any) -> list:
    """The node's gradients computed on arrays, each behind a DelayedError node that depends on
    everything they might (the node's inputs and the incoming gradients)."""
    grads = grad if node.multi else [grad]
    be = next(g._be for g in grads if g is not None)
    arrays = [None if g is None else g.array for g in grads]
    result = node.vjp(filled(node, arrays) if node.multi else arrays[0])
    edges = tuple(e for e in node.next_functions if e[0] is not None)
    edges += tuple(g._edge or g._leaf_edge() for g in grads if g is not None and g.requires_grad)
    out = []
    for g in result:
        if g is None:
            out.append(None)
            continue
        err = DelayedError()
        err.next_functions, err.saved, err.info = edges, (), type(node).__name__
        err.xp, err.shape, err.dtype = node.xp, g.shape, g.dtype
        out.append(wrap(g, be, (err, 0)))
    return out

