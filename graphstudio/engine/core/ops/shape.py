"""Shape ops: views, reshapes, joins and splits (indexing is in indexing.py).

Most of these are views in PyTorch: the result shares the input's memory and only
shape and strides change. NumPy makes the same views (transpose, permute, basic
slicing, reshape when the layout allows), so `x.t().is_contiguous()` is False here
as in PyTorch, and `x.t().view(-1)` fails where PyTorch's does. The backward of a
view reshapes, permutes or slices the gradient back and saves no array.

`split` and `chunk` give a tuple whose length may depend on the input's size: `infer`
(given the input's Spec) is the source of truth, and `output_names(params, spec)` asks
it. A split into a single piece still returns a 1-tuple: the dispatcher gives every op
that returns a tuple a multi-output node.
"""
from __future__ import annotations

import math
import operator
from typing import Any

from .. import dtypes
from ..registry import Op, Param, Port, Sample, ShapeError, Spec, node_class, register
from . import _infer

T, S = Port, Sample

VIEW_ERROR = ("view size is not compatible with input tensor's size and stride (at least one dimension spans "
              "across two contiguous subspaces). Use .reshape(...) instead.")
_NO_COPY_FAILURES = (ValueError, AttributeError, TypeError)  # how backends say "reshape needs a copy"


# -- helpers shared by inference and forward ------------------------------------------------
def _int(value: Any, what: str) -> int:
    try:
        return operator.index(value)
    except TypeError:
        raise ShapeError(f"{what} must be a whole number, not {type(value).__name__}") from None


def _ints(value: Any, what: str) -> tuple[int, ...]:
    """A shape or dims param: one int, or a list/tuple of ints (`x.view(3, 4)` arrives as (3, 4))."""
    if isinstance(value, (list, tuple)):
        return tuple(_int(v, what) for v in value)
    return (_int(value, what),)


def _dim(dim: Any, ndim: int) -> int:
    return _infer.dim_index(_int(dim, "dim"), ndim)


def _tensor(x: Any) -> Spec:
    return _infer.need_tensor(x, "input")


def _view_shape(size: Any, numel: int) -> tuple[int, ...]:
    """The shape `view`/`reshape` make of `numel` elements, with one -1 inferred."""
    shape = list(_ints(size, "shape"))
    infer_at, known = None, 1
    for i, s in enumerate(shape):
        if s == -1:
            if infer_at is not None:
                raise ShapeError("only one dimension can be inferred")
            infer_at = i
        elif s < 0:
            raise ShapeError(f"invalid shape dimension {s} at index {i} of shape {shape}")
        else:
            known *= s
    if infer_at is None:
        if known == numel:
            return tuple(shape)
    elif known == 0:
        if numel == 0:
            raise ShapeError(f"cannot reshape tensor of 0 elements into shape {shape} because the unspecified "
                             "dimension size -1 can be any value and is ambiguous")
    elif numel % known == 0:
        shape[infer_at] = numel // known
        return tuple(shape)
    raise ShapeError(f"shape '{shape}' is invalid for input of size {numel}")


def _reshape(ctx: Any, a: Any, shape: tuple, op: type[Op]) -> Any:
    """A view when the layout allows (ViewBackward0), else a copy (UnsafeViewBackward0), as `reshape`."""
    xp = ctx.xp
    ctx.info = tuple(a.shape)
    try:
        return xp.reshape(a, shape, copy=False)
    except _NO_COPY_FAILURES:
        ctx.__class__ = node_class("UnsafeViewBackward0", op)
        return xp.reshape(a, shape, copy=True)


def _reshape_back(ctx: Any, g: Any) -> tuple:
    return (ctx.xp.reshape(g, ctx.info),)


def _along(a: Any, dim: int, index: Any) -> Any:
    """`a[:, ..., index, ...]` with `index` (an int or a slice) at `dim`: a view, in array-API form."""
    if isinstance(index, slice) and index.stop is not None and index.stop >= a.shape[dim]:
        index = slice(index.start, None, index.step)  # the standard has no out-of-range stops
    return a[(slice(None),) * dim + (index, Ellipsis)]


def _names(n: int) -> tuple[str, ...]:
    return tuple(str(i) for i in range(n))


def _promoted(specs: list) -> dtypes.dtype:
    out = specs[0].dtype
    for s in specs[1:]:
        out = dtypes.promote(out, s.dtype)
    return out


class ShapeOp(Op):
    category = "Shape"
    inputs = (T("input"),)


# -- transposes ----------------------------------------------------------------------------
@register
class Tr(ShapeOp):
    inplace = ("Tensor",)
    name, grad_fn, torch = "t", "TBackward0", "torch.t({input})"
    double_backward = ()
    doc = "Transpose a matrix: rows become columns (0-D and 1-D tensors come back unchanged)."
    samples = (S(((3, 4),)), S(((5,),)), S(((),)),
               S(((2, 3, 4),), error="t() expects a tensor with <= 2 dimensions, but self is 3D"))

    def infer(a):
        a = _tensor(a)
        if a.ndim > 2:
            raise ShapeError(f"t() expects a tensor with <= 2 dimensions, but self is {a.ndim}D")
        return Spec(a.shape[::-1], a.dtype)

    def forward(ctx, a):
        if a.ndim > 2:
            raise ValueError("t() of a tensor with more than 2 dims")
        return ctx.xp.permute_dims(a, (1, 0)) if a.ndim == 2 else a

    vjp_formula = ("∂L/∂x = Gᵀ",)

    def backward(ctx, g):
        return (ctx.xp.permute_dims(g, (1, 0)) if g.ndim == 2 else g,)


def _swap(ndim: int, dim0: Any, dim1: Any) -> list[int]:
    d0, d1 = _dim(dim0, ndim), _dim(dim1, ndim)
    perm = list(range(ndim))
    if ndim:
        perm[d0], perm[d1] = perm[d1], perm[d0]
    return perm


@register
class Transpose(ShapeOp):
    aliases = ("swapaxes", "swapdims")
    inplace = ("Tensor",)
    name, grad_fn, torch = "transpose", "TransposeBackward0", "torch.transpose({input}, {dim0}, {dim1})"
    double_backward = ()
    doc = "Swap two dimensions (a view: the data is not moved)."
    params = (Param("dim0", "int", 0, "the first dim to swap", required=True),
              Param("dim1", "int", 1, "the second dim to swap", required=True))
    samples = (S(((3, 4),), {"dim0": 0, "dim1": 1}), S(((2, 3, 4),), {"dim0": -1, "dim1": 0}),
               S(((3,),), {"dim0": 0, "dim1": 0}),
               S(((3, 4),), {"dim0": 0, "dim1": 2}, error="Dimension out of range (expected to be in range of [-2, 1], but got 2)"))

    def infer(a, dim0=0, dim1=1):
        a = _tensor(a)
        perm = _swap(a.ndim, dim0, dim1)
        return Spec(tuple(a.shape[p] for p in perm), a.dtype)

    def forward(ctx, a, dim0=0, dim1=1):
        perm = _swap(a.ndim, dim0, dim1)
        ctx.info = perm
        return ctx.xp.permute_dims(a, tuple(perm))

    vjp_formula = ("∂L/∂x = G with dim0 and dim1 swapped back",)

    def backward(ctx, g):
        return (ctx.xp.permute_dims(g, tuple(ctx.info)),)  # a swap is its own inverse


