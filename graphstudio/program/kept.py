"""What each node's backward keeps in one traced step: noted as the forward ends, worked out when asked.

Making the records (engine/core/saved: each saved array's role by port name, shape, dtype and bytes)
for every node on every traced step cost a traced run more than its ops did, and the editor shows
them for one node at a time. So the step only notes each node's ``saved`` as its forward left it
(a backward without retain_graph drops it) and the arrays each output held then; the records are
made from that note the first time they are asked for, and are the same records the step would
have made at once. The note keeps the saved arrays as long as the trace (one step's) is kept.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphstudio.engine.core.saved import SavedArray, is_freed, records_of

from .compiler import Const, Ref


class KeptArrays:
    """One traced step's saved arrays, node by node; ``records()`` and ``freed()`` work them out."""

    __slots__ = ("_held", "_arrays", "_constants", "_records")

    def __init__(self, recorded: Sequence[tuple], edges: dict[str, Any], arrays: dict[str, Any],
                 constants: dict[int, Any]):
        """``recorded``: the runner's per op step (id, first output key, every output key, labelled inputs);
        ``edges``: each output key's ``(grad_fn, output_nr)`` as the forward left it; ``arrays``: each output
        key's array then; ``constants``: the run's constant tensors, by id of their Const."""
        held = []
        for node_id, key, keys, labelled in recorded:
            edge = edges.get(key)
            if edge is not None:
                saved = getattr(edge[0], "saved", ())
                if saved:  # (a node that keeps nothing gets no record)
                    held.append((node_id, edge[0], saved, keys, labelled))
        self._held, self._arrays, self._constants = held, arrays, constants
        self._records: dict[str, tuple[SavedArray, ...]] | None = None

    def records(self) -> dict[str, tuple[SavedArray, ...]]:
        """Node id → what its backward keeps, named by the input port it is (or result, or intermediate)."""
        records = self._records
        if records is None:
            records = {}
            for node_id, _, saved, keys, labelled in self._held:
                inputs = [(label, a) for label, x in labelled if (a := self._array(x)) is not None]
                record = records_of(saved, inputs, [self._arrays[k] for k in keys])
                if record:
                    records[node_id] = record
            self._records = records  # two threads asking at once make equal dicts
        return records

    def freed(self) -> set[str]:
        """Node ids whose saved arrays a backward released (of those that keep any)."""
        records = self.records()
        return {node_id for node_id, node, *_ in self._held if node_id in records and is_freed(node)}

    def _array(self, x: Any) -> Any:
        """The array an input of the step's call was (None for a number or an empty slot)."""
        if type(x) is Ref:
            return self._arrays[x.name]
        if isinstance(x, Const):
            t = self._constants.get(id(x))
            return None if t is None else t.array
        return None
