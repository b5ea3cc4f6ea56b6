"""Reverse-mode autograd: grad mode, graph nodes (`grad_fn`) and the backward pass.

A node is created by every recorded op call. It holds what the op saved for its
vector-Jacobian product and `next_functions`: one `(node, output_nr)` edge per
input, as PyTorch prints them, with leaves behind `AccumulateGrad` nodes. A node
never refers to its output tensor (that would make a reference cycle), only to
the output's shape and dtype, which is all the engine needs to sum a broadcast
gradient back to the input's shape.
"""
from __future__ import annotations

import threading
import weakref
from typing import Any, Callable, Iterable, Sequence

SECOND_BACKWARD = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)


class _GradMode(threading.local):
    enabled = True


grad_mode = _GradMode()


def is_grad_enabled() -> bool:
    return grad_mode.enabled


class _SetGrad:
    """Context manager and decorator that sets grad mode, as torch.no_grad / enable_grad do."""

    mode = True

    def __enter__(self) -> None:
        self.prev = grad_mode.enabled
        grad_mode.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        grad_mode.enabled = self.prev

    def __call__(self, fn: Callable) -> Callable:
        mode = self.mode

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev = grad_mode.enabled
            grad_mode.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                grad_mode.enabled = prev

        wrapper.__name__, wrapper.__doc__ = fn.__name__, fn.__doc__
        return wrapper


class no_grad(_SetGrad):
    """Ops run inside record nothing: their results have requires_grad=False."""

    mode = False


class enable_grad(_SetGrad):
    mode = True


class set_grad_enabled(_SetGrad):
    def __init__(self, mode: bool):
        self.mode = bool(mode)
        self.prev = grad_mode.enabled
        grad_mode.enabled = self.mode  # like PyTorch, it also works as a plain function call


class Node:
    """A `grad_fn`: one recorded op call. Subclasses are made per PyTorch name (MulBackward0, …)."""

    __slots__ = ("next_functions", "saved", "info", "needs", "xp", "shape", "dtype", "__weakref__")
    n_outputs = 1
    multi = False  # True when the op returned a tuple: gradients arrive as a list, one per output

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {id(self):#x}>"

    def vjp(self, grad: Any) -> Sequence[Any]:
        """Gradients for each input, given the gradient of the output(s)."""
        raise NotImplementedError


class AccumulateGrad(Node):
    """The end of every path to a leaf: adds the arriving gradient into `leaf.grad`."""

    __slots__ = ("_variable",)

    def __init__(self, leaf: Any):
        self._variable = weakref.ref(leaf)
        self.next_functions = ()
        self.saved = ()
        self.xp = leaf._be.xp
        self.shape = leaf.array.shape
        self.dtype = leaf.array.dtype

    @property
    def variable(self) -> Any:
        return self._variable()


def _sum_to(grad: Any, shape: tuple, xp: Any) -> Any:
    """Undo broadcasting: sum the gradient over the dims that broadcasting added or stretched."""
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, n in enumerate(shape) if n == 1 and grad.shape[i + lead] != 1)
    if axes:
        grad = xp.sum(grad, axis=axes, keepdims=True)
    if lead:
        grad = xp.reshape(grad, shape)
    return grad


def _fit(grad: Any, node: Node, index: int | None = None) -> Any:
    shape = node.shape if index is None else node.shape[index]
    dtype = node.dtype if index is None else node.dtype[index]
    xp = node.xp
    if grad.shape != shape:
        grad = _sum_to(grad, shape, xp)
    if grad.dtype != dtype:
        grad = xp.astype(grad, dtype)
    return grad


def _dependencies(roots: Iterable[Node]) -> dict[Node, int]:
    """For every node reachable from the roots, how many edges point into it (iteratively)."""
    deps: dict[Node, int] = {}
    stack = list(roots)
    seen = set(stack)
    while stack:
        for nxt, _ in stack.pop().next_functions:
            if nxt is None:
                continue
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return deps


EDGE_HOOK: Callable[[Node, int, Node | None, Any], None] | None = None  # set by a tracing runner


