"""Elementwise ops: arithmetic, comparisons and activations.

Backward returns one gradient per input, in the output's (broadcast) shape; the
engine sums each back to its input's shape. `ctx.needs` says which inputs want one.
"""
from __future__ import annotations

from .. import dtypes
from ..registry import Op, Param, Port, Sample, ShapeError, Spec, register
from . import _infer

T, S = Port, Sample
BINARY_SAMPLES = (
    S(((3, 4), (3, 4))), S(((2, 3, 4), (4,))), S(((3, 1), (1, 5))), S(((3,), 2.5)), S(((), (2, 2))),
    S(((3, 4), (2, 4)), error="must match the size"),
)


class Binary(Op):
    inputs = (T("input"), T("other", scalar_ok=True))
    cast = "promote"
    samples = BINARY_SAMPLES

    def infer(a, b):
        return _infer.elementwise(_infer.need_tensor(a, "input"), b)


class Unary(Op):
    inputs = (T("input"),)
    cast = "float"
    samples = (S(((3, 4),)), S(((),)), S(((2, 3, 2),)))

    def infer(a):
        return _infer.as_float(_infer.need_tensor(a, "input"))


@register
class Add(Binary):
    name, grad_fn, torch = "add", "AddBackward0", "torch.add({input}, {other})"
    doc = "Elementwise sum input + other, broadcasting shapes."

    def forward(ctx, a, b):
        return a + b

    def backward(ctx, g):
        return g, g


@register
class Sub(Binary):
    name, grad_fn, torch = "sub", "SubBackward0", "torch.sub({input}, {other})"
    doc = "Elementwise difference input - other, broadcasting shapes."

    def forward(ctx, a, b):
        return a - b

    def backward(ctx, g):
        return g, -g if ctx.needs[1] else None


@register
class Mul(Binary):
    name, grad_fn, torch = "mul", "MulBackward0", "torch.mul({input}, {other})"
    doc = "Elementwise product input * other, broadcasting shapes."

    def forward(ctx, a, b):
        ctx.saved = (a, b)
        return a * b

    def backward(ctx, g):
        a, b = ctx.saved
        na, nb = ctx.needs
        return (g * b if na else None), (g * a if nb else None)


@register
class Div(Binary):
    name, grad_fn, torch = "div", "DivBackward0", "torch.div({input}, {other})"
    doc = "Elementwise true division input / other (whole numbers give floats)."
    cast = "promote_float"

    def infer(a, b):
        return _infer.elementwise(_infer.need_tensor(a, "input"), b, to_float=True)

    def forward(ctx, a, b):
        ctx.saved = (a, b)
        return a / b

    def backward(ctx, g):
        a, b = ctx.saved
        ga = g / b if ctx.needs[0] else None
        gb = -g * a / (b * b) if ctx.needs[1] else None
        return ga, gb


@register
class Pow(Op):
    name, grad_fn, torch = "pow", "PowBackward0", "torch.pow({input}, {exponent})"
    grad_fn_tensor = "PowBackward1"  # PyTorch's name when the exponent is a tensor
    doc = "Elementwise power input ** exponent (a number or a tensor)."
    inputs = (T("input"), T("exponent", scalar_ok=True))
    cast = "promote"
    samples = (S(((3, 4), 2)), S(((3, 4), 3)), S(((3,), 0.5), positive=True), S(((2, 3), (2, 3)), positive=True),
               S(((2, 3), (3, 2)), error="must match the size"))

    def infer(a, b):
        return _infer.elementwise(_infer.need_tensor(a, "input"), b)

    def forward(ctx, a, b):
        out = a ** b
        ctx.saved = (a, b, out)
        return out

    def backward(ctx, g):
        a, b, out = ctx.saved
        xp = ctx.xp
        ga = gb = None
        if ctx.needs[0]:
            ga = g * b * a ** (b - 1) if not isinstance(b, (int, float)) or b != 0 else xp.zeros_like(g)
        if ctx.needs[1]:
            gb = g * out * xp.where(a > 0, xp.log(xp.where(a > 0, a, 1)), 0)
        return ga, gb


