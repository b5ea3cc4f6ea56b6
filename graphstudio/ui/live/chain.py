"""The chain-rule dock: why the selected wire's gradient is what it is.

After a run, selecting a wire shows the vector-Jacobian product of the node it feeds, written out
(the op's formula from the registry, via program/instruments): the formula, the run's shapes — with
the sum over broadcast dims where there is one — and, after Backward, the numbers: G, what reached
the node's output, and the gradient sent back along the wire. Selecting a node shows every input's,
and what its backward keeps; selecting an optimizer shows what it remembers per parameter (PyTorch's
state_dict names) and the update it applied. Gradcheck compares the node's Jacobian with central
differences (float64, PyTorch's tolerances) and shows both, and their difference, as heatmaps; where
the run is in float32 it checks that too and says why it disagrees more — or, where an input sits at a
kink (relu at 0), that the central difference straddles it, naming the element.
"""
from __future__ import annotations

import html
from typing import Any

import numpy as np
from PySide6.QtCore import QT_TR_NOOP, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from graphstudio.engine.core.registry import REGISTRY
from graphstudio.engine.core.chain_rule import shape_text
from graphstudio.engine.core.saved import INTERMEDIATE, RESULT, SavedArray, total_bytes
from graphstudio.engine.op_help import op_help
from graphstudio.engine.gradcheck import ATOL, EPS, RTOL, Gradcheck, Kink
from graphstudio.program.instruments import CannotCheck, WireRule

from .. import i18n
from ..i18n import tr
from ..wording import size_text
from .panels import BAD_COLOR, GRAD_COLOR, data_range, fmt, heatmap, short

#: What each entry of an optimizer's state holds, by PyTorch's state_dict name.
STATE_WORDS = {
    "momentum_buffer": QT_TR_NOOP("velocity: gradients summed with momentum"),
    "exp_avg": QT_TR_NOOP("m: running mean of the gradient"),
    "exp_avg_sq": QT_TR_NOOP("v: running mean of the gradient's square"),
    "max_exp_avg_sq": QT_TR_NOOP("the largest v so far (AMSGrad)"),
    "square_avg": QT_TR_NOOP("running mean of the gradient's square"),
    "grad_avg": QT_TR_NOOP("running mean of the gradient (centered)"),
}
#: Why a gradcheck cannot run, by program/instruments' reason (its REASONS, in English there).
REASONS = {
    "no_gradient": QT_TR_NOOP("node '{node}' ({op}) has no gradient to check"),
    "no_derivative": QT_TR_NOOP("node '{node}' ({op}): PyTorch has no derivative for {op}"),
    "no_ops": QT_TR_NOOP("select op nodes to check them together"),
    "no_float_output": QT_TR_NOOP("the selection hands on no floating-point value"),
}
HEAT_SIZE = 96


def shape_words() -> dict[str, str]:
    """engine/core/chain_rule's SHAPE_WORDS in the interface's language."""
    return {"scalar": tr("scalar"), "summed": tr("summed over dim {dims}: {sizes} → {result}"),
            "summed_dims": tr("summed over dims {dims}: {sizes} → {result}"), "then": tr("then {result}")}  # pixels a side of each Jacobian heatmap (a thin one is widened to a third of that)


