"""Zoomed far out, the scene paints a batched overview (boxes, header stripes, problem outlines, wires)
instead of every item painting itself; any paint at a readable scale — the view zoomed in, an export —
gets the detailed boxes back, and clicks and drags work the same in both."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from graphstudio.document import Document, Node
from graphstudio.ui import theme
from graphstudio.ui.export import export_scene


def _doc() -> Document:
    return Document(nodes=[
        Node("a", "ones", {}, {"shape": [2, 3]}, (0.0, 0.0)),
        Node("b", "relu", {"input": "a"}, {}, (300.0, 0.0)),
        Node("c", "matmul", {"input": "b", "other": "a"}, {}, (600.0, 0.0)),  # [2,3] @ [2,3]: a problem
    ])


def _render(scene, scale: float) -> QImage:
    rect = scene.content_rect().adjusted(-20, -20, 20, 20)
    image = QImage(int(rect.width() * scale) + 1, int(rect.height() * scale) + 1, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(image.rect()), rect, Qt.AspectRatioMode.KeepAspectRatio)
    painter.end()
    return image


def _colours(image: QImage) -> set[int]:
    return {image.pixel(x, y) for x in range(image.width()) for y in range(image.height())}


def test_far_out_the_boxes_wires_and_problems_still_show(window):
    window.model.reset(_doc())
    scene = window.scene
    image = _render(scene, 0.1)
    assert scene.overview
    colours = _colours(image)
    assert QColor(theme.colors()["node"]).rgb() in colours
    assert QColor(theme.colors()["problem"]).rgb() in colours  # c's problem outline
    assert len(colours) > 5
    assert all(item.flags() & item.GraphicsItemFlag.ItemHasNoContents for item in scene.nodes.values())


def test_zooming_back_in_paints_the_detailed_boxes_again(window):
    window.model.reset(_doc())
    scene = window.scene
    detailed = _render(scene, 1.0)
    _render(scene, 0.1)
    assert scene.overview
    again = _render(scene, 1.0)
    assert not scene.overview
    assert again == detailed
    assert not any(item.flags() & item.GraphicsItemFlag.ItemHasNoContents for item in scene.nodes.values())


def test_export_while_zoomed_far_out_is_the_detailed_picture(window, tmp_path: Path):
    window.model.reset(_doc())
    export_scene(window.scene, tmp_path / "before.png")
    _render(window.scene, 0.05)
    assert window.scene.overview
    export_scene(window.scene, tmp_path / "after.png")
    assert QImage(str(tmp_path / "after.png")) == QImage(str(tmp_path / "before.png"))


def test_far_out_nodes_and_ports_still_take_clicks(window):
    window.model.reset(_doc())
    scene = window.scene
    _render(scene, 0.1)
    assert scene.overview
    a = scene.nodes["a"]
    assert scene.node_at(a.scenePos() + QPointF(20, 20)) is a
    assert scene.port_at(a.out_ports["out"].scenePos()) is a.out_ports["out"]
    window.model.connect("a", "out", "c", "other")
    window.model.add_node("relu", (0.0, 400.0))  # new items join the overview
    assert scene.overview
    assert all(item.flags() & item.GraphicsItemFlag.ItemHasNoContents for item in scene.nodes.values())
    assert all(wire.flags() & wire.GraphicsItemFlag.ItemHasNoContents for wire in scene.wires)


def test_a_lesson_sized_graph_keeps_its_detail_where_a_big_one_turns_to_the_overview(window):
    from graphstudio.ui.items import SMALL_GRAPH_NODES

    scene = window.scene
    window.model.reset(_doc())
    _render(scene, 0.3)  # a wide lesson fitted into the window
    assert not scene.overview  # its ids and ops are still drawn, if small
    big = Document(nodes=[Node(f"n{i}", "ones", {}, {"shape": [2]}, (300.0 * (i % 20), 150.0 * (i // 20)))
                          for i in range(SMALL_GRAPH_NODES + 1)])
    window.model.reset(big)
    _render(scene, 0.3)
    assert scene.overview  # hundreds of boxes: the batched overview keeps the repaint fast
