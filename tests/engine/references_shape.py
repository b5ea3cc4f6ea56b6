"""NumPy references for ops/shape.py, written independently of the engine."""
from __future__ import annotations

import numpy as np


def _flatten(a, start_dim=0, end_dim=-1):
    if a.ndim == 0:
        return a.reshape(1)
    s, e = start_dim % a.ndim, end_dim % a.ndim
    return a.reshape(a.shape[:s] + (int(np.prod(a.shape[s:e + 1])),) + a.shape[e + 1:])


def _squeeze(a, dim=None):
    if dim is None:
        return np.squeeze(a)
    dims = dim if isinstance(dim, (list, tuple)) else (dim,)
    axes = tuple(d % max(a.ndim, 1) for d in dims if a.ndim and a.shape[d] == 1)
    return np.squeeze(a, axis=axes) if axes else a


def _expand(a, size):
    size = list(size)
    lead = len(size) - a.ndim
    for i in range(a.ndim):
        if size[lead + i] == -1:
            size[lead + i] = a.shape[i]
    return np.broadcast_to(a, tuple(size))


def _split(tensor, split_size_or_sections, dim=0):
    n = tensor.shape[dim]
    if isinstance(split_size_or_sections, (list, tuple)):
        cuts = np.cumsum(split_size_or_sections)[:-1]
    else:
        cuts = list(range(split_size_or_sections, n, split_size_or_sections))
    return tuple(np.split(tensor, cuts, axis=dim))


def _chunk(input, chunks, dim=0):
    n = input.shape[dim]
    return _split(input, -(-n // chunks), dim)


# -- x[index], PyTorch's way: ints / slices / None first (one view), then the index arrays ----------
def _json_item(v):
    if isinstance(v, str):
        if v == "...":
            return Ellipsis
        if ":" in v:
            return slice(*[int(p) if p else None for p in v.split(":")])
        return int(v)
    return v


def _index(x, index):
    items = [_json_item(v) for v in index] if isinstance(index, (list, tuple)) else [_json_item(index)]
    # count the dims the items use, to expand "..."
    used = 0
    for v in items:
        if isinstance(v, (int, slice)) and not isinstance(v, bool):
            used += 1
        elif isinstance(v, (list, tuple, np.ndarray)):
            arr = np.asarray(v)
            used += arr.ndim if arr.dtype == bool else 1
    basic, later = [], []  # `later`: per dim after basic indexing, the array index or a full slice
    for v in items:
        if v is Ellipsis:
            basic += [slice(None)] * (x.ndim - used)
            later += [slice(None)] * (x.ndim - used)
        elif v is None:
            basic.append(None)
            later.append(slice(None))
        elif isinstance(v, bool):
            basic.append(None)
            later.append(np.arange(1 if v else 0))
        elif isinstance(v, (int, slice)):
            basic.append(v)
            if isinstance(v, slice):
                later.append(slice(None))
        else:
            arr = np.asarray(v)
            if arr.dtype == bool:
                basic += [slice(None)] * arr.ndim
                later += list(np.nonzero(arr))
            else:
                basic.append(slice(None))
                later.append(arr.astype(np.int64))
    y = x[tuple(basic)]
    if any(isinstance(v, np.ndarray) for v in later):
        y = y[tuple(later) + (Ellipsis,)]
    return np.asarray(y)


def _setitem(x, values, index):
    """x[index] = values, PyTorch's way: the flat positions `_index` picks get the broadcast values."""
    x = np.array(x, copy=True)
    pos = _index(np.arange(x.size).reshape(x.shape), index)
    v = np.asarray(values, dtype=x.dtype)
    while v.ndim > pos.ndim and v.shape[0] == 1:
        v = v[0]
    flat = x.reshape(-1)
    flat[pos.reshape(-1)] = np.broadcast_to(v, pos.shape).reshape(-1)
    return flat.reshape(x.shape)


def _repeat(a, repeats):
    a = np.asarray(a)
    return np.tile(a.reshape((1,) * (len(repeats) - a.ndim) + a.shape), repeats)


def _diag(a, diagonal=0):
    return np.diag(a, k=diagonal)


REFS = {
    "t": lambda a: a.T,
    "transpose": lambda a, dim0, dim1: np.swapaxes(a, dim0, dim1),
    "permute": lambda a, dims: np.transpose(a, dims),
    "view": lambda a, shape: np.reshape(a, shape),
    "reshape": lambda a, shape: np.reshape(a, shape),
    "flatten": _flatten,
    "squeeze": _squeeze,
    "unsqueeze": lambda a, dim: np.expand_dims(a, dim if dim >= 0 else dim + a.ndim + 1),
    "contiguous": lambda a: np.array(a, copy=True),
    "clone": lambda a: np.array(a, copy=True),
    "expand": _expand,
    "cat": lambda tensors, dim=0: np.concatenate(tensors, axis=dim),
    "stack": lambda tensors, dim=0: np.stack(tensors, axis=dim),
    "split": _split,
    "chunk": _chunk,
    "index": _index,
    "setitem": _setitem,
    "repeat": _repeat,
    "flip": lambda a, dims: np.flip(a, axis=tuple(dims)),
    "unbind": lambda input, dim=0: tuple(np.moveaxis(np.asarray(input), dim, 0)),
    "one_hot": lambda input, num_classes: np.eye(num_classes, dtype=np.int64)[input],
    "tril": lambda a, diagonal=0: np.tril(a, k=diagonal),
    "triu": lambda a, diagonal=0: np.triu(a, k=diagonal),
    "diag": _diag,
    "index_select": lambda a, index, dim: np.take(np.reshape(a, (1,)) if np.ndim(a) == 0 else a,
                                                  np.reshape(index, (-1,)), axis=dim).reshape(
        () if np.ndim(a) == 0 else tuple(np.shape(a)[:dim % max(np.ndim(a), 1)]) + (np.size(index),)
        + tuple(np.shape(a)[dim % max(np.ndim(a), 1) + 1:])),
    "gather": lambda a, index, dim: np.take_along_axis(
        a[tuple(slice(0, n) if k != dim else slice(None) for k, n in enumerate(np.shape(index)))], np.asarray(index), dim),
}