class ChainRulePanel(QScrollArea):
    """Shows rules (``show_rules``), an optimizer's state (``show_state``) or a hint (``show_hint``);
    Gradcheck asks the session to check. It scrolls: a node with many inputs says a lot."""

    gradcheckRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        page = QWidget()
        layout = QVBoxLayout(page)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.saved = QLabel()
        self.saved.setWordWrap(True)
        self.saved.setTextFormat(Qt.TextFormat.RichText)
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
        layout.addWidget(self.saved)
        layout.addWidget(self.button)
        layout.addWidget(self.verdict)
        layout.addLayout(self.heatmaps)
        layout.addStretch(1)
        self.setWidget(page)
        self.rules: list[WireRule] = []
        self.kept: tuple[tuple[SavedArray, ...], bool, int] | None = None  # records, freed, the graph's total bytes
        self.state: tuple[dict[str, dict[str, Any]], dict[str, np.ndarray], tuple | None] | None = None
        self.result: Gradcheck | CannotCheck | str | None = None
        self.focus: int | None = None  # the input whose Jacobian the heatmaps show (None: the first that fails)
        self.narrow: Gradcheck | None = None  # the same check in the run's float32
        self.labels: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # a selection's inputs and outputs
        self.names: tuple[str, ...] = ()  # the checked inputs' names, in order (a kink names its element)
        self._hint: str | None = None
        i18n.live(self, self._retranslate)
        self.show_hint()

    def _retranslate(self) -> None:
        self.button.setText(tr("Gradcheck"))
        self.button.setToolTip(tr("Compare this node's Jacobian from backward with central differences "
                                  "(float64, eps 1e-6, atol 1e-5, rtol 1e-3)"))
        if self.state is not None:
            self._render_state(*self.state)
        elif self._hint is None:
            self._render(self.rules)
        else:
            self.text.setText(html.escape(self._hint or tr("Select a wire or a node to see how its gradient "
                                                           "is made: the chain rule with this run's shapes.")))
        self._render_saved()
        self._render_result()

    # -- what the session calls ----------------------------------------------------------------------
    def show_hint(self, text: str = "") -> None:
        """No rule to show: ``text`` says why (empty: the general hint)."""
        self.rules, self._hint, self.kept, self.state = [], text, None, None
        self.button.setEnabled(False)
        self.show_gradcheck(None)
        self._retranslate()

    def show_selection(self, text: str) -> None:
        """Several nodes selected: ``text`` says what Gradcheck will check (them, as one function)."""
        self.show_hint(text)
        self.button.setEnabled(True)

    def show_rules(self, rules: list[WireRule], can_check: bool,
                   kept: tuple[tuple[SavedArray, ...], bool, int] | None = None) -> None:
        """``kept``: what the node's backward keeps from the forward, whether Backward freed it, and what
        the whole graph keeps (bytes)."""
        self.rules, self._hint, self.kept, self.state = list(rules), None, kept, None
        self.button.setEnabled(can_check)
        self.show_gradcheck(None)
        self._retranslate()

    def show_state(self, states: dict[str, dict[str, Any]], updates: dict[str, np.ndarray],
                   betas: tuple | None = None) -> None:
        """An optimizer's state per parameter (leaf id → PyTorch's names → arrays, ``step`` a count), the
        update each parameter took this step, and Adam's ``betas`` for its bias corrections."""
        self.rules, self._hint, self.kept, self.state = [], None, None, (states, updates, betas)
        self.button.setEnabled(False)
        self.show_gradcheck(None)
        self._retranslate()

    def show_gradcheck(self, result: Gradcheck | CannotCheck | str | None, focus: int | None = None,
                       narrow: Gradcheck | None = None,
                       labels: tuple[tuple[str, ...], tuple[str, ...]] | None = None,
                       names: tuple[str, ...] = ()) -> None:
        """A gradcheck's verdict and heatmaps (of input ``focus``, counted as ``rules`` are), the reason it
        could not run, or nothing; ``narrow``: the same check in the run's float32, explained; ``labels``:
        the names of its inputs and outputs (a selection's), so the heatmaps say which pair they show;
        ``names``: the checked inputs' names, for an element at a kink."""
        self.result, self.focus, self.narrow, self.labels, self.names = result, focus, narrow, labels, names
        self._render_result()

    # -- drawing ------------------------------------------------------------------------------------------
    def _render(self, rules: list[WireRule]) -> None:
        blocks = []
        for r in rules:
            port = r.port if r.index is None else f"{r.port}[{r.index}]"
            formula = op_help(REGISTRY[r.op], i18n.language()).chain_rule(r.rule.formula, REGISTRY[r.op])
            lines = [f"<b>{html.escape(port)}</b>" + (f" ← {html.escape(r.source)}" if r.source else ""),
                     f"<span style='font-size:15px'>{html.escape(formula)}</span>",
                     f"<tt>{html.escape(r.rule.shapes_text(shape_words()))}</tt>"]
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

    def _render_state(self, states: dict[str, dict[str, Any]], updates: dict[str, np.ndarray],
                      betas: tuple | None) -> None:
        color = GRAD_COLOR.name()
        blocks = []
        for leaf, state in states.items():
            step = state.get("step")
            head = f"<b>{html.escape(leaf)}</b>" + (" — " + html.escape(tr("step {t}").format(t=step))
                                                    if step is not None else "")
            lines = [head]
            for key, value in state.items():
                if key == "step":
                    continue
                words = STATE_WORDS.get(key)
                lines.append(f"<tt>{key}</tt> = <span style='color:{color}'>{html.escape(short(value))}</span>"
                             + (f" <small>({html.escape(tr(words))})</small>" if words else ""))
            if betas and step:
                b1, b2 = betas
                lines.append(html.escape(tr("bias corrections: 1 − β₁ᵗ = {c1}, 1 − β₂ᵗ = {c2}").format(
                    c1=fmt(1 - b1 ** step), c2=fmt(1 - b2 ** step))))
            if updates.get(leaf) is not None:
                lines.append(html.escape(tr("update this step: Δ{leaf} = {delta}").format(
                    leaf=leaf, delta=short(updates[leaf]))))
            blocks.append("<br>".join(lines))
        self.text.setText("<hr>".join(blocks) if blocks else html.escape(tr("No state yet: run Step.")))

    def _kink_text(self, kinks: tuple[Kink, ...], eps: float) -> str:
        k = kinks[0]
        name = self.names[k.input] if k.input < len(self.names) else str(k.input)
        element = f"{name}[{', '.join(map(str, k.index))}]" if k.index else name
        text = tr("{element} = {x} sits at a kink: the one-sided differences are {left} from the left and {right} "
                  "from the right, so the central difference x ± {eps} straddles it and gives their mean, {mean}, "
                  "while the analytical Jacobian takes one side ({analytical}). Not rounding: the function has no "
                  "derivative there, and PyTorch picks one of the sides.").format(
            element=element, x=fmt(k.value), left=fmt(k.left), right=fmt(k.right), eps=f"{eps:g}",
            mean=fmt((k.left + k.right) / 2), analytical=fmt(k.analytical))
        if len(kinks) > 1:
            text += " " + tr("{count} more elements sit at a kink.").format(count=len(kinks) - 1)
        return text

    def _render_saved(self) -> None:
        if self.kept is None:
            self.saved.clear()
            return
        records, freed, graph_total = self.kept
        if not records:
            self.saved.setText(html.escape(tr("Its backward keeps nothing from the forward.")))
            return
        roles = {RESULT: tr("result"), INTERMEDIATE: tr("intermediate")}  # the others are the op's port names
        items = "; ".join(f"{html.escape(roles.get(r.role, r.role))} {shape_text(r.shape, tr('scalar'))} {r.dtype} · "
                          f"{size_text(r.nbytes)}" for r in records)
        text = tr("Saved for backward: {items} — {total} (the whole graph keeps {graph})").format(
            items=items, total=size_text(total_bytes(records)), graph=size_text(graph_total))
        if freed:
            note = tr("Freed by Backward (no retain_graph): a second Backward through this node fails.")
            text = f"<span style='color:gray'>{text}<br>{html.escape(note)}</span>"
        self.saved.setText(text)

    def _render_result(self) -> None:
        result = self.result
        for title, image in self.maps:
            title.clear()
            image.clear()
        if result is None:
            self.verdict.clear()
            return
        if isinstance(result, CannotCheck):
            self.verdict.setText(html.escape(tr(REASONS[result.reason]).format(**result.details)))
            return
        if isinstance(result, str):
            self.verdict.setText(html.escape(result))
            return
        words = (tr("Gradcheck passed: the largest difference is {d}") if result.passed else
                 tr("Gradcheck failed: the largest difference is {d}")).format(d=f"{result.max_difference:.2e}")
        settings = f"{result.dtype}, eps {EPS:g}, atol {ATOL:g}, rtol {RTOL:g}"
        color = "#2a8a3e" if result.passed else BAD_COLOR.name()
        text = f"<b style='color:{color}'>{html.escape(words)}</b> ({settings})"
        r = None if self.narrow is None else self.narrow.rounding
        kinks = result.kinks or (() if self.narrow is None else self.narrow.kinks)
        if kinks:  # not rounding: the function has no derivative there
            text += "<br>" + html.escape(self._kink_text(kinks, result.eps))
        elif r is not None:
            why = tr("In the run's {dtype} the largest difference is {d}: a {dtype} number keeps about {digits} "
                     "significant digits, so the step x ± {eps} and each output are rounded, and a difference "
                     "quotient can be off by about {bound}. The analytical Jacobian takes no step.").format(
                dtype=r.dtype, d=f"{self.narrow.max_difference:.2e}", digits=r.digits, eps=f"{self.narrow.eps:g}",
                bound=f"{r.bound:.1e}")
            text += "<br>" + html.escape(why)
        self.verdict.setText(text)
        shown = [p for p in result.pairs if self.focus is None or p.input == self.focus] or list(result.pairs)
        pair = next((p for p in shown if not p.passed), shown[0] if shown else None)
        if pair is None:
            return
        if self.labels is not None:
            inputs, outputs = self.labels
            failing = sorted({inputs[p.input] for p in result.pairs if not p.passed})
            text += "<br>" + html.escape(tr("Checked together from {inputs} to {outputs}.").format(
                inputs=", ".join(inputs), outputs=", ".join(outputs)))
            if failing:
                text += " " + html.escape(tr("Off for: {inputs}.").format(inputs=", ".join(failing)))
            text += "<br>" + html.escape(tr("The heatmaps: ∂{output}/∂{input}").format(
                output=outputs[pair.output], input=inputs[pair.input]))
            self.verdict.setText(text)
        names = (tr("analytical"), tr("numerical"), tr("difference"))
        # one colour scale for the three, so a difference of 1e-10 shows as the near-nothing it is
        reach = max(max(abs(v) for v in data_range(j)[:2]) for j in (pair.analytical, pair.numerical)) or 1.0
        for (title, image), name, a in zip(self.maps, names, (pair.analytical, pair.numerical, pair.difference)):
            largest = fmt(float(np.max(np.abs(a), initial=0)))
            title.setText(f"{name}<br><small>{a.shape[0]}×{a.shape[1]} · {tr('max')} {largest}"
                          "</small>")
            if a.size:
                picture, _, _ = heatmap(a, diverging=True, known=(-reach, reach, data_range(a)[2]))
                rows, cols = picture.height(), picture.width()
                scale = HEAT_SIZE / max(rows, cols)
                width, height = max(round(cols * scale), HEAT_SIZE // 3), max(round(rows * scale), HEAT_SIZE // 3)
                image.setPixmap(QPixmap.fromImage(picture).scaled(
                    width, height, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.FastTransformation))

