"""The chain-rule dock: why the selected wire's gradient is what it is.

After a run, selecting a wire shows the vector-Jacobian product of the node it feeds, written out
(the op's formula from the registry, via program/instruments): the formula, the run's shapes — with
the sum over broadcast dims where there is one — and, after Backward, the numbers: G, what reached
the node's output, and the gradient sent back along the wire. Selecting a node shows every input's.
Gradcheck compares the node's Jacobian with central differences (float64, PyTorch's tolerances)
and shows both, and their difference, as heatmaps.
"""
from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from graphstudio.engine.gradcheck import ATOL, EPS, RTOL, Gradcheck
from graphstudio.program.instruments import WireRule

from .. import i18n
from ..i18n import tr
from .panels import BAD_COLOR, GRAD_COLOR, fmt, heatmap, short

HEAT_SIZE = 96  # pixels a side of each Jacobian heatmap (a thin one is widened to a third of that)


class ChainRulePanel(QWidget):
    """Shows rules (``show_rules``) or a hint (``show_hint``); Gradcheck asks the session to check."""

    gradcheckRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton()
        self.button.clicked.connect(self.gradcheckRequested)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.heatmaps = QGridLayout()
        self.maps: list[tuple[QLabel, QLabel]] = []
        for column in range(3):
            title, image = QLabel(), QLabel()
            title.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.heatmaps.addWidget(title, 0, column)
            self.heatmaps.addWidget(image, 1, column)
            self.maps.append((title, image))
        layout.addWidget(self.text)
        layout.addWidget(self.button)
        layout.addWidget(self.verdict)
        layout.addLayout(self.heatmaps)
        layout.addStretch(1)
        self.rules: list[WireRule] = []
        self.result: Gradcheck | str | None = None
        self.focus: int | None = None  # the input whose Jacobian the heatmaps show (None: the first that fails)
        self._hint: str | None = None
        i18n.live(self, self._retranslate)
        self.show_hint()

    def _retranslate(self) -> None:
        self.button.setText(tr("Gradcheck"))
        self.button.setToolTip(tr("Compare this node's Jacobian from backward with central differences "
                                  "(float64, eps 1e-6, atol 1e-5, rtol 1e-3)"))
        if self._hint is None:
            self._render(self.rules)
        else:
            self.text.setText(html.escape(self._hint or tr("Select a wire or a node to see how its gradient "
                                                           "is made: the chain rule with this run's shapes.")))
        self._render_result()

    # -- what the session calls ----------------------------------------------------------------------
    def show_hint(self, text: str = "") -> None:
        """No rule to show: ``text`` says why (empty: the general hint)."""
        self.rules, self._hint = [], text
        self.button.setEnabled(False)
        self.show_gradcheck(None)
        self._retranslate()

    def show_rules(self, rules: list[WireRule], can_check: bool) -> None:
        self.rules, self._hint = list(rules), None
        self.button.setEnabled(can_check)
        self.show_gradcheck(None)
        self._retranslate()

    def show_gradcheck(self, result: Gradcheck | str | None, focus: int | None = None) -> None:
        """A gradcheck's verdict and heatmaps (of input ``focus``, counted as ``rules`` are), the reason it
        could not run, or nothing."""
        self.result, self.focus = result, focus
        self._render_result()

    # -- drawing ------------------------------------------------------------------------------------------
    def _render(self, rules: list[WireRule]) -> None:
        blocks = []
        for r in rules:
            port = r.port if r.index is None else f"{r.port}[{r.index}]"
            lines = [f"<b>{html.escape(port)}</b>" + (f" ← {html.escape(r.source)}" if r.source else ""),
                     f"<span style='font-size:15px'>{html.escape(r.rule.formula)}</span>",
                     f"<tt>{html.escape(r.rule.shapes_text())}</tt>"]
            if r.gradient is None and all(g is None for g in r.upstream):
                later = tr("Run Backward to see the numbers.")
                lines.append(f"<i>{html.escape(later)}</i>")
            else:
                color = GRAD_COLOR.name()
                for k, g in enumerate(r.upstream):
                    name = "G" if len(r.upstream) == 1 else f"G{k}"
                    lines.append(f"{name} = <span style='color:{color}'>{html.escape(short(g))}</span>")
                symbol = r.rule.formula.split(" = ", 1)[0]
                lines.append(f"{html.escape(symbol)} = <span style='color:{color}'>"
                             f"{html.escape(short(r.gradient))}</span>")
            blocks.append("<br>".join(lines))
        self.text.setText("<hr>".join(blocks) if blocks else html.escape(tr("No gradient flows through this node.")))

    def _render_result(self) -> None:
        result = self.result
        for title, image in self.maps:
            title.clear()
            image.clear()
        if result is None:
            self.verdict.clear()
            return
        if isinstance(result, str):
            self.verdict.setText(html.escape(result))
            return
        words = (tr("Gradcheck passed: the largest difference is {d}") if result.passed else
                 tr("Gradcheck failed: the largest difference is {d}")).format(d=f"{result.max_difference:.2e}")
        settings = f"{result.dtype}, eps {EPS:g}, atol {ATOL:g}, rtol {RTOL:g}"
        color = "#2a8a3e" if result.passed else BAD_COLOR.name()
        text = f"<b style='color:{color}'>{html.escape(words)}</b> ({settings})"
        if result.explanation:
            text += "<br>" + html.escape(result.explanation)
        self.verdict.setText(text)
        shown = [p for p in result.pairs if self.focus is None or p.input == self.focus] or list(result.pairs)
        pair = next((p for p in shown if not p.passed), shown[0] if shown else None)
        if pair is None:
            return
        names = (tr("analytical"), tr("numerical"), tr("difference"))
        for (title, image), name, a in zip(self.maps, names, (pair.analytical, pair.numerical, pair.difference)):
            title.setText(f"{name}<br><small>{a.shape[0]}×{a.shape[1]} · max {fmt(float(np.max(np.abs(a), initial=0)))}"
                          "</small>")
            if a.size:
                picture, _, _ = heatmap(a, diverging=True)
                rows, cols = picture.height(), picture.width()
                scale = HEAT_SIZE / max(rows, cols)
                width, height = max(round(cols * scale), HEAT_SIZE // 3), max(round(rows * scale), HEAT_SIZE // 3)
                image.setPixmap(QPixmap.fromImage(picture).scaled(
                    width, height, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.FastTransformation))
