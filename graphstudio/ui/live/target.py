"""What Backward acts on when the graph has no node that says so.

A student writes ``out.backward()`` in PyTorch; on the canvas they press Backward on a graph
that ends in ``out``. Without a ``backward`` or optimizer node the press runs ``backward()``
on the selected node when its value is a scalar, else on the graph's only scalar output; when
neither is clear, ``Choice.message`` says what to do instead (and the window offers to add the
missing node). Pure functions of the document and its analysis: no Qt.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from graphstudio.document import Document

from .. import graph
from ..analysis import Analysis
from ..i18n import tr


@dataclass(frozen=True)
class Choice:
    """``root``: the node to call ``backward()`` on (None: the graph's sinks do it, or nothing can).
    ``message``: what the status bar says; ``offer``: the output a new ``backward`` node would take."""

    root: str | None
    message: str = ""
    offer: str | None = None


def has_sink(doc: Document) -> bool:
    return any(graph.node_kind(n.op) == "sink" for n in doc.nodes)


def is_scalar(analysis: Analysis, node_id: str) -> bool:
    """The node's first output is known to hold one element (what ``backward()`` needs without a gradient)."""
    spec = analysis.specs.get(node_id)
    shape = getattr(spec, "shape", None)
    return shape is not None and math.prod(shape) == 1


def outputs(doc: Document) -> list[str]:
    """Nodes whose value no op uses (a sink may): the ends of the graph."""
    ops = {n.id: n.op for n in doc.nodes}
    used = {w.src for w in graph.wires(doc) if graph.node_kind(ops.get(w.dst, "")) != "sink"}
    return [n.id for n in doc.nodes if n.id not in used and graph.node_kind(n.op) in ("op", "leaf")]


def backward_choice(doc: Document, analysis: Analysis, selected: list[str], sinks: bool = True) -> Choice:
    """What Backward does on ``doc`` with ``selected`` chosen on the canvas (``sinks`` False: as if
    the graph had no sink, to find the loss a new optimizer would take)."""
    if sinks and has_sink(doc):
        return Choice(None)
    ops = {n.id: n.op for n in doc.nodes}
    chosen = selected[0] if len(selected) == 1 and graph.node_kind(ops.get(selected[0], "")) in ("op", "leaf") \
        else None
    if chosen is not None:
        if is_scalar(analysis, chosen):
            return _from(doc, chosen)
        return _not_scalar(chosen)
    ends = outputs(doc)
    scalars = [n for n in ends if is_scalar(analysis, n)]
    if len(scalars) == 1:
        return _from(doc, scalars[0])
    if not ends:
        return Choice(None, tr("Nothing to run backward from: build a graph first (Tab adds a node)"))
    if scalars:
        return Choice(None, tr("Which output? Select one of {nodes} and press Backward again, "
                               "or add a backward node").format(nodes=", ".join(scalars)))
    if len(ends) == 1:
        return _not_scalar(ends[0])
    return Choice(None, tr("No scalar output to run backward() from ({nodes} are tensors): reduce one "
                           "with mean or sum, or select it and add a backward node with a gradient")
                  .format(nodes=", ".join(ends)))


def _from(doc: Document, root: str) -> Choice:
    """``root.backward()``, unless nothing before it requires grad: then PyTorch would only say "does
    not require grad", so this says where to tick ``requires_grad`` instead."""
    nodes = {n.id: n for n in doc.nodes}
    before = graph.upstream(doc, root) | {root}
    if any(nodes[i].params.get("requires_grad") is True for i in before if i in nodes):
        return Choice(root, tr("Backward: {call}").format(call=f"{root}.backward()"))
    leaves = [i for i in before if i in nodes and graph.node_kind(nodes[i].op) == "leaf"]
    where = tr(" (select {nodes} and tick it in the inspector)").format(nodes=", ".join(sorted(leaves))) \
        if leaves else ""
    return Choice(None, tr("Nothing for {call} to differentiate: no tensor before it has requires_grad{where}")
                  .format(call=f"{root}.backward()", where=where))


def _not_scalar(node_id: str) -> Choice:
    return Choice(None, tr("{node} is not a scalar: backward() needs one value (reduce it with mean or sum "
                           "first), or add a backward node with a gradient").format(node=node_id), node_id)
