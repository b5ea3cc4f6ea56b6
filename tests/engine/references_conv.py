"""NumPy references for ops/conv.py: loops over every output element, written from the definitions
(PyTorch's docs for Conv2d, MaxPool2d and AvgPool2d), independently of the engine's windows."""
from __future__ import annotations

import math

import numpy as np


def _two(v):
    return (v, v) if isinstance(v, int) else (v[0], v[-1])


def _conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    unbatched = x.ndim == 3
    x = x[None] if unbatched else x
    (sh, sw), (dh, dw) = _two(stride), _two(dilation)
    o, cg, kh, kw = w.shape
    if padding == "valid":
        padding = 0
    if padding == "same":
        th, tw = dh * (kh - 1), dw * (kw - 1)
        pads = ((th // 2, th - th // 2), (tw // 2, tw - tw // 2))
    else:
        ph, pw = _two(padding)
        pads = ((ph, ph), (pw, pw))
    xp = np.pad(x, ((0, 0), (0, 0)) + pads)
    n, _, hp, wp = xp.shape
    oh, ow = (hp - dh * (kh - 1) - 1) // sh + 1, (wp - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, o, oh, ow), dtype=np.result_type(x, w))
    per_group = o // groups
    for b_ in range(n):
        for oc in range(o):
            g = oc // per_group
            for i in range(oh):
                for j in range(ow):
                    acc = 0
                    for c in range(cg):
                        for u in range(kh):
                            for v in range(kw):
                                acc += xp[b_, g * cg + c, i * sh + u * dh, j * sw + v * dw] * w[oc, c, u, v]
                    out[b_, oc, i, j] = acc + (0 if b is None else b[oc])
    return out[0] if unbatched else out


def _out_size(n, k, s, p, d, ceil_mode):
    size = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (size - 1) * s >= n + p:
        size -= 1
    return size


def _pool(x, kernel_size, stride, padding, dilation, ceil_mode, reduce):
    """reduce(values, places, window_places) for each window: the input values in it, how many input
    places it covers, and how many places of the padded input it covers."""
    unbatched = x.ndim == 3
    x = x[None] if unbatched else x
    (kh, kw), (ph, pw), (dh, dw) = _two(kernel_size), _two(padding), _two(dilation)
    sh, sw = _two(stride if stride is not None else kernel_size)
    n, c, h, w = x.shape
    oh, ow = _out_size(h, kh, sh, ph, dh, ceil_mode), _out_size(w, kw, sw, pw, dw, ceil_mode)
    out = np.zeros((n, c, oh, ow), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            rows = [i * sh - ph + u * dh for u in range(kh)]
            cols = [j * sw - pw + v * dw for v in range(kw)]
            inside = [(r, q) for r in rows for q in cols if 0 <= r < h and 0 <= q < w]
            padded = [(r, q) for r in rows for q in cols if -ph <= r < h + ph and -pw <= q < w + pw]
            values = np.stack([x[:, :, r, q] for r, q in inside], axis=-1)
            out[:, :, i, j] = reduce(values, len(inside), len(padded))
    return out[0] if unbatched else out


def _max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return _pool(x, kernel_size, stride, padding, dilation, ceil_mode, lambda v, k, kp: v.max(axis=-1))


def _avg_pool2d(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                divisor_override=None):
    def mean(v, k, kp):
        d = divisor_override or (kp if count_include_pad else k)
        s = v.sum(axis=-1)
        if v.dtype.kind == "f":
            return s / d
        return np.array([math.trunc(t / d) for t in s.ravel()]).reshape(s.shape)
    return _pool(x, kernel_size, stride, padding, 1, ceil_mode, mean)


REFS = {"conv2d": _conv2d, "max_pool2d": _max_pool2d, "avg_pool2d": _avg_pool2d}
