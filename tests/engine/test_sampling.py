"""Random draws shaped by tensors (bernoulli, bernoulli_): our generator is not PyTorch's (docs/decisions.md),
so these tests compare frequencies, shapes, dtypes, gradients and messages with PyTorch, never the draws."""
from __future__ import annotations

import numpy as np
import pytest

import graphstudio.engine as gs
from tests.oracle import needs_torch, torch


def test_bernoulli_draws_ones_as_often_as_each_probability_says():
    gs.manual_seed(0)
    probs = np.tile(np.array([0.0, 0.1, 0.5, 0.9, 1.0]), (20000, 1))
    draws = gs.bernoulli(gs.tensor(probs)).numpy()
    assert draws.dtype == np.float64 and set(np.unique(draws)) <= {0.0, 1.0}
    np.testing.assert_allclose(draws.mean(axis=0), probs[0], atol=0.015)  # 5 sigma at 20000 draws
    assert draws[:, 0].sum() == 0 and draws[:, -1].all()


def test_bernoulli_repeats_with_manual_seed():
    p = gs.full((50,), 0.5)
    gs.manual_seed(3)
    first = gs.bernoulli(p)
    gs.manual_seed(3)
    assert gs.equal(first, gs.bernoulli(p))
    assert not gs.equal(first, gs.bernoulli(p))  # 2**-50 that two draws agree


def test_bernoulli_in_place_takes_a_number_or_a_tensor_of_probabilities_and_keeps_the_dtype():
    gs.manual_seed(0)
    t = gs.zeros(20000, dtype=gs.int64).bernoulli_(0.25)
    assert t.dtype is gs.int64 and abs(t.float().mean().item() - 0.25) < 0.015
    rows = gs.zeros(4000, 3).bernoulli_(gs.tensor([0.0, 0.5, 1.0]))
    np.testing.assert_allclose(rows.mean(0).numpy(), [0.0, 0.5, 1.0], atol=0.04)
    assert abs(gs.rand(3).bernoulli(p=1.0).sum().item() - 3) == 0


@needs_torch
def test_bernoulli_records_a_zero_gradient_as_pytorch():
    runs = []
    for lib in (gs, torch):
        x = lib.tensor([0.2, 0.7, 0.5], requires_grad=True)
        y = lib.bernoulli(x)
        (y * 3).sum().backward()
        runs.append((y.dtype is gs.float32 if lib is gs else y.dtype == torch.float32, y.grad_fn.name(),
                     x.grad.tolist()))
    assert runs[0] == runs[1] == (True, "BernoulliBackward0", [0.0, 0.0, 0.0])


@needs_torch
@pytest.mark.parametrize("call", [
    lambda lib: lib.bernoulli(lib.tensor([2.0, 1.0])),
    lambda lib: lib.bernoulli(lib.tensor([float("nan")])),
    lambda lib: lib.bernoulli(lib.tensor([0, 1])),
    lambda lib: lib.bernoulli(lib.zeros(3), p=1.5),
    lambda lib: lib.zeros(3).bernoulli_(1.5),
    lambda lib: lib.zeros(3).bernoulli_(lib.tensor([0.0, 1.0])),
    lambda lib: lib.bernoulli(lib.rand(3, requires_grad=True), 0.5).sum().backward(),
])
def test_bernoulli_refuses_what_pytorch_refuses_in_its_words(call):
    errors = []
    for lib in (gs, torch):
        with pytest.raises((RuntimeError, NotImplementedError)) as info:
            call(lib)
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1]
