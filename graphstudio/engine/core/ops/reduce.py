"""Reductions: sum, mean, prod, max/min (whole or along a dim), argmax/argmin and norm.

A reduction's backward spreads the output gradient back over the reduced dims: the
gradient of a sum is the output gradient repeated (a broadcast view, as PyTorch's
`expand`), that of a mean the same times 1/n, that of max the gradient routed to the
position that won. `dim` takes an int, a list of ints or None (every dim), with
PyTorch's checks; a 0-dim tensor takes dim 0 or -1 and is left as it is.
"""
from __future__ import annotations

import math
import warnings

from .. import dtypes
from ..registry import OUT, DimError, Op, Param, Port, Sample, ShapeError, Spec, register
from . import _infer

T, S = Port, Sample

DIMS = Param("dim", "dims_or_none", None, "the dim or dims to reduce (none: all of them)")
DIM = Param("dim", "dim_or_none", None, "the dim to reduce (none: all of them)")
KEEPDIM = Param("keepdim", "bool", False, "keep each reduced dim with size 1")


# -- dims ---------------------------------------------------------------------------------------
def reduce_axes(dim, ndim: int):
    """`dim` → None (every dim) or a tuple of dims in range; raises ShapeError with PyTorch's message.

    An empty list means every dim, as in PyTorch; on a 0-dim tensor dims 0 and -1 are allowed and
    nothing is reduced (an empty tuple).
    """
    if dim is None:
        return None
    n = ndim or 1
    if type(dim) is int:
        if -n <= dim < n:
            return (dim % n,) if ndim else ()
        raise DimError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    if isinstance(dim, bool) or not isinstance(dim, (list, tuple)):
        if hasattr(dim, "__index__") and not isinstance(dim, bool):
            return reduce_axes(int(dim), ndim)
        raise ShapeError(f"dim must be an int, a list of ints or None, not {type(dim).__name__}")
    if not dim:
        return None
    out = []
    for d in dim:
        if isinstance(d, bool) or not isinstance(d, int):
            raise ShapeError(f"dim must be an int, a list of ints or None, not a list holding {type(d).__name__}")
        if not -n <= d < n:
            raise DimError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
        d %= n
        if d in out:
            raise ShapeError(f"dim {d} appears multiple times in the list of dims")
        out.append(d)
    return tuple(sorted(out)) if ndim else ()


def reduced_shape(shape: tuple, axes, keepdim: bool) -> tuple:
    if axes is None:
        return (1,) * len(shape) if keepdim else ()
    if keepdim:
        return tuple(1 if i in axes else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in axes)


def _regrow(axes, ndim: int, keepdim: bool):
    """The index that puts the reduced dims back into a gradient (None where nothing is needed)."""
    if keepdim or not axes:
        return None
    return tuple(None if i in axes else slice(None) for i in range(ndim))


_VIEW_FROM = 1 << 15  # elements: from here a broadcast view beats a fresh array (page faults)


def _spread(xp, g, shape: tuple, idx):
    """The output gradient repeated over the reduced dims.

    Small: a fresh array (zeros + g costs half of NumPy's broadcast_to). Large: a read-only
    broadcast view, as PyTorch's `expand`, so no memory is written for it.
    """
    if idx is not None:
        g = g[idx]
    if math.prod(shape) >= _VIEW_FROM:
        return xp.broadcast_to(g, shape)
    return xp.zeros(shape, dtype=g.dtype) + g


def _numel(shape: tuple, axes) -> int:
    if axes is None:
        return math.prod(shape)
    return math.prod(shape[i] for i in axes)


_FLOATS: dict = {}  # per array namespace: its float32 and float64 dtypes as its arrays report them


def is_float(xp, dt) -> bool:
    """Whether an array's dtype is float32 or float64. Against the namespace's own dtype objects, `in`
    tests identity first: NumPy's `dt == np.float32` converts the scalar type on every call (5× slower)."""
    floats = _FLOATS.get(xp)
    if floats is None:
        floats = _FLOATS[xp] = (xp.asarray(0, dtype=xp.float32).dtype, xp.asarray(0, dtype=xp.float64).dtype)
    return dt in floats


class _Reduce(Op):
    category = "Reduce"
    inputs = (T("input"),)
    params = (DIMS, KEEPDIM)


# -- sum, mean, prod ----------------------------------------------------------------------------
@register
class Sum(_Reduce):
    name, grad_fn = "sum", "SumBackward0"
    fast_defaults = True  # with no params given, its grad_fn is the one above: the short path runs it
    double_backward = ()
    torch = "torch.sum({input}, dim={dim}, keepdim={keepdim})"
    doc = "Add up the elements over dim (an int, a list of dims, or none: all); bools and ints give int64."
    samples = (S(((3, 4),)), S(((3, 4),), {"dim": 1}), S(((2, 3, 4),), {"dim": [0, 2]}),
               S(((2, 3, 4),), {"dim": -1, "keepdim": True}), S(((3, 4),), {"dim": None, "keepdim": True}),
               S(((),)), S(((),), {"dim": 0}), S(((3, 4),), {"dim": []}),
               S(((3, 4),), dtypes=("int64",)), S(((3, 4),), {"dim": 0}, dtypes=("bool",)),
               S(((3, 4),), {"dim": 2}, error="Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
               S(((3, 4),), {"dim": [0, -2]}, error="dim 0 appears multiple times in the list of dims"))

    @classmethod
    def grad_fn_name(cls, params: dict) -> str:
        return "SumBackward0" if params.get("dim") is None and not params.get("keepdim") else "SumBackward1"

    def infer(a, dim=None, keepdim=False):
        a = _infer.need_tensor(a, "input")
        axes = reduce_axes(dim, a.ndim)
        dt = a.dtype if a.dtype.is_floating_point else dtypes.int64
        return Spec(reduced_shape(a.shape, axes, keepdim), dt)

    def forward(ctx, a, dim=None, keepdim=False):
        xp = ctx.xp
        axes = None if dim is None else reduce_axes(dim, a.ndim)
        if not is_float(xp, a.dtype) and a.dtype != xp.int64:
            a = xp.astype(a, xp.int64)
        ctx.info = (a.shape, _regrow(axes, a.ndim, keepdim))
        return xp.sum(a, axis=axes, keepdims=keepdim)

    vjp_formula = ("∂L/∂x = G copied back over the summed dims",)

    def backward(ctx, g):
        shape, idx = ctx.info
        return (_spread(ctx.xp, g, shape, idx),)


def _mean_error(dt: dtypes.dtype) -> ShapeError:
    return ShapeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                      f"complex dtype. Got: {dt.scalar_type}")