def run_backward(
    roots: Sequence[tuple[Node, int, Any]],
    retain_graph: bool,
    capture: dict[tuple[Node, int], Any] | None = None,
    on_edge: Callable[[Node, int, Node | None, Any], None] | None = None,
) -> None:
    """Propagate gradients from `roots` ((node, output_nr, grad) triples) to the leaves.

    Each node runs once, after every gradient flowing into it has been summed, so the
    pass is O(nodes + edges). With `capture` (autograd.grad), the gradients arriving at
    the captured (node, output_nr) pairs are stored there instead of in `.grad`.
    `on_edge(node, input_index, next_node, grad)` sees each gradient as it leaves a node
    along one edge, before fan-in sums it (the trace uses it).
    """
    on_edge = on_edge or EDGE_HOOK
    deps = _dependencies({r[0] for r in roots})
    retained = _RETAINED if _RETAINED.data else None
    buffers: dict[Node, Any] = {}
    for node, nr, grad in roots:
        _accumulate(buffers, node, nr, grad)
    ready = [node for node in {r[0]: None for r in roots} if deps.get(node, 0) == 0]
    while ready:
        node = ready.pop()
        grad = buffers.pop(node)
        if retained is not None and node in retained:
            _retain(node, grad)
        if capture is not None:
            _capture(capture, node, grad)
        if type(node) is AccumulateGrad:
            if capture is None:
                _accumulate_into_leaf(node, grad)
            continue
        saved = getattr(node, "saved", ())
        if saved is None:
            raise RuntimeError(SECOND_BACKWARD)
        if node.multi:
            grad = [g if g is not None else node.xp.zeros(s, dtype=d) for g, s, d in zip(grad, node.shape, node.dtype)]
        grads = node.vjp(grad)
        if not retain_graph and saved:
            node.saved = None
        for i, ((nxt, nr), g) in enumerate(zip(node.next_functions, grads)):
            if nxt is None:
                continue
            if g is not None:
                if not nxt.multi:
                    if g.shape != nxt.shape or g.dtype != nxt.dtype:
                        g = _fit(g, nxt)
                    if on_edge is not None:
                        on_edge(node, i, nxt, g)
                    prev = buffers.get(nxt)
                    buffers[nxt] = g if prev is None else prev + g
                else:
                    g = _fit(g, nxt, nr)
                    if on_edge is not None:
                        on_edge(node, i, nxt, g)
                    _accumulate(buffers, nxt, nr, g)
            left = deps[nxt] - 1
            deps[nxt] = left
            if left == 0:
                if nxt in buffers:
                    ready.append(nxt)
                else:  # every gradient towards it was None (e.g. only through integer outputs)
                    _skip(nxt, deps, buffers, ready)


def _skip(node: Node, deps: dict, buffers: dict, ready: list) -> None:
    """A node that received no gradient at all passes nothing on; release what waits on it."""
    stack = [node]
    while stack:
        n = stack.pop()
        for nxt, _ in n.next_functions:
            if nxt is None:
                continue
            deps[nxt] -= 1
            if deps[nxt] == 0:
                (ready.append if nxt in buffers else stack.append)(nxt)


def _accumulate(buffers: dict, node: Node, nr: int, grad: Any) -> None:
    if not node.multi:
        prev = buffers.get(node)
        buffers[node] = grad if prev is None else prev + grad
        return
    slots = buffers.get(node)
    if slots is None:
        slots = buffers[node] = [None] * node.n_outputs
    slots[nr] = grad if slots[nr] is None else slots[nr] + grad


def _accumulate_into_leaf(node: AccumulateGrad, grad: Any) -> None:
    leaf = node.variable
    if leaf is None:
        return
    leaf._accumulate_grad(grad)


_RETAINED: "weakref.WeakKeyDictionary[Node, list]" = weakref.WeakKeyDictionary()


def retain(node: Node, output_nr: int, tensor: Any) -> None:
    """Ask the backward pass to store the gradient of `node`'s output in `tensor.grad`."""
    _RETAINED.setdefault(node, []).append((output_nr, weakref.ref(tensor)))


def _retain(node: Node, grad: Any) -> None:
    for nr, ref in _RETAINED[node]:
        tensor = ref()
        if tensor is not None:
            g = grad[nr] if node.multi else grad
            if g is not None:
                tensor._accumulate_grad(g)


def _capture(capture: dict, node: Node, grad: Any) -> None:
    if not node.multi:
        if (node, 0) in capture:
            capture[(node, 0)] = grad
        return
    for nr, g in enumerate(grad):
        if (node, nr) in capture:
            capture[(node, nr)] = g
