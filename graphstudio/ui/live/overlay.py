"""``LiveLayer``: every item a run puts on the canvas, kept in step with the editor's scene.

The scene rebuilds its wire items after every edit and moves them while a node is dragged,
and neither class is ours to change. So the layer keeps its own items (panels, dashes) keyed by
the *wire* — ``(target node, port, list index)``, which is also how the engine names an edge —
and follows the scene: after each model change it finds the new wire items (a structural edit
also clears the values shown, which are stale now), and while a box is dragged it re-places its
items once per event-loop turn. Result cards (an output's value at its port) are keyed by the
output. Every card goes to free space near what it shows (``place``, see ``placement``).
"""
from __future__ import annotations

from typing import Any, Callable, Collection

import numpy as np
import shiboken6
from PySide6.QtCore import QObject, QPointF, QRectF, QTimer
from PySide6.QtGui import QPainterPath

from graphstudio.document.references import parse_ref, source_of

from .. import i18n
from ..items import NodeItem, WireItem
from . import placement
from .badges import BADGE_OVERHANG, SUM_OVERHANG, ErrorMarker, NodeBadge, SumBadge
from .panels import WireDash, WirePanel
from .placement import AROUND, PORT, Card, Rect
from .statecard import Entry, StateCard

WireKey = tuple[str, str, "int | None"]


def _under(badge: SumBadge, node: NodeItem, row: int) -> None:
    """A sum under its node's badge, one row per output of the node."""
    badge.setPos(QPointF(0, node.size[1] + 22 + 20 * row))


def _source(wire: WireItem) -> str:
    """The output key (``"x"`` or ``"x:name"``) a wire carries."""
    return f"{wire.wire.src}:{wire.wire.output}" if wire.wire.output else wire.wire.src


def _fanouts(wires: Collection[WireItem]) -> dict[str, int]:
    """Node id → how many of its outputs feed two or more wires (each gets a sum under the box)."""
    uses: dict[str, int] = {}
    for wire in wires:
        uses[_source(wire)] = uses.get(_source(wire), 0) + 1
    rows: dict[str, int] = {}
    for key, n in uses.items():
        if n > 1:
            rows[key.partition(":")[0]] = rows.get(key.partition(":")[0], 0) + 1
    return rows


def _xy(p: QPointF) -> tuple[float, float]:
    return p.x(), p.y()


def _gone(item: Any) -> bool:
    """An overlay on a node box goes with the box when the scene rebuilds or drops it."""
    return not shiboken6.isValid(item) or item.scene() is None

#: A tensor used this many times or more gets one card at its output (value and summed gradient);
#: the cards of its uses are shown only where there is room right beside their wires.
FANOUT = 3
WIRE_ANCHORS = (0.5, 0.3, 0.7, 0.4, 0.6, 0.2, 0.8)   # where along a wire its card may hang, best first
USE_ANCHORS = (0.75, 0.85)       # a fan-out use's card: near the node it feeds
USE_REACH = 2
RESULT_REACH = 18                # a result card goes further to find room: it must be seen
RESULT_FAR = 48
STATE_REACH = 8                  # an optimizer's state card stays near its parameter, or hides


def structure(doc: Any, retunable: Callable[[str], bool] = lambda op: False) -> list[tuple]:
    """What a run depends on (positions left out): a change here makes shown values stale. The
    ``lr`` of an op that ``retunable`` names is left out: a run takes a new one between steps, as
    PyTorch's ``param_groups[..]["lr"]``, and what it showed stays true.

    References, not copies: commands replace the nodes they edit (never mutate them), so the
    dicts kept here still hold the old values to compare with.
    """
    return [(n.id, n.op, n.inputs, {k: v for k, v in n.params.items() if k != "lr"} if retunable(n.op) else n.params)
            for n in doc.nodes] + [(doc.seed, doc.device)]


