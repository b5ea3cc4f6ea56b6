"""The torch-shaped Python API, generated from the op registry.

`call(op, args, params)` is the one way to run an op, used by the generated
functions (`gs.mm`), the Tensor methods (`x.mm`), the operators and the graph
runner alike. Arguments are bound by PyTorch's names and order, taken from each
op's ports and params.
"""
from __future__ import annotations

import collections
from typing import Any, Callable

from . import dtypes
from . import ops  # noqa: F401  (fills the registry the functions are made from)
from .dispatch import apply, binary, binary_path, default_plan, unary, unary_path
from .registry import PARAM_TYPES, REGISTRY, Op
from .tensor import Tensor



def fast_path(op: type[Op]) -> Callable | None:
    """unary/binary for ops with one or two plain inputs and no params (or `fast_defaults`), else None."""
    if op.params and not op.fast_defaults or not op.differentiable or any(p.variadic or p.optional for p in op.inputs):
        return None
    if len(op.inputs) == 1 and not op.inputs[0].scalar_ok:
        return unary
    if len(op.inputs) == 2 and not op.inputs[0].scalar_ok:
        return binary
    return None


def short_path(op: type[Op]) -> Callable | None:
    """The op's own short path, `path(a)` or `path(a, b)` (what `x.exp()` and `x * y` are), for the ops
    `fast_path` takes; else None. Calling it skips `unary`/`binary`'s look-up of it."""
    fast = fast_path(op)
    return None if fast is None else unary_path(op) if fast is unary else binary_path(op)


_FAST: dict[type[Op], Callable | None] = {}


def call(op: type[Op], args: tuple, params: dict | None = None) -> Any:
    """Run `op` on inputs (in port order) with params (by name; missing ones take defaults)."""
    fast = _FAST.get(op, False)
    if fast is False:
        fast = _FAST[op] = fast_path(op)
    if fast is not None and not params:
        return fast(op, *args)
    full = op.defaults()
    if params:
        unknown = set(params) - set(full)
        if unknown:
            raise TypeError(f"{op.name}() got an unexpected keyword argument '{sorted(unknown)[0]}'")
        full.update(params)
    return apply(op, tuple(args), full)


