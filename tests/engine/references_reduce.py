"""NumPy references for ops/reduce.py, written independently of the engine."""
from __future__ import annotations

import numpy as np


def _axis(dim, ndim):
    """PyTorch's dim (None, int, list; [] = all) as a NumPy axis; on 0-dim arrays nothing is reduced."""
    if dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0):
        return None
    if ndim == 0:
        return ()
    return tuple(dim) if isinstance(dim, (list, tuple)) else dim


def _sum(a, dim=None, keepdim=False):
    a = np.asarray(a)
    if a.dtype.kind in "biu":
        a = a.astype(np.int64)
    return np.sum(a, axis=_axis(dim, a.ndim), keepdims=keepdim)


def _mean(a, dim=None, keepdim=False):
    return np.mean(a, axis=_axis(dim, np.ndim(a)), keepdims=keepdim)


def _prod(a, dim=None, keepdim=False):
    a = np.asarray(a)
    if a.dtype.kind in "biu":
        a = a.astype(np.int64)
    return np.prod(a, axis=_axis(dim, a.ndim), keepdims=keepdim)


def _extreme(values, index):
    def fn(a, dim=None, keepdim=False):
        a = np.asarray(a)
        if dim is None:
            return values(a)
        if a.ndim == 0:
            return a, np.int64(0)
        return (values(a, axis=dim, keepdims=keepdim),
                index(a, axis=dim, keepdims=keepdim).astype(np.int64))
    return fn


def _arg(index):
    def fn(a, dim=None, keepdim=False):
        a = np.asarray(a)
        if dim is None:
            i = index(a.reshape(-1))
            return np.full((1,) * a.ndim, i, dtype=np.int64) if keepdim else np.int64(i)
        if a.ndim == 0:
            return np.int64(0)
        return index(a, axis=dim, keepdims=keepdim).astype(np.int64)
    return fn


def _norm(a, p=2.0, dim=None, keepdim=False):
    a = np.asarray(a)
    axis = _axis(dim, a.ndim)
    x = np.abs(a)
    if p == np.inf:
        return np.max(x, axis=axis, keepdims=keepdim)
    if p == -np.inf:
        return np.min(x, axis=axis, keepdims=keepdim)
    if p == 0:
        return np.sum(x != 0, axis=axis, keepdims=keepdim).astype(a.dtype)
    return np.power(np.sum(np.power(x, p), axis=axis, keepdims=keepdim), 1.0 / p)


REFS = {
    "sum": _sum,
    "mean": _mean,
    "prod": _prod,
    "max": _extreme(np.max, np.argmax),
    "min": _extreme(np.min, np.argmin),
    "argmax": _arg(np.argmax),
    "argmin": _arg(np.argmin),
    "norm": _norm,
}