class LiveLayer(QObject):
    def __init__(self, scene: Any, parent: QObject | None = None,
                 retunable: Callable[[str], bool] = lambda op: False) -> None:
        super().__init__(parent)
        self.scene = scene
        self._retunable = retunable  # ops whose lr a run takes without going stale (see structure)
        self.edges: list[Any] = []                 # the engine's edges of the current program
        self.panels: dict[WireKey, WirePanel] = {}
        self.dashes: dict[WireKey, WireDash] = {}
        self.results: dict[str, WirePanel] = {}   # output key → its result card (see show_result)
        self.states: dict[tuple[str, str], StateCard] = {}  # (optimizer, parameter) → its state card
        self.badges: dict[str, NodeBadge] = {}
        self.sums: dict[str, SumBadge] = {}        # output key → badge
        self.error: ErrorMarker | None = None
        self.error_node: str | None = None
        self.on_open: Callable[[WirePanel], None] | None = None
        self.on_open_node: Callable[[str], None] | None = None  # a state card's parameter, to the viewer
        self.on_stale: Callable[[], bool] | None = None   # True: clear what is shown
        self._wires: dict[WireKey, WireItem] = {}
        self._fanouts: dict[str, int] = {}
        self._structure = structure(scene.model.doc, retunable)
        self._relayout_due = False
        self._place_due = False
        scene.model.changed.connect(self._model_changed)
        scene.wires_changed.connect(self._index_wires)
        scene.wires_moved.connect(self._wires_moved)
        self._index_wires()
        i18n.live(self, self.retranslate)

    def retranslate(self) -> None:
        """The words of everything shown (badges, cards' tooltips, the error) in the interface's language."""
        for item in [*self.panels.values(), *self.results.values(), *self.states.values(), *self.badges.values(),
                     *self.sums.values(),
                     *([self.error] if self.error is not None else [])]:
            if not _gone(item):
                item.retranslate()

    # -- following the scene ----------------------------------------------------------------------
    def _model_changed(self) -> None:  # after the scene's sync (connected first), so wires are indexed
        now = structure(self.scene.model.doc, self._retunable)
        if now != self._structure:
            self._structure = now
            if self.on_stale is None or self.on_stale():
                self.clear()
                return
        self._drop_orphans()
        self.relayout()

    def _index_wires(self) -> None:
        self._wires = {(w.wire.dst, w.wire.port, w.wire.index): w for w in self.scene.wires}
        self._fanouts = _fanouts(self._wires.values())

    def _drop_orphans(self) -> None:
        for store in (self.panels, self.dashes):
            for key in [k for k in store if k not in self._wires]:
                self.scene.removeItem(store.pop(key))
        for key in [k for k in self.results if self._port(k) is None]:
            self.scene.removeItem(self.results.pop(key))
        for key in [k for k in self.states if self._port(k[1]) is None]:
            self.scene.removeItem(self.states.pop(key))
        for store in (self.badges, self.sums):
            for key in [k for k, item in store.items() if _gone(item)]:
                store.pop(key)
        if self.error is not None and _gone(self.error):
            self.error, self.error_node = None, None

    def _wires_moved(self) -> None:
        if not self._relayout_due and (self.panels or self.dashes or self.sums or self.results or self.states):
            self._relayout_due = True
            QTimer.singleShot(0, self.relayout)  # once per drag step, however many nodes moved

    def relayout(self) -> None:
        """Dashes onto their wires' paths, sums under their nodes, and every card to a free place."""
        self._relayout_due = False
        for key, dash in self.dashes.items():
            wire = self._wires.get(key)
            if wire is not None and dash.path() != wire.path():
                dash.setPath(wire.path())
        self._place_sums()
        self.place()

    @staticmethod
    def _reserved(node: NodeItem, sums: int) -> QRectF:
        """The room under a box kept for what a run writes there (its badge and sums), in the node's
        coordinates: the cards stay out of it before the badges arrive, so they need not move then.

        A badge (``grad_fn · requires_grad``) fits under its box; a sum may run a little further
        past its right edge, so a node with sums keeps a little more room there — the gap beside a
        box stays free for the card of a wire that leaves it level with the box above. A badge or
        sum that grows past its room is an obstacle itself (a child of its node) and the cards are
        placed again."""
        w, h = node.size
        return QRectF(-4, h, w + 4 + (SUM_OVERHANG if sums else BADGE_OVERHANG), 22 + 20 * sums + 2)

    def _obstacles(self) -> list[Rect]:
        """Every node box with its ports, flags, labels and badges (its children) and the room kept
        for them, in scene coordinates."""
        rects = []
        for node_id, node in self.scene.nodes.items():
            for r in (node.sceneBoundingRect(), node.mapRectToScene(self._reserved(node, self._fanouts.get(node_id, 0))),
                      *(c.sceneBoundingRect() for c in node.childItems() if c.isVisible())):
                rects.append((r.left(), r.top(), r.right(), r.bottom()))
        return rects

    def _outgrown(self, badge: Any, node: NodeItem) -> None:
        """Re-place the cards when a badge grew out of the room kept for it."""
        node_id = node.node_id
        room = self._reserved(node, self._fanouts.get(node_id, 0)) if badge.text else QRectF()
        if not room.contains(badge.mapRectToParent(badge.boundingRect())):
            self._place_soon()

    def place(self) -> None:
        """Give every card a free place near what it shows (see ``placement``): result cards at
        their output ports first, then the cards of the wires, top to bottom, each beside its
        wire; the cards of a fan-out's uses last, and only right beside their wires.

        Cards without a value yet keep their place too: one emptied for an animation keeps it for
        the values to come."""
        self._place_due = False
        fed: dict[str, int] = {}
        for key in self.panels:
            wire = self._wires.get(key)
            if wire is not None:
                fed[_source(wire)] = fed.get(_source(wire), 0) + 1
        todo: list[tuple[WirePanel, Card]] = []
        for key, panel in sorted(self.results.items()):
            port = self._port(key)
            if port is not None:
                todo.append((panel, Card([_xy(port.scenePos())], *panel.size(planned=True), style=PORT,
                                         reach=RESULT_REACH, far=RESULT_FAR)))
        normal, uses = [], []
        for key, panel in self.panels.items():
            wire = self._wires.get(key)
            if wire is None:
                continue
            source = _source(wire)
            if source in self.results and fed[source] >= FANOUT:
                uses.append((panel, Card([wire.point_at(t) for t in USE_ANCHORS],
                                         *panel.size(planned=True), reach=USE_REACH)))
            else:
                anchors = [wire.point_at(t) for t in WIRE_ANCHORS]
                normal.append((anchors[0][1], anchors[0][0], panel,
                               Card(anchors, *panel.size(planned=True))))
        todo += [(panel, card) for _, _, panel, card in sorted(normal, key=lambda n: (n[0], n[1]))]
        todo += uses
        states: list[tuple[StateCard, Card]] = []
        for (_, param), state in sorted(self.states.items()):
            port = self._port(param)
            if port is not None and state.rows:
                states.append((state, Card([_xy(port.scenePos())], *state.size(), style=AROUND, reach=STATE_REACH)))
        cards = [c for _, c in todo] + [c for _, c in states]
        for (item, card), spot in zip([*todo, *states], placement.place(cards, self._obstacles())):
            if spot is None:
                item.set_place(None, crowded=True)
                continue
            a, (left, top, _, _) = spot
            ax, ay = card.anchors[a]
            if item.x() != ax or item.y() != ay:
                item.setPos(ax, ay)
            item.set_place((left - ax, top - ay))

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

    def _port(self, key: str) -> Any:
        """The output port an output key names, or None when it is not on the canvas."""
        node_id, name = parse_ref(key)
        node = self.scene.nodes.get(node_id)
        if node is None or not node.out_ports:
            return None
        return node.out_ports.get(name) if name else next(iter(node.out_ports.values()))

    def show_result(self, key: str, value: np.ndarray | None, grad: np.ndarray | None, no_grad: bool) -> None:
        """The card at an output: the value (and gradient) of a tensor that feeds nothing — the
        answer, ``out = 27.0`` — or of one used many times, shown once instead of a pile."""
        panel = self.results.get(key)
        if panel is None:
            port = self._port(key)
            if port is None:
                return
            panel = WirePanel((source_of(key), key, None), key)
            panel.label = key
            panel.on_open = self.on_open
            panel.on_resize = self._place_soon
            panel.setPos(port.scenePos())
            self.scene.addItem(panel)
            self.results[key] = panel
        panel.no_grad = no_grad
        if value is not panel.value:
            panel.set_value(value)
        if grad is not panel.grad:
            panel.set_grad(grad)

    def show_state(self, optimizer: str, param: str, rows: list[Entry], step: int,
                   bias: tuple[int, tuple] | None = None) -> None:
        """The card of what ``optimizer`` remembers about ``param`` after the run's ``step`` (see
        ``statecard``: ``bias`` is Adam's step and betas), at the parameter's output port."""
        card = self.states.get((optimizer, param))
        if card is None:
            if self._port(param) is None:
                return
            card = self.states[(optimizer, param)] = StateCard(optimizer, param)
            card.on_open = self.on_open_node
            card.on_resize = self._place_soon
            self.scene.addItem(card)
        card.show_state(rows, step, bias)  # a new card, or one with more rows, asks to be placed

    def drop_states(self, keep: Collection[tuple[str, str]] = ()) -> None:
        for key in [k for k in self.states if k not in keep]:
            self.scene.removeItem(self.states.pop(key))

    def drop_results(self, keep: Collection[str] = ()) -> None:
        for key in [k for k in self.results if k not in keep]:
            self.scene.removeItem(self.results.pop(key))

    def clear_grads(self) -> None:
        for panel in self.results.values():
            if panel.grad is not None:
                panel.set_grad(None)
        for panel in self.panels.values():
            if panel.grad is not None:
                panel.set_grad(None)
        self.drop_sums()
        for node_id in self.badges:
            self.set_order(node_id, None)

    def set_order(self, node_id: str, order: int | None) -> None:
        """Number a node by the order backward ran it (its badge, once a run has made one)."""
        badge = self.badges.get(node_id)
        if badge is None or _gone(badge):
            return
        before = badge.boundingRect()
        badge.set_order(order)
        node = self.scene.nodes.get(node_id)
        if node is not None and badge.boundingRect() != before:
            self._outgrown(badge, node)

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
        before = badge.boundingRect()
        badge.set_meta(grad_fn, requires_grad, is_leaf)
        if badge.boundingRect() != before:
            self._outgrown(badge, node)

    def set_sum(self, key: str, parts: list[np.ndarray]) -> None:
        node = self.scene.nodes.get(source_of(key))
        if node is None:
            return
        badge = self.sums.get(key)
        if badge is None or _gone(badge) or badge.parentItem() is not node:
            badge = self.sums[key] = SumBadge(node)
            node_id = source_of(key)
            _under(badge, node, sum(1 for k in self.sums if source_of(k) == node_id) - 1)
        before = badge.boundingRect()
        badge.set_parts(parts)
        if badge.boundingRect() != before:
            self._outgrown(badge, node)

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
        for view in self.scene.views():  # the failed node in sight, whatever the zoom left out
            view.ensureVisible(self.error.sceneBoundingRect(), 40, 40)
        self._place_soon()
        return True

    def clear_error(self) -> None:
        if self.error is not None:
            self._remove(self.error)
        self.error, self.error_node = None, None

    def clear(self) -> None:
        """Forget every value shown (a reset, or an edit that made them stale)."""
        for store in (self.panels, self.dashes, self.results, self.states):
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
