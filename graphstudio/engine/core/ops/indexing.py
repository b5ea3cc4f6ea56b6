"""Indexing ops: `x[key]` (`index`) and `x[key] = value` (`setitem`), and the index keys they take.

A key is what PyTorch accepts between brackets (ints, slices, None, ..., lists, int and bool
tensors); `index_key` turns it into a hashable, JSON-able form for graphs and `index_source`
writes it back as Python. `_plan` resolves a key against a shape once, for the forward, the
backward and the fast in-place write alike.
"""
from __future__ import annotations

import math
import operator
from typing import Any

from .. import dtypes
from ..registry import Param, Port, Sample, ShapeError, Spec, node_class, register
from ..tensor import Tensor
from . import _infer
from .shape import ShapeOp, _expanded, _index_add, _int, _tensor

T, S = Port, Sample


# -- indexing: x[...] ----------------------------------------------------------------------
class IndexShapeError(ShapeError, IndexError):
    """A bad index; PyTorch raises IndexError for these."""


_BAD_INDEX = ("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
              "(got {})")


def _parse_text(text: str) -> tuple:
    """One item of an index written in JSON: "...", "None", "3", or a slice such as "1:3", ":" or "::2"."""
    t = text.strip()
    if t == "...":
        return ("ellipsis",)
    if t in ("None", "none", "null"):
        return ("new",)
    try:
        if ":" in t:
            parts = t.split(":")
            if len(parts) <= 3:
                return ("slice", slice(*(int(p) if p.strip() else None for p in parts)))
        else:
            return ("int", int(t))
    except ValueError:
        pass
    raise IndexShapeError(f"cannot read the index {text!r}: use a whole number, null, '...', or a slice such as "
                          "'1:3', ':' or '::2'")


def _component(v: Any) -> tuple:
    """One item of an index, classified: int, slice, new (None), ellipsis, bool, or array (lists, tensors)."""
    if v is None:
        return ("new",)
    if v is Ellipsis:
        return ("ellipsis",)
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, int):
        return ("int", v)
    if isinstance(v, slice):
        return ("slice", v)
    if isinstance(v, str):
        return _parse_text(v)
    if isinstance(v, Tensor):
        if v.ndim == 0 and not v.dtype.is_floating_point:  # a 0-dim integer tensor acts as an int
            return ("bool", bool(v.item())) if v.dtype is dtypes.bool_ else ("int", int(v.item()))
        return ("array", v)
    if isinstance(v, (list, tuple)) or hasattr(v, "shape"):  # nested lists, NumPy/CuPy arrays
        return ("array", v)
    if isinstance(v, range):  # x[range(3), y]: the ints of the range, as a list
        return ("array", list(v))
    if hasattr(v, "__index__"):
        return ("int", operator.index(v))
    raise IndexShapeError(_BAD_INDEX.format(type(v).__name__))


def _components(index: Any) -> tuple[list[tuple], bool]:
    """The items of an index, and whether it was a single item (not a tuple or the JSON list form)."""
    if isinstance(index, (tuple, list)):  # a list here is the JSON form: one item per position, as a tuple
        return [_component(v) for v in index], False
    return [_component(index)], True


def _python_item(c: tuple) -> Any:
    kind = c[0]
    return None if kind == "new" else Ellipsis if kind == "ellipsis" else c[1]


def index_key(index: Any) -> Any:
    """The `index` param (Python or JSON form) as the key PyTorch takes: `[0, "1:3"]` → `(0, slice(1, 3))`."""
    items, single = _components(index)
    key = tuple(_python_item(c) for c in items)
    return key[0] if single else key


def index_source(index: Any) -> str:
    """The `index` param as Python source between brackets: `[0, "1:3", null]` → `0, 1:3, None`."""
    def text(c: tuple) -> str:
        kind = c[0]
        if kind == "slice":
            s = c[1]
            parts = ["" if v is None else str(v) for v in (s.start, s.stop)]
            return ":".join(parts + ([str(s.step)] if s.step is not None else []))
        if kind == "array":
            v = c[1]
            return repr(v.tolist() if hasattr(v, "tolist") else v)
        return repr(_python_item(c)).replace("Ellipsis", "...")

    items, single = _components(index)
    if single:
        return text(items[0])
    return ", ".join(text(c) for c in items) + ("," if len(items) == 1 else "")


