"""Making tensors: from Python data (with PyTorch's dtype rules) and the random generator.

The random generator is one NumPy Generator for every device: numbers are drawn
on the host and moved, so a seed gives the same tensor on the CPU and on a GPU.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes
from .backend import Backend


class SeededRNG:
    """`np.random.default_rng(seed)`, made on first use: importing numpy.random is ~15 ms of a
    ~0.2 s headless run, and most graphs draw no random numbers at all."""

    __slots__ = ("seed", "_rng")

    def __init__(self, seed: int):
        self.seed, self._rng = seed, None

    def __getattr__(self, name: str) -> Any:
        if self._rng is None:
            self._rng = np.random.default_rng(self.seed)
        return getattr(self._rng, name)


class Generator:
    """A random generator (torch.Generator); `default_generator` is the one `manual_seed` resets."""

    __module__ = "torch._C"  # PyTorch's, as `type(g)` and `torch.manual_seed(0)` print it

    def __init__(self, device: Any = None):
        self.manual_seed(67280421310721)  # PyTorch's seed for a new generator

    def manual_seed(self, seed: int) -> "Generator":
        self.seed = int(seed)
        self.rng = SeededRNG(self.seed)
        return self

    def initial_seed(self) -> int:
        return self.seed


default_generator = Generator().manual_seed(0)


def manual_seed(seed: int) -> Generator:
    """Seed every random op (rand, randn, randint, dropout, shuffles)."""
    return default_generator.manual_seed(seed)


def host_array(data: Any, dtype: dtypes.dtype | None) -> np.ndarray:
    """Python data → NumPy array with the dtype PyTorch would give it."""
    from .tensor import Tensor

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
    from .tensor import Tensor

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
    out = []
    for s in size:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) and not hasattr(s, "__index__"):
            raise TypeError(f"size must be a tuple of ints, but got {type(s).__name__}")
        s = int(s)
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        out.append(s)
    return tuple(out)
