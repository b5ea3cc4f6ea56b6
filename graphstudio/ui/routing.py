"""Wires around nodes: a wire whose curve would pass through a node box takes a detour.

Pure Python (rectangles are ``(left, top, right, bottom)`` tuples). A wire is drawn as the
editor's bezier (``items.bezier``) when that curve clears every node body but its own ends'.
Otherwise it leaves its output port to the right, runs along a free horizontal lane — level with
one of its ends, or just above or under a box in its way — and comes back into its input port
from the left: three straight runs joined by rounded corners, the nearest lane that clears every
box. The boxes are filed by canvas square, so a check looks only at the boxes near a wire.
"""
from __future__ import annotations

from typing import Iterable

Rect = tuple[float, float, float, float]
Point = tuple[float, float]

CELL = 160.0
LEAD = 24.0        # a detour leaves its port and enters the next this far straight
CLEARANCE = 14.0   # between a detour's lane and the box it passes
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


def bezier_points(a: Point, b: Point) -> list[Point]:
    """Points along ``items.bezier``'s curve from ``a`` to ``b`` (the same control points), at
    most about SPACING apart."""
    dx = max(40.0, abs(b[0] - a[0]) * 0.5)
    n = max(8, int((abs(b[0] - a[0]) + abs(b[1] - a[1]) + 2 * dx) / SPACING))
    p0, p1, p2, p3 = a, (a[0] + dx, a[1]), (b[0] - dx, b[1]), b
    out = []
    for k in range(n + 1):
        t = k / n
        u = 1 - t
        c0, c1, c2, c3 = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
        out.append((c0 * p0[0] + c1 * p1[0] + c2 * p2[0] + c3 * p3[0], c0 * p0[1] + c1 * p1[1] + c2 * p2[1] + c3 * p3[1]))
    return out


def curve_clear(a: Point, b: Point, bodies: Bodies, ends: tuple[str, str]) -> bool:
    """Does the bezier from ``a`` to ``b`` stay out of every body but its ends'?"""
    points = bezier_points(a, b)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    near = bodies.near((min(xs), min(ys), max(xs), max(ys))) - set(ends)
    for node_id in near:
        left, top, right, bottom = bodies.boxes[node_id]
        if any(left < x < right and top < y < bottom for x, y in points):
            return False
    return True


def detour(a: Point, b: Point, bodies: Bodies, ends: tuple[str, str]) -> list[Point] | None:
    """The corners of a route from ``a`` to ``b`` around the bodies, or None when the bezier is
    clear (or no lane is: the wire keeps its curve)."""
    if curve_clear(a, b, bodies, ends):
        return None
    x1, x2 = a[0] + LEAD, b[0] - LEAD
    lo, hi = min(x1, x2), max(x1, x2)
    span = (lo, min(a[1], b[1]) - 2000.0, hi, max(a[1], b[1]) + 2000.0)
    lanes = {a[1], b[1]}
    for node_id in bodies.near(span):
        left, top, right, bottom = bodies.boxes[node_id]
        if left < hi and lo < right:
            lanes.update((top - CLEARANCE, bottom + CLEARANCE))
    src, dst = ends
    for y in sorted(lanes, key=lambda y: (abs(y - a[1]) + abs(y - b[1]), y)):
        legs = [(x1, min(a[1], y), x1, max(a[1], y)), (lo, y, hi, y), (x2, min(y, b[1]), x2, max(y, b[1]))]
        if not any(bodies.hit(_pad(leg), () if i == 1 else (src, dst)) for i, leg in enumerate(legs)):
            return [a, (x1, a[1]), (x1, y), (x2, y), (x2, b[1]), b]
    return None


def _pad(r: Rect, d: float = 3.0) -> Rect:
    return r[0] - d, r[1] - d, r[2] + d, r[3] + d