def _index_array(v: Any, xp: Any) -> Any:
    """An index list / array / tensor as an int64 or bool array of namespace `xp`."""
    if isinstance(v, Tensor):
        arr = v.array if v._be.xp is xp else xp.asarray(v._be.to_numpy(v.array))
    else:
        arr = xp.asarray(v)
    if xp.isdtype(arr.dtype, "bool"):
        return arr
    if xp.isdtype(arr.dtype, "integral"):
        return arr if arr.dtype == xp.int64 else xp.astype(arr, xp.int64)
    if math.prod(arr.shape) == 0:  # [] is an empty list of indices
        return xp.astype(arr, xp.int64)
    raise IndexShapeError("tensors used as indices must be long, int, byte or bool tensors")


class _Plan:
    """How to index a tensor of a given shape, PyTorch's way: first the basic items (ints, slices,
    None) as one view, then the advanced ones (int and bool arrays) on the dims they left."""

    __slots__ = ("key", "set_key", "mid", "squeezed", "adv", "bshape", "adjacent", "out", "name", "one_mask", "whole")


def _plan(shape: tuple, index: Any, xp: Any) -> _Plan:
    items, single = _components(index)
    comps = []
    for c in items:
        if c[0] == "array":
            arr = _index_array(c[1], xp)
            is_bool = xp.isdtype(arr.dtype, "bool")
            if arr.ndim == 0:
                c = ("bool", bool(arr)) if is_bool else ("int", int(arr))
            else:
                c = ("mask" if is_bool else "ints", arr)
        comps.append(c)
    ndim = len(shape)
    used = sum(1 if c[0] in ("int", "slice", "ints") else c[1].ndim if c[0] == "mask" else 0 for c in comps)
    if used > ndim:
        if ndim == 0 and single and items[0][0] == "int" and not isinstance(index, Tensor):
            raise IndexShapeError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                                  "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        if ndim == 0 and single and items[0][0] == "slice":  # PyTorch words `x[(0,)]` and `x[(:,)]` as too many
            raise IndexShapeError("slice() cannot be applied to a 0-dim tensor.")
        raise IndexShapeError(f"too many indices for tensor of dimension {ndim}")

    key: list = []       # basic indexing of the input, None making new dims
    set_key: list = []   # the same without the Nones, to write the gradient back
    mid: list = []       # (size, is_new) of each dim after basic indexing
    adv: list = []       # (position in mid, int array) of advanced indices
    names: list = []
    bad: list = []       # an index out of range (PyTorch only minds when some index is used)
    whole = True         # the basic items keep all of the tensor by their own numbers (`x[-1:]` of one element
    #                      does not): PyTorch then writes into the tensor itself, not a view
    d = 0

    def keep(size: int) -> None:
        key.append(slice(None))
        set_key.append(slice(None))
        mid.append((size, False))

    for position, c in enumerate(comps):
        kind = c[0]
        if d >= ndim and kind in ("int", "slice", "ints", "mask", "new"):
            _past_the_end(kind, c, position, len(mid), d - ndim)
        if kind == "ellipsis":  # each one stands for the dims left unindexed, as in PyTorch (which allows several)
            for _ in range(ndim - used):
                if d < ndim:
                    keep(shape[d])
                d += 1
        elif kind == "new":
            key.append(None)
            mid.append((1, True))
            names.append("UnsqueezeBackward0")
        elif kind == "bool":  # True adds a dim of size 1, False one of size 0 (an advanced index)
            key.append(None)
            adv.append((len(mid), xp.zeros((1 if c[1] else 0,), dtype=xp.int64)))
            mid.append((1, True))
        elif kind == "int":
            n, i = shape[d], c[1]
            if not -n <= i < n:  # PyTorch names the item's position in the index
                raise IndexShapeError(f"index {i} is out of bounds for dimension {position} with size {n}")
            key.append(i % n)
            set_key.append(i % n)
            whole = False
            d += 1
            names.append("SelectBackward0")
        elif kind == "slice":
            n, s = shape[d], c[1]
            start, stop, step = (None if v is None else _int(v, "slice indices") for v in (s.start, s.stop, s.step))
            if step == 0:
                raise ShapeError("slice step cannot be zero")
            if step is not None and step < 0:
                raise ShapeError("step must be greater than zero")
            b, e, st = slice(start, stop, step).indices(n)
            if start is not None and start > b:  # past the end: PyTorch keeps the start, so never the whole dim
                b = start
            sl = slice(b, e if e < n else None, st)
            key.append(sl)
            set_key.append(sl)
            mid.append((len(range(b, e, st)), False))
            d += 1
            whole_dim = start in (None, 0) and (stop is None or stop >= n) and step in (None, 1)
            whole = whole and whole_dim
            if single or not whole_dim:  # PyTorch skips a whole-dim slice inside a tuple
                names.append("SliceBackward0")
        elif kind == "ints":
            n, arr = shape[d], c[1]
            if math.prod(arr.shape):
                lo, hi = int(xp.min(arr)), int(xp.max(arr))
                if hi >= n or lo < -n:
                    flat = xp.reshape(arr, (-1,))
                    first = int(flat[int(xp.argmax((flat >= n) | (flat < -n)))])  # PyTorch names the first
                    bad.append((n, f"index {first} is out of bounds for dimension {len(adv)} with size {n}" if n else
                                "index is out of bounds for dimension with size 0"))  # PyTorch's words for size 0
                if lo < 0:
                    arr = xp.where(arr < 0, arr + n, arr)
            adv.append((len(mid), arr))
            keep(n)
            d += 1
        else:  # a bool mask covers as many dims as it has
            m = c[1]
            for j in range(m.ndim):
                if m.shape[j] != shape[d + j]:
                    raise IndexShapeError(f"The shape of the mask {list(m.shape)} at index {j} does not match the "
                                          f"shape of the indexed tensor {list(shape)} at index {d + j}")
            for j, arr in enumerate(xp.nonzero(m)):
                adv.append((len(mid), arr))
                keep(shape[d])
                d += 1
    while d < ndim:
        keep(shape[d])
        d += 1

    p = _Plan()
    p.key, p.set_key = tuple(key) + (Ellipsis,), tuple(set_key)  # "...": NumPy gives 0-dim views, not scalars
    p.whole = whole and None not in key
    p.mid = tuple(n for n, _ in mid)
    p.squeezed = tuple(n for n, new in mid if not new)
    p.adv = adv
    kinds = [c[0] for c in comps if c[0] in ("mask", "ints", "bool")]
    p.one_mask = kinds == ["mask"]
    p.bshape, p.adjacent = (), True
    if adv:
        shapes = [tuple(arr.shape) for _, arr in adv]
        b: tuple = ()
        try:
            for s in shapes:
                b = _infer.broadcast(b, s)
        except ShapeError:
            raise IndexShapeError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                                  + ", ".join(str(list(s)) for s in shapes)) from None
        pos = [q for q, _ in adv]
        rest = [n for q, n in enumerate(p.mid) if q not in pos]
        p.bshape = b
        p.adjacent = pos == list(range(pos[0], pos[0] + len(pos)))
        p.out = tuple(rest[:pos[0]]) + b + tuple(rest[pos[0]:]) if p.adjacent else b + tuple(rest)
        # PyTorch refuses any index into a dim of size 0, others only when some element is read
        empty_dim = [message for n, message in bad if not n]
        if empty_dim and math.prod(b):
            raise IndexShapeError(empty_dim[0])
        if bad and math.prod(p.out):
            raise IndexShapeError(bad[0][1])
        p.name = "IndexBackward0"
    else:
        p.out = p.mid
        p.name = names[-1] if names else "AliasBackward0"
    return p


