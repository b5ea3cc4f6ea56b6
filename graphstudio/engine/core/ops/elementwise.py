"""Elementwise ops: arithmetic, comparisons and activations.

Backward returns one gradient per input, in the output's (broadcast) shape; the
engine sums each back to its input's shape. `ctx.needs` says which inputs want one.
"""
from __future__ import annotations

import math
from typing import Any, ClassVar

from .. import dtypes
from ..registry import OUT, Op, Param, Port, Sample, ShapeError, Spec, node_class, register
from . import _infer

T, S = Port, Sample
_SCALARS = (int, float, bool)
BINARY_SAMPLES = (
    S(((3, 4), (3, 4))), S(((2, 3, 4), (4,))), S(((3, 1), (1, 5))), S(((3,), 2.5)), S(((), (2, 2))),
    S(((3, 4), (2, 4)), error="must match the size"),
)


class Binary(Op):
    inputs = (T("input"), T("other", scalar_ok=True))
    cast = "promote"
    samples = BINARY_SAMPLES
    grad_broadcast = 0

    def infer(a, b):
        return _infer.elementwise(_infer.need_tensor(a, "input"), b)


class Unary(Op):
    inputs = (T("input"),)
    cast = "float"
    samples = (S(((3, 4),)), S(((),)), S(((2, 3, 2),)))

    def infer(a):
        return _infer.as_float(_infer.need_tensor(a, "input"))


class _Scaled(Binary):
    """`input ± alpha * other` (PyTorch's `alpha` keyword); with alpha at 1, the short path runs it."""

    params = (Param("alpha", "float", 1, "multiplier of other"),)
    fast_defaults = True
    samples = BINARY_SAMPLES + (S(((3, 4), (3, 4)), {"alpha": 2}), S(((3,), 2.5), {"alpha": -0.5}),
                                S(([1, 2], [3, 4]), {"alpha": 2.5}, dtypes=("int64", "int64"),
                                  error="For integral input tensors, argument alpha must not be a floating point "
                                        "number."))

    def infer(a, b, alpha=1):
        out = _infer.elementwise(_infer.need_tensor(a, "input"), b)
        if isinstance(alpha, float) and not out.dtype.is_floating_point:
            raise ShapeError("For integral input tensors, argument alpha must not be a floating point number.")
        return out

    def scaled(ctx, a, b, alpha):
        """alpha * b, refused (as inference says) where PyTorch refuses a float alpha: whole-number operands."""
        if isinstance(alpha, float) and _whole(ctx.xp, a) and _whole(ctx.xp, b):
            raise TypeError("float alpha for whole numbers")
        return alpha * b


def _whole(xp, v):
    kind = getattr(v, "dtype", None)
    return isinstance(v, int) if kind is None else not xp.isdtype(kind, "real floating")


@register
class Add(_Scaled):
    name, grad_fn, torch = "add", "AddBackward0", "torch.add({input}, {other}, alpha={alpha})"
    double_backward = ()
    doc = "Elementwise sum input + alpha * other, broadcasting shapes."

    def forward(ctx, a, b, alpha=1):
        ctx.info = alpha
        return a + b if alpha == 1 else a + Add.scaled(ctx, a, b, alpha)

    vjp_formula = ("∂L/∂a = G", "∂L/∂b = α · G")

    def backward(ctx, g):
        alpha = ctx.info
        return g, (g if alpha == 1 else alpha * g) if ctx.needs[1] else None


def _refuse_bool_subtraction(a: Any, b: Any) -> None:
    """PyTorch has no subtraction of bools (it points to xor or not); NumPy refuses only two bool arrays."""
    bools = [x.dtype is dtypes.bool_ if isinstance(x, Spec) else x.__class__ is bool for x in (a, b)]
    if all(bools):
        raise ShapeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                         "Use the `^` or `logical_xor()` operator instead.")
    if any(bools):
        raise ShapeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                         "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


_SUB_SAMPLES = (S(([True], 1), error="Subtraction, the `-` operator, with a bool tensor is not supported"),
                S(([1.5], [True]), error="Subtraction, the `-` operator, with a bool tensor is not supported"),
                S(([True], [False]), error="Subtraction, the `-` operator, with two bool tensors is not supported"))


@register
class Sub(_Scaled):
    aliases = ("subtract",)
    name, grad_fn, torch = "sub", "SubBackward0", "torch.sub({input}, {other}, alpha={alpha})"
    double_backward = ()
    doc = "Elementwise difference input - alpha * other, broadcasting shapes."
    bool_operands = False
    samples = _Scaled.samples + _SUB_SAMPLES

    def infer(a, b, alpha=1):
        _refuse_bool_subtraction(a, b)
        return _Scaled.infer(a, b, alpha)

    def forward(ctx, a, b, alpha=1):
        ctx.info = alpha
        return a - b if alpha == 1 else a - Sub.scaled(ctx, a, b, alpha)

    vjp_formula = ("∂L/∂a = G", "∂L/∂b = −α · G")

    def backward(ctx, g):
        return g, -ctx.info * g if ctx.needs[1] else None


@register
class Rsub(_Scaled):
    name, grad_fn, torch = "rsub", "RsubBackward1", "torch.rsub({input}, {other}, alpha={alpha})"
    grad_fn_tensor = "RsubBackward0"  # PyTorch's name when other is a tensor
    number_edge = False
    method = False
    double_backward = ()
    doc = "Elementwise other - alpha * input, broadcasting shapes (`2 - x`)."
    bool_operands = False
    samples = _Scaled.samples + _SUB_SAMPLES

    def infer(a, b, alpha=1):
        _refuse_bool_subtraction(a, b)
        return _Scaled.infer(a, b, alpha)

    def forward(ctx, a, b, alpha=1):
        ctx.info = alpha
        return b - a if alpha == 1 else b - Rsub.scaled(ctx, b, a, alpha)

    vjp_formula = ("∂L/∂a = −α · G", "∂L/∂b = G")

    def backward(ctx, g):
        return (-ctx.info * g if ctx.needs[0] else None), (g if ctx.needs[1] else None)


@register
class Mul(Binary):
    aliases = ("multiply",)
    name, grad_fn, torch = "mul", "MulBackward0", "torch.mul({input}, {other})"
    double_backward = (0, 1)
    doc = "Elementwise product input * other, broadcasting shapes."

    def forward(ctx, a, b):
        ctx.saved = (None, b) if b.__class__ in _SCALARS else (a, b)  # x * 2 keeps only the 2, as PyTorch
        return a * b

    vjp_formula = ("∂L/∂a = G ⊙ b", "∂L/∂b = G ⊙ a")

    def backward(ctx, g):
        a, b = ctx.saved
        na, nb = ctx.needs
        return (g * b if na else None), (g * a if nb else None)


@register
class Div(Binary):
    aliases = ("true_divide", "divide")
    name, grad_fn, torch = "div", "DivBackward0", "torch.div({input}, {other}, rounding_mode={rounding_mode!r})"
    double_backward = (0, 1)
    doc = ("Elementwise true division input / other (whole numbers give floats); rounding_mode 'floor' rounds "
           "the quotient down, 'trunc' toward zero (whole numbers stay whole, and the gradient is 0).")
    params = (Param("rounding_mode", "choice", None, "none: true division; floor or trunc: rounded",
                    choices=("floor", "trunc")),)
    fast_defaults = True
    cast = "promote"  # whole numbers become float32 in forward, unless a rounding_mode keeps them whole
    samples = BINARY_SAMPLES + (
        S(((3, 4), (3, 4)), {"rounding_mode": "floor"}, gradcheck=False),
        S(((3, 4), 0.75), {"rounding_mode": "trunc"}, gradcheck=False),
        S(([7, -7, 9, 0], [2, 2, -4, 3]), {"rounding_mode": "floor"}),
        S(([7, -7, 9, 0], [2, 2, -4, 3]), {"rounding_mode": "trunc"}),
        S(([7.5, -7.5, 2.0], [2.0, 2.0, -0.75]), {"rounding_mode": "trunc"}),
        S(([5, -6], 2.5), {"rounding_mode": "floor"}),
        S(([True], [True]), {"rounding_mode": "floor"}, error="\"div_floor_cpu\" not implemented for 'Bool'"),
        S(([True], [True]), {"rounding_mode": "trunc"}, error="\"div_trunc_cpu\" not implemented for 'Bool'"),
        S(((3,), (3,)), {"rounding_mode": "round"},
          error="div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'round'"))

    @classmethod
    def grad_fn_name(cls, params: dict) -> str:
        return "DivBackward2" if params.get("rounding_mode") else "DivBackward0"

    def infer(a, b, rounding_mode=None):
        if rounding_mode not in (None, "floor", "trunc"):
            raise ShapeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                             f"'{rounding_mode}'")
        spec = _infer.elementwise(_infer.need_tensor(a, "input"), b, to_float=rounding_mode is None)
        return spec if rounding_mode is None else _refuse_bool(f"div_{rounding_mode}_cpu", spec)

    def forward(ctx, a, b, rounding_mode=None):
        xp = ctx.xp
        if rounding_mode is not None:
            return _rounded_division(ctx, a, b, rounding_mode)
        ctx.info = None
        if not xp.isdtype(a.dtype, "real floating"):
            a = xp.astype(a, xp.float32)  # PyTorch's true division of whole numbers: the default float
            if b.__class__ not in _SCALARS:
                b = xp.astype(b, xp.float32)
        ctx.saved = (None, b) if b.__class__ in _SCALARS else (a, b)  # x / 2 keeps only the 2, as PyTorch
        return a / b

    vjp_formula = ("∂L/∂a = G / b", "∂L/∂b = −G ⊙ a / b²")

    def backward(ctx, g):
        if ctx.info is not None:  # a rounded quotient is flat wherever it has a derivative
            return (ctx.xp.zeros_like(g) if ctx.needs[0] else None), (ctx.xp.zeros_like(g) if ctx.needs[1] else None)
        a, b = ctx.saved
        ga = g / b if ctx.needs[0] else None
        gb = -g * a / (b * b) if ctx.needs[1] else None
        return ga, gb


