"""``LiveLayer``: every item a run puts on the canvas, kept in step with the editor's scene.

The scene rebuilds its wire items after every edit and moves them while a node is dragged,
and neither class is ours to change. So the layer keeps its own items (panels, dashes) keyed by
the *wire* — ``(target node, port, list index)``, which is also how the engine names an edge —
and follows the scene: after each model change it finds the new wire items (a structural edit
also clears the values shown, which are stale now), and while the mouse drags on the canvas it
re-places its items once per event-loop turn.
"""
from __future__ import annotations

from typing import Any, Callable, Collection

import numpy as np
import shiboken6
from PySide6.QtCore import QObject, QPointF, QRectF, QTimer
from PySide6.QtGui import QPainterPath

from graphstudio.document.references import source_of

from ..items import NodeItem, WireItem
from .badges import ErrorMarker, NodeBadge, SumBadge
from .panels import WireDash, WirePanel

WireKey = tuple[str, str, "int | None"]


def _under(badge: SumBadge, node: NodeItem, row: int) -> None:
    """A sum under its node's badge, one row per output of the node."""
    badge.setPos(QPointF(0, node.size[1] + 22 + 20 * row))


def _gone(item: Any) -> bool:
    """An overlay on a node box goes with the box when the scene rebuilds or drops it."""
    return not shiboken6.isValid(item) or item.scene() is None

GAP = 3.0       # between two cards placed apart
MAX_LIFT = 200.0  # a card is raised at most this far above its wire, then dealt onto a cascade
CASCADE = 7.0     # the offset of each card dealt onto a cascade
CELL = 100.0      # side of the canvas squares that placed cards are filed in


def structure(doc: Any) -> list[tuple]:
    """What a run depends on (positions left out): a change here makes shown values stale.

    References, not copies: commands replace the nodes they edit (never mutate them), so the
    dicts kept here still hold the old values to compare with.
    """
    return [(n.id, n.op, n.inputs, n.params) for n in doc.nodes] + [(doc.seed, doc.device)]