def _permutation(ndim: int, dims: Any) -> list[int]:
    dims = _ints(dims, "dims")
    if len(dims) != ndim:
        raise ShapeError("permute(sparse_coo): number of dimensions in the tensor input does not match the length of "
                         f"the desired ordering of dimensions i.e. input.dim() = {ndim} is not equal to "
                         f"len(dims) = {len(dims)}")
    perm = [_dim(d, ndim) for d in dims]
    if len(set(perm)) != len(perm):
        raise ShapeError("permute(): duplicate dims are not allowed.")
    return perm


@register
class Permute(ShapeOp):
    name, grad_fn, torch = "permute", "PermuteBackward0", "torch.permute({input}, {dims})"
    double_backward = ()
    doc = "Reorder the dimensions: dims[i] is the input dim that becomes dim i (a view)."
    params = (Param("dims", "dims", (1, 0), "the input's dims in their new order", required=True),)
    samples = (S(((2, 3, 4),), {"dims": (2, 0, 1)}), S(((3, 4),), {"dims": (1, 0)}), S(((2, 3, 4),), {"dims": (0, -1, 1)}),
               S(((3, 4),), {"dims": (0, 1, 2)}, error="input.dim() = 2 is not equal to len(dims) = 3"),
               S(((3, 4),), {"dims": (0, 0)}, error="permute(): duplicate dims are not allowed."))

    def infer(a, dims=(1, 0)):
        a = _tensor(a)
        return Spec(tuple(a.shape[p] for p in _permutation(a.ndim, dims)), a.dtype)

    def forward(ctx, a, dims=(1, 0)):
        perm = _permutation(a.ndim, dims)
        ctx.info = perm
        return ctx.xp.permute_dims(a, tuple(perm))

    vjp_formula = ("∂L/∂x = G permuted back by the inverse of dims",)

    def backward(ctx, g):
        inverse = [0] * len(ctx.info)
        for i, p in enumerate(ctx.info):
            inverse[p] = i
        return (ctx.xp.permute_dims(g, tuple(inverse)),)


# -- reshapes ------------------------------------------------------------------------------
@register
class View(ShapeOp):
    name, grad_fn, torch = "view", "ViewBackward0", "{input}.view({shape})"
    double_backward = ()
    doc = "The same data with a new shape, never copied: fails on a layout that would need a copy."
    # PyTorch's keyword is `size` (x.view(size=...)); the docs, the graph files and GraphStudio say `shape`.
    params = (Param("shape", "size", (-1,), "the new shape; one -1 is worked out from the others", required=True),)
    samples = (S(((3, 4),), {"shape": (4, 3)}), S(((3, 4),), {"shape": (-1,)}), S(((2, 3, 4),), {"shape": (6, -1)}),
               S(((),), {"shape": (1, 1)}),
               S(((3, 4),), {"shape": (5,)}, error="shape '[5]' is invalid for input of size 12"),
               S(((3, 4),), {"shape": (-1, -1)}, error="only one dimension can be inferred"))

    def infer(a, shape=(-1,)):
        a = _tensor(a)
        return Spec(_view_shape(shape, a.numel), a.dtype)

    def forward(ctx, a, shape=(-1,)):
        shape = _view_shape(shape, math.prod(a.shape))
        ctx.info = tuple(a.shape)
        try:
            return ctx.xp.reshape(a, shape, copy=False)
        except _NO_COPY_FAILURES:
            raise RuntimeError(VIEW_ERROR) from None

    vjp_formula = ("∂L/∂x = G viewed as x's shape",)
    backward = staticmethod(_reshape_back)


@register
class Reshape(ShapeOp):
    name, grad_fn, torch = "reshape", "ViewBackward0", "torch.reshape({input}, {shape})"
    double_backward = ()
    doc = "The same values with a new shape: a view when the layout allows, else a copy."
    params = (Param("shape", "size", (-1,), "the new shape; one -1 is worked out from the others", required=True),)
    samples = (S(((3, 4),), {"shape": (2, 6)}), S(((2, 3, 4),), {"shape": (-1, 4)}), S(((),), {"shape": (1,)}),
               S(((6,),), {"shape": (2, -1, 1)}),
               S(((3, 4),), {"shape": (5, 3)}, error="shape '[5, 3]' is invalid for input of size 12"),
               S(((3, 4),), {"shape": (-2, 6)}, error="invalid shape dimension -2"))

    def infer(a, shape=(-1,)):
        a = _tensor(a)
        return Spec(_view_shape(shape, a.numel), a.dtype)

    def forward(ctx, a, shape=(-1,)):
        return _reshape(ctx, a, _view_shape(shape, math.prod(a.shape)), Reshape)

    vjp_formula = ("∂L/∂x = G reshaped to x's shape",)
    backward = staticmethod(_reshape_back)


def _flat_shape(shape: tuple, start_dim: Any, end_dim: Any) -> tuple[int, ...]:
    ndim = len(shape)
    s, e = _dim(start_dim, ndim), _dim(end_dim, ndim)
    if s > e:
        raise ShapeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if ndim == 0:
        return (1,)
    return tuple(shape[:s]) + (math.prod(shape[s:e + 1]),) + tuple(shape[e + 1:])


@register
class Flatten(ShapeOp):
    name, grad_fn, torch = "flatten", "ViewBackward0", "torch.flatten({input}, {start_dim}, {end_dim})"
    double_backward = ()
    doc = "Merge the dims from start_dim to end_dim into one (all of them by default)."
    params = (Param("start_dim", "int", 0, "the first dim to merge"),
              Param("end_dim", "int", -1, "the last dim to merge (counted in)"))
    samples = (S(((2, 3, 4),)), S(((2, 3, 4),), {"start_dim": 1}), S(((2, 3, 4),), {"start_dim": 0, "end_dim": 1}),
               S(((),)), S(((2, 3),), {"start_dim": 1, "end_dim": 1}),
               S(((2, 3, 4),), {"start_dim": 2, "end_dim": 1}, error="start_dim cannot come after end_dim"),
               S(((2, 3),), {"start_dim": 2}, error="Dimension out of range"))

    def infer(a, start_dim=0, end_dim=-1):
        a = _tensor(a)
        return Spec(_flat_shape(a.shape, start_dim, end_dim), a.dtype)

    returns_input = True

    def forward(ctx, a, start_dim=0, end_dim=-1):
        shape = _flat_shape(tuple(a.shape), start_dim, end_dim)
        if shape == tuple(a.shape) and a.ndim:  # nothing merged: PyTorch hands back the input itself
            return a
        return _reshape(ctx, a, shape, Flatten)

    vjp_formula = ("∂L/∂x = G unflattened to x's shape",)
    backward = staticmethod(_reshape_back)


def _squeezed(shape: tuple, dim: Any) -> tuple[int, ...]:
    """The dims `squeeze` removes: every size-1 dim, or those of `dim` (an int or a list) that have size 1."""
    if dim is None:
        return tuple(i for i, n in enumerate(shape) if n == 1)
    many = isinstance(dim, (list, tuple))
    dims = [_dim(d, len(shape)) for d in (dim if many else (dim,))]
    if many:
        seen = set()
        for d in dims:
            if d in seen:
                raise ShapeError(f"dim {d} appears multiple times in the list of dims")
            seen.add(d)
    return tuple(sorted(d for d in set(dims) if len(shape) and shape[d] == 1))


