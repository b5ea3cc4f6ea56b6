"""`torch.linalg`: the vector norms, as the registry's `norm` op computes them.

Matrix norms (ord 'nuc', 2 or ±1 of a matrix: singular values, column sums) are beyond the
basics this engine teaches, and say so rather than give a vector norm in their place.
"""
from __future__ import annotations

from typing import Any

from .core import op_functions
from .core.registry import REGISTRY
from .core.tensor import Tensor


def vector_norm(x: Tensor, ord: float = 2, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A002
    """The ord-norm of the elements over dim (none: all of them), as torch.linalg.vector_norm."""
    return op_functions.call(REGISTRY["norm"], (x,), {"p": float(ord), "dim": dim, "keepdim": keepdim})


def norm(x: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A002
    """torch.linalg.norm: the 2-norm of all elements (the Frobenius norm of a matrix) when ord is
    None, a vector norm over one dim, or 'fro' over two."""
    dims = None if dim is None else (dim,) if isinstance(dim, int) else tuple(dim)
    matrix = (dims is None and x.ndim == 2 and ord is not None) or (dims is not None and len(dims) == 2)
    if ord is None or (ord == "fro" and (matrix or x.ndim == 2)):
        return vector_norm(x, 2, dim, keepdim)
    if matrix:
        raise NotImplementedError(f"linalg.norm: the matrix norm ord={ord!r} is not supported by GraphStudio's "
                                  "engine (vector norms and 'fro' are)")
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: ord={ord!r} is only for matrix norms")
    return vector_norm(x, ord, dim, keepdim)
