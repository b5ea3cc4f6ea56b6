"""Node geometry and the automatic layered layout (pure Python).

Lesson files are often written by hand without ``pos``; the student should still see the
computation flow left to right in the order data moves. This is a small Sugiyama-style
layout: layers by longest path from the sources, barycentre ordering sweeps to reduce wire
crossings, then vertical placement near the nodes feeding each one, with no overlaps.
The node size lives here too, so the layout and the canvas agree on how big a node is.
"""
from __future__ import annotations

import math
from typing import Callable

from graphstudio.document import Document

from . import graph

NODE_WIDTH = 140.0  # the id and op, and an input's name beside its output's shape, at TEXT_PT (a whole number of placement.RES)
HEADER = 28.0
ROW = 30.0
PAD = 6.0
H_GAP = 120.0   # room for a value card between two columns (with the ports and a margin)
V_GAP = 60.0    # room under a box for its autograd badge (22) and a sum (20), above the next for its flags (16)
GRID = 20.0

Size = tuple[float, float]


def node_size(n_inputs: int, n_outputs: int) -> Size:
    """Width and height of a node box with this many input and output rows."""
    return NODE_WIDTH, HEADER + max(n_inputs, n_outputs, 1) * ROW + PAD


def default_size(doc: Document, outputs: dict[str, tuple[str, ...]] | None = None) -> Callable[[str], Size]:
    by_id = {n.id: n for n in doc.nodes}

    def size(node_id: str) -> Size:
        node = by_id[node_id]
        return node_size(len(graph.input_slots(node)), len(graph.output_names(node, doc, outputs)))

    return size


def _edges(doc: Document) -> tuple[list[str], dict[str, list[str]], dict[str, list[str]]]:
    ids = [n.id for n in doc.nodes]
    preds: dict[str, list[str]] = {i: [] for i in ids}
    succs: dict[str, list[str]] = {i: [] for i in ids}
    for w in graph.wires(doc):
        if w.src in preds and w.src != w.dst and w.src not in preds[w.dst]:
            preds[w.dst].append(w.src)
            succs[w.src].append(w.dst)
    return ids, preds, succs


def _port_offsets(doc: Document, outputs: dict[str, tuple[str, ...]] | None
                  ) -> dict[tuple[str, str], tuple[int, int]]:
    """For each wired pair (src, dst): the row of the output used and the row of the input fed."""
    by_id = {n.id: n for n in doc.nodes}
    rows: dict[tuple[str, str], tuple[int, int]] = {}
    for w in graph.wires(doc):
        if w.src not in by_id or (w.src, w.dst) in rows:
            continue
        outs = graph.output_names(by_id[w.src], doc, outputs)
        out_row = outs.index(w.output) if w.output in outs else 0
        ins = [s.key for s in graph.input_slots(by_id[w.dst])]
        key = (w.port, w.index)
        rows[(w.src, w.dst)] = (out_row, ins.index(key) if key in ins else 0)
    return rows


def _row_y(row: int) -> float:
    return HEADER + row * ROW + ROW / 2


