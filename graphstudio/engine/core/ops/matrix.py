"""Matrix products: mm, bmm, matmul and linear.

Backward of C = A @ B is dA = G @ Bᵀ and dB = Aᵀ @ G, computed only for the
inputs that need it (in a training step the data matrix never does).
"""
from __future__ import annotations

import math

from .. import dtypes
from ..registry import Op, Port, Sample, ShapeError, Spec, node_class, register
from . import _infer

T, S = Port, Sample


def _mT(xp, a):
    return xp.matrix_transpose(a)


def _dims(a: Spec, b: Spec, op: str) -> None:
    """Refuse operands of two dtypes in the words of the kernel PyTorch routes `op` to."""
    if a.dtype is b.dtype:
        return
    ta, tb = a.dtype.scalar_type, b.dtype.scalar_type
    if op == "dot" or op == "matmul" and a.ndim == b.ndim == 1:
        raise ShapeError(f"dot : expected both vectors to have same dtype, but found {ta} and {tb}")
    if op == "mv" or op == "matmul" and b.ndim == 1:
        raise ShapeError(f"addmv input tensors must have the same dtype, but got {tb}, {ta}, and {tb}")
    if op == "bmm" or b.ndim >= 3:
        raise ShapeError(f"expected scalar type {ta} but found {tb}")
    raise ShapeError(f"expected m1 and m2 to have the same dtype, but got: {a.dtype.c_type} != "
                     f"{b.dtype.c_type}")


def _no_bool_kernel(a: Spec, kernel: str, empty: bool) -> None:
    """PyTorch has no matrix-product kernel for bools; it never reaches one for an empty product (but dot)."""
    if a.dtype is dtypes.bool_ and not empty:
        raise ShapeError(f'"{kernel}" not implemented for \'Bool\'')


def _bool_product(xp, out, k: int, dot: bool = False) -> None:
    """Forward's side of `_no_bool_kernel`: raise, so that inference words PyTorch's refusal."""
    if out.dtype == xp.bool and (dot or k and math.prod(out.shape)):
        raise TypeError("no matrix-product kernel for bool")


def _matmul_kernel(an: int, bn: int) -> str:
    """The kernel PyTorch routes `matmul` to, by the operands' dims."""
    if an == bn == 1:
        return "dot"
    if bn == 1 or an == 1 and bn >= 3:
        return "addmv_impl_cpu"
    return "bmm" if bn >= 3 else "addmm_impl_cpu_"


@register
class Mm(Op):
    name, grad_fn, torch = "mm", "MmBackward0", "torch.mm({input}, {mat2})"
    double_backward = (0, 1)
    category = "Matrix"
    doc = "Matrix product of two 2-D tensors: [n, k] @ [k, m] → [n, m]."
    inputs = (T("input", "2-D"), T("mat2", "2-D"))
    samples = (S(((3, 4), (4, 5))), S(((1, 1), (1, 7))),
               S(((3, 4), (5, 2)), error="cannot be multiplied (3x4 and 5x2)"),
               S(((3,), (3, 2)), error="must be a matrix"))

    def infer(a, b):
        a, b = _infer.need_tensor(a, "input"), _infer.need_tensor(b, "mat2")
        for s, name in ((a, "self"), (b, "mat2")):
            if s.ndim != 2:
                raise ShapeError(f"{name} must be a matrix")
        if a.shape[1] != b.shape[0]:
            raise ShapeError(
                f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]})"
            )
        _dims(a, b, "mm")
        _no_bool_kernel(a, "addmm_impl_cpu_", not a.shape[0] * a.shape[1] * b.shape[1])
        return Spec((a.shape[0], b.shape[1]), a.dtype)

    def forward(ctx, a, b):
        if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0] or a.dtype != b.dtype:
            raise ValueError("mm shapes")
        ctx.saved = (a, b)
        out = a @ b
        _bool_product(ctx.xp, out, a.shape[1])
        return out

    vjp_formula = ("∂L/∂A = G · Bᵀ", "∂L/∂B = Aᵀ · G")

    def backward(ctx, g):
        a, b = ctx.saved
        return (g @ b.T if ctx.needs[0] else None), (a.T @ g if ctx.needs[1] else None)


