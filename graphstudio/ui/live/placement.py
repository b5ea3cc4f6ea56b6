"""Where the cards go: into free space near what they describe, clear of node boxes and of each other.

A small solver over candidate positions (pure Python, no Qt: rectangles are ``(left, top, right,
bottom)`` tuples). Each card names anchor points (points along its wire, best first, or an output
port) and a style; the candidates are the card's rectangle at a set of offsets from each anchor,
tried nearest first. The first candidate that keeps ``GAP`` from every obstacle (node boxes with
their ports, labels and badges) and from every card placed before it wins. A card with no free
candidate within its reach is left out (``None``): a hidden card is better than one that hides
a node, and its wire still answers a click.

The offset lists are made once per card size and style, so placing the cards of a 200-node graph
is mostly a few rectangle tests per card.
"""
from __future__ import annotations

import functools
import math
from typing import Iterable, NamedTuple, Sequence

Rect = tuple[float, float, float, float]  # left, top, right, bottom

GAP = 4.0          # between a card and anything else
CELL = 120.0       # side of the canvas squares obstacles are filed in
STEP = 14.0        # between two candidate offsets
WIRE = "wire"      # a card beside a wire: above or under it, centred on the anchor
PORT = "port"      # a card at an output port: to its right
PORT_CLEAR = 20.0  # from an output port to its card: past the port and the box's margin


class Card(NamedTuple):
    anchors: Sequence[tuple[float, float]]  # best first
    width: float
    height: float
    style: str = WIRE
    reach: int = 12                          # how many STEPs a card may move away from its anchors


class Obstacles:
    """Rectangles filed by canvas square, so a test looks only at its neighbours."""

    def __init__(self, rects: Iterable[Rect] = ()) -> None:
        self._grid: dict[tuple[int, int], list[Rect]] = {}
        for r in rects:
            self.add(r)

    @staticmethod
    def _cells(r: Rect) -> Iterable[tuple[int, int]]:
        for i in range(int(r[0] // CELL), int(r[2] // CELL) + 1):
            for j in range(int(r[1] // CELL), int(r[3] // CELL) + 1):
                yield i, j

    def add(self, r: Rect) -> None:
        for cell in self._cells(r):
            self._grid.setdefault(cell, []).append(r)

    def free(self, r: Rect, gap: float = GAP) -> bool:
        """No rectangle within ``gap`` of ``r``."""
        left, top, right, bottom = r[0] - gap, r[1] - gap, r[2] + gap, r[3] + gap
        grid = self._grid
        for cell in self._cells((left, top, right, bottom)):
            for o in grid.get(cell, ()):
                if o[0] < right and left < o[2] and o[1] < bottom and top < o[3]:
                    return False
        return True


@functools.lru_cache(maxsize=256)
def offsets(width: float, height: float, style: str, reach: int, anchors: int) -> tuple[tuple[int, float, float], ...]:
    """(anchor index, left, top) of every candidate, relative to its anchor, nearest first.

    Beside a wire the card sits just above it (else under it) centred on the anchor, then moves
    up, down and sideways; at a port it sits right of the port, centred on it, then moves down,
    up and right. A later anchor costs a little, so a card keeps to its wire's middle when it can."""
    out: list[tuple[float, int, float, float]] = []
    for a in range(anchors):
        for i in range(-reach, reach + 1):
            for j in range(0, reach + 1):
                dx, dy = i * STEP, j * STEP
                if style == PORT:
                    if i < 0:
                        continue
                    for sign in (1, -1) if j else (1,):
                        cost = math.hypot(dx, dy) + 30.0 * a
                        out.append((cost, a, PORT_CLEAR + dx, -height / 2 + sign * dy))
                else:
                    cost = math.hypot(dx, dy) + 30.0 * a
                    out.append((cost, a, -width / 2 + dx, -height - 7.0 - dy))
                    out.append((cost + 2.0, a, -width / 2 + dx, 7.0 + dy))
    out.sort()
    return tuple((a, x, y) for _, a, x, y in out)


def place(cards: Sequence[Card], obstacles: Obstacles) -> list[tuple[int, Rect] | None]:
    """For each card, in order (earlier cards get the better places): the anchor it hangs from
    and its rectangle, or None when nothing within its reach is free. Placed cards become
    obstacles for the cards after them."""
    out: list[tuple[int, Rect] | None] = []
    for card in cards:
        w, h = card.width, card.height
        found = None
        anchors = card.anchors
        for a, x, y in offsets(w, h, card.style, card.reach, len(anchors)):
            ax, ay = anchors[a]
            r = (ax + x, ay + y, ax + x + w, ay + y + h)
            if obstacles.free(r):
                found = (a, r)
                break
        if found is not None:
            obstacles.add(found[1])
        out.append(found)
    return out


def intersects(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
