"""What a student does with the mouse and keyboard, for the tests that drive the window as one:
drop an op from the palette, drag a wire, click a node, type into an inspector field, press a
toolbar button."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from graphstudio.ui.palette import op_mime


def drop_op(window, op: str, at: QPoint) -> str:
    """Drag ``op`` from the palette onto the viewport at ``at``; the new node's id."""
    vp = window.view.viewport()
    before = {n.id for n in window.model.doc.nodes}
    args = (Qt.DropAction.CopyAction, op_mime(op), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(vp, QDragEnterEvent(at, *args))
    QApplication.sendEvent(vp, QDragMoveEvent(at, *args))
    QApplication.sendEvent(vp, QDropEvent(QPointF(at), *args))
    (new,) = {n.id for n in window.model.doc.nodes} - before
    return new


def drag(window, start: QPointF, end: QPointF) -> None:
    """A left-button press / move / release on the viewport, in scene coordinates."""
    vp = window.view.viewport()
    a, b = window.view.mapFromScene(start), window.view.mapFromScene(end)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for t in (0.3, 0.7, 1.0):
        p = QPointF(a.x() + (b.x() - a.x()) * t, a.y() + (b.y() - a.y()) * t)
        QApplication.sendEvent(vp, QMouseEvent(QEvent.Type.MouseMove, p, vp.mapToGlobal(p), Qt.MouseButton.NoButton,
                                               Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def wire(window, src: str, dst: str, port: str, output: str = "out") -> None:
    scene = window.scene
    drag(window, scene.nodes[src].out_ports[output].scenePos(), scene.nodes[dst].in_port(port).scenePos())


def click_node(window, node_id: str) -> None:
    item = window.scene.nodes[node_id]
    header = item.mapToScene(QPointF(item.box().width() / 2, 12))
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     window.view.mapFromScene(header))


def type_into(edit: QLineEdit, text: str) -> None:
    """Select what is there, type ``text`` and press Enter."""
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)


def press(window, action) -> None:
    """Click a toolbar button."""
    button = window.live.toolbar.widgetForAction(action)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
