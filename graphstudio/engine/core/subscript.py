"""Subscripts and transposes as Tensor methods: `x[key]`, `x[key] = value`, `x.T`, `x.mT`.

The ops they run (`index`, `setitem`, `permute`, `transpose`) are defined in ops/shape.py; these
are the Python-side entry points with PyTorch's exception types and its fast in-place writes.
`binding` attaches them to Tensor.
"""
from __future__ import annotations

import warnings
from typing import Any

from ..factory import tensor
from . import dtypes, op_functions, overlap
from .dispatch import torch_error
from .grad_graph import grad_mode, mark_modified
from .ops.indexing import _native_key, _plan, _setitem_name
from .registry import REGISTRY, Op, ShapeError, Spec
from .tensor import Tensor


def getitem(self: Tensor, key: Any) -> Tensor:
    """`x[key]` as in PyTorch: ints, slices, None, ..., lists, int and bool tensors (the `index` op)."""
    if isinstance(key, list):  # x[[0, 2]] picks rows 0 and 2; only a tuple spreads over dims
        spread = any(v is None or v is Ellipsis or isinstance(v, slice) for v in key)
        key = tuple(key) if spread else (key,)
    try:
        return op_functions.call(REGISTRY["index"], (self,), {"index": key})
    except RuntimeError:
        try:  # PyTorch raises IndexError (ValueError for steps) where the index is at fault
            _plan(tuple(self.array.shape), key, self._be.xp)
        except IndexError as e:
            raise IndexError(str(e)) from None
        except ShapeError as e:
            raise ValueError(str(e)) from None
        raise


def setitem(self: Tensor, key: Any, value: Any) -> None:
    """`x[key] = value` as in PyTorch: written in place when nothing is recorded, else out of place with
    a new grad_fn (CopySlices) that routes the gradient to value and to the rest of x."""
    op = REGISTRY["setitem"]
    if isinstance(key, list):
        spread = any(v is None or v is Ellipsis or isinstance(v, slice) for v in key)
        key = tuple(key) if spread else (key,)
    be = self._be
    if isinstance(value, Tensor):
        if value._be is not be:
            raise RuntimeError("Expected all tensors to be on the same device, but found at least two devices, "
                               f"{be.device} and {value._be.device}!")
    elif not isinstance(value, (int, float)):
        value = tensor(value, dtype=self.dtype, device=be.device)
    if grad_mode.enabled and self.dtype.is_floating_point and (
            self.requires_grad or isinstance(value, Tensor) and value.requires_grad):
        if self.requires_grad and self.is_leaf:
            shape = tuple(self.array.shape)
            try:  # PyTorch takes the basic items first (a view), then refuses the leaf, then reads tensor items
                _plan(shape, _basic_items(key), be.xp)
            except IndexError as bad:
                raise IndexError(str(bad)) from None
            try:
                plan = _plan(shape, key, be.xp)
                direct = _setitem_name(plan, self.ndim, 1) != "CopySlices"
            except IndexError:
                plan, direct = None, True
            if plan is not None and not plan.adv and isinstance(value, Tensor):
                try:  # values copied into a view are expanded to it before the leaf is looked at
                    op.infer(Spec(shape, self.dtype), Spec(tuple(value.array.shape), value.dtype), index=key)
                except ShapeError as e:
                    raise torch_error(e) from None
            raise RuntimeError(("a leaf Variable" if direct else "a view of a leaf Variable")
                               + " that requires grad is being used in an in-place operation.")
        _check_overlap(self, key, value)
        self._rebind(_call_setitem(op, self, key, value))
        return
    _check_overlap(self, key, value)
    if be.device.type != "strict":
        native = _native_key(key, be.xp)
        if native is not None:
            view = self.array[...]  # the tensor's next version: the same memory, a new array object
            try:
                if any(hasattr(k, "dtype") for k in native):
                    if isinstance(value, Tensor) and value.dtype is not self.dtype:
                        raise TypeError("values of another dtype")  # refused by the general path, or a masked fill
                    view[native]  # noqa: B018  (reading checks every index: NumPy writes up to a bad one)
                view[native] = value.array if isinstance(value, Tensor) else value
            except (ValueError, IndexError, TypeError):
                pass  # the general path says what is wrong, in PyTorch's words
            else:
                mark_modified(self, self.array, view)
                self.array = view
                return
    self._write(_call_setitem(op, self, key, value).array)


