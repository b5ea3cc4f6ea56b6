"""Calling an op: unwrap tensors, cast as PyTorch would, run forward, record the graph.

`unary` and `binary` are the short paths that operators and most functions take;
`apply` is the general one (variadic inputs, params, several outputs). Nothing
here validates shapes: when the array library rejects an input, the op's own
shape inference is asked why, so the user reads PyTorch's message, at no cost
to calls that succeed.
"""
from __future__ import annotations

from typing import Any, Callable

from . import dtypes, recording
from .grad_graph import grad_mode, note_saved
from .registry import Op, ShapeError, Spec, node_class
from .tensor import NO_GRAD_VIEW, Tensor, base_array, wrap

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

    The one rule for every entry point: `apply` asks it per call; the short paths (`unary_path`,
    `binary_path`) decide its op part once and test the rest inline, in this order."""
    return (input_needs_grad and grad_mode.enabled and name is not None and op.differentiable
            and out_dtype in be.floats)


def _unrecorded(op: type[Op], out: Any, be: Any, inputs: Any) -> Tensor:
    """A result autograd does not record. Under no_grad, a view of an input that requires grad keeps
    requires_grad, as PyTorch's views do (a leaf whose gradients go nowhere: NO_GRAD_VIEW); `detach` never."""
    if not grad_mode.enabled and op.differentiable:
        base = base_array(out)
        for t in inputs:
            if t.__class__ is Tensor and t.requires_grad and base_array(t.array) is base:
                return wrap(out, be, NO_GRAD_VIEW)
    return wrap(out, be, None)


def _float_array(t: Tensor) -> Any:
    return t._be.xp.astype(t.array, t._be.to_dtype[dtypes.DEFAULT_FLOAT])


def unary(op: type[Op], a: Tensor) -> Tensor:
    """`op(a)` on the short path (see `unary_path`)."""
    path = _UNARY.get(op)
    if path is None:
        path = unary_path(op)
    return path(a)


_UNARY: dict[type[Op], Callable] = {}
_BINARY: dict[type[Op], Callable] = {}


def unary_path(op: type[Op]) -> Callable[[Tensor], Tensor]:
    """The short path of a one-input op with no params, made once per op: what it reads of the op
    (forward, node class, cast, whether it records) is looked up here rather than on every call."""
    path = _UNARY.get(op)
    if path is not None:
        return path
    forward, node_cls, to_float = op.forward, op.node_cls, op.cast == "float"
    recordable = op.grad_fn is not None and op.differentiable  # with `records`' per-call conditions
    returns_input = op.returns_input

    def path(input: Tensor) -> Tensor:
        a = input
        be = a._be
        x = a.array
        if to_float and not be.from_dtype[x.dtype].is_floating_point:
            x = _float_array(a)
        ctx = node_cls()
        ctx.xp, ctx.saved = be.xp, ()  # forward replaces `saved` with what its backward needs
        try:
            out = forward(ctx, x)
        except (ValueError, TypeError, IndexError) as e:
            raise _explain(op, (a,), {}, e) from None
        if returns_input and out is a.array:
            return a
        if recordable and a.requires_grad and grad_mode.enabled and (dt := out.dtype) in be.floats:
            ctx.next_functions = (a._edge or a._leaf_edge(),)
            ctx.needs = _NEEDS_ONE
            if ctx.saved:
                note_saved(ctx)
            ctx.shape = out.shape
            ctx.dtype = dt
            result = wrap(out, be, (ctx, 0))
        else:
            result = _unrecorded(op, out, be, (a,))
        if recording.observer is not None:
            recording.observer.op(op, (a,), {}, result)
        return result

    _UNARY[op] = path = _own_code(path)
    return path


def _own_code(path: Callable) -> Callable:
    """`path` with a code object of its own. CPython keeps what it learns about the types an instruction
    meets (which class a node is, where its slots are) in the code object: shared by every op's path, it
    would see their node classes in turn and keep relearning (a 1,000-op chain of * and +: ~0.09 µs an op)."""
    path.__code__ = path.__code__.replace()
    return path