@register
class Mean(_Reduce):
    name, grad_fn = "mean", "MeanBackward0"
    fast_defaults = True  # with no params given, its grad_fn is the one above: the short path runs it
    double_backward = ()
    torch = "torch.mean({input}, dim={dim}, keepdim={keepdim})"
    doc = "The average of the elements over dim (an int, a list of dims, or none: all); floats only."
    samples = (S(((3, 4),)), S(((3, 4),), {"dim": 0}), S(((2, 3, 4),), {"dim": [1, 2], "keepdim": True}),
               S(((),)), S(((3, 4),), {"dim": -1}),
               S(((3, 4),), dtypes=("int64",), error="mean(): could not infer output dtype. Input dtype must be "
                                                     "either a floating point or complex dtype. Got: Long"),
               S(((3, 4),), {"dim": 3}, error="Dimension out of range"))

    @classmethod
    def grad_fn_name(cls, params: dict) -> str:
        return "MeanBackward0" if params.get("dim") is None and not params.get("keepdim") else "MeanBackward1"

    def infer(a, dim=None, keepdim=False):
        a = _infer.need_tensor(a, "input")
        if not a.dtype.is_floating_point:
            raise _mean_error(a.dtype)
        return Spec(reduced_shape(a.shape, reduce_axes(dim, a.ndim), keepdim), a.dtype)

    def forward(ctx, a, dim=None, keepdim=False):
        xp = ctx.xp
        if not is_float(xp, a.dtype):
            raise TypeError("mean of a non-float tensor")
        axes = None if dim is None else reduce_axes(dim, a.ndim)
        n = _numel(a.shape, axes)
        scale = 1.0 / n if n else math.nan
        ctx.info = (a.shape, _regrow(axes, a.ndim, keepdim), scale)
        return xp.sum(a, axis=axes, keepdims=keepdim) * scale

    vjp_formula = ("∂L/∂x = G / n, copied back over the averaged dims (n: elements averaged)",)

    def backward(ctx, g):
        shape, idx, scale = ctx.info
        return (_spread(ctx.xp, g * scale, shape, idx),)


@register
class Prod(_Reduce):
    name, grad_fn = "prod", "ProdBackward0"
    torch = "torch.prod({input}, dim={dim}, keepdim={keepdim})"
    doc = "Multiply the elements over dim (one dim, or none: all); exact gradients even with zeros."
    params = (DIM, KEEPDIM)
    samples = (S(((3, 4),)), S(((3, 4),), {"dim": 1}), S(((2, 3, 4),), {"dim": 0, "keepdim": True}),
               S(([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0], [2.0, -1.0, 0.5]],), {"dim": 1}),
               S(([[1.5, 0.0, 2.0], [2.0, -1.0, 3.0]],),), S(((3,),), dtypes=("int64",)),
               S(((3, 4),), {"dim": -3}, error="Dimension out of range"))

    @classmethod
    def grad_fn_name(cls, params: dict) -> str:
        return "ProdBackward0" if params.get("dim") is None else "ProdBackward1"

    def infer(a, dim=None, keepdim=False):
        a = _infer.need_tensor(a, "input")
        dt = a.dtype if a.dtype.is_floating_point else dtypes.int64
        return Spec(reduced_shape(a.shape, reduce_axes(dim, a.ndim), keepdim), dt)

    def forward(ctx, a, dim=None, keepdim=False):
        xp = ctx.xp
        axes = None if dim is None else reduce_axes(dim, a.ndim)
        if not is_float(xp, a.dtype) and a.dtype != xp.int64:
            a = xp.astype(a, xp.int64)
        out = xp.prod(a, axis=axes, keepdims=keepdim)
        ctx.saved = (a, out)
        ctx.info = (axes, _regrow(axes, a.ndim, keepdim))
        return out

    vjp_formula = ("∂L/∂x = G ⊙ y / x (the product of the others)",)

    def backward(ctx, g):
        a, out = ctx.saved
        axes, idx = ctx.info
        xp = ctx.xp
        if idx is not None:
            g, out = g[idx], out[idx]
        zero = a == 0
        if not bool(xp.any(zero)):
            return (out / a * g,)
        # a zero somewhere: where a slice has one zero, that element gets the product of the others;
        # every other element of a slice with a zero gets 0
        safe = xp.where(zero, 1.0, a)
        others = xp.prod(safe, axis=axes, keepdims=True)
        zeros = xp.sum(xp.astype(zero, a.dtype), axis=axes, keepdims=True)
        grad = xp.where(zeros == 0, others / safe, xp.where(zero & (zeros == 1), others, 0.0))
        return (grad * g,)


