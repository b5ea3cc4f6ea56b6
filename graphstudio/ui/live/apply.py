""""Apply trained values": write trained leaves back into the graph, as one undoable edit.

Training changes the runner's leaves, not the Document; without this a saved file forgets what
was learned. Each trained leaf becomes (or stays) a ``tensor`` node whose ``data`` is the trained
array, keeping its id, position, wires and ``requires_grad`` — so the next run starts from there,
and Undo puts the original creation op (``randn``, ``zeros`` …) back.
"""
from __future__ import annotations

import numpy as np

from graphstudio.document import Node

from ..commands import NodesCommand, Target
from ..i18n import tr


def data_list(a: np.ndarray) -> object:
    """Nested lists for the file; float32 elements written with the fewest digits that read back exactly."""
    a = np.asarray(a)
    if a.dtype == np.float32:
        flat = [float(str(v)) for v in a.reshape(-1)]
        return np.array(flat, dtype=np.float64).reshape(a.shape).tolist()
    return a.tolist()


def leaf_params(node: Node, value: np.ndarray) -> dict:
    """The params of the ``tensor`` node that holds ``value`` in place of ``node``."""
    if node.op == "tensor":
        params = dict(node.params)
    else:
        params = {k: v for k, v in node.params.items() if k == "requires_grad"}
        if value.dtype != np.float32:
            params["dtype"] = value.dtype.name
    params["data"] = data_list(value)
    return params


class ApplyTrainedValues(NodesCommand):
    """Replace each named leaf by a ``tensor`` node holding its trained value."""

    def __init__(self, target: Target, leaves: dict[str, np.ndarray]) -> None:
        for node_id, value in leaves.items():
            if value.dtype.kind == "f" and not np.all(np.isfinite(value)):
                raise ValueError(tr("'{node}' holds NaN or Inf, which a graph file cannot store").format(node=node_id))
        self.leaves = {k: np.array(v, copy=True) for k, v in leaves.items()}
        n = len(leaves)
        super().__init__(target, tr("Apply trained values (1 tensor)") if n == 1
                         else tr("Apply trained values (%n tensors)", None, n))

    def apply(self, nodes: list[Node]) -> None:
        for node in nodes:
            value = self.leaves.get(node.id)
            if value is not None:
                node.params = leaf_params(node, value)
                node.op = "tensor"
