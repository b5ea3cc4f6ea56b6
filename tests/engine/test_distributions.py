"""`torch.distributions` compared with PyTorch's: log_prob, entropy, moments and their gradients through
the parameters, value for value; draws (from our own generator) by their shapes, dtypes and frequencies;
reprs and refusals word for word."""
from __future__ import annotations

import numpy as np
import pytest

import graphstudio.engine as gs
from tests.oracle import needs_torch, torch

rng = np.random.default_rng(0)
PROBS = rng.random((2, 4)) + 0.1
LOGITS = rng.standard_normal((2, 4))

# (name, params as arrays, make(lib, params), value to score)
CASES = [
    ("normal", {"loc": rng.standard_normal(3), "scale": rng.random(3) + 0.5},
     lambda d, p: d.Normal(p["loc"], p["scale"]), rng.standard_normal((2, 3))),
    ("normal_numbers", {}, lambda d, p: d.Normal(0.5, 2.0), np.array([0.1, -3.0])),
    ("bernoulli_probs", {"probs": rng.random(4) * 0.8 + 0.1}, lambda d, p: d.Bernoulli(p["probs"]),
     np.array([0.0, 1.0, 1.0, 0.0])),
    ("bernoulli_logits", {"logits": rng.standard_normal(4)}, lambda d, p: d.Bernoulli(logits=p["logits"]),
     np.array([[1.0, 1.0, 0.0, 0.0], [0.0, 1.0, 0.0, 1.0]])),
    ("categorical_probs", {"probs": PROBS}, lambda d, p: d.Categorical(p["probs"]), np.array([[0, 3], [2, 1], [1, 1]])),
    ("categorical_logits", {"logits": LOGITS}, lambda d, p: d.Categorical(logits=p["logits"]), np.array([3, 0])),
    ("multinomial_probs", {"probs": PROBS}, lambda d, p: d.Multinomial(6, p["probs"]),
     np.array([[1.0, 2.0, 0.0, 3.0], [6.0, 0.0, 0.0, 0.0]])),
    ("multinomial_logits", {"logits": LOGITS[0]}, lambda d, p: d.Multinomial(3, logits=p["logits"]),
     np.array([0.0, 1.0, 1.0, 1.0])),
    ("uniform", {"low": rng.standard_normal(3), "high": rng.standard_normal(3) + 3.0},
     lambda d, p: d.Uniform(p["low"], p["high"]), np.array([[0.5, 1.0, 1.5]])),
]
HAS_ENTROPY = {"normal", "normal_numbers", "bernoulli_probs", "bernoulli_logits", "categorical_probs",
               "categorical_logits", "uniform"}


def _build(lib, case, dtype="float64"):
    name, params, make, value = case
    tensors = {k: lib.tensor(v.astype(dtype), requires_grad=True) for k, v in params.items()}
    wanted = lib.int64 if name.startswith("categorical") else getattr(lib, dtype)
    return tensors, make(lib.distributions, tensors), lib.tensor(value, dtype=wanted)


@needs_torch
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_log_prob_entropy_and_moments_and_their_gradients_match_pytorch(case, dtype):
    results = []
    for lib in (gs, torch):
        params, dist, value = _build(lib, case, dtype)
        out = {"log_prob": dist.log_prob(value)}
        if case[0] in HAS_ENTROPY:
            out["entropy"] = dist.entropy()
        for moment in ("mean", "variance", "stddev"):
            if not case[0].startswith("categorical"):  # Categorical's are NaN: compared below
                out[moment] = getattr(dist, moment)
        grads = {}
        for key, t in out.items():
            for p in params.values():
                p.grad = None
            if t.requires_grad:
                weights = lib.tensor(np.linspace(0.5, 1.5, t.numel()).reshape(tuple(t.shape)), dtype=t.dtype)
                (t * weights).sum().backward(retain_graph=True)
                grads[key] = {k: (p.grad.numpy() if p.grad is not None else None) for k, p in params.items()}
        results.append(({k: (v.detach().numpy(), str(v.dtype).removeprefix("torch."), tuple(v.shape),
                             v.grad_fn.name() if v.grad_fn else None) for k, v in out.items()}, grads,
                        (tuple(dist.batch_shape), tuple(dist.event_shape), repr(dist))))
    (ours, our_grads, our_meta), (theirs, their_grads, their_meta) = results
    assert our_meta == their_meta
    tol = {"rtol": 1e-5, "atol": 1e-6} if dtype == "float32" else {"rtol": 1e-12, "atol": 1e-12}
    for key in theirs:
        values, dt, shape, grad_fn = ours[key]
        assert (dt, shape, grad_fn) == theirs[key][1:], key
        np.testing.assert_allclose(values, theirs[key][0], err_msg=key, **tol)
    assert our_grads.keys() == their_grads.keys()
    for key, grads in their_grads.items():
        for p, g in grads.items():
            if g is None:
                assert our_grads[key][p] is None or not np.any(our_grads[key][p])
            else:
                np.testing.assert_allclose(our_grads[key][p], g, err_msg=f"{key} by {p}", **tol)


@needs_torch
def test_categorical_moments_are_nan_as_pytorchs():
    for lib in (gs, torch):
        d = lib.distributions.Categorical(lib.tensor(PROBS))
        assert np.isnan(d.mean.numpy()).all() and tuple(d.mean.shape) == (2,) and np.isnan(d.variance.numpy()).all()


