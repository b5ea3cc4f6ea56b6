"""Light and dark themes: one QPalette for the widgets plus the colours the canvas paints with.

The canvas reads ``colors()`` at paint time, so switching theme is a palette swap and a repaint.
"""
from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

_CURRENT = "light"

_CANVAS = {
    "light": {
        "background": "#f7f7f9", "grid": "#e6e6ec", "node": "#ffffff", "header": "#eef1f6", "border": "#9aa3b2",
        "selected": "#2f6fdf", "text": "#1d2230", "muted": "#5d6677", "wire": "#56607a", "wire_selected": "#2f6fdf",
        "port": "#56607a", "port_free": "#ffffff", "problem": "#d0342c", "ok_spec": "#1f7a4d", "literal": "#8a5a00",
    },
    "dark": {
        "background": "#1f2127", "grid": "#2a2d35", "node": "#2c2f38", "header": "#363a45", "border": "#5b6272",
        "selected": "#6ea2ff", "text": "#e7e9ee", "muted": "#a3aab8", "wire": "#9aa3b8", "wire_selected": "#6ea2ff",
        "port": "#aeb6c8", "port_free": "#2c2f38", "problem": "#ff6b61", "ok_spec": "#6fd39f", "literal": "#e0b050",
    },
}

#: Header stripe per op category, so a student can tell creation, maths and losses apart at a glance.
CATEGORY_COLORS = {
    "Create": "#3f8f5a", "Math": "#4b6fc4", "Matrix": "#7a4fc0", "Shape": "#2f8f9a", "Reduce": "#b07a1e",
    "Activation": "#c2506e", "Loss": "#c0392b", "Autograd": "#6b7280", "Optimize": "#d0652b", "Data": "#2e86c1",
}


def names() -> tuple[str, ...]:
    return tuple(_CANVAS)


def current() -> str:
    return _CURRENT


_COLORS: dict[str, dict[str, QColor]] = {}


def colors() -> dict[str, QColor]:
    """The current theme's canvas colours (made once per theme and shared: do not modify them)."""
    found = _COLORS.get(_CURRENT)
    if found is None:
        found = _COLORS[_CURRENT] = {k: QColor(v) for k, v in _CANVAS[_CURRENT].items()}
    return found


_CATEGORY: dict[str | None, QColor] = {}


def category_color(category: str | None) -> QColor:
    found = _CATEGORY.get(category)
    if found is None:
        found = _CATEGORY[category] = QColor(CATEGORY_COLORS.get(category or "", "#888888"))
    return found


def apply(name: str, app: QApplication | None = None) -> None:
    """Switch to ``light`` or ``dark`` (Fusion style, so the palette is honoured everywhere)."""
    global _CURRENT
    if name not in _CANVAS:
        raise ValueError(f"unknown theme {name!r}")
    _CURRENT = name
    app = app or QApplication.instance()
    if app is None:
        return
    app.setStyle("Fusion")
    app.setPalette(_palette(name))


def _palette(name: str) -> QPalette:
    if name == "light":
        p = QPalette(QColor("#f0f0f2"))
        p.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
        p.setColor(QPalette.ColorRole.Highlight, QColor("#2f6fdf"))
        return p
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2d33", QPalette.ColorRole.WindowText: "#e7e9ee",
        QPalette.ColorRole.Base: "#1f2127", QPalette.ColorRole.AlternateBase: "#2b2d33",
        QPalette.ColorRole.ToolTipBase: "#363a45", QPalette.ColorRole.ToolTipText: "#e7e9ee",
        QPalette.ColorRole.Text: "#e7e9ee", QPalette.ColorRole.Button: "#363a45",
        QPalette.ColorRole.ButtonText: "#e7e9ee", QPalette.ColorRole.BrightText: "#ff6b61",
        QPalette.ColorRole.Highlight: "#4f7fd6", QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#6ea2ff", QPalette.ColorRole.PlaceholderText: "#8a90a0",
    }
    for role, color in roles.items():
        p.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a8090"))
    return p