@register
class Bmm(Op):
    name, grad_fn, torch = "bmm", "BmmBackward0", "torch.bmm({input}, {mat2})"
    double_backward = (0, 1)
    category = "Matrix"
    doc = "Batched matrix product of 3-D tensors: [b, n, k] @ [b, k, m] → [b, n, m]."
    inputs = (T("input", "3-D"), T("mat2", "3-D"))
    samples = (S(((2, 3, 4), (2, 4, 5))),
               S(((2, 3, 4), (2, 5, 2)), error="Expected size for first two dimensions of batch2"),
               S(((2, 3, 4), (3, 4, 2)), error="batch1 and batch2"))

    def infer(a, b):
        a, b = _infer.need_tensor(a, "input"), _infer.need_tensor(b, "mat2")
        if a.ndim != 3 or b.ndim != 3:
            raise ShapeError(f"batch{1 if a.ndim != 3 else 2} must be a 3D tensor")
        if a.shape[0] != b.shape[0]:
            raise ShapeError(f"batch1 and batch2 must have same number of batches, got {a.shape[0]} and {b.shape[0]}")
        if a.shape[2] != b.shape[1]:
            raise ShapeError(f"Expected size for first two dimensions of batch2 tensor to be: [{a.shape[0]}, {a.shape[2]}] "
                             f"but got: [{b.shape[0]}, {b.shape[1]}].")
        _no_bool_kernel(a, "bmm", not math.prod(a.shape) * b.shape[2])  # before the dtypes, as PyTorch
        _dims(a, b, "bmm")
        return Spec((a.shape[0], a.shape[1], b.shape[2]), a.dtype)

    def forward(ctx, a, b):
        if a.ndim != 3 or b.ndim != 3 or a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1] or a.dtype != b.dtype:
            raise ValueError("bmm shapes or dtypes")
        ctx.saved = (a, b)
        out = a @ b
        _bool_product(ctx.xp, out, a.shape[2])
        return out

    vjp_formula = ("∂L/∂A = G · Bᵀ", "∂L/∂B = Aᵀ · G")

    def backward(ctx, g):
        a, b = ctx.saved
        xp = ctx.xp
        return (g @ _mT(xp, b) if ctx.needs[0] else None), (_mT(xp, a) @ g if ctx.needs[1] else None)


_MATMUL_NAMES = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4", (2, 2): "MmBackward0"}


