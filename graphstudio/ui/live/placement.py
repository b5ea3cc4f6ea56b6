"""Where the cards go: into free space near what they describe, clear of node boxes and of each other.

A small solver over candidate positions (pure Python, no Qt: rectangles are ``(left, top, right,
bottom)`` tuples). Each card names anchor points (points along its wire, best first, or an output
port) and a style; the candidates are the card's rectangle at a set of offsets from each anchor,
tried nearest first. The first candidate that keeps ``GAP`` from every obstacle (node boxes with
their ports, labels and badges) and from every card placed before it wins. A card with no free
candidate within its reach is left out (``None``): a hidden card is better than one that hides
a node, and its wire still answers a click.

The offset lists are made once per card size and style, and a card's candidates are tested in
two NumPy passes (the nearest few, where most cards find room, then the rest), so a crowded graph
(most cards finding no room) costs little more than an open one.
"""
from __future__ import annotations

import functools
import math
from typing import Iterable, NamedTuple, Sequence

import numpy as np

Rect = tuple[float, float, float, float]  # left, top, right, bottom

GAP = 4.0          # between a card and anything else
RES = 5.0          # side of the canvas squares free space is reckoned in: the layout's grid is made of them
STEP = 14.0        # between two candidate offsets
WIRE = "wire"      # a card beside a wire: above or under it, centred on the anchor
PORT = "port"      # a card at an output port: to its right
AROUND = "around"  # a card about a port: right of it, else over or under its node, either way along it
PORT_CLEAR = 20.0  # from an output port to its card: past the port and the box's margin
FIRST = 128         # candidates tried before the rest of a card's reach
APART = 4.0        # a step off what a card describes costs this many steps along it (see offsets)
LATER_ANCHOR = 2.0  # what each anchor after a card's first costs, as a distance
FULL_ANCHORS = 3   # a card's first anchors offer spots all round; the others only spots touching their wire


class Card(NamedTuple):
    anchors: Sequence[tuple[float, float]]  # best first
    width: float
    height: float
    style: str = WIRE
    reach: int = 8                           # how many STEPs a card may move away from its anchors
    far: int = 0                             # with no room within reach: this many, tried next


