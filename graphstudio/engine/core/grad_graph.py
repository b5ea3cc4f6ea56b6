"""Reverse-mode autograd: grad mode, graph nodes (`grad_fn`) and the backward pass.

A node is created by every recorded op call. It holds what the op saved for its
vector-Jacobian product and `next_functions`: one `(node, output_nr)` edge per
input, as PyTorch prints them, with leaves behind `AccumulateGrad` nodes. A node
never refers to its output tensor (that would make a reference cycle), only to
the output's shape and dtype, which is all the engine needs to sum a broadcast
gradient back to the input's shape.
"""
from __future__ import annotations

import gc
import threading
import weakref
from typing import Any, Callable, Iterable, Sequence

from .dtypes import DTYPES

SECOND_BACKWARD = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)


class _GradMode(threading.local):
    """Per-thread autograd state, as PyTorch's grad mode is per thread."""

    enabled = True
    edge_log: "list[Any] | None" = None  # set by a tracing runner: node, input index, grad, node, …


grad_mode = _GradMode()


def is_grad_enabled() -> bool:
    return grad_mode.enabled


class _SetGrad:
    """Context manager and decorator that sets grad mode, as torch.no_grad / enable_grad do.

    `@no_grad()` and the bare `@no_grad` both decorate a function.
    """

    mode = True

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        self = super().__new__(cls)
        if cls is not set_grad_enabled and len(args) == 1 and callable(args[0]) and not kwargs:
            return self(args[0])  # the bare decorator: @torch.no_grad
        return self

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


class inference_mode(_SetGrad):
    """As no_grad here (PyTorch also skips version counting inside it); `inference_mode(False)` records."""

    def __init__(self, mode: Any = True):
        self.mode = not (mode if isinstance(mode, bool) else True)


class set_grad_enabled(_SetGrad):
    def __init__(self, mode: bool):
        self.mode = bool(mode)
        self.prev = grad_mode.enabled
        grad_mode.enabled = self.mode  # like PyTorch, it also works as a plain function call

    def __enter__(self) -> None:
        grad_mode.enabled = self.mode  # the mode before the call was saved by __init__


class Node:
    """A `grad_fn`: one recorded op call. Subclasses are made per PyTorch name (MulBackward0, …)."""

    __slots__ = ("next_functions", "saved", "info", "needs", "xp", "shape", "dtype", "__weakref__")
    n_outputs = 1
    multi = False  # True when the op returned a tuple: gradients arrive as a list, one per output

    def name(self) -> str:
        return type(self).__qualname__  # "torch::autograd::…" for PyTorch's C++ nodes, as its name()

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


AccumulateGrad.__qualname__ = "torch::autograd::AccumulateGrad"  # its name() in PyTorch

def _sum_to(grad: Any, shape: tuple, xp: Any) -> Any:
    """Undo broadcasting: sum the gradient over the dims that broadcasting added or stretched."""
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, n in enumerate(shape) if n == 1 and grad.shape[i + lead] != 1)
    if axes:
        grad = xp.sum(grad, axis=axes, keepdims=True)
    if lead:
        grad = xp.reshape(grad, shape)
    return grad


def _fit(grad: Any, node: Node, index: int | None = None, xp: Any = None) -> Any:
    """The gradient in the shape and dtype of `node`'s output; `xp`: the namespace `grad` belongs to
    (the node's array library unless the pass builds a graph)."""
    shape = node.shape if index is None else node.shape[index]
    dtype = node.dtype if index is None else node.dtype[index]
    xp = node.xp if xp is None else xp
    if grad.shape != shape:
        grad = _sum_to(grad, shape, xp)
    if grad.dtype != dtype:
        grad = xp.astype(grad, dtype)
    return grad


def _dependencies(roots: Iterable[Node]) -> dict[Node, int]:
    """For every node reachable from the roots, how many edges point into it (iteratively; a node's
    first count is also what marks it as found). A for loop over the list of found nodes, which grows as
    it goes, is cheaper than popping a stack."""
    deps: dict[Node, int] = {}
    found = list(roots)
    for node in found:
        for nxt, _ in node.next_functions:
            if nxt is not None:
                if nxt in deps:
                    deps[nxt] += 1
                else:
                    deps[nxt] = 1
                    found.append(nxt)
    return deps


