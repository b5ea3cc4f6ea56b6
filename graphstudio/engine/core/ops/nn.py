"""Neural-network ops: softmax, log_softmax and dropout (Activation), and the losses (Loss).

Each loss takes `reduction` (none / mean / sum, as PyTorch) and computes its own gradient in
one step (cross_entropy's is (softmax - one_hot) / N), rather than through a chain of
elementwise ops. Class-index targets are int64 and never get a gradient; float targets get
the gradient PyTorch gives them.
"""
from __future__ import annotations

import math
import warnings

from .. import dtypes
from ..generator import default_generator
from ..registry import OUT, DimError, Op, Param, Port, Sample, ShapeError, Spec, node_class, register
from . import _infer
from .reduce import is_float

T, S = Port, Sample

REDUCTION = Param("reduction", "choice", "mean", "none: one loss per element; mean or sum: one number",
                  choices=("none", "mean", "sum"))
_REDUCTIONS = ("none", "mean", "sum")


def _size(shape: tuple) -> str:
    return f"torch.Size({list(shape)})"


def _class_axis(dim, ndim: int, op: str) -> int | None:
    """`dim` in range, as an axis (None on a 0-dim tensor, whose only dim is 0 / -1)."""
    if dim is None:
        raise ShapeError(f"{op}() missing required argument 'dim'")
    n = ndim or 1
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise ShapeError(f"{op}(): argument 'dim' must be int, not {type(dim).__name__}")
    if not -n <= dim < n:
        raise DimError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n if ndim else None


def _softmax_infer(a, dim, op):
    a = _infer.need_tensor(a, "input")
    axis = _class_axis(dim, a.ndim, op)
    if not a.dtype.is_floating_point:
        kernel = "lastdim_kernel_impl" if axis is None or axis == a.ndim - 1 else "kernel_impl"
        raise ShapeError(f'"{op}_{kernel}" not implemented for \'{a.dtype.scalar_type}\'')
    return a


def _check_reduction(reduction) -> None:
    if reduction not in _REDUCTIONS:
        raise ShapeError(f"{reduction} is not a valid value for reduction")


def _reduce(xp, loss, reduction: str):
    if reduction == "mean":
        n = math.prod(loss.shape)
        return xp.sum(loss) * (1.0 / n if n else math.nan)
    if reduction == "sum":
        return xp.sum(loss)
    return loss


def _loss_scale(g, reduction: str, n: int):
    """The output gradient, as a factor for every element of the unreduced loss."""
    if reduction == "mean":
        return g * (1.0 / n if n else math.nan)
    return g