def _rounded_division(ctx: Any, a: Any, b: Any, mode: str) -> Any:
    """`div(a, b, rounding_mode=mode)`: floor as Python's `//` (PyTorch's kernel agrees), trunc toward zero."""
    xp = ctx.xp
    if mode not in ("floor", "trunc") or _bool_operands(xp, a, b):
        raise ValueError("rounding_mode")
    ctx.info = mode
    if xp.isdtype(a.dtype, "real floating"):
        return xp.floor_divide(a, b) if mode == "floor" else xp.trunc(a / b)
    _whole_divisor(xp, a, b)
    if mode == "floor":
        return xp.floor_divide(a, b)
    r = xp.remainder(a, b)
    r = xp.where((r != 0) & ((r < 0) != (a < 0)), r - b, r)  # the remainder with a's sign (C's fmod)
    return (a - r) // b


@register
class Pow(Op):
    inplace = ("Tensor",)
    name, grad_fn, torch = "pow", "PowBackward0", "torch.pow({input}, {exponent})"
    double_backward = (0, 1, OUT)
    grad_fn_tensor = "PowBackward1"  # PyTorch's name when the exponent is a tensor
    grad_fn_number_input = "PowBackward2"
    number_edge = False
    doc = "Elementwise power input ** exponent (a number or a tensor)."
    inputs = (T("input"), T("exponent", scalar_ok=True))
    cast = "promote"
    samples = (S(((3, 4), 2)), S(((3, 4), 3)), S(((3,), 0.5), positive=True), S(((2, 3), (2, 3)), positive=True),
               S(((2, 3), (3, 2)), error="must match the size"),
               S(([True], [True]), error="\"pow\" not implemented for 'Bool'"))

    def infer(a, b):
        spec = _infer.elementwise(_infer.need_tensor(a, "input"), b)
        return _refuse_bool("pow", spec) if isinstance(b, Spec) else spec  # `bool_tensor ** True` has a kernel

    def forward(ctx, a, b):
        if b.__class__ not in _SCALARS and _bool_operands(ctx.xp, a, b):
            raise TypeError("bool operands")
        out = (a | (not b)) if b.__class__ is bool and a.dtype == ctx.xp.bool else _power(ctx.xp, a, b)  # x**True is x
        ctx.saved = (a, b, None) if b.__class__ in _SCALARS else (a, b, out)  # the output only for d/d exponent
        return out

    vjp_formula = ("∂L/∂x = G ⊙ p · x^(p − 1)", "∂L/∂p = G ⊙ y · ln x")
    grad_broadcast = 0

    def backward(ctx, g):
        a, b, out = ctx.saved
        xp = ctx.xp
        ga = gb = None
        if ctx.needs[0]:
            ga = g * b * a ** (b - 1) if not isinstance(b, (int, float)) or b != 0 else xp.zeros_like(g)
        if ctx.needs[1]:
            gb = g * out * xp.where(a > 0, xp.log(xp.where(a > 0, a, 1)), 0)
        return ga, gb


def _power(xp: Any, a: Any, b: Any) -> Any:
    """`a ** b` as PyTorch's kernels: a whole-number tensor to a negative number is refused; to a negative
    whole-number tensor it is C's integer power (1 for a base of 1, ±1 for -1, else 0), which NumPy refuses."""
    if b.__class__ in _SCALARS:
        if b.__class__ is int and b < 0 and not xp.isdtype(a.dtype, "real floating"):
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return a ** b
    if not xp.isdtype(b.dtype, "signed integer") or not xp.any(b < 0):
        return a ** b
    one = xp.ones_like(a)
    inverse = xp.where(a == 1, one, xp.where(a == -1, xp.where(b % 2 == 0, one, -one), xp.zeros_like(a)))
    return xp.where(b < 0, inverse, a ** xp.where(b < 0, xp.zeros_like(b), b))


@register
class Neg(Unary):
    aliases = ("negative",)
    inplace = ("Tensor",)
    name, grad_fn, torch = "neg", "NegBackward0", "torch.neg({input})"
    double_backward = ()
    doc = "Elementwise negation -input."
    cast = None

    def infer(a):
        return _infer.need_tensor(a, "input")

    def forward(ctx, a):
        return -a

    vjp_formula = ("∂L/∂x = −G",)

    def backward(ctx, g):
        return (-g,)


@register
class Exp(Unary):
    inplace = ("Tensor",)
    name, grad_fn, torch = "exp", "ExpBackward0", "torch.exp({input})"
    double_backward = (OUT,)
    doc = "Elementwise e ** input."

    def forward(ctx, a):
        out = ctx.xp.exp(a)
        ctx.saved = (out,)
        return out

    vjp_formula = ("∂L/∂x = G ⊙ y",)

    def backward(ctx, g):
        return (g * ctx.saved[0],)


@register
class Log(Unary):
    inplace = ("Tensor",)
    name, grad_fn, torch = "log", "LogBackward0", "torch.log({input})"
    double_backward = (0,)
    doc = "Elementwise natural logarithm."
    samples = (S(((3, 4),), positive=True), S(((),), positive=True))

    def forward(ctx, a):
        ctx.saved = (a,)
        return ctx.xp.log(a)

    vjp_formula = ("∂L/∂x = G / x",)

    def backward(ctx, g):
        return (g / ctx.saved[0],)


@register
class Sqrt(Unary):
    inplace = ("Tensor",)
    name, grad_fn, torch = "sqrt", "SqrtBackward0", "torch.sqrt({input})"
    double_backward = (OUT,)
    doc = "Elementwise square root."
    samples = (S(((3, 4),), positive=True),)

    def forward(ctx, a):
        out = ctx.xp.sqrt(a)
        ctx.saved = (out,)
        return out

    vjp_formula = ("∂L/∂x = G / (2 · y)",)

    def backward(ctx, g):
        return (g / (2 * ctx.saved[0]),)


@register
class Abs(Unary):
    aliases = ("absolute",)
    inplace = ("Tensor",)
    name, grad_fn, torch = "abs", "AbsBackward0", "torch.abs({input})"
    double_backward = (0,)
    doc = "Elementwise absolute value (its gradient at 0 is 0, as in PyTorch)."
    cast = None

    def infer(a):
        return _infer.need_tensor(a, "input")

    def forward(ctx, a):
        ctx.saved = (a,)
        return ctx.xp.abs(a)

    vjp_formula = ("∂L/∂x = G ⊙ sign(x)",)

    def backward(ctx, g):
        return (g * ctx.xp.sign(ctx.saved[0]),)


@register
class Sin(Unary):
    inplace = ("Tensor",)
    name, grad_fn, torch = "sin", "SinBackward0", "torch.sin({input})"
    double_backward = (0,)
    doc = "Elementwise sine."

    def forward(ctx, a):
        ctx.saved = (a,)
        return ctx.xp.sin(a)

    vjp_formula = ("∂L/∂x = G ⊙ cos(x)",)

    def backward(ctx, g):
        return (g * ctx.xp.cos(ctx.saved[0]),)


@register
class Cos(Unary):
    inplace = ("Tensor",)
    name, grad_fn, torch = "cos", "CosBackward0", "torch.cos({input})"
    double_backward = (0,)
    doc = "Elementwise cosine."

    def forward(ctx, a):
        ctx.saved = (a,)
        return ctx.xp.cos(a)

    vjp_formula = ("∂L/∂x = −G ⊙ sin(x)",)

    def backward(ctx, g):
        return (-g * ctx.xp.sin(ctx.saved[0]),)


@register
class Log1p(Unary):
    inplace = ("Tensor",)
    name, grad_fn, torch = "log1p", "Log1PBackward0", "torch.log1p({input})"
    double_backward = (0,)
    doc = "Elementwise log(1 + input), accurate for small inputs."
    samples = (S(((3, 4),), positive=True), S(((),), positive=True), S(([1, 2, 3],)))

    def forward(ctx, a):
        ctx.saved = (a,)
        return ctx.xp.log1p(a)

    vjp_formula = ("∂L/∂x = G / (1 + x)",)

    def backward(ctx, g):
        return (g / (1 + ctx.saved[0]),)