def run_backward(
    roots: Sequence[tuple[Node, int, Any]],
    retain_graph: bool,
    capture: dict[tuple[Node, int], Any] | None = None,
    edge_log: list[Any] | None = None,
    graph: tuple[Callable, Callable] | None = None,
) -> None:
    """Propagate gradients from `roots` ((node, output_nr, grad) triples) to the leaves.

    Each node runs once, after every gradient flowing into it has been summed, so the
    pass is O(nodes + edges). With `capture` (autograd.grad), the gradients arriving at
    the captured (node, output_nr) pairs are stored there instead of in `.grad`.
    `edge_log` (or the thread's `grad_mode.edge_log`) gets `node, input_index, grad` appended (flat:
    three items per edge, so a large pass leaves no tuple per edge for the garbage collector to
    scan) for each gradient as it leaves a node along one edge, before fan-in sums it (the trace
    reads it).
    `graph` (create_graph: higher_order's vjp over Tensors and backend → Tensor namespace): the
    gradients (roots' included) are Tensors and every step is recorded, so the result can be
    differentiated again.
    """
    if graph is not None:
        prev = grad_mode.enabled
        grad_mode.enabled = True
        try:
            _propagate(roots, retain_graph, capture, grad_mode.edge_log if edge_log is None else edge_log, graph)
        finally:
            grad_mode.enabled = prev
        return
    # The pass makes no reference cycles (nodes never point at their outputs), so refcounting frees
    # everything; pausing the cyclic collector keeps it from rescanning a large graph mid-pass.
    with gc_paused():
        _propagate(roots, retain_graph, capture, grad_mode.edge_log if edge_log is None else edge_log)


class gc_paused:
    """The cyclic garbage collector off for a block that builds or walks a large acyclic structure:
    collections it triggers would rescan every live object, again and again as the structure grows.
    (A class rather than a generator: every backward pass enters one, most of them on small graphs.)"""

    __slots__ = ("collecting",)

    def __enter__(self) -> None:
        self.collecting = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.collecting:
            gc.enable()


def _propagate(roots: Sequence[tuple[Node, int, Any]], retain_graph: bool,
               capture: dict[tuple[Node, int], Any] | None,
               edge_log: list[Any] | None, graph: tuple | None = None) -> None:
    """`graph`: (vjp over Tensors, backend → its namespace) when the pass builds a graph, else None."""
    retained = _RETAINED if _RETAINED.data else None
    hooks = _HOOKS if _HOOKS.data else None
    # `ready`: (node, its summed gradient) pairs whose every incoming edge has been walked; `buffers`: the
    # partial sums of nodes that still wait on other edges (a node with one incoming edge never waits)
    buffers: dict[Node, Any] = {}
    if len(roots) == 1 and not roots[0][0].multi:  # the usual loss.backward(): one scalar root
        node, _, grad = roots[0]
        deps = _dependencies((node,))
        ready = [(node, grad)] if node not in deps else []
    else:
        deps = _dependencies({r[0] for r in roots})
        for node, nr, grad in roots:
            _accumulate(buffers, node, nr, grad)
        ready = [(node, buffers.pop(node)) for node in {r[0]: None for r in roots} if deps.get(node, 0) == 0]
    push, pop = ready.append, ready.pop
    while ready:
        node, grad = pop()
        if hooks is not None and node in hooks:
            grad = _run_hooks(node, grad)
        if retained is not None and node in retained:
            _retain(node, grad)
        if capture is not None:
            _capture(capture, node, grad)
        if type(node) is AccumulateGrad:
            if capture is None:
                _accumulate_into_leaf(node, grad)
            continue
        saved = node.saved  # every node sets it when recorded
        if saved is None:
            raise RuntimeError(SECOND_BACKWARD)
        if _DIRTY and saved:
            _check_saved(node, saved)
        if graph is not None:
            grads = graph[0](node, grad)
        else:
            grads = node.vjp(filled(node, grad) if node.multi else grad)
        if not retain_graph and saved:
            node.saved = None
        # a gradient per edge (a vjp may give more: the last ones, for inputs without an edge); `i` is the
        # edge's number, for edge_log
        i = -1
        for nxt, nr in node.next_functions:
            i += 1
            if nxt is None:
                continue
            g = grads[i]
            left = deps[nxt] - 1
            if g is not None:
                if not nxt.multi:
                    if g.shape != nxt.shape or g.dtype is not nxt.dtype and g.dtype != nxt.dtype:
                        g = _fit(g, nxt, None, graph and graph[1](g._be))
                    if edge_log is not None:
                        edge_log += (node, i, g)
                    if left == 0:
                        prev = buffers.pop(nxt, None) if buffers else None
                        push((nxt, g if prev is None else prev + g))
                        continue
                    prev = buffers.get(nxt)
                    buffers[nxt] = g if prev is None else prev + g
                else:
                    g = _fit(g, nxt, nr, graph and graph[1](g._be))
                    if edge_log is not None:
                        edge_log += (node, i, g)
                    _accumulate(buffers, nxt, nr, g)
            deps[nxt] = left
            if left == 0:
                if nxt in buffers:
                    push((nxt, buffers.pop(nxt)))
                else:  # every gradient towards it was None (e.g. only through integer outputs)
                    _skip(nxt, deps, buffers, ready)