@register
class Neg(Unary):
    name, grad_fn, torch = "neg", "NegBackward0", "torch.neg({input})"
    doc = "Elementwise negation -input."
    cast = None

    def infer(a):
        return _infer.need_tensor(a, "input")

    def forward(ctx, a):
        return -a

    def backward(ctx, g):
        return (-g,)


@register
class Exp(Unary):
    name, grad_fn, torch = "exp", "ExpBackward0", "torch.exp({input})"
    doc = "Elementwise e ** input."

    def forward(ctx, a):
        out = ctx.xp.exp(a)
        ctx.saved = (out,)
        return out

    def backward(ctx, g):
        return (g * ctx.saved[0],)


@register
class Log(Unary):
    name, grad_fn, torch = "log", "LogBackward0", "torch.log({input})"
    doc = "Elementwise natural logarithm."
    samples = (S(((3, 4),), positive=True), S(((),), positive=True))

    def forward(ctx, a):
        ctx.saved = (a,)
        return ctx.xp.log(a)

    def backward(ctx, g):
        return (g / ctx.saved[0],)


@register
class Sqrt(Unary):
    name, grad_fn, torch = "sqrt", "SqrtBackward0", "torch.sqrt({input})"
    doc = "Elementwise square root."
    samples = (S(((3, 4),), positive=True),)

    def forward(ctx, a):
        out = ctx.xp.sqrt(a)
        ctx.saved = (out,)
        return out

    def backward(ctx, g):
        return (g / (2 * ctx.saved[0]),)


@register
class Abs(Unary):
    name, grad_fn, torch = "abs", "AbsBackward0", "torch.abs({input})"
    doc = "Elementwise absolute value (its gradient at 0 is 0, as in PyTorch)."
    cast = None

    def infer(a):
        return _infer.need_tensor(a, "input")

    def forward(ctx, a):
        ctx.saved = (a,)
        return ctx.xp.abs(a)

    def backward(ctx, g):
        return (g * ctx.xp.sign(ctx.saved[0]),)


@register
class Sin(Unary):
    name, grad_fn, torch = "sin", "SinBackward0", "torch.sin({input})"
    doc = "Elementwise sine."

    def forward(ctx, a):
        ctx.saved = (a,)
        return ctx.xp.sin(a)

    def backward(ctx, g):
        return (g * ctx.xp.cos(ctx.saved[0]),)


@register
class Cos(Unary):
    name, grad_fn, torch = "cos", "CosBackward0", "torch.cos({input})"
    doc = "Elementwise cosine."

    def forward(ctx, a):
        ctx.saved = (a,)
        return ctx.xp.cos(a)

    def backward(ctx, g):
        return (-g * ctx.xp.sin(ctx.saved[0]),)


@register
class Relu(Unary):
    name, grad_fn, torch = "relu", "ReluBackward0", "torch.relu({input})"
    category = "Activation"
    doc = "max(input, 0) elementwise: passes positives, zeroes negatives (gradient 0 at 0)."
    cast = None

    def infer(a):
        return _infer.need_tensor(a, "input")

    def forward(ctx, a):
        xp = ctx.xp
        out = xp.where(a > 0, a, xp.zeros_like(a))
        ctx.saved = (out,)
        return out

    def backward(ctx, g):
        return (_mask(ctx.xp, ctx.saved[0] > 0, g),)


@register
class Sigmoid(Unary):
    name, grad_fn, torch = "sigmoid", "SigmoidBackward0", "torch.sigmoid({input})"
    category = "Activation"
    doc = "1 / (1 + e^-input) elementwise: squashes to (0, 1)."

    def forward(ctx, a):
        xp = ctx.xp
        out = 1 / (1 + xp.exp(-a))
        ctx.saved = (out,)
        return out

    def backward(ctx, g):
        out = ctx.saved[0]
        return (g * out * (1 - out),)


@register
class Tanh(Unary):
    name, grad_fn, torch = "tanh", "TanhBackward0", "torch.tanh({input})"
    category = "Activation"
    doc = "Hyperbolic tangent elementwise: squashes to (-1, 1)."

    def forward(ctx, a):
        out = ctx.xp.tanh(a)
        ctx.saved = (out,)
        return out

    def backward(ctx, g):
        out = ctx.saved[0]
        return (g * (1 - out * out),)


