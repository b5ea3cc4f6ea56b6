"""Small torch-level helpers: is_tensor, numel, equal, allclose."""
from __future__ import annotations

from typing import Any

import numpy as np

from .core.tensor import Tensor


def get_default_dtype() -> Any:
    """float32: what Python floats become (GraphStudio has no set_default_dtype)."""
    from .core import dtypes

    return dtypes.DEFAULT_FLOAT


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    return input.numel()


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both have the same shape and the same values."""
    return tuple(input.shape) == tuple(other.shape) and bool(np.array_equal(input.host(), other.host()))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    return bool(np.allclose(input.host(), other.host(), rtol=rtol, atol=atol, equal_nan=equal_nan))