@register
class Squeeze(ShapeOp):
    inplace = ("Tensor",)
    name, grad_fn, torch = "squeeze", "SqueezeBackward0", "torch.squeeze({input}, {dim})"
    double_backward = ()
    doc = "Remove dims of size 1: all of them, or only `dim` (left alone if its size is not 1)."
    params = (Param("dim", "dims_or_none", None, "the dim(s) to remove if their size is 1 (none: every size-1 dim)"),)
    samples = (S(((3, 1, 4, 1),)), S(((3, 1, 4, 1),), {"dim": 1}), S(((3, 1, 4, 1),), {"dim": 0}),
               S(((3, 1, 4, 1),), {"dim": (1, -1)}), S(((1, 1),)), S(((),), {"dim": 0}),
               S(((3, 1),), {"dim": 2}, error="Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
               S(((3, 1),), {"dim": (1, 1)}, error="dim 1 appears multiple times in the list of dims"))

    @classmethod
    def grad_fn_name(cls, params: dict) -> str:
        dim = params.get("dim")
        return "SqueezeBackward0" if dim is None else "SqueezeBackward2" if isinstance(dim, (list, tuple)) \
            else "SqueezeBackward1"

    def infer(a, dim=None):
        a = _tensor(a)
        drop = _squeezed(a.shape, dim)
        return Spec(tuple(n for i, n in enumerate(a.shape) if i not in drop), a.dtype)

    def forward(ctx, a, dim=None):
        drop = _squeezed(tuple(a.shape), dim)
        ctx.info = tuple(a.shape)
        return ctx.xp.squeeze(a, axis=drop) if drop else a

    vjp_formula = ("∂L/∂x = G with the squeezed dims put back",)
    backward = staticmethod(_reshape_back)


@register
class Unsqueeze(ShapeOp):
    inplace = ("Tensor",)
    name, grad_fn, torch = "unsqueeze", "UnsqueezeBackward0", "torch.unsqueeze({input}, {dim})"
    double_backward = ()
    doc = "Insert a new dim of size 1 at position dim (-1: at the end)."
    params = (Param("dim", "int", 0, "where the new dim goes", required=True),)
    samples = (S(((3, 4),), {"dim": 0}), S(((3, 4),), {"dim": -1}), S(((3, 4),), {"dim": 1}), S(((),), {"dim": 0}),
               S(((3, 4),), {"dim": 3}, error="Dimension out of range (expected to be in range of [-3, 2], but got 3)"))

    def infer(a, dim=0):
        a = _tensor(a)
        d = _dim(dim, a.ndim + 1)
        return Spec(a.shape[:d] + (1,) + a.shape[d:], a.dtype)

    def forward(ctx, a, dim=0):
        ctx.info = tuple(a.shape)
        return ctx.xp.expand_dims(a, axis=_dim(dim, a.ndim + 1))

    vjp_formula = ("∂L/∂x = G with the added dim removed",)
    backward = staticmethod(_reshape_back)


# -- copies --------------------------------------------------------------------------------
@register
class Contiguous(ShapeOp):
    name, grad_fn, torch = "contiguous", "CloneBackward0", "{input}.contiguous()"
    double_backward = ()
    doc = "The values in row-major order in memory: the input itself if already so, else a copy."
    function = False
    returns_input = True
    samples = (S(((3, 4),)), S(((),)))

    def infer(a):
        return _tensor(a)

    def forward(ctx, a):
        flags = getattr(getattr(a, "_array", a), "flags", None)  # NumPy, CuPy and array-api-strict (over NumPy)
                                                                  # arrays say; others are copied to be sure
        if flags is not None and flags.c_contiguous:
            return a
        return ctx.xp.reshape(a, tuple(a.shape), copy=True)  # a fresh row-major copy

    vjp_formula = ("∂L/∂x = G",)

    def backward(ctx, g):
        return (g,)


@register
class Clone(ShapeOp):
    name, grad_fn, torch = "clone", "CloneBackward0", "torch.clone({input})"
    double_backward = ()
    doc = "A copy with its own memory (same layout); the gradient flows back unchanged."
    samples = (S(((3, 4),)), S(((),)), S(((2, 3, 4),)))

    def infer(a):
        return _tensor(a)

    def forward(ctx, a):
        return ctx.xp.asarray(a, copy=True)

    vjp_formula = ("∂L/∂x = G",)

    def backward(ctx, g):
        return (g,)


# -- broadcasting --------------------------------------------------------------------------
def _expanded(shape: tuple, dtype: dtypes.dtype, size: Any) -> tuple[int, ...]:
    size = _ints(size, "size")
    if len(size) < len(shape):
        kind = "CPUBoolType" if dtype is dtypes.bool_ else f"torch.{dtype.scalar_type}Tensor"  # PyTorch's words for bool
        raise ShapeError(f"expand({kind}{{{list(shape)}}}, size={list(size)}): the number of "
                         f"sizes provided ({len(size)}) must be greater or equal to the number of dimensions in the "
                         f"tensor ({len(shape)})")
    lead = len(size) - len(shape)
    out = list(size)
    for i in reversed(range(len(size))):  # from the last dim, as PyTorch checks
        s = size[i]
        if i < lead:
            if s < 0:
                raise ShapeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, non-existing "
                                 f"dimension {i}")
            continue
        n = shape[i - lead]
        if s == -1:
            out[i] = n
        elif s != n and n == 1 and s < 0:
            raise ShapeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        elif s != n and n != 1:
            raise ShapeError(f"The expanded size of the tensor ({s}) must match the existing size ({n}) at "
                             f"non-singleton dimension {i}.  Target sizes: {list(size)}.  Tensor sizes: {list(shape)}")
    return tuple(out)


@register
class Expand(ShapeOp):
    name, grad_fn, torch = "expand", "ExpandBackward0", "{input}.expand({size})"
    double_backward = ()
    doc = "Repeat size-1 dims (and add leading dims) without copying; -1 keeps a dim's size."
    params = (Param("size", "expand_size", (2, 2), "the new size; -1 keeps a dim as it is", required=True),)
    samples = (S(((3, 1),), {"size": (3, 4)}), S(((3,),), {"size": (2, 3)}), S(((3, 1),), {"size": (2, -1, 5)}),
               S(((),), {"size": (2, 2)}), S(((1, 1),), {"size": (1, 1)}),
               S(((3, 4),), {"size": (2, 5)}, error="The expanded size of the tensor (5) must match the existing size (4) "
                                                    "at non-singleton dimension 1.  Target sizes: [2, 5].  Tensor sizes: [3, 4]"),
               S(((3, 4),), {"size": (4,)}, error="the number of sizes provided (1) must be greater or equal"),
               S(((3, 4),), {"size": (-1, 3, 4)}, error="isn't allowed in a leading, non-existing dimension 0"))

    def infer(a, size=(2, 2)):
        a = _tensor(a)
        return Spec(_expanded(a.shape, a.dtype, size), a.dtype)

    def forward(ctx, a, size=(2, 2)):
        ctx.info = tuple(a.shape)
        # (the dtype only names the tensor type in a message, which inference rewrites with the real one)
        return ctx.xp.broadcast_to(a, _expanded(tuple(a.shape), dtypes.float32, size))

    vjp_formula = ("∂L/∂x = G summed over the expanded dims",)

    def backward(ctx, g):
        xp, shape = ctx.xp, ctx.info
        lead = g.ndim - len(shape)
        if lead:
            g = xp.sum(g, axis=tuple(range(lead)))
        stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
        if stretched:
            g = xp.sum(g, axis=stretched, keepdims=True)
        return (g,)