@register
class Clamp(Op):
    name, grad_fn, torch = "clamp", "ClampBackward1", "torch.clamp({input}, min={min}, max={max})"
    doc = "Limit every element to [min, max]; the gradient passes only where no limit applied."
    inputs = (T("input"),)
    params = (Param("min", "number_or_none", None, "lower bound (none: no bound)"),
              Param("max", "number_or_none", None, "upper bound (none: no bound)"))
    samples = (S(((3, 4),), {"min": -0.5, "max": 0.5}), S(((5,),), {"min": 0.0}), S(((5,),), {"max": 0.1}),
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
        ctx.saved = (a,)
        ctx.info = (min, max)
        out = a
        if min is not None:
            out = xp.maximum(out, xp.asarray(min, dtype=a.dtype))
        if max is not None:
            out = xp.minimum(out, xp.asarray(max, dtype=a.dtype))
        return out

    def backward(ctx, g):
        a, = ctx.saved
        lo, hi = ctx.info
        keep = (a >= lo) if lo is not None else (a <= hi)
        if lo is not None and hi is not None:
            keep = keep & (a <= hi)
        return (_mask(ctx.xp, keep, g),)


@register
class Where(Op):
    name, grad_fn, torch = "where", "WhereBackward0", "torch.where({condition}, {input}, {other})"
    doc = "Pick input where condition is True, other elsewhere (broadcasting all three)."
    inputs = (T("condition"), T("input", scalar_ok=True), T("other", scalar_ok=True))
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
        return Spec(spec.shape, _infer.result_dtype(*(x for x in (a, b))))

    def forward(ctx, c, a, b):
        xp = ctx.xp
        dt = _where_dtype(xp, a, b)
        a = xp.asarray(a, dtype=dt) if isinstance(a, (int, float)) else xp.astype(a, dt)
        b = xp.asarray(b, dtype=dt) if isinstance(b, (int, float)) else xp.astype(b, dt)
        ctx.saved = (c,)
        return xp.where(c, a, b)

    def backward(ctx, g):
        c, = ctx.saved
        zero = ctx.xp.zeros_like(g)
        return None, ctx.xp.where(c, g, zero), ctx.xp.where(c, zero, g)


def _where_dtype(xp, a, b):
    arrays = [x for x in (a, b) if not isinstance(x, (int, float))]
    if not arrays:
        return xp.float32
    if len(arrays) == 2 and arrays[0].dtype != arrays[1].dtype:
        return xp.result_type(arrays[0].dtype, arrays[1].dtype)
    return arrays[0].dtype


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


def _comparison(op_name: str, symbol: str, fn):
    cls = type(op_name.capitalize(), (Compare,), {
        "name": op_name, "grad_fn": None, "torch": f"torch.{op_name}({{input}}, {{other}})",
        "doc": f"Elementwise input {symbol} other, as a bool tensor (no gradient flows).",
        "forward": staticmethod(lambda ctx, a, b: fn(a, b)),
    })
    return register(cls)


Eq = _comparison("eq", "==", lambda a, b: a == b)
Ne = _comparison("ne", "!=", lambda a, b: a != b)
Lt = _comparison("lt", "<", lambda a, b: a < b)
Le = _comparison("le", "<=", lambda a, b: a <= b)
Gt = _comparison("gt", ">", lambda a, b: a > b)
Ge = _comparison("ge", ">=", lambda a, b: a >= b)


@register
class Maximum(Binary):
    name, grad_fn, torch = "maximum", "MaximumBackward0", "torch.maximum({input}, {other})"
    doc = "Elementwise larger of two tensors (ties split the gradient in half, as PyTorch)."
    inputs = (T("input"), T("other"))
    samples = (S(((3, 4), (3, 4))), S(((3, 4), (4,))), S(((3, 4), (2, 4)), error="must match the size"))

    def forward(ctx, a, b):
        ctx.saved = (a, b)
        return ctx.xp.maximum(a, b)

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
