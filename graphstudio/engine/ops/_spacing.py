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
    index = np.arange(n)
    if dtype.kind != "f":
        return (int(start) + int(step) * index).astype(dtype)
    out = fma(step, index.astype(np.float64), start).astype(dtype)
    width = _VECTOR_BYTES // dtype.itemsize
    vectorised = n - n % (2 * width) if n >= 2 * width else 0
    if vectorised:
        lane = index[:vectorised] % width
        base = out[:vectorised][index[:vectorised] - lane].astype(np.float64)
        out[:vectorised] = fma(lane.astype(np.float64), step, base).astype(dtype)
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
    up = fma(step, np.arange(half, dtype=compute), first, compute)
    down = fma(-step, np.arange(steps - half - 1, -1, -1, dtype=compute), last, compute)
    return np.concatenate([up, down]).astype(dtype)
