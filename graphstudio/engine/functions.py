"""Torch-level functions and Tensor methods that are short compositions of registry ops (`hstack` is
`cat`, `tile` is `repeat`, `x.view_as(y)` is `view`), or an op with PyTorch's extra keywords (`add`'s
deprecated overload, `div`'s rounding_mode).

No op is defined here: every call goes through the registry (`op_functions.call`), so values, gradients
and grad_fn names come from the one definition of each op. The few functions whose output shape
depends on the values (`nonzero`, `unique`) record no graph node: PyTorch gives them no gradient
either. `core/binding.py` attaches `TORCH` and `METHODS` when `graphstudio.engine` loads.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

from .core import dtypes, op_functions
from .core.dispatch import binary
from .core.generator import default_generator
from .core.grad_graph import grad_mode, is_grad_enabled
from .core.ops.create import negative_std
from .core.registry import REGISTRY, node_class
from .core.tensor import Tensor, inplace_method, wrap

TORCH: dict[str, Callable] = {}    # torch.<name>
METHODS: dict[str, Callable] = {}  # Tensor.<name>


def _both(fn: Callable) -> Callable:
    TORCH[fn.__name__] = METHODS[fn.__name__] = fn
    return fn


def _torch(fn: Callable) -> Callable:
    TORCH[fn.__name__] = fn
    return fn


def _method(fn: Callable) -> Callable:
    METHODS[fn.__name__] = fn
    return fn


def _call(name: str, *inputs: Any, **params: Any) -> Any:
    return op_functions.call(REGISTRY[name], inputs, params)


def _renamed(t: Tensor, name: str, op: str) -> Tensor:
    """Give the result's grad_fn PyTorch's name where a variant of an op has its own (clamp_min)."""
    if t.grad_fn is not None:
        t.grad_fn.__class__ = node_class(name, REGISTRY[op])
    return t


# -- arithmetic with PyTorch's extra keywords ------------------------------------------------------
_add, _sub, _div = (op_functions.FUNCTIONS[n] for n in ("add", "sub", "div"))  # the registry's (fast) functions
_ADD, _SUB = REGISTRY["add"], REGISTRY["sub"]


def inplace(self: Tensor, name: str, other: Any, **params: Any) -> Tensor:
    """`self <name>= other`: written into self's memory, or rebound to the recorded result."""
    fn = op_functions.FUNCTIONS[name]
    if self._check_inplace() or isinstance(other, Tensor) and other.requires_grad and grad_mode.enabled:
        if self.requires_grad and self.is_leaf:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        return self._rebind(fn(self, other, **params))
    return self._store(fn(self, other, **params).array)  # PyTorch's result type, then cast back


def _deprecated_alpha(name: str, other: Any, rest: tuple, alpha: Any) -> tuple[Any, Any]:
    """(other, alpha), reading PyTorch's deprecated overload `add(input, alpha, other)` (a number, then
    the tensor) with its warning; any other third positional argument is refused as PyTorch does."""
    if not rest:
        return other, alpha
    if len(rest) > 1 or alpha != 1 or isinstance(other, Tensor) or not isinstance(rest[0], Tensor):
        raise TypeError(f"{name}() takes 2 positional arguments but {2 + len(rest)} were given")
    warnings.warn(f"This overload of {name} is deprecated:\n\t{name}(Tensor input, Number alpha, Tensor other, *, "
                  f"Tensor out = None)\nConsider using one of the following signatures instead:\n\t{name}(Tensor "
                  "input, Tensor other, *, Number alpha = 1, Tensor out = None)", UserWarning, stacklevel=3)
    return rest[0], other


@_both
def add(input: Any, other: Any, *rest: Any, alpha: Any = 1) -> Tensor:
    """input + alpha * other; also the deprecated `add(input, alpha, other)`."""
    if rest:
        other, alpha = _deprecated_alpha("add", other, rest, alpha)
    return binary(_ADD, input, other) if alpha == 1 else _add(input, other, alpha=alpha)


@_both
def sub(input: Any, other: Any, *rest: Any, alpha: Any = 1) -> Tensor:
    """input - alpha * other; also the deprecated `sub(input, alpha, other)`."""
    if rest:
        other, alpha = _deprecated_alpha("sub", other, rest, alpha)
    return binary(_SUB, input, other) if alpha == 1 else _sub(input, other, alpha=alpha)


@_method
def add_(self: Tensor, other: Any, *rest: Any, alpha: Any = 1) -> Tensor:
    other, alpha = _deprecated_alpha("add_", other, rest, alpha)
    return inplace(self, "add", other, alpha=alpha)


@_method
def sub_(self: Tensor, other: Any, *rest: Any, alpha: Any = 1) -> Tensor:
    other, alpha = _deprecated_alpha("sub_", other, rest, alpha)
    return inplace(self, "sub", other, alpha=alpha)