def _past_the_end(kind: str, c: tuple, position: int, kept: int, over: int) -> None:
    """PyTorch's refusal of an item after several ellipses moved past the last dim: `kept` dims of the
    result so far, the item at result dim `kept + over` (a new dim may still go at the very end)."""
    at = kept + over
    if kind == "new":
        if over:
            raise IndexShapeError(f"Dimension out of range (expected to be in range of [{-kept - 1}, {kept}], "
                                  f"but got {at})")
    elif kind == "slice":
        raise IndexShapeError(f"Dimension out of range (expected to be in range of [{-kept}, {kept - 1}], "
                              f"but got {at})")
    elif kind == "int":
        raise IndexShapeError(f"index {c[1]} is out of bounds for dimension {position} with size 0")
    else:
        raise IndexShapeError(f"too many indices for tensor of dimension {kept} (got {at + 1})")


def _host_xp() -> Any:
    from ..backend import CPU

    return CPU.xp


def _gather(xp: Any, y: Any, p: _Plan) -> tuple[Any, Any]:
    """Advanced indexing of `y` (already basic-indexed): (result, flat index into the indexed dims)."""
    pos = [q for q, _ in p.adv]
    arrays = [arr for _, arr in p.adv]
    b = p.bshape
    if len(pos) == 1:
        q = pos[0]
        lin = xp.reshape(arrays[0], (-1,))
        out = xp.take(y, lin, axis=q)
        return xp.reshape(out, p.mid[:q] + b + p.mid[q + 1:]), lin
    sizes = [p.mid[q] for q in pos]
    lin = xp.broadcast_to(arrays[0], b)
    for arr, n in zip(arrays[1:], sizes[1:]):  # row-major position within the indexed dims
        lin = lin * n + arr
    lin = xp.reshape(lin, (-1,))
    rest_axes = [q for q in range(len(p.mid)) if q not in pos]
    rest = tuple(p.mid[q] for q in rest_axes)
    flat = xp.reshape(xp.permute_dims(y, tuple(pos + rest_axes)), (math.prod(sizes),) + rest)
    out = xp.reshape(xp.take(flat, lin, axis=0), b + rest)
    if p.adjacent and pos[0] > 0:  # the indexed dims stay where they were
        nb, q0 = len(b), pos[0]
        out = xp.permute_dims(out, tuple(range(nb, nb + q0)) + tuple(range(nb)) + tuple(range(nb + q0, out.ndim)))
    return out, lin


