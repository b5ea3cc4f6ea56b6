"""Convolution and pooling over images: conv2d (Matrix), max_pool2d and avg_pool2d (Reduce).

All three look at the input through the same windows: for each kernel offset (i, j) a strided
slice of the padded input, [N, C, out_h, out_w]. Conv2d stacks those slices into columns and
multiplies them by the weight (im2col: one batched matmul per group); pooling reduces over them.
Backward adds each window's gradient back through the same slices (col2im), so only slicing,
stacking and matmul are used, all in the array API. A 3-D input is one unbatched image, as in
PyTorch.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from ..registry import Op, Param, Port, Sample, ShapeError, Spec, node_class, register
from . import _infer
from .reduce import is_float

T, S = Port, Sample

_TENSOR_TYPE = {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor", "int32": "torch.IntTensor",
                "int64": "torch.LongTensor", "bool": "torch.BoolTensor"}


class Geometry(NamedTuple):
    """Where the windows lie: kernel, stride and dilation per axis, padding (top, bottom, left, right),
    the input's spatial size and the output's."""

    kernel: tuple[int, int]
    stride: tuple[int, int]
    dilation: tuple[int, int]
    pads: tuple[int, int, int, int]
    size: tuple[int, int]
    out: tuple[int, int]


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _pair(value: Any, problem: str) -> tuple[int, int]:
    """An int or a list of one or two ints, as a pair (`problem`: PyTorch's message when it is neither)."""
    if isinstance(value, (list, tuple)):
        if len(value) == 1:
            value = (value[0], value[0])
        if len(value) != 2 or not all(_is_int(v) for v in value):
            raise ShapeError(problem)
        return int(value[0]), int(value[1])
    if not _is_int(value):
        raise ShapeError(problem)
    return int(value), int(value)


def _pad_windows(xp: Any, x: Any, pads: tuple, value: Any) -> Any:
    """`x` ([N, C, H, W]) inside a border of `value`."""
    if not any(pads):
        return x
    top, bottom, left, right = pads
    n, c, h, w = x.shape
    out = xp.full((n, c, h + top + bottom, w + left + right), value, dtype=x.dtype)
    out[:, :, top:top + h, left:left + w] = x
    return out


def _window_keys(geo: Geometry) -> list[tuple]:
    """For each kernel offset (row-major), the slice of the padded input under it at every output place."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = geo.kernel, geo.stride, geo.dilation, geo.out
    all_ = slice(None)
    return [(all_, all_, slice(i * dh, i * dh + (oh - 1) * sh + 1, sh), slice(j * dw, j * dw + (ow - 1) * sw + 1, sw))
            for i in range(kh) for j in range(kw)]


def _windows(xp: Any, x: Any, geo: Geometry, fill: Any = 0) -> Any:
    """[N, C, kh*kw, out_h, out_w]: the input under every kernel offset at every output place."""
    padded = _pad_windows(xp, x, geo.pads, fill)
    return xp.stack([padded[key] for key in _window_keys(geo)], axis=2)


def _unwindow(xp: Any, grads: Any, shape: tuple, geo: Geometry) -> Any:
    """The adjoint of `_windows`: add each offset's gradient ([N, C, kh*kw, oh, ow]) back where it was read."""
    top, bottom, left, right = geo.pads
    n, c, h, w = shape
    out = xp.zeros((n, c, h + top + bottom, w + left + right), dtype=grads.dtype)
    for k, key in enumerate(_window_keys(geo)):
        out[key] = out[key] + grads[:, :, k, ...]
    return out[:, :, top:top + h, left:left + w]


def _batched(xp: Any, x: Any) -> Any:
    return x if x.ndim == 4 else xp.expand_dims(x, axis=0)


# -- conv2d ------------------------------------------------------------------------------------------
def _conv_geometry(x: tuple, w: tuple, stride: Any, padding: Any, dilation: Any, groups: Any) -> Geometry:
    """Check a conv2d call (shapes only) in PyTorch's words and place its windows."""
    if len(x) not in (3, 4):
        raise ShapeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: {list(x)}")
    full = x if len(x) == 4 else (1,) + tuple(x)
    sh, sw = _pair(stride, "expected stride to be a single integer value or a list of 2 values to match the "
                           f"convolution dimensions, but got stride={stride}")
    if len(w) != 4:  # PyTorch reads the dims to convolve from the weight, then finds the stride too long
        raise ShapeError(f"expected stride to be a single integer value or a list of {len(w) - 2} values to match "
                         f"the convolution dimensions, but got stride={[sh, sw]}")
    dh, dw = _pair(dilation, "expected dilation to be a single integer value or a list of 2 values to match the "
                             f"convolution dimensions, but got dilation={dilation}")
    if not _is_int(groups) or groups <= 0:
        raise ShapeError("non-positive groups is not supported")
    if sh <= 0 or sw <= 0:
        raise ShapeError("non-positive stride is not supported")
    if dh <= 0 or dw <= 0:
        raise ShapeError(f"dilation should be greater than zero, but got {[dh, dw]}")
    kh, kw = w[2], w[3]
    reach = (dh * (kh - 1), dw * (kw - 1))
    if isinstance(padding, str):
        if padding == "valid":
            pads = (0, 0, 0, 0)
        elif padding == "same":
            if (sh, sw) != (1, 1):
                raise ShapeError("padding='same' is not supported for strided convolutions")
            pads = (reach[0] // 2, reach[0] - reach[0] // 2, reach[1] // 2, reach[1] - reach[1] // 2)
        else:
            raise ShapeError(f"Invalid padding string: '{padding}'")
    else:
        ph, pw = _pair(padding, "expected padding to be a single integer value or a list of 2 values to match the "
                                f"convolution dimensions, but got padding={padding}")
        if ph < 0 or pw < 0:
            raise ShapeError("negative padding is not supported")
        pads = (ph, ph, pw, pw)
    if w[0] % groups:
        raise ShapeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got "
                         f"weight of size [{list(w)}] instead")
    if full[1] != w[1] * groups:
        raise ShapeError(f"Given groups={groups}, weight of size {list(w)}, expected input{list(full)} to have "
                         f"{w[1] * groups} channels, but got {full[1]} channels instead")
    h, wd = full[2] + pads[0] + pads[1], full[3] + pads[2] + pads[3]
    if h < reach[0] + 1 or wd < reach[1] + 1:
        raise ShapeError(f"Calculated padded input size per channel: ({h} x {wd}). Kernel size: ({reach[0] + 1} x "
                         f"{reach[1] + 1}). Kernel size can't be greater than actual input size")
    out = ((h - reach[0] - 1) // sh + 1, (wd - reach[1] - 1) // sw + 1)
    return Geometry((kh, kw), (sh, sw), (dh, dw), pads, (full[2], full[3]), out)


@register
class Conv2d(Op):
    name, grad_fn = "conv2d", "ConvolutionBackward0"
    torch = ("torch.nn.functional.conv2d({input}, {weight}, {bias}, stride={stride}, padding={padding}, "
             "dilation={dilation}, groups={groups})")
    category = "Matrix"
    doc = ("2-D convolution: slide each of the out_channels kernels [in/groups, kh, kw] over the image "
           "[N, C, H, W] (or [C, H, W]), summing products; out [N, out_channels, out_h, out_w].")
    inputs = (T("input", "[N, C, H, W] or [C, H, W]"), T("weight", "[out_channels, C/groups, kh, kw]"),
              T("bias", "[out_channels]", optional=True))
    params = (Param("stride", "int_or_ints", 1, "step between windows: one number or [rows, columns]"),
              Param("padding", "padding", 0, "zeros added on each side: one number, [rows, columns], "
                                                 "or 'same' / 'valid'"),
              Param("dilation", "int_or_ints", 1, "spacing between kernel elements"),
              Param("groups", "int", 1, "split the channels into this many independent convolutions", min=1))
    method = False
    samples = (S(((2, 2, 5, 5), (3, 2, 3, 3), (3,))), S(((1, 2, 6, 5), (2, 2, 2, 3), None)),
               S(((2, 6, 6), (3, 2, 3, 3), (3,))),
               S(((2, 2, 6, 7), (2, 2, 3, 2), (2,)), {"stride": [2, 1], "padding": [1, 2]}),
               S(((1, 2, 7, 7), (2, 2, 3, 3), (2,)), {"dilation": 2, "padding": 1}),
               S(((1, 4, 5, 5), (4, 2, 3, 3), (4,)), {"groups": 2}),
               S(((1, 2, 5, 5), (2, 2, 2, 3), None), {"padding": "same"}),
               S(([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]], [[[[1, 0], [0, -1]]]], None), {"padding": "valid"}),
               S(((2, 3, 8, 8), (4, 2, 3, 3), None),
                 error="Given groups=1, weight of size [4, 2, 3, 3], expected input[2, 3, 8, 8] to have 2 channels, "
                       "but got 3 channels instead"),
               S(((8, 8), (4, 1, 3, 3), None),
                 error="Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [8, 8]"),
               S(((1, 3, 8, 8), (4, 3, 9, 9), None),
                 error="Calculated padded input size per channel: (8 x 8). Kernel size: (9 x 9). Kernel size can't be "
                       "greater than actual input size"),
               S(((1, 3, 8, 8), (4, 3, 3, 3), (3,)),
                 error="Given weight of size [4, 3, 3, 3], expected bias to be 1-dimensional with 4 elements, but got "
                       "bias of size [3] instead"),
               S(((1, 3, 8, 8), (4, 3, 3, 3), None), {"stride": 2, "padding": "same"},
                 error="padding='same' is not supported for strided convolutions"),
               S(((1, 3, 8, 8), (4, 3, 3, 3), None), {"stride": 0}, error="non-positive stride is not supported"),
               S(((1, 3, 8, 8), (4, 3, 3, 3), None), {"padding": -1}, error="negative padding is not supported"),
               S(((1, 3, 8, 8), (4, 1, 3, 3), None), {"groups": 3},
                 error="Given groups=3, expected weight to be divisible by 3 at dimension 0, but got weight of size "
                       "[[4, 1, 3, 3]] instead"),
               S(((1, 3, 8, 8), (4, 3, 3, 3), None), dtypes=(None, "float32"),
                 error="expected scalar type Double but found Float"),
               S(((1, 3, 8, 8), (4, 3, 3, 3), (4,)), dtypes=(None, None, "float32"),
                 error="Input type (double) and bias type (float) should be the same"),
               S(((1, 3, 8, 8), (4, 3, 3, 3), None), dtypes=("bool", "bool"),
                 error="\"slow_conv2d_cpu\" not implemented for 'Bool'"))

    def infer(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
        x, w = _infer.need_tensor(x, "input"), _infer.need_tensor(w, "weight")
        if x.dtype is not w.dtype:
            if x.dtype.name == "float32" and w.dtype.name == "float64":
                raise ShapeError(f"Input type ({_TENSOR_TYPE[x.dtype.name]}) and weight type "
                                 f"({_TENSOR_TYPE[w.dtype.name]}) should be the same or input should be a MKLDNN "
                                 "tensor and weight is a dense tensor")
            raise ShapeError(f"expected scalar type {x.dtype.scalar_type} but found {w.dtype.scalar_type}")
        geo = _conv_geometry(x.shape, w.shape, stride, padding, dilation, groups)
        if b is not None:
            b = _infer.need_tensor(b, "bias")
            if b.shape != (w.shape[0],):
                raise ShapeError(f"Given weight of size {list(w.shape)}, expected bias to be 1-dimensional with "
                                 f"{w.shape[0]} elements, but got bias of size {list(b.shape)} instead")
            if b.dtype is not x.dtype:
                raise ShapeError(f"Input type ({x.dtype.c_type}) and bias type ({b.dtype.c_type}) "
                                 "should be the same")
        if x.dtype.name == "bool":
            raise ShapeError("\"slow_conv2d_cpu\" not implemented for 'Bool'")
        return Spec(x.shape[:-3] + (w.shape[0],) + geo.out, x.dtype)

    def forward(ctx, x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
        xp = ctx.xp
        if x.dtype != w.dtype or b is not None and b.dtype != x.dtype or x.dtype == xp.bool:
            raise TypeError("conv2d dtypes")
        geo = _conv_geometry(tuple(x.shape), tuple(w.shape), stride, padding, dilation, groups)
        if b is not None and tuple(b.shape) != (w.shape[0],):
            raise ValueError("conv2d bias shape")
        xb = _batched(xp, x)
        n, (oh, ow), o = xb.shape[0], geo.out, w.shape[0]
        cols = _conv_columns(xp, xb, geo, groups)
        out = xp.reshape(xp.reshape(w, (groups, o // groups, -1)) @ cols, (n, o, oh, ow))
        if b is not None:
            out = out + xp.reshape(b, (1, o, 1, 1))
        ctx.saved = (x, w)
        ctx.info = (geo, groups)
        if x.ndim == 3:
            ctx.__class__ = node_class("SqueezeBackward1", Conv2d)
            out = out[0, ...]
        return out

    vjp_formula = ("∂L/∂x = conv_transpose2d(G, w)",
                   "∂L/∂w = G correlated with the patches of x",
                   "∂L/∂b = Σ G over batch, height and width")

    def backward(ctx, g):
        x, w = ctx.saved
        geo, groups = ctx.info
        xp = ctx.xp
        xb, g4 = _batched(xp, x), _batched(xp, g)
        n, o = xb.shape[0], w.shape[0]
        g_cols = xp.reshape(g4, (n, groups, o // groups, -1))
        needs = ctx.needs
        gx = gw = gb = None
        if needs[1]:
            cols = _conv_columns(xp, xb, geo, groups)
            gw = xp.reshape(xp.sum(g_cols @ xp.matrix_transpose(cols), axis=0), w.shape)
        if needs[0]:
            w_cols = xp.reshape(w, (groups, o // groups, -1))
            d_cols = xp.matrix_transpose(w_cols) @ g_cols
            kh, kw = geo.kernel
            d_cols = xp.reshape(d_cols, (n, xb.shape[1], kh * kw) + geo.out)
            gx = _unwindow(xp, d_cols, tuple(xb.shape), geo)
            if x.ndim == 3:
                gx = gx[0, ...]
        if len(needs) > 2 and needs[2]:
            gb = xp.sum(g4, axis=(0, 2, 3))
        return gx, gw, gb


def _conv_columns(xp: Any, x: Any, geo: Geometry, groups: int) -> Any:
    """im2col: [N, groups, C/groups * kh * kw, out_h * out_w], rows ordered as the weight's (c, i, j)."""
    win = _windows(xp, x, geo)
    return xp.reshape(win, (x.shape[0], groups, -1, geo.out[0] * geo.out[1]))


# -- pooling -----------------------------------------------------------------------------------------
def _pool_geometry(op: str, x: Spec | tuple, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                   ceil_mode: bool) -> Geometry:
    """Check a pooling call in PyTorch's words and place its windows (with ceil_mode's extra room)."""
    shape = tuple(x)
    kh, kw = _pair(kernel_size, f"{op}: kernel_size must either be a single int, or a tuple of two ints")
    if stride is None or isinstance(stride, (list, tuple)) and not stride:
        sh, sw = kh, kw
    else:
        sh, sw = _pair(stride, f"{op}: stride must either be omitted, a single int, or a tuple of two ints")
    ph, pw = _pair(padding, f"{op}: padding must either be a single int, or a tuple of two ints")
    dh, dw = _pair(dilation, f"{op}: dilation must be either a single int, or a tuple of two ints")
    if len(shape) not in (3, 4) or 0 in shape[-3:]:
        raise ShapeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    if sh == 0 or sw == 0:
        raise ShapeError("stride should not be zero")
    if kh <= 0 or kw <= 0:
        raise ShapeError(f"kernel size should be greater than zero, but got kH: {kh} kW: {kw}")
    if sh < 0 or sw < 0:
        raise ShapeError(f"stride should be greater than zero, but got dH: {sh} dW: {sw}")
    if dh <= 0 or dw <= 0:
        raise ShapeError(f"dilation should be greater than zero, but got dilationH: {dh} dilationW: {dw}")
    for p, k, d in ((ph, kh, dh), (pw, kw, dw)):
        if p < 0 or p > (d * (k - 1) + 1) // 2:
            raise ShapeError(f"pad should be at most half of effective kernel size, but got pad={p}, kernel_size={k} "
                             f"and dilation={d}")
    h, w = shape[-2:]
    oh = _pool_size(h, kh, sh, ph, dh, ceil_mode)
    ow = _pool_size(w, kw, sw, pw, dw, ceil_mode)
    if oh < 1 or ow < 1:
        c = shape[-3]
        raise ShapeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{oh}x{ow}). "
                         "Output size is too small")
    # ceil_mode's last window may reach past the padding: pad further on the bottom and right.
    extra_h = max(0, (oh - 1) * sh + dh * (kh - 1) + 1 - (h + 2 * ph))
    extra_w = max(0, (ow - 1) * sw + dw * (kw - 1) + 1 - (w + 2 * pw))
    return Geometry((kh, kw), (sh, sw), (dh, dw), (ph, ph + extra_h, pw, pw + extra_w), (h, w), (oh, ow))


def _pool_size(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's pooling_output_shape: a window that would start in the right padding is dropped."""
    span = n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)
    out = span // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def _pool_infer(op: str, x: Any, geo_args: tuple) -> Spec:
    x = _infer.need_tensor(x, "input")
    geo = _pool_geometry(op, x.shape, *geo_args)
    if x.dtype.name == "bool":
        raise ShapeError(f"\"{op}\" not implemented for 'Bool'")
    return Spec(x.shape[:-2] + geo.out, x.dtype)


_POOL_PARAMS = (Param("kernel_size", "int_or_ints", None, "window size: one number or [rows, columns]", required=True),
                Param("stride", "int_or_ints", None, "step between windows (default: the kernel size)"),
                Param("padding", "int_or_ints", 0, "border added on each side (at most half the kernel)"))
_CEIL = Param("ceil_mode", "bool", False, "round the output size up: a last, partial window is kept")


@register
class MaxPool2d(Op):
    name, grad_fn = "max_pool2d", "MaxPool2DWithIndicesBackward0"
    torch = ("torch.nn.functional.max_pool2d({input}, {kernel_size}, stride={stride}, padding={padding}, "
             "dilation={dilation}, ceil_mode={ceil_mode})")
    category = "Reduce"
    doc = ("The largest value in each kernel_size window of an image [N, C, H, W] (or [C, H, W]); the gradient "
           "goes to that element only.")
    inputs = (T("input", "[N, C, H, W] or [C, H, W]"),)
    params = _POOL_PARAMS + (Param("dilation", "int_or_ints", 1, "spacing between window elements"), _CEIL)
    method = function = False
    samples = (S(((2, 2, 4, 4),), {"kernel_size": 2}, distinct=True),
               S(((2, 5, 5),), {"kernel_size": 3, "stride": 2, "padding": 1}, distinct=True),
               S(((1, 2, 5, 6),), {"kernel_size": [2, 3], "stride": [1, 2]}, distinct=True),
               S(((1, 1, 7, 7),), {"kernel_size": 2, "dilation": 2}, distinct=True),
               S(((1, 2, 5, 5),), {"kernel_size": 2, "ceil_mode": True}, distinct=True),
               S(((1, 1, 6, 6),), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}, distinct=True),
               S(((1, 2, 4, 4),), {"kernel_size": 2}, dtypes=("int64",)),
               S(((2, 3, 8, 8),), {"kernel_size": 9},
                 error="Given input size: (3x8x8). Calculated output size: (3x0x0). Output size is too small"),
               S(((2, 3, 8, 8),), {"kernel_size": 3, "padding": 2},
                 error="pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and "
                       "dilation=1"),
               S(((8, 8),), {"kernel_size": 2}, error="non-empty 3D or 4D (batch mode) tensor expected for input"),
               S(((2, 3, 8, 8),), {"kernel_size": 2, "stride": 0}, error="stride should not be zero"),
               S(((2, 3, 8, 8),), {"kernel_size": [2, 3, 4]},
                 error="max_pool2d: kernel_size must either be a single int, or a tuple of two ints"),
               S(((2, 3, 8, 8),), {"kernel_size": 2}, dtypes=("bool",),
                 error="\"max_pool2d\" not implemented for 'Bool'"))

    def infer(x, kernel_size=None, stride=None, padding=0, dilation=1, ceil_mode=False):
        return _pool_infer("max_pool2d", x, (kernel_size, stride, padding, dilation, ceil_mode))

    def forward(ctx, x, kernel_size=None, stride=None, padding=0, dilation=1, ceil_mode=False):
        xp = ctx.xp
        if x.dtype == xp.bool:
            raise TypeError("max_pool2d of bools")
        geo = _pool_geometry("max_pool2d", x.shape, kernel_size, stride, padding, dilation, ceil_mode)
        lowest = -float("inf") if is_float(xp, x.dtype) else xp.iinfo(x.dtype).min
        win = _windows(xp, _batched(xp, x), geo, lowest)
        out = xp.max(win, axis=2)
        ctx.saved = (x, xp.argmax(win, axis=2))
        ctx.info = geo
        return out if x.ndim == 4 else out[0, ...]

    vjp_formula = ("∂L/∂x = G routed to each window's max, 0 elsewhere",)

    def backward(ctx, g):
        x, where = ctx.saved
        xp = ctx.xp
        g = _batched(xp, g)
        kh, kw = ctx.info.kernel
        grads = xp.stack([g * xp.astype(where == k, g.dtype) for k in range(kh * kw)], axis=2)
        gx = _unwindow(xp, grads, tuple(_batched(xp, x).shape), ctx.info)
        return (gx if x.ndim == 4 else gx[0, ...]),


@register
class AvgPool2d(Op):
    name, grad_fn = "avg_pool2d", "AvgPool2DBackward0"
    torch = ("torch.nn.functional.avg_pool2d({input}, {kernel_size}, stride={stride}, padding={padding}, "
             "ceil_mode={ceil_mode}, count_include_pad={count_include_pad}, divisor_override={divisor_override})")
    category = "Reduce"
    doc = ("The mean of each kernel_size window of an image [N, C, H, W] (or [C, H, W]); whole-number inputs "
           "give the mean rounded toward zero.")
    inputs = (T("input", "[N, C, H, W] or [C, H, W]"),)
    params = _POOL_PARAMS + (
        _CEIL, Param("count_include_pad", "bool", True, "the padding zeros count in each window's mean"),
        Param("divisor_override", "number_or_none", None, "divide every window's sum by this instead"))
    method = function = False
    samples = (S(((2, 2, 4, 4),), {"kernel_size": 2}), S(((2, 5, 5),), {"kernel_size": 3, "stride": 2, "padding": 1}),
               S(((1, 2, 5, 6),), {"kernel_size": [2, 3], "stride": [1, 2]}),
               S(((1, 2, 5, 5),), {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False}),
               S(((1, 2, 6, 6),), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
               S(((1, 2, 6, 6),), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                                   "count_include_pad": False}),
               S(((1, 2, 4, 4),), {"kernel_size": 2, "divisor_override": 3}),
               S(([[[-5, 0, 7, 2], [0, 0, 1, 1]]],), {"kernel_size": 2}),
               S(((2, 3, 8, 8),), {"kernel_size": 9},
                 error="Given input size: (3x8x8). Calculated output size: (3x0x0). Output size is too small"),
               S(((2, 3, 8, 8),), {"kernel_size": 3, "padding": 2},
                 error="pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and "
                       "dilation=1"),
               S(((2, 3, 8, 8),), {"kernel_size": 2, "divisor_override": 0}, error="divisor must be not zero"),
               S(((2, 3, 8, 8),), {"kernel_size": 2}, dtypes=("bool",),
                 error="\"avg_pool2d\" not implemented for 'Bool'"))

    def infer(x, kernel_size=None, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
              divisor_override=None):
        if divisor_override is not None and not divisor_override:
            raise ShapeError("divisor must be not zero")
        return _pool_infer("avg_pool2d", x, (kernel_size, stride, padding, 1, ceil_mode))

    def forward(ctx, x, kernel_size=None, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                divisor_override=None):
        xp = ctx.xp
        if x.dtype == xp.bool or divisor_override is not None and not divisor_override:
            raise TypeError("avg_pool2d of bools, or by zero")
        geo = _pool_geometry("avg_pool2d", x.shape, kernel_size, stride, padding, 1, ceil_mode)
        total = xp.sum(_windows(xp, _batched(xp, x), geo), axis=2)
        divisor = _divisors(xp, geo, count_include_pad, divisor_override, total.dtype)
        ctx.info = (geo, divisor, x.ndim)
        if not is_float(xp, x.dtype):  # PyTorch's integer kernels divide in C++: toward zero
            out = xp.sign(total) * (xp.abs(total) // divisor)
        else:
            out = total / divisor
        return out if x.ndim == 4 else out[0, ...]

    vjp_formula = ("∂L/∂x = G / (window size), spread over each window",)

    def backward(ctx, g):
        geo, divisor, ndim = ctx.info
        xp = ctx.xp
        g = _batched(xp, g) / divisor
        kh, kw = geo.kernel
        grads = xp.stack([g] * (kh * kw), axis=2)
        gx = _unwindow(xp, grads, tuple(g.shape[:2]) + geo.size, geo)
        return (gx if ndim == 4 else gx[0, ...]),


def _divisors(xp: Any, geo: Geometry, count_include_pad: bool, divisor_override: Any, dtype: Any) -> Any:
    """What each window's sum is divided by ([1, 1, out_h, out_w]): the override, or how many of its places
    hold the input (and the padding, with count_include_pad; never ceil_mode's extra room)."""
    if divisor_override is not None:
        return xp.full((1, 1) + geo.out, divisor_override, dtype=dtype)
    h, w = geo.size
    top, _, left, _ = geo.pads
    if count_include_pad:
        ones = xp.ones((1, 1, h + 2 * top, w + 2 * left), dtype=dtype)
        inner = Geometry(geo.kernel, geo.stride, geo.dilation, (0, geo.pads[1] - top, 0, geo.pads[3] - left),
                         (h + 2 * top, w + 2 * left), geo.out)
        return xp.sum(_windows(xp, ones, inner), axis=2)
    return xp.sum(_windows(xp, xp.ones((1, 1, h, w), dtype=dtype), geo), axis=2)
