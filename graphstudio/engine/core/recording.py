"""A listener on every op the dispatcher runs and every `backward()`, for turning a script into a graph.

Off (`observer is None`), the cost is one global lookup per op. On, `observer.op(op, args, params,
out)` hears each op call after it ran (args in port order, params as given to the forward, out
the tensor or tuple returned), and `observer.before_backward(t, gradient, retain_graph)` and
`observer.after_backward(t)` bracket each `Tensor.backward`. Only a script import (in a process of
its own) sets it; the engine never does.
"""
from __future__ import annotations

from typing import Any

observer: Any = None


def observe(listener: Any) -> None:
    """Start (a listener) or stop (None) recording."""
    global observer
    observer = listener
