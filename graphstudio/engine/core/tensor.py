"""Tensor: an array on a device plus what autograd needs, with PyTorch's attributes.

`_edge` is how this tensor appears as an input to a recorded op: `(grad_fn,
output_nr)` for results of ops, `(AccumulateGrad, 0)` for leaves that require grad
(made on first use), None otherwise. This module imports nothing above the registry:
the methods that run ops (x.mm, x[0], x.to, x.add_), make tensors (x.new_zeros) or start a
backward pass (x.backward) are attached by `graphstudio.engine.binding`.
"""
from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from . import dtypes
from .backend import Backend, get_backend
from .grad_graph import AccumulateGrad, add_hook, grad_mode, mark_modified, retain
from .overlap import check_elementwise
from .printing import format_tensor
from .registry import REGISTRY, node_class


class Size(tuple):
    """A shape; prints as `torch.Size([2, 3])`."""

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, index: Any) -> Any:
        out = tuple.__getitem__(self, index)
        return Size(out) if isinstance(index, slice) else out

    def __add__(self, other: Any) -> "Size":
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other: Any) -> "Size":
        return Size(tuple(other) + tuple(self))


class Tensor:
    __slots__ = ("array", "requires_grad", "_grad", "_be", "_edge", "_retains", "__weakref__")
    _defined_in = __name__
    __module__ = "torch"  # `type(x)` prints <class 'torch.Tensor'>, as in students' notes

    def __init__(self, *args: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False):
        """`torch.Tensor(...)`, PyTorch's legacy constructor: float32 unless dtype says otherwise;
        `Tensor(2, 3)` (or a Size) is a zero-filled tensor of that shape, `Tensor(data)` a copy of data.
        (`torch.tensor(data)` infers the dtype from the data instead.)"""
        be = get_backend(device)
        dt = dtypes.from_name(dtype) or dtypes.float32
        if not args or all(isinstance(a, int) and not isinstance(a, bool) for a in args) or \
                len(args) == 1 and isinstance(args[0], Size):
            self.array = be.xp.zeros(parse_size(args) if args else (0,), dtype=be.to_dtype[dt])
        else:
            self.array = to_array(args[0], dt, be)
        self._be = be
        self._edge = None
        self._grad = None
        self._retains = False
        self.requires_grad = False
        if requires_grad:
            _created_requiring_grad(self)

    # -- autograd attributes -----------------------------------------------------------------
    @property
    def grad_fn(self) -> Any:
        e = self._edge
        return None if e is None or type(e[0]) is AccumulateGrad else e[0]

    @property
    def is_leaf(self) -> bool:
        e = self._edge
        return e is None or e[0] is None or type(e[0]) is AccumulateGrad  # (None, 0): see NO_GRAD_VIEW

    @property
    def grad(self) -> "Tensor | None":
        return self._grad

    @grad.setter
    def grad(self, value: "Tensor | None") -> None:
        if value is not None:
            self._check_assigned_grad(value)
        self._grad = value

    def _check_assigned_grad(self, value: Any) -> None:
        """PyTorch's checks of `t.grad = value`: a tensor of the same size and dtype."""
        if not isinstance(value, Tensor):
            raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}")
        if tuple(value.shape) != tuple(self.shape):
            raise RuntimeError(f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of size "
                               f"'{list(self.shape)}'. Please ensure that the gradient and the tensor are the same size")
        if value.dtype is not self.dtype:
            raise RuntimeError(
                f"attempting to assign a gradient with dtype '{value.dtype.c_type}' to a tensor with grad_dtype "
                f"'{self.dtype.scalar_type}'. The gradient must match the tensor's grad_dtype (defaults to the tensor's "
                "dtype). You can set the tensor's grad_dtype attribute with a specific dtype, or None to allow any dtype. "
                "Set grad_dtype with caution. Diverging the dtypes of a tensor and its gradient may break downstream "
                "systems that assume they match.")

    @property
    def retains_grad(self) -> bool:
        return self._retains

    def retain_grad(self) -> None:
        """Keep `.grad` on a non-leaf too (PyTorch frees it by default)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.is_leaf or self._retains:
            return
        retain(self._edge[0], self._edge[1], self)
        self._retains = True

    def register_hook(self, hook: Any) -> Any:
        """Call `hook(grad)` when this tensor's gradient is computed; a tensor it returns is used instead."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        node, nr = self._edge or self._leaf_edge()
        be = self._be

        def on_grad(g: Any) -> Any:  # an array, or already a Tensor in a pass that builds a graph
            if isinstance(g, Tensor):
                return hook(g)
            out = hook(wrap(g, be, None))
            return None if out is None else out.array

        return add_hook(node, nr, on_grad)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        if not self.is_leaf:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                    "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
                )
            return self
        if requires_grad and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self.requires_grad = bool(requires_grad)
        if not requires_grad:
            self._edge = None
        return self

    def _leaf_edge(self) -> tuple:
        self._edge = (AccumulateGrad(self), 0)
        return self._edge

    def _accumulate_grad(self, g: Any) -> None:
        """Add a gradient into `.grad`: an array, or a Tensor from a pass that builds a graph (then, as
        PyTorch, `.grad` becomes a copy of it (CopyBackwards), or the sum of the two (AddBackward0))."""
        if isinstance(g, Tensor):
            self._grad = _graph_copy(g) if self._grad is None else self._grad + g
            return
        if self._grad is None:
            self._grad = wrap(g, self._be, None)
        else:
            self._grad.array = self._grad.array + g

    def detach(self) -> "Tensor":
        """The same data, cut from the graph: a leaf with requires_grad=False."""
        return wrap(self.array[...], self._be, None)

    def detach_(self) -> "Tensor":
        self._edge = None
        self.requires_grad = False
        return self

    # -- data and metadata -------------------------------------------------------------------
    @property
    def data(self) -> "Tensor":
        return wrap(self.array[...], self._be, None)

    @data.setter
    def data(self, value: "Tensor") -> None:
        self.array = value.array if isinstance(value, Tensor) else self._be.asarray(value, self.dtype)

    @property
    def shape(self) -> Size:
        return Size(self.array.shape)

    def size(self, dim: int | None = None) -> Any:
        return Size(self.array.shape) if dim is None else self.array.shape[dim]

    @property
    def dtype(self) -> dtypes.dtype:
        return self._be.from_dtype[self.array.dtype]

    @property
    def device(self) -> Any:
        return self._be.device

    @property
    def is_cuda(self) -> bool:
        return self._be.device.type == "cuda"

    @property
    def ndim(self) -> int:
        return self.array.ndim

    def dim(self) -> int:
        return self.array.ndim

    ndimension = dim

    def numel(self) -> int:
        return Size(self.array.shape).numel()

    def nelement(self) -> int:
        return self.numel()

    def element_size(self) -> int:
        return self.dtype.itemsize

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def is_contiguous(self) -> bool:
        return self._be.is_contiguous(self.array)

    def numpy(self) -> Any:
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if self._be.device.type == "cuda":
            raise TypeError("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host memory first.")
        return self._be.to_numpy(self.array)

    def host(self) -> Any:
        """A NumPy copy for display, whatever the device and requires_grad (not in PyTorch)."""
        return self._be.to_numpy(self.array)

    def tolist(self) -> Any:
        return self.host().tolist()

    def item(self) -> Any:
        if self.numel() != 1:
            raise RuntimeError(f"a Tensor with {self.numel()} elements cannot be converted to Scalar")
        return self.host().reshape(()).item()

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __hash__(self) -> int:
        return id(self)

    def __reduce_ex__(self, protocol: Any) -> tuple:
        """Copied (copy, deepcopy, pickle) as values, device and requires_grad; the graph is left behind."""
        return _rebuild, (_class_ref(type(self)), self.host().copy(), str(self.device), bool(self.requires_grad))

    def __deepcopy__(self, memo: dict) -> "Tensor":
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
                               "because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        out = _rebuild(type(self), self.host().copy(), str(self.device), bool(self.requires_grad))
        if self._grad is not None:
            out._grad = wrap(self._be.xp.asarray(self._grad.array, copy=True), self._be, None)
        memo[id(self)] = out
        return out

    def __repr__(self) -> str:
        return format_tensor(self)

    def __format__(self, spec: str) -> str:
        if self.ndim == 0 and type(self) is Tensor:  # f"{loss}" prints the number, as PyTorch
            return format(self.item(), spec)
        return repr(self)

    # -- moving between devices and dtypes (`to` is bound in binding: it runs the `to` op) ----
    def cpu(self) -> "Tensor":
        return self.to("cpu")

    def cuda(self, device: Any = None) -> "Tensor":
        return self.to("cuda" if device is None else device if isinstance(device, str) else f"cuda:{device}")

    def float(self) -> "Tensor":
        return self.to(dtypes.float32)

    def double(self) -> "Tensor":
        return self.to(dtypes.float64)

    def long(self) -> "Tensor":
        return self.to(dtypes.int64)

    def int(self) -> "Tensor":
        return self.to(dtypes.int32)

    def bool(self) -> "Tensor":
        return self.to(dtypes.bool_)

    def type(self, dtype: Any = None) -> Any:
        if dtype is None:
            return f"torch.{self.dtype.scalar_type}Tensor"
        return self.to(dtypes.from_name(dtype))

    # -- in place ----------------------------------------------------------------------------
    def _check_inplace(self) -> bool:
        """True when the op must be recorded (so it is done out of place and rebound)."""
        if not (self.requires_grad and grad_mode.enabled):
            return False
        if self._edge == NO_GRAD_VIEW:
            raise RuntimeError(
                "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that "
                "this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both "
                "the view and the inplace either both inside the no_grad block (if you don't want the inplace to be "
                "tracked) or both outside (if you want the inplace to be tracked).")
        if self.is_leaf:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        return True

    def _rebind(self, result: "Tensor") -> "Tensor":
        """Take the result of the out-of-place op, graph node included (a recorded in-place op)."""
        self._check_fits(result.array)
        mark_modified(self, self.array, result.array, exempt=result._edge[0] if result._edge else None)
        self.array, self._edge, self.requires_grad = result.array, result._edge, result.requires_grad
        return self

    def _store(self, new: Any, resize: bool = False) -> "Tensor":
        """Write an unrecorded result into this tensor, cast to its dtype as PyTorch's in-place ops do
        (`resize`: a result of another shape replaces the values, as an `out=` tensor takes it)."""
        if not resize:
            self._check_fits(new)
        if new.dtype != self.array.dtype:
            new_dt, old_dt = self._be.from_dtype[new.dtype], self.dtype
            if new_dt.category > old_dt.category:
                raise RuntimeError(f"result type {new_dt.scalar_type} can't be cast to the desired output type "
                                   f"{old_dt.scalar_type}")
            new = self._be.xp.astype(new, self.array.dtype)
        if resize and tuple(new.shape) != tuple(self.array.shape):
            self._new_version()
            self.array = self._be.xp.asarray(new, copy=True)
        else:
            self._write(new)
        return self

    def _check_fits(self, new: Any) -> None:
        """An in-place result must keep the tensor's shape: `x.mul_(y)` cannot grow x to the broadcast shape."""
        if tuple(new.shape) != tuple(self.array.shape) and new.ndim >= self.array.ndim:
            raise RuntimeError(f"output with shape {list(self.array.shape)} doesn't match the broadcast shape "
                               f"{list(new.shape)}")

    def _write(self, new: Any) -> None:
        """Write values into this tensor's memory, so views of it see them (as in PyTorch).

        The tensor moves to a new view of that memory first, so what the graph saved of the old
        values is known to be stale (PyTorch's version counter)."""
        self._new_version()
        try:
            self.array[...] = new
        except (TypeError, ValueError):  # backends without item assignment, a shape change, a read-only view
            self.array = new

    def _new_version(self) -> None:
        """About to change in place: a fresh array object over the same memory (see grad_graph.mark_modified)."""
        old = self.array
        self.array = old[...]
        mark_modified(self, old, self.array)


    def copy_(self, src: "Tensor") -> "Tensor":
        if self._check_inplace():
            raise RuntimeError("copy_ on a tensor that is part of a graph is not supported")
        xp = self._be.xp
        arr = src.to(self.device).array if isinstance(src, Tensor) else self._be.asarray(src)
        self._write(xp.astype(xp.broadcast_to(arr, self.array.shape), self.array.dtype))
        return self

    # -- memory layout ------------------------------------------------------------------------
    def _raw(self) -> Any:
        """The NumPy / CuPy array underneath (array-api-strict wraps one)."""
        return getattr(self.array, "_array", self.array)

    def stride(self, dim: int | None = None) -> Any:
        """Elements to step in memory per step along each dim (0 along a broadcast dim), as PyTorch."""
        raw = self._raw()
        steps = tuple(s // raw.itemsize for s in raw.strides)
        return steps if dim is None else steps[dim]

    def _base(self) -> Any:
        return base_array(self.array)

    def data_ptr(self) -> int:
        raw = self._raw()
        return int(raw.__array_interface__["data"][0]) if hasattr(raw, "__array_interface__") else int(raw.data.ptr)

    def untyped_storage(self) -> "_Storage":
        """The memory this tensor is a view of (its `data_ptr()` is the same for every view of it)."""
        return _Storage(self)

    storage = untyped_storage

    def storage_offset(self) -> int:
        """Where this tensor starts in the memory it shares, in elements."""
        base = self._base()
        start = base.__array_interface__["data"][0] if hasattr(base, "__array_interface__") else base.data.ptr
        return (self.data_ptr() - int(start)) // self._raw().itemsize

    @property
    def nbytes(self) -> int:
        return self.numel() * self.dtype.itemsize

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        arr = self.host()
        return arr if dtype is None else arr.astype(dtype)

    def __contains__(self, element: Any) -> bool:
        if isinstance(element, (Tensor, int, float, bool)):
            return bool((self == element).any().item())
        raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a {type(element)}.")

    def type_as(self, other: "Tensor") -> "Tensor":
        return self.to(other.dtype)


class _Storage:
    """A tensor's memory, for comparing where tensors live: `a.untyped_storage().data_ptr()`."""

    def __init__(self, t: Tensor):
        self._base = t._base()

    def data_ptr(self) -> int:
        b = self._base
        return int(b.__array_interface__["data"][0]) if hasattr(b, "__array_interface__") else int(b.data.ptr)

    def nbytes(self) -> int:
        return int(self._base.nbytes)

    def size(self) -> int:
        return int(self._base.size)

    def __len__(self) -> int:
        return self.size()


def _created_requiring_grad(t: Tensor) -> Tensor:
    """requires_grad=True given to a factory: PyTorch words the integer refusal differently there."""
    if not t.dtype.is_floating_point:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    return t.requires_grad_(True)


# The in-place variants an op declares (`x.clamp_(0, 1)`, `x.sqrt_()`, `F.relu(x, inplace=True)`): each runs
# the op and writes the result into the tensor (or, when autograd records it, rebinds the tensor to the op's output).
def run_inplace(self: Tensor, out_of_place: Any, *args: Any, **kwargs: Any) -> Tensor:
    """`self = out_of_place(self, ...)`, in place: written into self's memory, or rebound when recorded;
    refused, as PyTorch refuses it, where a tensor argument shares part of self's memory (see overlap);
    the op's own checks of its arguments come first."""
    recorded = self._check_inplace()
    out = out_of_place(self, *args, **kwargs)
    check_elementwise(self._raw(), tuple(a._raw() for a in (*args, *kwargs.values()) if isinstance(a, Tensor)))
    if recorded:
        return self._rebind(out)
    if out.requires_grad:  # another input needs the gradient: the result joins the graph
        if self.requires_grad and self.is_leaf:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        return self._rebind(out)
    return self._store(out.array)


def inplace_method(name: str) -> Any:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return run_inplace(self, getattr(Tensor, name), *args, **kwargs)

    method.__name__ = name + "_"
    method.__doc__ = f"In place: `x.{name}_(...)` is `x = x.{name}(...)` written into x's memory."
    return method


def _class_ref(cls: type) -> "type | tuple[str, str]":
    """What pickle stores for a tensor's class: where the class really lives when it shows PyTorch's module."""
    return (cls._defined_in, cls.__qualname__) if "_defined_in" in cls.__dict__ else cls


def _rebuild(cls: "type | tuple[str, str]", values: Any, device: str, requires_grad: bool) -> Any:
    if isinstance(cls, tuple):
        cls = getattr(importlib.import_module(cls[0]), cls[1])
    t = from_host(values, device)
    if cls is not type(t):
        return cls(t, requires_grad=requires_grad)  # a Parameter
    return t.requires_grad_(True) if requires_grad else t


def _graph_copy(g: Tensor) -> Tensor:
    """A copy of a gradient that keeps its graph: what AccumulateGrad stores, named as PyTorch names it."""
    copy = g.clone()
    if copy.grad_fn is not None:
        copy.grad_fn.__class__ = node_class("CopyBackwards", REGISTRY["clone"])
    return copy


def from_host(arr: np.ndarray, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor around a host (NumPy) array, moved to `device` when that is not the CPU."""
    be = get_backend(device)
    t = wrap(arr if be.device.type == "cpu" else be.xp.asarray(arr), be, None)
    return _created_requiring_grad(t) if requires_grad else t


def base_array(array: Any) -> Any:
    """The NumPy / CuPy array that owns `array`'s memory (itself unless it is a view)."""
    raw = getattr(array, "_array", array)  # array-api-strict wraps one
    while True:
        up = getattr(raw, "base", None)
        if up is not None and not hasattr(up, "strides"):  # NumPy's as_strided (behind expand) keeps the
            up = getattr(up, "base", None)                  # owner one step further up, behind a stand-in
        if up is None or not hasattr(up, "strides"):
            return raw
        raw = up


# The edge of a view made under no_grad of a tensor that requires grad: PyTorch's view keeps requires_grad
# (a leaf with no grad_fn), but gradients reaching it go nowhere, not even into its own `.grad`.
NO_GRAD_VIEW = (None, 0)


def wrap(array: Any, be: Backend, edge: tuple | None) -> Tensor:
    """A Tensor around an array, with no checks: the engine's own constructor. A NumPy scalar (what
    NumPy's reductions give) becomes a 0-dim array, so that views of the tensor share its memory."""
    t = _new(Tensor)
    t.array = _asarray(array) if isinstance(array, _generic) else array
    t._be = be
    t._edge = edge
    t.requires_grad = edge is not None
    t._grad = None
    t._retains = False
    return t


_new = object.__new__
_asarray, _generic = np.asarray, np.generic  # looked up once: wrap runs for every op's result


# -- Python data → arrays, with PyTorch's dtype rules --------------------------------------

def host_array(data: Any, dtype: dtypes.dtype | None) -> np.ndarray:
    """Python data → NumPy array with the dtype PyTorch would give it."""
    if isinstance(data, Tensor):
        arr = data.host()
    elif isinstance(data, np.ndarray) or np.isscalar(data) and isinstance(data, np.generic):
        arr = np.asarray(data)
        if arr.dtype.kind in "iu" and arr.dtype != np.int32:
            arr = arr.astype(np.int64)
        elif arr.dtype == np.float16:
            arr = arr.astype(np.float32)
    else:
        if isinstance(data, (list, tuple)) and any(isinstance(v, Tensor) for v in data):
            dtype = dtype or _sequence_dtype(data)
            data = [_element(v) if isinstance(v, Tensor) else v for v in data]
        try:
            arr = np.asarray(data)
        except ValueError as e:
            raise ValueError(_ragged(data) or f"could not make a tensor from ragged data: {e}") from None
        if arr.dtype == object or arr.dtype.kind in "US":
            raise TypeError(f"new(): invalid data type '{'str' if arr.dtype.kind in 'US' else _odd_type(data)}'")
        if arr.dtype.kind == "f" and dtype is None:
            arr = arr.astype(np.float32)  # Python floats are parsed as float64: cast only once, to the dtype asked
        elif arr.dtype.kind in "iu":
            arr = arr.astype(np.int64)
    if dtype is not None:
        arr = arr.astype(dtype.name)
    elif arr.dtype.kind not in "fib" or arr.dtype == np.float16:
        arr = arr.astype(np.float32)
    return arr


def _element(t: Any) -> np.ndarray:
    """A tensor inside a list is one number, as PyTorch reads it (`.item()`)."""
    if t.numel() != 1:
        raise ValueError("only one element tensors can be converted to Python scalars")
    return t.host().reshape(())


def _sequence_dtype(data: Any) -> dtypes.dtype:
    """PyTorch's dtype for a list holding tensors: every element's own type (a tensor's dtype, a Python
    float the default float type), promoted together."""
    result = dtypes.bool_
    stack = [data]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(v)
            continue
        if isinstance(v, Tensor):
            kind = v.dtype
        elif isinstance(v, (bool, np.bool_)):
            kind = dtypes.bool_
        elif isinstance(v, (int, np.integer)):
            kind = dtypes.int64
        else:
            kind = dtypes.DEFAULT_FLOAT
        result = dtypes.promote(result, kind)
    return result


def _odd_type(data: Any) -> str:
    """The type name of the first element that is not a number (what PyTorch's message names)."""
    stack = [data]
    while stack:
        v = stack.pop(0)
        if isinstance(v, (list, tuple)):
            stack[:0] = list(v)
        elif not isinstance(v, (int, float, bool, np.number, np.bool_)):
            return type(v).__name__
    return type(data).__name__


def _ragged(data: Any, depth: int = 0) -> str | None:
    if not isinstance(data, (list, tuple)) or not data:
        return None
    lens = {len(v) if isinstance(v, (list, tuple)) else -1 for v in data}
    if len(lens) > 1:
        first = len(data[0]) if isinstance(data[0], (list, tuple)) else 0
        bad = next(len(v) if isinstance(v, (list, tuple)) else 0 for v in data if (len(v) if isinstance(v, (list, tuple)) else 0) != first)
        return f"expected sequence of length {first} at dim {depth + 1} (got {bad})"
    for v in data:
        msg = _ragged(v, depth + 1)
        if msg:
            return msg
    return None


def to_array(data: Any, dtype: dtypes.dtype | None, be: Backend) -> Any:
    """A fresh array on `be` (never sharing memory with `data`, as torch.tensor copies)."""
    arr = host_array(data, dtype)
    if be.device.type != "cpu":
        return be.xp.asarray(arr)
    if arr is data or getattr(data, "array", None) is arr:
        arr = arr.copy()
    return arr


def parse_size(size: tuple) -> tuple[int, ...]:
    """`zeros(2, 3)`, `zeros((2, 3))`, `zeros([2, 3])` and `zeros(torch.Size([2, 3]))` all mean (2, 3)."""
    if len(size) == 1 and isinstance(size[0], (list, tuple)):
        size = tuple(size[0])
    for s in size:  # the usual case, plain non-negative ints, checked without building a list
        if s.__class__ is not int or s < 0:
            break
    else:
        return tuple(size)
    out = []
    for s in size:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) and not hasattr(s, "__index__"):
            raise TypeError(f"size must be a tuple of ints, but got {type(s).__name__}")
        s = int(s)
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        out.append(s)
    return tuple(out)
