"""Building a graph with the keyboard alone: moving along wires, connecting, picking the port.

Installed on the canvas view as an event filter. With the canvas focused:

- arrows: Right / Left follow the wires to the next consumer / source of the selected node
  (the nearest node that way when there is no wire); Up / Down go to the nearest node above / below;
- C: connect from the selected node's output (O: its next output, for split, max, …); then arrows
  choose the node, P picks its input port, Enter wires it (Tab instead adds a new node beside, wired to it), Esc cancels;
- Enter (nothing pending): edit the selected node in the inspector (Esc there comes back).

Every step says in the status bar what the next key does.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QT_TR_NOOP, QEvent, QObject, QPointF, Qt

from . import graph
from .i18n import tr

#: The canvas's own keys, for Help › Keyboard (the menus' shortcuts are listed from their actions);
#: untranslated here, shown through ``tr``.
KEYS = ((QT_TR_NOOP("Tab / double-click"), QT_TR_NOOP("add a node (type to search, Enter adds the first match)")),
        ("← →", QT_TR_NOOP("follow the wires to the selected node's source / consumer")),
        ("↑ ↓", QT_TR_NOOP("the nearest node above / below")),
        ("C", QT_TR_NOOP("connect from the selected node's output; arrows then choose the node")),
        ("O", QT_TR_NOOP("while connecting: the next output of the node connected from")),
        ("P", QT_TR_NOOP("while connecting: the next input port of the chosen node")),
        ("Enter", QT_TR_NOOP("while connecting: make the wire; otherwise edit the node in the inspector")),
        (QT_TR_NOOP("C then Tab"), QT_TR_NOOP("add a node beside the selected one, wired to it")),
        ("Esc", QT_TR_NOOP("cancel connecting; in the inspector, back to the canvas")),
        (QT_TR_NOOP("Space + drag"), QT_TR_NOOP("pan")), (QT_TR_NOOP("Delete"), QT_TR_NOOP("delete the selection")))


class KeyboardNavigator(QObject):
    """Keys on the canvas view (``view``), acting through its scene and model; ``say`` shows a line."""

    def __init__(self, view: Any, say: Callable[[str], None], edit_node: Callable[[], None]) -> None:
        super().__init__(view)
        self.view, self.scene, self.model = view, view.graph_scene, view.graph_scene.model
        self.say = say
        self.edit_node = edit_node
        self.source: str | None = None   # connecting from this node …
        self.output_index = 0            # … from this one of its outputs
        self.port_index = 0              # which free input of the chosen node
        view.installEventFilter(self)

    # -- state -------------------------------------------------------------------------------------
    def selected(self) -> str | None:
        ids = self.scene.selected_ids()
        return ids[0] if len(ids) == 1 else None

    def target_port(self) -> graph.Slot | None:
        node_id = self.selected()
        if node_id is None or node_id == self.source or not self.model.has(node_id):
            return None
        slots = graph.input_slots(self.model.doc.node(node_id))
        return slots[self.port_index % len(slots)] if slots else None

    # -- keys ----------------------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: Any) -> bool:
        if obj is not self.view or event.type() != QEvent.Type.KeyPress:
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        key = event.key()
        arrows = {Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Down: (0, 1), Qt.Key.Key_Up: (0, -1)}
        if key in arrows:
            self.move(*arrows[key])
        elif key == Qt.Key.Key_C:
            self.start_connecting()
        elif key == Qt.Key.Key_O and self.source is not None:
            self.output_index += 1
            self._prompt()
        elif key == Qt.Key.Key_P and self.source is not None:
            self.port_index += 1
            self._prompt()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.finish() if self.source is not None else self.edit_node()
        elif key == Qt.Key.Key_Escape and self.source is not None:
            self.source = None
            self.say(tr("Connecting cancelled"))
        elif key == Qt.Key.Key_Tab and self.source is not None:
            self.add_wired()
        else:
            return False
        return True

    def move(self, dx: int, dy: int) -> None:
        """Select the next node along the wires (horizontal) or the nearest one that way."""
        nodes = self.scene.nodes
        current = self.selected()
        if current is None or current not in nodes:
            if nodes:
                self._select(next(iter(self.model.doc.nodes)).id)
            return
        wires = graph.wires(self.model.doc)
        along = [w.dst for w in wires if w.src == current] if dx > 0 else \
            [w.src for w in wires if w.dst == current] if dx < 0 else []
        along = [n for n in dict.fromkeys(along) if n in nodes]
        if along:
            self._select(along[0])
            return
        here = nodes[current].sceneBoundingRect().center()
        best, best_d = None, float("inf")
        for node_id, item in nodes.items():
            d = item.sceneBoundingRect().center() - here
            ahead = d.x() * dx + d.y() * dy
            if node_id == current or ahead <= 0:
                continue
            dist = ahead + 2 * abs(d.x() * dy + d.y() * dx)  # prefer straight ahead
            if dist < best_d:
                best, best_d = node_id, dist
        if best is not None:
            self._select(best)

    def start_connecting(self) -> None:
        node_id = self.selected()
        if node_id is None:
            self.say(tr("Select a node first (arrows), then C connects from its output"))
            return
        if not self.model.outputs_of(self.model.doc.node(node_id)):
            self.say(tr("{node} has no output to connect from").format(node=node_id))
            return
        self.source, self.output_index, self.port_index = node_id, 0, 0
        self.say(tr("Connect {node} → … : arrows choose the node, P the port, Enter wires it; "
                    "Tab adds a new node wired to it; Esc cancels").format(node=self.source_ref()))

    def source_output(self) -> str | None:
        """The output being connected from: None for the first (a bare ``node`` reference)."""
        assert self.source is not None
        outputs = self.model.outputs_of(self.model.doc.node(self.source))
        index = self.output_index % len(outputs) if outputs else 0
        return outputs[index] if index else None

    def source_ref(self) -> str:
        output = self.source_output()
        return f"{self.source}:{output}" if output is not None else str(self.source)

    def finish(self) -> None:
        slot = self.target_port()
        if slot is None:
            self.say(tr("Choose another node with the arrows (Esc cancels)"))
            return
        output, ref = self.source_output(), self.source_ref()
        source, self.source = self.source, None
        assert source is not None
        dst = self.selected()
        assert dst is not None
        reason = self.model.connect(source, output, dst, slot.port.name, slot.index)
        wire = f"{ref} → {dst}.{graph.place_name(slot.port.name, slot.index)}"
        self.say(reason or tr("Wired {wire}").format(wire=wire))

    def add_wired(self) -> None:
        """Tab while connecting: the op search; the new node lands beside the source, wired to it."""
        output = self.source_output()
        source, self.source = self.source, None
        assert source is not None
        item = self.scene.nodes[source]
        box = item.mapRectToScene(item.box())
        spot = QPointF(box.right() + 190, box.top() + 15)

        def then(new_id: str | None) -> None:
            if new_id is not None:
                slots = graph.input_slots(self.model.doc.node(new_id))
                if slots:
                    self.model.connect(source, output, new_id, slots[0].port.name, slots[0].index)

        self.view.open_search(spot, lambda op: op.kind in ("op", "sink") and bool(op.inputs), then)

    def _select(self, node_id: str) -> None:
        self.scene.select_ids([node_id])
        self.view.ensureVisible(self.scene.nodes[node_id], 40, 40)
        self._prompt()

    def _prompt(self) -> None:
        if self.source is None:
            return
        slot = self.target_port()
        if slot is None:
            self.say(tr("Connect {node} → … : choose a node with inputs (arrows)").format(node=self.source_ref()))
            return
        self.say(tr("Connect {wire}: Enter wires it, P another port, O another output, Esc cancels").format(
            wire=f"{self.source_ref()} → {self.selected()}.{graph.place_name(slot.port.name, slot.index)}"))
