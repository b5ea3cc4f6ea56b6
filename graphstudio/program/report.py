"""The headless runner's report: a readable table, or the JSON object of the spec.

The JSON report has one history entry per step however long the run: the runner keeps only a
bounded summary, so ``HistorySpool`` takes each entry as it is made and keeps the text in a
temporary file past its first MB; ``write_json`` copies it into the object.
"""
from __future__ import annotations

import json
import math
import shutil
import tempfile
from typing import IO, Any

import numpy as np

from graphstudio.engine.core.tensor import Tensor

from .runner import Runner


def _plain(x: Any) -> Any:
    """JSON-safe values: non-finite floats become the strings "nan", "inf", "-inf"."""
    if isinstance(x, list):
        return [_plain(v) for v in x]
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
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


def optimizer_state(runner: Runner) -> dict[str, dict[str, dict[str, Any]]]:
    """Per optimizer node id, per leaf id it updates: its state under PyTorch's names (``step`` a count)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for opt_id, opt in runner.optimizers.items():
        per_leaf = out[opt_id] = {}
        if opt is None:
            continue
        for leaf_id, leaf in runner.leaves.items():
            state = opt.state.get(leaf)
            if state:
                per_leaf[leaf_id] = {k: int(v) if k == "step" else _plain(runner.backend.to_numpy(v).tolist())
                                     for k, v in state.items()}
    return out


def report(runner: Runner) -> dict[str, Any]:
    """The spec's JSON object; ``history`` holds the entries the runner kept (every step's while
    the run is shorter than the history's bound; ``write_json`` gives every step's always)."""
    out = {
        "graphstudio": 1,
        "device": str(runner.backend.device),
        "steps": len(runner.history),
        "outputs": {k: tensor_record(t) for k, t in runner.outputs().items()},
        "history": [_plain(h) for h in runner.history],
    }
    if runner.optimizers:
        out["state"] = optimizer_state(runner)
    return out


class HistorySpool:
    """Every history entry as JSON text, in memory for the first MB and in a temporary file after."""

    def __init__(self) -> None:
        self.file: IO[str] = tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8")
        self.count = 0

    def add(self, entry: dict[str, Any]) -> None:
        self.file.write(("," if self.count else "") + json.dumps(_plain(entry), ensure_ascii=False))
        self.count += 1

    def __enter__(self) -> HistorySpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()


def write_json(runner: Runner, out: IO[str], spool: HistorySpool) -> None:
    """The report as one JSON object on ``out``, with every step's history entry from ``spool``."""
    obj = report(runner)
    del obj["history"]
    state = obj.pop("state", None)
    out.write(json.dumps(obj, ensure_ascii=False)[:-1] + ', "history": [')
    spool.file.seek(0)
    shutil.copyfileobj(spool.file, out)
    out.write("]" + ("" if state is None else ', "state": ' + json.dumps(state, ensure_ascii=False)) + "}\n")


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
