"""Saved tensors (engine/core/saved.py): what each node's backward keeps, its bytes, and its release.

What a node keeps is compared with PyTorch's `grad_fn._saved_*` attributes; after a backward without
`retain_graph` the arrays are gone (weak references die) and a second backward raises PyTorch's message.
"""
from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import graphstudio.engine as gs
from graphstudio.engine.core.grad_graph import SECOND_BACKWARD
from graphstudio.engine.core.registry import REGISTRY
from graphstudio.engine.core.saved import INTERMEDIATE, RESULT, is_freed, saved_arrays, saved_record, total_bytes

from tests.oracle import needs_torch, torch

# op → its call on (a, b) and the shape of b (a is 3×4, both positive for log)
CALLS = {
    "mm": (lambda t, a, b: t.mm(a, b), (4, 2)),
    "mul": (lambda t, a, b: a * b, (3, 4)),
    "div": (lambda t, a, b: a / b, (3, 4)),
    "add": (lambda t, a, b: a + b, (4,)),
    "relu": (lambda t, a, b: t.relu(a), None),
    "exp": (lambda t, a, b: t.exp(a), None),
    "sigmoid": (lambda t, a, b: t.sigmoid(a), None),
    "tanh": (lambda t, a, b: t.tanh(a), None),
    "sin": (lambda t, a, b: t.sin(a), None),
    "log": (lambda t, a, b: t.log(a), None),
    "sum": (lambda t, a, b: a.sum(), None),
    "mean": (lambda t, a, b: a.mean(dim=0), None),
}


@needs_torch
@pytest.mark.parametrize("name", CALLS)
def test_what_a_node_keeps_is_what_pytorch_keeps(name):
    """The same arrays by role (PyTorch calls the first input `self`) and bytes as `grad_fn._saved_*`."""
    fn, b_shape = CALLS[name]
    rng = np.random.default_rng(0)
    a_np = np.abs(rng.standard_normal((3, 4))) + 0.5
    b_np = None if b_shape is None else np.abs(rng.standard_normal(b_shape)) + 0.5
    a = gs.tensor(a_np, requires_grad=True)
    b = None if b_np is None else gs.tensor(b_np, requires_grad=True)
    out = fn(gs, a, b)
    ports = [p.name for p in REGISTRY[name].inputs]
    inputs = [(port, t.array) for port, t in zip(ports, (a, b)) if t is not None]
    ours = sorted(("self" if r.role == "input" else r.role, r.nbytes)
                  for r in saved_record(out.grad_fn, inputs, [out.array]))
    ta = torch.tensor(a_np, requires_grad=True)
    tb = None if b_np is None else torch.tensor(b_np, requires_grad=True)
    tnode = fn(torch, ta, tb).grad_fn
    theirs = sorted((attr.removeprefix("_saved_"), getattr(tnode, attr).element_size() * getattr(tnode, attr).numel())
                    for attr in dir(tnode)
                    if attr.startswith("_saved_") and isinstance(getattr(tnode, attr), torch.Tensor))
    assert ours == theirs


def test_roles_name_the_inputs_and_the_result():
    a = gs.randn(3, 4, dtype=gs.float64, requires_grad=True)
    b = gs.randn(4, 5, dtype=gs.float64, requires_grad=True)
    out = gs.mm(a, b)
    records = saved_record(out.grad_fn, [("input", a.array), ("mat2", b.array)], [out.array])
    assert [(r.role, r.shape, r.dtype, r.nbytes) for r in records] == [
        ("input", (3, 4), "float64", 96), ("mat2", (4, 5), "float64", 160)]
    y = out.relu()
    assert [r.role for r in saved_record(y.grad_fn, [("input", out.array)], [y.array])] == [RESULT]
    loss = gs.nn.functional.cross_entropy(out, gs.tensor([0, 4, 2]))
    assert INTERMEDIATE in {r.role for r in saved_record(loss.grad_fn, [("input", out.array)], [loss.array])}


def test_a_total_counts_an_array_two_nodes_keep_once():
    x = gs.randn(8, 4, requires_grad=True)
    h = x.tanh()          # keeps its result
    y = h * h             # keeps h's array twice (self and other)
    records = saved_record(h.grad_fn, [], [h.array]) + saved_record(y.grad_fn, [], [y.array])
    assert len(records) == 3 and total_bytes(records) == 8 * 4 * 4


def _nodes(root):
    seen, stack = [], [root]
    while stack:
        n = stack.pop()
        if n is None or any(n is s for s in seen):
            continue
        seen.append(n)
        stack += [nxt for nxt, _ in n.next_functions]
    return seen


def _mlp_loss():
    x = gs.randn(16, 3, dtype=gs.float64)
    w1 = gs.randn(3, 8, dtype=gs.float64, requires_grad=True)
    w2 = gs.randn(8, 1, dtype=gs.float64, requires_grad=True)
    return ((x @ w1).tanh() @ w2).sigmoid().mean(), (x, w1, w2)


def test_backward_releases_what_the_nodes_kept():
    loss, leaves = _mlp_loss()
    keepers = [n for n in _nodes(loss.grad_fn) if saved_arrays(n)]
    held = [a for n in keepers for a in saved_arrays(n)]
    own = {id(t.array) for t in leaves}
    intermediates = [weakref.ref(a) for a in held if id(a) not in own]
    assert len(intermediates) >= 3  # tanh's and sigmoid's results, mm's input h
    del held
    loss.backward()
    gc.collect()
    assert all(r() is None for r in intermediates)
    assert keepers and all(is_freed(n) for n in keepers)


def test_retain_graph_keeps_them_and_a_second_backward_without_it_fails():
    loss, (_, w1, _) = _mlp_loss()
    kept = [weakref.ref(a) for n in _nodes(loss.grad_fn) for a in saved_arrays(n)]
    loss.backward(retain_graph=True)
    first = w1.grad.numpy().copy()
    gc.collect()
    assert all(r() is not None for r in kept)
    loss.backward()
    np.testing.assert_allclose(w1.grad.numpy(), 2 * first)
    with pytest.raises(RuntimeError) as info:
        loss.backward()
    assert str(info.value) == SECOND_BACKWARD


@needs_torch
def test_the_second_backward_message_is_pytorchs():
    x = torch.randn(3, requires_grad=True)
    loss = x.exp().sum()
    loss.backward()
    with pytest.raises(RuntimeError) as info:
        loss.backward()
    assert str(info.value) == SECOND_BACKWARD
