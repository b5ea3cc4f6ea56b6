"""How much memory a graph may use: a share of the free memory, checked before anything is allocated.

A typo in a shape or a count must be refused with a message, not freeze the machine; the
compiler checks every output and the whole run against this limit, and generators that
allocate from a count (data sets) check their own estimate before allocating.
"""
from __future__ import annotations

import os

DEFAULT_MEMORY_SHARE = 0.5


class MemoryLimitError(ValueError):
    """A size known before allocating is over the memory limit."""


def default_memory_limit() -> int:
    """A share of the free memory (8 GiB assumed free where the platform cannot say)."""
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        free = 8 << 30
    return int(free * DEFAULT_MEMORY_SHARE)


def bytes_text(n: float) -> str:
    """``n`` bytes for a message: 512 bytes, 1.5 KB, 37.3 GB."""
    if n >= 1 << 60:  # past any machine, and maybe past what a float holds (a shape of 10**3000)
        return f"about 10^{int((int(n).bit_length() - 1) * 0.30103)} bytes"
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"


def ensure_fits(need: int, what: str, limit: int | None = None) -> None:
    """Raise MemoryLimitError when ``what`` would need more than ``limit`` (default: the free share)."""
    limit = default_memory_limit() if limit is None else limit
    if need > limit:
        raise MemoryLimitError(f"{what} would need {bytes_text(need)}, over the memory limit of {bytes_text(limit)}")
