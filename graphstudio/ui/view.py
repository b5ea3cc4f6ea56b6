"""``GraphView``: looking around the canvas (zoom to cursor, pan, fit) and adding ops to it.

Navigation: wheel zooms about the cursor; middle-drag or Space+drag pans; rubber-band selects.
Adding: drop an op from the palette (mime type ``MIME_OP`` carrying the op name), or press Tab /
double-click empty canvas for a search popup; the node lands where the pointer is.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QAction, QCursor, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import QGraphicsView, QMenu, QWidget

from . import graph, theme
from .items import TEXT_PT
from .i18n import tr
from .layout import H_GAP, HEADER, NODE_WIDTH, ROW, free_spot, node_size
from .palette import MIME_OP, OpSearchPopup
from .scene import GraphScene

MIN_ZOOM, MAX_ZOOM = 0.02, 4.0  # far enough out to fit a graph of a thousand nodes
READABLE_PX = 9.0   # a node's text is at least this tall (pixels) when a graph opens
RESULT_ROOM = 112.0  # right of an output that feeds nothing: where its result card goes (see LiveLayer)
MARGIN = 20.0        # round a graph as it opens


class GraphView(QGraphicsView):
    def __init__(self, scene: GraphScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.graph_scene = scene
        scene.wire_dropped.connect(self.wire_dropped)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        # Qt's default: a repaint covers what changed (an animation frame: its pulses), not the whole
        # view. Checked under Xvfb: the screen after steps, drags and deselections equals a fresh render.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pan_from: QPoint | None = None
        self._space = False
        self.popup: Any = None
        self.canvas_actions: list[QAction] = []  # the window's actions the empty canvas's menu lists

    # -- zoom ---------------------------------------------------------------------------------
    @property
    def zoom_level(self) -> float:
        return self.transform().m11()

    def zoom(self, factor: float) -> None:
        """Scale by ``factor`` about the cursor (wheel) or the centre (menu), within sane limits."""
        target = min(MAX_ZOOM, max(MIN_ZOOM, self.zoom_level * factor))
        factor = target / self.zoom_level
        if abs(factor - 1) > 1e-6:
            self.scale(factor, factor)

    def zoom_in(self) -> None:
        self._zoom_centre(1.25)

    def zoom_out(self) -> None:
        self._zoom_centre(0.8)

    def _zoom_centre(self, factor: float) -> None:
        anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.zoom(factor)
        self.setTransformationAnchor(anchor)

    def fit(self) -> None:
        """Show the whole graph (never magnified past 1.5×, so a small graph is not giant)."""
        rect = self.graph_scene.content_rect()
        if rect.isEmpty():
            self.resetTransform()
            self.centerOn(0, 0)
            return
        rect = rect.adjusted(-40, -40, 40, 40)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom_level > 1.5:
            self.setTransform(self.transform().fromScale(1.5, 1.5))
        elif self.zoom_level < MIN_ZOOM:
            self.setTransform(self.transform().fromScale(MIN_ZOOM, MIN_ZOOM))
        self.centerOn(rect.center())

    def readable_zoom(self) -> float:
        """The zoom at which a node's id, op and port names are READABLE_PX tall on this screen."""
        return READABLE_PX / (TEXT_PT * self.logicalDpiY() / 72.0)

    def open_view(self) -> None:
        """How a graph opens: whole when its node text stays readable (with room on the right for
        the result cards a run will show), else at the readable zoom with its start in view — the
        left edge, centred on the first column — rather than fitted into a thumbnail."""
        rect = self.graph_scene.content_rect()
        if rect.isEmpty():
            self.fit()
            return
        rect = rect.united(self._result_room()).adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        zoom = min(max(self.zoom_level, self.readable_zoom()), 1.5)
        self.setTransform(self.transform().fromScale(zoom, zoom))
        seen = self.visible_scene_rect()
        if seen.width() >= rect.width() and seen.height() >= rect.height():
            self.centerOn(rect.center())
            return
        first = [n.sceneBoundingRect() for n in self.graph_scene.nodes.values()
                 if n.sceneBoundingRect().left() < rect.left() + MARGIN + NODE_WIDTH]
        column = QRectF()
        for r in first:
            column = column.united(r)
        y = column.center().y() if column.height() <= seen.height() else column.top() + seen.height() / 2 - 40
        self.centerOn(rect.left() + seen.width() / 2, y)

    def _result_room(self) -> QRectF:
        """Right of every output that feeds nothing, the room its result card will take."""
        fed = {(w.wire.src, w.wire.output) for w in self.graph_scene.wires}
        room = QRectF()
        for node_id, node in self.graph_scene.nodes.items():
            for k, (name, port) in enumerate(node.out_ports.items()):
                if (node_id, name) not in fed and not (k == 0 and (node_id, None) in fed):
                    at = port.scenePos()
                    room = room.united(QRectF(at.x(), at.y() - 1, RESULT_ROOM, 2))
        return room

    def zoom_at(self, factor: float, viewport_pos: QPointF) -> None:
        """Zoom keeping the scene point under ``viewport_pos`` where it is (zoom to cursor)."""
        before = self.mapToScene(viewport_pos.toPoint())
        anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.zoom(factor)
        after = self.mapToScene(viewport_pos.toPoint())
        self.translate(after.x() - before.x(), after.y() - before.y())
        self.setTransformationAnchor(anchor)

    def wheelEvent(self, event: Any) -> None:
        delta = event.angleDelta().y()
        if delta:
            self.zoom_at(1.0015 ** delta, event.position())
        event.accept()

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        """A frame round the canvas while it has the keyboard: the keys act here."""
        super().drawForeground(painter, rect)
        if self.hasFocus():
            painter.save()
            painter.resetTransform()
            painter.setPen(QPen(theme.colors()["selected"], 3))
            painter.drawRect(self.viewport().rect().adjusted(1, 1, -2, -2))
            painter.restore()

    def focusInEvent(self, event: Any) -> None:
        super().focusInEvent(event)
        self.viewport().update()

    def focusOutEvent(self, event: Any) -> None:
        super().focusOutEvent(event)
        self.viewport().update()

    def resizeEvent(self, event: Any) -> None:
        """A dock opening or closing resizes the view: what the student had selected (a node just
        added, the one whose tensor is being viewed) stays in view, and nothing else moves."""
        old = event.oldSize()  # the viewport has its new size already; the scroll position is the old one
        scale = self.zoom_level
        before = QRectF(self.mapToScene(QPoint(0, 0)), QSizeF(old.width() / scale, old.height() / scale))
        chosen = QRectF()
        for item in self.graph_scene.selectedItems():
            chosen = chosen.united(item.sceneBoundingRect())
        super().resizeEvent(event)
        if chosen.isEmpty() or not before.intersects(chosen):
            return
        after = self.visible_scene_rect()
        if not after.contains(chosen):
            dx = max(0.0, chosen.right() - after.right()) + min(0.0, chosen.left() - after.left())
            dy = max(0.0, chosen.bottom() - after.bottom()) + min(0.0, chosen.top() - after.top())
            self.pan(-dx * scale, -dy * scale)

    # -- pan ----------------------------------------------------------------------------------
    def mousePressEvent(self, event: Any) -> None:
        if event.button() == Qt.MouseButton.MiddleButton or (self._space and event.button() == Qt.MouseButton.LeftButton):
            self._pan_from = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: Any) -> None:
        if self._pan_from is not None:
            now = event.position().toPoint()
            delta = now - self._pan_from
            self._pan_from = now
            self.pan(delta.x(), delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: Any) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor if self._space else Qt.CursorShape.ArrowCursor)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def pan(self, dx: float, dy: float) -> None:
        """Move the view by screen pixels (content follows the pointer)."""
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(dx))
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(dy))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.setDragMode(QGraphicsView.DragMode.NoDrag)
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Tab:
            self.open_search(self.cursor_scene_pos())
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 - Qt's signature
        return False  # Tab opens the op search instead of moving focus

    # -- adding ops ---------------------------------------------------------------------------
    def cursor_scene_pos(self) -> QPointF:
        local = self.viewport().mapFromGlobal(QCursor.pos())
        if not self.viewport().rect().contains(local):
            local = self.viewport().rect().center()
        return self.mapToScene(local)

    def add_op_at(self, op: str, scene_pos: QPointF) -> str | None:
        """Add ``op`` with its header centred under ``scene_pos`` (snapped to the grid)."""
        if graph.op_class(op) is None:
            self.graph_scene.status.emit(tr("Unknown op '{op}'").format(op=op))
            return None
        x, y = scene_pos.x() - NODE_WIDTH / 2, scene_pos.y() - HEADER / 2
        if self.graph_scene.snap_to_grid:
            g = self.graph_scene.grid_size
            x, y = round(x / g) * g, round(y / g) * g
        model = self.graph_scene.model
        fresh = graph.new_node(model.doc, op)
        size = node_size(len(graph.input_slots(fresh)), len(graph.output_names(fresh)))
        new_id = model.add_node(op, free_spot(self.graph_scene.node_boxes(), (float(x), float(y)), size))
        item = self.graph_scene.nodes.get(new_id)
        if item is not None:
            self.ensureVisible(item, 40, 40)  # the student sees what they added
        return new_id

    def add_op_near(self, op: str, node_id: str | None = None) -> str | None:
        """Add ``op`` beside ``node_id`` (to its right, where its result would flow), else in the
        middle of what the view shows; in free space either way."""
        item = self.graph_scene.nodes.get(node_id) if node_id else None
        if item is None:
            return self.add_op_at(op, self.visible_scene_rect().center())
        box = item.mapRectToScene(item.box())
        return self.add_op_at(op, QPointF(box.right() + H_GAP + NODE_WIDTH / 2, box.top() + HEADER / 2))

    def open_search(self, scene_pos: QPointF, accept: Any = None, then: Any = None) -> Any:
        """The quick-add popup at ``scene_pos``; ``accept`` filters the ops, ``then(node_id)`` follows the add."""
        popup = OpSearchPopup(self, accept)

        def add(op: str) -> None:
            if then is None:
                self.add_op_at(op, scene_pos)
                return
            stack = self.graph_scene.model.stack
            stack.beginMacro(tr("Add {op} and connect").format(op=op))  # one undo step for both
            try:
                then(self.add_op_at(op, scene_pos))
            finally:
                stack.endMacro()

        popup.chosen.connect(add)
        popup.move(self._inside_window(self.mapToGlobal(self.mapFromScene(scene_pos)), popup.size()))
        popup.show()
        popup.search.setFocus()
        self.popup = popup
        return popup

    def _inside_window(self, at: QPoint, size: Any) -> QPoint:
        """``at`` moved just enough for a box of ``size`` there to stay inside the window."""
        frame = self.window().geometry()
        x = max(frame.left(), min(at.x(), frame.left() + frame.width() - size.width()))
        y = max(frame.top(), min(at.y(), frame.top() + frame.height() - size.height()))
        return QPoint(x, y)

    def wire_dropped(self, start: Any, scene_pos: QPointF) -> Any:
        """A wire let go in empty space: offer the ops that can take it, then connect the new node."""
        model = self.graph_scene.model
        if start.is_output:
            def accept(op: Any) -> bool:
                return op.kind in ("op", "sink") and bool(op.inputs)

            def then(new_id: str) -> None:
                port = graph.input_ports(model.doc.node(new_id))[0].name
                model.connect(start.node_id, start.name, new_id, port)
        else:
            def accept(op: Any) -> bool:
                return op.kind != "sink"

            def then(new_id: str) -> None:
                model.connect(new_id, None, start.node_id, start.name, start.index)
        return self.open_search(scene_pos, accept, then)

    def contextMenuEvent(self, event: Any) -> None:
        """Right-click on empty canvas: add a node there, and the window's canvas actions."""
        pos = self.mapToScene(event.pos())
        if self.itemAt(event.pos()) is not None:
            super().contextMenuEvent(event)
            return
        self.canvas_menu(pos).exec(event.globalPos())
        event.accept()

    def canvas_menu(self, scene_pos: QPointF) -> QMenu:
        """The empty canvas's menu at ``scene_pos``: Add node… (as Tab), then ``canvas_actions``."""
        menu = QMenu(self)
        menu.addAction(tr("Add node here…") + "\tTab", lambda: self.open_search(scene_pos))
        if self.canvas_actions:
            menu.addSeparator()
            menu.addActions(self.canvas_actions)
        return menu

    def mouseDoubleClickEvent(self, event: Any) -> None:
        pos = self.mapToScene(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton:
            node = self.graph_scene.node_at(pos)
            port = self._literal_port_at(node, pos) if node is not None else None
            if port is not None:
                self.edit_literal(node.node_id, port.name, pos, port.index)
                event.accept()
                return
            if node is None and not any(w.isUnderMouse() for w in self.graph_scene.wires):
                self.open_search(pos)
                event.accept()
                return
        super().mouseDoubleClickEvent(event)

    @staticmethod
    def _literal_port_at(node: Any, pos: QPointF) -> Any:
        """The unconnected input whose row is under ``pos`` (the row runs right from its port)."""
        for port in node.in_ports.values():
            at = port.scenePos()
            if not port.connected and abs(pos.y() - at.y()) <= ROW / 2 and at.x() - 8 <= pos.x() <= at.x() + NODE_WIDTH / 2:
                return port
        return None

    def edit_literal(self, node_id: str, port: str, scene_pos: QPointF, index: int | None = None) -> Any:
        """An inline editor for an unconnected input's literal value (a number, a list, or a node id);
        with ``index``, for that place of a variadic list (the empty place after the last appends)."""
        from PySide6.QtWidgets import QLineEdit

        from . import values

        model = self.graph_scene.model
        editor = QLineEdit(self, windowFlags=Qt.WindowType.Popup)
        value = model.doc.node(node_id).inputs.get(port)
        if index is not None:
            value = value[index] if isinstance(value, list) and index < len(value) else None
        editor.setText(values.format_value(value))
        editor.setPlaceholderText(tr("a number, [1, 2], or a node id"))
        editor.selectAll()

        def commit() -> None:
            try:
                reason = model.set_input(node_id, port, values.parse_input(editor.text()), index)
            except values.InvalidValue as exc:
                reason = exc.words(tr)
            if reason:
                self.graph_scene.status.emit(f"{node_id}.{graph.place_name(port, index)}: {reason}")
            editor.close()

        editor.returnPressed.connect(commit)
        editor.move(self.mapToGlobal(self.mapFromScene(scene_pos)))
        editor.resize(180, editor.sizeHint().height())
        editor.show()
        editor.setFocus()
        self.literal_editor = editor
        return editor

    def dragEnterEvent(self, event: Any) -> None:
        if event.mimeData().hasFormat(MIME_OP):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: Any) -> None:
        if event.mimeData().hasFormat(MIME_OP):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: Any) -> None:
        mime = event.mimeData()
        if mime.hasFormat(MIME_OP):
            op = bytes(mime.data(MIME_OP).data()).decode("utf-8")
            self.add_op_at(op, self.mapToScene(event.position().toPoint()))
            event.acceptProposedAction()
            return
        super().dropEvent(event)

    def visible_scene_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()
