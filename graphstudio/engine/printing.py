"""`repr(tensor)` as PyTorch prints it, so a lesson's printout matches the student's notes.

One number format is chosen for the whole tensor: whole numbers as `1.`, otherwise
four decimals, or scientific notation when the magnitudes span too much.
Tensors over 1000 elements are summarised with `...` (3 items at each end).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

THRESHOLD = 1000
EDGE = 3
LINEWIDTH = 80


def _formatter(values: np.ndarray) -> Callable[[Any], str]:
    if values.dtype == np.bool_:
        return lambda v: "True" if v else "False"
    if values.dtype.kind in "iu":
        return lambda v: str(int(v))
    finite = values[np.isfinite(values)]
    nonzero = np.abs(finite[finite != 0])
    whole = finite.size == 0 or bool(np.all(finite == np.round(finite)))
    if nonzero.size:
        lo, hi = float(nonzero.min()), float(nonzero.max())
        sci = hi / lo > 1000.0 or hi > 1e8 or lo < 1e-4
    else:
        sci = False
    if whole and not (nonzero.size and float(nonzero.max()) > 1e8):
        return lambda v: f"{v:.0f}." if np.isfinite(v) else str(float(v))
    if sci:
        return lambda v: f"{v:.4e}" if np.isfinite(v) else str(float(v))
    return lambda v: f"{v:.4f}" if np.isfinite(v) else str(float(v))


def _shown(a: np.ndarray, summarize: bool) -> np.ndarray:
    """The elements that will be printed (the edges only, when summarising), flattened."""
    if not summarize or a.ndim == 0:
        return a.reshape(-1)
    parts = []

    def walk(x: np.ndarray) -> None:
        if x.ndim == 1:
            parts.append(x if x.shape[0] <= 2 * EDGE else np.concatenate([x[:EDGE], x[-EDGE:]]))
            return
        rows = range(x.shape[0]) if x.shape[0] <= 2 * EDGE else [*range(EDGE), *range(x.shape[0] - EDGE, x.shape[0])]
        for i in rows:
            walk(x[i])

    walk(a)
    return np.concatenate(parts) if parts else a.reshape(-1)


def _body(a: np.ndarray, fmt: Callable[[Any], str], width: int, indent: int, summarize: bool) -> str:
    if a.ndim == 0:
        return fmt(a.item())
    if a.ndim == 1:
        cells = [fmt(v).rjust(width) for v in a.tolist()]
        if summarize and len(cells) > 2 * EDGE:
            cells = cells[:EDGE] + ["..."] + cells[-EDGE:]
        per_line = max(1, (LINEWIDTH - indent) // (width + 2))
        lines = [", ".join(cells[i:i + per_line]) for i in range(0, len(cells), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    n = a.shape[0]
    idx = list(range(n))
    if summarize and n > 2 * EDGE:
        idx = [*range(EDGE), None, *range(n - EDGE, n)]
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    rows = ["..." if i is None else _body(a[i], fmt, width, indent + 1, summarize) for i in idx]
    return "[" + sep.join(rows) + "]"


def format_array(a: np.ndarray, indent: int = 7) -> str:
    summarize = a.size > THRESHOLD
    if a.size == 0:
        return "[]"
    shown = _shown(a, summarize)
    fmt = _formatter(shown)
    width = max(len(fmt(v)) for v in shown.tolist()) if shown.size else 0
    return _body(a, fmt, width, indent, summarize)


def format_tensor(t: Any) -> str:
    a = t.host()
    extras = []
    if a.size == 0 and a.shape != (0,):
        extras.append(f"size={tuple(a.shape)}")
    if t.device.type != "cpu":
        extras.append(f"device='{t.device}'")
    if t.dtype.name not in ("float32", "int64", "bool"):
        extras.append(f"dtype={t.dtype!r}")
    if t.grad_fn is not None:
        extras.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        extras.append("requires_grad=True")
    body = format_array(a)
    return "tensor(" + body + "".join(", " + e for e in extras) + ")"
