"""torch.tensor, torch.zeros, torch.randn, … : the creation ops of the registry as functions."""
from __future__ import annotations

from typing import Any

import numpy as np

from .core import dtypes
from .core.backend import get_backend
from .core.dispatch import torch_error
from .core.generator import default_generator
from .core.grad_graph import grad_mode
from .core.ops.create import negative_std
from .core.registry import REGISTRY, ShapeError
from .core.tensor import Tensor, _created_requiring_grad, from_host, parse_size, to_array, wrap


def _leaf(op_name: str, params: dict, device: Any, requires_grad: bool) -> Tensor:
    """Run a creation op of the registry and put the result on `device`; what its inference refuses
    raises PyTorch's exception."""
    op = REGISTRY[op_name]
    try:
        op.infer(**params)
    except ShapeError as e:
        raise torch_error(e) from None
    arr = op.make(default_generator.rng, **params)
    return from_host(arr, device, requires_grad)


def _name(dtype: Any) -> str | None:
    d = dtypes.from_name(dtype)
    return None if d is None else d.name


def tensor(data: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of `data` (nested lists, a number, an array or a tensor); the dtype
    comes from the data (whole numbers int64, others float32) unless given."""
    be = get_backend(device)
    t = wrap(to_array(data, dtypes.from_name(dtype), be), be, None)
    return _created_requiring_grad(t) if requires_grad else t


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    if isinstance(data, Tensor) and (dtype is None or dtypes.from_name(dtype) is data.dtype) and \
            (device is None or get_backend(device) is data._be):
        return data
    if isinstance(data, np.ndarray) and dtype is None and device is None and data.dtype.kind in "fb" \
            and data.dtype != np.float16 or isinstance(data, np.ndarray) and data.dtype in (np.int64, np.int32) \
            and dtype is None and device is None:
        return from_numpy(data)  # shares memory, as PyTorch's as_tensor does for a CPU array
    return tensor(data, dtype=dtype, device=device)


def _typed(dt: Any, name: str) -> Any:
    def make(*args: Any, device: Any = None) -> Tensor:
        return Tensor(*args, dtype=dt, device=device)

    make.__name__ = make.__qualname__ = name
    make.__doc__ = f"`torch.{name}(data)` or `torch.{name}(*size)`: the legacy constructor for {dt!r}."
    return make


FloatTensor = _typed(dtypes.float32, "FloatTensor")
DoubleTensor = _typed(dtypes.float64, "DoubleTensor")
LongTensor = _typed(dtypes.int64, "LongTensor")
IntTensor = _typed(dtypes.int32, "IntTensor")
BoolTensor = _typed(dtypes.bool_, "BoolTensor")


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with a NumPy array (changes to one show in the other)."""
    if array.dtype.kind in "iu" and array.dtype not in (np.int64, np.int32) or array.dtype.kind not in "fiub":
        raise TypeError(f"can't convert np.ndarray of type {array.dtype}; supported: float64, float32, int64, int32, "
                        "bool")
    return wrap(array, get_backend("cpu"), None)


def _sized(op: str, args: tuple, size: Any, dtype: Any, device: Any, requires_grad: bool) -> Tensor:
    """`torch.zeros(2, 3)`, `torch.zeros((2, 3))` and `torch.zeros(size=(2, 3))` alike."""
    if size is not None and args:
        raise TypeError(f"{op}() received an invalid combination of arguments: the size given twice")
    params = {"shape": parse_size(args if size is None else (size,)), "dtype": _name(dtype) or "float32"}
    return _leaf(op, params, device, requires_grad)


def _with_out(fn: Any) -> Any:
    """`torch.zeros(2, 3, out=t)`: the new values written into t (resized to the new shape), in t's dtype
    and on t's device, as PyTorch's factories take `out=`."""
    name = fn.__name__

    def factory(*args: Any, out: Tensor | None = None, **kwargs: Any) -> Tensor:
        if out is None:
            return fn(*args, **kwargs)
        if not isinstance(out, Tensor):
            raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
        want = dtypes.from_name(kwargs.get("dtype"))
        if want is not None and want is not out.dtype:
            raise RuntimeError(f"dtype {want.scalar_type} does not match dtype of out parameter "
                               f"({out.dtype.scalar_type})")
        if out.requires_grad and grad_mode.enabled:
            raise RuntimeError(f"aten::{name}(): functions with out=... arguments don't support automatic "
                               "differentiation, but one of the arguments requires grad.")
        requires_grad = kwargs.pop("requires_grad", False)
        result = fn(*args, **{**kwargs, "dtype": out.dtype, "device": out.device})
        out._store(result.array, resize=True)
        return out.requires_grad_() if requires_grad else out

    factory.__name__ = factory.__qualname__ = name
    factory.__doc__ = fn.__doc__
    return factory


@_with_out
def zeros(*args: Any, size: Any = None, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _sized("zeros", args, size, dtype, device, requires_grad)


@_with_out
def ones(*args: Any, size: Any = None, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _sized("ones", args, size, dtype, device, requires_grad)


empty = zeros


@_with_out
def rand(*args: Any, size: Any = None, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _sized("rand", args, size, dtype, device, requires_grad)


@_with_out
def randn(*args: Any, size: Any = None, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _sized("randn", args, size, dtype, device, requires_grad)


@_with_out
def full(size: Any, fill_value: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _leaf("full", {"shape": parse_size((size,)), "fill_value": fill_value, "dtype": _name(dtype)},
                 device, requires_grad)


@_with_out
def eye(n: int, m: int | None = None, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _leaf("eye", {"n": n, "m": m, "dtype": _name(dtype) or "float32"}, device, requires_grad)


@_with_out
def arange(start: Any = 0, end: Any = None, step: Any = 1, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    if end is None:
        start, end = 0, start
    return _leaf("arange", {"start": start, "end": end, "step": step, "dtype": _name(dtype)}, device, requires_grad)


@_with_out
def linspace(start: float, end: float, steps: int, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    return _leaf("linspace", {"start": start, "end": end, "steps": steps, "dtype": _name(dtype) or "float32"},
                 device, requires_grad)


@_with_out
def randint(*args: Any, size: Any = None, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """randint(high, size) or randint(low, high, size), as in PyTorch."""
    args = list(args)
    if size is None:
        size = args.pop()
    low, high = (0, args[0]) if len(args) == 1 else args
    return _leaf("randint", {"low": low, "high": high, "shape": parse_size((size,)), "dtype": _name(dtype) or "int64"},
                 device, requires_grad)


@_with_out
def randperm(n: int, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """0 … n-1 in a random order (drawn from the seeded generator)."""
    return _leaf("randperm", {"n": n, "dtype": _name(dtype) or "int64"}, device, requires_grad)


@_with_out
def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Normal random numbers: numbers mean and std with a size, or tensors of means / stds (one draw each)."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        m = mean.host() if isinstance(mean, Tensor) else mean
        s = std.host() if isinstance(std, Tensor) else std
        like = mean if isinstance(mean, Tensor) else std
        if isinstance(std, Tensor) and (np.asarray(s) < 0).any():
            raise RuntimeError("normal expects all elements of std >= 0.0")
        if not isinstance(std, Tensor) and s < 0:
            raise RuntimeError(negative_std(s))
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        arr = (default_generator.rng.standard_normal(shape) * s + m).astype(like.dtype.name)
        return from_host(arr, device or like.device, requires_grad)
    if size is None:
        raise TypeError("normal() missing required argument 'size' (mean and std are numbers)")
    return _leaf("normal", {"mean": mean, "std": std, "shape": parse_size((size,)), "dtype": _name(dtype) or "float32"},
                 device, requires_grad)


def _like(fn: Any, t: Tensor, dtype: Any, device: Any, requires_grad: bool, *extra: Any) -> Tensor:
    return fn(tuple(t.shape), *extra, dtype=dtype or t.dtype, device=device or t.device, requires_grad=requires_grad)


def zeros_like(input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _like(zeros, input, dtype, device, requires_grad)


def ones_like(input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _like(ones, input, dtype, device, requires_grad)


def rand_like(input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _like(rand, input, dtype, device, requires_grad)


def randn_like(input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _like(randn, input, dtype, device, requires_grad)


def empty_like(input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _like(zeros, input, dtype, device, requires_grad)


def full_like(input: Tensor, fill_value: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return full(tuple(input.shape), fill_value, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)
