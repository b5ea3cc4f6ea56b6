"""A run's history of steps, in bounded memory however many steps run.

A training run of 10⁹ steps must stay flat in memory, so the history keeps a summary: the first
``KEEP`` and the last ``KEEP`` entries whole, and a loss curve downsampled to at most
``CURVE_POINTS`` entries (every ``stride``-th step; the stride doubles when the curve is full).
Whoever needs every entry (``--json``) listens to each step as it is appended.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

KEEP = 1000           # entries kept whole at each end
CURVE_POINTS = 2000   # most entries in the downsampled loss curve

Entry = dict[str, Any]  # {"step": n, "loss": {optimizer id: value} | None}


class History:
    """Entries ``{"step": n, "loss": …}`` appended once per step; ``len`` counts every step run."""

    def __init__(self, on_append: Callable[[Entry], None] | None = None) -> None:
        self.first: list[Entry] = []
        self.last: deque[Entry] = deque(maxlen=KEEP)
        self.curve: list[Entry] = []
        self.stride = 1
        self.count = 0
        self.on_append = on_append

    def append(self, entry: Entry) -> None:
        self.count += 1
        if len(self.first) < KEEP:
            self.first.append(entry)
        else:
            self.last.append(entry)
        if (self.count - 1) % self.stride == 0:
            self.curve.append(entry)
            if len(self.curve) >= CURVE_POINTS:
                self.curve = self.curve[::2]
                self.stride *= 2
        if self.on_append is not None:
            self.on_append(entry)

    def __len__(self) -> int:
        return self.count

    @property
    def complete(self) -> bool:
        """Whether every step's entry is still kept."""
        return self.count == len(self.first) + len(self.last)

    def __iter__(self) -> Iterator[Entry]:
        """The entries kept whole, in step order (every entry while ``complete``)."""
        yield from self.first
        yield from self.last

    def since(self, step: int) -> list[Entry]:
        """The kept entries after step number ``step`` (those dropped in between are gone)."""
        if step >= self.count:
            return []
        if step < len(self.first):
            return self.first[step:] + list(self.last)
        skip = step - len(self.first) - (self.count - len(self.first) - len(self.last))
        return list(self.last)[max(skip, 0):]