@_both
def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """True division; rounding_mode 'floor' rounds the quotient down, 'trunc' toward zero."""
    if rounding_mode is None:
        return _div(input, other)
    if rounding_mode == "floor":
        return _call("floor_divide", input, other)
    if rounding_mode == "trunc":
        whole = (isinstance(input, Tensor) and not input.dtype.is_floating_point and not isinstance(other, float)
                 and (not isinstance(other, Tensor) or not other.dtype.is_floating_point))
        if whole and input.dtype is dtypes.bool_:
            raise NotImplementedError('"div_trunc_cpu" not implemented for \'Bool\'')
        if whole:  # exact in integers, and raises on a zero divisor as PyTorch
            return _call("floor_divide", input - _call("fmod", input, other), other)
        q = _call("div", input, other)
        return _call("trunc", q) if q.dtype.is_floating_point else q
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")


TORCH["divide"] = METHODS["divide"] = div


@_both
def clamp_min(input: Tensor, min: Any) -> Tensor:
    return _renamed(_call("clamp", input, min=min), "ClampMinBackward0", "clamp")


@_both
def clamp_max(input: Tensor, max: Any) -> Tensor:
    return _renamed(_call("clamp", input, max=max), "ClampMaxBackward0", "clamp")


METHODS["clamp_min_"], METHODS["clamp_max_"] = inplace_method("clamp_min"), inplace_method("clamp_max")


# -- random fills in place ------------------------------------------------------------------------
@_method
def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Normal random numbers in place, from the engine's seeded generator (the in-place rules of any
    other op apply: `w.data.normal_(0, 0.01)` or under no_grad for a parameter)."""
    _float_only(self, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(negative_std(std))
    return self.copy_(default_generator.rng.standard_normal(tuple(self.shape)) * std + mean)


@_method
def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Uniform random numbers in [a, b) in place (see normal_)."""
    _float_only(self, "check_uniform_bounds")
    return self.copy_(default_generator.rng.uniform(a, b, size=tuple(self.shape)))


@_method
def bernoulli_(self: Tensor, p: Any = 0.5) -> Tensor:
    """1 with probability p (a number, or a tensor that broadcasts to self), else 0, in place (see normal_)."""
    shape = tuple(self.shape)
    if isinstance(p, Tensor):
        probs = p.expand(shape).host()
    elif not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    else:
        probs = p
    return self.copy_(default_generator.rng.random(shape) < probs)


def _float_only(t: Tensor, kernel: str) -> None:
    if not t.dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for {t.dtype.scalar_type!r}')


# -- shapes ------------------------------------------------------------------------------------
@_method
def view_as(self: Tensor, other: Tensor) -> Tensor:
    return _call("view", self, shape=tuple(other.shape))


@_method
def reshape_as(self: Tensor, other: Tensor) -> Tensor:
    return _call("reshape", self, shape=tuple(other.shape))


@_method
def expand_as(self: Tensor, other: Tensor) -> Tensor:
    return _call("expand", self, size=tuple(other.shape))


@_both
def broadcast_to(input: Tensor, size: Any) -> Tensor:
    return _call("expand", input, size=tuple(size))


@_torch
def broadcast_shapes(*shapes: Any) -> Any:
    """The shape that tensors of these shapes broadcast to (PyTorch's rules and message)."""
    from .core.ops._infer import broadcast
    from .core.registry import ShapeError
    from .core.tensor import Size

    out: tuple = ()
    try:
        for s in shapes:
            out = broadcast(out, tuple(s) if isinstance(s, (list, tuple)) else (s,))
    except ShapeError as e:
        raise RuntimeError(str(e)) from None
    return Size(out)


@_torch
def broadcast_tensors(*tensors: Tensor) -> tuple:
    """Each tensor expanded to the shape they broadcast to together (views, as `expand`); one that has
    that shape already is handed back itself, as PyTorch does."""
    shape = tuple(broadcast_shapes(*(t.shape for t in tensors)))
    return tuple(t if tuple(t.shape) == shape else _call("expand", t, size=shape) for t in tensors)


@_both
def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """Move dims to new positions, the others keeping their order (a permute)."""
    n = input.ndim
    src = [s % n for s in (source if isinstance(source, (list, tuple)) else [source])]
    dst = [d % n for d in (destination if isinstance(destination, (list, tuple)) else [destination])]
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} dims) should contain "
                           f"the same number of dims as destination ({list(dst)} dims)")
    rest = iter(d for d in range(n) if d not in src)
    placed = dict(zip(dst, src))
    return _call("permute", input, dims=tuple(placed[i] if i in placed else next(rest) for i in range(n)))


TORCH["moveaxis"] = METHODS["moveaxis"] = movedim


@_both
def tile(input: Tensor, dims: Any) -> Tensor:
    """`repeat` with dims padded with 1s in front to the tensor's dims."""
    dims = tuple(dims) if isinstance(dims, (list, tuple)) else (dims,)
    return _call("repeat", input, repeats=(1,) * (input.ndim - len(dims)) + dims)


def _atleast(t: Tensor, n: int) -> Tensor:
    while t.ndim < n:
        t = _call("unsqueeze", t, dim=0)
    return t


