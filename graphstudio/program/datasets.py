"""Toy datasets and a DataLoader-like batch iterator for the `dataset` node.

Everything here is plain NumPy so the engine can build data without Qt or
torch, and so a graph gives the same data on every run and platform: all
randomness comes from ``numpy.random.default_rng(seed)``.  The generators
follow the well-known scikit-learn shapes but are written out here so that
GraphStudio does not depend on scikit-learn.
"""

from __future__ import annotations

import csv
import math
import os
from typing import Any

import numpy as np

from graphstudio.document.problems import clip

from .memory import MemoryLimitError, ensure_fits

DATASETS: tuple[str, ...] = ("linear", "moons", "circles", "spirals", "xor", "blobs", "csv")
GENERATE_BYTES_PER_VALUE = 32  # a float64 value and the temporaries a generator makes around it


class DatasetError(ValueError):
    """A dataset could not be built; the message is one line meant for the user."""


# --------------------------------------------------------------------------- generators


def _class_sizes(n_samples: int, n_classes: int) -> list[int]:
    """Split samples as evenly as possible so every class is (almost) equally common."""
    return [n_samples // n_classes + (k < n_samples % n_classes) for k in range(n_classes)]


def _finish(rng, x, y, noise):
    """Add Gaussian noise and shuffle, so unshuffled batches still mix classes."""
    x = x + noise * rng.standard_normal(x.shape)
    order = rng.permutation(len(x))
    return x[order].astype(np.float32), y[order].astype(np.int64)


def _linear(rng, n, noise, n_features):
    x = rng.uniform(-1.0, 1.0, size=(n, n_features))
    w = rng.uniform(-2.0, 2.0, size=(n_features, 1))
    b = rng.uniform(-1.0, 1.0)
    y = x @ w + b + noise * rng.standard_normal((n, 1))
    return x.astype(np.float32), y.astype(np.float32)


def _moons(rng, n, noise):
    n_out, n_in = _class_sizes(n, 2)
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    outer = np.stack([np.cos(t_out), np.sin(t_out)], axis=1)
    inner = np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], axis=1)
    y = np.repeat([0, 1], [n_out, n_in])
    return _finish(rng, np.concatenate([outer, inner]), y, noise)


def _circles(rng, n, noise, factor=0.5):
    n_out, n_in = _class_sizes(n, 2)
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    outer = np.stack([np.cos(t_out), np.sin(t_out)], axis=1)
    inner = factor * np.stack([np.cos(t_in), np.sin(t_in)], axis=1)
    y = np.repeat([0, 1], [n_out, n_in])
    return _finish(rng, np.concatenate([outer, inner]), y, noise)


def _spirals(rng, n, noise, n_classes):
    """Interleaved arms, one per class, each turning 1.5 times around the origin."""
    parts, labels = [], []
    for k, size in enumerate(_class_sizes(n, n_classes)):
        r = np.linspace(0.05, 1.0, size)
        t = 2 * np.pi * k / n_classes + 3 * np.pi * r
        parts.append(np.stack([r * np.cos(t), r * np.sin(t)], axis=1))
        labels.append(np.full(size, k))
    return _finish(rng, np.concatenate(parts), np.concatenate(labels), noise)


def _xor(rng, n, noise):
    """Label 1 where the signs of x0 and x1 differ: not linearly separable."""
    x = rng.uniform(-1.0, 1.0, size=(n, 2))
    y = (x[:, 0] > 0) != (x[:, 1] > 0)
    return _finish(rng, x, y, noise)


def _blobs(rng, n, noise, n_classes, spread=0.5):
    """Gaussian clouds (std `spread`) whose centres sit evenly on a circle of radius 2,
    so classes are separable at low noise whatever the count."""
    parts, labels = [], []
    for k, size in enumerate(_class_sizes(n, n_classes)):
        angle = 2 * np.pi * k / n_classes
        centre = 2.0 * np.array([np.cos(angle), np.sin(angle)])
        parts.append(centre + spread * rng.standard_normal((size, 2)))
        labels.append(np.full(size, k))
    return _finish(rng, np.concatenate(parts), np.concatenate(labels), noise)