# -- activations --------------------------------------------------------------------------------
@register
class Softmax(Op):
    name, grad_fn = "softmax", "SoftmaxBackward0"
    double_backward = (OUT,)
    torch = "torch.nn.functional.softmax({input}, dim={dim})"
    category = "Activation"
    doc = "exp(x) / sum(exp(x)) along dim: each slice becomes probabilities that sum to 1."
    inputs = (T("input"),)
    params = (Param("dim", "int", None, "the dim whose entries sum to 1", required=True),)
    samples = (S(((3, 4),), {"dim": 1}), S(((3, 4),), {"dim": 0}), S(((2, 3, 4),), {"dim": -2}), S(((5,),), {"dim": 0}),
               S(((),), {"dim": 0}), S(([[1000.0, 0.0, -1000.0]],), {"dim": 1}),
               S(((3, 4),), {"dim": 2}, error="Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
               S(((3, 4),), {"dim": 1}, dtypes=("int64",),
                 error='"softmax_lastdim_kernel_impl" not implemented for \'Long\''))

    def infer(a, dim=None):
        return _softmax_infer(a, dim, "softmax")

    def forward(ctx, a, dim=None):
        xp = ctx.xp
        axis = _class_axis(dim, a.ndim, "softmax")
        if not is_float(xp, a.dtype):
            raise TypeError("softmax of a non-float tensor")
        e = xp.exp(a - xp.max(a, axis=axis, keepdims=True))
        e /= xp.sum(e, axis=axis, keepdims=True)
        ctx.saved = (e,)
        ctx.info = axis
        return e

    vjp_formula = ("∂L/∂x = y ⊙ (G − Σ(G ⊙ y) along dim)",)

    def backward(ctx, g):
        out, = ctx.saved
        xp = ctx.xp
        gy = g * out
        return (gy - out * xp.sum(gy, axis=ctx.info, keepdims=True),)  # out of place: also runs on Tensors


@register
class LogSoftmax(Op):
    name, grad_fn = "log_softmax", "LogSoftmaxBackward0"
    double_backward = (OUT,)
    torch = "torch.nn.functional.log_softmax({input}, dim={dim})"
    category = "Activation"
    doc = "log(softmax(x)) along dim, computed stably as x - max - log(sum(exp(x - max)))."
    inputs = (T("input"),)
    params = (Param("dim", "int", None, "the dim to normalise over", required=True),)
    samples = (S(((3, 4),), {"dim": 1}), S(((3, 4),), {"dim": 0}), S(((2, 3, 4),), {"dim": -1}), S(((),), {"dim": -1}),
               S(([[1000.0, 0.0, -1000.0]],), {"dim": 1}),
               S(((3, 4),), {"dim": -3}, error="Dimension out of range"),
               S(((3, 4),), {"dim": 0}, dtypes=("int64",), error='"log_softmax_kernel_impl" not implemented for \'Long\''))

    def infer(a, dim=None):
        return _softmax_infer(a, dim, "log_softmax")

    def forward(ctx, a, dim=None):
        xp = ctx.xp
        axis = _class_axis(dim, a.ndim, "log_softmax")
        if not is_float(xp, a.dtype):
            raise TypeError("log_softmax of a non-float tensor")
        z = a - xp.max(a, axis=axis, keepdims=True)
        z -= xp.log(xp.sum(xp.exp(z), axis=axis, keepdims=True))
        ctx.saved = (z,)
        ctx.info = axis
        return z

    vjp_formula = ("∂L/∂x = G − exp(y) ⊙ Σ G along dim",)

    def backward(ctx, g):
        out, = ctx.saved
        xp = ctx.xp
        return (g - xp.exp(out) * xp.sum(g, axis=ctx.info, keepdims=True),)


@register
class Dropout(Op):
    inplace = ("F",)
    name, grad_fn = "dropout", "MulBackward0"
    torch = "torch.nn.functional.dropout({input}, p={p}, training={training})"
    category = "Activation"
    doc = ("While training, zero each element with probability p and scale the rest by 1/(1-p); "
           "otherwise (or with p=0) pass the input through unchanged.")
    inputs = (T("input"),)
    params = (Param("p", "float", 0.5, "probability of zeroing an element", min=0.0, max=1.0),
              Param("training", "bool", True, "drop (training) or pass through (evaluation)"))
    method = False
    returns_input = True
    # The mask is random, so samples compare with PyTorch only where dropout is the identity;
    # tests/engine/test_nn_ops.py checks the mask and its scaling.
    samples = (S(((3, 4),), {"p": 0.0}), S(((3, 4),), {"p": 0.5, "training": False}), S(((2, 3),), {"training": False}),
               S(((3, 4),), {"p": 1.5}, error="dropout probability has to be between 0 and 1, but got 1.5"),
               S(((3, 4),), {"p": 0.5}, dtypes=("int64",),
                 error="result type Float can't be cast to the desired output type Long"))

    @classmethod
    def grad_fn_name(cls, params: dict) -> str | None:
        # PyTorch hands back the input itself when nothing is dropped: no node.
        return "MulBackward0" if params.get("training", True) and params.get("p", 0.5) > 0 else None

    def infer(a, p=0.5, training=True):
        a = _infer.need_tensor(a, "input")
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
            raise ShapeError(f"dropout probability has to be between 0 and 1, but got {p}")
        if training and p > 0 and not a.dtype.is_floating_point:
            raise ShapeError(f"result type Float can't be cast to the desired output type {a.dtype.scalar_type}")
        return a

    def forward(ctx, a, p=0.5, training=True):
        if not 0.0 <= p <= 1.0:
            raise ValueError("dropout probability")
        if not training or p == 0:
            return a
        xp = ctx.xp
        if not is_float(xp, a.dtype):
            raise TypeError("dropout of a non-float tensor")
        keep = default_generator.rng.random(a.shape) >= p  # drawn on the host: one stream for every device
        mask = xp.astype(xp.asarray(keep), a.dtype)
        if p < 1:
            mask *= 1.0 / (1.0 - p)
        ctx.saved = (mask,)
        return a * mask

    vjp_formula = ("∂L/∂x = G ⊙ mask / (1 − p)",)

    def backward(ctx, g):
        if not ctx.saved:
            return (g,)
        return (g * ctx.saved[0],)


# -- regression losses --------------------------------------------------------------------------
class _PairLoss(Op):
    category = "Loss"
    inputs = (T("input"), T("target"))
    params = (REDUCTION,)
    method = False
    grad_broadcast = 0


def _warn_broadcast(a, t) -> None:
    warnings.warn(f"Using a target size ({_size(t.shape)}) that is different to the input size ({_size(a.shape)}). "
                  "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                  "same size.", UserWarning, stacklevel=6)


def _pair_infer(a, t, reduction):
    a, t = _infer.need_tensor(a, "input"), _infer.need_tensor(t, "target")
    _check_reduction(reduction)
    return _infer.elementwise(a, t)


_PAIR_SAMPLES = (
    S(((3, 4), (3, 4))), S(((3, 4), (3, 4)), {"reduction": "sum"}), S(((3, 4), (3, 4)), {"reduction": "none"}),
    S(((5,), (5,)), {"reduction": "mean"}), S(((3, 4), (4,))), S(((), ())),
    S(((3, 4), (3, 4)), dtypes=(None, "int64")),
    S(((3, 4), (2, 4)), error="The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0"),
    S(((3, 4), (3, 4)), {"reduction": "avg"}, error="avg is not a valid value for reduction"),
)


@register
class MseLoss(_PairLoss):
    signature = ("input", "target", "size_average", "reduce", "reduction", "weight")
    name, grad_fn = "mse_loss", "MseLossBackward0"
    double_backward = (0, 1)
    torch = "torch.nn.functional.mse_loss({input}, {target}, reduction={reduction!r})"
    doc = "Mean squared error: (input - target)² averaged (or summed, or kept per element)."
    cast = "promote"
    samples = _PAIR_SAMPLES + (
        S(((3,), (3,)), dtypes=("int64", "int64"), error='"mse_cpu" not implemented for \'Long\''),)

    def infer(a, t, reduction="mean"):
        spec = _pair_infer(a, t, reduction)
        if not spec.dtype.is_floating_point:
            raise ShapeError(f'"mse_cpu" not implemented for \'{spec.dtype.scalar_type}\'')
        return Spec(spec.shape if reduction == "none" else (), spec.dtype)

    def forward(ctx, a, t, reduction="mean"):
        xp = ctx.xp
        if not is_float(xp, a.dtype) or reduction not in _REDUCTIONS:
            raise TypeError("mse_loss of a non-float tensor or an unknown reduction")
        if a.shape != t.shape:
            _warn_broadcast(a, t)
        d = a - t
        ctx.saved = (a, t)  # not d: the backward then also runs on Tensors, linked to both inputs
        ctx.info = reduction
        return _reduce(xp, d * d, reduction)

    vjp_formula = ("∂L/∂x = G ⊙ 2 · (x − t) / n", "∂L/∂t = −G ⊙ 2 · (x − t) / n")

    def backward(ctx, g):
        a, t = ctx.saved
        d = a - t
        ga = d * (_loss_scale(g, ctx.info, math.prod(d.shape)) * 2.0)
        return ga, (-ga if ctx.needs[1] else None)


@register
class L1Loss(_PairLoss):
    signature = ("input", "target", "size_average", "reduce", "reduction", "weight")
    name, grad_fn = "l1_loss", "MeanBackward0"
    torch = "torch.nn.functional.l1_loss({input}, {target}, reduction={reduction!r})"
    doc = "Mean absolute error: |input - target| averaged (or summed, or kept per element)."
    cast = "promote"
    samples = _PAIR_SAMPLES + (
        S(((3,), (3,)), {"reduction": "sum"}, dtypes=("int64", "int64")),
        S(((3,), (3,)), dtypes=("int64", "int64"), error="mean(): could not infer output dtype"))

    @classmethod
    def grad_fn_name(cls, params: dict) -> str:
        return {"none": "AbsBackward0", "sum": "SumBackward0"}.get(params.get("reduction"), "MeanBackward0")

    def infer(a, t, reduction="mean"):
        spec = _pair_infer(a, t, reduction)
        if reduction == "mean" and not spec.dtype.is_floating_point:
            raise ShapeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                             f"complex dtype. Got: {spec.dtype.scalar_type}")
        return Spec(spec.shape if reduction == "none" else (), spec.dtype)

    def forward(ctx, a, t, reduction="mean"):
        xp = ctx.xp
        if reduction not in _REDUCTIONS or reduction == "mean" and not is_float(xp, a.dtype):
            raise TypeError("l1_loss: an unknown reduction or the mean of integers")
        if a.shape != t.shape:
            _warn_broadcast(a, t)
        d = a - t
        ctx.saved = (d,)
        ctx.info = reduction
        return _reduce(xp, xp.abs(d), reduction)

    vjp_formula = ("∂L/∂x = G ⊙ sign(x − t) / n", "∂L/∂t = −G ⊙ sign(x − t) / n")

    def backward(ctx, g):
        d, = ctx.saved
        ga = ctx.xp.sign(d) * _loss_scale(g, ctx.info, math.prod(d.shape))
        return ga, (-ga if ctx.needs[1] else None)


class _RobustLoss(_PairLoss):
    """smooth_l1 / huber: quadratic for small errors, linear for large ones (less swayed by outliers)."""

    cast = "promote"
    knob = "beta"

    @classmethod
    def _infer(cls, a, t, reduction, knob):
        spec = _pair_infer(a, t, reduction)
        if knob < 0:
            raise ShapeError(f"{cls.name} does not support negative values for {cls.knob}.")
        if not spec.dtype.is_floating_point:
            raise ShapeError(f'"{cls.name}_cpu" not implemented for \'{spec.dtype.scalar_type}\'')
        return Spec(spec.shape if reduction == "none" else (), spec.dtype)

    def backward(ctx, g):
        d, = ctx.saved
        reduction, knob, huber = ctx.info
        xp = ctx.xp
        small = xp.abs(d) < knob
        slope = xp.sign(d) * (knob if huber else 1.0)
        local = xp.where(small, d if huber else d / (knob or 1.0), slope)
        ga = local * _loss_scale(g, reduction, math.prod(d.shape))
        return ga, (-ga if ctx.needs[1] else None)


def _robust_forward(ctx, a, t, reduction, knob, huber):
    xp = ctx.xp
    if not is_float(xp, a.dtype) or reduction not in _REDUCTIONS or knob < 0:
        raise TypeError("a robust loss of a non-float tensor, an unknown reduction or a negative knob")
    if a.shape != t.shape:
        _warn_broadcast(a, t)
    d = a - t
    ad = xp.abs(d)
    if huber:
        loss = xp.where(ad < knob, 0.5 * d * d, knob * (ad - 0.5 * knob))
    elif knob == 0:
        loss = ad
    else:
        loss = xp.where(ad < knob, 0.5 * d * d / knob, ad - 0.5 * knob)
    ctx.saved = (d,)
    ctx.info = (reduction, knob, huber)
    return _reduce(xp, loss, reduction)


@register
class SmoothL1Loss(_RobustLoss):
    signature = ("input", "target", "size_average", "reduce", "reduction", "beta")
    name, grad_fn = "smooth_l1_loss", "SmoothL1LossBackward0"
    torch = "torch.nn.functional.smooth_l1_loss({input}, {target}, reduction={reduction!r}, beta={beta})"
    doc = "0.5·d²/beta where |d| < beta, else |d| - 0.5·beta (d = input - target), averaged or summed."
    params = (REDUCTION, Param("beta", "float", 1.0, "where the loss turns from quadratic to linear", min=0.0))
    samples = _PAIR_SAMPLES[:7] + (S(((3, 4), (3, 4)), {"beta": 0.5}), S(((3, 4), (3, 4)), {"beta": 0.0}),
                                   S(((3, 4), (3, 4)), {"beta": -1.0},
                                     error="smooth_l1_loss does not support negative values for beta."))
    vjp_formula = ("∂L/∂x = G ⊙ clip((x − t) / β, −1, 1) / n",
                   "∂L/∂t = −G ⊙ clip((x − t) / β, −1, 1) / n")

    @classmethod
    def grad_fn_name(cls, params: dict) -> str:
        if params.get("beta", 1.0) == 0:  # PyTorch computes an l1_loss then
            return {"none": "AbsBackward0", "sum": "SumBackward0"}.get(params.get("reduction"), "MeanBackward0")
        return "SmoothL1LossBackward0"

    def infer(a, t, reduction="mean", beta=1.0):
        return SmoothL1Loss._infer(a, t, reduction, beta)

    def forward(ctx, a, t, reduction="mean", beta=1.0):
        return _robust_forward(ctx, a, t, reduction, beta, False)


@register
class HuberLoss(_RobustLoss):
    signature = ("input", "target", "reduction", "delta", "weight")
    name, grad_fn = "huber_loss", "HuberLossBackward0"
    torch = "torch.nn.functional.huber_loss({input}, {target}, reduction={reduction!r}, delta={delta})"
    doc = "0.5·d² where |d| < delta, else delta·(|d| - 0.5·delta) (d = input - target), averaged or summed."
    knob = "delta"
    params = (REDUCTION, Param("delta", "float", 1.0, "where the loss turns from quadratic to linear", min=0.0))
    samples = _PAIR_SAMPLES[:6] + (S(((3, 4), (3, 4)), {"delta": 0.5}),
                                   S(((3, 4), (3, 4)), {"delta": -1.0},
                                     error="huber_loss does not support negative values for delta."))
    vjp_formula = ("∂L/∂x = G ⊙ clip(x − t, −δ, δ) / n",
                   "∂L/∂t = −G ⊙ clip(x − t, −δ, δ) / n")

    def infer(a, t, reduction="mean", delta=1.0):
        return HuberLoss._infer(a, t, reduction, delta)

    def forward(ctx, a, t, reduction="mean", delta=1.0):
        return _robust_forward(ctx, a, t, reduction, delta, True)


# -- binary classification ----------------------------------------------------------------------
def _same_float_pair(xp, x, t):
    """bce_with_logits' inputs promoted to one float dtype (PyTorch promotes float32 with float64)."""
    if x.dtype != t.dtype:
        if not (is_float(xp, x.dtype) and is_float(xp, t.dtype)):
            raise TypeError("binary_cross_entropy_with_logits takes float tensors")
        dt = xp.result_type(x.dtype, t.dtype)
        x, t = xp.astype(x, dt), xp.astype(t, dt)
    elif not is_float(xp, x.dtype):
        raise TypeError("binary_cross_entropy_with_logits takes float tensors")
    return x, t


_PROBS = [[0.1, 0.7, 0.5, 0.95], [0.3, 0.02, 0.8, 0.6], [0.45, 0.55, 0.2, 0.9]]
_LABELS = [[0.0, 1.0, 1.0, 1.0], [0.0, 0.0, 1.0, 0.5], [1.0, 0.0, 0.0, 1.0]]


@register
class BinaryCrossEntropyWithLogits(_PairLoss):
    signature = ("input", "target", "weight", "size_average", "reduce", "reduction", "pos_weight")
    name, grad_fn = "binary_cross_entropy_with_logits", "BinaryCrossEntropyWithLogitsBackward0"
    torch = "torch.nn.functional.binary_cross_entropy_with_logits({input}, {target}, reduction={reduction!r})"
    doc = ("Binary cross entropy of sigmoid(input) against target in [0, 1], computed stably from the logits: "
           "max(x, 0) - x·t + log(1 + e^-|x|).")
    samples = (S(((3, 4), _LABELS)), S(((3, 4), _PROBS), {"reduction": "sum"}), S(((3, 4), _LABELS), {"reduction": "none"}),
               S(((4,), (4,)), positive=True), S(([60.0, -60.0, 0.0], [1.0, 0.0, 0.5])),
               S(((3, 4), (4,)), error="Target size (torch.Size([4])) must be the same as input size "
                                       "(torch.Size([3, 4]))"),
               S(((3, 4), (3, 4)), dtypes=(None, "int64"),
                 error="result type Float can't be cast to the desired output type Long"),
               S(((3, 4), (3, 4)), {"reduction": "max"}, error="max is not a valid value for reduction"))

    def infer(x, t, reduction="mean"):
        x, t = _infer.need_tensor(x, "input"), _infer.need_tensor(t, "target")
        if x.shape != t.shape:
            raise ShapeError(f"Target size ({_size(t.shape)}) must be the same as input size ({_size(x.shape)})")
        if not t.dtype.is_floating_point:
            raise ShapeError(f"result type Float can't be cast to the desired output type {t.dtype.scalar_type}")
        if not x.dtype.is_floating_point:
            raise ShapeError(f'"log_sigmoid_cpu" not implemented for \'{x.dtype.scalar_type}\'')
        _check_reduction(reduction)
        return Spec(x.shape if reduction == "none" else (), t.dtype)  # PyTorch: the target's dtype

    def forward(ctx, x, t, reduction="mean"):
        xp = ctx.xp
        if x.shape != t.shape or reduction not in _REDUCTIONS:
            raise ValueError("binary_cross_entropy_with_logits: shapes or reduction")
        out_dtype = t.dtype
        x, t = _same_float_pair(xp, x, t)
        e = xp.exp(-xp.abs(x))
        loss = xp.maximum(x, 0.0) - x * t
        loss += xp.log1p(e)
        ctx.saved = (x, t, e)
        ctx.info = reduction
        return xp.astype(_reduce(xp, loss, reduction), out_dtype)

    vjp_formula = ("∂L/∂x = G ⊙ (σ(x) − t) / n", "∂L/∂t = −G ⊙ x / n")

    def backward(ctx, g):
        x, t, e = ctx.saved
        xp = ctx.xp
        c = _loss_scale(g, ctx.info, math.prod(x.shape))
        ga = gt = None
        if ctx.needs[0]:
            r = 1.0 / (1.0 + e)
            ga = (xp.where(x >= 0, r, e * r) - t) * c  # sigmoid(x) - t, without overflow
        if ctx.needs[1]:
            gt = -x * c
        return ga, gt


@register
class BinaryCrossEntropy(_PairLoss):
    signature = ("input", "target", "weight", "size_average", "reduce", "reduction")
    name, grad_fn = "binary_cross_entropy", "BinaryCrossEntropyBackward0"
    torch = "torch.nn.functional.binary_cross_entropy({input}, {target}, reduction={reduction!r})"
    doc = ("Binary cross entropy -(t·log p + (1-t)·log(1-p)) of probabilities p in [0, 1] (each log clamped "
           "at -100, as PyTorch); from logits, binary_cross_entropy_with_logits is the stable choice.")
    samples = (S((_PROBS, _LABELS), gradcheck=False), S((_PROBS, _PROBS), {"reduction": "sum"}),
               S((_PROBS, _LABELS), {"reduction": "none"}, gradcheck=False),  # labels 0 and 1: the edge of the target's domain
               S(((3, 4), (4,)), positive=True, error="Using a target size (torch.Size([4])) that is different to the "
                                                      "input size (torch.Size([3, 4])) is deprecated"),
               S(((3, 4), (3, 4)), dtypes=("float32", "float64"), error="Found dtype Double but expected Float"),
               S(((3, 4), (3, 4)), dtypes=("int64", "int64"), error='"binary_cross_entropy" not implemented for \'Long\''),
               S((_PROBS, _LABELS), {"reduction": "avg"}, error="avg is not a valid value for reduction"))

    def infer(x, t, reduction="mean"):
        x, t = _infer.need_tensor(x, "input"), _infer.need_tensor(t, "target")
        if x.shape != t.shape:
            raise ShapeError(f"Using a target size ({_size(t.shape)}) that is different to the input size "
                             f"({_size(x.shape)}) is deprecated. Please ensure they have the same size.")
        if not x.dtype.is_floating_point:
            raise ShapeError(f'"binary_cross_entropy" not implemented for \'{x.dtype.scalar_type}\'')
        if t.dtype is not x.dtype:
            raise ShapeError(f"Found dtype {t.dtype.scalar_type} but expected {x.dtype.scalar_type}")
        _check_reduction(reduction)
        return Spec(x.shape if reduction == "none" else (), x.dtype)

    def forward(ctx, x, t, reduction="mean"):
        xp = ctx.xp
        if x.shape != t.shape or x.dtype != t.dtype or not is_float(xp, x.dtype) or reduction not in _REDUCTIONS:
            raise ValueError("binary_cross_entropy: shapes, dtypes or reduction")
        inside = True
        if math.prod(x.shape):
            lo, hi = float(xp.min(x)), float(xp.max(x))
            if not (lo >= 0.0 and hi <= 1.0):  # NaN fails too, as in PyTorch
                raise RuntimeError("all elements of input should be between 0 and 1")
            if not (float(xp.min(t)) >= 0.0 and float(xp.max(t)) <= 1.0):
                raise RuntimeError("all elements of target should be between 0 and 1")
            inside = lo > 0.0 and hi < 1.0
        if inside:
            log_p = xp.maximum(xp.log(x), -100.0)
            log_q = xp.maximum(xp.log(1.0 - x), -100.0)
        else:  # log(0) is -100 here, as in PyTorch, with no warning from the array library
            q = 1.0 - x
            log_p = xp.where(x > 0, xp.maximum(xp.log(xp.where(x > 0, x, 1.0)), -100.0), -100.0)
            log_q = xp.where(q > 0, xp.maximum(xp.log(xp.where(q > 0, q, 1.0)), -100.0), -100.0)
        loss = log_q - log_p
        loss *= t
        loss -= log_q  # -(t·log p + (1-t)·log q)
        ctx.saved = (x, t, log_p, log_q)
        ctx.info = reduction
        return _reduce(xp, loss, reduction)

    vjp_formula = ("∂L/∂x = G ⊙ (x − t) / (x ⊙ (1 − x)) / n",
                   "∂L/∂t = G ⊙ (ln(1 − x) − ln x) / n")

    def backward(ctx, g):
        x, t, log_p, log_q = ctx.saved
        xp = ctx.xp
        c = _loss_scale(g, ctx.info, math.prod(x.shape))
        ga = gt = None
        if ctx.needs[0]:  # PyTorch: (x - t) / max(x (1 - x), 1e-12)
            ga = (x - t) / xp.maximum(x * (1.0 - x), 1e-12) * c
        if ctx.needs[1]:  # -logit(x)
            gt = (log_q - log_p) * c
        return ga, gt


# -- classification with class indices ----------------------------------------------------------
def _class_targets_infer(x, t, op: str, kernel: str) -> tuple:
    """Shape checks of cross_entropy / nll_loss, in PyTorch's words; returns the target's shape."""
    x, t = _infer.need_tensor(x, "input"), _infer.need_tensor(t, "target")
    if x.ndim == 0:
        raise ShapeError("Expected 1 or more dimensions (got 0)")
    if op == "cross_entropy" and t.dtype.is_floating_point and t.shape == x.shape:
        raise ShapeError("cross_entropy: class-probability targets (a float target shaped like the input) are not "
                         "supported here; give int64 class indices")
    if t.dtype is not dtypes.int64:
        raise ShapeError(f"expected target dtype to be Long or Byte, but got {t.dtype.scalar_type}")
    if not x.dtype.is_floating_point:
        if op == "cross_entropy":
            kernel = "log_softmax_lastdim_kernel_impl" if x.ndim <= 2 else "log_softmax_kernel_impl"
        raise ShapeError(f'"{kernel}" not implemented for \'{x.dtype.scalar_type}\'')
    if x.ndim == 1:
        if t.ndim == 1 and t.shape[0] != 1:
            raise ShapeError(f"For 1D input, 1D target must have size 1, but got target size: {t.shape[0]}")
        if t.ndim > 1:
            raise ShapeError("0D or 1D target tensor expected, multi-target not supported")
        return ()
    batch = t.shape[0] if t.ndim else 0
    if batch != x.shape[0]:
        raise ShapeError(f"Expected input batch_size ({x.shape[0]}) to match target batch_size ({batch}).",
                         raise_as=ValueError)
    want = x.shape[:1] + x.shape[2:]
    if x.ndim == 2 and t.ndim != 1:
        raise ShapeError("0D or 1D target tensor expected, multi-target not supported")
    if t.shape != want:
        raise ShapeError(f"Expected target size {list(want)}, got {list(t.shape)}")
    return want


_REGROW: dict[int, tuple] = {}  # per input ndim: the index that puts the class axis back


def _targets(xp, x, t, ignore_index: int):
    """Class indices checked against the classes.

    Returns the class axis, the one-hot mask of the targets (no hit where a target is ignored),
    the indices to pick with (ignored ones replaced by 0), the mask of targets kept (None when
    all are), the targets' shape and the index that puts the class axis back into a target-shaped
    array. The common case costs one count of the one-hot mask; only when a target lies outside
    [0, C), or ignore_index is itself a class, is a mask made.
    """
    if t.dtype != xp.int64 or x.ndim == 0:
        raise TypeError("class targets must be int64, the input at least 1-D")
    axis = 1 if x.ndim > 1 else 0
    want = x.shape[:1] + x.shape[2:] if x.ndim > 1 else ()
    if t.shape != want:
        if x.ndim == 1 and t.shape == (1,):
            t = xp.reshape(t, ())
        else:
            raise ValueError("target shape")
    n_classes = x.shape[axis]
    regrow = _REGROW.get(x.ndim) or _REGROW.setdefault(x.ndim, tuple(None if i == axis else slice(None)
                                                                   for i in range(x.ndim)))
    positions = xp.arange(n_classes, dtype=t.dtype)
    if axis < x.ndim - 1:
        positions = positions[(slice(None),) + (None,) * (x.ndim - axis - 1)]
    hot = positions == t[regrow]
    valid = None
    if int(xp.count_nonzero(hot)) != math.prod(want) or 0 <= ignore_index < n_classes:
        valid = t != ignore_index
        t = xp.where(valid, t, xp.zeros((), dtype=t.dtype))
        if math.prod(want):
            lo, hi = int(xp.min(t)), int(xp.max(t))
            if lo < 0 or hi >= n_classes:
                raise IndexError(f"Target {lo if lo < 0 else hi} is out of bounds.")
        hot = xp.logical_and(hot, valid[regrow])
    return axis, hot, t, valid, want, regrow


def _pick(xp, x, index, axis: int, regrow: tuple):
    """x[..., index, ...] along the class axis, in the targets' shape (index already in range)."""
    if x.ndim == 2:
        return x[xp.arange(x.shape[0]), index]
    if x.ndim == 1:
        return x[index]
    return xp.take_along_axis(x, index[regrow], axis=axis)[tuple(0 if r is None else r for r in regrow)]


def _class_loss(xp, loss, valid, want, reduction):
    """Per-target losses → the reduced loss, and the count a mean divides by."""
    if valid is not None:
        loss = xp.where(valid, loss, 0.0)
    if reduction == "none":
        return loss, 1
    total = xp.sum(loss)
    if reduction == "sum":
        return total, 1
    n = math.prod(want) if valid is None else int(xp.count_nonzero(valid))
    return total * (1.0 / n if n else math.nan), n


def _class_weights(xp, g, valid, reduction: str, n: int, regrow: tuple):
    """The output gradient as a weight per target (with the class axis back), zero where ignored."""
    if reduction == "mean":
        g = g * (1.0 / n if n else math.nan)
    if valid is not None:
        g = xp.where(valid, g, 0.0)
    return g[regrow] if g.ndim else g


_IGNORE = Param("ignore_index", "int", -100, "targets with this value add nothing to the loss or its mean")
_CLASS_ERRORS = (
    S(((3, 4), [0, 1, 2, 1]), error="Expected input batch_size (3) to match target batch_size (4)."),
    S(((3, 4), (3,)), dtypes=(None, "float32"), error="expected target dtype to be Long or Byte, but got Float"),
    S(((3, 4), [[0], [1], [2]]), error="0D or 1D target tensor expected, multi-target not supported"),
    S(((2, 3, 4), (2,)), dtypes=(None, "int64"), error="Expected target size [2, 4], got [2]"),
    S(((), ()), dtypes=(None, "int64"), error="Expected 1 or more dimensions (got 0)"),
)


@register
class CrossEntropy(Op):
    signature = ("input", "target", "weight", "size_average", "ignore_index", "reduce", "reduction", "label_smoothing")
    name, grad_fn = "cross_entropy", "NllLossBackward0"
    torch = ("torch.nn.functional.cross_entropy({input}, {target}, ignore_index={ignore_index}, "
             "reduction={reduction!r}, label_smoothing={label_smoothing})")
    category = "Loss"
    doc = ("Softmax cross entropy of logits [N, C] (or [C], or [N, C, d…]) against int64 class indices: "
           "-log softmax(input)[target], averaged over the targets not ignored; gradient (softmax - one_hot) / N.")
    inputs = (T("input", "logits [N, C]"), T("target", "class indices [N], int64", differentiable=False))
    params = (_IGNORE, REDUCTION,
              Param("label_smoothing", "float", 0.0, "mix the one-hot target with the uniform distribution",
                    min=0.0, max=1.0))
    method = False
    samples = (S(((3, 4), (3,)), dtypes=(None, "int64")), S(((3, 4), [0, 2, 1]), {"reduction": "sum"}),
               S(((3, 4), [3, 2, 0]), {"reduction": "none"}), S(((4,), ()), dtypes=(None, "int64")),
               S(((2, 3, 4), (2, 4)), dtypes=(None, "int64")), S(((3, 4), [0, -100, 2])),
               S(((3, 4), [0, -100, 2]), {"reduction": "none"}), S(((3, 4), [0, 1, 2]), {"ignore_index": 1}),
               S(((3, 4), [0, 3, 2]), {"label_smoothing": 0.2}),
               S(((3, 4), [0, -100, 2]), {"label_smoothing": 0.1, "reduction": "none"}),
               S(((3, 4), [0, -100, 2]), {"label_smoothing": 0.3, "reduction": "sum"}),
               S(((3, 4), (3,)), dtypes=("float64", "int64")),
               *_CLASS_ERRORS,
               S(((3, 4), (3,)), dtypes=(None, "int64"), params={"label_smoothing": 1.5},
                 error="label_smoothing must be between 0.0 and 1.0. Got: 1.5"),
               S(((3, 4), (3,)), dtypes=("int64", "int64"),
                 error='"log_softmax_lastdim_kernel_impl" not implemented for \'Long\''))

    @classmethod
    def grad_fn_name(cls, params: dict) -> str:
        return "AddBackward0" if params.get("label_smoothing") else "NllLossBackward0"

    def infer(x, t, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        want = _class_targets_infer(x, t, "cross_entropy", "")
        if not 0.0 <= label_smoothing <= 1.0:
            raise ShapeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
        _check_reduction(reduction)
        return Spec(want if reduction == "none" else (), x.dtype)

    def forward(ctx, x, t, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        xp = ctx.xp
        if not is_float(xp, x.dtype) or reduction not in _REDUCTIONS or not 0.0 <= label_smoothing <= 1.0:
            raise TypeError("cross_entropy: a non-float input, an unknown reduction or label_smoothing outside [0, 1]")
        axis, hot, index, valid, want, regrow = _targets(xp, x, t, ignore_index)
        z = x - xp.max(x, axis=axis, keepdims=True)
        e = xp.exp(z)
        total = xp.sum(e, axis=axis)
        lse = xp.log(total)
        loss = lse - _pick(xp, z, index, axis, regrow)  # -log softmax(x)[target]
        if label_smoothing:  # (1 - ε)·that + ε/C · -Σ log softmax(x)
            n_classes = x.shape[axis]
            loss *= 1.0 - label_smoothing
            loss += (lse - xp.sum(z, axis=axis) * (1.0 / n_classes)) * label_smoothing
        out, n = _class_loss(xp, loss, valid, want, reduction)
        if x.ndim > 2 and not label_smoothing:
            ctx.__class__ = _K_DIM_NODES[CrossEntropy][reduction == "none" and x.ndim != 4]
        ctx.saved = (e, total, hot, valid)
        ctx.info = (reduction, n, regrow, label_smoothing)
        return out

    vjp_formula = ("∂L/∂x = G ⊙ (softmax(x) − onehot(target)) / n",)

    def backward(ctx, g):
        e, total, hot, valid = ctx.saved
        reduction, n, regrow, eps = ctx.info
        xp = ctx.xp
        d = e / (total[regrow] if total.ndim else total)  # softmax
        target = xp.astype(hot, d.dtype)  # one-hot, or smoothed: (1 - ε)·one-hot + ε/C
        if eps:
            target *= 1.0 - eps
            target += eps / e.shape[regrow.index(None)]
        d -= target
        d *= _class_weights(xp, g, valid, reduction, n, regrow)
        return d, None


@register
class NllLoss(Op):
    signature = ("input", "target", "weight", "size_average", "ignore_index", "reduce", "reduction")
    name, grad_fn = "nll_loss", "NllLossBackward0"
    torch = "torch.nn.functional.nll_loss({input}, {target}, ignore_index={ignore_index}, reduction={reduction!r})"
    category = "Loss"
    doc = ("Negative log likelihood: -input[target] for log-probabilities [N, C] (from log_softmax) and int64 "
           "class indices, averaged over the targets not ignored.")
    inputs = (T("input", "log-probabilities [N, C]"), T("target", "class indices [N], int64", differentiable=False))
    params = (_IGNORE, REDUCTION)
    method = False
    samples = (S(((3, 4), (3,)), dtypes=(None, "int64")), S(((3, 4), [0, 2, 3]), {"reduction": "sum"}),
               S(((3, 4), [1, 2, 0]), {"reduction": "none"}), S(((4,), ()), dtypes=(None, "int64")),
               S(((2, 3, 4), (2, 4)), dtypes=(None, "int64"), params={"reduction": "none"}),
               S(((3, 4), [0, -100, 2])), S(((3, 4), [0, 1, 1]), {"ignore_index": 1, "reduction": "sum"}),
               *_CLASS_ERRORS,
               S(((3, 4), (3,)), dtypes=("int64", "int64"), error='"nll_loss_out_frame" not implemented for \'Long\''))

    def infer(x, t, ignore_index=-100, reduction="mean"):
        want = _class_targets_infer(x, t, "nll_loss", "nll_loss_out_frame")
        _check_reduction(reduction)
        return Spec(want if reduction == "none" else (), x.dtype)

    def forward(ctx, x, t, ignore_index=-100, reduction="mean"):
        xp = ctx.xp
        if not is_float(xp, x.dtype) or reduction not in _REDUCTIONS:
            raise TypeError("nll_loss: a non-float input or an unknown reduction")
        axis, hot, index, valid, want, regrow = _targets(xp, x, t, ignore_index)
        out, n = _class_loss(xp, -_pick(xp, x, index, axis, regrow), valid, want, reduction)
        if x.ndim > 2:
            ctx.__class__ = _K_DIM_NODES[NllLoss][reduction == "none" and x.ndim != 4]
        ctx.saved = (hot, valid)
        ctx.info = (reduction, n, regrow)
        return out

    vjp_formula = ("∂L/∂x = −G ⊙ onehot(target) / n",)

    def backward(ctx, g):
        hot, valid = ctx.saved
        reduction, n, regrow = ctx.info
        w = _class_weights(ctx.xp, g, valid, reduction, n, regrow)
        return ctx.xp.where(hot, -w, 0.0), None


# PyTorch's grad_fn for inputs [N, C, d1, …]: NllLoss2DBackward0, or ViewBackward0 for reduction="none"
# unless the input is 4-D. Made once here, so a forward only swaps its node's class.
_K_DIM_NODES = {op: (node_class("NllLoss2DBackward0", op), node_class("ViewBackward0", op))
                for op in (CrossEntropy, NllLoss)}
