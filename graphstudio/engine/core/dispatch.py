"""Calling an op: unwrap tensors, cast as PyTorch would, run forward, record the graph.

`unary` and `binary` are the short paths that operators and most functions take;
`apply` is the general one (variadic inputs, params, several outputs). Nothing
here validates shapes: when the array library rejects an input, the op's own
shape inference is asked why, so the user reads PyTorch's message, at no cost
to calls that succeed.
"""
from __future__ import annotations

from typing import Any

from . import dtypes, recording
from .grad_graph import grad_mode, note_saved
from .registry import Op, ShapeError, Spec, node_class
from .tensor import Tensor, wrap

NO_EDGE = (None, 0)
_Number = (int, float, bool)


def _edge(t: Tensor) -> tuple:
    if not t.requires_grad:
        return NO_EDGE
    return t._edge or t._leaf_edge()


def _device_mismatch(a: Tensor, b: Tensor) -> RuntimeError:
    return RuntimeError(
        "Expected all tensors to be on the same device, but found at least two devices, "
        f"{a._be.device} and {b._be.device}!"
    )


def _explain(op: type[Op], args: tuple, params: dict, error: Exception) -> Exception:
    """Turn a failure inside the array library into the op's own message when inference has one."""
    try:
        op.infer(*[spec_of(a) for a in args], **params)
    except ShapeError as e:
        return torch_error(e)
    except Exception:
        pass
    return error


def torch_error(e: ShapeError) -> Exception:
    """The exception PyTorch raises for what inference found (its type: see ShapeError.raise_as)."""
    msg = str(e)
    if e.raise_as is not None:
        cls = e.raise_as
    elif isinstance(e, IndexError):
        cls = IndexError
    elif msg.startswith('"') and '" not implemented for ' in msg:  # no kernel for this dtype
        cls = NotImplementedError
    else:
        cls = RuntimeError
    return cls(msg)


def spec_of(x: Any) -> Any:
    if isinstance(x, Tensor):
        return Spec(tuple(x.array.shape), x.dtype)
    if isinstance(x, (list, tuple)):
        return [spec_of(v) for v in x]
    return x


def records(op: type[Op], name: str | None, out_dtype: Any, be: Any, input_needs_grad: bool) -> bool:
    """Whether an op call joins the autograd graph, as PyTorch decides: an input requiring grad, grad
    mode on, an op with a grad_fn, and a floating-point result (whole numbers carry no gradient).

    The one rule for every entry point (`unary`, `binary`, `apply`)."""
    return (input_needs_grad and grad_mode.enabled and name is not None and op.differentiable
            and out_dtype in be.floats)


def _float_array(t: Tensor) -> Any:
    return t._be.xp.astype(t.array, t._be.to_dtype[dtypes.DEFAULT_FLOAT])


def unary(op: type[Op], a: Tensor) -> Tensor:
    be = a._be
    x = a.array
    if op.cast == "float" and not dtypes_of(be, x).is_floating_point:
        x = _float_array(a)
    ctx = op.node_cls()
    ctx.xp, ctx.saved = be.xp, ()  # forward replaces `saved` with what its backward needs
    try:
        out = op.forward(ctx, x)
    except (ValueError, TypeError, IndexError) as e:
        raise _explain(op, (a,), {}, e) from None
    if out is a.array and op.returns_input:
        return a
    if records(op, op.grad_fn, out.dtype, be, a.requires_grad):
        ctx.next_functions = (a._edge or a._leaf_edge(),)
        ctx.needs = (True,)
        if ctx.saved:
            note_saved(ctx)
        ctx.shape = out.shape
        ctx.dtype = out.dtype
        result = wrap(out, be, (ctx, 0))
    else:
        result = wrap(out, be, None)
    if recording.observer is not None:
        recording.observer.op(op, (a,), {}, result)
    return result


def _heard(op: type[Op], args: tuple, params: dict, result: Any) -> Any:
    """`result`, told to the recording listener when one is on (see recording)."""
    if recording.observer is not None:
        recording.observer.op(op, args, params, result)
    return result


def dtypes_of(be: Any, arr: Any) -> dtypes.dtype:
    return be.from_dtype[arr.dtype]