# --------------------------------------------------------------------------- CSV


def _resolve_target(target, names: list[str] | None, n_cols: int, shown: str) -> int:
    """Turn a column name or (possibly negative, possibly textual) index into an index."""
    if target is None or target == "":
        return n_cols - 1
    if isinstance(target, str) and names is not None and target in names:
        return names.index(target)
    try:
        index = int(target)
    except (TypeError, ValueError):
        raise DatasetError(f"CSV {shown}: no column named {target!r}") from None
    if not -n_cols <= index < n_cols:
        raise DatasetError(f"CSV {shown}: target column index {index} is out of range (file has {n_cols} columns)")
    return index % n_cols


def _csv_file(path, base_dir) -> str:
    """The real path of a data set's CSV file, which must lie inside the graph's folder (``base_dir``;
    the current folder when there is none, as for an exported script): a shared lesson may not
    read the rest of the machine. Absolute paths, ``..`` and symlinks leading out are refused."""
    if not path or not isinstance(path, str):
        raise DatasetError("the csv dataset needs a 'path' to a CSV file")
    shown = clip(path)
    if "\0" in path or os.path.isabs(path) or os.path.splitdrive(path)[0]:
        raise DatasetError(f"CSV path {shown!r} must be relative to the graph's folder")
    folder = os.path.realpath(base_dir or os.getcwd())
    full = os.path.realpath(os.path.join(folder, path))
    if os.path.commonpath([folder, full]) != folder:
        raise DatasetError(f"CSV path {shown!r} leads outside the graph's folder")
    if not os.path.isfile(full):
        raise DatasetError(f"CSV file not found: {shown}")
    return full


def _load_csv(path, base_dir, target, header):
    """Read a numeric CSV; errors give the line and column as an editor shows them (1-based), but
    never what the file holds."""
    full = _csv_file(path, base_dir)
    try:
        with open(full, newline="", encoding="utf-8-sig") as f:
            rows = [(line, row) for line, row in enumerate(csv.reader(f), start=1) if any(c.strip() for c in row)]
    except UnicodeDecodeError:
        raise DatasetError(f"CSV {path}: not UTF-8 text") from None
    except (csv.Error, OSError) as e:
        raise DatasetError(f"CSV {path}: cannot be read ({type(e).__name__})") from None
    names = None
    if header and rows:
        names = [c.strip() for c in rows.pop(0)[1]]
    if not rows:
        raise DatasetError(f"CSV file is empty: {path}")
    n_cols = len(names) if names is not None else len(rows[0][1])
    if n_cols < 2:
        raise DatasetError(f"CSV {path}: needs at least 2 columns (features and a label), found {n_cols}")
    data = np.empty((len(rows), n_cols), dtype=np.float64)
    for i, (line, row) in enumerate(rows):
        if len(row) != n_cols:
            raise DatasetError(f"CSV {path}: row {line} has {len(row)} cells, expected {n_cols}")
        for j, cell in enumerate(row):
            try:
                value = float(cell)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise DatasetError(f"CSV {path}: row {line}, column {j + 1} is not a number")
            data[i, j] = value
    t = _resolve_target(target, names, n_cols, path)
    x = np.delete(data, t, axis=1).astype(np.float32)
    labels = data[:, t]
    if np.all(labels == np.round(labels)):
        return x, labels.astype(np.int64)
    return x, labels.astype(np.float32).reshape(-1, 1)


# --------------------------------------------------------------------------- public API


