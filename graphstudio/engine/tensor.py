"""Tensor: an array on a device plus what autograd needs, with PyTorch's attributes.

`_edge` is how this tensor appears as an input to a recorded op: `(grad_fn,
output_nr)` for results of ops, `(AccumulateGrad, 0)` for leaves that require grad
(made on first use), None otherwise. The methods of registry ops (x.mm, x.sum, …)
are attached by `graphstudio.engine.api`, from the registry.
"""
from __future__ import annotations

from typing import Any

from . import dtypes
from .backprop import AccumulateGrad, grad_mode
from .backend import Backend, get_backend
from .printing import format_tensor


class Size(tuple):
    """A shape; prints as `torch.Size([2, 3])`."""

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n


class Tensor:
    __slots__ = ("array", "requires_grad", "_grad", "_be", "_edge", "_retains", "__weakref__")

    def __init__(self, data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False):
        from .creation import to_array

        be = get_backend(device)
        self.array = to_array(data, dtypes.from_name(dtype), be)
        self._be = be
        self._edge = None
        self._grad = None
        self._retains = False
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    # -- autograd attributes -----------------------------------------------------------------
    @property
    def grad_fn(self) -> Any:
        e = self._edge
        return None if e is None or type(e[0]) is AccumulateGrad else e[0]

    @property
    def is_leaf(self) -> bool:
        e = self._edge
        return e is None or type(e[0]) is AccumulateGrad

    @property
    def grad(self) -> "Tensor | None":
        return self._grad

    @grad.setter
    def grad(self, value: "Tensor | None") -> None:
        if value is not None and tuple(value.shape) != tuple(self.shape):
            raise RuntimeError(f"assigned grad has data of a different size: {value.shape} vs {self.shape}")
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return self._retains

    def retain_grad(self) -> None:
        """Keep `.grad` on a non-leaf too (PyTorch frees it by default)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.is_leaf or self._retains:
            return
        from .backprop import retain

        retain(self._edge[0], self._edge[1], self)
        self._retains = True

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
        if self._grad is None:
            self._grad = wrap(g, self._be, None)
        else:
            self._grad.array = self._grad.array + g

    def backward(self, gradient: Any = None, retain_graph: bool | None = None, create_graph: bool = False,
                 inputs: Any = None) -> None:
        """Compute the gradient of this tensor with respect to every leaf that requires grad."""
        _autograd().backward([self], None if gradient is None else [gradient], retain_graph, create_graph, inputs)

    def detach(self) -> "Tensor":
        """The same data, cut from the graph: a leaf with requires_grad=False."""
        return wrap(self.array, self._be, None)

    def detach_(self) -> "Tensor":
        self._edge = None
        self.requires_grad = False
        return self

    # -- data and metadata -------------------------------------------------------------------
    @property
    def data(self) -> "Tensor":
        return wrap(self.array, self._be, None)

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

    def __repr__(self) -> str:
        return format_tensor(self)

    def __format__(self, spec: str) -> str:
        if self.ndim == 0 and spec:
            return format(self.item(), spec)
        return repr(self)

    # -- moving between devices and dtypes ---------------------------------------------------
    def to(self, *args: Any, **kwargs: Any) -> "Tensor":
        """`to(device)`, `to(dtype)`, `to(device, dtype)` or `to(other_tensor)`, as in PyTorch."""
        from .backend import DeviceError, device as _device

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
        from .api import to_copy

        return to_copy(self, be, dt)

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
        return self.to(dtypes.int64)

    def bool(self) -> "Tensor":
        return self.to(dtypes.bool_)

    def type(self, dtype: Any = None) -> Any:
        if dtype is None:
            return {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor",
                    "int64": "torch.LongTensor", "bool": "torch.BoolTensor"}[self.dtype.name]
        return self.to(dtypes.from_name(dtype))

    # -- in place ----------------------------------------------------------------------------
    def _check_inplace(self) -> bool:
        """True when the op must be recorded (so it is done out of place and rebound)."""
        if not (self.requires_grad and grad_mode.enabled):
            return False
        if self.is_leaf:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        return True

    def _inplace(self, name: str, other: Any) -> "Tensor":
        from . import api

        if self._check_inplace():
            result = getattr(api, name)(self, other)
            self.array, self._edge = result.array, result._edge
            return self
        value = other.array if isinstance(other, Tensor) else other
        xp = self._be.xp
        new = {"add": lambda a: a + value, "sub": lambda a: a - value, "mul": lambda a: a * value,
               "div": lambda a: a / value}[name](self.array)
        if new.dtype != self.array.dtype:
            new_dt, old_dt = self._be.from_dtype[new.dtype], self.dtype
            if new_dt.category > old_dt.category:
                raise RuntimeError(f"result type {new_dt.name} can't be cast to the desired output type {old_dt.name}")
            new = xp.astype(new, self.array.dtype)
        self._write(new)
        return self

    def _write(self, new: Any) -> None:
        """Write values into this tensor's memory, so views of it see them (as in PyTorch)."""
        try:
            self.array[...] = new
        except (TypeError, ValueError):  # backends without item assignment on this array
            self.array = new

    def add_(self, other: Any, alpha: Any = 1) -> "Tensor":
        return self._inplace("add", other if alpha == 1 else other * alpha)

    def sub_(self, other: Any, alpha: Any = 1) -> "Tensor":
        return self._inplace("sub", other if alpha == 1 else other * alpha)

    def mul_(self, other: Any) -> "Tensor":
        return self._inplace("mul", other)

    def div_(self, other: Any) -> "Tensor":
        return self._inplace("div", other)

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    def zero_(self) -> "Tensor":
        return self.fill_(0)

    def fill_(self, value: Any) -> "Tensor":
        if self._check_inplace():
            raise RuntimeError("fill_ on a tensor that is part of a graph is not supported; use torch.full_like")
        xp = self._be.xp
        self._write(xp.full(self.array.shape, value.item() if isinstance(value, Tensor) else value,
                            dtype=self.array.dtype))
        return self

    def copy_(self, src: "Tensor") -> "Tensor":
        if self._check_inplace():
            raise RuntimeError("copy_ on a tensor that is part of a graph is not supported")
        xp = self._be.xp
        arr = src.to(self.device).array if isinstance(src, Tensor) else self._be.asarray(src)
        self._write(xp.astype(xp.broadcast_to(arr, self.array.shape), self.array.dtype))
        return self


def _autograd() -> Any:
    """The autograd module, imported on first use (it imports this one)."""
    global _AUTOGRAD
    if _AUTOGRAD is None:
        from . import autograd

        _AUTOGRAD = autograd
    return _AUTOGRAD


_AUTOGRAD = None


def wrap(array: Any, be: Backend, edge: tuple | None) -> Tensor:
    """A Tensor around an array, with no checks: the engine's own constructor."""
    t = _new(Tensor)
    t.array = array
    t._be = be
    t._edge = edge
    t.requires_grad = edge is not None
    t._grad = None
    t._retains = False
    return t


_new = object.__new__
