"""`torch.nn.functional`: the registry's ops that PyTorch has there (each op's `namespaces` says so), with
PyTorch's `inplace=True` and a loss's legacy arguments where the op declares them, and the few PyTorch
functions that are compositions of them (relu6, normalize, one_hot's class count)."""
from __future__ import annotations

import warnings
from typing import Any

from ..core.op_functions import FUNCTIONS, call
from ..core.registry import REGISTRY, Op


def _with_inplace(name: str) -> Any:
    """The op's function with PyTorch's `inplace=True` (the op declares `inplace` "F")."""
    fn = FUNCTIONS[name]

    def f(input: Any, *args: Any, inplace: bool = False, **kwargs: Any) -> Any:
        if inplace:
            from ..core.tensor import run_inplace

            return run_inplace(input, fn, *args, **kwargs)
        return fn(input, *args, **kwargs)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = fn.__doc__
    return f


def loss_arguments(name: str) -> tuple[str, ...]:
    """PyTorch's arguments of a loss after (input, target), in its positional order (the op's signature)."""
    op = REGISTRY[name]
    return op.signature[len(op.inputs):]


def _takes_legacy_arguments(op: type[Op]) -> bool:
    """Whether the op's signature names arguments it has no port or param for (a loss's size_average)."""
    own = {p.name for p in op.inputs} | {p.name for p in op.params}
    return op.signature is not None and not own.issuperset(op.signature)


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
    positional = loss_arguments(name) if positional is None else positional
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


def _functional(op: type[Op]) -> Any:
    if _takes_legacy_arguments(op):
        return _loss(op.name)
    if "F" in op.inplace:
        return _with_inplace(op.name)
    return FUNCTIONS[op.name]


globals().update({op.name: _functional(op) for op in REGISTRY.values() if "F" in op.namespaces})


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