# -- var, std ----------------------------------------------------------------------------------
def _var_args(dim, unbiased, correction):
    """(dim, correction) of PyTorch's overloads: `x.var(False)` means unbiased=False, not dim 0."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased or unbiased is None else 0
    return dim, correction


def _var_infer(op, a, dim, unbiased, keepdim, correction):
    a = _infer.need_tensor(a, "input")
    if not a.dtype.is_floating_point:
        raise ShapeError("std and var only support floating point and complex dtypes")
    dim, correction = _var_args(dim, unbiased, correction)
    if isinstance(correction, bool) or not isinstance(correction, (int, float)):
        raise ShapeError(f"{op}(): argument 'correction' must be a number, not {type(correction).__name__}")
    return Spec(reduced_shape(a.shape, reduce_axes(dim, a.ndim), keepdim), a.dtype)


def _var_forward(ctx, a, dim, unbiased, keepdim, correction, op):
    xp = ctx.xp
    if not is_float(xp, a.dtype):
        raise TypeError("var/std of a non-float tensor")
    dim, correction = _var_args(dim, unbiased, correction)
    axes = None if dim is None else reduce_axes(dim, a.ndim)
    n = _numel(a.shape, axes)
    dof = max(n - correction, 0)
    if dof == 0:
        warnings.warn(f"{op}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
                      "factor (input numel divided by output numel).", UserWarning, stacklevel=5)
    d = a - xp.sum(a, axis=axes, keepdims=True) * (1.0 / n if n else math.nan)
    ss = xp.sum(d * d, axis=axes, keepdims=keepdim)
    if dof:
        out = ss * (1.0 / dof)
    else:  # x / 0, as PyTorch divides: inf, or nan where the sum of squares is 0 too
        out = xp.where(ss == 0, xp.asarray(math.nan, dtype=ss.dtype), xp.asarray(math.inf, dtype=ss.dtype))
    ctx.info = (_regrow(axes, a.ndim, keepdim), 1.0 / dof if dof else math.inf)
    return d, out


_VAR_PARAMS = (DIMS, Param("unbiased", "bool", True, "divide by N - 1 (Bessel's correction) rather than N"), KEEPDIM,
               Param("correction", "number_or_none", None, "subtract this from N (none: 1 if unbiased, else 0)"))


def _var_samples(op: str) -> tuple:
    return (S(((3, 4),)), S(((3, 4),), {"dim": 0}), S(((3, 4),), {"dim": 1, "keepdim": True}),
            S(((2, 3, 4),), {"dim": [0, 2]}), S(((3, 4),), {"unbiased": False}), S(((3, 4),), {"dim": 1, "correction": 0}),
            S(((5,),), {"correction": 2}), S(((3, 4),), {"dim": -1, "unbiased": False, "keepdim": True}),
            S(((3,),), dtypes=("int64",), error="std and var only support floating point and complex dtypes"),
            S(((3, 4),), {"dim": 2}, error="Dimension out of range (expected to be in range of [-2, 1], but got 2)"))


@register
class Var(_Reduce):
    name, grad_fn = "var", "VarBackward0"
    torch = "torch.var({input}, dim={dim}, unbiased={unbiased}, keepdim={keepdim}, correction={correction})"
    doc = ("The variance over dim (none: all elements): the mean squared distance from the mean, divided by "
           "N - 1 by default (unbiased), by N with unbiased=False, or by N - correction.")
    params = _VAR_PARAMS
    samples = _var_samples("var")

    def infer(a, dim=None, unbiased=True, keepdim=False, correction=None):
        return _var_infer("var", a, dim, unbiased, keepdim, correction)

    def forward(ctx, a, dim=None, unbiased=True, keepdim=False, correction=None):
        d, out = _var_forward(ctx, a, dim, unbiased, keepdim, correction, "var")
        ctx.saved = (d,)
        return out

    vjp_formula = ("∂L/∂x = G ⊙ 2 · (x − mean(x)) / (n − correction)",)

    def backward(ctx, g):
        d, = ctx.saved
        idx, scale = ctx.info
        if idx is not None:
            g = g[idx]
        return (d * (g * (2.0 * scale)),)


@register
class Std(_Reduce):
    name, grad_fn = "std", "StdBackward0"
    torch = "torch.std({input}, dim={dim}, unbiased={unbiased}, keepdim={keepdim}, correction={correction})"
    doc = ("The standard deviation over dim (none: all elements): the square root of var, with the same "
           "unbiased / correction rule (N - 1 by default).")
    params = _VAR_PARAMS
    samples = _var_samples("std")

    def infer(a, dim=None, unbiased=True, keepdim=False, correction=None):
        return _var_infer("std", a, dim, unbiased, keepdim, correction)

    def forward(ctx, a, dim=None, unbiased=True, keepdim=False, correction=None):
        d, var = _var_forward(ctx, a, dim, unbiased, keepdim, correction, "std")
        out = ctx.xp.sqrt(var)
        ctx.saved = (d, out)
        return out

    vjp_formula = ("∂L/∂x = G ⊙ (x − mean(x)) / ((n − correction) · y)",)

    def backward(ctx, g):
        d, out = ctx.saved
        idx, scale = ctx.info
        if idx is not None:
            g, out = g[idx], out[idx]
        return (d * (g * scale / out),)


# -- all, any -----------------------------------------------------------------------------------
class _Logical(_Reduce):
    differentiable = False
    grad_fn = None

    def infer(a, dim=None, keepdim=False):
        a = _infer.need_tensor(a, "input")
        return Spec(reduced_shape(a.shape, reduce_axes(dim, a.ndim), keepdim), dtypes.bool_)

    def backward(ctx, g):
        return (None,)


def _logical(xp, fn, a, dim, keepdim):
    axes = None if dim is None else reduce_axes(dim, a.ndim)
    if a.dtype != xp.bool:
        a = a != 0
    return fn(a, axis=axes, keepdims=keepdim)


_LOGICAL_SAMPLES = (
    S(((3, 4),), dtypes=("bool",)), S(((3, 4),), {"dim": 1}, dtypes=("bool",)),
    S(((2, 3, 4),), {"dim": [0, 2], "keepdim": True}, dtypes=("bool",)), S(((3, 4),), {"dim": 0}, dtypes=("int64",)),
    S(([[1.0, 0.0], [2.0, 3.0]],), {"dim": 1}), S(([[True, True], [True, True]],),), S(((),), dtypes=("bool",)),
    S(((3, 4),), {"dim": 2}, error="Dimension out of range (expected to be in range of [-2, 1], but got 2)"))


@register
class All(_Logical):
    name = "all"
    torch = "torch.all({input}, dim={dim}, keepdim={keepdim})"
    doc = "True where every element over dim (none: all of them) is True (non-zero); a bool tensor, no gradient."
    samples = _LOGICAL_SAMPLES

    def forward(ctx, a, dim=None, keepdim=False):
        return _logical(ctx.xp, ctx.xp.all, a, dim, keepdim)


@register
class Any_(_Logical):
    name = "any"
    torch = "torch.any({input}, dim={dim}, keepdim={keepdim})"
    doc = "True where some element over dim (none: all of them) is True (non-zero); a bool tensor, no gradient."
    samples = _LOGICAL_SAMPLES

    def forward(ctx, a, dim=None, keepdim=False):
        return _logical(ctx.xp, ctx.xp.any, a, dim, keepdim)


# -- max, min -----------------------------------------------------------------------------------
class _Extreme(_Reduce):
    """max / min: of the whole tensor (one output), or along `dim` (values and indices)."""

    params = (DIM, KEEPDIM)
    pick_name = "max"
    other_op = "maximum"  # the op `torch.max(a, b)` means when the 2nd argument is a tensor

    @classmethod
    def output_names(cls, params: dict) -> tuple[str, ...]:
        return ("out",) if params.get("dim") is None else ("values", "indices")

    @classmethod
    def grad_fn_name(cls, params: dict) -> str:
        base = cls.pick_name.capitalize()
        return f"{base}Backward1" if params.get("dim") is None else f"{base}Backward0"

    @classmethod
    def _infer(cls, a, dim=None, keepdim=False):
        a = _infer.need_tensor(a, "input")
        if dim is None:
            if a.numel == 0:
                raise ShapeError(f"{cls.pick_name}(): Expected reduction dim to be specified for input.numel() == 0. "
                                 "Specify the reduction dim with the 'dim' argument.")
            return Spec((), a.dtype)
        if isinstance(dim, (list, tuple)):
            raise ShapeError(f"{cls.pick_name}(): dim must be one int, got {list(dim)}")
        axes = reduce_axes(dim, a.ndim)
        if axes and a.shape[axes[0]] == 0:
            raise ShapeError(f"{cls.pick_name}(): Expected reduction dim {axes[0]} to have non-zero size.",
                             raise_as=IndexError)
        shape = reduced_shape(a.shape, axes, keepdim)
        return Spec(shape, a.dtype), Spec(shape, dtypes.int64)


def _extreme_forward(ctx, a, dim, keepdim, reduce, arg):
    xp = ctx.xp
    if dim is None:
        out = reduce(a)
        ctx.saved = (a, out)
        ctx.info = None
        return out
    if type(dim) is not int:
        raise TypeError("max/min take one int dim")
    if a.ndim == 0:
        if not -1 <= dim <= 0:
            raise IndexError("dim out of range")
        ctx.info = ()
        return xp.asarray(a, copy=True), xp.zeros((), dtype=xp.int64)  # a new tensor, as PyTorch: no alias
    axis = dim % a.ndim if -a.ndim <= dim < a.ndim else dim
    values = reduce(a, axis=axis, keepdims=keepdim)
    index = arg(a, axis=axis, keepdims=keepdim)
    ctx.saved = (index,)
    ctx.info = (a.shape, axis, _regrow((axis,), a.ndim, keepdim))
    return values, index


def _extreme_backward(ctx, grads):
    xp = ctx.xp
    info = ctx.info
    if info is None:  # the whole tensor: ties share the gradient evenly, as PyTorch
        a, out = ctx.saved
        hit = xp.astype(a == out, grads.dtype)
        return (hit * (grads / xp.sum(hit)),)
    g = grads[0]
    if not info:  # a 0-dim input
        return (g,)
    index, = ctx.saved
    shape, axis, idx = info
    if idx is not None:
        g, index = g[idx], index[idx]
    positions = xp.arange(shape[axis], dtype=index.dtype)
    if axis < len(shape) - 1:
        positions = positions[(slice(None),) + (None,) * (len(shape) - axis - 1)]
    return (xp.where(positions == index, g, 0.0),)


_EXTREME_SAMPLES = (
    S(((3, 4),)), S(((3, 4),), {"dim": 1}), S(((3, 4),), {"dim": 0, "keepdim": True}), S(((2, 3, 4),), {"dim": -2}),
    S(((),)), S(((),), {"dim": 0}), S(((3, 4),), dtypes=("int64",)), S(((3, 4),), {"dim": 1}, dtypes=("int64",)),
    S(((3, 4),), {"dim": 2}, error="Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    S(((0, 3),), error="Expected reduction dim to be specified for input.numel() == 0"),
    S(((0, 3),), {"dim": 0}, error="Expected reduction dim 0 to have non-zero size"),
)


@register
class Max(_Extreme):
    name, grad_fn = "max", "MaxBackward1"
    torch = "torch.max({input}, dim={dim}, keepdim={keepdim})"
    doc = ("The largest element (ties share the gradient), or along dim the largest values and their indices "
           "(the gradient goes to the index).")
    pick_name, other_op = "max", "maximum"
    samples = _EXTREME_SAMPLES + (S(([[1.0, 3.0, 3.0], [2.0, 0.0, -1.0]],)),)

    def infer(a, dim=None, keepdim=False):
        return Max._infer(a, dim, keepdim)

    def forward(ctx, a, dim=None, keepdim=False):
        xp = ctx.xp
        return _extreme_forward(ctx, a, dim, keepdim, xp.max, xp.argmax)

    vjp_formula = ("∂L/∂x = G at the max's position, 0 elsewhere (no dim: ties share G)",)
    backward = staticmethod(_extreme_backward)


@register
class Min(_Extreme):
    name, grad_fn = "min", "MinBackward1"
    torch = "torch.min({input}, dim={dim}, keepdim={keepdim})"
    doc = ("The smallest element (ties share the gradient), or along dim the smallest values and their indices "
           "(the gradient goes to the index).")
    pick_name, other_op = "min", "minimum"
    samples = _EXTREME_SAMPLES + (S(([[1.0, -3.0, 2.0], [-3.0, 0.0, 5.0]],)),)

    def infer(a, dim=None, keepdim=False):
        return Min._infer(a, dim, keepdim)

    def forward(ctx, a, dim=None, keepdim=False):
        xp = ctx.xp
        return _extreme_forward(ctx, a, dim, keepdim, xp.min, xp.argmin)

    vjp_formula = ("∂L/∂x = G at the min's position, 0 elsewhere (no dim: ties share G)",)
    backward = staticmethod(_extreme_backward)


class _Arg(_Reduce):
    params = (DIM, KEEPDIM)
    differentiable = False
    grad_fn = None

    @classmethod
    def _infer(cls, a, dim=None, keepdim=False):
        a = _infer.need_tensor(a, "input")
        if a.dtype is dtypes.bool_:
            raise ShapeError(f"{cls.name}(): does not support bool input")
        if dim is None and a.numel == 0:
            raise ShapeError(f"{cls.name}(): Expected reduction dim to be specified for input.numel() == 0.",
                             raise_as=IndexError)
        if isinstance(dim, (list, tuple)):
            raise ShapeError(f"{cls.name}(): dim must be one int, got {list(dim)}")
        axes = reduce_axes(dim, a.ndim)
        if axes and a.shape[axes[0]] == 0:
            raise ShapeError(f"{cls.name}(): Expected reduction dim {axes[0]} to have non-zero size.",
                             raise_as=IndexError)
        return Spec(reduced_shape(a.shape, axes, keepdim), dtypes.int64)

    def backward(ctx, g):
        return (None,)


def _arg_forward(xp, fn, a, dim, keepdim):
    if a.dtype == xp.bool:
        raise TypeError("no bool kernel")  # inference words it
    if dim is None:  # the index into the flattened tensor
        out = fn(a)
        return xp.reshape(out, (1,) * a.ndim) if keepdim else out
    if type(dim) is not int:
        raise TypeError("argmax/argmin take one int dim")
    if a.ndim == 0:
        if not -1 <= dim <= 0:
            raise IndexError("dim out of range")
        return xp.zeros((), dtype=xp.int64)
    return fn(a, axis=dim, keepdims=keepdim)


_ARG_SAMPLES = (
    S(((3, 4),), distinct=True), S(((3, 4),), {"dim": 1}), S(((2, 3, 4),), {"dim": 0, "keepdim": True}),
    S(((3, 4),), {"dim": None, "keepdim": True}), S(((),)), S(((3, 4),), dtypes=("int64",)),
    S(((3, 4),), {"dim": -3}, error="Dimension out of range"),
    S(((0, 2),), error="Expected reduction dim to be specified for input.numel() == 0"),
    S(([True, False],), error="does not support bool input"),
)


@register
class Argmax(_Arg):
    name = "argmax"
    torch = "torch.argmax({input}, dim={dim}, keepdim={keepdim})"
    doc = "The index of the largest element (flattened when dim is none), as int64; no gradient."
    samples = _ARG_SAMPLES

    def infer(a, dim=None, keepdim=False):
        return Argmax._infer(a, dim, keepdim)

    def forward(ctx, a, dim=None, keepdim=False):
        return _arg_forward(ctx.xp, ctx.xp.argmax, a, dim, keepdim)


@register
class Argmin(_Arg):
    name = "argmin"
    torch = "torch.argmin({input}, dim={dim}, keepdim={keepdim})"
    doc = "The index of the smallest element (flattened when dim is none), as int64; no gradient."
    samples = _ARG_SAMPLES

    def infer(a, dim=None, keepdim=False):
        return Argmin._infer(a, dim, keepdim)

    def forward(ctx, a, dim=None, keepdim=False):
        return _arg_forward(ctx.xp, ctx.xp.argmin, a, dim, keepdim)


# -- norm ---------------------------------------------------------------------------------------
@register
class Norm(_Reduce):
    name, grad_fn = "norm", "LinalgVectorNormBackward0"
    double_backward = (0, OUT)
    torch = "torch.norm({input}, p={p}, dim={dim}, keepdim={keepdim})"
    doc = ("The vector p-norm over dim (none: all elements): p=2 the length, p=1 the sum of |x|, inf the "
           "largest |x|; the gradient at a zero vector is 0.")
    params = (Param("p", "float", 2.0, "the order: 2, 1, any p > 0, inf, -inf or 0"), DIMS, KEEPDIM)
    samples = (S(((3, 4),)), S(((3, 4),), {"p": 1}), S(((3, 4),), {"dim": 1}), S(((2, 3, 4),), {"p": 3, "dim": [0, 2]}),
               S(((3, 4),), {"p": 1, "dim": 0, "keepdim": True}), S(((3, 4),), {"p": math.inf}),
               S(((3, 4),), {"p": -math.inf, "dim": 1}), S(((3, 4),), {"p": 0}), S(((3, 4),), {"p": 0.5}, positive=True),
               S(([0.0, 0.0, 0.0],),), S(([[0.0, 0.0], [3.0, -4.0]],), {"dim": 1}),
               S(([[0.0, 0.0], [3.0, -4.0]],), {"p": 1, "dim": 1}), S(((),)),
               S(((3,),), dtypes=("int64",), error="linalg.vector_norm: Expected a floating point or complex "
                                                  "tensor as input. Got Long"),
               S(((3, 4),), {"dim": 2}, error="Dimension out of range"))

    def infer(a, p=2.0, dim=None, keepdim=False):
        a = _infer.need_tensor(a, "input")
        if not a.dtype.is_floating_point:
            raise ShapeError("linalg.vector_norm: Expected a floating point or complex tensor as input. "
                             f"Got {a.dtype.scalar_type}")
        if isinstance(p, bool) or not isinstance(p, (int, float)):
            raise ShapeError(f"norm: p must be a number, got {p!r}")
        if p < 0 and not math.isinf(p):
            raise ShapeError(f"linalg.vector_norm: p must be >= 0, inf or -inf here, got {p}")
        return Spec(reduced_shape(a.shape, reduce_axes(dim, a.ndim), keepdim), a.dtype)

    def forward(ctx, a, p=2.0, dim=None, keepdim=False):
        xp = ctx.xp
        if not is_float(xp, a.dtype) or (p < 0 and not math.isinf(p)):
            raise TypeError("norm of a non-float tensor or a negative p")
        axes = None if dim is None else reduce_axes(dim, a.ndim)
        if p == 2:
            out = xp.sqrt(xp.sum(a * a, axis=axes, keepdims=keepdim))
        elif p == 1:
            out = xp.sum(xp.abs(a), axis=axes, keepdims=keepdim)
        elif p == math.inf:
            out = xp.max(xp.abs(a), axis=axes, keepdims=keepdim)
        elif p == -math.inf:
            out = xp.min(xp.abs(a), axis=axes, keepdims=keepdim)
        elif p == 0:
            out = xp.sum(xp.astype(a != 0, a.dtype), axis=axes, keepdims=keepdim)
        else:
            out = xp.sum(xp.abs(a) ** p, axis=axes, keepdims=keepdim) ** (1.0 / p)
        ctx.saved = (a, out)
        ctx.info = (p, axes, _regrow(axes, a.ndim, keepdim))
        return out

    vjp_formula = ("∂L/∂x = G ⊙ sign(x) ⊙ |x|^(p − 1) / y^(p − 1) (p = 2: G ⊙ x / y)",)

    def backward(ctx, g):
        a, out = ctx.saved
        p, axes, idx = ctx.info
        xp = ctx.xp
        if idx is not None:
            g, out = g[idx], out[idx]
        if p == 0:
            return (None,)  # PyTorch's gradient of a count is undefined: no .grad comes of it
        if p == 1:
            return (xp.sign(a) * g,)
        if math.isinf(p):  # ties share the gradient, as PyTorch
            hit = xp.astype(xp.abs(a) == out, a.dtype)
            return (xp.sign(a) * hit * (g / xp.sum(hit, axis=axes, keepdims=True)),)
        den = xp.where(out == 0, math.inf, out)  # the gradient at a zero vector is 0
        if p == 2:
            return (a * (g / den),)
        return (xp.sign(a) * xp.abs(a) ** (p - 1) * (g / den ** (p - 1)),)


# -- amax, amin: the largest / smallest over dims, ties sharing the gradient ------------------------
class _AExtreme(_Reduce):
    def infer(a, dim=None, keepdim=False):
        a = _infer.need_tensor(a, "input")
        axes = reduce_axes(dim, a.ndim)
        if a.numel == 0:
            raise ShapeError("Expected reduction dim to be specified for input.numel() == 0. "
                             "Specify the reduction dim with the 'dim' argument.")
        return Spec(reduced_shape(a.shape, axes, keepdim), a.dtype)

    vjp_formula = ("∂L/∂x = G ⊙ [x = y] / (number of ties)",)

    def backward(ctx, g):
        a, out = ctx.saved
        axes, idx = ctx.info
        xp = ctx.xp
        if idx is not None:
            g, out = g[idx], out[idx]
        hit = xp.astype(a == out, g.dtype)
        return (hit * (g / xp.sum(hit, axis=axes, keepdims=True)),)


def _aextreme(ctx, a, dim, keepdim, fn):
    axes = None if dim is None else reduce_axes(dim, a.ndim)
    out = fn(a, axis=axes, keepdims=keepdim)
    ctx.saved = (a, out)
    ctx.info = (axes, _regrow(axes, a.ndim, keepdim))
    return out


_AEXTREME_SAMPLES = (S(((3, 4),)), S(((3, 4),), {"dim": 0}), S(((2, 3, 4),), {"dim": [0, 2], "keepdim": True}),
                     S(([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0]],), {"dim": 1}), S(((3, 4),), dtypes=("int64",)),
                     S(((),)), S(((3, 4),), {"dim": 2}, error="Dimension out of range"))


@register
class Amax(_AExtreme):
    name, grad_fn = "amax", "AmaxBackward0"
    torch = "torch.amax({input}, dim={dim}, keepdim={keepdim})"
    doc = "The largest values over dim (an int, a list of dims, or none: all); ties share the gradient."
    samples = _AEXTREME_SAMPLES

    def forward(ctx, a, dim=None, keepdim=False):
        return _aextreme(ctx, a, dim, keepdim, ctx.xp.max)


@register
class Amin(_AExtreme):
    name, grad_fn = "amin", "AminBackward0"
    torch = "torch.amin({input}, dim={dim}, keepdim={keepdim})"
    doc = "The smallest values over dim (an int, a list of dims, or none: all); ties share the gradient."
    samples = _AEXTREME_SAMPLES

    def forward(ctx, a, dim=None, keepdim=False):
        return _aextreme(ctx, a, dim, keepdim, ctx.xp.min)


@register
class Logsumexp(_Reduce):
    name, grad_fn = "logsumexp", "LogsumexpBackward0"
    torch = "torch.logsumexp({input}, dim={dim}, keepdim={keepdim})"
    doc = "log(sum(exp(input))) over dim, computed stably (the max is taken out first); whole numbers give floats."
    params = (Param("dim", "dims_or_none", None, "the dim or dims to reduce", required=True), KEEPDIM)
    samples = (S(((3, 4),), {"dim": 1}), S(((3, 4),), {"dim": 0, "keepdim": True}), S(((2, 3, 4),), {"dim": [0, 2]}),
               S(([[1000.0, 0.0, -1000.0]],), {"dim": 1}), S(([[1, 2], [3, 4]],), {"dim": 0}),
               S(((3, 4),), {"dim": 2}, error="Dimension out of range"))

    def infer(a, dim=None, keepdim=False):
        a = _infer.need_tensor(a, "input")
        return Spec(reduced_shape(a.shape, reduce_axes(dim, a.ndim), keepdim), _infer.as_float(a).dtype)

    def forward(ctx, a, dim=None, keepdim=False):
        xp = ctx.xp
        if not is_float(xp, a.dtype):
            a = xp.astype(a, xp.float32)
        axes = reduce_axes(dim, a.ndim)
        m = xp.max(a, axis=axes, keepdims=True) if math.prod(a.shape) else xp.zeros((1,) * a.ndim, dtype=a.dtype)
        m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))
        out = xp.log(xp.sum(xp.exp(a - m), axis=axes, keepdims=True)) + m
        ctx.saved = (a, out)
        ctx.info = (_regrow(axes, a.ndim, keepdim))
        return out if keepdim else xp.reshape(out, reduced_shape(tuple(a.shape), axes, False))

    vjp_formula = ("∂L/∂x = G ⊙ exp(x − y) (the softmax of x)",)

    def backward(ctx, g):
        a, out = ctx.saved
        idx = ctx.info
        if idx is not None:
            g = g[idx]
        return (g * ctx.xp.exp(a - out),)


# -- scans and order: cumsum, median, sort, argsort, topk ---------------------------------------------
@register
class Cumsum(_Reduce):
    name, grad_fn = "cumsum", "CumsumBackward0"
    torch = "torch.cumsum({input}, dim={dim})"
    doc = "Running sums along dim: out[i] = input[0] + … + input[i]; bools and ints give int64."
    params = (Param("dim", "int", 0, "the dim to sum along", required=True),)
    samples = (S(((3, 4),), {"dim": 0}), S(((3, 4),), {"dim": 1}), S(((2, 3, 4),), {"dim": -1}),
               S(([1, 2, 3],), {"dim": 0}), S(([True, False, True],), {"dim": 0}), S(((),), {"dim": 0}),
               S(((3, 4),), {"dim": 2}, error="Dimension out of range"))

    def infer(a, dim=0):
        a = _infer.need_tensor(a, "input")
        _infer.dim_index(dim, a.ndim)
        return Spec(a.shape, a.dtype if a.dtype.is_floating_point else dtypes.int64)

    def forward(ctx, a, dim=0):
        xp = ctx.xp
        if not is_float(xp, a.dtype) and a.dtype != xp.int64:
            a = xp.astype(a, xp.int64)
        if a.ndim == 0:
            ctx.info = None
            return xp.asarray(a, copy=True)
        axis = _infer.dim_index(dim, a.ndim)
        ctx.info = axis
        return xp.cumulative_sum(a, axis=axis)

    vjp_formula = ("∂L/∂x = cumsum of G from the end backwards, along dim",)

    def backward(ctx, g):
        xp, axis = ctx.xp, ctx.info
        if axis is None:
            return (g,)
        return (xp.flip(xp.cumulative_sum(xp.flip(g, axis=axis), axis=axis), axis=axis),)


def _order(xp, a, axis, descending):
    """Indices that sort `a` along axis (stable: equal values keep their order), and each element's rank."""
    order = _argsort(xp, a, axis, descending)
    return order, xp.argsort(order, axis=axis, stable=True)