@register
class Expm1(Unary):
    inplace = ("Tensor",)
    name, grad_fn, torch = "expm1", "Expm1Backward0", "torch.expm1({input})"
    double_backward = (OUT,)
    doc = "Elementwise e ** input - 1, accurate for small inputs."
    samples = (S(((3, 4),)), S(((),)), S(([1, 2, 3],)))

    def forward(ctx, a):
        out = ctx.xp.expm1(a)
        ctx.saved = (out,)
        return out

    vjp_formula = ("∂L/∂x = G ⊙ (y + 1)",)

    def backward(ctx, g):
        return (g * (ctx.saved[0] + 1),)


@register
class Square(Unary):
    inplace = ("Tensor",)
    name, grad_fn, torch = "square", "PowBackward0", "torch.square({input})"
    double_backward = (0,)
    doc = "Elementwise input * input (whole numbers stay whole; bools become int64)."
    cast = None
    samples = (S(((3, 4),)), S(((),)), S(([1, -2, 3],)), S(([True, False],)))

    def infer(a):
        a = _infer.need_tensor(a, "input")
        return Spec(a.shape, dtypes.int64) if a.dtype is dtypes.bool_ else a

    def forward(ctx, a):
        xp = ctx.xp
        if a.dtype == xp.bool:
            a = xp.astype(a, xp.int64)
        ctx.saved = (a,)
        return a * a

    vjp_formula = ("∂L/∂x = 2 · G ⊙ x",)

    def backward(ctx, g):
        return (2 * ctx.saved[0] * g,)


@register
class Reciprocal(Unary):
    inplace = ("Tensor",)
    name, grad_fn, torch = "reciprocal", "ReciprocalBackward0", "torch.reciprocal({input})"
    double_backward = (OUT,)
    doc = "Elementwise 1 / input (whole numbers give floats)."
    samples = (S(((3, 4),), positive=True), S(((),), positive=True), S(([1, 2, 4],)))

    def forward(ctx, a):
        out = 1 / a
        ctx.saved = (out,)
        return out

    vjp_formula = ("∂L/∂x = −G ⊙ y²",)

    def backward(ctx, g):
        out = ctx.saved[0]
        return (-g * out * out,)


class _Stepwise(Unary):
    """Ops that are flat almost everywhere: their gradient is 0, as PyTorch's; integers pass through."""

    cast = None
    kernel = ""

    @classmethod
    def _check(cls, a):
        a = _infer.need_tensor(a, "input")
        if a.dtype is dtypes.bool_:
            raise ShapeError(f'"{cls.kernel}" not implemented for \'Bool\'')
        return a

    vjp_formula = ("∂L/∂x = 0 (flat almost everywhere)",)

    def backward(ctx, g):
        return (ctx.xp.zeros_like(g),)


@register
class Sign(_Stepwise):
    inplace = ("Tensor",)
    name, grad_fn, torch = "sign", "SignBackward0", "torch.sign({input})"
    double_backward = ()
    doc = "Elementwise -1, 0 or 1 by the sign of input (its gradient is 0)."
    samples = (S(((3, 4),)), S(((),)), S(([3, 0, -2],)), S(([True, False],)), S(([0.3, -1.5, 2.0],)))

    def infer(a):
        return _infer.need_tensor(a, "input")

    def forward(ctx, a):
        xp = ctx.xp
        return xp.asarray(a, copy=True) if a.dtype == xp.bool else xp.sign(a)


class _Rounding(_Stepwise):
    """floor and ceil: one array-API function each, refused for bool as PyTorch refuses it."""

    xp_fn = ""

    @classmethod
    def infer(cls, a):
        return cls._check(a)

    def forward(ctx, a):
        xp = ctx.xp
        op = type(ctx).op
        if a.dtype == xp.bool:
            raise TypeError(f"{op.name} of a bool tensor")
        return getattr(xp, op.xp_fn)(a)


def _rounding(name: str, kernel: str, doc: str) -> type[Op]:
    return register(type(name.capitalize(), (_Rounding,), {
        "name": name, "grad_fn": f"{name.capitalize()}Backward0", "torch": f"torch.{name}({{input}})",
        "doc": doc, "kernel": kernel, "xp_fn": name, "double_backward": (), "inplace": ("Tensor",),
        "samples": (S(((3, 4),)), S(((),)), S(([3, 0, -2],)), S(([1.5, -1.5, 2.2],)),
                    S(([True],), error=f'"{kernel}" not implemented for \'Bool\'')),
    }))


Floor = _rounding("floor", "floor_vml_cpu", "Elementwise largest whole number <= input (its gradient is 0).")
Ceil = _rounding("ceil", "ceil_vml_cpu", "Elementwise smallest whole number >= input (its gradient is 0).")


@register
class Round(_Stepwise):
    inplace = ("Tensor",)
    name, grad_fn, torch = "round", "RoundBackward0", "torch.round({input}, decimals={decimals})"
    double_backward = ()
    doc = "Elementwise round to the nearest whole number (halves to even), or to `decimals` places; gradient 0."
    kernel = "round_cpu"
    params = (Param("decimals", "int", 0, "how many decimal places to keep (negative: round to tens, …)"),)
    samples = (S(((3, 4),)), S(((),)), S(([0.4, 1.6, 2.7, -0.3, -1.7],)), S(([3, -2],), dtypes=("int64",)),
               S(([1.2345, -2.5678, 150.0],), {"decimals": 2}), S(([1234.5, -17.0],), {"decimals": -1}),
               S(([True],), error='"round_cpu" not implemented for \'Bool\''),
               S(([3, -2],), {"decimals": 1}, error='"round_cpu" not implemented for \'Long\''))

    @classmethod
    def grad_fn_name(cls, params: dict) -> str:
        return "RoundBackward1" if params.get("decimals") else "RoundBackward0"

    def infer(a, decimals=0):
        a = Round._check(a)
        if decimals and not a.dtype.is_floating_point:
            raise ShapeError('"round_cpu" not implemented for \'Long\'')
        return a

    def forward(ctx, a, decimals=0):
        xp = ctx.xp
        if a.dtype == xp.bool or decimals and not xp.isdtype(a.dtype, "real floating"):
            raise TypeError("round of a bool tensor, or of whole numbers to decimals")
        if not decimals:
            return xp.round(a)
        scale = 10.0 ** abs(decimals)
        if decimals > 0:
            return xp.round(a * scale) / scale
        return xp.round(a / scale) * scale


@register
class Relu(Unary):
    functional, inplace = True, ("Tensor", "F")
    name, grad_fn, torch = "relu", "ReluBackward0", "torch.relu({input})"
    double_backward = (OUT,)
    category = "Activation"
    doc = "max(input, 0) elementwise: passes positives, zeroes negatives (gradient 0 at 0)."
    cast = None

    def infer(a):
        return _infer.need_tensor(a, "input")

    def forward(ctx, a):
        xp = ctx.xp
        # as PyTorch: nan stays nan, -0.0 stays -0.0 (zero first: NumPy's maximum of two zeros is its second
        # argument); a third of `where(a < 0, 0, a)`'s time, whose random mask defeats the branch predictor.
        # A 0-dim zero, broadcast: a full array of zeros would cost as much again as the maximum
        out = xp.maximum(xp.zeros((), dtype=a.dtype), a)
        ctx.saved = (out,)
        return out

    vjp_formula = ("∂L/∂x = G ⊙ [x > 0]",)

    def backward(ctx, g):
        out = ctx.saved[0]
        # PyTorch's threshold_backward: 0 where out <= 0, else G (so a nan passes G on). `out * 0`, not
        # zeros: in a graph-building pass the gradient then depends on the output and requires grad
        return (ctx.xp.where(out <= 0, out * 0, g),)


@register
class Sigmoid(Unary):
    functional, inplace = True, ("Tensor",)
    name, grad_fn, torch = "sigmoid", "SigmoidBackward0", "torch.sigmoid({input})"
    double_backward = (OUT,)
    category = "Activation"
    doc = "1 / (1 + e^-input) elementwise: squashes to (0, 1)."

    def forward(ctx, a):
        xp = ctx.xp
        out = 1 / (1 + xp.exp(-a))
        ctx.saved = (out,)
        return out

    vjp_formula = ("∂L/∂x = G ⊙ y ⊙ (1 − y)",)

    def backward(ctx, g):
        out = ctx.saved[0]
        return (g * out * (1 - out),)


@register
class Tanh(Unary):
    functional, inplace = True, ("Tensor",)
    name, grad_fn, torch = "tanh", "TanhBackward0", "torch.tanh({input})"
    double_backward = (OUT,)
    category = "Activation"
    doc = "Hyperbolic tangent elementwise: squashes to (-1, 1)."

    def forward(ctx, a):
        out = ctx.xp.tanh(a)
        ctx.saved = (out,)
        return out

    vjp_formula = ("∂L/∂x = G ⊙ (1 − y²)",)

    def backward(ctx, g):
        out = ctx.saved[0]
        return (g * (1 - out * out),)