# `ctx.needs` of the short paths, shared rather than made per call (indexed by requires_grad: False, True)
_NEEDS_ONE = (True,)
_NEEDS_TWO = (((False, False), (False, True)), ((True, False), (True, True)))


def _heard(op: type[Op], args: tuple, params: dict, result: Any) -> Any:
    """`result`, told to the recording listener when one is on (see recording)."""
    if recording.observer is not None:
        recording.observer.op(op, args, params, result)
    return result


def dtypes_of(be: Any, arr: Any) -> dtypes.dtype:
    return be.from_dtype[arr.dtype]


def binary(op: type[Op], a: Any, b: Any) -> Tensor:
    """`a op b` on the short path (see `binary_path`)."""
    path = _BINARY.get(op)
    if path is None:
        path = binary_path(op)
    return path(a, b)


def binary_path(op: type[Op]) -> Callable[[Any, Any], Tensor]:
    """The short path of a two-input op with no params (`a op b`, at least one side a Tensor and the
    other maybe a Python number), made once per op: what it reads of the op is looked up here rather
    than on every call. `records` states the rule it follows."""
    path = _BINARY.get(op)
    if path is not None:
        return path
    forward, cast = op.forward, op.cast
    node_scalar, node_tensor, node_number = op.node_cls, op.node_cls_b, op.node_cls_number
    refuse_bool = not op.bool_operands
    recordable = op.grad_fn is not None and op.differentiable
    # which inputs get an edge: those requiring grad (no derivative, or a number on the left with its own
    # node), both (a number on the right keeps one: NO_EDGE), or the tensor only (PyTorch's number overload)
    edges_needed_only = not op.derivative
    number_edge = op.number_edge

    def path(input: Any, other: Any) -> Tensor:
        a, b = input, other
        number_input = not isinstance(a, Tensor)
        if number_input:
            a = _as_operand(a, b)
        if refuse_bool and _any_bool((a, b)):
            raise _explain(op, (a, b), {}, TypeError(f"{op.name} of a bool operand"))
        be = a._be
        x = a.array
        b_tensor = isinstance(b, Tensor)
        if b_tensor:
            if b._be is not be:
                raise _device_mismatch(a, b)
            y = b.array
            needs_b = b.requires_grad
            if cast and x.dtype is not y.dtype and x.dtype != y.dtype:
                x, y = _promote_pair(a, b)
            ctx = node_number() if number_input and node_number else node_tensor()
        elif isinstance(b, _Number):
            y = b
            needs_b = False
            if cast:
                x, y = _with_scalar(be, x, b)
            ctx = node_scalar()
        else:
            return NotImplemented
        ctx.xp, ctx.saved = be.xp, ()  # forward replaces `saved` with what its backward needs
        try:
            out = forward(ctx, x, y)
        except (ValueError, TypeError, IndexError) as e:
            raise _explain(op, (a, b), {}, e) from None
        needs_a = a.requires_grad
        if recordable and (needs_a or needs_b) and grad_mode.enabled and (dt := out.dtype) in be.floats:
            edge_a = (a._edge or a._leaf_edge()) if needs_a else NO_EDGE
            if edges_needed_only or number_input and node_number:
                ctx.next_functions = ((edge_a, _edge(b)) if needs_a and needs_b else (edge_a,) if needs_a
                                      else (_edge(b),))
                ctx.needs = _NEEDS_TWO[needs_a][needs_b]
            elif number_edge or b_tensor:
                ctx.next_functions = (edge_a, (b._edge or b._leaf_edge()) if needs_b else NO_EDGE)
                ctx.needs = _NEEDS_TWO[needs_a][needs_b]
            else:
                ctx.next_functions = (edge_a,)
                ctx.needs = _NEEDS_TWO[needs_a][False]
            if ctx.saved:
                note_saved(ctx)
            ctx.shape = out.shape
            ctx.dtype = dt
            result = wrap(out, be, (ctx, 0))
        else:
            result = _unrecorded(op, out, be, (a, b))
        if recording.observer is not None:
            recording.observer.op(op, (a, b), {}, result)
        return result

    _BINARY[op] = path = _own_code(path)
    return path


