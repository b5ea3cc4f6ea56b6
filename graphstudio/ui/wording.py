"""Problems and PyTorch's errors as the interface words them.

The message itself stays as the checker or PyTorch wrote it, in English (what a student searches
for); the framing around it ("node 'mm1' (mm): …") is in the interface's language, and in a
language other than English a common PyTorch error is followed by a one-sentence explanation.
"""
from __future__ import annotations

from typing import Sequence

from graphstudio.document import Problem
from graphstudio.document.problems import clip, one_line
from graphstudio.engine.error_help import explanation
from graphstudio.program.memory import bytes_text

from . import i18n
from .i18n import tr


def error_text(message: str) -> str:
    """PyTorch's ``message`` verbatim, then (on the same line) what it means where the interface's
    language explains it."""
    why = explanation(message, i18n.language())
    return f"{message} —— {why}" if why else message


def problem_text(problem: Problem) -> str:
    """One problem: where (node, op, key) in the interface's language, then the message verbatim and
    what it means (``error_text``)."""
    return error_text(framed(problem))


def framed(problem: Problem) -> str:
    """One problem: where (node, op, key) in the interface's language, then the message verbatim."""
    if i18n.language() == i18n.ENGLISH:
        return str(problem)
    parts = []
    if problem.node_id is not None:
        node = clip(problem.node_id)
        parts.append(tr("node '{node}' ({op})").format(node=node, op=clip(problem.op)) if problem.op
                     else tr("node '{node}'").format(node=node))
    if problem.path:
        parts.append(problem.path)
    parts.append(problem.message)
    return one_line(tr(": ").join(parts))


def graph_problems(problems: Sequence[Problem]) -> str:
    """Why a graph cannot run: its first problem, framed, and how many more (no explanation: the
    run's failure is explained where it is shown)."""
    return tr("the graph has problems: {first}{more}").format(first=framed(problems[0]),
                                                              more=more_problems(len(problems)))


def more_problems(count: int) -> str:
    """What follows the first of ``count`` problems: " (and 2 more)"; nothing for one."""
    return tr(" (and {count} more)").format(count=count - 1) if count > 1 else ""


def size_text(n: float) -> str:
    """A size in memory as ``bytes_text`` writes it, its smallest unit in the interface's language
    (KB, MB, … read the same in every language)."""
    return tr("{n} bytes").format(n=f"{n:.0f}") if n < 1024 else bytes_text(n)