@needs_torch
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("sample_shape", [(), (5,), (2, 3)])
def test_samples_have_pytorchs_shape_and_dtype_and_carry_no_gradient(case, sample_shape):
    got = []
    for lib in (gs, torch):
        _, dist, _ = _build(lib, case, "float32")
        s = dist.sample(sample_shape)
        got.append((tuple(s.shape), str(s.dtype).removeprefix("torch."), s.requires_grad))
    assert got[0] == got[1]


def test_draws_follow_their_distribution():
    gs.manual_seed(0)
    d = gs.distributions
    n = 20000
    x = d.Normal(gs.tensor([1.0, -2.0]), gs.tensor([0.5, 3.0])).sample((n,)).numpy()
    assert (np.abs(x.mean(0) - [1.0, -2.0]) < 5 * np.array([0.5, 3.0]) / np.sqrt(n)).all()  # 5 sigma
    np.testing.assert_allclose(x.std(0), [0.5, 3.0], rtol=0.03)
    u = d.Uniform(gs.tensor([0.0, 2.0]), gs.tensor([1.0, 5.0])).sample((n,)).numpy()
    assert (u >= [0.0, 2.0]).all() and (u < [1.0, 5.0]).all()
    np.testing.assert_allclose(u.mean(0), [0.5, 3.5], atol=0.05)
    probs = np.array([[0.1, 0.0, 0.6, 0.3], [0.25, 0.25, 0.25, 0.25]])
    c = d.Categorical(gs.tensor(probs * 7)).sample((n,)).numpy()  # unnormalised probs are normalised
    freq = np.stack([np.bincount(c[:, b], minlength=4) / n for b in range(2)])
    np.testing.assert_allclose(freq, probs, atol=0.015)
    assert freq[0, 1] == 0
    m = d.Multinomial(10, gs.tensor(probs)).sample((n,)).numpy()
    assert (m.sum(-1) == 10).all() and (m >= 0).all() and (m[..., 0, 1] == 0).all()
    np.testing.assert_allclose(m.mean(0), 10 * probs, atol=0.06)
    b = d.Bernoulli(logits=gs.tensor([-1.0, 2.0])).sample((n,)).numpy()
    np.testing.assert_allclose(b.mean(0), 1 / (1 + np.exp([1.0, -2.0])), atol=0.015)


def test_draws_repeat_with_manual_seed():
    d = gs.distributions.Normal(gs.zeros(4), 1.0)
    gs.manual_seed(7)
    first = [d.sample(), d.rsample(), gs.distributions.Categorical(gs.ones(5)).sample((3,))]
    gs.manual_seed(7)
    again = [d.sample(), d.rsample(), gs.distributions.Categorical(gs.ones(5)).sample((3,))]
    assert all(gs.equal(a, b) for a, b in zip(first, again))


@pytest.mark.parametrize("make", [
    lambda d, loc, scale: d.Normal(loc, scale),
    lambda d, loc, scale: d.Uniform(loc, loc + scale)])
def test_rsample_passes_gradients_to_the_parameters_through_the_fixed_draw(make):
    gs.manual_seed(1)
    loc = gs.tensor([0.5, -1.0], requires_grad=True)
    scale = gs.tensor([2.0, 0.5], requires_grad=True)
    s = make(gs.distributions, loc, scale).rsample((6,))
    (s * s).sum().backward()
    draw = ((s - loc) / scale).detach()  # eps (Normal) or the uniform number (Uniform) behind each sample
    np.testing.assert_allclose(loc.grad.numpy(), (2 * s).sum(0).detach().numpy(), rtol=1e-5)
    np.testing.assert_allclose(scale.grad.numpy(), (2 * s * draw).sum(0).detach().numpy(), rtol=1e-5)
    assert not make(gs.distributions, loc, scale).sample().requires_grad


@needs_torch
@pytest.mark.parametrize("call", [
    lambda d, t: d.Normal(0.0, -1.0), lambda d, t: d.Normal(t.tensor([0.0, 1.0]), t.tensor([1.0, -2.0])),
    lambda d, t: d.Categorical(t.tensor([0.2, -0.8])),
    lambda d, t: d.Categorical(t.tensor([0.2, 0.8])).log_prob(t.tensor([2])),
    lambda d, t: d.Uniform(1.0, 0.0), lambda d, t: d.Bernoulli(1.5), lambda d, t: d.Bernoulli(0.5, logits=0.0),
    lambda d, t: d.Categorical(), lambda d, t: d.Normal(0.0, 1.0).log_prob(0.5),
    lambda d, t: d.Normal(t.zeros(3), 1.0).log_prob(t.zeros(2)),
    lambda d, t: d.Multinomial(3, t.tensor([0.5, 0.5])).log_prob(t.tensor([1.0, -1.0])),
    lambda d, t: d.Bernoulli(0.5).log_prob(t.tensor(0.5)),
])
def test_refusals_are_pytorchs_word_for_word(call):
    messages = []
    for lib in (gs, torch):
        with pytest.raises(ValueError) as info:
            call(lib.distributions, lib)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


@needs_torch
def test_validate_args_false_skips_the_checks_as_in_pytorch():
    values = [lib.distributions.Normal(0.0, 1.0, validate_args=False).log_prob(lib.tensor(0.5)).item()
              for lib in (gs, torch)]
    np.testing.assert_allclose(*values, rtol=1e-7)
    for lib in (gs, torch):
        lib.distributions.Bernoulli(1.5, validate_args=False)
