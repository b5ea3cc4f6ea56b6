"""The Code dock: the open graph as the PyTorch script it stands for, kept in step with the canvas.

The text is `export_code.export` of the document, made again a moment after each edit. Each line
that defines a node's variable (or calls a sink: `loss.backward()`, `opt.step()`) belongs to that
node: selecting the node highlights its first line, and clicking a line selects its node.
"""
from __future__ import annotations

import re

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFontDatabase, QMouseEvent, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from . import i18n
from .i18n import tr
from .model import GraphModel
from .scene import GraphScene
from .wording import problem_text

_ASSIGNED = re.compile(r"^\s*([A-Za-z_][\w, ]*?)\s*=[^=]")
_CALLED = re.compile(r"^\s*([A-Za-z_]\w*)(?:\[\d+\]|\.\w+)*\.(zero_grad|step|backward)\(")
REFRESH_MS = 150


def line_owners(code: str, names: dict[str, str], backward_sinks: list[str]) -> dict[int, str]:
    """Node id per 0-based line of the script: lines assigning a node's variable, and the sink calls
    (`opt.zero_grad()`, `opt.step()`; the n-th `.backward(` that is no optimizer's is the n-th backward sink)."""
    by_var = {var: node_id for node_id, var in names.items()}
    owners: dict[int, str] = {}
    sinks = iter(backward_sinks)
    lines = code.splitlines()
    for i, line in enumerate(lines):
        called = _CALLED.match(line)
        if called is not None:
            var, method = called.groups()
            if method in ("zero_grad", "step") and var in by_var:
                owners[i] = by_var[var]
            elif method == "backward" and not (i >= 1 and ".zero_grad()" in lines[i - 1]):
                owner = next(sinks, None)
                if owner is not None:
                    owners[i] = owner
            continue
        assigned = _ASSIGNED.match(line)
        if assigned is not None:
            for target in (t.strip() for t in assigned.group(1).split(",")):
                node_id = by_var.get(target) or by_var.get(target.rpartition("_")[0])  # data_x: the data node
                if node_id is not None:
                    owners[i] = node_id
                    break
    return owners


class CodePanel(QPlainTextEdit):
    """Read-only PyTorch code of the model's document, linked line by line to the scene's nodes."""

    def __init__(self, model: GraphModel, scene: GraphScene) -> None:
        super().__init__()
        self.model, self.scene = model, scene
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.owners: dict[int, str] = {}
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        model.changed.connect(self._timer.start)
        i18n.live(self, self.refresh)  # (why there is no code is said in the interface's language)

    def refresh(self) -> None:
        """Write the code of the document as it is now (or why there is none)."""
        if not shiboken6.isValid(self.scene):
            return  # the window is closing
        from graphstudio.program.compiler import CompileError, compile
        from graphstudio.program.export_code import export, variable_names

        try:
            program = compile(self.model.doc.copy(), self.model.base_dir)
            code = export(program)
        except CompileError as exc:
            self.owners = {}
            self.setPlainText("# " + tr("The graph has problems, so it is no script yet:") + "\n" +
                              "\n".join(f"# {problem_text(p)}" for p in exc.problems))
            return
        backward_sinks = [s.id for s in program.sinks if s.op.name == "backward"]
        self.owners = line_owners(code, variable_names(program), backward_sinks)
        if code != self.toPlainText():
            self.setPlainText(code)
        self.highlight()

    def line_of(self, node_id: str) -> int | None:
        return min((line for line, owner in self.owners.items() if owner == node_id), default=None)

    def highlight(self) -> None:
        """Mark the first line of the one selected node, and scroll to it (the window calls it when
        the selection changes)."""
        ids = self.scene.selected_ids()
        line = self.line_of(ids[0]) if len(ids) == 1 else None
        if line is None:
            self.setExtraSelections([])
            return
        mark = QTextEdit.ExtraSelection()
        mark.format.setBackground(QColor(255, 214, 102, 110))
        mark.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        cursor = QTextCursor(self.document().findBlockByNumber(line))
        mark.cursor = cursor
        self.setExtraSelections([mark])
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        node_id = self.owners.get(self.cursorForPosition(event.position().toPoint()).blockNumber())
        if node_id is not None and node_id in self.scene.nodes:
            self.scene.select_ids([node_id])