def filled(node: Node, grads: list) -> list:
    """A multi-output node's gradients with zeros for the outputs that received none."""
    return [g if g is not None else node.xp.zeros(s, dtype=d) for g, s, d in zip(grads, node.shape, node.dtype)]


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
                if nxt in buffers:
                    ready.append((nxt, buffers.pop(nxt)))
                else:
                    stack.append(nxt)


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
    """Into `leaf.grad`, unless the leaf is gone or no longer requires grad (`requires_grad_(False)` after
    the graph was built: PyTorch's AccumulateGrad then drops the gradient)."""
    leaf = node._variable()
    if leaf is None or not leaf.requires_grad:
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
                tensor._accumulate_grad(getattr(g, "array", g))  # values only, even from a recorded pass, as PyTorch


# -- in-place changes to values the graph saved --------------------------------------------------
# PyTorch counts the in-place changes of every tensor (its version) and refuses to backward through an
# op whose saved input or output changed since. Here the count lives with the arrays: an in-place op
# moves the tensor onto a new array object (a view of the same memory when written in place, so views
# still see the change) and marks the old object when a node saved it; a node that saved a marked array
# cannot run backward.
_DIRTY: dict[int, tuple] = {}    # id(old array) → (weakref, version, version cell, tensor ref, producer, exempt node)
_VERSION: dict[int, tuple] = {}  # id(array in use) → (weakref, version cell): arrays that had in-place changes
_SAVED: dict[int, weakref.ref] = {}  # id(array) → weak reference: arrays a live recorded node saved
_PENDING: list[weakref.ref] = []  # nodes recorded with saved arrays since _SAVED was last brought up to date
_LIMIT = 4096  # _PENDING's length that brings _SAVED up to date, and _SAVED's that sweeps it
_NOT_ARRAYS = (int, float, bool, type(None))
_weak = weakref.ref


def note_saved(node: Node) -> None:
    """Record that a node saved arrays for its backward (called when the node is recorded): an in-place
    change to one of them is then marked, and backward through a node that saved it refuses (_check_saved).

    The node is noted weakly and its arrays read when an in-place change asks (`was_saved`): most graphs are
    freed before any in-place change, and then their nodes cost one weak reference each."""
    _PENDING.append(_weak(node))
    if len(_PENDING) > _LIMIT:
        _update_saved()


def _update_saved() -> None:
    """Move the saved arrays of the pending nodes still alive into _SAVED; drop _SAVED's dead entries."""
    for ref in _PENDING:
        node = ref()
        saved = None if node is None else node.saved
        if not saved:
            continue
        for arr in saved if isinstance(saved, (tuple, list)) else (saved,):
            if arr.__class__ not in _NOT_ARRAYS:
                try:
                    _SAVED[id(arr)] = _weak(arr)
                except TypeError:  # an array type without weak references: no check for it
                    pass
    _PENDING.clear()
    if len(_SAVED) > _LIMIT:
        for key in [k for k, ref in _SAVED.items() if ref() is None]:
            del _SAVED[key]