@register
class Clamp(Op):
    aliases = ("clip",)
    inplace = ("Tensor",)
    name, grad_fn, torch = "clamp", "ClampBackward1", "torch.clamp({input}, min={min}, max={max})"
    other_op = "clamp_tensor"  # the op `torch.clamp(x, min=t)` means when a bound is a tensor
    double_backward = (0,)
    doc = "Limit every element to [min, max]; the gradient passes only where no limit applied."
    inputs = (T("input"),)
    params = (Param("min", "number_or_none", None, "lower bound (none: no bound)"),
              Param("max", "number_or_none", None, "upper bound (none: no bound)"))
    samples = (S(((3, 4),), {"min": -0.5, "max": 0.5}), S(((5,),), {"min": 0.0}), S(((5,),), {"max": 0.1}),
               S(([3, -2, 1],), {"min": -1.5, "max": 2.5}), S(([True, False],), {"min": 0}),
               S(([-2, 0, 1, 3],), {"min": -0.5, "max": 1.5}), S(([-2, 0, 1, 3],), {"min": 0, "max": 2}),
               S(((3,),), {}, error="At least one of 'min' or 'max' must not be None"))

    def infer(a, min=None, max=None):
        if min is None and max is None:
            raise ShapeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        a = _infer.need_tensor(a, "input")
        return Spec(a.shape, _infer.result_dtype(a, *(v for v in (min, max) if v is not None)))

    def forward(ctx, a, min=None, max=None):
        xp = ctx.xp
        if min is None and max is None:
            raise ValueError("no bound")
        have = dtypes.from_name(str(a.dtype).rsplit(".", 1)[-1])
        want = have
        for bound in (min, max):
            if bound is not None:
                want = dtypes.scalar_result(want, bound)  # a float bound makes an integer tensor float32
        if want is not have:
            a = xp.astype(a, getattr(xp, want.name))
        ctx.saved = (a,)
        ctx.info = (min, max)
        out = a
        if min is not None:
            out = xp.maximum(out, xp.asarray(min, dtype=a.dtype))
        if max is not None:
            out = xp.minimum(out, xp.asarray(max, dtype=a.dtype))
        return out

    vjp_formula = ("∂L/∂x = G ⊙ [min ≤ x ≤ max]",)

    def backward(ctx, g):
        a, = ctx.saved
        lo, hi = ctx.info
        keep = (a >= lo) if lo is not None else (a <= hi)
        if lo is not None and hi is not None:
            keep = keep & (a <= hi)
        return (_mask(ctx.xp, keep, g),)


@register
class ClampTensor(Op):
    name, grad_fn, torch = "clamp_tensor", "ClampBackward0", "torch.clamp({input}, min={min}, max={max})"
    doc = ("Limit every element to [min, max] given as tensors (they broadcast); each bound gets the gradient "
           "where it applied. torch.clamp with tensor bounds.")
    inputs = (T("input"), T("min", "a tensor, or none", optional=True), T("max", "a tensor, or none", optional=True))
    cast = "promote"
    method = function = False  # torch.clamp / x.clamp call it when a bound is a tensor (Clamp.other_op)
    grad_broadcast = 0
    vjp_formula = ("∂L/∂x = G ⊙ [min ≤ x ≤ max]", "∂L/∂min = G ⊙ [x < min < max]",
                   "∂L/∂max = G ⊙ [x > max or max < min]")
    samples = (S(((3, 4), (3, 4), (3, 4))), S(((3, 4), (4,), None)), S(((3, 4), None, (3, 1))),
               S(([1, 2, 3], [1.5, 0.0, 0.0], None)), S(((2,), (3,), None), error="must match the size"),
               S(((3,), None, None), error="At least one of 'min' or 'max' must not be None"))

    def infer(a, lo=None, hi=None):
        a = _infer.need_tensor(a, "input")
        bounds = [_infer.need_tensor(b, what) for b, what in ((lo, "min"), (hi, "max")) if b is not None]
        if not bounds:
            raise ShapeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        return _infer.elementwise(a, *bounds)

    def forward(ctx, a, lo=None, hi=None):
        xp = ctx.xp
        if lo is None and hi is None:
            raise ValueError("no bound")
        ctx.saved = (a, lo, hi)
        out = a if lo is None else xp.maximum(a, lo)
        return out if hi is None else xp.minimum(out, hi)

    def backward(ctx, g):
        """PyTorch's clamp.Tensor derivative: a bound takes the gradient where it applied (max wins when
        min > max), the input where it lies within both."""
        a, lo, hi = ctx.saved
        xp = ctx.xp
        inside = xp.ones(g.shape, dtype=xp.bool)
        if lo is not None:
            inside = inside & (a >= lo)
        if hi is not None:
            inside = inside & (a <= hi)
        g_lo = g_hi = None
        if lo is not None and ctx.needs[1]:
            g_lo = _mask(xp, (a < lo) & (lo < hi) if hi is not None else a < lo, g)
        if hi is not None and ctx.needs[2]:
            g_hi = _mask(xp, (a > hi) | (hi < lo) if lo is not None else a > hi, g)
        return (_mask(xp, inside, g) if ctx.needs[0] else None), g_lo, g_hi


@register
class Where(Op):
    name, grad_fn, torch = "where", "WhereBackward0", "torch.where({condition}, {input}, {other})"
    double_backward = (None,)
    doc = "Pick input where condition is True, other elsewhere (broadcasting all three)."
    inputs = (T("condition", differentiable=False), T("input", scalar_ok=True), T("other", scalar_ok=True))
    cast = None
    method = False
    samples = (S(((3, 4), (3, 4), (3, 4)), dtypes=("bool", None, None)),
               S(((3, 1), (3, 4), 0.0), dtypes=("bool", None, None)),
               S(((3,), (4,), (4,)), dtypes=("bool", None, None), error="must match the size"))

    def infer(c, a, b):
        c = _infer.need_tensor(c, "condition")
        if c.dtype is not dtypes.bool_:
            raise ShapeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype {c.dtype.name}")
        spec = _infer.elementwise(c, *(x for x in (a, b) if isinstance(x, Spec)))
        if not any(isinstance(x, Spec) for x in (a, b)):
            return Spec(spec.shape, _scalars_dtype(a, b))
        return Spec(spec.shape, _infer.result_dtype(*(x for x in (a, b))))

    def forward(ctx, c, a, b):
        xp = ctx.xp
        dt = _where_dtype(xp, a, b)
        # a Python number, by its exact class: a 0-dim result can be a NumPy float64, a float subclass
        a = xp.asarray(a, dtype=dt) if a.__class__ in _SCALARS else xp.astype(a, dt)
        b = xp.asarray(b, dtype=dt) if b.__class__ in _SCALARS else xp.astype(b, dt)
        ctx.saved = (c,)
        return xp.where(c, a, b)

    vjp_formula = ("∂L/∂a = G ⊙ [condition]", "∂L/∂b = G ⊙ [¬condition]")
    grad_broadcast = 0

    def backward(ctx, g):
        c, = ctx.saved
        zero = ctx.xp.zeros_like(g)
        return None, ctx.xp.where(c, g, zero), ctx.xp.where(c, zero, g)


def _scalars_dtype(a, b) -> dtypes.dtype:
    """where(c, 1, 0) with two Python numbers: bool, int64 or float32, as PyTorch types them."""
    if isinstance(a, bool) and isinstance(b, bool):
        return dtypes.bool_
    if isinstance(a, float) or isinstance(b, float):
        return dtypes.DEFAULT_FLOAT
    return dtypes.int64


def _where_dtype(xp, a, b):
    arrays = [x for x in (a, b) if x.__class__ not in _SCALARS]
    if not arrays:
        return getattr(xp, {"bool": "bool", "int64": "int64"}.get(_scalars_dtype(a, b).name, "float32"))
    if len(arrays) == 2 and arrays[0].dtype != arrays[1].dtype:
        return xp.result_type(arrays[0].dtype, arrays[1].dtype)
    dt = arrays[0].dtype
    number = b if arrays[0] is a else a
    if len(arrays) == 1 and not isinstance(number, bool):  # a number of a higher kind lifts the dtype, as PyTorch
        if isinstance(number, float) and not xp.isdtype(dt, "real floating"):
            return xp.float32
        if isinstance(number, int) and xp.isdtype(dt, "bool"):
            return xp.int64
    return dt


