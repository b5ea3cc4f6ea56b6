"""Where Tensor gets the methods that run ops, and `torch` its functions: all attached here, once.

The engine's modules import one way (dtypes, backend → grad_graph → registry → tensor → ops →
dispatch → op_functions → factory → functions, autograd); `tensor.py` defines what a tensor is and does on
its own. A method that runs an op, makes a tensor or starts a backward pass needs a module above
`tensor.py`, so it is defined or collected here and attached when `graphstudio.engine` loads. Each op's
definition says where it goes (`namespaces`), under which other names (`aliases`) and whether it also
runs in place (`inplace`); this module follows it. To find where `x.mm`, `x[0]`, `x.to(...)` or `x.add_`
come from, start here.
"""
from __future__ import annotations

from typing import Any, Callable

from .. import autograd, factory, functions
from . import dtypes, op_functions, recording, subscript
from .backend import get_backend
from .grad_graph import AccumulateGrad, run_backward
from .registry import REGISTRY
from .tensor import Tensor, inplace_method

# -- methods that run ops, make tensors or differentiate -------------------------------------------


def backward(self: Tensor, gradient: Any = None, retain_graph: bool | None = None, create_graph: bool = False,
             inputs: Any = None) -> None:
    """Compute the gradient of this tensor with respect to every leaf that requires grad."""
    listener = recording.observer
    if listener is not None:
        listener.before_backward(self, gradient, retain_graph)
    edge = self._edge
    if gradient is None and inputs is None and not create_graph and edge is not None and self.array.size == 1 \
            and edge[0] is not None and type(edge[0]) is not AccumulateGrad:  # loss.backward(): the short way
        arr, xp = self.array, self._be.xp
        seed = xp.asarray(1, dtype=arr.dtype) if arr.ndim == 0 else xp.ones(arr.shape, dtype=arr.dtype)
        run_backward([(edge[0], edge[1], seed)], bool(retain_graph))
    else:
        autograd.backward([self], None if gradient is None else [gradient], retain_graph, create_graph, inputs)
    if listener is not None:
        listener.after_backward(self)


def to(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """`to(device)`, `to(dtype)`, `to(device, dtype)` or `to(other_tensor)`, as in PyTorch."""
    dev = kwargs.pop("device", None)
    dt = kwargs.pop("dtype", None)
    for a in args:
        if isinstance(a, Tensor):
            dev, dt = a.device, a.dtype
        elif isinstance(a, dtypes.dtype):
            dt = a
        elif a is not None:
            dev = a
    be = self._be if dev is None else get_backend(dev)
    dt = self.dtype if dt is None else dtypes.from_name(dt)
    if be is self._be and dt is self.dtype:
        return self
    return op_functions.to_copy(self, be, dt)


def contiguous(self: Tensor, memory_format: Any = None) -> Tensor:
    """This tensor itself when already contiguous, else a row-major copy (the `contiguous` op)."""
    return op_functions.call(REGISTRY["contiguous"], (self,))


def _inplace_operator(name: str) -> Callable:
    def method(self: Tensor, other: Any, **params: Any) -> Tensor:  # x.div_(y, rounding_mode="floor")
        return functions.inplace(self, name, other, **params)

    return method


def _like(fn: Callable) -> Callable:
    """`x.new_zeros(...)` and friends: `fn(...)` with x's dtype and device unless given."""
    def method(self: Tensor, *args: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
        return fn(*args, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    return method


TENSOR_METHODS: dict[str, Any] = {
    "backward": backward, "to": to, "contiguous": contiguous,
    "__iadd__": _inplace_operator("add"), "__isub__": _inplace_operator("sub"),
    "mul_": _inplace_operator("mul"), "div_": _inplace_operator("div"),
    "__imul__": _inplace_operator("mul"), "__itruediv__": _inplace_operator("div"),
    "new_zeros": _like(factory.zeros), "new_ones": _like(factory.ones), "new_empty": _like(factory.zeros),
    "new_full": _like(factory.full), "new_tensor": _like(factory.tensor),
    "__getitem__": subscript.getitem, "__setitem__": subscript.setitem,
    "T": property(subscript.reversed_dims), "mT": property(subscript.matrix_transpose),
    "mH": property(subscript.matrix_transpose),  # real tensors only: the conjugate is the tensor itself
}


def _bind() -> None:
    """Attach, in an order where the first definition of a name wins: this module's methods, the
    registry's ops (functions and methods), Python's operators, then the ops' aliases, the
    compositions and the ops' in-place variants."""
    for name, method in TENSOR_METHODS.items():
        setattr(Tensor, name, method)
    for name, fn in op_functions.FUNCTIONS.items():
        if "Tensor" in REGISTRY[name].namespaces and name not in Tensor.__dict__:
            setattr(Tensor, name, fn)
    for name, method in op_functions.operators().items():
        setattr(Tensor, name, method)
    for name, fn in op_functions.FUNCTIONS.items():
        op = REGISTRY[name]
        for alias in op.aliases:
            if "torch" in op.namespaces:
                op_functions.TORCH_FUNCTIONS.setdefault(alias, fn)
            if "Tensor" in op.namespaces and alias not in Tensor.__dict__:
                setattr(Tensor, alias, fn)
    op_functions.TORCH_FUNCTIONS.update(functions.TORCH)
    for name, fn in list(op_functions.TORCH_FUNCTIONS.items()):
        op_functions.TORCH_FUNCTIONS[name] = functions.with_out(name, fn)
    for name, fn in functions.METHODS.items():
        setattr(Tensor, name, fn)
    for op in REGISTRY.values():
        if "Tensor" in op.inplace:
            for name in (op.name, *op.aliases):
                if name + "_" not in Tensor.__dict__:
                    setattr(Tensor, name + "_", inplace_method(name))


_bind()