def _with_scalar(be: Any, x: Any, value: Any) -> tuple[Any, Any]:
    """Cast so `tensor op number` has PyTorch's result type (`int_tensor * 2.5` is float32)."""
    t = be.from_dtype[x.dtype]
    if t.category == 2 and value.__class__ is not bool:
        return x, value  # a float tensor keeps its dtype with a Python number (NumPy's NEP 50 agrees)
    want = dtypes.scalar_result(t, value)
    if want is not t:
        x = be.xp.astype(x, be.to_dtype[want])
    if want.is_floating_point:
        value = float(value)
    elif isinstance(value, bool) and want is not dtypes.bool_:
        value = int(value)
    return x, value


def _any_bool(args: tuple) -> bool:
    """Whether a tensor or Python-number argument is a bool (see Op.bool_operands). A loop: every `x - y`
    asks, and any() over a generator costs more than the test itself."""
    for a in args:
        if a.__class__ is bool or isinstance(a, Tensor) and a.dtype is dtypes.bool_:
            return True
    return False


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
    only_tensors = len(tensors) == len(args)
    if not only_tensors:
        tensors = [t for a in args for t in (a if isinstance(a, (list, tuple)) else (a,)) if isinstance(t, Tensor)]
    if not tensors:
        raise _explain(op, args, params, TypeError(f"{op.name}() expected at least one Tensor argument"))
    be = tensors[0]._be
    input_needs_grad = False
    for t in tensors:
        if t._be is not be:
            raise _device_mismatch(tensors[0], t)
        if t.requires_grad:
            input_needs_grad = True
    if not op.bool_operands and _any_bool(args):
        raise _explain(op, args, params, TypeError(f"{op.name} of a bool operand"))
    arrays = [t.array for t in tensors] if only_tensors and op.cast is None else _cast_args(op, be, args, tensors)
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
        if records(op, name, out.dtype, be, input_needs_grad):
            _link(ctx, op, args)
            ctx.shape, ctx.dtype = out.shape, out.dtype
            return _heard(op, args, params, wrap(out, be, (ctx, 0)))
        return _heard(op, args, params, _unrecorded(op, out, be, tensors))
    out = tuple(out)
    multi = node_class(type(ctx).__name__, op, len(out), multi=True)
    if type(ctx) is not multi:  # the count may depend on the input's size (split); same slots, so re-class
        ctx.__class__ = multi
    floating = [o for o in out if be.from_dtype[o.dtype].is_floating_point]
    if not (floating and records(op, name, floating[0].dtype, be, input_needs_grad)):
        return _heard(op, args, params, tuple(_unrecorded(op, o, be, tensors) for o in out))
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
    """The node's edges and `needs`: one per input, or per tensor of a list input. Which ports have an edge
    comes from the node's class (`edges`, made once per class by registry.node_class, which the vjp filters
    its gradients by too) rather than from each port on every call."""
    edges, needs = [], []
    has_edge = ctx.edges
    n_ports = len(has_edge)
    for i, a in enumerate(args):
        port_has_edge = i >= n_ports or has_edge[i]
        for t in a if isinstance(a, (list, tuple)) else (a,):
            if not port_has_edge:
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
    if op.cast == "promote":
        want = None
        for t in tensors:
            d = be.from_dtype[t.array.dtype]
            want = d if want is None else dtypes.promote_with_dims(want, 1, d, t.array.ndim or 1)
        for a in args:
            if isinstance(a, _Number) and want is not None:
                want = dtypes.scalar_result(want, a)
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