def _repeated(shape: tuple, repeats: Any) -> tuple[int, ...]:
    reps = _ints(repeats, "repeats")
    if len(reps) < len(shape):
        raise ShapeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    padded = (1,) * (len(reps) - len(shape)) + tuple(shape)
    out = tuple(n * r for n, r in zip(padded, reps))
    if any(r < 0 for r in reps):
        raise ShapeError(f"Trying to create tensor with negative dimension {min(out)}: {list(out)}")
    return out


@register
class Repeat(ShapeOp):
    name, grad_fn, torch = "repeat", "RepeatBackward0", "{input}.repeat({repeats})"
    double_backward = ()
    doc = "Tile the tensor: repeats[i] copies along dim i (more repeats than dims adds leading dims); a copy."
    params = (Param("repeats", "shape", (2, 1), "copies along each dim; extra leading entries add dims", required=True),)
    function = False
    samples = (S(((2, 3),), {"repeats": (2, 1)}), S(((3,),), {"repeats": (2, 2)}), S(((2, 3),), {"repeats": (1, 1)}),
               S(((2, 1, 3),), {"repeats": (2, 1, 3, 2)}), S(((),), {"repeats": (3,)}), S(((2, 3),), {"repeats": (0, 2)}),
               S(((2, 3),), {"repeats": (2,)}, error="Number of dimensions of repeat dims can not be smaller than "
                                                    "number of dimensions of tensor"))

    def infer(a, repeats=(2, 1)):
        a = _tensor(a)
        return Spec(_repeated(a.shape, repeats), a.dtype)

    def forward(ctx, a, repeats=(2, 1)):
        xp = ctx.xp
        out_shape = _repeated(tuple(a.shape), repeats)
        reps = _ints(repeats, "repeats")
        padded = (1,) * (len(reps) - a.ndim) + tuple(a.shape)
        pairs = tuple(v for n, r in zip(padded, reps) for v in (r, n))
        ctx.info = (tuple(a.shape), pairs)
        spread = xp.broadcast_to(xp.reshape(a, tuple(v for n in padded for v in (1, n))), pairs)
        return xp.reshape(spread, out_shape, copy=True)

    vjp_formula = ("∂L/∂x = G's repeated copies summed",)

    def backward(ctx, g):
        xp = ctx.xp
        shape, pairs = ctx.info
        g = xp.sum(xp.reshape(g, pairs), axis=tuple(range(0, len(pairs), 2)))
        return (xp.reshape(g, shape),)


def _flip_dims(ndim: int, dims: Any) -> tuple[int, ...]:
    out = []
    for d in _ints(dims, "dims"):
        d = _dim(d, ndim)
        if d in out:
            raise ShapeError(f"dim {d} appears multiple times in the list of dims")
        out.append(d)
    return tuple(out) if ndim else ()


@register
class Flip(ShapeOp):
    name, grad_fn, torch = "flip", "FlipBackward0", "torch.flip({input}, {dims})"
    doc = "Reverse the order of the elements along each of dims (a copy)."
    params = (Param("dims", "dims", (0,), "the dims to reverse", required=True),)
    samples = (S(((3, 4),), {"dims": (0,)}), S(((3, 4),), {"dims": (0, 1)}), S(((2, 3, 4),), {"dims": (-1,)}),
               S(((5,),), {"dims": (0,)}),
               S(((3, 4),), {"dims": (2,)}, error="Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
               S(((3, 4),), {"dims": (0, 0)}, error="dim 0 appears multiple times in the list of dims"))

    def infer(a, dims=(0,)):
        a = _tensor(a)
        _flip_dims(a.ndim, dims)
        return a

    def forward(ctx, a, dims=(0,)):
        xp = ctx.xp
        axes = _flip_dims(a.ndim, dims)
        ctx.info = axes
        return xp.asarray(xp.flip(a, axis=axes), copy=True) if axes else xp.asarray(a, copy=True)

    vjp_formula = ("∂L/∂x = G flipped back",)

    def backward(ctx, g):
        return (ctx.xp.flip(g, axis=ctx.info) if ctx.info else g,)


# -- joining -------------------------------------------------------------------------------
def _cat_dim(specs: list, dim: Any) -> int:
    if not specs:
        raise ShapeError("torch.cat(): expected a non-empty list of Tensors")
    for i, s in enumerate(specs):
        _infer.need_tensor(s, "tensors")
        if s.ndim == 0:
            raise ShapeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    first = specs[0]
    d = _dim(dim, first.ndim)
    for i, s in enumerate(specs[1:], 1):
        if s.ndim != first.ndim:
            raise ShapeError(f"Tensors must have same number of dimensions: got {first.ndim} and {s.ndim}")
        for k in range(first.ndim):
            if k != d and s.shape[k] != first.shape[k]:
                raise ShapeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                                 f"{first.shape[k]} but got size {s.shape[k]} for tensor number {i} in the list.")
    return d


@register
class Cat(ShapeOp):
    aliases = ("concat", "concatenate")
    name, grad_fn, torch = "cat", "CatBackward0", "torch.cat({tensors}, dim={dim})"
    double_backward = ()
    doc = "Join tensors end to end along an existing dim; all other sizes must match."
    inputs = (T("tensors", "the tensors to join", variadic=True),)
    params = (Param("dim", "int", 0, "the dim to join along"),)
    cast = "promote"
    method = False
    samples = (S(((2, 3), (4, 3))), S(((2, 3), (2, 5)), {"dim": 1}), S(((2, 3), (2, 3), (2, 1)), {"dim": -1}),
               S(((3,),)), S(((2, 3), (1, 3)), dtypes=(None, "int64")),
               S(((3, 4), (3, 5)), error="Sizes of tensors must match except in dimension 0. Expected size 4 but got "
                                         "size 5 for tensor number 1 in the list."),
               S(((3, 4), (4,)), error="Tensors must have same number of dimensions: got 2 and 1"),
               S(((), ()), error="zero-dimensional tensor (at position 0) cannot be concatenated"))

    def infer(tensors, dim=0):
        specs = list(tensors)
        d = _cat_dim(specs, dim)
        shape = list(specs[0].shape)
        shape[d] = sum(s.shape[d] for s in specs)
        return Spec(tuple(shape), _promoted(specs))

    def forward(ctx, tensors, dim=0):
        if not tensors or tensors[0].ndim == 0:
            raise ValueError("cat: no dims to join")
        d = _dim(dim, tensors[0].ndim)
        ctx.info = (d, [t.shape[d] for t in tensors])
        return ctx.xp.concat(list(tensors), axis=d)

    vjp_formula = ("∂L/∂xᵢ = G's slice i along dim",)

    def backward(ctx, g):
        d, sizes = ctx.info
        out, start = [], 0
        for need, n in zip(ctx.needs, sizes):
            out.append(_along(g, d, slice(start, start + n)) if need else None)  # views of the gradient
            start += n
        return tuple(out)


