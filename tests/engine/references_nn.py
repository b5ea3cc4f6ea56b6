"""NumPy references for ops/nn.py, written independently of the engine."""
from __future__ import annotations

import numpy as np


def _softmax(a, dim):
    a = np.asarray(a, dtype=float)
    if a.ndim == 0:
        return np.ones_like(a)
    e = np.exp(a - np.max(a, axis=dim, keepdims=True))
    return e / np.sum(e, axis=dim, keepdims=True)


def _log_softmax(a, dim):
    a = np.asarray(a, dtype=float)
    if a.ndim == 0:
        return np.zeros_like(a)
    m = np.max(a, axis=dim, keepdims=True)
    return a - m - np.log(np.sum(np.exp(a - m), axis=dim, keepdims=True))


def _dropout(a, p=0.5, training=True):
    assert not training or p == 0, "the reference covers the deterministic cases only"
    return a


def _reduce(loss, reduction):
    if reduction == "mean":
        return np.mean(loss)
    if reduction == "sum":
        return np.sum(loss)
    return loss


def _mse(a, t, reduction="mean"):
    return _reduce((np.asarray(a, dtype=float) - t) ** 2, reduction)


def _l1(a, t, reduction="mean"):
    return _reduce(np.abs(np.asarray(a) - np.asarray(t)), reduction)


def _bce_logits(x, t, reduction="mean"):
    x, t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    p = 1 / (1 + np.exp(-x))
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = -(t * np.log(p) + (1 - t) * np.log1p(-p))
    # large |x|: the plain formula loses precision; use the textbook stable one there
    loss = np.where(np.abs(x) > 30, np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x))), loss)
    return _reduce(loss, reduction)


def _bce(p, t, reduction="mean"):
    p, t = np.asarray(p, dtype=float), np.asarray(t, dtype=float)
    with np.errstate(divide="ignore"):
        lp = np.maximum(np.log(p), -100)
        lq = np.maximum(np.log(1 - p), -100)
    return _reduce(-(t * lp + (1 - t) * lq), reduction)


def _nll_core(logp, t, ignore_index, reduction, smoothing=0.0):
    """logp: [N, C, ...] or [C]; t: [N, ...] or []. Loops over targets one by one."""
    logp, t = np.asarray(logp, dtype=float), np.asarray(t)
    if logp.ndim == 1:
        logp, t = logp[None], t.reshape(1)
        squeeze = True
    else:
        squeeze = False
    c = logp.shape[1]
    moved = np.moveaxis(logp, 1, -1).reshape(-1, c)
    flat = t.reshape(-1)
    losses = np.zeros(flat.shape)
    kept = 0
    for i, k in enumerate(flat):
        if k == ignore_index:
            continue
        kept += 1
        losses[i] = -(1 - smoothing) * moved[i, k] - smoothing / c * moved[i].sum()
    losses = losses.reshape(t.shape)
    if reduction == "none":
        return losses.reshape(()) if squeeze else losses
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / kept if kept else np.nan


def _cross_entropy(x, t, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    x = np.asarray(x, dtype=float)
    return _nll_core(_log_softmax(x, 1 if x.ndim > 1 else 0), t, ignore_index, reduction, label_smoothing)


def _nll_loss(x, t, ignore_index=-100, reduction="mean"):
    return _nll_core(x, t, ignore_index, reduction)


def _robust(huber):
    def ref(a, t, reduction="mean", beta=None, delta=None):
        k = delta if huber else beta
        k = 1.0 if k is None else k
        d = np.asarray(a) - np.asarray(t)
        ad = np.abs(d)
        if huber:
            loss = np.where(ad < k, 0.5 * d * d, k * (ad - 0.5 * k))
        elif k == 0:
            loss = ad
        else:
            loss = np.where(ad < k, 0.5 * d * d / k, ad - 0.5 * k)
        return _reduce(loss, reduction)
    return ref


REFS = {
    "softmax": _softmax,
    "log_softmax": _log_softmax,
    "dropout": _dropout,
    "mse_loss": _mse,
    "l1_loss": _l1,
    "binary_cross_entropy_with_logits": _bce_logits,
    "binary_cross_entropy": _bce,
    "cross_entropy": _cross_entropy,
    "nll_loss": _nll_loss,
    "smooth_l1_loss": _robust(False),
    "huber_loss": _robust(True),
}
