"""Wires around nodes: a wire whose curve would pass through a node box takes a detour.

No Qt (rectangles are ``(left, top, right, bottom)`` tuples). A wire is drawn as the
editor's bezier (``items.bezier``) when that curve clears every node body but its own ends'.
Otherwise it leaves its output port to the right, runs along a free horizontal lane — level with
one of its ends, or just above or under a box in its way — and comes back into its input port
from the left: three straight runs joined by rounded corners, the nearest lane that clears every
box. The boxes are filed by canvas square, so a check looks only at the boxes near a wire.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

Rect = tuple[float, float, float, float]
Point = tuple[float, float]

CELL = 160.0
LEAD = 24.0        # a detour leaves its port and enters the next at least this far straight
STAGGER = 8.0
ABOVE, BELOW = 20.0, 23.0  # a lane passes this far above a box (clear of its flags) or below it (of its badge)
REACH = 600.0      # how far above or below its ends a detour's lane may run
SPACING = 12.0     # between the points of a bezier checked against the boxes


class Bodies:
    """Node boxes by id, filed by canvas square."""

    def __init__(self, boxes: dict[str, Rect]) -> None:
        self.boxes = boxes
        self._grid: dict[tuple[int, int], list[str]] = {}
        for node_id, r in boxes.items():
            for cell in _cells(r):
                self._grid.setdefault(cell, []).append(node_id)

    def move(self, node_id: str, r: Rect) -> None:
        """A box was dragged (or added) to ``r``."""
        old = self.boxes.get(node_id)
        if old is not None:
            for cell in _cells(old):
                self._grid[cell].remove(node_id)
        self.boxes[node_id] = r
        for cell in _cells(r):
            self._grid.setdefault(cell, []).append(node_id)

    def near(self, r: Rect) -> set[str]:
        out: set[str] = set()
        for cell in _cells(r):
            out.update(self._grid.get(cell, ()))
        return out

    def hit(self, r: Rect, skip: Iterable[str] = ()) -> bool:
        """Does ``r`` (a segment's box) enter a body not in ``skip``?"""
        boxes = self.boxes
        for node_id in self.near(r):
            b = boxes[node_id]
            if node_id not in skip and b[0] < r[2] and r[0] < b[2] and b[1] < r[3] and r[1] < b[3]:
                return True
        return False


def _cells(r: Rect) -> Iterable[tuple[int, int]]:
    for i in range(int(r[0] // CELL), int(r[2] // CELL) + 1):
        for j in range(int(r[1] // CELL), int(r[3] // CELL) + 1):
            yield i, j


def bezier_points(a: Point, b: Point) -> np.ndarray:
    """(n, 2) points along ``items.bezier``'s curve from ``a`` to ``b`` (the same control points),
    at most about SPACING apart."""
    dx = max(40.0, abs(b[0] - a[0]) * 0.5)
    n = max(8, int((abs(b[0] - a[0]) + abs(b[1] - a[1]) + 2 * dx) / SPACING))
    t = np.linspace(0.0, 1.0, n + 1)
    u = 1.0 - t
    c0, c1, c2, c3 = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
    return np.stack([c0 * a[0] + c1 * (a[0] + dx) + c2 * (b[0] - dx) + c3 * b[0],
                     (c0 + c1) * a[1] + (c2 + c3) * b[1]], axis=1)


def curve_clear(a: Point, b: Point, bodies: Bodies, ends: tuple[str, str]) -> bool:
    """Does the bezier from ``a`` to ``b`` stay out of every body but its ends'?"""
    points = bezier_points(a, b)
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    near = [bodies.boxes[i] for i in bodies.near((x0, y0, x1, y1)) if i not in ends]
    if not near:
        return True
    boxes = np.asarray(near)
    x, y = points[:, :1], points[:, 1:]
    inside = (boxes[:, 0] < x) & (x < boxes[:, 2]) & (boxes[:, 1] < y) & (y < boxes[:, 3])
    return not inside.any()


def detour(a: Point, b: Point, bodies: Bodies, ends: tuple[str, str]) -> list[Point] | None:
    """The corners of a route from ``a`` to ``b`` around the bodies, or None when the bezier is
    clear (or no lane within REACH is: the wire keeps its curve).

    The boxes across the lane's span, each widened by ABOVE and BELOW, are merged into blocked bands:
    every band's edge is a free lane, and so is the level of either end outside every band. The
    nearest lane whose two vertical runs (beside the ports) are clear wins."""
    if curve_clear(a, b, bodies, ends):
        return None
    x1, x2 = a[0] + _lead(a[1]), b[0] - _lead(b[1])
    lo, hi = min(x1, x2), max(x1, x2)
    top, bottom = min(a[1], b[1]), max(a[1], b[1])
    near = [(i, bodies.boxes[i]) for i in bodies.near((lo - LEAD, top - REACH, hi + LEAD, bottom + REACH))]
    bands: list[list[float]] = []
    for t, bm in sorted((r[1] - ABOVE, r[3] + BELOW) for _, r in near if r[0] < hi + 3 and lo - 3 < r[2]):
        if bands and t <= bands[-1][1]:
            bands[-1][1] = max(bands[-1][1], bm)
        else:
            bands.append([t, bm])
    lanes = [y for band in bands for y in band]
    lanes += [y for y in (a[1], b[1]) if not any(t < y < bm for t, bm in bands)]
    beside = [[r for i, r in near if i not in ends and r[0] < x + 3 and x - 3 < r[2]] for x in (x1, x2)]
    for y in sorted(lanes, key=lambda y: (abs(y - a[1]) + abs(y - b[1]), y)):
        if all(not _blocks(r, y0, y1) for rs, (y0, y1) in zip(beside, ((a[1], y), (y, b[1]))) for r in rs):
            return [a, (x1, a[1]), (x1, y), (x2, y), (x2, b[1]), b]
    return None


def _lead(y: float) -> float:
    """How far a detour runs straight from a port: staggered by the port's height, so the vertical
    runs of detours from (or into) different ports of one column lie side by side, not on top of
    each other."""
    return LEAD + STAGGER * (int(y // 34.0) % 3)


def _blocks(r: Rect, y0: float, y1: float) -> bool:
    """Does box ``r`` stand in a vertical run from ``y0`` to ``y1`` (beside it, see ``detour``)?"""
    return r[1] - 3 < max(y0, y1) and min(y0, y1) < r[3] + 3