class LiveLayer(QObject):
    def __init__(self, scene: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.edges: list[Any] = []                 # the engine's edges of the current program
        self.panels: dict[WireKey, WirePanel] = {}
        self.dashes: dict[WireKey, WireDash] = {}
        self.badges: dict[str, NodeBadge] = {}
        self.sums: dict[str, SumBadge] = {}        # output key → badge
        self.error: ErrorMarker | None = None
        self.error_node: str | None = None
        self.on_open: Callable[[WirePanel], None] | None = None
        self.on_stale: Callable[[], bool] | None = None   # True: clear what is shown
        self._wires: dict[WireKey, WireItem] = {}
        self._structure = structure(scene.model.doc)
        self._relayout_due = False
        self._place_due = False
        scene.model.changed.connect(self._model_changed)
        scene.wires_changed.connect(self._index_wires)
        scene.wires_moved.connect(self._wires_moved)
        self._index_wires()

    # -- following the scene ----------------------------------------------------------------------
    def _model_changed(self) -> None:  # after the scene's sync (connected first), so wires are indexed
        now = structure(self.scene.model.doc)
        if now != self._structure:
            self._structure = now
            if self.on_stale is None or self.on_stale():
                self.clear()
                return
        self._drop_orphans()
        self.relayout()

    def _index_wires(self) -> None:
        self._wires = {(w.wire.dst, w.wire.port, w.wire.index): w for w in self.scene.wires}

    def _drop_orphans(self) -> None:
        for store in (self.panels, self.dashes):
            for key in [k for k in store if k not in self._wires]:
                self.scene.removeItem(store.pop(key))
        for store in (self.badges, self.sums):
            for key in [k for k, item in store.items() if _gone(item)]:
                store.pop(key)
        if self.error is not None and _gone(self.error):
            self.error, self.error_node = None, None

    def _wires_moved(self) -> None:
        if not self._relayout_due and (self.panels or self.dashes or self.sums):
            self._relayout_due = True
            QTimer.singleShot(0, self.relayout)  # once per drag step, however many nodes moved

    def relayout(self) -> None:
        """Put panels at their wires' midpoints and dashes on their wires' paths."""
        self._relayout_due = False
        for key, panel in self.panels.items():
            wire = self._wires.get(key)
            if wire is not None:
                p = wire.path().pointAtPercent(0.5)
                if panel.pos() != p:
                    panel.setPos(p)
        for key, dash in self.dashes.items():
            wire = self._wires.get(key)
            if wire is not None and dash.path() != wire.path():
                dash.setPath(wire.path())
        self._place_sums()
        self.place()

    def place(self) -> None:
        """Keep cards from covering one another: each goes above its wire where there is room,
        else under it, else higher up or further down (a stem keeps it attached); where many
        wires meet (one tensor used ten times), the cards that fit in neither within MAX_LIFT
        are dealt in a cascade at the top.

        Wires into one node (``y`` feeding both inputs of ``y * y``) have midpoints close
        together, and their cards would hide all but one contribution. Cards are placed from
        the top wire down, each clear of the cards placed before it."""
        self._place_due = False
        placed: dict[tuple[int, int], list[QRectF]] = {}  # placed cards (scene coordinates), by canvas cell
        piles: list[QRectF] = []                            # where cards were dealt in a cascade

        def cells(r: QRectF) -> list[tuple[int, int]]:
            return [(i, j) for i in range(int(r.left() // CELL), int(r.right() // CELL) + 1)
                    for j in range(int(r.top() // CELL), int(r.bottom() // CELL) + 1)]

        def clash(card: QRectF) -> QRectF | None:
            near = card.adjusted(-GAP, -GAP, GAP, GAP)
            for cell in cells(near):
                for r in placed.get(cell, ()):
                    if r.intersects(near):
                        return r
            return None

        # hidden cards too: one emptied for an animation keeps its place for the values to come
        for panel in sorted(self.panels.values(), key=lambda p: (p.y(), p.x())):
            pos = panel.pos()
            above = panel.card_at(False, planned=True).translated(pos)
            under = panel.card_at(True, planned=True).translated(pos)
            if clash(above) is not None and clash(under) is None:
                card = under
                panel.set_place(True)
            else:
                below, lift, shift, card = False, 0.0, 0.0, above
                for side, start in ((False, above), (True, under)):  # higher up, else further down
                    below, lift, card = side, 0.0, start
                    while (hit := clash(card)) is not None and lift <= MAX_LIFT:
                        lift += (card.bottom() - hit.top() if not side else hit.bottom() - card.top()) + GAP
                        card = start.translated(0, lift if side else -lift)
                    if lift <= MAX_LIFT:
                        break
                else:  # no room within MAX_LIFT either way: deal it onto a cascade above
                    top = above.translated(0, -MAX_LIFT)
                    dealt = sum(1 for r in piles if r.intersects(top))
                    piles.append(top)
                    below, lift, shift = False, MAX_LIFT + CASCADE * dealt, CASCADE * dealt
                    card = above.translated(shift, -lift)
                panel.set_place(below, lift, shift)
            for cell in cells(card):
                placed.setdefault(cell, []).append(card)

    def _place_soon(self) -> None:
        if not self._place_due:
            self._place_due = True
            QTimer.singleShot(0, self.place)  # once, after a refresh has sized every panel

    # -- edges --------------------------------------------------------------------------------------
    def set_edges(self, edges: list[Any]) -> None:
        self.edges = list(edges)

    def key_of(self, edge_index: int) -> WireKey:
        e = self.edges[edge_index]
        return (e.target, e.port, e.index)

    def wire_item(self, edge_index: int) -> WireItem | None:
        return self._wires.get(self.key_of(edge_index))

    def path_of(self, edge_index: int) -> QPainterPath | None:
        wire = self.wire_item(edge_index)
        return None if wire is None else wire.path()

    def panel(self, edge_index: int, create: bool = True) -> WirePanel | None:
        key = self.key_of(edge_index)
        panel = self.panels.get(key)
        if panel is None and create and key in self._wires:
            e = self.edges[edge_index]
            where = f"{e.port}[{e.index}]" if e.index is not None else e.port
            panel = WirePanel(key, f"{e.source} → {e.target}.{where}")
            panel.on_open = self.on_open
            panel.on_resize = self._place_soon
            panel.no_grad = key in self.dashes
            panel.setPos(self._wires[key].path().pointAtPercent(0.5))
            self.scene.addItem(panel)
            self.panels[key] = panel
        return panel

    def panel_at(self, target: str, port: str, index: int | None = None) -> WirePanel | None:
        return self.panels.get((target, port, index))

    # -- what a run shows ---------------------------------------------------------------------------
    def show_value(self, edge_index: int, value: np.ndarray | None) -> None:
        panel = self.panel(edge_index)
        if panel is not None:
            panel.set_value(value)

    def show_grad(self, edge_index: int, grad: np.ndarray | None, parts: list[np.ndarray] | None = None) -> None:
        panel = self.panel(edge_index)
        if panel is not None:
            panel.set_grad(grad, parts)

    def clear_grads(self) -> None:
        for panel in self.panels.values():
            if panel.grad is not None:
                panel.set_grad(None)
        self.drop_sums()

    def drop_sums(self, keep: Collection[str] = ()) -> None:
        for key in [k for k in self.sums if k not in keep]:
            self._remove(self.sums.pop(key))

    def set_no_grad(self, edge_index: int, on: bool) -> None:
        """Draw a wire dashed: no gradient flows back along it."""
        key = self.key_of(edge_index)
        dash = self.dashes.get(key)
        if on and dash is None and key in self._wires:
            dash = WireDash()
            dash.setPath(self._wires[key].path())
            self.scene.addItem(dash)
            self.dashes[key] = dash
        elif not on and dash is not None:
            self.scene.removeItem(self.dashes.pop(key))
        panel = self.panels.get(key)
        if panel is not None:
            panel.no_grad = on

    def set_meta(self, node_id: str, grad_fn: str | None, requires_grad: bool, is_leaf: bool) -> None:
        node = self.scene.nodes.get(node_id)
        if node is None:
            return
        badge = self.badges.get(node_id)
        if badge is None or _gone(badge) or badge.parentItem() is not node:
            badge = NodeBadge(node)
            self.badges[node_id] = badge
        badge.setPos(QPointF(0, node.size[1] + 4))
        badge.set_meta(grad_fn, requires_grad, is_leaf)

    def set_sum(self, key: str, parts: list[np.ndarray]) -> None:
        node = self.scene.nodes.get(source_of(key))
        if node is None:
            return
        badge = self.sums.get(key)
        if badge is None or _gone(badge) or badge.parentItem() is not node:
            badge = self.sums[key] = SumBadge(node)
            node_id = source_of(key)
            _under(badge, node, sum(1 for k in self.sums if source_of(k) == node_id) - 1)
        badge.set_parts(parts)

    def _place_sums(self) -> None:
        """Each sum under its node's badge, one row per output (in the order they appeared)."""
        rows: dict[str, int] = {}
        for key, badge in self.sums.items():
            node = badge.parentItem()
            if isinstance(node, NodeItem):
                node_id = source_of(key)
                rows[node_id] = rows.get(node_id, -1) + 1
                _under(badge, node, rows[node_id])

    def mark_error(self, node_id: str, message: str) -> bool:
        """Outline the node a run failed at. False when it is not on the canvas."""
        self.clear_error()
        node = self.scene.nodes.get(node_id)
        if node is None:
            return False
        self.error, self.error_node = ErrorMarker(node, message), node_id
        return True

    def clear_error(self) -> None:
        if self.error is not None:
            self._remove(self.error)
        self.error, self.error_node = None, None

    def clear(self) -> None:
        """Forget every value shown (a reset, or an edit that made them stale)."""
        for store in (self.panels, self.dashes):
            for item in store.values():
                self.scene.removeItem(item)
            store.clear()
        for store in (self.badges, self.sums):
            for item in store.values():
                self._remove(item)
            store.clear()
        self.clear_error()

    def _remove(self, item: Any) -> None:
        if not shiboken6.isValid(item):  # went with its node, when the scene rebuilt it
            return
        if item.scene() is not None:
            item.scene().removeItem(item)
        item.setParentItem(None)