def _check_overlap(self: Tensor, key: Any, value: Any) -> None:
    """PyTorch's memory-overlap checks of `x[key] = value` (see overlap): a copy into the view the basic
    items pick, or, with index tensors, index_put_ into it (a masked fill of one value is neither)."""
    raw = self._raw()
    try:  # the view comes first: PyTorch checks the index tensors against each other after the overlap
        p = _plan(tuple(raw.shape), _basic_items(key), self._be.xp)
    except (IndexError, ShapeError):
        return  # the write words what is wrong
    view = raw[p.key]
    values = value._raw() if isinstance(value, Tensor) else None
    arrays = [k for k in (key if isinstance(key, tuple) else (key,))
              if isinstance(k, list) or isinstance(k, Tensor) and k.ndim]
    if arrays or p.adv:
        one_mask = len(arrays) == 1 and not p.adv and isinstance(arrays[0], Tensor) and arrays[0].dtype is dtypes.bool_
        if values is not None and not (one_mask and value.numel() == 1):
            overlap.check_index_put(view, values, same=value is self and p.whole)
        return
    if values is not None and values.shape != view.shape:
        shape = tuple(values.shape)  # PyTorch drops the leading 1s, then expands what is left to the view
        while shape and shape[0] == 1:
            shape = shape[1:]
        padded = (1,) * (view.ndim - len(shape)) + shape
        if values.ndim and view.ndim and not shape:
            overlap.check_copy_of_one(view, values)
            values = None
        elif not shape or padded != tuple(view.shape):
            values = None  # one value (filled), broadcast (steps of 0: PyTorch's "too hard"), or a bad shape
        else:
            values = values.reshape(padded)  # new dims of size 1 step as PyTorch's expand steps them
    overlap.check_elementwise(view, (values,))


def _basic_items(key: Any) -> Any:
    """The key with each tensor or list item replaced by a full slice per dim it indexes (a single item
    stays single: PyTorch words `x[0]` and `x[(0,)]` apart on a 0-dim tensor)."""
    if not isinstance(key, tuple):
        return _basic_items((key,)) if isinstance(key, list) or isinstance(key, Tensor) and key.ndim else key
    out: list = []
    for k in key:
        if isinstance(k, Tensor) and k.ndim:  # a 0-dim one is a number
            out += [slice(None)] * (k.ndim if k.dtype is dtypes.bool_ else 1)
        elif isinstance(k, list):
            out.append(slice(None))
        else:
            out.append(k)
    return tuple(out)


def _call_setitem(op: type[Op], self: Tensor, key: Any, value: Any) -> Tensor:
    try:
        return op_functions.call(op, (self, value), {"index": key})
    except RuntimeError as e:
        try:
            _plan(tuple(self.array.shape), key, self._be.xp)
        except IndexError as bad:
            raise IndexError(str(bad)) from None
        except ShapeError as bad:
            raise ValueError(str(bad)) from None
        raise e from None


def reversed_dims(self: Tensor) -> Tensor:
    """All dims reversed (the transpose of a matrix), by `permute`, as PyTorch records it."""
    n = self.array.ndim
    if n > 2:
        warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated "
                      "and it will throw an error in a future release. Consider `x.mT` to transpose batches of "
                      "matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a "
                      "tensor.", UserWarning, stacklevel=2)
    return op_functions.call(REGISTRY["permute"], (self,), {"dims": tuple(range(n - 1, -1, -1))})


def matrix_transpose(self: Tensor) -> Tensor:
    """The last two dims swapped (a batch of matrices transposed), by `transpose`."""
    if self.array.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {self.array.ndim}-D tensor.")
    return op_functions.call(REGISTRY["transpose"], (self,), {"dim0": -2, "dim1": -1})