@register
class MaskedFill(Op):
    inplace = ("Tensor",)
    name, grad_fn, torch = "masked_fill", "MaskedFillBackward0", "torch.masked_fill({input}, {mask}, {value})"
    double_backward = (None,)
    doc = "Replace the elements where mask is True by value (mask broadcasts to input's shape)."
    inputs = (T("input"), T("mask", "bool, broadcastable to input", differentiable=False),
              T("value", "a number or a 0-dim tensor", scalar_ok=True))
    number_edge = False
    samples = (S(((3, 4), (3, 4), 0.0), dtypes=(None, "bool")), S(((3, 4), (4,), -1.5), dtypes=(None, "bool")),
               S(((3, 4), (3, 1), ()), dtypes=(None, "bool", None)), S(([1, 2, 3], [True, False, True], 9)),
               S(((3, 4), (3, 4), 0.0), error="masked_fill_ only supports boolean masks, but got mask with dtype double"),
               S(((3, 4), (3, 4), 0.0), dtypes=(None, "int64"),
                 error="masked_fill_ only supports boolean masks, but got mask with dtype long int"),
               S(((3, 4), (2, 3, 4), 0.0), dtypes=(None, "bool"),
                 error="masked_fill_ with a mask of shape [2, 3, 4] cannot write into a tensor of shape [3, 4]"),
               S(((3, 4), (3, 4), (2,)), dtypes=(None, "bool"),
                 error="masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s)."))

    def infer(a, mask, value):
        a, m = _infer.need_tensor(a, "input"), _infer.need_tensor(mask, "mask")
        if m.dtype is not dtypes.bool_:
            raise ShapeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                             f"{m.dtype.c_type}")
        if isinstance(value, Spec) and value.ndim:
            raise ShapeError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                             f"{value.ndim} dimension(s).")
        if _infer.broadcast(a.shape, m.shape) != a.shape:
            raise ShapeError(f"masked_fill_ with a mask of shape {list(m.shape)} cannot write into a tensor of "
                             f"shape {list(a.shape)}")
        return a

    def forward(ctx, a, mask, value):
        xp = ctx.xp
        if mask.dtype != xp.bool or getattr(value, "ndim", 0):
            raise TypeError("masked_fill takes a bool mask and a 0-dim value")
        if isinstance(value, (int, float)):
            v = xp.asarray(value, dtype=a.dtype)
        else:  # PyTorch's overload for a tensor value has its own grad_fn
            v = xp.astype(value, a.dtype)
            ctx.__class__ = node_class("MaskedFillBackward1", MaskedFill)
        ctx.saved = (mask,)
        out = xp.where(mask, v, a)
        if tuple(out.shape) != tuple(a.shape):
            raise ValueError("mask larger than input")
        return out

    vjp_formula = ("∂L/∂x = G ⊙ [¬mask]", "∂L/∂v = Σ G over the masked positions")

    def backward(ctx, g):
        mask, = ctx.saved
        xp = ctx.xp
        zero = xp.zeros_like(g)
        gv = xp.sum(xp.where(mask, g, zero)) if ctx.needs[2] else None
        return (xp.where(mask, zero, g) if ctx.needs[0] else None), None, gv


@register
class Fill(Op):
    name, grad_fn, torch = "fill", "FillBackward0", "torch.fill({input}, {value})"
    grad_fn_tensor = "FillBackward1"  # PyTorch's name when value is a tensor
    double_backward = ()
    doc = ("A tensor of input's shape and dtype with every element equal to value (`x.fill_(v)` and `x.zero_()` "
           "write it in place); input gets a zero gradient, a value tensor the sum of the gradient.")
    inputs = (T("input"), T("value", "a number or a 0-dim tensor", scalar_ok=True))
    method = False
    number_edge = False
    vjp_formula = ("∂L/∂x = 0", "∂L/∂v = Σ G")
    samples = (S(((3, 4), 2.5)), S(((3, 4), ())), S(([1, 2, 3], 2.7)),
               S(((3, 4), (2,)), error="fill_ only supports 0-dimension value tensor but got tensor with 1 dimensions."))

    def infer(a, value):
        a = _infer.need_tensor(a, "input")
        if isinstance(value, Spec) and value.ndim:
            raise ShapeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} "
                             "dimensions.")
        return a

    def forward(ctx, a, value):
        xp = ctx.xp
        if getattr(value, "ndim", 0):
            raise TypeError("fill takes a 0-dim value")
        v = xp.asarray(value, dtype=a.dtype) if isinstance(value, (int, float)) else xp.astype(value, a.dtype)
        return xp.asarray(xp.broadcast_to(v, a.shape), copy=True)

    def backward(ctx, g):
        xp = ctx.xp
        return (xp.zeros_like(g) if ctx.needs[0] else None), (xp.sum(g) if ctx.needs[1] else None)


@register
class Lerp(Op):
    inplace = ("Tensor",)
    name, grad_fn, torch = "lerp", "LerpBackward0", "torch.lerp({input}, {end}, {weight})"
    double_backward = (0, 1, 2)
    doc = "Linear interpolation input + weight * (end - input): weight 0 gives input, 1 gives end."
    inputs = (T("input"), T("end"), T("weight", "a number or a tensor (broadcasts)", scalar_ok=True))
    number_edge = False  # a number weight has no edge (LerpBackward0); a tensor weight does (LerpBackward1)
    grad_broadcast = 0
    vjp_formula = ("∂L/∂a = G ⊙ (1 − w)", "∂L/∂b = G ⊙ w", "∂L/∂w = G ⊙ (b − a)")
    samples = (S(((3, 4), (3, 4), 0.25)), S(((3, 4), (4,), 0.75)), S(((3, 4), (3, 4), (3, 1))),
               S(((2, 3), (2, 3), ())), S(((3,), (3,), 1.5)),
               S(([1, 2], [3, 4], 0.5), error="\"lerp_kernel_scalar\" not implemented for 'Long'"),
               S(([1, 2], [3, 4], [1, 0]), error="\"lerp_kernel_tensor\" not implemented for 'Long'"),
               S(((3,), (3,), 0.5), dtypes=(None, "float32"), error="expected dtype double for `end` but got dtype float"),
               S(((2,), (3,), 0.5), error="must match the size"))

    def infer(a, end, weight):
        a, end = _infer.need_tensor(a, "input"), _infer.need_tensor(end, "end")
        for what, other in (("end", end), ("weight", weight)):
            if isinstance(other, Spec) and (other.ndim or what == "end") and other.dtype is not a.dtype:
                raise ShapeError(f"expected dtype {a.dtype.c_type} for `{what}` but got dtype {other.dtype.c_type}")
        if not a.dtype.is_floating_point:
            kernel = "lerp_kernel_tensor" if isinstance(weight, Spec) else "lerp_kernel_scalar"
            raise ShapeError(f"\"{kernel}\" not implemented for '{a.dtype.scalar_type}'")
        return Spec(_infer.elementwise(a, end, weight).shape, a.dtype)

    def forward(ctx, a, end, weight):
        xp = ctx.xp
        number = weight.__class__ in _SCALARS
        if a.dtype != end.dtype or not xp.isdtype(a.dtype, "real floating") \
                or not number and weight.ndim and weight.dtype != a.dtype:
            raise TypeError("lerp takes floating tensors of one dtype")
        if number:
            w = float(weight)
        else:  # PyTorch's overload for a tensor weight has its own grad_fn
            w = xp.astype(weight, a.dtype)
            ctx.__class__ = node_class("LerpBackward1", Lerp)
        ctx.saved = (a, end, w)
        diff = end - a  # PyTorch's two-sided formula, exact at both ends
        if number:
            return a + w * diff if abs(w) < 0.5 else end - diff * (1 - w)
        return xp.where(abs(w) < 0.5, a + w * diff, end - diff * (1 - w))

    def backward(ctx, g):
        a, end, w = ctx.saved
        return ((g * (1 - w) if ctx.needs[0] else None), (g * w if ctx.needs[1] else None),
                (g * (end - a) if ctx.needs[2] else None))


class Compare(Binary):
    """Comparisons give bool tensors and no gradient."""

    category = "Math"
    differentiable = False
    samples = (S(((3, 4), (3, 4))), S(((3, 4), 0.0)), S(((3, 4), (5,)), error="must match the size"))

    def infer(a, b):
        spec = _infer.elementwise(_infer.need_tensor(a, "input"), b)
        return Spec(spec.shape, dtypes.bool_)

    def backward(ctx, g):
        return None, None


def _comparison(op_name: str, symbol: str, fn, aliases: tuple[str, ...] = ()):
    cls = type(op_name.capitalize(), (Compare,), {
        "name": op_name, "grad_fn": None, "torch": f"torch.{op_name}({{input}}, {{other}})", "aliases": aliases,
        "doc": f"Elementwise input {symbol} other, as a bool tensor (no gradient flows).",
        "forward": staticmethod(lambda ctx, a, b: fn(a, b)),
    })
    return register(cls)


Eq = _comparison("eq", "==", lambda a, b: a == b)
Ne = _comparison("ne", "!=", lambda a, b: a != b, ("not_equal",))
Lt = _comparison("lt", "<", lambda a, b: a < b, ("less",))
Le = _comparison("le", "<=", lambda a, b: a <= b, ("less_equal",))
Gt = _comparison("gt", ">", lambda a, b: a > b, ("greater",))
Ge = _comparison("ge", ">=", lambda a, b: a >= b, ("greater_equal",))


@register
class Maximum(Binary):
    name, grad_fn, torch = "maximum", "MaximumBackward0", "torch.maximum({input}, {other})"
    doc = "Elementwise larger of two tensors (ties split the gradient in half, as PyTorch)."
    inputs = (T("input"), T("other"))
    samples = (S(((3, 4), (3, 4))), S(((3, 4), (4,))), S(((3, 4), (2, 4)), error="must match the size"))

    def forward(ctx, a, b):
        ctx.saved = (a, b)
        return ctx.xp.maximum(a, b)

    vjp_formula = ("∂L/∂a = G ⊙ [a > b] (a tie: G / 2)", "∂L/∂b = G ⊙ [b > a] (a tie: G / 2)")

    def backward(ctx, g):
        return _pick(ctx, g, ctx.saved[0] > ctx.saved[1])


