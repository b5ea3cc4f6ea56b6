"""Plain NumPy references for every op, written independently of the engine.

Each takes the sample's inputs (arrays or numbers, variadic ports as a list) and
params, and returns the expected output (a tuple for ops with several outputs).
"""
from __future__ import annotations

import numpy as np


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _linear(x, w, b=None):
    y = x @ w.T
    return y if b is None else y + b


def _to(x, device=None, dtype=None):
    return x if dtype is None else x.astype(dtype)


def _square(a):
    a = np.asarray(a)
    return (a.astype(np.int64) if a.dtype == bool else a) ** 2


def _round(a, decimals=0):
    return np.round(a, decimals)


def _masked_fill(a, mask, value):
    return np.where(mask, np.asarray(value).astype(np.asarray(a).dtype), a)


def _float(a):
    a = np.asarray(a)
    return a if a.dtype.kind == "f" else a.astype(np.float32)


def _erf(x):
    from math import erf
    return np.vectorize(erf)(x)


def _gelu(a, approximate="none"):
    a = _float(a)
    if approximate == "tanh":
        return 0.5 * a * (1 + np.tanh(np.sqrt(2 / np.pi) * (a + 0.044715 * a ** 3)))
    return 0.5 * a * (1 + _erf(a / np.sqrt(2)))


def _isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def _softplus(a, beta=1.0, threshold=20.0):
    a = _float(a)
    return np.where(a * beta > threshold, a, np.log1p(np.exp(np.minimum(a * beta, threshold))) / beta)


REFERENCES = {
    "add": lambda a, b, alpha=1: a + alpha * b,
    "sub": lambda a, b, alpha=1: a - alpha * b,
    "rsub": lambda a, b, alpha=1: b - alpha * a,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: np.power(a, b),
    "neg": lambda a: -a,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "sin": np.sin,
    "cos": np.cos,
    "relu": lambda a: np.maximum(a, 0),
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "clamp": lambda a, min=None, max=None: np.clip(a, min, max),
    "where": lambda c, a, b: np.where(c, a, b),
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b, "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
    "maximum": np.maximum,
    "minimum": np.minimum,
    "mm": lambda a, b: a @ b,
    "bmm": lambda a, b: a @ b,
    "matmul": np.matmul,
    "linear": _linear,
    "log1p": lambda a: np.log1p(np.asarray(a, dtype=float) if np.asarray(a).dtype.kind != "f" else a),
    "expm1": lambda a: np.expm1(np.asarray(a, dtype=float) if np.asarray(a).dtype.kind != "f" else a),
    "square": _square,
    "reciprocal": lambda a: 1.0 / np.asarray(a, dtype=float) if np.asarray(a).dtype.kind != "f" else 1.0 / a,
    "sign": lambda a: np.asarray(a) if np.asarray(a).dtype == bool else np.sign(a),
    "floor": np.floor,
    "ceil": np.ceil,
    "round": _round,
    "masked_fill": _masked_fill,
    "clamp_tensor": lambda a, lo, hi: np.minimum(np.maximum(a, lo) if lo is not None else a, hi)
    if hi is not None else np.maximum(a, lo),
    "lerp": lambda a, end, weight: a + np.asarray(weight) * (end - a),
    "dot": lambda a, b: np.dot(a, b),
    "outer": np.outer,
    "mv": lambda a, v: a @ v,
    "log2": lambda a: np.log2(_float(a)),
    "log10": lambda a: np.log10(_float(a)),
    "tan": lambda a: np.tan(_float(a)),
    "rsqrt": lambda a: 1 / np.sqrt(_float(a)),
    "trunc": lambda a: np.asarray(a) if np.asarray(a).dtype == bool else np.trunc(a),
    "frac": lambda a: a - np.trunc(a),
    "floor_divide": np.floor_divide,
    "remainder": np.remainder,
    "fmod": np.fmod,
    "bitwise_and": np.bitwise_and, "bitwise_or": np.bitwise_or, "bitwise_xor": np.bitwise_xor,
    "bitwise_not": np.invert,
    "logical_and": np.logical_and, "logical_or": np.logical_or, "logical_xor": np.logical_xor,
    "logical_not": np.logical_not,
    "isnan": np.isnan, "isinf": np.isinf, "isfinite": np.isfinite,
    "isclose": _isclose,
    "leaky_relu": lambda a, negative_slope=0.01: np.where(a > 0, a, a * negative_slope),
    "elu": lambda a, alpha=1.0: np.where(a > 0, a, alpha * np.expm1(np.minimum(a, 0))),
    "gelu": _gelu,
    "silu": lambda a: a / (1 + np.exp(-a)),
    "softplus": _softplus,
    "hardtanh": lambda a, min_val=-1.0, max_val=1.0: np.clip(a, min_val, max_val),
    "detach": lambda a: a,
    "to": _to,
    "bernoulli": lambda a, p=None: a,  # the samples are probabilities of exactly 0 and 1
}

from tests.engine.references_conv import REFS as _CONV  # noqa: E402
from tests.engine.references_nn import REFS as _NN  # noqa: E402
from tests.engine.references_reduce import REFS as _REDUCE  # noqa: E402
from tests.engine.references_shape import REFS as _SHAPE  # noqa: E402

REFERENCES.update(_SHAPE)
REFERENCES.update(_REDUCE)
REFERENCES.update(_NN)
REFERENCES.update(_CONV)