@register
class Matmul(Op):
    name, grad_fn, torch = "matmul", "MmBackward0", "torch.matmul({input}, {other})"
    double_backward = (0, 1)
    category = "Matrix"
    doc = "General matrix product: vectors, matrices, and batches with broadcast batch dims."
    inputs = (T("input"), T("other"))
    samples = (S(((3, 4), (4, 5))), S(((4,), (4,))), S(((3, 4), (4,))), S(((4,), (4, 2))),
               S(((2, 3, 4), (4, 5))), S(((2, 1, 3, 4), (5, 4, 2))),
               S(((3, 4), (5, 2)), error="cannot be multiplied"))

    def infer(a, b):
        a, b = _infer.need_tensor(a, "input"), _infer.need_tensor(b, "other")
        if a.ndim == 0 or b.ndim == 0:
            raise ShapeError("both arguments to matmul need to be at least 1D, but they are "
                             f"{a.ndim}D and {b.ndim}D")
        sa = (1,) + a.shape if a.ndim == 1 else a.shape
        sb = b.shape + (1,) if b.ndim == 1 else b.shape
        if a.ndim == 1 and b.ndim == 1:
            _dims(a, b, "matmul")
        if sa[-1] != sb[-2]:
            if a.ndim == 1 and b.ndim >= 3 and (not math.prod(b.shape) or b.shape[-2] == 1):
                rows = math.prod(b.shape[:-2]) * b.shape[-1]  # PyTorch folds the batch of other.mT into an mv
                raise ShapeError(f"size mismatch, got input ({rows}), mat ({rows}x{b.shape[-2]}), vec ({a.shape[0]})")
            if b.ndim >= 3:  # PyTorch runs it as a bmm over the broadcast batch
                n = math.prod(_infer.broadcast(sa[:-2], sb[:-2]))
                raise ShapeError(f"Expected size for first two dimensions of batch2 tensor to be: [{n}, {sa[-1]}] "
                                 f"but got: [{n}, {sb[-2]}].")
            if b.ndim <= 2 and a.ndim >= 3:  # ... and folds the batch into the rows of an mm
                sa = (math.prod(sa[:-1]), sa[-1])
            if b.ndim == 1 and a.ndim >= 2:  # ... or of an mv
                raise ShapeError(f"size mismatch, got input ({sa[0]}), mat ({sa[0]}x{sa[1]}), vec ({b.shape[0]})")
            if a.ndim == 1 and b.ndim == 1:
                raise ShapeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] "
                                 "to have the same number of elements, but got "
                                 f"{a.shape[0]} and {b.shape[0]} elements respectively")
            raise ShapeError(f"mat1 and mat2 shapes cannot be multiplied ({'x'.join(map(str, sa[-2:]))} and "
                             f"{'x'.join(map(str, sb[-2:]))})")
        batch = _infer.broadcast(sa[:-2], sb[:-2])
        out = batch + (sa[-2], sb[-1])
        if a.ndim == 1:
            out = out[:-2] + out[-1:]
        if b.ndim == 1:
            out = out[:-1]
        kernel = _matmul_kernel(a.ndim, b.ndim)
        empty = kernel != "dot" and not math.prod(out) * sa[-1]
        if kernel == "bmm":  # bmm looks at the dtype of its first operand before it compares them
            _no_bool_kernel(a, kernel, empty)
            if empty:  # nothing to compute: other's dtype, the two never compared
                return Spec(out, b.dtype)
        _dims(a, b, "matmul")
        _no_bool_kernel(a, kernel, empty)
        return Spec(out, a.dtype)

    def forward(ctx, a, b):
        if a.dtype != b.dtype:
            if _matmul_kernel(a.ndim, b.ndim) != "bmm" or a.size and b.size:
                raise TypeError("matmul dtypes")
            a = ctx.xp.astype(a, b.dtype)  # an empty bmm: other's dtype, as `Matmul.infer`
        name = _MATMUL_NAMES.get((a.ndim, b.ndim), "UnsafeViewBackward0")
        if name != "MmBackward0":
            ctx.__class__ = node_class(name, Matmul)
        ctx.saved = (a, b)
        out = ctx.xp.matmul(a, b)
        _bool_product(ctx.xp, out, a.shape[-1], dot=a.ndim == b.ndim == 1)
        return out

    vjp_formula = ("∂L/∂A = G · Bᵀ", "∂L/∂B = Aᵀ · G")
    grad_broadcast = 2

    def backward(ctx, g):
        a, b = ctx.saved
        xp = ctx.xp
        # Work with the 2-D (batched) forms; a vector operand is a 1-row or 1-column matrix.
        a2 = xp.reshape(a, (1, a.shape[0])) if a.ndim == 1 else a
        b2 = xp.reshape(b, (b.shape[0], 1)) if b.ndim == 1 else b
        batch = tuple(xp.broadcast_arrays(a2[..., :1, :1], b2[..., :1, :1])[0].shape[:-2])
        g2 = xp.reshape(g, batch + (a2.shape[-2], b2.shape[-1]))
        ga = gb = None
        if ctx.needs[0]:
            ga = g2 @ _mT(xp, b2)
            if a.ndim == 1:
                ga = xp.reshape(xp.sum(xp.reshape(ga, (-1, a.shape[0])), axis=0), a.shape)
        if ctx.needs[1]:
            gb = _mT(xp, a2) @ g2
            if b.ndim == 1:
                gb = xp.reshape(xp.sum(xp.reshape(gb, (-1, b.shape[0])), axis=0), b.shape)
        return ga, gb