def _scatter(xp: Any, g: Any, lin: Any, info: tuple) -> Any:
    """The gradient of the basic-indexed tensor, from the gradient of the advanced-indexed result."""
    mid, pos, b, adjacent = info
    nb = len(b)
    if adjacent and pos[0] > 0:  # bring the index dims to the front
        q0 = pos[0]
        g = xp.permute_dims(g, tuple(range(q0, q0 + nb)) + tuple(range(q0)) + tuple(range(q0 + nb, g.ndim)))
    rest_axes = [q for q in range(len(mid)) if q not in pos]
    rest = tuple(mid[q] for q in rest_axes)
    sizes = tuple(mid[q] for q in pos)
    acc = _index_add(xp, xp.reshape(g, (lin.shape[0],) + rest), lin, math.prod(sizes))
    acc = xp.reshape(acc, sizes + rest)
    order = pos + rest_axes
    inverse = [0] * len(order)
    for i, q in enumerate(order):
        inverse[q] = i
    return xp.permute_dims(acc, tuple(inverse))


@register
class Index(ShapeOp):
    name, grad_fn, torch = "index", "SelectBackward0", "{input}[{index}]"
    doc = "Pick elements, rows or slices: x[0], x[:, 1], x[1:, ::2], x[None], x[[0, 2]], x[mask]."
    params = (Param("index", "data", 0, "what to pick: ints, slices like \"1:3\", null for a new dim, \"...\", "
                                        "lists of ints or bools; a list indexes one dim per item", required=True),)
    method = False
    function = False
    samples = (S(((3, 4),), {"index": 0}), S(((3, 4),), {"index": (slice(None), 1)}),
               S(((3, 4),), {"index": (slice(1, None), slice(None, None, 2))}), S(((3, 4),), {"index": ([0, 2],)}),
               S(((3, 4),), {"index": ([2, 0, 2, 2],)}), S(((3, 4),), {"index": slice(None)}),
               S(((3, 4),), {"index": (-1, slice(-3, None))}), S(((2, 3, 4),), {"index": (Ellipsis, None, 1)}),
               S(((2, 3, 4),), {"index": (0, slice(None), [1, 3, 1])}),
               S(((2, 3, 4),), {"index": ([0, 1], slice(None), [[1], [3]])}),
               S(((2, 3, 4),), {"index": (slice(None), [0, 2, 2], [1, 1, 1])}),
               S(((2, 3, 4),), {"index": (None, [1, 0], slice(None), 0)}),
               S(((3, 4),), {"index": ([True, False, True],)}),
               S(((2, 3),), {"index": ([[True, False, True], [False, True, True]],)}),
               S(((3, 4),), {"index": (slice(1, None), True)}), S(((),), {"index": None}), S(((),), {"index": Ellipsis}),
               S(((3, 4),), {"index": [1, "1:3"]}), S(((3, 4),), {"index": ["...", None, "::2"]}),
               S(((3, 4),), {"index": [[2, 0], ":"]}),
               S(((3, 4),), {"index": (5,)}, error="index 5 is out of bounds for dimension 0 with size 3"),
               S(((3, 4),), {"index": ([0, 4],)}, error="index 4 is out of bounds for dimension 0 with size 3"),
               S(((3, 4),), {"index": (0, 0, 0)}, error="too many indices for tensor of dimension 2"),
               S(((3, 4),), {"index": ([0, 1], [0, 1, 2])}, error="shape mismatch: indexing tensors could not be "
                                                                  "broadcast together with shapes [2], [3]"),
               S(((3, 4),), {"index": ([True, False],)}, error="The shape of the mask [2] at index 0 does not match"),
               S(((3, 4),), {"index": slice(None, None, -1)}, error="step must be greater than zero"),
               S(((),), {"index": 0}, error="invalid index of a 0-dim tensor"))

    @classmethod
    def grad_fn_name(cls, params: dict) -> str:
        """A guess without the input's shape (whole-dim slices inside a tuple are skipped); forward knows."""
        try:
            items, single = _components(params.get("index"))
        except ShapeError:
            return "IndexBackward0"
        name = "AliasBackward0"
        for c in items:
            kind = c[0]
            if kind in ("array", "bool"):
                return "IndexBackward0"
            if kind == "int":
                name = "SelectBackward0"
            elif kind == "new":
                name = "UnsqueezeBackward0"
            elif kind == "slice":
                s = c[1]
                if single or not (s.start in (None, 0) and s.stop is None and s.step in (None, 1)):
                    name = "SliceBackward0"
        return name

    def infer(a, index=0):
        a = _tensor(a)
        return Spec(_plan(a.shape, index, _host_xp()).out, a.dtype)

    def forward(ctx, a, index=0):
        xp = ctx.xp
        p = _plan(tuple(a.shape), index, xp)
        if type(ctx).__name__ != p.name:
            ctx.__class__ = node_class(p.name, Index)
        y = a[p.key]
        whole = all(isinstance(s, slice) and s.start in (None, 0) and s.stop is None and s.step in (None, 1)
                    for s in p.set_key)
        if not p.adv:
            ctx.info = (tuple(a.shape), p.set_key, p.squeezed, whole, None)
            return y
        if math.prod(p.out):
            out, lin = _gather(xp, y, p)
        else:  # nothing is read (nor are the indices checked, as in PyTorch)
            out, lin = xp.zeros(p.out, dtype=a.dtype), xp.zeros((0,), dtype=xp.int64)
        ctx.saved = (lin,)
        ctx.info = (tuple(a.shape), p.set_key, p.squeezed, whole, (p.mid, [q for q, _ in p.adv], p.bshape, p.adjacent))
        return out

    vjp_formula = ("∂L/∂x = G written back at the indexed positions, 0 elsewhere (repeats add)",)

    def backward(ctx, g):
        xp = ctx.xp
        shape, set_key, squeezed, whole, adv = ctx.info
        if adv is not None:
            g = _scatter(xp, g, ctx.saved[0], adv)
        if tuple(g.shape) != squeezed:  # drop the dims None added
            g = xp.reshape(g, squeezed)
        if whole:
            return (xp.reshape(g, shape),)
        out = xp.zeros(shape, dtype=g.dtype)
        out[set_key] = g
        return (out,)