def was_saved(arr: Any) -> bool:
    """Whether a recorded node saved this very array (and was alive when last asked)."""
    if _PENDING:
        _update_saved()
    ref = _SAVED.get(id(arr))
    return ref is not None and ref() is arr


def _forget(table: dict, key: int) -> Callable:
    return lambda _ref: table.pop(key, None)


def mark_modified(tensor: Any, old: Any, new: Any, exempt: Node | None = None) -> None:
    """`tensor` changes in place: its values move from array `old` to array `new` (version + 1).

    `old` is marked only when a node saved it (`note_saved`); `exempt`: the node of the in-place op
    itself, which may keep `old`.
    """
    if old is new:
        return
    entry = _VERSION.get(id(old))
    if entry is not None and entry[0]() is old:
        cell = entry[1]
    else:
        cell = [0]
    expected = cell[0]
    cell[0] += 1
    try:
        if was_saved(old):
            _DIRTY[id(old)] = (weakref.ref(old, _forget(_DIRTY, id(old))), expected, cell, weakref.ref(tensor),
                               tensor._edge, exempt)
        _VERSION[id(new)] = (weakref.ref(new, _forget(_VERSION, id(new))), cell)
    except TypeError:  # an array type without weak references: no check for it
        pass


def _check_saved(node: Node, saved: Any) -> None:
    for arr in saved if isinstance(saved, (tuple, list)) else (saved,):
        entry = _DIRTY.get(id(arr))
        if entry is None or entry[0]() is not arr or entry[5] is node:
            continue
        _, expected, cell, tensor_ref, producer, _exempt = entry
        name = next((d.scalar_type for n, d in DTYPES.items() if str(arr.dtype).endswith(n)), "Float")
        which = ""
        tensor = tensor_ref()
        if producer is not None and producer[0] is node:
            which = f", which is output {producer[1]} of {_short(node)},"
        elif tensor is not None and tensor.grad_fn is not None:
            which = f", which is output {tensor._edge[1]} of {_short(tensor.grad_fn)},"
        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an inplace operation: "
            f"[torch.{name}Tensor {list(arr.shape)}]{which} is at version {cell[0]}; expected version {expected} "
            "instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, "
            "with torch.autograd.set_detect_anomaly(True, check_nan=False).")


def _short(node: Node) -> str:
    import re

    return re.sub(r"Backward\d*$", "", type(node).__name__)


_HOOKS: "weakref.WeakKeyDictionary[Node, list]" = weakref.WeakKeyDictionary()


class RemovableHandle:
    """What `register_hook` returns: `handle.remove()` takes the hook off again."""

    def __init__(self, hooks: list, entry: tuple):
        self._hooks, self._entry = hooks, entry

    def remove(self) -> None:
        if self._entry in self._hooks:
            self._hooks.remove(self._entry)


def add_hook(node: Node, output_nr: int, fn: Callable) -> RemovableHandle:
    """Call `fn(grad)` when the gradient of `node`'s output arrives (an array, or a Tensor in a pass that
    builds a graph); a gradient it returns (of the same kind) replaces it."""
    entry = (output_nr, fn)
    hooks = _HOOKS.setdefault(node, [])
    hooks.append(entry)
    return RemovableHandle(hooks, entry)


def _run_hooks(node: Node, grad: Any) -> Any:
    for nr, fn in list(_HOOKS[node]):
        g = grad[nr] if node.multi else grad
        if g is None:
            continue
        arr = fn(g)
        if arr is None:
            continue
        if tuple(arr.shape) != tuple(g.shape):
            raise RuntimeError(f"hook 'hook' has changed the size of value: expected {list(g.shape)} but got "
                               f"{list(arr.shape)}")
        if node.multi:
            grad = list(grad)
            grad[nr] = arr
        else:
            grad = arr
    return grad


def _capture(capture: dict, node: Node, grad: Any) -> None:
    if not node.multi:
        if (node, 0) in capture:
            capture[(node, 0)] = grad
        return
    for nr, g in enumerate(grad):
        if (node, nr) in capture:
            capture[(node, nr)] = g
