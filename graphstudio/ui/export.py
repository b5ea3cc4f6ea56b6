"""Rendering a graph to an image file with no window: ``graphstudio --export-image graph.json out.png``.

Teachers put graph pictures in slides and handouts, and CI renders them headless, so this
builds the same scene the editor shows (same items, same layout for files without ``pos``,
problems outlined in red) and paints it into a QImage (PNG, JPEG, BMP) or, when QtSvg is
available, an SVG. With no display it switches Qt to the ``offscreen`` platform itself.
"""
from __future__ import annotations

import math
import os
import sys
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, qInstallMessageHandler
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication, QGraphicsItem

from graphstudio.document import load

from . import theme
from .i18n import tr

MARGIN = 24.0
MAX_SIDE = 16_384             # pixels on either side of a raster image
MAX_PIXELS = 16_777_216       # 64 MB of ARGB32: a long graph is drawn smaller, never larger than this
RASTER = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".bmp": "BMP"}


def svg_available() -> bool:
    try:
        from PySide6.QtSvg import QSvgGenerator  # noqa: F401
    except ImportError:
        return False
    return True


# What Qt's offscreen platform says of window features it lacks ("This plugin does not support
# propagateSizeHints()"): harmless, and no part of the one-line contract of a headless command.
_QT_NOISE = ("This plugin does not support ",)


def _qt_message(kind: object, context: object, message: str) -> None:
    """Qt's messages on stderr, as Qt prints them, but for the offscreen platform's noise."""
    if not message.startswith(_QT_NOISE):
        category = getattr(context, "category", None)
        print(f"{category}: {message}" if category and category != "default" else message, file=sys.stderr)


def ensure_app() -> QApplication:
    """The running QApplication, or a new one (offscreen when there is no display to talk to,
    with Qt's messages filtered of the offscreen noise)."""
    app = QApplication.instance()
    if app is not None:
        return app  # type: ignore[return-value]
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    qInstallMessageHandler(_qt_message)
    return QApplication(["graphstudio"])


def source_rect(scene: object) -> QRectF:
    """The part of the scene an image shows: every node and wire plus a margin."""
    rect = scene.content_rect()  # type: ignore[attr-defined]
    if rect.isEmpty():
        rect = QRectF(0, 0, 200, 100)
    return rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)


def image_size(scene: object, scale: float = 2.0) -> QSize:
    """Pixel size of the image ``export_scene`` writes at ``scale``: scaled down where needed so that
    neither side passes MAX_SIDE nor the whole MAX_PIXELS (a 3,000-node chain is a long strip)."""
    rect = source_rect(scene)
    w, h = rect.width(), rect.height()
    scale = min(scale, MAX_SIDE / w, MAX_SIDE / h, math.sqrt(MAX_PIXELS / (w * h)))
    return QSize(max(1, math.floor(w * scale)), max(1, math.floor(h * scale)))


def export_scene(scene: object, out_path: str | os.PathLike[str], scale: float = 2.0) -> None:
    """Paint ``scene`` into ``out_path``; the suffix picks the format (.png, .jpg, .bmp, .svg)."""
    out = Path(out_path)
    suffix = out.suffix.lower()
    rect = source_rect(scene)
    selection = list(scene.selectedItems())  # type: ignore[attr-defined]
    for item in selection:
        item.setSelected(False)
    grid, scene.show_grid = scene.show_grid, False  # type: ignore[attr-defined]
    # Items that keep a cached device pixmap (nodes, live panels) paint themselves afresh here: an
    # SVG gets vector shapes and text, a 2× raster crisp ones, never an on-screen bitmap scaled.
    cached = [(item, item.cacheMode()) for item in scene.items()  # type: ignore[attr-defined]
              if item.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    for item, _ in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        if suffix == ".svg":
            _write_svg(scene, rect, out)
        elif suffix in RASTER:
            size = image_size(scene, scale)
            image = QImage(size, QImage.Format.Format_ARGB32)
            image.setDevicePixelRatio(1.0)
            image.fill(theme.colors()["background"])
            painter = QPainter(image)
            painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
            scene.render(painter, QRectF(0, 0, size.width(), size.height()), rect,  # type: ignore[attr-defined]
                         Qt.AspectRatioMode.IgnoreAspectRatio)
            painter.end()
            if not image.save(str(out), RASTER[suffix]):
                raise OSError(tr("cannot write the image {path}").format(path=out))
        else:
            formats = ", ".join(sorted(RASTER) + ([".svg"] if svg_available() else []))
            raise ValueError(tr("cannot export to '{kind}': use one of {formats}").format(kind=suffix or out.name,
                                                                                     formats=formats))
    finally:
        for item, mode in cached:
            item.setCacheMode(mode)
        scene.show_grid = grid  # type: ignore[attr-defined]
        for item in selection:
            item.setSelected(True)


def _write_svg(scene: object, rect: QRectF, out: Path) -> None:
    try:
        from PySide6.QtSvg import QSvgGenerator
    except ImportError:
        raise ValueError(tr("SVG export needs QtSvg (PySide6-Addons), which is not installed; export a .png "
                            "instead")) from None
    gen = QSvgGenerator()
    gen.setFileName(str(out))
    gen.setSize(QSize(math.ceil(rect.width()), math.ceil(rect.height())))
    gen.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    gen.setTitle("GraphStudio graph")
    painter = QPainter()
    if not painter.begin(gen):
        raise OSError(tr("cannot write the image {path}").format(path=out))
    painter.fillRect(QRectF(0, 0, rect.width(), rect.height()), theme.colors()["background"])
    scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)  # type: ignore[attr-defined]
    painter.end()
    if not out.is_file():
        raise OSError(tr("cannot write the image {path}").format(path=out))


def export_image(graph_path: str | os.PathLike[str], out_path: str | os.PathLike[str]) -> None:
    """Render the graph file ``graph_path`` to ``out_path`` with no window shown.

    Raises ``DocumentError`` (one line) for a bad graph file, ``ValueError`` for an unsupported
    image type, ``OSError`` when the image cannot be written.
    """
    doc = load(graph_path)
    ensure_app()
    from .model import GraphModel
    from .scene import GraphScene

    model = GraphModel()
    model.reset(doc, os.fspath(graph_path))
    scene = GraphScene(model)
    try:
        export_scene(scene, out_path)
    finally:
        scene.dispose()
