"""Random draws shaped by a tensor: bernoulli.

The numbers come from the engine's seeded generator, drawn on the host (one stream for every
device), so `manual_seed` repeats them; they are not the numbers PyTorch's generator draws. Samples
for the generated tests are the draws that chance cannot change: probabilities of exactly 0 and 1.
"""
from __future__ import annotations

from ..generator import default_generator
from ..registry import Op, Param, Port, Sample, ShapeError, register
from . import _infer
from .reduce import is_float

T, S = Port, Sample

_OUT_OF_RANGE = ("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  "
                 "If so, please report an enhancement request to PyTorch.)")


@register
class Bernoulli(Op):
    name, grad_fn, torch = "bernoulli", "BernoulliBackward0", "torch.bernoulli({input}, p={p})"
    category = "Create"
    doc = ("1 with probability input (elementwise, each in [0, 1]), else 0, in input's dtype; with p, every "
           "element is 1 with probability p. The draw passes no gradient back (it is zero).")
    inputs = (T("input", "probabilities in [0, 1]"),)
    params = (Param("p", "number_or_none", None, "one probability for every element instead of input's values",
                    min=0.0, max=1.0),)
    samples = (S(([0.0, 1.0, 1.0, 0.0],), gradcheck=False), S(([[1.0, 0.0], [0.0, 0.0]],), gradcheck=False),
               S(((3,),), dtypes=("int64",), error="\"bernoulli_tensor_cpu_p_\" not implemented for 'Long'"),
               S(((3,),), {"p": 1.5}, error="bernoulli_ expects p to be in [0, 1], but got p=1.5"))

    @classmethod
    def grad_fn_name(cls, params: dict) -> str:
        # PyTorch gives bernoulli(x, p) a node with no derivative: backward through it fails.
        return "BernoulliBackward0" if params.get("p") is None else "NotImplemented"

    def infer(a, p=None):
        a = _infer.need_tensor(a, "input")
        if p is not None:
            if not 0 <= p <= 1:
                raise ShapeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        elif not a.dtype.is_floating_point:
            raise ShapeError(f"\"bernoulli_tensor_cpu_p_\" not implemented for '{a.dtype.scalar_type}'")
        return a

    def forward(ctx, a, p=None):
        xp = ctx.xp
        draws = xp.asarray(default_generator.rng.random(tuple(a.shape)))
        if p is None:
            if not is_float(xp, a.dtype):
                raise TypeError("bernoulli of a non-float tensor")
            if not bool(xp.all((a >= 0) & (a <= 1))):  # NaN fails both
                raise RuntimeError(_OUT_OF_RANGE)
            probs = xp.astype(a, xp.float64)
        else:
            if not 0 <= p <= 1:
                raise ValueError("bernoulli probability")
            probs = p
        ctx.saved = ()
        return xp.astype(draws < probs, a.dtype)

    vjp_formula = ("∂L/∂p = 0 (a sample has no gradient)",)

    def backward(ctx, g):
        return (ctx.xp.zeros_like(g),)