# -- writing: x[...] = values --------------------------------------------------------------
def _index_put_dtypes(p: _Plan, dtype: Any, values: Any, numel: int) -> None:
    """PyTorch writes through index arrays (index_put_) only values of the tensor's dtype, unless the
    write is a masked fill: one bool mask and one value."""
    if p.adv and values is not dtype and not (p.one_mask and numel == 1):
        raise ShapeError(f"Index put requires the source and destination dtypes match, got {dtype.scalar_type} "
                         f"for the destination and {values.scalar_type} for the source.")


def _value_shape(vshape: tuple, out: tuple) -> tuple:
    """The values' shape with extra leading 1s dropped, checked to broadcast to the indexed shape."""
    vs = tuple(vshape)
    while len(vs) > len(out) and vs[0] == 1:
        vs = vs[1:]
    ok = len(vs) <= len(out) and all(v in (1, o) for v, o in zip(vs[::-1], out[::-1]))
    if not ok:
        raise ShapeError(f"shape mismatch: value tensor of shape {list(vshape)} cannot be broadcast to indexing "
                         f"result of shape {list(out)}")
    return vs


def _put(xp: Any, vals: Any, lin: Any, n: int) -> tuple[Any, Any]:
    """flat[lin] = vals over n positions, from array-API calls: (written mask, value per position).

    Where a position is listed twice the last write wins, as in NumPy (PyTorch leaves it unspecified).
    """
    written = xp.zeros((n,), dtype=xp.bool)
    if lin.shape[0] == 0:
        return written, xp.zeros((n,), dtype=vals.dtype)
    order = xp.argsort(lin, stable=True)
    keys, vals = xp.take(lin, order), xp.take(vals, order)
    if keys.shape[0] > 1:
        last = xp.nonzero(xp.concat([keys[1:] != keys[:-1], xp.ones((1,), dtype=xp.bool)]))[0]
        keys, vals = xp.take(keys, last), xp.take(vals, last)
    want = xp.arange(n, dtype=keys.dtype)
    at = xp.minimum(xp.searchsorted(keys, want), xp.asarray(keys.shape[0] - 1, dtype=keys.dtype))
    return xp.take(keys, at) == want, xp.take(vals, at)