@register
class Dot(Op):
    name, grad_fn, torch = "dot", "DotBackward0", "torch.dot({input}, {tensor})"
    double_backward = (0, 1)
    category = "Matrix"
    doc = "Dot product of two 1-D tensors of the same length: the sum of their elementwise products."
    inputs = (T("input", "1-D"), T("tensor", "1-D"))
    samples = (S(((4,), (4,))), S(((1,), (1,))), S(([1, 2, 3], [4, 5, 6])),
               S(((3, 4), (3, 4)), error="1D tensors expected, but got 2D and 2D tensors"),
               S(((3,), (4,)), error="inconsistent tensor size, expected tensor [3] and src [4] to have the same "
                                     "number of elements, but got 3 and 4 elements respectively"),
               S(((3,), (3,)), dtypes=(None, "int64"),
                 error="dot : expected both vectors to have same dtype, but found Double and Long"))

    def infer(a, b):
        a, b = _infer.need_tensor(a, "input"), _infer.need_tensor(b, "tensor")
        if a.ndim != 1 or b.ndim != 1:
            raise ShapeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
        _dims(a, b, "dot")
        if a.shape != b.shape:
            raise ShapeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to have "
                             f"the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements respectively")
        _no_bool_kernel(a, "dot", False)
        return Spec((), a.dtype)

    def forward(ctx, a, b):
        if a.ndim != 1 or b.ndim != 1 or a.shape != b.shape or a.dtype != b.dtype:
            raise ValueError("dot shapes")
        ctx.saved = (a, b)
        _bool_product(ctx.xp, a, 0, dot=True)
        return ctx.xp.sum(a * b, dtype=a.dtype)  # NumPy would sum int32 as int64

    vjp_formula = ("∂L/∂a = G · b", "∂L/∂b = G · a")

    def backward(ctx, g):
        a, b = ctx.saved
        return (g * b if ctx.needs[0] else None), (g * a if ctx.needs[1] else None)


@register
class Outer(Op):
    name, grad_fn, torch = "outer", "MulBackward0", "torch.outer({input}, {vec2})"
    double_backward = (0, 1)
    category = "Matrix"
    doc = "Outer product of two 1-D tensors: out[i, j] = input[i] * vec2[j], shape [n, m]."
    inputs = (T("input", "1-D [n]"), T("vec2", "1-D [m]"))
    cast = "promote"
    samples = (S(((3,), (4,))), S(((1,), (5,))), S(([1, 2], [3.0, 0.5, -1.0])),
               S(((3, 4), (4,)), error="outer: Expected 1-D argument self, but got 2-D"),
               S(((3,), (2, 2)), error="outer: Expected 1-D argument vec2, but got 2-D"))

    def infer(a, b):
        a, b = _infer.need_tensor(a, "input"), _infer.need_tensor(b, "vec2")
        for s, name in ((a, "self"), (b, "vec2")):
            if s.ndim != 1:
                raise ShapeError(f"outer: Expected 1-D argument {name}, but got {s.ndim}-D")
        return Spec((a.shape[0], b.shape[0]), _infer.result_dtype(a, b))

    def forward(ctx, a, b):
        if a.ndim != 1 or b.ndim != 1:
            raise ValueError("outer of non-vectors")
        ctx.saved = (a, b)
        return a[:, None] * b[None, :]

    vjp_formula = ("∂L/∂a = G · b", "∂L/∂b = Gᵀ · a")

    def backward(ctx, g):
        a, b = ctx.saved
        xp = ctx.xp
        ga = xp.sum(g * b[None, :], axis=1) if ctx.needs[0] else None
        gb = xp.sum(g * a[:, None], axis=0) if ctx.needs[1] else None
        return ga, gb


@register
class Mv(Op):
    name, grad_fn, torch = "mv", "MvBackward0", "torch.mv({input}, {vec})"
    double_backward = (0, 1)
    category = "Matrix"
    doc = "Matrix-vector product: [n, m] @ [m] → [n]."
    inputs = (T("input", "2-D [n, m]"), T("vec", "1-D [m]"))
    samples = (S(((3, 4), (4,))), S(((1, 1), (1,))),
               S(((3, 4), (3,)), error="size mismatch, got input (3), mat (3x4), vec (3)"),
               S(((3,), (3,)), error="vector + matrix @ vector expected, got 1, 1, 1"))

    def infer(a, v):
        a, v = _infer.need_tensor(a, "input"), _infer.need_tensor(v, "vec")
        if a.ndim == 0:  # PyTorch sizes the result by the matrix's first dim before it checks
            raise ShapeError("Dimension specified as 0 but tensor has no dimensions", raise_as=IndexError)
        if a.ndim != 2 or v.ndim != 1:
            raise ShapeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
        if a.shape[1] != v.shape[0]:
            raise ShapeError(f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), "
                             f"vec ({v.shape[0]})")
        _dims(a, v, "mv")
        _no_bool_kernel(a, "addmv_impl_cpu", not a.shape[0] * a.shape[1])
        return Spec((a.shape[0],), a.dtype)

    def forward(ctx, a, v):
        if a.ndim != 2 or v.ndim != 1 or a.shape[1] != v.shape[0] or a.dtype != v.dtype:
            raise ValueError("mv shapes")
        ctx.saved = (a, v)
        out = ctx.xp.matmul(a, v)
        _bool_product(ctx.xp, out, a.shape[1])
        return out

    vjp_formula = ("∂L/∂A = G ⊗ v (outer product)", "∂L/∂v = Aᵀ · G")

    def backward(ctx, g):
        a, v = ctx.saved
        ga = g[:, None] * v[None, :] if ctx.needs[0] else None
        gv = ctx.xp.matmul(g, a) if ctx.needs[1] else None
        return ga, gv


