"""PyTorch's checks that an in-place write does not read what it writes (ATen's MemoryOverlap).

A write into a view that covers some memory twice (an expanded one) is refused; so is a write that
reads a tensor sharing part of the written memory, unless both are the very same view: the answer
would depend on the order the elements are visited in. Views whose elements do not fill one block of
memory are "too hard" for PyTorch, which lets them pass; so do they here. Arrays are NumPy or CuPy
arrays (a tensor's `_raw()`).
"""
from __future__ import annotations

from typing import Any

_SHARED = ("unsupported operation: some elements of the input tensor and the written-to tensor refer to a single "
           "memory location. Please clone() the tensor before performing the operation.")
_INTERNAL = ("unsupported operation: more than one element of the written-to tensor refers to a single memory "
             "location. Please clone() the tensor before performing the operation.")


def check_elementwise(out: Any, inputs: tuple) -> None:
    """Before an op writes into array `out` from `inputs` (arrays, or None for numbers): TensorIterator's checks."""
    if _internal(out):
        raise RuntimeError(_INTERNAL)
    for x in inputs:
        if x is not None and _overlap(out, x) == "partial":
            raise RuntimeError(_SHARED)


def check_index_put(out: Any, values: Any, same: bool = False) -> None:
    """Before `out[index arrays] = values`: index_put_ refuses values sharing any of out's memory, or
    being out's very tensor (`same`), even an empty one."""
    if same or _overlap(out, values) in ("partial", "full"):
        raise RuntimeError(_SHARED)


def check_copy_of_one(out: Any, value: Any) -> None:
    """Before copying one element (not 0-dim) expanded to out's shape: PyTorch's expand steps every dim
    by 0, so a one-element `out` at the same place is a partial overlap (a longer one is "too hard")."""
    if out.size == 1 and value.size == 1 and _pointer(out) == _pointer(value):
        raise RuntimeError(_SHARED)


def _pointer(a: Any) -> int:
    return int(a.__array_interface__["data"][0]) if hasattr(a, "__array_interface__") else int(a.data.ptr)


def _steps(a: Any) -> tuple:
    return tuple(s // a.itemsize for s in a.strides)


def _torch_steps(a: Any) -> tuple:
    """The steps PyTorch gives a view: a new dim of size 1 steps over the dims after it (NumPy's step 0)."""
    out: list = []
    after = 1
    for step, n in zip(reversed(_steps(a)), reversed(a.shape)):
        step = after if n == 1 and step == 0 else step
        out.append(step)
        after = step * n
    return tuple(reversed(out))


def _dense(a: Any) -> bool:
    """PyTorch's is_non_overlapping_and_dense: the elements fill one block of memory, dims in some order."""
    need = 1
    for step, n in sorted((s, n) for s, n in zip(_steps(a), a.shape) if n >= 2):
        if step != need:
            return False
        need *= n
    return True


def _internal(a: Any) -> bool:
    return a.size > 0 and not _dense(a) and any(s == 0 and n > 1 for s, n in zip(_steps(a), a.shape))


def _overlap(a: Any, b: Any) -> str:
    """PyTorch's get_overlap_status: "no", "full" (the same view), "partial", or "too hard" (not dense)."""
    if a.size == 0 or b.size == 0:
        return "no"
    if not (_dense(a) and _dense(b)):
        return "too hard"
    a0, b0 = _pointer(a), _pointer(b)
    a1, b1 = a0 + a.size * a.itemsize, b0 + b.size * b.itemsize
    if a0 == b0 and a1 == b1:
        return "full" if _torch_steps(a) == _torch_steps(b) else "partial"
    return "partial" if a0 < b1 and b0 < a1 else "no"