def _argsort(xp, a, axis, descending):
    """A stable argsort; descending by sorting the reversed array (NumPy's argsort has no `descending`)."""
    if not descending:
        return xp.argsort(a, axis=axis, stable=True)
    n = a.shape[axis]
    return (n - 1) - xp.flip(xp.argsort(xp.flip(a, axis=axis), axis=axis, stable=True), axis=axis)


def _from_ranks(xp, g, ranks, axis, k):
    """The gradient of the input of a sort / topk: each element takes the gradient of its rank (< k)."""
    picked = xp.take_along_axis(g, xp.minimum(ranks, xp.asarray(k - 1, dtype=ranks.dtype)), axis=axis)
    return xp.where(ranks < k, picked, xp.zeros_like(picked))


class _Sorted(_Reduce):
    @classmethod
    def output_names(cls, params: dict) -> tuple[str, ...]:
        return ("values", "indices")


@register
class Sort(_Sorted):
    name, grad_fn = "sort", "SortBackward0"
    torch = "torch.sort({input}, dim={dim}, descending={descending})"
    doc = "The values sorted along dim (ascending, or descending) and the indices they came from."
    params = (Param("dim", "int", -1, "the dim to sort along"), Param("descending", "bool", False, "largest first"),
              Param("stable", "bool", False, "keep equal values in their order (always done here)"))
    samples = (S(((3, 4),)), S(((3, 4),), {"dim": 0}), S(((3, 4),), {"descending": True}), S(([3, 1, 2, 1],)),
               S(((),)), S(((3, 4),), {"dim": 2}, error="Dimension out of range"))

    def infer(a, dim=-1, descending=False, stable=False):
        a = _infer.need_tensor(a, "input")
        _infer.dim_index(dim, a.ndim)
        return Spec(a.shape, a.dtype), Spec(a.shape, dtypes.int64)

    def forward(ctx, a, dim=-1, descending=False, stable=False):
        xp = ctx.xp
        if a.ndim == 0:
            ctx.info = None
            return xp.asarray(a, copy=True), xp.zeros((), dtype=xp.int64)
        axis = _infer.dim_index(dim, a.ndim)
        order, ranks = _order(xp, a, axis, descending)
        ctx.saved = (ranks,)
        ctx.info = axis
        return xp.take_along_axis(a, order, axis=axis), order

    vjp_formula = ("∂L/∂x = G₀ put back where each value came from",)

    def backward(ctx, grads):
        g = grads[0]
        if ctx.info is None:
            return (g,)
        ranks, = ctx.saved
        return (_from_ranks(ctx.xp, g, ranks, ctx.info, ranks.shape[ctx.info]),)