def _setitem_name(p: _Plan, ndim: int, value_ndim: int) -> str:
    """PyTorch's grad_fn for `x[index] = v`: a fill or a copy into all of x, index_put_ for index arrays
    alone, else a write into a view (CopySlices)."""
    if not p.whole:
        return "CopySlices"
    if p.adv:
        return "IndexPutBackward0"
    return "FillBackward3" if value_ndim == 0 and ndim else "CopyBackwards"


@register
class SetItem(ShapeOp):
    name, grad_fn = "setitem", "CopySlices"
    torch = '(_t := {input}.clone()).__setitem__(__import__("numpy").s_[{index}], {values}) or _t'
    doc = ("A copy of input with input[index] = values (what `x[0, 1:] = v` does in PyTorch); the gradient "
           "goes to values where they were written and to input everywhere else.")
    inputs = (T("input"), T("values", "a number, or a tensor that broadcasts to input[index]", scalar_ok=True))
    params = Index.params
    method = False
    function = False
    samples = (S(((3, 4), 5.0), {"index": 0}), S(((3, 4), (3,)), {"index": (slice(None), 1)}),
               S(((3, 4), (2, 2)), {"index": (slice(1, None), slice(None, None, 2))}), S(((3, 4), (4,)), {"index": ([0, 2],)}),
               S(((3, 4), (1, 4)), {"index": ([2, 0],)}), S(((3, 4), 0.0), {"index": ([True, False, True],)}),
               S(((2, 3), (1,)), {"index": ([[True, False, True], [False, True, True]],)}),
               S(((2, 3, 4), (3,)), {"index": (0, slice(None), [1, 3, 0])}), S(((3, 4), (1, 1, 4)), {"index": 1}),
               S(((3, 4), ()), {"index": (Ellipsis, None, 1)}), S(((), 2.0), {"index": Ellipsis}),
               S(([[1, 2], [3, 4]], 9.7), {"index": (0, 1)}), S(((3, 4), [1.5, 2.5, 3.5, 4.5]), {"index": -1}),
               S(((3, 4), (3,)), {"index": 0}, error="The expanded size of the tensor (4) must match the existing size "
                                                     "(3) at non-singleton dimension 0.  Target sizes: [4].  Tensor sizes: [3]"),
               S(((3, 4), (3,)), {"index": ([0, 2],)}, error="shape mismatch: value tensor of shape [3] cannot be "
                                                             "broadcast to indexing result of shape [2, 4]"),
               S(((3, 4), 1.0), {"index": (5,)}, error="index 5 is out of bounds for dimension 0 with size 3"))

    def infer(a, values, index=0):
        a = _tensor(a)
        p = _plan(a.shape, index, _host_xp())
        if isinstance(values, Spec):
            if not p.adv:  # PyTorch copies into the view x[index], the values' leading 1s dropped: expand's words
                vs = tuple(values.shape)
                while vs and vs[0] == 1:
                    vs = vs[1:]
                _expanded(vs, values.dtype, p.out)
            _value_shape(values.shape, p.out)
            _index_put_dtypes(p, a.dtype, values.dtype, values.numel)
        return a

    def forward(ctx, a, v, index=0):
        xp = ctx.xp
        shape = tuple(a.shape)
        p = _plan(shape, index, xp)
        if isinstance(v, (int, float)):
            v = xp.asarray(v, dtype=a.dtype)
        elif v.dtype != a.dtype:
            if p.adv and not (p.one_mask and math.prod(v.shape) == 1):
                raise TypeError("index_put_ of another dtype")  # inference words PyTorch's refusal
            v = xp.astype(v, a.dtype)
        vshape = tuple(v.shape)
        try:
            fitted = _value_shape(vshape, p.out)
        except ShapeError as e:
            raise ValueError(str(e)) from None
        vb = xp.broadcast_to(xp.reshape(v, fitted), p.out)
        name = _setitem_name(p, len(shape), len(vshape))
        if type(ctx).__name__ != name:
            ctx.__class__ = node_class(name, SetItem)
        if not p.adv:
            out = xp.asarray(a, copy=True)
            out[p.set_key] = xp.reshape(vb, p.squeezed)
            ctx.info = (p.set_key, p.squeezed, p.out, fitted, vshape)
            return out
        n = math.prod(shape)
        if math.prod(p.out):
            pos = xp.reshape(xp.arange(n, dtype=xp.int64), shape)[p.key]
            lin = xp.reshape(_gather(xp, pos, p)[0], (-1,))
        else:  # nothing is written (nor are the indices checked, as in PyTorch)
            lin = xp.zeros((0,), dtype=xp.int64)
        written, vals = _put(xp, xp.reshape(vb, (-1,)), lin, n)
        ctx.saved = (lin, written)
        ctx.info = (None, shape, p.out, fitted, vshape)
        return xp.reshape(xp.where(written, vals, xp.reshape(a, (-1,))), shape)

    vjp_formula = ("∂L/∂x = G with the written positions zeroed", "∂L/∂v = G at the written positions")

    def backward(ctx, g):
        xp = ctx.xp
        set_key, squeezed, out, fitted, vshape = ctx.info
        ga = gv = None
        if set_key is not None:
            if ctx.needs[0]:
                ga = xp.asarray(g, copy=True)
                ga[set_key] = xp.zeros(squeezed, dtype=g.dtype)
            if ctx.needs[1]:
                gv = xp.reshape(g[set_key], out)
        else:
            lin, written = ctx.saved
            flat = xp.reshape(g, (-1,))
            if ctx.needs[0]:
                ga = xp.reshape(xp.where(written, xp.zeros_like(flat), flat), squeezed)
            if ctx.needs[1]:
                gv = xp.reshape(xp.take(flat, lin), out)
        if gv is not None:
            from ..grad_graph import _sum_to

            if tuple(gv.shape) != fitted:
                gv = _sum_to(gv, fitted, xp) if fitted else xp.sum(gv)
            gv = xp.reshape(gv, vshape)
        return ga, gv


def _native_key(key: Any, xp: Any) -> Any:
    """The key as NumPy / CuPy index exactly as PyTorch does, or None (then the general path runs).

    Ints, slices with positive steps, None and ... index alike; one index array too, unless ints sit
    beside it (NumPy then moves the array's dims first where PyTorch does not).
    """
    items = key if isinstance(key, tuple) else (key,)
    out, arrays, ints = [], 0, 0
    for k in items:
        if k is None or k is Ellipsis:
            out.append(k)
        elif type(k) is int:
            out.append(k)
            ints += 1
        elif type(k) is slice:
            if not all(v is None or type(v) is int for v in (k.start, k.stop, k.step)) or (k.step is not None and k.step <= 0):
                return None
            out.append(k)
        elif isinstance(k, Tensor) and k._be.xp is xp and not k.dtype.is_floating_point and k.ndim:
            out.append(k.array)
            arrays += 1
        else:
            return None
    if arrays > 1 or (arrays and ints):
        return None
    return tuple(out)