@register
class Stack(ShapeOp):
    name, grad_fn, torch = "stack", "StackBackward0", "torch.stack({tensors}, dim={dim})"
    double_backward = ()
    doc = "Join same-shaped tensors along a new dim (stack 3 of [4] at dim 0 → [3, 4])."
    inputs = (T("tensors", "the tensors to stack (all the same shape)", variadic=True),)
    params = (Param("dim", "int", 0, "where the new dim goes"),)
    cast = "promote"
    method = False
    samples = (S(((2, 3), (2, 3))), S(((2, 3), (2, 3), (2, 3)), {"dim": 2}), S(((2, 3), (2, 3)), {"dim": -1}),
               S(((), ())), S(((3,), (3,)), {"dim": 1}, dtypes=(None, "int64")),
               S(((3, 4), (3, 5)), error="stack expects each tensor to be equal size, but got [3, 4] at entry 0 and "
                                         "[3, 5] at entry 1"),
               S(((3, 4), (3, 4)), {"dim": 3}, error="Dimension out of range (expected to be in range of [-3, 2], but got 3)"))

    def infer(tensors, dim=0):
        specs = list(tensors)
        if not specs:
            raise ShapeError("stack expects a non-empty TensorList")
        first = _infer.need_tensor(specs[0], "tensors")
        for i, s in enumerate(specs[1:], 1):
            if _infer.need_tensor(s, "tensors").shape != first.shape:
                raise ShapeError(f"stack expects each tensor to be equal size, but got {list(first.shape)} at entry 0 "
                                 f"and {list(s.shape)} at entry {i}")
        d = _dim(dim, first.ndim + 1)
        return Spec(first.shape[:d] + (len(specs),) + first.shape[d:], _promoted(specs))

    def forward(ctx, tensors, dim=0):
        if not tensors:
            raise ValueError("stack: nothing to stack")
        d = _dim(dim, tensors[0].ndim + 1)
        ctx.info = d
        return ctx.xp.stack(list(tensors), axis=d)

    vjp_formula = ("∂L/∂xᵢ = G[i] along dim",)

    def backward(ctx, g):
        d = ctx.info
        return tuple(_along(g, d, i) if need else None for i, need in enumerate(ctx.needs))


# -- splitting -----------------------------------------------------------------------------
MAX_PIECES = 10_000  # outputs of one graph node: each is a port in the editor and a name in the checker


def _piece_count(n: int, op: str, most: int | None) -> int:
    """``n``, or a ShapeError when it is over ``most`` (inference for a graph node passes MAX_PIECES;
    the Python API, like PyTorch, has no such bound)."""
    if most is not None and n > most:
        raise ShapeError(f"{op} would make {n} pieces; a node has at most {most} outputs")
    return n