@functools.lru_cache(maxsize=256)
def offsets(width: float, height: float, style: str, reach: int, anchors: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(anchor index, left, top) of every candidate, relative to its anchor in squares (RES),
    nearest first.

    Beside a wire the card sits just above it (else under it) centred on the anchor, then slides
    along it, and only then moves up or down, away from it: sliding keeps it touching its wire,
    moving away gives it a stem (see panels.STEM_MIN), so a step away costs APART steps of sliding
    and a card rather hangs from a later anchor (a little further along its wire, LATER_ANCHOR
    each) than a step off its wire's middle; anchors after the first FULL_ANCHORS offer only the
    spots touching their wire. At a port it sits right of the port, centred on it, then moves
    down, up and right; ``AROUND`` a port it may move left as well (over or under the port's node:
    the boxes are obstacles)."""
    out: list[tuple[float, int, float, float]] = []
    for a in range(anchors):
        for i in range(-reach, reach + 1):
            for j in range(0, reach + 1 if a < FULL_ANCHORS else 1):
                dx, dy = i * STEP, j * STEP
                if style in (PORT, AROUND):
                    if i >= 0 or style == AROUND:
                        cost = math.hypot(dx, dy) + LATER_ANCHOR * a
                        out += [(cost, a, PORT_CLEAR + dx, -height / 2 + sign * dy) for sign in ((1, -1) if j else (1,))]
                else:
                    cost = math.hypot(dx, APART * dy) + LATER_ANCHOR * a
                    out.append((cost, a, -width / 2 + dx, -height - 7.0 - dy))
                    out.append((cost + 2.0, a, -width / 2 + dx, 7.0 + dy))
    out.sort()
    table = np.array([o[1:] for o in out])
    return table[:, 0].astype(np.intp), table[:, 1] / RES, table[:, 2] / RES


class _Occupancy:
    """The canvas around the cards in RES-sized squares, a square taken when anything (with GAP
    around it) touches it: a card whose squares are all free keeps GAP from everything.

    ``fits(rows, cols)``: where a card of that many squares has room (its top-left square), made
    once per card size from an integral image of the squares, then kept up to date as cards
    are placed — a placed card only takes room, so that is clearing a block of it."""

    def __init__(self, left: float, top: float, right: float, bottom: float) -> None:
        self.left, self.top = left, top
        self.grid = np.zeros((int((bottom - top) / RES) + 2, int((right - left) / RES) + 2), np.uint8)
        self._fits: dict[tuple[int, int], np.ndarray] = {}
        self._across: dict[int, np.ndarray] = {}  # cols → a square in grid[i, j:j + cols] is taken

    def take(self, r: Rect) -> None:
        i0, j0 = int((r[1] - GAP - self.top) // RES), int((r[0] - GAP - self.left) // RES)
        i1, j1 = math.ceil((r[3] + GAP - self.top) / RES), math.ceil((r[2] + GAP - self.left) / RES)
        h, w = self.grid.shape
        if i1 > 0 and j1 > 0 and i0 < h and j0 < w:
            self.grid[max(i0, 0):i1, max(j0, 0):j1] = 1
            for cols, across in self._across.items():
                across[max(i0, 0):i1, max(j0 - cols + 1, 0):j1] = True
            for (rows, cols), fits in self._fits.items():
                fits[max(i0 - rows + 1, 0):i1, max(j0 - cols + 1, 0):j1] = False

    def take_all(self, rects: Sequence[Rect]) -> None:
        """``take`` for each of many rectangles (the obstacles, before any ``fits`` is made): their
        squares reckoned in one NumPy pass."""
        assert not self._fits
        if not rects:
            return
        r = np.asarray(rects, dtype=np.float64)
        h, w = self.grid.shape
        i0 = np.clip(np.floor((r[:, 1] - GAP - self.top) / RES), 0, h).astype(np.intp).tolist()
        j0 = np.clip(np.floor((r[:, 0] - GAP - self.left) / RES), 0, w).astype(np.intp).tolist()
        i1 = np.clip(np.ceil((r[:, 3] + GAP - self.top) / RES), 0, h).astype(np.intp).tolist()
        j1 = np.clip(np.ceil((r[:, 2] + GAP - self.left) / RES), 0, w).astype(np.intp).tolist()
        grid = self.grid
        for a, b, c, d in zip(i0, i1, j0, j1):
            grid[a:b, c:d] = 1

    def fits(self, rows: int, cols: int) -> np.ndarray:
        fits = self._fits.get((rows, cols))
        if fits is None:
            across = self._across.get(cols)
            if across is None:  # made once per card width: most cards share theirs
                across = self._across[cols] = self.grid.astype(bool)
                _spread(across, cols, axis=1)
            taken = across.copy()
            _spread(taken, rows, axis=0)  # taken[i, j]: a square in grid[i:i + rows, j:j + cols] is taken
            fits = np.logical_not(taken, out=taken)
            fits[-rows:, :] = False  # a card there would run off the room
            fits[:, -cols:] = False
            self._fits[(rows, cols)] = fits
        return fits


def _spread(a: np.ndarray, n: int, axis: int) -> None:
    """In place: ``a[i] |= a[i + 1] | … | a[i + n - 1]`` along ``axis`` (by doubling: log2(n) passes)."""
    span = 1
    while span < n:
        step = min(span, n - span)
        if axis == 1:
            a[:, :-step] |= a[:, step:]
        else:
            a[:-step] |= a[step:]
        span += step


def place(cards: Sequence[Card], obstacles: Iterable[Rect]) -> list[tuple[int, Rect] | None]:
    """For each card, in order (earlier cards get the better places): the anchor it hangs from
    and its rectangle, or None when nothing within its reach is free. Placed cards become
    obstacles for the cards after them.

    A card's candidates are tested a batch at a time (the nearest FIRST, then the rest), each by
    looking it up in the room left for a card of its size (``_Occupancy.fits``)."""
    if not cards:
        return []
    # every candidate's top-left square lies inside the room
    margin = max(c.reach for c in cards) * STEP + max(max(c.width, c.height) for c in cards) + PORT_CLEAR + 2 * RES
    xs = [a[0] for c in cards for a in c.anchors]
    ys = [a[1] for c in cards for a in c.anchors]
    # squares on the layout's grid: a box's edges (and a gap's) fall on square edges, not across them
    room = _Occupancy(math.floor((min(xs) - margin) / RES) * RES, math.floor((min(ys) - margin) / RES) * RES,
                      max(xs) + margin, max(ys) + margin)
    room.take_all(list(obstacles))
    out: list[tuple[int, Rect] | None] = []
    for card in cards:
        w, h = card.width, card.height
        fits = room.fits(math.ceil(h / RES), math.ceil(w / RES))
        anchors = np.asarray(card.anchors, dtype=np.float64)
        rows, cols = (anchors[:, 1] - room.top) / RES, (anchors[:, 0] - room.left) / RES
        found = None
        for reach in (card.reach, card.far) if card.far else (card.reach,):
            which, dx, dy = offsets(w, h, card.style, reach, len(card.anchors))
            # the nearest few first: most cards find room among them, and the rest costs more (not
            # looked through when no square within reach has room)
            for part in (slice(0, FIRST), slice(FIRST, None)):
                if part.start and not _any_free(fits, rows, cols, _span(w, h, card.style, reach, len(card.anchors))):
                    break
                hit = _first_free(fits, rows, cols, which[part], dx[part], dy[part], inside_only=reach > card.reach)
                if hit is not None:
                    i, j, index = hit
                    left, top = room.left + j * RES, room.top + i * RES
                    found = int(which[part][index]), (float(left), float(top), float(left) + w, float(top) + h)
                    room.take(found[1])
                    break
            if found is not None:
                break
        out.append(found)
    return out


def _any_free(fits: np.ndarray, rows: np.ndarray, cols: np.ndarray, span: tuple[float, float, float, float]) -> bool:
    """Whether any square within reach of the anchors has room (one look at the window they span,
    so a card in a crowded place is given up on without testing the rest of its candidates)."""
    dx0, dx1, dy0, dy1 = span
    r0, r1 = max(int(rows.min() + dy0) - 1, 0), int(rows.max() + dy1) + 2
    c0, c1 = max(int(cols.min() + dx0) - 1, 0), int(cols.max() + dx1) + 2
    return bool(fits[r0:r1, c0:c1].any())


@functools.lru_cache(maxsize=256)
def _span(width: float, height: float, style: str, reach: int, anchors: int) -> tuple[float, float, float, float]:
    """How far the candidates of ``offsets`` reach from their anchors: least and greatest left, top."""
    _, dx, dy = offsets(width, height, style, reach, anchors)
    return float(dx.min()), float(dx.max()), float(dy.min()), float(dy.max())


def _first_free(fits: np.ndarray, rows: np.ndarray, cols: np.ndarray, which: np.ndarray, dx: np.ndarray,
                dy: np.ndarray, inside_only: bool) -> tuple[int, int, int] | None:
    """The top-left square (row, column) of the first candidate with room, and the candidate's index;
    or None. Each candidate's top-left is snapped to its square (a card moves less than RES for it);
    ``inside_only``: candidates may reach past the room (those are not free)."""
    if not len(which):
        return None
    i = np.rint(rows[which] + dy).astype(np.intp)
    j = np.rint(cols[which] + dx).astype(np.intp)
    if inside_only:
        inside = (i >= 0) & (i < fits.shape[0]) & (j >= 0) & (j < fits.shape[1])
        free = fits[np.where(inside, i, 0), np.where(inside, j, 0)] & inside
    else:
        free = fits[i, j]
    k = int(np.argmax(free))
    return (int(i[k]), int(j[k]), k) if free[k] else None
