"""Node geometry and the automatic layered layout (pure Python).

Lesson files are often written by hand without ``pos``; the student should still see the
computation flow left to right in the order data moves. This is a small Sugiyama-style
layout: layers by longest path from the sources, barycentre ordering sweeps to reduce wire
crossings, then vertical placement near the nodes feeding each one, with no overlaps.
The node size lives here too, so the layout and the canvas agree on how big a node is.
"""
from __future__ import annotations

from typing import Callable

from graphstudio.document import Document

from . import graph

NODE_WIDTH = 184.0
HEADER = 30.0
ROW = 34.0
PAD = 8.0
H_GAP = 96.0
V_GAP = 36.0
GRID = 20.0

Size = tuple[float, float]


def node_size(n_inputs: int, n_outputs: int) -> Size:
    """Width and height of a node box with this many input and output rows."""
    return NODE_WIDTH, HEADER + max(n_inputs, n_outputs, 1) * ROW + PAD


def default_size(doc: Document, outputs: dict[str, tuple[str, ...]] | None = None) -> Callable[[str], Size]:
    by_id = {n.id: n for n in doc.nodes}

    def size(node_id: str) -> Size:
        node = by_id[node_id]
        return node_size(len(graph.input_ports(node)), len(graph.output_names(node, doc, outputs)))

    return size


def layers(doc: Document) -> dict[str, int]:
    """Longest-path layer of each node (sources 0). Nodes on a cycle go after the rest."""
    ids = [n.id for n in doc.nodes]
    known = set(ids)
    preds: dict[str, list[str]] = {i: [] for i in ids}
    succs: dict[str, list[str]] = {i: [] for i in ids}
    for w in graph.wires(doc):
        if w.src in known and w.src != w.dst and w.src not in preds[w.dst]:
            preds[w.dst].append(w.src)
            succs[w.src].append(w.dst)
    indeg = {i: len(preds[i]) for i in ids}
    ready = [i for i in ids if indeg[i] == 0]
    layer: dict[str, int] = {}
    while ready:
        nxt = []
        for i in ready:
            layer[i] = max((layer[p] + 1 for p in preds[i]), default=0)
            for s in succs[i]:
                indeg[s] -= 1
                if indeg[s] == 0:
                    nxt.append(s)
        ready = nxt
    top = max(layer.values(), default=-1)
    for i in ids:  # on a cycle: never ready
        if i not in layer:
            top += 1
            layer[i] = top
    return layer


def _crossings(order: list[list[str]], preds: dict[str, list[str]]) -> int:
    pos = {n: i for col in order for i, n in enumerate(col)}
    col_of = {n: c for c, col in enumerate(order) for n in col}
    edges = [(col_of[p], pos[p], col_of[n], pos[n]) for col in order for n in col for p in preds[n]]
    count = 0
    for i, a in enumerate(edges):
        for b in edges[i + 1:]:
            if a[0] == b[0] and a[2] == b[2] and (a[1] - b[1]) * (a[3] - b[3]) < 0:
                count += 1
    return count


def layout(doc: Document, size: Callable[[str], Size] | None = None) -> dict[str, tuple[float, float]]:
    """Top-left positions for every node: layered left to right, no two boxes overlapping."""
    if not doc.nodes:
        return {}
    size = size or default_size(doc)
    layer = layers(doc)
    ids = [n.id for n in doc.nodes]
    preds: dict[str, list[str]] = {i: [] for i in ids}
    succs: dict[str, list[str]] = {i: [] for i in ids}
    for w in graph.wires(doc):
        if w.src in preds and w.src != w.dst and layer[w.src] < layer[w.dst]:
            preds[w.dst].append(w.src)
            succs[w.src].append(w.dst)
    order: list[list[str]] = [[] for _ in range(max(layer.values()) + 1)]
    for i in ids:
        order[layer[i]].append(i)

    def rank() -> dict[str, float]:
        return {n: (k + 0.5) / len(col) for col in order for k, n in enumerate(col)}

    def sweep(cols: range, neighbours: dict[str, list[str]]) -> None:
        for c in cols:
            r = rank()
            keyed = [(sum(r[p] for p in neighbours[n]) / len(neighbours[n]) if neighbours[n] else r[n], k, n)
                     for k, n in enumerate(order[c])]
            order[c] = [n for _, _, n in sorted(keyed)]

    best = [list(col) for col in order]
    best_cost = _crossings(order, preds)
    for _ in range(6):
        sweep(range(1, len(order)), preds)
        sweep(range(len(order) - 2, -1, -1), succs)
        cost = _crossings(order, preds)
        if cost < best_cost:
            best, best_cost = [list(col) for col in order], cost
    order = best

    pos: dict[str, tuple[float, float]] = {}
    centre: dict[str, float] = {}
    for c, col in enumerate(order):
        x = c * (NODE_WIDTH + H_GAP)
        heights = [size(n)[1] for n in col]
        stacked, y = [], 0.0
        for h in heights:
            stacked.append(y + h / 2)
            y += h + V_GAP
        mid = (y - V_GAP) / 2
        stacked = [s - mid for s in stacked]
        desired = [sum(centre[p] for p in preds[n]) / len(preds[n]) if preds[n] else stacked[k]
                   for k, n in enumerate(col)]
        placed, bottom = [], float("-inf")
        for k, h in enumerate(heights):
            top = max(desired[k] - h / 2, bottom + V_GAP)
            placed.append(top)
            bottom = top + h
        shift = sum(d - (t + h / 2) for d, t, h in zip(desired, placed, heights)) / len(col)
        for n, t, h in zip(col, placed, heights):
            top = _snap(t + shift)
            pos[n] = (_snap(x), top)
            centre[n] = top + h / 2
        # snapping may shrink a gap; restore the order's spacing
        prev_bottom = float("-inf")
        for n, h in zip(col, heights):
            top = max(pos[n][1], prev_bottom + V_GAP)
            top = _snap_up(top)
            pos[n] = (pos[n][0], top)
            centre[n] = top + h / 2
            prev_bottom = top + h
    return pos


def _snap(v: float) -> float:
    return float(round(v / GRID) * GRID)


def _snap_up(v: float) -> float:
    import math
    return float(math.ceil(v / GRID - 1e-9) * GRID)


def overlaps(rects: list[tuple[float, float, float, float]]) -> list[tuple[int, int]]:
    """Pairs of (x, y, w, h) rectangles that overlap (touching edges do not count)."""
    out = []
    for i, (ax, ay, aw, ah) in enumerate(rects):
        for j in range(i + 1, len(rects)):
            bx, by, bw, bh = rects[j]
            if ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah:
                out.append((i, j))
    return out