@register
class Minimum(Binary):
    name, grad_fn, torch = "minimum", "MinimumBackward0", "torch.minimum({input}, {other})"
    doc = "Elementwise smaller of two tensors (ties split the gradient in half, as PyTorch)."
    inputs = (T("input"), T("other"))
    samples = (S(((3, 4), (3, 4))), S(((3, 4), (4,))), S(((3, 4), (2, 4)), error="must match the size"))

    def forward(ctx, a, b):
        ctx.saved = (a, b)
        return ctx.xp.minimum(a, b)

    vjp_formula = ("∂L/∂a = G ⊙ [a < b] (a tie: G / 2)", "∂L/∂b = G ⊙ [b < a] (a tie: G / 2)")

    def backward(ctx, g):
        return _pick(ctx, g, ctx.saved[0] < ctx.saved[1])


def _pick(ctx, g, first):
    """Route the gradient to the chosen side; on ties each side gets half."""
    xp = ctx.xp
    a, b = ctx.saved
    g = g * xp.ones_like(xp.astype(a, g.dtype) + xp.astype(b, g.dtype))  # to the broadcast shape
    half = g / 2
    zero = xp.zeros_like(g)
    tie = a == b
    ga = xp.where(first, g, xp.where(tie, half, zero))
    gb = xp.where(first, zero, xp.where(tie, half, g))
    return ga, gb


def _mask(xp, keep, g):
    """g where keep is True, 0 elsewhere (no bool × float arithmetic: the array API forbids it)."""
    return xp.where(keep, g, xp.zeros_like(g))


# -- more math: logs, trigonometry, rounding toward zero ------------------------------------------
@register
class Log2(Unary):
    inplace = ("Tensor",)
    name, grad_fn, torch = "log2", "Log2Backward0", "torch.log2({input})"
    double_backward = (0,)
    doc = "Elementwise base-2 logarithm."
    samples = (S(((3, 4),), positive=True), S(([1, 2, 8],)))

    def forward(ctx, a):
        ctx.saved = (a,)
        return ctx.xp.log2(a)

    vjp_formula = ("∂L/∂x = G / (x · ln 2)",)

    def backward(ctx, g):
        return (g / (ctx.saved[0] * math.log(2.0)),)


@register
class Log10(Unary):
    inplace = ("Tensor",)
    name, grad_fn, torch = "log10", "Log10Backward0", "torch.log10({input})"
    double_backward = (0,)
    doc = "Elementwise base-10 logarithm."
    samples = (S(((3, 4),), positive=True), S(([1, 10, 1000],)))

    def forward(ctx, a):
        ctx.saved = (a,)
        return ctx.xp.log10(a)

    vjp_formula = ("∂L/∂x = G / (x · ln 10)",)

    def backward(ctx, g):
        return (g / (ctx.saved[0] * math.log(10.0)),)


@register
class Tan(Unary):
    inplace = ("Tensor",)
    name, grad_fn, torch = "tan", "TanBackward0", "torch.tan({input})"
    double_backward = (OUT,)
    doc = "Elementwise tangent."
    samples = (S(((3, 4),)), S(((),)))

    def forward(ctx, a):
        out = ctx.xp.tan(a)
        ctx.saved = (out,)
        return out

    vjp_formula = ("∂L/∂x = G ⊙ (1 + y²)",)

    def backward(ctx, g):
        out = ctx.saved[0]
        return (g * (1 + out * out),)


@register
class Rsqrt(Unary):
    inplace = ("Tensor",)
    name, grad_fn, torch = "rsqrt", "RsqrtBackward0", "torch.rsqrt({input})"
    double_backward = (OUT,)
    doc = "Elementwise 1 / sqrt(input)."
    samples = (S(((3, 4),), positive=True), S(([1, 4, 16],)))

    def forward(ctx, a):
        out = 1 / ctx.xp.sqrt(a)
        ctx.saved = (out,)
        return out

    vjp_formula = ("∂L/∂x = −½ · G ⊙ y³",)

    def backward(ctx, g):
        out = ctx.saved[0]
        return (-0.5 * g * out * out * out,)


@register
class Trunc(_Stepwise):
    inplace = ("Tensor",)
    name, grad_fn, torch = "trunc", "TruncBackward0", "torch.trunc({input})"
    double_backward = ()
    doc = "Elementwise rounding toward zero: drops the fractional part (its gradient is 0)."
    samples = (S(((3, 4),)), S(([1.7, -1.7, 2.2],)), S(([3, -2],)))

    def infer(a):
        return _infer.need_tensor(a, "input")

    def forward(ctx, a):
        xp = ctx.xp
        return xp.asarray(a, copy=True) if a.dtype == xp.bool else xp.trunc(a)


@register
class Frac(Unary):
    inplace = ("Tensor",)
    name, grad_fn, torch = "frac", "FracBackward0", "torch.frac({input})"
    double_backward = ()
    doc = "Elementwise fractional part: input - trunc(input), with input's sign."
    cast = None
    samples = (S(((3, 4),)), S(([1.75, -1.25, 3.3],)),
               S(([1, 2],), error='"frac_cpu" not implemented for \'Long\''))

    def infer(a):
        a = _infer.need_tensor(a, "input")
        if not a.dtype.is_floating_point:
            raise ShapeError(f'"frac_cpu" not implemented for \'{a.dtype.scalar_type}\'')
        return a

    def forward(ctx, a):
        xp = ctx.xp
        if not xp.isdtype(a.dtype, "real floating"):
            raise TypeError("frac of whole numbers")
        return a - xp.trunc(a)

    vjp_formula = ("∂L/∂x = G",)

    def backward(ctx, g):
        return (g,)


# -- integer division and remainders ---------------------------------------------------------------
def _refuse_bool(kernel: str, spec: Spec) -> Spec:
    """PyTorch has no `kernel` for two bool operands (NumPy would quietly answer in int8)."""
    if spec.dtype is dtypes.bool_:
        raise ShapeError(f'"{kernel}" not implemented for \'Bool\'')
    return spec


def _bool_operands(xp, a, b) -> bool:
    """True when forward got two bool operands: inference (`_refuse_bool`) words the refusal."""
    return a.dtype == xp.bool and (b.__class__ is bool or getattr(b, "dtype", None) == xp.bool)


_INT_SAMPLES = (S(([7, -7, 9, 0], [2, 2, -4, 3])), S(([7.5, -7.5, 2.0], [2.0, 2.0, -0.75])), S(([7, -7], 3)),
                S(([7.5, -7.5], 2.0)), S(([5, 6], 2.5)), S(((3, 4), (3, 4)), positive=True),
                S(((3, 4), (2, 4)), error="must match the size"))


def _whole_divisor(xp, a, b) -> None:
    """Whole-number division by zero has no answer: PyTorch raises, NumPy would give 0 and warn."""
    if not xp.isdtype(a.dtype, "integral"):
        return
    if b.__class__ not in _SCALARS:
        xp.broadcast_arrays(a, b)  # shapes that do not broadcast are refused first (ValueError: inference words it)
    if bool(b == 0) if b.__class__ in _SCALARS else bool(xp.any(b == 0)):
        raise RuntimeError("ZeroDivisionError")


@register
class FloorDivide(Binary):
    inplace = ("Tensor",)
    name, grad_fn, torch = "floor_divide", "NotImplemented", "torch.floor_divide({input}, {other})"
    derivative = False
    doc = ("Elementwise floor(input / other): whole numbers stay whole (`a // b`). Recorded on float inputs "
           "that require grad, as PyTorch, by a node whose backward refuses: it has no derivative.")
    samples = _INT_SAMPLES + (S(([True], [True]), error="\"div_floor_cpu\" not implemented for 'Bool'"),)

    def infer(a, b):
        return _refuse_bool("div_floor_cpu", Binary.infer(a, b))

    def forward(ctx, a, b):
        if _bool_operands(ctx.xp, a, b):
            raise TypeError("bool operands")
        _whole_divisor(ctx.xp, a, b)
        return ctx.xp.floor_divide(a, b)


@register
class Remainder(Binary):
    inplace = ("Tensor",)
    name, grad_fn, torch = "remainder", "RemainderBackward0", "torch.remainder({input}, {other})"
    grad_fn_tensor = "RemainderBackward1"
    grad_fn_number_input = "NotImplemented"
    number_edge = False
    doc = "Elementwise input - floor(input / other) * other: the sign of other, as Python's `%` (`a % b`)."
    samples = _INT_SAMPLES + (S(([True], [True]), error="\"remainder_cpu\" not implemented for 'Bool'"),)

    def infer(a, b):
        return _refuse_bool("remainder_cpu", Binary.infer(a, b))

    def forward(ctx, a, b):
        if _bool_operands(ctx.xp, a, b):
            raise TypeError("bool operands")
        _whole_divisor(ctx.xp, a, b)
        ctx.saved = (a, b)
        return ctx.xp.remainder(a, b)

    vjp_formula = ("∂L/∂a = G", "∂L/∂b = −G ⊙ ⌊a / b⌋")

    def backward(ctx, g):
        a, b = ctx.saved
        return (g if ctx.needs[0] else None), (-g * ctx.xp.floor(a / b) if ctx.needs[1] else None)