def binary(op: type[Op], a: Any, b: Any) -> Tensor:
    """`a op b` where at least one side is a Tensor and the other may be a Python number."""
    number_input = not isinstance(a, Tensor)
    if number_input:
        a = _as_operand(a, b)
    if not op.bool_operands and _any_bool((a, b)):
        raise _explain(op, (a, b), {}, TypeError(f"{op.name} of a bool operand"))
    be = a._be
    x = a.array
    if isinstance(b, Tensor):
        if b._be is not be:
            raise _device_mismatch(a, b)
        y = b.array
        needs_b = b.requires_grad
        if x.dtype != y.dtype and op.cast:
            x, y = _promote_pair(a, b)
        if op.cast == "promote_float" and not be.from_dtype[x.dtype].is_floating_point:
            f = be.to_dtype[dtypes.DEFAULT_FLOAT]
            x, y = be.xp.astype(x, f), be.xp.astype(y, f)
        ctx = op.node_cls_number() if number_input and op.node_cls_number else op.node_cls_b()
    elif isinstance(b, _Number):
        y = b
        needs_b = False
        if op.cast:
            x, y = _with_scalar(op, be, x, b)
        ctx = op.node_cls()
    else:
        return NotImplemented
    ctx.xp, ctx.saved = be.xp, ()  # forward replaces `saved` with what its backward needs
    try:
        out = op.forward(ctx, x, y)
    except (ValueError, TypeError, IndexError) as e:
        raise _explain(op, (a, b), {}, e) from None
    needs_a = a.requires_grad
    if records(op, op.grad_fn, out.dtype, be, needs_a or needs_b):
        edge_a = (a._edge or a._leaf_edge()) if needs_a else NO_EDGE
        if not op.derivative or number_input and op.node_cls_number:  # edges to the inputs requiring grad
            ctx.next_functions = ((edge_a, _edge(b)) if needs_a and needs_b else (edge_a,) if needs_a else (_edge(b),))
            ctx.needs = (needs_a, needs_b)
        elif op.number_edge or isinstance(b, Tensor):
            ctx.next_functions = (edge_a, (b._edge or b._leaf_edge()) if needs_b else NO_EDGE)
            ctx.needs = (needs_a, needs_b)
        else:  # PyTorch's overload for a Python number has one input
            ctx.next_functions = (edge_a,)
            ctx.needs = (needs_a, False)
        if ctx.saved:
            note_saved(ctx)
        ctx.shape = out.shape
        ctx.dtype = out.dtype
        result = wrap(out, be, (ctx, 0))
    else:
        result = wrap(out, be, None)
    if recording.observer is not None:
        recording.observer.op(op, (a, b), {}, result)
    return result


def _with_scalar(op: type[Op], be: Any, x: Any, value: Any) -> tuple[Any, Any]:
    """Cast so `tensor op number` has PyTorch's result type (`int_tensor * 2.5` is float32)."""
    t = be.from_dtype[x.dtype]
    if t.category == 2 and value.__class__ is not bool:
        return x, value  # a float tensor keeps its dtype with a Python number (NumPy's NEP 50 agrees)
    want = dtypes.scalar_result(t, value)
    if op.cast == "promote_float" and not want.is_floating_point:
        want = dtypes.DEFAULT_FLOAT
    if want is not t:
        x = be.xp.astype(x, be.to_dtype[want])
    if want.is_floating_point:
        value = float(value)
    elif isinstance(value, bool) and want is not dtypes.bool_:
        value = int(value)
    return x, value


def _any_bool(args: tuple) -> bool:
    """Whether a tensor or Python-number argument is a bool (see Op.bool_operands)."""
    return any(a.__class__ is bool or isinstance(a, Tensor) and a.dtype is dtypes.bool_ for a in args)


def _as_operand(value: Any, like: Tensor) -> Tensor:
    """A Python number on the left of an op (`2 - x`): a 0-dim tensor of the type PyTorch would use."""
    be = like._be
    dt = dtypes.scalar_result(be.from_dtype[like.array.dtype], value)
    return wrap(be.xp.asarray(value, dtype=be.to_dtype[dt]), be, None)


def _promote_pair(a: Tensor, b: Tensor) -> tuple[Any, Any]:
    be = a._be
    x, y = a.array, b.array
    want = dtypes.promote_with_dims(be.from_dtype[x.dtype], x.ndim, be.from_dtype[y.dtype], y.ndim)
    target = be.to_dtype[want]
    if x.dtype != target:
        x = be.xp.astype(x, target)
    if y.dtype != target:
        y = be.xp.astype(y, target)
    return x, y


