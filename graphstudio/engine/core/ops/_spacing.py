"""The values of `arange` and `linspace`, bit for bit as PyTorch's CPU kernels compute them.

PyTorch's x86 build compiles these kernels with FMA, so `start + step * i` is one fused
multiply-add (a single rounding), and `arange` fills 32-byte vectors from a base rounded to
the element type. NumPy has no fused multiply-add, so `fma` rebuilds a correctly rounded one
from error-free transformations (Dekker's product, Knuth's sum, rounding to odd).
"""
from __future__ import annotations

import numpy as np

_SPLITTER = 134217729.0  # 2**27 + 1: Veltkamp's split of a double into two 26-bit halves
_VECTOR_BYTES = 32  # the AVX2 vector PyTorch's range kernels fill
_BLOCK = 1 << 16  # elements computed at a time, so the temporaries stay small beside the result


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = a + b
    b_part = s - a
    return s, (a - (s - b_part)) + (b - b_part)


def _two_prod(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = a * b
    ca, cb = _SPLITTER * a, _SPLITTER * b
    a_hi, b_hi = ca - (ca - a), cb - (cb - b)
    a_lo, b_lo = a - a_hi, b - b_hi
    return p, ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


def _round_to_odd(s: np.ndarray, err: np.ndarray) -> np.ndarray:
    """`s + err` rounded to odd: inexact results get an odd last bit, so a later rounding is correct."""
    nudge = (err != 0) & ((s.view(np.int64) & 1) == 0)
    return np.where(nudge, np.nextafter(s, np.where(err > 0, np.inf, -np.inf)), s)


def fma(a, b, c, dtype: type = np.float64) -> np.ndarray:
    """`a * b + c` rounded once to `dtype` (float64, or float32 for float32 `a` and `b`, whose
    product is exact in float64)."""
    a, b, c = (np.asarray(v, np.float64) for v in (a, b, c))
    with np.errstate(all="ignore"):
        high, low = _two_prod(a, b)
        total, total_err = _two_sum(c, high)
        if dtype == np.float32:
            return _round_to_odd(total, total_err).astype(np.float32)
        tail, tail_err = _two_sum(low, total_err)
        return total + _round_to_odd(tail, tail_err)


def arange_values(start: float, step: float, n: int, dtype: np.dtype) -> np.ndarray:
    """`start + step * i` in the accumulate type (float64 for both float types, int64 for integers).

    PyTorch fills the output two vectors at a time: each vector's first value is computed as above
    and rounded to the element type, the rest are `base + k * step`; the tail that fills no pair of
    vectors is computed element by element.
    """
    dtype = np.dtype(dtype)
    out = np.empty(n, dtype)
    width = _VECTOR_BYTES // dtype.itemsize
    vectorised = n - n % (2 * width)  # (_BLOCK is a multiple of every vector width)
    for low in range(0, n, _BLOCK):
        index = np.arange(low, min(n, low + _BLOCK))
        if dtype.kind != "f":
            out[low:low + len(index)] = int(start) + int(step) * index
            continue
        block = fma(step, index.astype(np.float64), start).astype(dtype)
        in_vectors = index < vectorised
        if in_vectors.any():
            lane = (index % width)[in_vectors]
            base = fma(step, (index[in_vectors] - lane).astype(np.float64), start).astype(dtype)
            block[in_vectors] = fma(lane.astype(np.float64), step, base).astype(dtype)
        out[low:low + len(index)] = block
    return out


def linspace_values(start: float, end: float, steps: int, dtype: np.dtype) -> np.ndarray:
    """PyTorch's two-sided formula: the first half counts up from `start`, the second half down from
    `end`, so both ends are exact; floats compute in their own type, integers in float64."""
    dtype = np.dtype(dtype)
    if steps == 1:
        return np.array([start], dtype)
    compute = dtype.type if dtype.kind == "f" else np.float64
    first, last = (compute(v) if dtype.kind == "f" else compute(int(v)) for v in (start, end))
    step = compute((last - first) / compute(steps - 1))
    half = steps // 2
    out = np.empty(steps, dtype)
    for low in range(0, steps, _BLOCK):
        index = np.arange(low, min(steps, low + _BLOCK))
        up = index < half
        block = np.where(up, fma(step, index.astype(compute), first, compute),
                         fma(-step, (steps - 1 - index).astype(compute), last, compute))
        out[low:low + len(index)] = block.astype(dtype)
    return out