def bind(op: type[Op], args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """Positional and keyword arguments → (inputs in port order, params) as PyTorch binds them."""
    ports, params = op.inputs, op.params
    if "axis" in kwargs or "keepdims" in kwargs:
        kwargs = _numpy_names(op, kwargs)
    if op.signature is not None and len(args) > 1:
        args, kwargs = _by_signature(op, args, kwargs)
    inputs: list[Any] = list(args[: len(ports)])
    rest = list(args[len(ports):])
    if rest and params and PARAM_TYPES[params[0].type].varargs \
            and not (len(rest) == 1 and isinstance(rest[0], (list, tuple))):
        rest = [tuple(rest)]  # x.view(3, 4) means x.view((3, 4))
    if len(rest) > len(params):
        raise TypeError(f"{op.name}() takes {len(ports) + len(params)} positional arguments but {len(args)} were given")
    bound = {p.name: v for p, v in zip(params, rest)}
    for p in ports[len(inputs):]:
        if p.name in kwargs:
            inputs.append(kwargs.pop(p.name))
        elif p.optional:
            inputs.append(None)
        else:
            raise TypeError(f'{op.name}() missing 1 required positional arguments: "{p.name}"')
    for k, v in kwargs.items():
        if k in bound:
            raise TypeError(f"{op.name}() got multiple values for argument '{k}'")
        bound[k] = v
    for p in params:
        if p.required and p.name not in bound:
            raise TypeError(f'{op.name}() missing 1 required positional arguments: "{p.name}"')
    return tuple(inputs), bound


def _by_signature(op: type[Op], args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """Positional arguments named by PyTorch's order (`op.signature`), so ports and params then bind by name."""
    if len(args) > len(op.signature):
        raise TypeError(f"{op.name}() takes {len(op.signature)} positional arguments but {len(args)} were given")
    named = dict(kwargs)
    for name, value in zip(op.signature, args):
        if name in named:
            raise TypeError(f"{op.name}() got multiple values for argument '{name}'")
        named[name] = value
    return (), named


_NUMPY_NAMES = {"axis": "dim", "keepdims": "keepdim"}


def _numpy_names(op: type[Op], kwargs: dict) -> dict:
    """NumPy's keywords where PyTorch takes them too: `axis=` for `dim=`, `keepdims=` for `keepdim=`."""
    names = {p.name for p in op.params}
    out = {}
    for k, v in kwargs.items():
        alias = _NUMPY_NAMES.get(k)
        if alias in names:
            if alias in kwargs:
                raise TypeError(f"{op.name}() got multiple values for argument '{alias}'")
            k = alias
        out[k] = v
    return out


def make_function(op: type[Op]) -> Callable:
    """`torch.<op>` and `Tensor.<op>` alike: a plain function, so that as a method it binds the tensor as
    its first argument with nothing in between (`x.relu()` is `relu(x)`)."""
    short = short_path(op)
    if short is not None and not op.params:  # the short path itself, its parameters named as PyTorch's
        fn = short
    else:
        other_op = REGISTRY.get(getattr(op, "other_op", ""))
        n_ports = -1 if any(p.required for p in op.params) else len(op.inputs)  # -1: always bind (and check)

        plan = None  # default_plan(op), looked up on the first call with every param at its default

        def fn(*args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
            nonlocal plan
            if not kwargs and len(args) == n_ports:  # every param at its default: x.sum(), x.mean()
                if short is not None:
                    return short(*args)
                if plan is None:
                    plan = default_plan(op)
                out = apply(op, args, op.defaults(), plan)
                return out if type(out) is not tuple else _named(op, op._defaults, out)
            if other_op is not None and any(isinstance(v, Tensor) for v in (*args[1:], *kwargs.values())):
                inputs, params = bind(other_op, args, kwargs)  # max(a, b), clamp(x, min=t)
                return call(other_op, inputs, params)
            inputs, params = bind(op, args, kwargs)
            return _named(op, params, call(op, inputs, params))
    fn.__name__ = fn.__qualname__ = op.name
    fn.__doc__ = op.doc
    return fn


_RETURN_TYPES: dict[tuple, type] = {}


def _named(op: type[Op], params: dict, out: Any) -> Any:
    """(values, indices) as PyTorch returns them: a named tuple, so `out.values` works."""
    if type(out) is not tuple:
        return out
    names = op.output_names(params)
    if len(names) != len(out) or not all(n.isidentifier() for n in names):
        return out
    cls = _RETURN_TYPES.get((op.name, names))
    if cls is None:
        cls = _RETURN_TYPES[(op.name, names)] = _return_type(op.name, names)
    return cls(*out)


def _return_type(name: str, fields: tuple) -> type:
    base = collections.namedtuple(name, fields)  # type: ignore[misc]

    def __repr__(self: Any) -> str:
        inner = ",\n".join(f"{f}={getattr(self, f)!r}" for f in fields)
        return f"torch.return_types.{name}(\n{inner})"

    return type(name, (base,), {"__slots__": (), "__repr__": __repr__})


FUNCTIONS: dict[str, Callable] = {}   # every op as a function (nn.functional picks from these)
TORCH_FUNCTIONS: dict[str, Callable] = {}  # those in the "torch" namespace (torch.mm, not torch.contiguous)


def operators() -> dict[str, Callable]:
    """Python operators on Tensor, each the registry op PyTorch maps it to."""
    op = REGISTRY
    add, sub, mul, div, pow_, matmul, neg = (op[n] for n in ("add", "sub", "mul", "div", "pow", "matmul", "neg"))
    fdiv, rem, and_, or_, xor, invert = (op[n] for n in ("floor_divide", "remainder", "bitwise_and", "bitwise_or",
                                                         "bitwise_xor", "bitwise_not"))

    def compare(o: type[Op]) -> Callable:
        def method(self: Tensor, other: Any) -> Any:
            if not isinstance(other, (Tensor, int, float)):
                return NotImplemented
            return apply(o, (self, other), {})
        return method

    add_, mul_ = binary_path(add), binary_path(mul)
    return {
        "__add__": add_, "__radd__": add_,
        "__sub__": binary_path(sub), "__rsub__": binary_path(op["rsub"]),
        "__mul__": mul_, "__rmul__": mul_,
        "__truediv__": binary_path(div), "__rtruediv__": _reflected_div(div, op["mul"], op["reciprocal"]),
        "__pow__": binary_path(pow_), "__rpow__": lambda a, b: binary(pow_, b, a),
        "__matmul__": binary_path(matmul), "__rmatmul__": lambda a, b: binary(matmul, b, a),
        "__floordiv__": binary_path(fdiv), "__rfloordiv__": lambda a, b: binary(fdiv, b, a),
        "__mod__": binary_path(rem), "__rmod__": lambda a, b: binary(rem, b, a),
        "__and__": binary_path(and_), "__rand__": binary_path(and_),
        "__or__": binary_path(or_), "__ror__": binary_path(or_),
        "__xor__": binary_path(xor), "__rxor__": binary_path(xor),
        "__invert__": unary_path(invert),
        "__neg__": unary_path(neg), "__pos__": lambda a: a,
        "__abs__": unary_path(op["abs"]),
        "__eq__": compare(op["eq"]), "__ne__": compare(op["ne"]), "__lt__": compare(op["lt"]),
        "__le__": compare(op["le"]), "__gt__": compare(op["gt"]), "__ge__": compare(op["ge"]),
    }


def _reflected_div(div: type[Op], mul: type[Op], reciprocal: type[Op]) -> Callable:
    """`number / x` as PyTorch computes and records it: `reciprocal(x) * number` (MulBackward0)."""
    def rtruediv(a: Tensor, b: Any) -> Any:
        if isinstance(b, (int, float)):
            return binary(mul, unary(reciprocal, a), b)
        return binary(div, b, a)
    return rtruediv


def _make_functions() -> None:
    for name, op in REGISTRY.items():
        if op.kind != "op":
            continue
        fn = make_function(op)
        FUNCTIONS[name] = fn
        if "torch" in op.namespaces:
            TORCH_FUNCTIONS[name] = fn


def to_copy(t: Tensor, be: Any, dt: dtypes.dtype) -> Tensor:
    return call(REGISTRY["to"], (t,), {"device": str(be.device), "dtype": dt.name})


_make_functions()