def make_dataset(
    name: str,
    *,
    n_samples=200,
    noise=0.1,
    seed=0,
    n_features=1,
    n_classes=None,
    path=None,
    base_dir=None,
    target=None,
    header=True,
) -> tuple[np.ndarray, np.ndarray]:
    """Build the whole dataset as (x, y).

    Regression ("linear", float CSV labels) gives y float32 [N, 1] to match an
    MSE loss on a [N, 1] prediction; classification gives int64 labels [N] as
    CrossEntropyLoss expects.  x is always float32 [N, features].
    """
    if name not in DATASETS:
        raise DatasetError(f"unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}")
    if name == "csv":
        return _load_csv(path, base_dir, target, header)
    n_samples, noise = int(n_samples), float(noise)
    if n_samples < 1:
        raise DatasetError(f"n_samples must be at least 1, got {n_samples}")
    if noise < 0:
        raise DatasetError(f"noise must be 0 or more, got {noise}")
    features = int(n_features) if name == "linear" else 2
    try:  # refused before allocating: generating holds float64 columns and their temporaries
        ensure_fits(n_samples * (features + 1) * GENERATE_BYTES_PER_VALUE, f"n_samples={n_samples}")
    except MemoryLimitError as e:
        raise DatasetError(str(e)) from None
    rng = np.random.default_rng(int(seed))
    if name == "linear":
        if int(n_features) < 1:
            raise DatasetError(f"n_features must be at least 1, got {n_features}")
        return _linear(rng, n_samples, noise, int(n_features))
    if name in ("spirals", "blobs"):
        k = int(n_classes) if n_classes is not None else (2 if name == "spirals" else 3)
        if k < 2:
            raise DatasetError(f"n_classes must be at least 2, got {k}")
        return (_spirals if name == "spirals" else _blobs)(rng, n_samples, noise, k)
    return {"moons": _moons, "circles": _circles, "xor": _xor}[name](rng, n_samples, noise)


class BatchLoader:
    """Endless iterator over (x, y) batches in torch DataLoader order.

    Each epoch is a permutation (when shuffle) drawn from the loader's own rng
    seeded by `seed`, cut into batches of batch_size with the last smaller
    batch kept (drop_last=False); then the next epoch starts.  `epoch` counts
    the epochs started so far (0 before the first batch, 1 during the first).

    The rng belongs to the loader, so batch order does not depend on how the
    data was generated, and `reset` can replay the exact same sequence.
    """

    def __init__(self, x, y, batch_size=32, shuffle=True, seed=0):
        self.x, self.y = np.asarray(x), np.asarray(y)
        if len(self.x) != len(self.y):
            raise DatasetError(f"x has {len(self.x)} samples but y has {len(self.y)}")
        if len(self.x) == 0:
            raise DatasetError("the dataset has no samples")
        if int(batch_size) < 1:
            raise DatasetError(f"batch_size must be at least 1, got {batch_size}")
        self.batch_size, self.shuffle, self.seed = int(batch_size), bool(shuffle), int(seed)
        self.reset()

    def reset(self) -> None:
        """Back to the first batch of epoch 1 with the same order as a fresh loader."""
        self._rng = np.random.default_rng(self.seed)
        self._order = np.arange(len(self.x))
        self._pos = len(self.x)  # forces a new epoch on the next batch
        self.epoch = 0

    def state(self) -> tuple[Any, np.ndarray, int, int]:
        """Where the loader is: enough for ``set_state`` to give the same batches from here (the
        order array is replaced, never written, at each epoch)."""
        return self._rng.bit_generator.state, self._order, self._pos, self.epoch

    def set_state(self, state: tuple[Any, np.ndarray, int, int]) -> None:
        rng_state, self._order, self._pos, self.epoch = state
        self._rng.bit_generator.state = rng_state

    def next_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the next batch, starting a new epoch when the current one is used up."""
        n = len(self.x)
        if self._pos >= n:
            self._order = self._rng.permutation(n) if self.shuffle else np.arange(n)
            self._pos = 0
            self.epoch += 1
        idx = self._order[self._pos : self._pos + self.batch_size]
        self._pos += len(idx)
        return np.ascontiguousarray(self.x[idx]), np.ascontiguousarray(self.y[idx])

    def __len__(self) -> int:
        return math.ceil(len(self.x) / self.batch_size)

    def __iter__(self):
        return self

    __next__ = next_batch
