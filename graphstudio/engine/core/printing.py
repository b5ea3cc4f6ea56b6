"""`repr(tensor)` as PyTorch prints it, so a lesson's printout matches the student's notes.

A port of PyTorch's `torch/_tensor_str.py` (default print options) onto NumPy arrays: one
number format for the whole tensor, chosen from its non-zero finite values — whole numbers as
`1.`, otherwise four decimals, or scientific notation when the magnitudes span too much — and
every element right-aligned to the widest. Tensors over 1000 elements are summarised with
`...` (3 items at each end), and the suffixes (`dtype=`, `grad_fn=`) wrap at 80 columns.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

THRESHOLD = 1000
EDGE = 3
LINEWIDTH = 80
PRECISION = 4
SCI_MODE: bool | None = None  # None: chosen per tensor

_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}


def set_printoptions(precision: int | None = None, threshold: float | None = None, edgeitems: int | None = None,
                     linewidth: int | None = None, profile: str | None = None, sci_mode: bool | None = None) -> None:
    """torch.set_printoptions: digits, summarising threshold and edge items, line width, scientific mode."""
    global PRECISION, THRESHOLD, EDGE, LINEWIDTH, SCI_MODE
    if profile is not None:
        PRECISION, THRESHOLD, EDGE, LINEWIDTH = _PROFILES[profile]
    if precision is not None:
        PRECISION = precision
    if threshold is not None:
        THRESHOLD = threshold
    if edgeitems is not None:
        EDGE = edgeitems
    if linewidth is not None:
        LINEWIDTH = linewidth
    SCI_MODE = sci_mode


class _Formatter:
    """PyTorch's `_Formatter`: the mode (int / fixed / scientific) and the width of every element."""

    def __init__(self, values: np.ndarray):
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = values.reshape(-1)
        if not self.floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(str(v)))
            return
        finite = flat[np.isfinite(flat) & (flat != 0)]
        if finite.size == 0:
            return
        vals = finite.tolist()
        absolute = np.abs(finite.astype(np.float64))
        lo, hi = float(absolute.min()), float(absolute.max())
        self.int_mode = all(v == math.ceil(v) for v in vals)
        self.sci_mode = (hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4) if SCI_MODE is None else SCI_MODE
        if self.sci_mode:
            width = max(len(f"{v:.{PRECISION}e}") for v in vals)
        elif self.int_mode:
            width = max(len(f"{v:.0f}") + 1 for v in vals)
        else:
            width = max(len(f"{v:.{PRECISION}f}") for v in vals)
        self.max_width = max(self.max_width, width)

    def format(self, value: Any) -> str:
        if self.floating:
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{PRECISION}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{PRECISION}f}"
        else:
            ret = str(value)
        return (self.max_width - len(ret)) * " " + ret


def _summarized(a: np.ndarray) -> np.ndarray:
    """The elements that will be printed (the edges only), as PyTorch's `get_summarized_data`."""
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        return np.concatenate([a[:EDGE], a[-EDGE:]]) if a.shape[0] > 2 * EDGE else a
    rows = range(a.shape[0]) if a.shape[0] <= 2 * EDGE else [*range(EDGE), *range(a.shape[0] - EDGE, a.shape[0])]
    return np.stack([_summarized(a[i]) for i in rows])


def _vector(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    per_line = max(1, math.floor((LINEWIDTH - indent) / (fmt.max_width + 2)))
    if summarize and a.shape[0] > 2 * EDGE:
        data = [fmt.format(v) for v in a[:EDGE].tolist()] + [" ..."] + [fmt.format(v) for v in a[-EDGE:].tolist()]
    else:
        data = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _body(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector(a, indent, summarize, fmt)
    n = a.shape[0]
    if summarize and n > 2 * EDGE:
        rows = ([_body(a[i], indent + 1, summarize, fmt) for i in range(EDGE)] + ["..."]
                + [_body(a[i], indent + 1, summarize, fmt) for i in range(n - EDGE, n)])
    else:
        rows = [_body(a[i], indent + 1, summarize, fmt) for i in range(n)]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def format_array(a: np.ndarray, indent: int = 7) -> str:
    """The bracketed values of a tensor whose text starts `indent` columns in."""
    if a.size == 0:
        return "[]"
    summarize = a.size > THRESHOLD
    fmt = _Formatter(_summarized(a) if summarize else a)
    return _body(a, indent, summarize, fmt)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    parts = [text]
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > LINEWIDTH:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def format_tensor(t: Any) -> str:
    a = t.host()
    prefix = "tensor("
    suffixes = []
    if t.device.type != "cpu":
        suffixes.append(f"device='{t.device}'")
    name = t.dtype.name
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if name != "float32":
            suffixes.append(f"dtype={t.dtype!r}")
    elif name not in ("float32", "int64", "bool"):
        suffixes.append(f"dtype={t.dtype!r}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + format_array(a, len(prefix)), suffixes, len(prefix))