# PyTorch's grad_fn for linear, by (input dims, has bias): it decomposes into different kernels.
_LINEAR_NAMES = {(1, True): "ViewBackward0", (1, False): "SqueezeBackward4", (2, False): "MmBackward0",
                 (3, True): "ViewBackward0", (3, False): "UnsafeViewBackward0"}


@register
class Linear(Op):
    name, grad_fn, torch = "linear", "AddmmBackward0", "torch.nn.functional.linear({input}, {weight}, {bias})"
    double_backward = (0, 1)
    category = "Matrix"
    doc = "A fully connected layer: input @ weightᵀ + bias, weight [out, in], bias [out]."
    inputs = (T("input", "[..., in]"), T("weight", "[out, in]"), T("bias", "[out]", optional=True))
    method = False
    samples = (S(((4, 3), (5, 3), (5,))), S(((4, 3), (5, 3), None)), S(((2, 4, 3), (5, 3), (5,))),
               S(((3,), (5, 3), (5,))),
               S(((4, 3), (5, 2), (5,)), error="cannot be multiplied (4x3 and 2x5)"))

    def infer(x, w, b=None):
        x, w = _infer.need_tensor(x, "input"), _infer.need_tensor(w, "weight")
        if x.dtype is not w.dtype:
            raise ShapeError(f"mat1 and mat2 must have the same dtype, but got {x.dtype.scalar_type} and "
                             f"{w.dtype.scalar_type}")
        if w.ndim != 2:
            raise ShapeError(f"linear: weight must be 2-D [out, in], got {list(w.shape)}")
        if x.ndim == 0 or x.shape[-1] != w.shape[1]:
            lead = x.numel // x.shape[-1] if x.ndim and x.shape[-1] else 1
            raise ShapeError(f"mat1 and mat2 shapes cannot be multiplied ({lead}x{x.shape[-1] if x.ndim else 1} "
                             f"and {w.shape[1]}x{w.shape[0]})")
        out = Spec(x.shape[:-1] + (w.shape[0],), x.dtype)
        if b is not None:
            b = _infer.need_tensor(b, "bias")
            _infer.broadcast(out.shape, b.shape)
        return out

    def forward(ctx, x, w, b=None):
        if x.shape[-1] != w.shape[1] or x.dtype != w.dtype:
            raise ValueError("linear shapes or dtypes")
        ctx.saved = (x, w)
        if b is None or x.ndim != 2:
            ctx.__class__ = node_class(_LINEAR_NAMES[(min(x.ndim, 3), b is not None)], Linear)
        out = x @ w.T
        if b is not None:
            out += b
        return out

    vjp_formula = ("∂L/∂x = G · W", "∂L/∂W = Gᵀ · x", "∂L/∂b = Σ G over all dims but the last")

    def backward(ctx, g):
        x, w = ctx.saved
        xp = ctx.xp
        needs = ctx.needs
        gx = g @ w if needs[0] else None
        gw = gb = None
        if needs[1]:
            x2 = xp.reshape(x, (-1, x.shape[-1])) if x.ndim != 2 else x
            g2 = xp.reshape(g, (-1, g.shape[-1])) if g.ndim != 2 else g
            gw = g2.T @ x2
        if len(needs) > 2 and needs[2]:
            gb = xp.sum(g, axis=tuple(range(g.ndim - 1))) if g.ndim > 1 else g
        return gx, gw, gb