def apply(op: type[Op], args: tuple, params: dict, plan: tuple | None = None) -> Any:
    """The general path: any number of inputs (tensors, numbers, lists of tensors, None) and params.

    `plan`: (grad_fn name, output count, node class) when the caller already knows them
    (every param at its default: `default_plan`).
    """
    tensors = [a for a in args if isinstance(a, Tensor)]
    if len(tensors) != len(args):
        tensors = [t for a in args for t in (a if isinstance(a, (list, tuple)) else (a,)) if isinstance(t, Tensor)]
    if not tensors:
        raise _explain(op, args, params, TypeError(f"{op.name}() expected at least one Tensor argument"))
    be = tensors[0]._be
    for t in tensors:
        if t._be is not be:
            raise _device_mismatch(tensors[0], t)
    if not op.bool_operands and _any_bool(args):
        raise _explain(op, args, params, TypeError(f"{op.name} of a bool operand"))
    arrays = _cast_args(op, be, args, tensors)
    if plan is None:
        name = op.grad_fn_name(params)
        if op.grad_fn_tensor and isinstance(args[1], Tensor):
            name = op.grad_fn_tensor
        n_out = len(op.output_names(params))
        node = node_class(name or "NoneBackward", op, n_out)
    else:
        name, n_out, node = plan
    ctx = node()
    ctx.xp, ctx.saved = be.xp, ()  # forward replaces `saved` with what its backward needs
    try:
        out = op.forward(ctx, *arrays, **params)
    except (ValueError, TypeError, IndexError) as e:
        raise _explain(op, args, params, e) from None
    if op.returns_input and out is args[0].array:
        return args[0]
    be = op.output_device(params) or be
    if n_out == 1 and not isinstance(out, (list, tuple)):
        if records(op, name, out.dtype, be, any(t.requires_grad for t in tensors)):
            _link(ctx, op, args)
            ctx.shape, ctx.dtype = out.shape, out.dtype
            return _heard(op, args, params, wrap(out, be, (ctx, 0)))
        return _heard(op, args, params, wrap(out, be, None))
    out = tuple(out)
    multi = node_class(type(ctx).__name__, op, len(out), multi=True)
    if type(ctx) is not multi:  # the count may depend on the input's size (split); same slots, so re-class
        ctx.__class__ = multi
    floating = [o for o in out if be.from_dtype[o.dtype].is_floating_point]
    if not (floating and records(op, name, floating[0].dtype, be, any(t.requires_grad for t in tensors))):
        return _heard(op, args, params, tuple(wrap(o, be, None) for o in out))
    _link(ctx, op, args)
    ctx.shape = tuple(o.shape for o in out)
    ctx.dtype = tuple(o.dtype for o in out)
    return _heard(op, args, params, tuple(wrap(o, be, (ctx, i) if be.from_dtype[o.dtype].is_floating_point else None)
                                          for i, o in enumerate(out)))


def default_plan(op: type[Op]) -> tuple:
    """What apply works out from params, for an op called with all its defaults (cached per op)."""
    plan = op.__dict__.get("_default_plan")
    if plan is None:
        params = op.defaults()
        name = op.grad_fn_name(params)
        n_out = len(op.output_names(params))
        plan = (name, n_out, node_class(name or "NoneBackward", op, n_out))
        op._default_plan = plan
    return plan


def _link(ctx: Any, op: type[Op], args: tuple) -> None:
    edges, needs = [], []
    ports = op.inputs
    for i, a in enumerate(args):
        for t in a if isinstance(a, (list, tuple)) else (a,):
            if i < len(ports) and not ports[i].differentiable:
                needs.append(False)
            elif isinstance(t, Tensor):
                edges.append(_edge(t))
                needs.append(t.requires_grad)
            else:
                if op.number_edge or not isinstance(t, _Number):  # see Op.number_edge
                    edges.append(NO_EDGE)
                needs.append(False)
    ctx.needs = tuple(needs)
    if not op.derivative:  # PyTorch's NotImplemented node: edges to the inputs that require grad only
        edges = [e for e, n in zip(edges, needs) if n]
    ctx.next_functions = tuple(edges)
    if ctx.saved:
        note_saved(ctx)


def _cast_args(op: type[Op], be: Any, args: tuple, tensors: list[Tensor]) -> list:
    """Arrays for the forward, cast to a common dtype when the op asks for it."""
    if op.cast is None:
        return [a.array if isinstance(a, Tensor) else [v.array if isinstance(v, Tensor) else v for v in a]
                if isinstance(a, (list, tuple)) else a for a in args]
    target = None
    if op.cast in ("promote", "promote_float"):
        want = None
        for t in tensors:
            d = be.from_dtype[t.array.dtype]
            want = d if want is None else dtypes.promote_with_dims(want, 1, d, t.array.ndim or 1)
        for a in args:
            if isinstance(a, _Number) and want is not None:
                want = dtypes.scalar_result(want, a)
        if op.cast == "promote_float" and not want.is_floating_point:
            want = dtypes.DEFAULT_FLOAT
        target = be.to_dtype[want]

    def conv(a: Any) -> Any:
        if isinstance(a, Tensor):
            arr = a.array
            if target is not None and arr.dtype != target:
                return be.xp.astype(arr, target)
            if op.cast == "float" and not be.from_dtype[arr.dtype].is_floating_point:
                return be.xp.astype(arr, be.to_dtype[dtypes.DEFAULT_FLOAT])
            return arr
        if isinstance(a, (list, tuple)):
            return [conv(v) for v in a]
        return a

    return [conv(a) for a in args]
