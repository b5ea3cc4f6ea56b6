"""Ops about the graph itself: detach cuts it, `to` moves a tensor between devices and dtypes."""
from __future__ import annotations

from .. import dtypes
from ..backend import get_backend
from ..registry import Op, Param, Port, Sample, Spec, register
from . import _infer


@register
class Detach(Op):
    name, grad_fn, torch = "detach", None, "{input}.detach()"
    category = "Autograd"
    doc = "The same values, cut from the graph: no gradient flows back through it."
    inputs = (Port("input"),)
    differentiable = False
    samples = (Sample(((3, 2),)),)

    def infer(a):
        return _infer.need_tensor(a, "input")

    def forward(ctx, a):
        return a


@register
class To(Op):
    name, grad_fn, torch = "to", "ToCopyBackward0", "{input}.to(device={device!r}, dtype=torch.{dtype})"
    category = "Autograd"
    doc = "A copy on another device (cpu, cuda) or with another dtype; the gradient flows back."
    inputs = (Port("input"),)
    params = (Param("device", "str", None, "cpu, cuda or cuda:N (none: stay)"),
              Param("dtype", "dtype", None, "element type (none: keep)", choices=("float32", "float64", "int64", "bool")))
    method = False
    returns_input = True
    samples = (Sample(((3, 2),), {"dtype": "float64"}), Sample(((3, 2),), {"device": "cpu"}),
               Sample(((3, 2),), {"dtype": "float32"}, gradcheck=False))  # float32 steps: too coarse

    @classmethod
    def output_device(cls, params):
        return get_backend(params["device"]) if params.get("device") else None

    @staticmethod
    def infer(a, device=None, dtype=None):
        a = _infer.need_tensor(a, "input")
        return Spec(a.shape, dtypes.from_name(dtype) if dtype else a.dtype)

    @staticmethod
    def forward(ctx, a, device=None, dtype=None):
        src = ctx.xp
        dst = get_backend(device) if device else None
        ctx.info = (src, a.dtype)
        if dst is not None and dst.xp is not src:
            host = _to_host(a)
            a = dst.xp.asarray(host)
            ctx.xp = dst.xp
        if dtype:
            be = dst or _backend_of(src)
            target = be.to_dtype[dtypes.from_name(dtype)]
            if a.dtype != target:
                a = be.xp.astype(a, target)
        return a  # the input array itself when nothing changes: PyTorch hands back the input tensor

    vjp_formula = ("∂L/∂x = G, cast back to x's dtype and device",)

    @staticmethod
    def backward(ctx, g):
        src, dt = ctx.info
        if ctx.xp is not src:
            g = src.asarray(_to_host(g))
        return (src.astype(g, dt),)


def _to_host(a):
    if hasattr(a, "get"):
        return a.get()
    import numpy as np
    return np.asarray(a._array) if hasattr(a, "_array") else a


def _backend_of(xp):
    for name in ("cpu", "strict"):
        be = get_backend(name)
        if be.xp is xp:
            return be
    return get_backend("cuda")