def layers(doc: Document) -> dict[str, int]:
    """Layer of each node: longest path from the sources, then each source moved right to sit just
    before its first consumer (a label tensor used only by the loss sits beside the loss, not far
    left with a wire crossing the whole graph). Nodes on a cycle go after the rest. A graph of
    unconnected nodes (a gallery of creation ops) fills a few columns, wider than tall, rather
    than one column taller than a screen."""
    ids, preds, succs = _edges(doc)
    if all(not preds[i] and not succs[i] for i in ids):
        rows = max(1, math.ceil(math.sqrt(len(ids) / 2)))
        return {i: k // rows for k, i in enumerate(ids)}
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
    for i in ids:
        if not preds[i] and succs[i]:
            layer[i] = max(0, min(layer[s] for s in succs[i]) - 1)
    return layer


def _crossings(order: list[list[str]], preds: dict[str, list[str]],
               rows: dict[tuple[str, str], tuple[int, int]]) -> int:
    """Crossings between wires joining the same two columns, ports counted (the sweeps' score)."""
    pos = {n: i for col in order for i, n in enumerate(col)}
    col_of = {n: c for c, col in enumerate(order) for n in col}
    edges = [(col_of[p], (pos[p], rows.get((p, n), (0, 0))[0]), col_of[n], (pos[n], rows.get((p, n), (0, 0))[1]))
             for col in order for n in col for p in preds[n]]
    if len(edges) > 400:  # quadratic: a big graph keeps the sweeps' result unscored
        return 0
    count = 0
    for i, a in enumerate(edges):
        for b in edges[i + 1:]:
            if a[0] == b[0] and a[2] == b[2] and (a[1] < b[1]) != (a[3] < b[3]) and a[1] != b[1] and a[3] != b[3]:
                count += 1
    return count


def layout(doc: Document, size: Callable[[str], Size] | None = None,
           outputs: dict[str, tuple[str, ...]] | None = None) -> dict[str, tuple[float, float]]:
    """Top-left positions for every node: layered left to right, no two boxes overlapping, wires as
    straight as the order allows (each node is placed so its input ports line up with its sources)."""
    if not doc.nodes:
        return {}
    size = size or default_size(doc, outputs)
    layer = layers(doc)
    ids, all_preds, all_succs = _edges(doc)
    rows = _port_offsets(doc, outputs)
    preds = {i: [p for p in all_preds[i] if layer[p] < layer[i]] for i in ids}
    succs = {i: [s for s in all_succs[i] if layer[s] > layer[i]] for i in ids}
    order: list[list[str]] = [[] for _ in range(max(layer.values()) + 1)]
    for i in ids:
        order[layer[i]].append(i)
    order = _order(order, preds, succs, rows)
    height = {i: size(i)[1] for i in ids}
    tops: dict[str, float] = {}

    def place(col: list[str], desired: list[float]) -> None:
        """Put a column's boxes as near their desired tops as order and gaps allow."""
        if not col:
            return
        placed, bottom = [], float("-inf")
        for n, d in zip(col, desired):
            top = max(d, bottom + V_GAP)
            placed.append(top)
            bottom = top + height[n]
        shift = sum(d - t for d, t in zip(desired, placed)) / len(col)
        bottom = float("-inf")
        for n, t in zip(col, placed):
            top = _snap(t + shift)
            if bottom != float("-inf"):
                top = max(top, _snap_up(bottom + V_GAP))
            tops[n] = top
            bottom = top + height[n]

    def from_preds(n: str) -> float:
        return sum(tops[p] + _row_y(rows[(p, n)][0]) - _row_y(rows[(p, n)][1]) for p in preds[n]) / len(preds[n])

    def from_succs(n: str) -> float:
        return sum(tops[s] + _row_y(rows[(n, s)][1]) - _row_y(rows[(n, s)][0]) for s in succs[n]) / len(succs[n])

    for col in order:  # left to right: follow the inputs
        stacked, y = [], 0.0
        for n in col:
            stacked.append(y)
            y += height[n] + V_GAP
        mid = (y - V_GAP) / 2
        place(col, [from_preds(n) if preds[n] else s - mid for n, s in zip(col, stacked)])
    for col in reversed(order):  # right to left: sources settle beside their consumers
        if any(not preds[n] and succs[n] for n in col):
            place(col, [from_succs(n) if not preds[n] and succs[n] else tops[n] for n in col])
    return {n: (layer[n] * _snap_up(NODE_WIDTH + H_GAP), tops[n]) for n in ids}  # every gap at least H_GAP


def _order(order: list[list[str]], preds: dict[str, list[str]], succs: dict[str, list[str]],
           rows: dict[tuple[str, str], tuple[int, int]]) -> list[list[str]]:
    """Barycentre sweeps (down and up) keeping the ordering with the fewest crossings.

    A neighbour's rank is nudged by the row of the port the wire uses, so the node feeding
    ``weight`` sorts below the one feeding ``input``."""
    def rank() -> dict[str, float]:
        return {n: (k + 0.5) / len(col) for col in order for k, n in enumerate(col)}

    col_len = {n: len(col) for col in order for n in col}

    def nudge(row: int) -> float:
        return 0.1 * row

    r = rank()  # kept current: a sweep reorders one column at a time, so only its ranks change

    def sweep(cols: range, down: bool) -> None:
        for c in cols:
            keyed = []
            for k, n in enumerate(order[c]):
                if down and preds[n]:
                    key = sum(r[p] + nudge(rows[(p, n)][0]) / col_len[p] for p in preds[n]) / len(preds[n])
                elif not down and succs[n]:
                    key = sum(r[s] + nudge(rows[(n, s)][1]) / col_len[s] for s in succs[n]) / len(succs[n])
                else:
                    key = r[n]
                keyed.append((key, k, n))
            order[c] = [n for _, _, n in sorted(keyed)]
            r.update({n: (k + 0.5) / len(order[c]) for k, n in enumerate(order[c])})

    best = [list(col) for col in order]
    best_cost = _crossings(order, preds, rows)
    for _ in range(6):
        sweep(range(1, len(order)), True)
        sweep(range(len(order) - 2, -1, -1), False)
        cost = _crossings(order, preds, rows)
        if cost < best_cost:
            best, best_cost = [list(col) for col in order], cost
    return best


def _snap(v: float) -> float:
    return float(round(v / GRID) * GRID)


def _snap_up(v: float) -> float:
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


Box = tuple[float, float, float, float]  # x, y, width, height


def free_spot(taken: list[Box], want: tuple[float, float], size: Size, gap: float = GRID,
              reach: int = 40) -> tuple[float, float]:
    """The top-left nearest ``want`` (in steps of ``2 * GRID``) where a box of ``size`` keeps ``gap``
    from every ``taken`` box: a new node lands where the student looks without hiding another
    node or its wires. ``want`` itself when nothing within ``reach`` steps is free."""
    w, h = size
    x0, y0 = want
    step = 2 * GRID

    def free(x: float, y: float) -> bool:
        return all(x + w + gap <= tx or tx + tw + gap <= x or y + h + gap <= ty or ty + th + gap <= y
                   for tx, ty, tw, th in taken)

    for r in range(reach + 1):
        ring = [(dx, dy) for dx in range(-r, r + 1) for dy in range(-r, r + 1) if max(abs(dx), abs(dy)) == r]
        ring.sort(key=lambda d: (d[0] * d[0] + d[1] * d[1], abs(d[1]), -d[0]))  # nearest, then same row, right first
        for dx, dy in ring:
            if free(x0 + dx * step, y0 + dy * step):
                return x0 + dx * step, y0 + dy * step
    return want
