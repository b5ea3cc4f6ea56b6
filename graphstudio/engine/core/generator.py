"""The random generator behind every random op (rand, randn, randint, dropout, shuffles).

It is one NumPy Generator for every device: numbers are drawn
on the host and moved, so a seed gives the same tensor on the CPU and on a GPU.
"""
from __future__ import annotations

from typing import Any

import numpy as np


class SeededRNG:
    """`np.random.default_rng(seed)`, made on first use: importing numpy.random is ~15 ms of a
    ~0.2 s headless run, and most graphs draw no random numbers at all."""

    __slots__ = ("seed", "_rng")

    def __init__(self, seed: int):
        self.seed, self._rng = seed, None

    def __getattr__(self, name: str) -> Any:
        if self._rng is None:
            self._rng = np.random.default_rng(self.seed)
        return getattr(self._rng, name)

    def state(self) -> tuple[int, Any]:
        """(seed, the bit generator's state or None before the first draw): what ``from_state``
        needs to draw the same numbers again."""
        return self.seed, None if self._rng is None else self._rng.bit_generator.state

    @classmethod
    def from_state(cls, state: tuple[int, Any]) -> "SeededRNG":
        rng = cls(state[0])
        if state[1] is not None:
            rng._rng = np.random.default_rng(rng.seed)
            rng._rng.bit_generator.state = state[1]
        return rng


class Generator:
    """A random generator (torch.Generator); `default_generator` is the one `manual_seed` resets."""

    __module__ = "torch._C"  # PyTorch's, as `type(g)` and `torch.manual_seed(0)` print it

    def __init__(self, device: Any = None):
        self.manual_seed(67280421310721)  # PyTorch's seed for a new generator

    def manual_seed(self, seed: int) -> "Generator":
        self.seed = int(seed)
        self.rng = SeededRNG(self.seed)
        return self

    def initial_seed(self) -> int:
        return self.seed


default_generator = Generator().manual_seed(0)


def manual_seed(seed: int) -> Generator:
    """Seed every random op (rand, randn, randint, dropout, shuffles)."""
    return default_generator.manual_seed(seed)
