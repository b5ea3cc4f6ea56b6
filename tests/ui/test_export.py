"""Headless export: export_image renders a graph file to PNG/SVG with no window."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from graphstudio.document import DocumentError, load
from graphstudio.ui.export import export_image, export_scene, image_size, svg_available
from tests.data import EXAMPLES_DIR

ROOT = Path(__file__).resolve().parents[2]


def test_png_has_the_scene_size_and_content(qapp, tmp_path: Path, example_path: Path):
    out = tmp_path / "graph.png"
    export_image(example_path, out)
    image = QImage(str(out))
    assert not image.isNull() and out.stat().st_size > 1000

    from graphstudio.ui.model import GraphModel
    from graphstudio.ui.scene import GraphScene
    model = GraphModel()
    model.reset(load(example_path))
    scene = GraphScene(model)
    assert image.size() == image_size(scene)
    rect = scene.content_rect()
    assert image.width() >= 2 * rect.width() and image.height() >= 2 * rect.height()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 10  # boxes, text and wires, not a blank fill


@pytest.mark.skipif(not svg_available(), reason="QtSvg (PySide6-Addons) is not installed")
def test_svg(qapp, tmp_path: Path):
    out = tmp_path / "graph.svg"
    export_image(EXAMPLES_DIR / "xor_mlp_adam.json", out)
    text = out.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text and "logits" in text


def test_bad_inputs(qapp, tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(DocumentError):
        export_image(bad, tmp_path / "x.png")
    good = EXAMPLES_DIR / "autograd_basics.json"
    with pytest.raises(ValueError, match="use one of"):
        export_image(good, tmp_path / "x.gif")
    with pytest.raises(OSError):
        export_image(good, tmp_path / "no" / "such" / "dir" / "x.png")


def test_export_scene_leaves_the_canvas_as_it_was(window, chain_doc, tmp_path: Path):
    window.model.reset(chain_doc)
    window.scene.select_ids(["b"])
    export_scene(window.scene, tmp_path / "x.png")
    assert window.scene.selected_ids() == ["b"] and window.scene.show_grid


def test_export_image_in_a_fresh_process_without_display(tmp_path: Path):
    """What `graphstudio --export-image` does: no QApplication beforehand, no display."""
    out = tmp_path / "fresh.png"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    code = ("import sys; from graphstudio.ui.export import export_image; "
            "export_image(sys.argv[1], sys.argv[2])")
    graph = EXAMPLES_DIR / "mm_relu_split.json"
    subprocess.run([sys.executable, "-c", code, str(graph), str(out)], check=True, cwd=ROOT, env=env, timeout=120)
    assert not QImage(str(out)).isNull()


def test_many_qt_calls_do_not_exhaust_none(qapp):
    """Qt calls keep None's reference count (PySide6 6.12.0 on Python 3.11 lost one per call and
    crashed the interpreter; pyproject.toml pins it out)."""
    from PySide6.QtCore import QPointF
    p = QPointF()
    for _ in range(200_000):
        p.setX(1.0)
    assert sys.getrefcount(None) > 1000


def test_a_long_graph_is_drawn_within_the_image_bounds(qapp, tmp_path: Path):
    """A 400-node chain is 100,000 px wide at 2×: the image is scaled down to fit, not allocated whole."""
    import json

    from graphstudio.ui import export

    nodes = [{"id": "n0", "op": "ones", "params": {"shape": [2]}, "pos": [0, 0]}]
    nodes += [{"id": f"n{i}", "op": "relu", "inputs": {"input": f"n{i - 1}"}, "pos": [250 * i, 0]} for i in range(1, 400)]
    graph = tmp_path / "chain.graph.json"
    graph.write_text(json.dumps({"graphstudio": 1, "nodes": nodes}))
    out = tmp_path / "chain.png"
    export_image(graph, out)
    image = QImage(str(out))
    assert not image.isNull() and image.width() <= export.MAX_SIDE
    assert image.width() * image.height() <= export.MAX_PIXELS and image.height() >= 10
