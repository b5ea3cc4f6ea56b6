"""The headless runner's report: a readable table, or the JSON object of the spec."""
from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from .engine.runner import Runner
from .engine.tensor import Tensor


def _plain(x: Any) -> Any:
    """JSON-safe values: non-finite floats become the strings "nan", "inf", "-inf"."""
    if isinstance(x, list):
        return [_plain(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    return x


def tensor_record(t: Tensor) -> dict[str, Any]:
    grad = t.grad
    return {
        "shape": list(t.shape),
        "dtype": t.dtype.name,
        "value": _plain(t.host().tolist()),
        "grad": None if grad is None else _plain(grad.host().tolist()),
        "requires_grad": t.requires_grad,
        "is_leaf": t.is_leaf,
        "grad_fn": None if t.grad_fn is None else t.grad_fn.name(),
    }


def report(runner: Runner) -> dict[str, Any]:
    return {
        "graphstudio": 1,
        "device": str(runner.backend.device),
        "steps": len(runner.history),
        "outputs": {k: tensor_record(t) for k, t in runner.outputs().items()},
        "history": runner.history,
    }


def to_json(runner: Runner) -> str:
    return json.dumps(report(runner), ensure_ascii=False)


def _abridge(a: np.ndarray | None, width: int = 36) -> str:
    if a is None:
        return "-"
    text = np.array2string(a, precision=4, threshold=12, edgeitems=2, max_line_width=10_000, separator=", ")
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def to_table(runner: Runner) -> str:
    rows = [("output", "shape", "dtype", "grad_fn", "value", "grad")]
    for key, t in runner.outputs().items():
        rows.append((key, str(list(t.shape)), t.dtype.name, t.grad_fn.name() if t.grad_fn is not None else "-",
                     _abridge(t.host()), _abridge(None if t.grad is None else t.grad.host())))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    losses = [h["loss"] for h in runner.history if h["loss"]]
    if losses:
        first, last = losses[0], losses[-1]
        for name in last:
            lines.append(f"\nloss ({name}): {first[name]:.6g} at step 1 → {last[name]:.6g} at step {len(runner.history)}")
    return "\n".join(lines)
