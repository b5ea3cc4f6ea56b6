"""`torch.nn.functional`: the registry's activations, layers and losses as functions, and the few
PyTorch functions that are compositions of them (relu6, normalize, one_hot's class count)."""
from __future__ import annotations

import warnings
from typing import Any

from ..core.op_functions import FUNCTIONS, call
from ..core.registry import REGISTRY

NAMES = ("sigmoid", "tanh", "linear", "mse_loss", "l1_loss", "cross_entropy", "nll_loss",
         "binary_cross_entropy_with_logits", "binary_cross_entropy", "gelu", "softplus", "smooth_l1_loss",
         "huber_loss", "conv2d", "avg_pool2d")
INPLACE = ("relu", "leaky_relu", "elu", "silu", "hardtanh", "dropout")  # these also take inplace=True

globals().update({name: FUNCTIONS[name] for name in NAMES if name in FUNCTIONS})


def _with_inplace(name: str) -> Any:
    fn = FUNCTIONS[name]

    def f(input: Any, *args: Any, inplace: bool = False, **kwargs: Any) -> Any:
        if inplace:
            from ..core.tensor import run_inplace

            return run_inplace(input, fn, *args, **kwargs)
        return fn(input, *args, **kwargs)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = fn.__doc__
    return f


globals().update({name: _with_inplace(name) for name in INPLACE})

# PyTorch's arguments of each loss after (input, target), in its positional order.
LOSS_ARGUMENTS = {
    "mse_loss": ("size_average", "reduce", "reduction", "weight"),
    "l1_loss": ("size_average", "reduce", "reduction", "weight"),
    "cross_entropy": ("weight", "size_average", "ignore_index", "reduce", "reduction", "label_smoothing"),
    "nll_loss": ("weight", "size_average", "ignore_index", "reduce", "reduction"),
    "binary_cross_entropy": ("weight", "size_average", "reduce", "reduction"),
    "binary_cross_entropy_with_logits": ("weight", "size_average", "reduce", "reduction", "pos_weight"),
    "huber_loss": ("reduction", "delta", "weight"),
    "smooth_l1_loss": ("size_average", "reduce", "reduction", "beta"),
}


def legacy_reduction(size_average: bool | None, reduce: bool | None) -> str:
    """PyTorch's mapping of the old `size_average`/`reduce` flags to `reduction`, with its warning."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.",
                  UserWarning, stacklevel=4)
    return reduction


def loss_options(name: str, args: tuple, kwargs: dict, positional: tuple[str, ...] | None = None) -> dict:
    """A loss's arguments bound by PyTorch's names and order; the legacy flags become `reduction`, and a
    per-element weight (not supported) says so rather than being ignored."""
    positional = LOSS_ARGUMENTS[name] if positional is None else positional
    if len(args) > len(positional):
        raise TypeError(f"{name}() takes at most {len(positional)} optional positional arguments ({len(args)} given)")
    options = dict(zip(positional, args))
    for key, value in kwargs.items():
        if key in options:
            raise TypeError(f"{name}() got multiple values for argument '{key}'")
        options[key] = value
    size_average, reduce = options.pop("size_average", None), options.pop("reduce", None)
    if size_average is not None or reduce is not None:
        options["reduction"] = legacy_reduction(size_average, reduce)
    for key in ("weight", "pos_weight"):
        if options.pop(key, None) is not None:
            raise NotImplementedError(f"{name}({key}=...) is not supported by GraphStudio's engine")
    return options


def _loss(name: str) -> Any:
    fn = FUNCTIONS[name]

    def f(input: Any, target: Any, *args: Any, **kwargs: Any) -> Any:
        return fn(input, target, **loss_options(name, args, kwargs))

    f.__name__ = f.__qualname__ = name
    f.__doc__ = fn.__doc__
    return f


globals().update({name: _loss(name) for name in LOSS_ARGUMENTS})


def _implicit_dim(name: str, ndim: int) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an "
                  "argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Any, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Any:
    """softmax along dim (left out: PyTorch's old implicit choice, with its warning)."""
    if dim is None:
        dim = _implicit_dim("softmax", input.ndim)
    if dtype is not None:
        input = input.to(dtype)
    return call(REGISTRY["softmax"], (input,), {"dim": dim})


def log_softmax(input: Any, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Any:
    if dim is None:
        dim = _implicit_dim("log_softmax", input.ndim)
    if dtype is not None:
        input = input.to(dtype)
    return call(REGISTRY["log_softmax"], (input,), {"dim": dim})


def max_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """The largest value of each window (the registry's max_pool2d); the indices are not offered."""
    if return_indices:
        raise NotImplementedError("max_pool2d(..., return_indices=True) is not supported by GraphStudio's engine")
    return call(REGISTRY["max_pool2d"], (input,), {"kernel_size": kernel_size, "stride": stride, "padding": padding,
                                                  "dilation": dilation, "ceil_mode": ceil_mode})


def relu6(input: Any, inplace: bool = False) -> Any:
    """min(max(input, 0), 6): hardtanh between 0 and 6, as PyTorch computes it."""
    return hardtanh(input, 0.0, 6.0, inplace=inplace)  # noqa: F821 - installed above


def one_hot(tensor: Any, num_classes: int = -1) -> Any:
    """int64 one-hot rows; num_classes=-1 takes one more than the largest class index."""
    if num_classes == -1:
        from ..core.ops.shape import OneHot

        from ..core.dispatch import torch_error
        from ..core.registry import ShapeError

        try:
            OneHot.infer(_spec(tensor), num_classes=1)  # the dtype check, before max()
        except ShapeError as e:
            raise torch_error(e) from None
        num_classes = int(tensor.max().item()) + 1 if tensor.numel() else 0
    return call(REGISTRY["one_hot"], (tensor,), {"num_classes": num_classes})


def _spec(t: Any) -> Any:
    from ..core.dispatch import spec_of

    return spec_of(t)


def normalize(input: Any, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Any = None) -> Any:
    """input / max(‖input‖_p, eps) along dim."""
    norm = call(REGISTRY["norm"], (input,), {"p": p, "dim": dim, "keepdim": True})
    denom = call(REGISTRY["clamp"], (norm,), {"min": eps})
    return input / call(REGISTRY["expand"], (denom,), {"size": tuple(input.shape)})
