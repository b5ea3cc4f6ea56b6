"""The headless runner's report: a readable table, or the JSON object of the spec.

The JSON report has one history entry per step however long the run: the runner keeps only a
bounded summary, so ``HistorySpool`` takes each entry as it is made and keeps the text in a
temporary file past its first MB; ``write_json`` copies it into the object. The object is written
as it is made, one output at a time and a few thousand numbers at a time: a report of a large
tensor needs little more memory than the tensor.
"""
from __future__ import annotations

import io
import json
import math
import shutil
import tempfile
from collections.abc import Callable, Iterable
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


#: Numbers turned into text at a time: a report of a large tensor holds this many Python floats
#: and their text, never the whole tensor's (~60 bytes a number as a list, ~20 as text).
CHUNK = 1 << 16


def _numbers(a: np.ndarray) -> str:
    """A small array as JSON text (non-finite floats as strings)."""
    items = a.tolist()
    if a.dtype.kind in "fc" and not np.isfinite(a).all():
        items = _plain(items)
    return json.dumps(items)


def _items(shape: tuple[int, ...]) -> int:
    """How many lists and numbers ``tolist()`` of an array of ``shape`` makes, about (an empty
    dimension still makes the lists around it)."""
    return math.prod(max(d, 1) for d in shape)


def write_array(a: np.ndarray, out: IO[str]) -> None:
    """``a.tolist()`` as JSON text on ``out``, CHUNK numbers at a time."""
    if a.ndim == 0 or _items(a.shape) <= CHUNK:
        out.write(_numbers(a))
        return
    inner = _items(a.shape[1:])
    group = max(1, CHUNK // inner)
    out.write("[")
    for start in range(0, len(a), group):
        if start:
            out.write(", ")
        if inner > CHUNK:
            write_array(a[start], out)
        else:  # rows side by side: the text of their list without its brackets
            out.write(_numbers(a[start:start + group])[1:-1])
    out.write("]")


def _write_tensor(t: Tensor, out: IO[str]) -> None:
    grad = t.grad
    out.write(f'{{"shape": {json.dumps(list(t.shape))}, "dtype": {json.dumps(t.dtype.name)}, "value": ')
    write_array(t.host(), out)
    out.write(', "grad": ')
    if grad is None:
        out.write("null")
    else:
        write_array(grad.host(), out)
    out.write(f', "requires_grad": {json.dumps(t.requires_grad)}, "is_leaf": {json.dumps(t.is_leaf)}, '
              f'"grad_fn": {json.dumps(None if t.grad_fn is None else t.grad_fn.name())}}}')


def _write_object(items: Iterable[tuple[str, Any]], write_value: Callable[[Any, IO[str]], None],
                  out: IO[str]) -> None:
    """``{key: value, …}`` on ``out``, each value written by ``write_value`` as it comes."""
    out.write("{")
    for i, (key, value) in enumerate(items):
        out.write((", " if i else "") + json.dumps(key, ensure_ascii=False) + ": ")
        write_value(value, out)
    out.write("}")


def _write_state(runner: Runner, out: IO[str]) -> None:
    """Per optimizer node id, per leaf id it updates: its state under PyTorch's names (``step`` a count)."""
    def write_optimizer(opt: Any, out: IO[str]) -> None:
        states = () if opt is None else ((leaf_id, opt.state.get(leaf)) for leaf_id, leaf in runner.leaves.items())
        _write_object(((leaf_id, state) for leaf_id, state in states if state), write_leaf_state, out)

    def write_leaf_state(state: dict[str, Any], out: IO[str]) -> None:
        _write_object(((k, (k, v)) for k, v in state.items()), write_entry, out)

    def write_entry(item: tuple[str, Any], out: IO[str]) -> None:
        key, v = item
        if key == "step":
            out.write(str(int(v)))
        else:
            write_array(np.asarray(runner.backend.to_numpy(v)), out)

    _write_object(runner.optimizers.items(), write_optimizer, out)


def write_json(runner: Runner, out: IO[str], spool: HistorySpool | None = None) -> None:
    """The spec's JSON object on ``out``, one output at a time, in memory bounded by the largest
    tensor; ``history`` lists every step's entry from ``spool``, or the entries the runner kept."""
    out.write(f'{{"graphstudio": 1, "device": {json.dumps(str(runner.backend.device))}, '
              f'"steps": {len(runner.history)}, "outputs": ')
    _write_object(runner.outputs().items(), _write_tensor, out)
    out.write(', "history": [')
    if spool is None:
        out.write(", ".join(json.dumps(_plain(h), ensure_ascii=False) for h in runner.history))
    else:
        spool.write_to(out)
    out.write("]")
    if runner.optimizers:
        out.write(', "state": ')
        _write_state(runner, out)
    out.write("}\n")


def report(runner: Runner) -> dict[str, Any]:
    """The spec's JSON object as a dict, with the history entries the runner kept (every step's
    while the run is shorter than the history's bound)."""
    text = io.StringIO()
    write_json(runner, text)
    return json.loads(text.getvalue())


class HistorySpool:
    """Every history entry as JSON text, in memory for the first MB and in a temporary file after."""

    def __init__(self) -> None:
        self.file: IO[str] = tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8")
        self.count = 0

    def add(self, entry: dict[str, Any]) -> None:
        self.file.write(("," if self.count else "") + json.dumps(_plain(entry), ensure_ascii=False))
        self.count += 1

    def write_to(self, out: IO[str]) -> None:
        """The entries, comma-separated, on ``out``."""
        self.file.seek(0)
        shutil.copyfileobj(self.file, out)

    def __enter__(self) -> HistorySpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()


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