@_torch
def atleast_1d(input: Tensor) -> Tensor:
    return _atleast(input, 1)


@_torch
def atleast_2d(input: Tensor) -> Tensor:
    return _atleast(input, 2)


@_torch
def hstack(tensors: Any) -> Tensor:
    """Join side by side: along dim 0 for 1-D tensors, else along dim 1."""
    tensors = [_atleast(t, 1) for t in tensors]
    return _call("cat", tensors, dim=0 if tensors[0].ndim == 1 else 1)


@_torch
def vstack(tensors: Any) -> Tensor:
    """Join one below the other: 1-D tensors become rows."""
    return _call("cat", [_atleast(t, 2) for t in tensors], dim=0)


TORCH["row_stack"] = vstack


@_torch
def column_stack(tensors: Any) -> Tensor:
    """Join as columns: 1-D (and 0-D) tensors become columns of one matrix."""
    cols = [_call("reshape", t, shape=(-1, 1)) if t.ndim <= 1 else t for t in tensors]
    return _call("cat", cols, dim=1)


# -- selections whose size depends on the values -------------------------------------------------
def _host_int64(t: Tensor, arr: Any) -> Tensor:
    be = t._be
    return wrap(be.xp.asarray(arr) if be.device.type != "cpu" else arr, be, None)


@_both
def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """The indices of the non-zero elements: one row per element ([n, ndim], int64), or one tensor per dim."""
    import numpy as np

    idx = [i.astype(np.int64) for i in np.nonzero(np.atleast_1d(input.host()))]
    if as_tuple:
        return tuple(_host_int64(input, i) for i in idx)
    rows = np.stack(idx, axis=1) if input.ndim else np.zeros((int(bool(input.item())), 0), dtype=np.int64)
    return _host_int64(input, rows)


@_both
def argwhere(input: Tensor) -> Tensor:
    return nonzero(input)


@_both
def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
           dim: int | None = None) -> Any:
    """The distinct values, sorted (with, if asked, where each element went and how many of each)."""
    import numpy as np

    values, inverse, counts = np.unique(input.host(), return_inverse=True, return_counts=True, axis=dim)
    out = [_host_int64(input, values)]
    if return_inverse:
        out.append(_host_int64(input, inverse.reshape(input.shape if dim is None else (-1,)).astype(np.int64)))
    if return_counts:
        out.append(_host_int64(input, counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


@_both
def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements where mask (broadcast to input) is True, as a 1-D tensor."""
    if mask.shape != input.shape:
        input, mask = broadcast_tensors(input, mask)
    return input[mask]


_where = op_functions.FUNCTIONS["where"]


@_torch
def where(condition: Tensor, input: Any = None, other: Any = None) -> Any:
    """where(condition, input, other) picks elementwise; where(condition) is nonzero(as_tuple=True)."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    return _where(condition, input, other)


def _where_method(self: Tensor, condition: Tensor, other: Any) -> Tensor:
    """`x.where(condition, y)`: x where condition is True, y elsewhere."""
    return _where(condition, self, other)


METHODS["where"] = _where_method


@_torch
def var_mean(input: Tensor, dim: Any = None, unbiased: Any = True, keepdim: bool = False, *,
             correction: Any = None) -> tuple:
    """(var, mean) over dim, in one call."""
    dim, unbiased = (None, dim) if isinstance(dim, bool) else (dim, unbiased)
    return (_call("var", input, dim=dim, unbiased=unbiased, keepdim=keepdim, correction=correction),
            _call("mean", input, dim=dim, keepdim=keepdim))


@_torch
def std_mean(input: Tensor, dim: Any = None, unbiased: Any = True, keepdim: bool = False, *,
             correction: Any = None) -> tuple:
    """(std, mean) over dim, in one call."""
    dim, unbiased = (None, dim) if isinstance(dim, bool) else (dim, unbiased)
    return (_call("std", input, dim=dim, unbiased=unbiased, keepdim=keepdim, correction=correction),
            _call("mean", input, dim=dim, keepdim=keepdim))


# -- numbers ---------------------------------------------------------------------------------------
@_torch
def is_floating_point(input: Tensor) -> bool:
    return input.is_floating_point()


@_torch
def is_nonzero(input: Tensor) -> bool:
    if input.numel() != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())


def with_out(name: str, fn: Callable) -> Callable:
    """`torch.<name>(…, out=t)`: the result written into t (resized when its shape differs), as
    PyTorch does for functions without autograd."""
    def function(*args: Any, out: Any = None, **kwargs: Any) -> Any:
        result = fn(*args, **kwargs)
        if out is None:
            return result
        if not isinstance(out, Tensor):
            raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
        if not isinstance(result, Tensor):
            raise NotImplementedError(f"{name}(): out= is not supported by GraphStudio's engine for several results")
        if (result.requires_grad or out.requires_grad) and is_grad_enabled():
            raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                               "but one of the arguments requires grad.")
        return out._store(result.array, resize=True)

    function.__name__, function.__doc__ = fn.__name__, fn.__doc__
    return function
