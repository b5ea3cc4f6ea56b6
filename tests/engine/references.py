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


REFERENCES = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
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
    "detach": lambda a: a,
    "to": _to,
}

from .references_nn import REFS as _NN  # noqa: E402
from .references_reduce import REFS as _REDUCE  # noqa: E402
from .references_shape import REFS as _SHAPE  # noqa: E402

REFERENCES.update(_SHAPE)
REFERENCES.update(_REDUCE)
REFERENCES.update(_NN)