def _split_sizes(shape: tuple, sections: Any, dim: Any, most: int | None = None) -> tuple[int, list[int]]:
    """(dim, piece sizes) of `split`: equal pieces of an int size (the last may be smaller), or given sizes."""
    if not shape:
        raise ShapeError("split expects at least a 1-dimensional tensor")
    d = _dim(dim, len(shape))
    n = shape[d]
    if isinstance(sections, (list, tuple)):
        _piece_count(len(sections), "split", most)
        sizes = [_int(s, "split_sizes") for s in sections]
        if any(s < 0 for s in sizes):
            raise ShapeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                             f"split_sizes={sizes}")
        if sum(sizes) != n:
            raise ShapeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                             f"dimension {d}), but got split_sizes={sizes}")
        return d, sizes
    k = _int(sections, "split_size")
    if k < 0:
        raise ShapeError(f"split expects split_size be non-negative, but got split_size={k}")
    if k == 0 and n != 0:
        raise ShapeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
    count = _piece_count(max(-(-n // k), 1) if k else 1, "split", most)
    return d, [k] * (count - 1) + [n - k * (count - 1)]


def _chunk_sizes(shape: tuple, chunks: Any, dim: Any, most: int | None = None) -> tuple[int, list[int]]:
    if not shape:
        raise ShapeError("chunk expects at least a 1-dimensional tensor")
    c = _int(chunks, "chunks")
    if c <= 0:
        raise ShapeError(f"chunk expects `chunks` to be greater than 0, got: {c}")
    d = _dim(dim, len(shape))
    n = shape[d]
    if n == 0:
        return d, [0] * _piece_count(c, "chunk", most)  # PyTorch keeps the count of empty chunks
    return _split_sizes(shape, -(-n // c), d, most)


def _pieces(ctx: Any, a: Any, d: int, sizes: list[int], op: type[Op], name: str) -> tuple:
    """Views of `a` cut along `d`; one output of a multi-output node however many pieces there are."""
    ctx.info = d
    if type(ctx).__name__ != name:
        ctx.__class__ = node_class(name, op, len(sizes))
    out, start = [], 0
    for n in sizes:
        out.append(_along(a, d, slice(start, start + n)))
        start += n
    return tuple(out)


def _join_grads(ctx: Any, grads: Any) -> tuple:
    """Backward of split/chunk: the pieces' gradients side by side (missing ones arrive as zeros)."""
    if not isinstance(grads, (list, tuple)):
        grads = [grads]
    grads = list(grads)
    return (grads[0] if len(grads) == 1 else ctx.xp.concat(grads, axis=ctx.info),)


class _Pieces(ShapeOp):
    """Ops with one output per piece, named "0", "1", …; their count comes from `infer`."""

    tuple_output = True

    @classmethod
    def output_names(cls, params: dict, *inputs: Any) -> tuple[str, ...]:
        """Output names; give the input Spec(s) to get the exact count, which may depend on the input's size."""
        if inputs and isinstance(inputs[0], Spec):
            try:
                return _names(len(cls.infer(*inputs, **{**cls.defaults(), **params})))
            except ShapeError:
                pass
        return _names(cls.count_from_params(params))

    @classmethod
    def count_from_params(cls, params: dict) -> int:
        raise NotImplementedError


@register
class Split(_Pieces):
    name, grad_fn, torch = "split", "SplitBackward0", "torch.split({tensor}, {split_size_or_sections}, dim={dim})"
    doc = "Cut into pieces along dim: of equal size (the last may be smaller), or of the sizes listed."
    inputs = (T("tensor"),)
    params = (Param("split_size_or_sections", "int_or_ints", 1, "the size of each piece, or a list of piece sizes",
                    required=True),
              Param("dim", "int", 0, "the dim to cut along"))
    samples = (S(((5, 4),), {"split_size_or_sections": 2}), S(((5, 4),), {"split_size_or_sections": [1, 3], "dim": 1}),
               S(((4,),), {"split_size_or_sections": 4}), S(((2, 6),), {"split_size_or_sections": 4, "dim": -1}),
               S(((3, 2),), {"split_size_or_sections": [3]}),
               S(((3, 4),), {"split_size_or_sections": [1, 1]},
                 error="split_with_sizes expects split_sizes to sum exactly to 3 (input tensor's size at dimension 0), "
                       "but got split_sizes=[1, 1]"),
               S(((3, 4),), {"split_size_or_sections": 0}, error="split_size can only be 0 if dimension size is 0"),
               S(((),), {"split_size_or_sections": 1}, error="split expects at least a 1-dimensional tensor"))

    @classmethod
    def grad_fn_name(cls, params: dict) -> str:
        return "SplitWithSizesBackward0" if isinstance(params.get("split_size_or_sections"), (list, tuple)) \
            else "SplitBackward0"

    @classmethod
    def count_from_params(cls, params: dict) -> int:
        sections = params.get("split_size_or_sections")
        return len(sections) if isinstance(sections, (list, tuple)) else 1  # an int size: known once infer runs

    def infer(tensor, split_size_or_sections=1, dim=0):
        a = _infer.need_tensor(tensor, "tensor")
        d, sizes = _split_sizes(a.shape, split_size_or_sections, dim, MAX_PIECES)
        return tuple(Spec(a.shape[:d] + (n,) + a.shape[d + 1:], a.dtype) for n in sizes)

    def forward(ctx, a, split_size_or_sections=1, dim=0):
        d, sizes = _split_sizes(tuple(a.shape), split_size_or_sections, dim)
        return _pieces(ctx, a, d, sizes, Split, Split.grad_fn_name({"split_size_or_sections": split_size_or_sections}))

    vjp_formula = ("∂L/∂x = cat(G₀, G₁, …) along dim",)
    backward = staticmethod(_join_grads)


@register
class Chunk(_Pieces):
    name, grad_fn, torch = "chunk", "SplitBackward0", "torch.chunk({input}, {chunks}, dim={dim})"
    doc = "Cut into `chunks` nearly equal pieces along dim (fewer when the size does not allow more)."
    params = (Param("chunks", "int", 2, "how many pieces", required=True, min=1),
              Param("dim", "int", 0, "the dim to cut along"))
    samples = (S(((6, 2),), {"chunks": 3}), S(((5, 2),), {"chunks": 2}), S(((2, 7),), {"chunks": 3, "dim": 1}),
               S(((5, 2),), {"chunks": 4}), S(((1, 2),), {"chunks": 3}),
               S(((3, 4),), {"chunks": 0}, error="chunk expects `chunks` to be greater than 0, got: 0"),
               S(((),), {"chunks": 2}, error="chunk expects at least a 1-dimensional tensor"))

    @classmethod
    def count_from_params(cls, params: dict) -> int:
        try:
            return min(max(_int(params.get("chunks"), "chunks"), 1), MAX_PIECES)  # at most; infer knows exactly
        except ShapeError:
            return 1

    def infer(input, chunks=2, dim=0):
        a = _tensor(input)
        d, sizes = _chunk_sizes(a.shape, chunks, dim, MAX_PIECES)
        return tuple(Spec(a.shape[:d] + (n,) + a.shape[d + 1:], a.dtype) for n in sizes)

    def forward(ctx, a, chunks=2, dim=0):
        d, sizes = _chunk_sizes(tuple(a.shape), chunks, dim)
        name = "SplitWithSizesBackward0" if a.shape[d] == 0 else "SplitBackward0"
        return _pieces(ctx, a, d, sizes, Chunk, name)

    vjp_formula = ("∂L/∂x = cat(G₀, G₁, …) along dim",)
    backward = staticmethod(_join_grads)


@register
class Unbind(_Pieces):
    name, grad_fn, torch = "unbind", "UnbindBackward0", "torch.unbind({input}, dim={dim})"
    doc = "Remove dim: a tuple of every slice along it (unbind a [3, 4] at dim 0 → three [4] tensors)."
    params = (Param("dim", "int", 0, "the dim to take apart"),)
    samples = (S(((3, 4),)), S(((3, 4),), {"dim": 1}), S(((2, 3, 4),), {"dim": -1}), S(((1,),)),
               S(((3, 4),), {"dim": 2}, error="Dimension out of range"),
               S(((),), error="Dimension specified as 0 but tensor has no dimensions"))

    @classmethod
    def count_from_params(cls, params: dict) -> int:
        return 1  # known once infer has the input's shape

    def infer(input, dim=0):
        a = _tensor(input)
        if a.ndim == 0:
            raise ShapeError(f"Dimension specified as {dim} but tensor has no dimensions")
        d = _dim(dim, a.ndim)
        return tuple(Spec(a.shape[:d] + a.shape[d + 1:], a.dtype) for _ in range(_piece_count(a.shape[d], "unbind", MAX_PIECES)))

    def forward(ctx, a, dim=0):
        if a.ndim == 0:
            raise ValueError("unbind of a 0-dim tensor")
        d = _dim(dim, a.ndim)
        ctx.info = (d, tuple(a.shape))
        return tuple(_along(a, d, i) for i in range(a.shape[d]))

    vjp_formula = ("∂L/∂x = stack(G₀, G₁, …) along dim",)

    def backward(ctx, grads):
        d, shape = ctx.info
        if not isinstance(grads, (list, tuple)):
            grads = [grads]
        return (ctx.xp.stack(list(grads), axis=d),)


@register
class OneHot(ShapeOp):
    name, grad_fn, torch = "one_hot", None, "torch.nn.functional.one_hot({input}, num_classes={num_classes})"
    doc = "Class indices (int64) as one-hot rows: a new last dim of num_classes, 1 at each index; int64."
    params = (Param("num_classes", "int", 2, "how many classes (the size of the new dim)", required=True, min=1),)
    differentiable = False
    method = False
    function = False
    samples = (S(([0, 2, 1],), {"num_classes": 3}), S(([[0, 1], [3, 0]],), {"num_classes": 4}),
               S(((3,),), {"num_classes": 3}, error="one_hot is only applicable to index tensor of type LongTensor."))

    def infer(input, num_classes=2):
        a = _tensor(input)
        if a.dtype is not dtypes.int64:
            raise ShapeError("one_hot is only applicable to index tensor of type LongTensor.")
        return Spec(a.shape + (_int(num_classes, "num_classes"),), dtypes.int64)

    def forward(ctx, a, num_classes=2):
        xp = ctx.xp
        if a.dtype != xp.int64:
            raise TypeError("one_hot of a non-int64 tensor")
        if math.prod(a.shape):
            if int(xp.min(a)) < 0:
                raise RuntimeError("Class values must be non-negative.")
            if int(xp.max(a)) >= num_classes:
                raise RuntimeError("Class values must be smaller than num_classes.")
        return xp.astype(a[..., None] == xp.arange(num_classes, dtype=xp.int64), xp.int64)

    def backward(ctx, g):
        return (None,)


def _gather_check(a: Spec, dim: Any, index: Spec) -> int:
    a, index = _tensor(a), _infer.need_tensor(index, "index")
    if index.dtype is not dtypes.int64:
        raise ShapeError("gather(): Expected dtype int64 for index")
    d = _dim(dim, a.ndim)
    if index.ndim != a.ndim and not (a.ndim <= 1 and index.ndim <= 1):
        raise ShapeError("Index tensor must have the same number of dimensions as input tensor")
    for k in range(index.ndim):
        if k != d and index.shape[k] > (a.shape[k] if a.ndim else 1):
            raise ShapeError(f"Size does not match at dimension {k} expected index {list(index.shape)} to be no larger "
                             f"than self {list(a.shape)} apart from dimension {d}")
    return d


@register
class Gather(ShapeOp):
    signature = ("input", "dim", "index")
    name, grad_fn, torch = "gather", "GatherBackward0", "torch.gather({input}, {dim}, {index})"
    doc = ("Pick along dim by an index tensor: out[i][j] = input[i][index[i][j]] for dim 1 (the index has the "
           "input's number of dims); repeated picks add up their gradients.")
    inputs = (T("input"), T("index", "int64, the same number of dims as input", differentiable=False))
    params = (Param("dim", "int", 0, "the dim the index picks along", required=True),)
    samples = (S(((3, 4), [[0, 3], [1, 1], [2, 0]]), {"dim": 1}), S(((3, 4), [[2, 0, 1, 1]]), {"dim": 0}),
               S(((2, 3, 4), [[[0], [2]]]), {"dim": 2}), S(((5,), [4, 0, 4]), {"dim": 0}),
               S(((3, 4), [0, 1]), {"dim": 1}, error="Index tensor must have the same number of dimensions as input tensor"))

    def infer(a, index, dim=0):
        _gather_check(a, dim, index)
        return Spec(index.shape, a.dtype)

    def forward(ctx, a, index, dim=0):
        xp = ctx.xp
        if index.dtype != xp.int64 or index.ndim != a.ndim:
            raise TypeError("gather index")
        d = _dim(dim, a.ndim)
        shape = tuple(a.shape)
        if math.prod(index.shape):
            lo, hi = int(xp.min(index)), int(xp.max(index))
            if lo < -shape[d] or hi >= shape[d]:
                raise RuntimeError(f"index {hi if hi >= shape[d] else lo} is out of bounds for dimension {d} with "
                                   f"size {shape[d]}")
        index = xp.where(index < 0, index + shape[d], index)
        # the flat position of every picked element: the index along d, the element's own position elsewhere
        lin = xp.zeros(tuple(index.shape), dtype=xp.int64)
        for k, n in enumerate(shape):
            along = index if k == d else xp.reshape(xp.arange(index.shape[k], dtype=xp.int64),
                                                     (1,) * k + (index.shape[k],) + (1,) * (index.ndim - k - 1))
            lin = lin * n + along
        lin = xp.reshape(lin, (-1,))
        ctx.saved = (lin,)
        ctx.info = shape
        return xp.reshape(xp.take(xp.reshape(a, (-1,)), lin), tuple(index.shape))

    vjp_formula = ("∂L/∂x = G added back at index along dim, 0 elsewhere",)

    def backward(ctx, g):
        lin, = ctx.saved
        shape = ctx.info
        xp = ctx.xp
        acc = _index_add(xp, xp.reshape(g, (-1,)), lin, math.prod(shape))
        return xp.reshape(acc, shape), None


@register
class IndexSelect(ShapeOp):
    signature = ("input", "dim", "index")
    name, grad_fn, torch = "index_select", "IndexSelectBackward0", "torch.index_select({input}, {dim}, {index})"
    doc = ("Whole slices picked along dim by a 1-D int64 index, in its order (repeats allowed: their gradients "
           "add up); dim's size becomes the index's length.")
    inputs = (T("input"), T("index", "int64, 1-D: which slices along dim, in order", differentiable=False))
    params = (Param("dim", "int", 0, "the dim the index picks along", required=True),)
    samples = (S(((3, 4), [2, 0]), {"dim": 1}), S(((3, 4), [1, 1, 0, 2]), {"dim": 0}),
               S(((2, 3, 4), [3]), {"dim": -1}), S(((5,), [4, 0, 4]), {"dim": 0}),
               S(((), [0]), {"dim": 0}),
               S(((3, 4), [[0, 1]]), {"dim": 1}, error="index_select(): Index is supposed to be a vector"),
               S(((), [0, 0]), {"dim": 0}, error="index_select(): Index to scalar can have only 1 value, got 2 value(s)"),
               S(((3, 4), [0.0]), {"dim": 1}, dtypes=("float32", "float32"),
                 error="index_select(): Expected dtype int32 or int64 for index"))

    def infer(a, index, dim=0):
        a, index = _tensor(a), _infer.need_tensor(index, "index")
        if index.dtype not in (dtypes.int64, dtypes.int32):
            raise ShapeError("index_select(): Expected dtype int32 or int64 for index")
        if index.ndim > 1:
            raise ShapeError("index_select(): Index is supposed to be a vector", IndexError)
        d = _dim(dim, a.ndim)
        n = index.shape[0] if index.ndim else 1
        if a.ndim == 0:  # a scalar: one pick, of element 0
            if n != 1:
                raise ShapeError(f"index_select(): Index to scalar can have only 1 value, got {n} value(s)")
            return Spec((), a.dtype)
        return Spec(a.shape[:d] + (n,) + a.shape[d + 1:], a.dtype)

    def forward(ctx, a, index, dim=0):
        xp = ctx.xp
        if index.ndim > 1 or index.dtype not in (xp.int64, xp.int32) or (a.ndim == 0 and math.prod(index.shape) != 1):
            raise TypeError("index_select index")  # inference words it
        d = _dim(dim, a.ndim)
        scalar = a.ndim == 0
        x = xp.reshape(a, (1,)) if scalar else a
        index = xp.reshape(xp.astype(index, xp.int64), (-1,))
        size = x.shape[d]
        if index.shape[0]:
            bad = [int(v) for v in (xp.min(index), xp.max(index)) if not 0 <= int(v) < size]
            if bad and d == 0:  # PyTorch's CPU kernels word it two ways, by the dim
                raise IndexError("index out of range in self")
            if bad:
                raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad[0]} axis_dim={size}")
        ctx.saved = (index,)
        ctx.info = (d, tuple(x.shape), scalar)
        out = xp.take(x, index, axis=d)
        return xp.reshape(out, ()) if scalar else out

    vjp_formula = ("∂L/∂x = G's slices added back at index along dim, 0 elsewhere",)

    def backward(ctx, g):
        index, = ctx.saved
        d, shape, scalar = ctx.info
        xp = ctx.xp
        if scalar:
            g = xp.reshape(g, (1,))
        perm = (d,) + tuple(k for k in range(len(shape)) if k != d)  # dim d first: rows to scatter-add
        back = tuple(perm.index(k) for k in range(len(shape)))
        rows = xp.permute_dims(_index_add(xp, xp.permute_dims(g, perm), index, shape[d]), back)
        return (xp.reshape(rows, ()) if scalar else rows), None


def _tri_check(op: str, a: Spec) -> Spec:
    a = _tensor(a)
    if a.ndim < 2:
        raise ShapeError(f"{op}: input tensor must have at least 2 dimensions")
    return a


def _tri_mask(xp: Any, shape: tuple, diagonal: int, lower: bool) -> Any:
    rows = xp.arange(shape[-2], dtype=xp.int64)[:, None]
    cols = xp.arange(shape[-1], dtype=xp.int64)[None, :]
    return (cols - rows <= diagonal) if lower else (cols - rows >= diagonal)


class _Tri(ShapeOp):
    params = (Param("diagonal", "int", 0, "which diagonal: 0 the main one, > 0 above it, < 0 below"),)
    lower = True

    @classmethod
    def _forward(cls, ctx, a, diagonal):
        xp = ctx.xp
        if a.ndim < 2:
            raise ValueError("needs 2 dims")
        mask = _tri_mask(xp, tuple(a.shape), diagonal, cls.lower)
        ctx.info = mask
        return xp.where(mask, a, xp.zeros_like(a))

    def backward(ctx, g):
        return (ctx.xp.where(ctx.info, g, ctx.xp.zeros_like(g)),)


_TRI_SAMPLES = (S(((3, 4),)), S(((4, 3),), {"diagonal": 1}), S(((3, 3),), {"diagonal": -1}), S(((2, 3, 3),)),
                S(([[1, 2], [3, 4]],)))


@register
class Tril(_Tri):
    name, grad_fn, torch = "tril", "TrilBackward0", "torch.tril({input}, diagonal={diagonal})"
    doc = "The lower triangle (on and below the diagonal-th diagonal); the rest becomes 0."
    samples = _TRI_SAMPLES + (S(((3,),), error="tril: input tensor must have at least 2 dimensions"),)
    vjp_formula = ("∂L/∂x = tril(G)",)

    def infer(a, diagonal=0):
        return _tri_check("tril", a)

    def forward(ctx, a, diagonal=0):
        return Tril._forward(ctx, a, diagonal)


@register
class Triu(_Tri):
    name, grad_fn, torch = "triu", "TriuBackward0", "torch.triu({input}, diagonal={diagonal})"
    doc = "The upper triangle (on and above the diagonal-th diagonal); the rest becomes 0."
    lower = False
    samples = _TRI_SAMPLES + (S(((3,),), error="triu: input tensor must have at least 2 dimensions"),)
    vjp_formula = ("∂L/∂x = triu(G)",)

    def infer(a, diagonal=0):
        return _tri_check("triu", a)

    def forward(ctx, a, diagonal=0):
        return Triu._forward(ctx, a, diagonal)


def _diag_len(shape: tuple, k: int) -> int:
    return max(0, min(shape[0] + min(k, 0), shape[1] - max(k, 0)))


@register
class Diag(ShapeOp):
    name, grad_fn, torch = "diag", "DiagEmbedBackward0", "torch.diag({input}, diagonal={diagonal})"
    doc = "A 1-D tensor becomes a square matrix with it on a diagonal; a matrix gives back one diagonal, as 1-D."
    params = (Param("diagonal", "int", 0, "which diagonal: 0 the main one, > 0 above it, < 0 below"),)
    samples = (S(((3,),)), S(((3,),), {"diagonal": 1}), S(((3, 4),)), S(((4, 3),), {"diagonal": -1}),
               S(((3, 3),), {"diagonal": 2}), S(([1, 2],), {"diagonal": -2}),
               S(((2, 3, 4),), error="diag(): Supports 1D or 2D tensors. Got 3D"))

    @classmethod
    def grad_fn_name(cls, params: dict) -> str:
        return "DiagEmbedBackward0"  # forward says DiagonalBackward0_copy for a matrix

    def infer(a, diagonal=0):
        a = _tensor(a)
        k = _int(diagonal, "diagonal")
        if a.ndim == 1:
            n = a.shape[0] + abs(k)
            return Spec((n, n), a.dtype)
        if a.ndim == 2:
            return Spec((_diag_len(a.shape, k),), a.dtype)
        raise ShapeError(f"diag(): Supports 1D or 2D tensors. Got {a.ndim}D")

    def forward(ctx, a, diagonal=0):
        xp = ctx.xp
        k = diagonal
        if a.ndim == 1:
            n = a.shape[0] + abs(k)
            rows = xp.arange(n, dtype=xp.int64)[:, None]
            cols = xp.arange(n, dtype=xp.int64)[None, :]
            on = (cols - rows) == k
            src = xp.clip(xp.minimum(rows, cols), 0, max(a.shape[0] - 1, 0))  # the input element on that diagonal
            pad = xp.take(a, xp.reshape(src, (-1,))) if a.shape[0] else xp.zeros((n * n,), dtype=a.dtype)
            ctx.info = (1, k, a.shape[0])
            return xp.where(on, xp.reshape(pad, (n, n)), xp.zeros((n, n), dtype=a.dtype))
        if a.ndim != 2:
            raise ValueError("diag of a 3-D tensor")
        ctx.__class__ = node_class("DiagonalBackward0_copy", Diag)
        n = _diag_len(tuple(a.shape), k)
        r0, c0 = max(-k, 0), max(k, 0)
        idx = xp.arange(n, dtype=xp.int64)
        flat = xp.reshape(a, (-1,))
        ctx.info = (2, k, tuple(a.shape))
        return xp.take(flat, (idx + r0) * a.shape[1] + idx + c0) if n else xp.zeros((0,), dtype=a.dtype)

    vjp_formula = ("∂L/∂x = diag(G)",)

    def backward(ctx, g):
        xp = ctx.xp
        kind, k, size = ctx.info
        if kind == 1:
            n = size + abs(k)
            idx = xp.arange(size, dtype=xp.int64)
            r0, c0 = max(-k, 0), max(k, 0)
            return (xp.take(xp.reshape(g, (-1,)), (idx + r0) * n + idx + c0),)
        rows = xp.arange(size[0], dtype=xp.int64)[:, None]
        cols = xp.arange(size[1], dtype=xp.int64)[None, :]
        on = (cols - rows) == k
        n = g.shape[0]
        src = xp.clip(xp.minimum(rows, cols - k) if k >= 0 else xp.minimum(rows + k, cols), 0, max(n - 1, 0))
        spread = xp.take(g, xp.reshape(src, (-1,))) if n else xp.zeros((size[0] * size[1],), dtype=g.dtype)
        return (xp.where(on, xp.reshape(spread, size), xp.zeros(size, dtype=g.dtype)),)


def _index_add(xp: Any, rows: Any, lin: Any, m: int) -> Any:
    """out[k] = sum of rows[j] where lin[j] == k, for k < m: a scatter-add from array-API calls.

    Sorting brings equal indices together; repeated ones are summed by a segmented scan
    (log2(n) passes of shifted adds), then each of the m rows picks its sum by binary search.
    """
    n = lin.shape[0]
    tail = tuple(rows.shape[1:])
    if n == 0:
        return xp.zeros((m,) + tail, dtype=rows.dtype)
    order = xp.argsort(lin)
    keys = xp.take(lin, order)
    vals = xp.take(rows, order, axis=0)
    if n > 1 and bool(xp.any(keys[1:] == keys[:-1])):
        ones = (1,) * len(tail)
        firsts = xp.nonzero(xp.concat([xp.ones((1,), dtype=xp.bool), keys[1:] != keys[:-1]]))[0]
        longest = int(xp.max(xp.concat([firsts[1:], xp.asarray([n], dtype=firsts.dtype)]) - firsts))
        k = 1
        while k < longest:  # vals[j] becomes the sum of its run of equal keys up to j
            same = xp.reshape(keys[k:] == keys[:-k], (n - k,) + ones)
            before = vals[(slice(None, n - k), Ellipsis)]
            vals = xp.concat([vals[(slice(None, k), Ellipsis)],
                              vals[(slice(k, None), Ellipsis)] + xp.where(same, before, xp.zeros_like(before))], axis=0)
            k *= 2
        last = xp.nonzero(xp.concat([keys[1:] != keys[:-1], xp.ones((1,), dtype=xp.bool)]))[0]
        keys, vals = xp.take(keys, last), xp.take(vals, last, axis=0)
    want = xp.arange(m, dtype=keys.dtype)
    at = xp.searchsorted(keys, want)
    at = xp.minimum(at, xp.asarray(keys.shape[0] - 1, dtype=at.dtype))
    hit = xp.reshape(xp.take(keys, at) == want, (m,) + (1,) * len(tail))
    picked = xp.take(vals, at, axis=0)
    return xp.where(hit, picked, xp.zeros_like(picked))

