"""Shape and dtype rules shared by many ops, with PyTorch's error messages."""
from __future__ import annotations

from typing import Any

from .. import dtypes
from ..registry import DimError, ShapeError, Spec


def broadcast(a: tuple, b: tuple) -> tuple:
    """NumPy/PyTorch broadcasting of two shapes."""
    if a == b:
        return tuple(a)
    n = max(len(a), len(b))
    pa, pb = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    out = []
    for i in reversed(range(n)):  # PyTorch compares from the last dimension and names the first clash
        x, y = pa[i], pb[i]
        if x != y and x != 1 and y != 1:
            raise ShapeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton dimension {i}"
            )
        out.append(y if x == 1 else x)
    return tuple(reversed(out))


def shape_of(x: Any) -> tuple:
    return x.shape if isinstance(x, Spec) else ()


def result_dtype(*xs: Any) -> dtypes.dtype:
    """PyTorch's result type of tensors (Specs) and Python numbers taken together."""
    specs = [x for x in xs if isinstance(x, Spec)]
    if not specs:
        raise ShapeError("expected at least one tensor input")
    dims = [s for s in specs if s.ndim > 0]
    zeros = [s for s in specs if s.ndim == 0]
    want = None
    for s in dims:
        want = s.dtype if want is None else dtypes.promote(want, s.dtype)
    z = None
    for s in zeros:
        z = s.dtype if z is None else dtypes.promote(z, s.dtype)
    if want is None:
        want = z
    elif z is not None:
        want = dtypes.promote_with_dims(want, 1, z, 0)
    for x in xs:
        if isinstance(x, (bool, int, float)) and not isinstance(x, Spec):
            want = dtypes.scalar_result(want, x)
    return want


def elementwise(*xs: Any, to_float: bool = False) -> Spec:
    if len(xs) == 2 and xs[0].__class__ is Spec and xs[1].__class__ is Spec and xs[0] == xs[1]:
        if to_float and not xs[0].dtype.is_floating_point:
            return Spec(xs[0].shape, dtypes.DEFAULT_FLOAT)
        return xs[0]  # same shape and dtype: the common case, answered at once
    shape: tuple = ()
    for x in xs:
        shape = broadcast(shape, shape_of(x))
    dt = result_dtype(*xs)
    if to_float and not dt.is_floating_point:
        dt = dtypes.DEFAULT_FLOAT
    return Spec(shape, dt)


def as_float(spec: Spec) -> Spec:
    return spec if spec.dtype.is_floating_point else Spec(spec.shape, dtypes.DEFAULT_FLOAT)


def dim_index(dim: int, ndim: int) -> int:
    """A dim in range for a tensor of `ndim` dims (0-dim tensors take -1 and 0)."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise DimError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def need_tensor(x: Any, what: str) -> Spec:
    if not isinstance(x, Spec):
        raise ShapeError(f"{what} must be a tensor, not a number")
    return x

