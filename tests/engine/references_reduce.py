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


def _var(a, dim=None, unbiased=True, keepdim=False, correction=None):
    a = np.asarray(a, dtype=float) if np.asarray(a).dtype.kind != "f" else np.asarray(a)
    ddof = correction if correction is not None else (1 if unbiased else 0)
    axis = _axis(dim, a.ndim)
    n = a.size if axis is None else int(np.prod([a.shape[d] for d in np.atleast_1d(axis)]))
    with np.errstate(divide="ignore", invalid="ignore"):
        ss = np.sum((a - np.mean(a, axis=axis, keepdims=True)) ** 2, axis=axis, keepdims=keepdim)
        return ss / max(n - ddof, 0)


def _logical(fn):
    def ref(a, dim=None, keepdim=False):
        a = np.asarray(a)
        return fn(a != 0, axis=_axis(dim, a.ndim), keepdims=keepdim)
    return ref


def _aextreme(fn):
    def ref(a, dim=None, keepdim=False):
        a = np.asarray(a)
        return fn(a, axis=_axis(dim, a.ndim), keepdims=keepdim)
    return ref


def _logsumexp(a, dim=None, keepdim=False):
    a = np.asarray(a)
    a = a if a.dtype.kind == "f" else a.astype(np.float32)
    axis = _axis(dim, a.ndim)
    m = np.max(a, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return out if keepdim else np.squeeze(out, axis=axis)


def _cumsum(a, dim=0):
    a = np.asarray(a)
    if a.dtype.kind in "biu":
        a = a.astype(np.int64)
    return a.copy() if a.ndim == 0 else np.cumsum(a, axis=dim)


def _sort(a, dim=-1, descending=False, stable=False):
    a = np.asarray(a)
    if a.ndim == 0:
        return a, np.int64(0)
    idx = np.argsort(-a if descending else a, axis=dim, kind="stable")
    return np.take_along_axis(a, idx, axis=dim), idx


def _topk(a, k=1, dim=-1, largest=True, sorted=True):
    values, idx = _sort(a, dim, descending=largest)
    sl = [slice(None)] * np.ndim(a)
    sl[dim] = slice(0, k)
    return values[tuple(sl)], idx[tuple(sl)]


def _median(a, dim=None, keepdim=False):
    a = np.asarray(a)
    if dim is None:
        return np.sort(a.reshape(-1))[(a.size - 1) // 2]
    idx = np.argsort(a, axis=dim, kind="stable")
    mid = (a.shape[dim] - 1) // 2
    pick = np.take(idx, [mid], axis=dim)
    values = np.take_along_axis(a, pick, axis=dim)
    if not keepdim:
        values, pick = np.squeeze(values, dim), np.squeeze(pick, dim)
    return values, pick


def _count_nonzero(a, dim=None):
    a = np.asarray(a)
    return np.count_nonzero(a, axis=_axis(dim, a.ndim)).astype(np.int64)


def _trace(a):
    a = np.asarray(a)
    return np.trace(a.astype(np.int64) if a.dtype.kind in "biu" else a)


REFS = {
    "sum": _sum,
    "mean": _mean,
    "prod": _prod,
    "max": _extreme(np.max, np.argmax),
    "min": _extreme(np.min, np.argmin),
    "argmax": _arg(np.argmax),
    "argmin": _arg(np.argmin),
    "norm": _norm,
    "var": _var,
    "std": lambda *a, **k: np.sqrt(_var(*a, **k)),
    "all": _logical(np.all),
    "any": _logical(np.any),
    "amax": _aextreme(np.max),
    "amin": _aextreme(np.min),
    "logsumexp": _logsumexp,
    "cumsum": _cumsum,
    "sort": _sort,
    "argsort": lambda *a, **k: _sort(*a, **k)[1],
    "topk": _topk,
    "median": _median,
    "count_nonzero": _count_nonzero,
    "trace": _trace,
}