@register
class Fmod(Binary):
    inplace = ("Tensor",)
    name, grad_fn, torch = "fmod", "FmodBackward0", "torch.fmod({input}, {other})"
    grad_fn_tensor = "FmodBackward1"
    number_edge = False
    doc = "Elementwise input - trunc(input / other) * other: the sign of input, as C's fmod."
    samples = _INT_SAMPLES

    def forward(ctx, a, b):
        xp = ctx.xp
        _whole_divisor(xp, a, b)
        r = xp.remainder(a, b)
        ctx.saved = (a, b)
        return xp.where((r != 0) & ((r < 0) != (a < 0)), r - b, r)

    vjp_formula = ("∂L/∂a = G", "∂L/∂b = −G ⊙ trunc(a / b)")

    def backward(ctx, g):
        a, b = ctx.saved
        return (g if ctx.needs[0] else None), (-g * ctx.xp.trunc(a / b) if ctx.needs[1] else None)


# -- bitwise and logical ----------------------------------------------------------------------------


class _Bitwise(Binary):
    """`&`, `|`, `^` on bool and integer tensors (floats are refused, as PyTorch); no gradient."""

    differentiable = False
    samples = (S(([True, False, True, False], [True, True, False, False])), S(([12, 10, -3], [10, 6, 5])),
               S(([[True], [False]], [True, False])), S(([True, False], True)), S(([12, 5], 3)),
               S(((3,), (3,)), error="not implemented for 'Double'"))

    @classmethod
    def _infer(cls, a, b):
        spec = _infer.elementwise(_infer.need_tensor(a, "input"), b)
        if spec.dtype.is_floating_point:
            raise ShapeError(f'"{cls.name}_cpu" not implemented for \'{spec.dtype.scalar_type}\'')
        return spec

    def backward(ctx, g):
        return None, None


def _bitwise(op_name: str, fn):
    def forward(ctx, a, b):
        if getattr(a, "dtype", None) is not None and ctx.xp.isdtype(a.dtype, "real floating"):
            raise TypeError("bitwise op on floats")
        return fn(ctx.xp)(a, b)

    cls = type(op_name.title().replace("_", ""), (_Bitwise,), {
        "name": op_name, "grad_fn": None, "torch": f"torch.{op_name}({{input}}, {{other}})",
        "doc": f"Elementwise {op_name.split('_')[1]} of the bits (of bool or integer tensors); no gradient.",
        "infer": staticmethod(lambda a, b: cls._infer(a, b)), "forward": staticmethod(forward),
    })
    return register(cls)


BitwiseAnd = _bitwise("bitwise_and", lambda xp: xp.bitwise_and)
BitwiseOr = _bitwise("bitwise_or", lambda xp: xp.bitwise_or)
BitwiseXor = _bitwise("bitwise_xor", lambda xp: xp.bitwise_xor)


@register
class BitwiseNot(Unary):
    inplace = ("Tensor",)
    name, grad_fn, torch = "bitwise_not", None, "torch.bitwise_not({input})"
    doc = "Elementwise NOT of the bits (`~x`): flips bools, and -x - 1 for integers; no gradient."
    cast = None
    differentiable = False
    samples = (S(([True, False],)), S(([0, 5, -3],)), S(((3,),), error='"bitwise_not_cpu" not implemented for \'Double\''))

    def infer(a):
        a = _infer.need_tensor(a, "input")
        if a.dtype.is_floating_point:
            raise ShapeError(f'"bitwise_not_cpu" not implemented for \'{a.dtype.scalar_type}\'')
        return a

    def forward(ctx, a):
        xp = ctx.xp
        if xp.isdtype(a.dtype, "real floating"):
            raise TypeError("bitwise_not of floats")
        return xp.bitwise_invert(a)

    def backward(ctx, g):
        return (None,)


def _truth(xp, a):
    return a if a.dtype == xp.bool else a != 0


class _Logical(Op):
    """Elementwise logic on the truth of each element (non-zero is True): a bool tensor, no gradient."""

    inputs = (T("input"), T("other"))
    differentiable = False
    samples = (S(([True, False, True, False], [True, True, False, False])), S(([0.0, 1.5, -2.0], [3, 0, 1])),
               S(((3, 1), (4,))), S(((3, 4), (2, 4)), error="must match the size"))

    def infer(a, b):
        spec = _infer.elementwise(_infer.need_tensor(a, "input"), _infer.need_tensor(b, "other"))
        return Spec(spec.shape, dtypes.bool_)

    def backward(ctx, g):
        return None, None


def _logical(op_name: str, fn):
    cls = type(op_name.title().replace("_", ""), (_Logical,), {
        "name": op_name, "grad_fn": None, "torch": f"torch.{op_name}({{input}}, {{other}})",
        "doc": f"Elementwise logical {op_name.split('_')[1]} of the truth of each element, as a bool tensor.",
        "forward": staticmethod(lambda ctx, a, b: fn(ctx.xp)(_truth(ctx.xp, a), _truth(ctx.xp, b))),
    })
    return register(cls)


LogicalAnd = _logical("logical_and", lambda xp: xp.logical_and)
LogicalOr = _logical("logical_or", lambda xp: xp.logical_or)
LogicalXor = _logical("logical_xor", lambda xp: xp.logical_xor)


class _Predicate(Unary):
    """A yes/no question about each element: a bool tensor, no gradient."""

    cast = None
    differentiable = False
    samples = (S(([1.0, math.nan, -math.inf, math.inf, 0.0],)), S(([1, 2],)), S(((3, 4),)))

    def infer(a):
        return Spec(_infer.need_tensor(a, "input").shape, dtypes.bool_)

    def backward(ctx, g):
        return (None,)


@register
class LogicalNot(_Predicate):
    inplace = ("Tensor",)
    name, grad_fn, torch = "logical_not", None, "torch.logical_not({input})"
    doc = "Elementwise NOT of the truth of each element (zero becomes True), as a bool tensor."
    samples = _Predicate.samples + (S(([True, False],)),)

    def forward(ctx, a):
        return ctx.xp.logical_not(_truth(ctx.xp, a))


@register
class Isnan(_Predicate):
    name, grad_fn, torch = "isnan", None, "torch.isnan({input})"
    doc = "True where an element is NaN (not a number)."

    def forward(ctx, a):
        return ctx.xp.isnan(a)


@register
class Isinf(_Predicate):
    name, grad_fn, torch = "isinf", None, "torch.isinf({input})"
    doc = "True where an element is +inf or -inf."

    def forward(ctx, a):
        return ctx.xp.isinf(a)


@register
class Isfinite(_Predicate):
    name, grad_fn, torch = "isfinite", None, "torch.isfinite({input})"
    doc = "True where an element is neither NaN nor infinite."

    def forward(ctx, a):
        return ctx.xp.isfinite(a)


