"""What a node's backward keeps from the forward: its saved arrays, each by role, with its bytes.

`Node.saved` is the explicit record: the arrays (and numbers) an op's forward put aside for its
backward. A backward without `retain_graph` sets it to None, which releases them (no other reference
is kept), and a second backward through that node raises PyTorch's message (grad_graph.SECOND_BACKWARD).
"""
from __future__ import annotations

from typing import Any, Iterable, NamedTuple, Sequence

from .grad_graph import Node

RESULT, INTERMEDIATE = "result", "intermediate"


class SavedArray(NamedTuple):
    """One saved array: `role` is the input it is (by port name), RESULT (the op's output), or INTERMEDIATE
    (something the forward computed on the way: a mask, indices, a softmax). A named tuple: a traced run
    makes one per saved array per step, and a frozen dataclass takes several times longer to make."""

    role: str
    shape: tuple[int, ...]
    dtype: str
    nbytes: int
    key: int  # the array's identity: an array two nodes keep is counted once in a total


def is_freed(node: Node) -> bool:
    """Whether a backward without retain_graph has released what the node kept."""
    return getattr(node, "saved", ()) is None


def saved_arrays(node: Node) -> list[Any]:
    """The arrays the node keeps for its backward (numbers and empty slots left out); none once freed."""
    return _arrays(getattr(node, "saved", ()))


def _arrays(saved: Any) -> list[Any]:
    if not saved:
        return []
    items = saved if isinstance(saved, (tuple, list)) else (saved,)
    return [a for a in items if hasattr(a, "nbytes") and hasattr(a, "shape")]


def saved_record(node: Node, inputs: Sequence[tuple[str, Any]], outputs: Sequence[Any] = ()) -> tuple[SavedArray, ...]:
    """Each array the node keeps, named: `inputs` are (port name, array) of the op's call, `outputs` its
    output arrays; an array that is neither is an intermediate."""
    return records_of(getattr(node, "saved", ()), inputs, outputs)


def records_of(saved: Any, inputs: Sequence[tuple[str, Any]], outputs: Sequence[Any] = ()) -> tuple[SavedArray, ...]:
    """``saved_record`` of what a node's ``saved`` held when it was read (a traced step reads it before
    backward frees it, and makes the records only when they are asked for)."""
    out = []
    unused = list(inputs)  # y * y keeps y twice: once as `input`, once as `other`
    for arr in _arrays(saved):
        for k, (name, x) in enumerate(unused):
            if x is arr:
                role = name
                del unused[k]
                break
        else:
            role = next((name for name, x in inputs if x is arr), None)
            if role is None:
                role = RESULT if any(arr is o for o in outputs) else INTERMEDIATE
        shape = arr.shape
        out.append(SavedArray(role, shape if type(shape) is tuple else tuple(int(n) for n in shape),
                              _dtype_name(arr.dtype), int(arr.nbytes), id(arr)))
    return tuple(out)


_DTYPE_NAMES: dict[Any, str] = {}


def _dtype_name(dtype: Any) -> str:
    """``str(dtype)``, which NumPy takes microseconds to make, once per dtype."""
    name = _DTYPE_NAMES.get(dtype)
    if name is None:
        name = _DTYPE_NAMES[dtype] = str(dtype)
    return name


def total_bytes(records: Iterable[SavedArray]) -> int:
    """The memory the records hold, each array once."""
    return sum({r.key: r.nbytes for r in records}.values())