@register
class Argsort(_Reduce):
    name, grad_fn = "argsort", None
    torch = "torch.argsort({input}, dim={dim}, descending={descending})"
    doc = "The indices that sort input along dim (ascending, or descending); int64, no gradient."
    params = Sort.params
    differentiable = False
    samples = (S(((3, 4),)), S(((3, 4),), {"dim": 0, "descending": True}), S(([3, 1, 2],)),
               S(((3, 4),), {"dim": -3}, error="Dimension out of range"))

    def infer(a, dim=-1, descending=False, stable=False):
        a = _infer.need_tensor(a, "input")
        _infer.dim_index(dim, a.ndim)
        return Spec(a.shape, dtypes.int64)

    def forward(ctx, a, dim=-1, descending=False, stable=False):
        xp = ctx.xp
        if a.ndim == 0:
            return xp.zeros((), dtype=xp.int64)
        return _argsort(xp, a, _infer.dim_index(dim, a.ndim), descending)

    def backward(ctx, g):
        return (None,)


@register
class Topk(_Sorted):
    name, grad_fn = "topk", "TopkBackward0"
    torch = "torch.topk({input}, {k}, dim={dim}, largest={largest}, sorted={sorted})"
    doc = "The k largest (or smallest) values along dim, in order, and their indices."
    params = (Param("k", "int", 1, "how many", required=True, min=0), Param("dim", "int", -1, "the dim to pick along"),
              Param("largest", "bool", True, "the largest (else the smallest)"),
              Param("sorted", "bool", True, "in order (always done here)"))
    samples = (S(((3, 4),), {"k": 2}), S(((3, 4),), {"k": 1, "dim": 0}), S(((5,),), {"k": 3, "largest": False}),
               S(([3, 1, 2, 1],), {"k": 2}),
               S(((3, 4),), {"k": 5}, error="selected index k out of range"))

    def infer(a, k=1, dim=-1, largest=True, sorted=True):
        a = _infer.need_tensor(a, "input")
        axis = _infer.dim_index(dim, a.ndim)
        n = a.shape[axis] if a.ndim else 1
        if not 0 <= k <= n:
            raise ShapeError("selected index k out of range")
        shape = a.shape[:axis] + (k,) + a.shape[axis + 1:] if a.ndim else ()
        return Spec(shape, a.dtype), Spec(shape, dtypes.int64)

    def forward(ctx, a, k=1, dim=-1, largest=True, sorted=True):
        xp = ctx.xp
        if a.ndim == 0:
            if k not in (0, 1):
                raise ValueError("k out of range")
            ctx.info = None
            return xp.asarray(a, copy=True), xp.zeros((), dtype=xp.int64)
        axis = _infer.dim_index(dim, a.ndim)
        if not 0 <= k <= a.shape[axis]:
            raise ValueError("k out of range")
        order, ranks = _order(xp, a, axis, largest)
        order = order[(slice(None),) * axis + (slice(0, k), Ellipsis)]
        ctx.saved = (ranks,)
        ctx.info = (axis, k)
        return xp.take_along_axis(a, order, axis=axis), order

    vjp_formula = ("∂L/∂x = G₀ put back at the k chosen positions, 0 elsewhere",)

    def backward(ctx, grads):
        g = grads[0]
        if ctx.info is None:
            return (g,)
        ranks, = ctx.saved
        axis, k = ctx.info
        if k == 0:
            return (ctx.xp.zeros(ranks.shape, dtype=g.dtype),)
        return (_from_ranks(ctx.xp, g, ranks, axis, k),)