@register
class Isclose(Op):
    name, grad_fn, torch = "isclose", None, "torch.isclose({input}, {other}, rtol={rtol}, atol={atol})"
    doc = "True where |input - other| <= atol + rtol * |other| (equal infinities too); a bool tensor."
    inputs = (T("input"), T("other"))
    params = (Param("rtol", "float", 1e-05, "relative tolerance"), Param("atol", "float", 1e-08, "absolute tolerance"),
              Param("equal_nan", "bool", False, "count two NaNs as close"))
    cast = "promote"
    differentiable = False
    samples = (S(([1.0, 1.0001, 1.1, math.inf, math.nan], [1.0, 1.0, 1.0, math.inf, math.nan])),
               S(([1.0, 1.0001, math.nan], [1.0, 1.0, math.nan]), {"atol": 1e-3, "equal_nan": True}),
               S(((3, 4), (4,))), S(([1, 2], [1, 3])), S(((3,), (2,)), error="must match the size"))

    def infer(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
        spec = _infer.elementwise(_infer.need_tensor(a, "input"), _infer.need_tensor(b, "other"))
        return Spec(spec.shape, dtypes.bool_)

    def forward(ctx, a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
        xp = ctx.xp
        if a.dtype == xp.bool:
            return a == b
        if not xp.isdtype(a.dtype, "real floating"):
            a, b = xp.astype(a, xp.float64), xp.astype(b, xp.float64)
        with _quiet():
            close = (a == b) | (xp.abs(a - b) <= atol + rtol * xp.abs(b))
        if equal_nan:
            close = close | (xp.isnan(a) & xp.isnan(b))
        return close

    def backward(ctx, g):
        return None, None


def _quiet():
    import numpy as np

    return np.errstate(invalid="ignore")


# -- more activations -----------------------------------------------------------------------------
_ACT_SAMPLES = (S(((3, 4),)), S(((),)), S(([-2.0, -0.5, 0.3, 1.5, 25.0],)))


def _float_input(a: Any, kernel: str) -> Spec:
    """The input of an op whose PyTorch CPU kernel exists for floats only: ints and bools are refused."""
    spec = _infer.need_tensor(a, "input")
    if not spec.dtype.is_floating_point:
        raise ShapeError(f'"{kernel}" not implemented for \'{spec.dtype.scalar_type}\'', raise_as=NotImplementedError)
    return spec


def _int_samples(kernel: str) -> tuple:
    return (S(([1, -2, 3],), error=f'"{kernel}" not implemented for \'Long\''),
            S(([True, False],), error=f'"{kernel}" not implemented for \'Bool\''))


def _floats_only(xp: Any, a: Any) -> None:
    """At run time, as `_float_input` at inference: the dispatcher words the error from `infer`."""
    if not xp.isdtype(a.dtype, "real floating"):
        raise TypeError("a float-only kernel got whole numbers or booleans")


class _Activation(Unary):
    category = "Activation"
    method = False
    cast = None  # ints reach the kernel, which refuses them as PyTorch's does
    kernel: ClassVar[str]  # PyTorch's CPU kernel, which its message for int and bool inputs names

    @classmethod
    def infer(cls, a, **params):
        return _float_input(a, cls.kernel)


@register
class LeakyRelu(_Activation):
    inplace = ("F",)
    name, grad_fn, torch = "leaky_relu", "LeakyReluBackward0", \
        "torch.nn.functional.leaky_relu({input}, negative_slope={negative_slope})"
    kernel = "leaky_relu_cpu"
    doc = "input where positive, else negative_slope * input (a small slope keeps some gradient)."
    params = (Param("negative_slope", "float", 0.01, "the slope for negative inputs"),)
    samples = _ACT_SAMPLES + (S(((3, 4),), {"negative_slope": 0.2}),) + _int_samples("leaky_relu_cpu")

    def forward(ctx, a, negative_slope=0.01):
        _floats_only(ctx.xp, a)
        ctx.saved = (a,)
        ctx.info = negative_slope
        return ctx.xp.where(a > 0, a, a * negative_slope)

    vjp_formula = ("∂L/∂x = G ⊙ [x > 0] + negative_slope · G ⊙ [x ≤ 0]",)

    def backward(ctx, g):
        return (ctx.xp.where(ctx.saved[0] > 0, g, g * ctx.info),)


@register
class Elu(_Activation):
    inplace = ("F",)
    name, grad_fn, torch = "elu", "EluBackward0", "torch.nn.functional.elu({input}, alpha={alpha})"
    kernel = "elu_cpu"
    doc = "input where positive, else alpha * (e^input - 1): smooth, saturating at -alpha."
    params = (Param("alpha", "float", 1.0, "the value negative inputs approach"),)
    samples = _ACT_SAMPLES + (S(((3, 4),), {"alpha": 0.5}),) + _int_samples("elu_cpu")

    def forward(ctx, a, alpha=1.0):
        _floats_only(ctx.xp, a)
        xp = ctx.xp
        neg = alpha * xp.expm1(xp.minimum(a, xp.zeros_like(a)))
        ctx.saved = (a, neg)
        ctx.info = alpha
        return xp.where(a > 0, a, neg)

    vjp_formula = ("∂L/∂x = G ⊙ [x > 0] + G ⊙ (y + α) ⊙ [x ≤ 0]",)

    def backward(ctx, g):
        a, neg = ctx.saved
        return (ctx.xp.where(a > 0, g, g * (neg + ctx.info)),)


def _erf(xp, x):
    """erf from array-API calls (the standard has none): a Taylor series below 2.5, a continued
    fraction for erfc above; accurate to ~1e-15 in float64."""
    ax = xp.abs(x)
    small = ax < 2.5
    xs = xp.where(small, x, xp.zeros_like(x))
    x2 = xs * xs
    term, total = xs, xs
    for n in range(1, 60):
        term = term * (-x2) / n
        total = total + term / (2 * n + 1)
    xl = xp.where(small, xp.full_like(x, 3.0), ax)
    t = xl
    for k in range(80, 0, -1):
        t = xl + (k / 2) / t
    big = xp.sign(x) * (1 - xp.exp(-xl * xl) / (math.sqrt(math.pi) * t))
    return xp.where(small, total * (2 / math.sqrt(math.pi)), big)


@register
class Gelu(_Activation):
    name, grad_fn, torch = "gelu", "GeluBackward0", "torch.nn.functional.gelu({input}, approximate={approximate!r})"
    doc = "input * Φ(input), Φ the standard normal CDF (approximate='tanh': the tanh formula)."
    params = (Param("approximate", "choice", "none", "exact erf, or the tanh approximation", choices=("none", "tanh")),)
    samples = _ACT_SAMPLES + (S(((3, 4),), {"approximate": "tanh"}), S(((2, 3),), {"approximate": "erf"},
                                                                       error="approximate argument must be either none or tanh.")) \
        + _int_samples("GeluKernelImpl")

    def infer(a, approximate="none"):
        if approximate not in ("none", "tanh"):
            raise ShapeError("approximate argument must be either none or tanh.")
        return _float_input(a, "GeluKernelImpl")

    def forward(ctx, a, approximate="none"):
        _floats_only(ctx.xp, a)
        xp = ctx.xp
        ctx.saved = (a,)
        ctx.info = approximate
        if approximate == "tanh":
            inner = math.sqrt(2 / math.pi) * (a + 0.044715 * a * a * a)
            return 0.5 * a * (1 + xp.tanh(inner))
        if approximate != "none":
            raise ValueError("approximate")
        return 0.5 * a * (1 + _erf(xp, a * (1 / math.sqrt(2))))

    vjp_formula = ("∂L/∂x = G ⊙ (Φ(x) + x ⊙ φ(x))",)

    def backward(ctx, g):
        a, = ctx.saved
        xp = ctx.xp
        if ctx.info == "tanh":
            k = math.sqrt(2 / math.pi)
            th = xp.tanh(k * (a + 0.044715 * a * a * a))
            d = 0.5 * (1 + th) + 0.5 * a * (1 - th * th) * k * (1 + 3 * 0.044715 * a * a)
            return (g * d,)
        cdf = 0.5 * (1 + _erf(xp, a * (1 / math.sqrt(2))))
        pdf = xp.exp(-0.5 * a * a) * (1 / math.sqrt(2 * math.pi))
        return (g * (cdf + a * pdf),)


@register
class Silu(_Activation):
    inplace = ("F",)
    name, grad_fn, torch = "silu", "SiluBackward0", "torch.nn.functional.silu({input})"
    kernel = "silu_cpu"
    doc = "input * sigmoid(input) (also called swish)."
    samples = _ACT_SAMPLES + _int_samples("silu_cpu")

    def forward(ctx, a):
        _floats_only(ctx.xp, a)
        s = 1 / (1 + ctx.xp.exp(-a))
        ctx.saved = (a, s)
        return a * s

    vjp_formula = ("∂L/∂x = G ⊙ σ(x) ⊙ (1 + x ⊙ (1 − σ(x)))",)

    def backward(ctx, g):
        a, s = ctx.saved
        return (g * s * (1 + a * (1 - s)),)


@register
class Softplus(_Activation):
    name, grad_fn, torch = "softplus", "SoftplusBackward0", \
        "torch.nn.functional.softplus({input}, beta={beta}, threshold={threshold})"
    kernel = "softplus_cpu"
    doc = "log(1 + e^(beta·input)) / beta: a smooth relu; linear where beta·input > threshold."
    params = (Param("beta", "float", 1.0, "the sharpness"), Param("threshold", "float", 20.0, "linear above this"))
    samples = _ACT_SAMPLES + (S(((3, 4),), {"beta": 2.0, "threshold": 1.0}),) + _int_samples("softplus_cpu")

    def forward(ctx, a, beta=1.0, threshold=20.0):
        _floats_only(ctx.xp, a)
        xp = ctx.xp
        z = a * beta
        ctx.saved = (z,)
        ctx.info = threshold
        return xp.where(z > threshold, a, xp.log1p(xp.exp(xp.minimum(z, xp.full_like(z, threshold)))) / beta)

    vjp_formula = ("∂L/∂x = G ⊙ σ(β · x) (G above the threshold)",)

    def backward(ctx, g):
        z, = ctx.saved
        xp = ctx.xp
        return (xp.where(z > ctx.info, g, g / (1 + xp.exp(-z))),)


@register
class Hardtanh(_Activation):
    inplace = ("F",)
    name, grad_fn, torch = "hardtanh", "HardtanhBackward0", \
        "torch.nn.functional.hardtanh({input}, min_val={min_val}, max_val={max_val})"
    doc = "input clipped to [min_val, max_val]; the gradient passes only strictly inside (relu6 is (0, 6))."
    cast = None
    params = (Param("min_val", "float", -1.0, "the lower limit"), Param("max_val", "float", 1.0, "the upper limit"))
    samples = _ACT_SAMPLES + (S(((3, 4),), {"min_val": 0.0, "max_val": 0.5}), S(([-3, 0, 2, 9],), {"min_val": 0, "max_val": 6}))

    def infer(a, min_val=-1.0, max_val=1.0):
        return _infer.need_tensor(a, "input")

    def forward(ctx, a, min_val=-1.0, max_val=1.0):
        xp = ctx.xp
        ctx.saved = (a,)
        ctx.info = (min_val, max_val)
        out = xp.maximum(a, xp.asarray(min_val, dtype=a.dtype))
        return xp.minimum(out, xp.asarray(max_val, dtype=a.dtype))

    vjp_formula = ("∂L/∂x = G ⊙ [min_val < x < max_val]",)

    def backward(ctx, g):
        a, = ctx.saved
        lo, hi = ctx.info
        return (_mask(ctx.xp, (a > lo) & (a < hi), g),)