@register
class Median(_Reduce):
    name, grad_fn = "median", "MedianBackward0"
    torch = "torch.median({input}, dim={dim}, keepdim={keepdim})"
    doc = ("The middle value (the lower of the two middles for an even count): of the whole tensor, or along "
           "dim with the indices it came from.")
    params = (DIM, KEEPDIM)
    samples = (S(((3, 4),)), S(((3, 5),)), S(((3, 4),), {"dim": 1}), S(((3, 4),), {"dim": 0, "keepdim": True}),
               S(([3, 1, 4, 1, 5, 9, 2, 6],)), S(([[3, 1, 2], [5, 5, 1]],), {"dim": 1}),
               S(((3, 4),), {"dim": 2}, error="Dimension out of range"))

    @classmethod
    def output_names(cls, params: dict) -> tuple[str, ...]:
        return ("out",) if params.get("dim") is None else ("values", "indices")

    @classmethod
    def grad_fn_name(cls, params: dict) -> str:
        return "MedianBackward0" if params.get("dim") is None else "MedianBackward1"

    def infer(a, dim=None, keepdim=False):
        a = _infer.need_tensor(a, "input")
        if dim is None:
            if a.numel == 0:
                raise ShapeError("median() input tensor cannot be empty")
            return Spec((), a.dtype)
        axes = reduce_axes(dim, a.ndim)
        shape = reduced_shape(a.shape, axes, keepdim)
        return Spec(shape, a.dtype), Spec(shape, dtypes.int64)

    def forward(ctx, a, dim=None, keepdim=False):
        xp = ctx.xp
        if dim is None:
            flat = xp.reshape(a, (-1,))
            order = xp.argsort(flat, stable=True)
            out = xp.take(flat, order[(flat.shape[0] - 1) // 2:][:1])[0]
            ctx.saved = (a, out)
            ctx.info = None
            return out
        if a.ndim == 0:
            ctx.info = ()
            return xp.asarray(a, copy=True), xp.zeros((), dtype=xp.int64)
        axis = _infer.dim_index(dim, a.ndim)
        order, ranks = _order(xp, a, axis, False)
        mid = (a.shape[axis] - 1) // 2
        index = order[(slice(None),) * axis + (slice(mid, mid + 1), Ellipsis)]
        values = xp.take_along_axis(a, index, axis=axis)
        if not keepdim:
            values, index = xp.squeeze(values, axis=axis), xp.squeeze(index, axis=axis)
        ctx.saved = (ranks,)
        ctx.info = (axis, mid, keepdim)
        return values, index

    vjp_formula = ("∂L/∂x = G at the median's position, 0 elsewhere (no dim: ties share G)",)

    def backward(ctx, grads):
        xp = ctx.xp
        if ctx.info is None:  # the whole tensor: ties share the gradient, as PyTorch
            a, out = ctx.saved
            hit = xp.astype(a == out, grads.dtype)
            return (hit * (grads / xp.sum(hit)),)
        g = grads[0]
        if not ctx.info:
            return (g,)
        ranks, = ctx.saved
        axis, mid, keepdim = ctx.info
        if not keepdim:
            g = xp.expand_dims(g, axis=axis)
        return (xp.where(ranks == mid, g, xp.zeros_like(g * xp.astype(ranks, g.dtype))),)


@register
class CountNonzero(_Reduce):
    name, grad_fn = "count_nonzero", None
    torch = "torch.count_nonzero({input}, dim={dim})"
    doc = "How many elements are not zero (not False), over dim (an int, a list of dims, or none: all); int64."
    params = (DIMS,)
    differentiable = False
    samples = (S(([[0.0, 1.5, 0.0], [2.0, 0.0, 0.0]],)), S(([[0, 1, 0], [2, 3, 0]],), {"dim": 1}),
               S(([True, False, True],)), S(((3, 4),), {"dim": [0, 1]}), S(((3, 4),), {"dim": 2}, error="Dimension out of range"))

    def infer(a, dim=None):
        a = _infer.need_tensor(a, "input")
        return Spec(reduced_shape(a.shape, reduce_axes(dim, a.ndim), False), dtypes.int64)

    def forward(ctx, a, dim=None):
        xp = ctx.xp
        axes = None if dim is None else reduce_axes(dim, a.ndim)
        return xp.sum(xp.astype(a if a.dtype == xp.bool else a != 0, xp.int64), axis=axes)

    def backward(ctx, g):
        return (None,)


@register
class Trace(_Reduce):
    name, grad_fn = "trace", "TraceBackward0"
    torch = "torch.trace({input})"
    doc = "The sum of the main diagonal of a 2-D tensor; whole numbers give int64."
    params = ()
    samples = (S(((3, 3),)), S(((2, 4),)), S(([[1, 2], [3, 4]],)),
               S(((3,),), error="trace: expected a matrix, but got tensor with dim 1"))

    def infer(a):
        a = _infer.need_tensor(a, "input")
        if a.ndim != 2:
            raise ShapeError(f"trace: expected a matrix, but got tensor with dim {a.ndim}")
        return Spec((), a.dtype if a.dtype.is_floating_point else dtypes.int64)

    def forward(ctx, a):
        xp = ctx.xp
        if a.ndim != 2:
            raise ValueError("trace of a non-matrix")
        if not is_float(xp, a.dtype) and a.dtype != xp.int64:
            a = xp.astype(a, xp.int64)
        n = min(a.shape)
        eye = xp.eye(a.shape[0], a.shape[1], dtype=xp.bool)
        ctx.info = eye
        return xp.sum(xp.where(eye, a, xp.zeros_like(a))) if n else xp.sum(xp.zeros((0,), dtype=a.dtype))

    vjp_formula = ("∂L/∂x = G · I (G on the diagonal, 0 elsewhere)",)

    def backward(ctx, g):
        eye = ctx.info
        return (ctx.xp.where(eye, g, ctx.xp.zeros(eye.shape, dtype=g.dtype)),)
