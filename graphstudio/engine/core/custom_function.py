"""`torch.autograd.Function`: a student's own op, with a forward and a backward they write in Python.

`MyReLU.apply(x)` runs `forward(ctx, x)` without recording, then gives its outputs one graph node: an
instance of `MyReLUBackward`, which is at once the `ctx` that forward saw (what it saved, its own
attributes) and the node that calls the user's `backward(ctx, *grads)` when gradients arrive. As in
PyTorch, the node has one edge per tensor argument, and backward answers one gradient per argument
(None for the others).
"""
from __future__ import annotations

from typing import Any

from .grad_graph import SECOND_BACKWARD, Node, grad_mode, no_grad, note_saved
from .tensor import Tensor, wrap

_LEGACY = ("Legacy autograd function with non-static forward method is deprecated. Please use new-style autograd "
           "function with static forward method. (Example: "
           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")


class FunctionCtx:
    """What `forward` (or `setup_context`) is handed to keep for backward."""

    def save_for_backward(self, *tensors: Any) -> None:
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument 0 is of type "
                                f"{type(t).__name__}")
        self._to_save = tensors

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """These outputs get no gradient (requires_grad=False); backward receives zeros for them."""
        self._non_differentiable = tensors

    @property
    def saved_tensors(self) -> tuple:
        if self.saved is None:
            raise RuntimeError(SECOND_BACKWARD)
        return self._saved_tensors


class BackwardCFunction(Node, FunctionCtx):
    """The node of one `Function.apply` call; a subclass per Function, named `<Function>Backward`."""

    _function: type["Function"]
    multi = False
    n_outputs = 1

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__qualname__} object at {id(self):#x}>"

    def vjp(self, grad: Any) -> list:
        be = self._be
        grads = [wrap(g, be, None) for g in grad] if self.multi else [wrap(grad, be, None)]
        with no_grad():
            result = self._function.backward(self, *grads)
        result = list(result) if isinstance(result, (tuple, list)) else [result]
        name = type(self).__qualname__
        if len(result) != len(self._arg_shapes):
            raise RuntimeError(f"function {name} returned an incorrect number of gradients (expected "
                               f"{len(self._arg_shapes)}, got {len(result)})")
        out = []
        for i, (g, shape) in enumerate(zip(result, self._arg_shapes)):
            if shape is None:
                if g is not None:
                    raise RuntimeError(f"function {name} returned a gradient different than None at position {i + 1}, "
                                       "but the corresponding forward input was not a Variable")
                continue
            if g is None:
                out.append(None)
                continue
            arr = g.array if isinstance(g, Tensor) else be.asarray(g)
            if not _sums_to(tuple(arr.shape), shape):
                raise RuntimeError(f"Function {name} returned an invalid gradient at index {i} - got "
                                   f"{list(arr.shape)} but expected shape compatible with {list(shape)}")
            out.append(arr)
        return out


def _sums_to(grad: tuple, shape: tuple) -> bool:
    """Whether `shape` broadcasts to `grad` (so the gradient sums back to the input's shape)."""
    if len(shape) > len(grad):
        return False
    return all(s == g or s == 1 for s, g in zip(shape[::-1], grad[::-1]))


class Function:
    """Subclass with `@staticmethod forward(ctx, *args)` and `@staticmethod backward(ctx, *grads)`;
    call `YourFunction.apply(*args)`."""

    _backward_cls: type[BackwardCFunction]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        node = type(cls.__name__ + "Backward", (BackwardCFunction,), {"_function": cls})
        node.__module__ = "torch.autograd.function"  # where PyTorch's node classes live, as its repr shows
        cls._backward_cls = node

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(_LEGACY)

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple, output: Any) -> Any:
        return NotImplemented

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        ctx = cls._backward_cls()
        ctx.saved, ctx._to_save, ctx._non_differentiable = (), (), ()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with no_grad():
            if cls.setup_context is Function.setup_context:
                result = cls.forward(ctx, *args, **kwargs)
            else:  # the PyTorch 2 style: forward without ctx, then setup_context(ctx, inputs, output)
                result = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, result)
        if not (grad_mode.enabled and any(ctx.needs_input_grad)):
            return result
        return _record(ctx, args, result)


def _record(ctx: BackwardCFunction, args: tuple, result: Any) -> Any:
    """Make `ctx` the grad_fn of the floating-point outputs in `result` and link it to the tensor arguments."""
    tensors = [a for a in args if isinstance(a, Tensor)]
    ctx._be = tensors[0]._be
    ctx.xp = ctx._be.xp
    ctx.next_functions = tuple((a._edge or a._leaf_edge()) if a.requires_grad else (None, 0) for a in tensors)
    ctx.needs = tuple(a.requires_grad for a in tensors)
    ctx._arg_shapes = tuple(tuple(a.array.shape) if isinstance(a, Tensor) else None for a in args)
    many = isinstance(result, (tuple, list))
    outputs = list(result) if many else [result]
    ctx.multi, ctx.n_outputs = many, len(outputs)
    ctx.shape = tuple(o.array.shape if isinstance(o, Tensor) else () for o in outputs)
    ctx.dtype = tuple(o.array.dtype if isinstance(o, Tensor) else ctx.xp.float32 for o in outputs)
    if not many:
        ctx.shape, ctx.dtype = ctx.shape[0], ctx.dtype[0]
    inputs = {id(a) for a in tensors}
    linked = []
    for i, o in enumerate(outputs):
        if isinstance(o, Tensor) and o.dtype.is_floating_point and not any(o is t for t in ctx._non_differentiable):
            if id(o) in inputs or o._edge is not None:  # an input handed back: a new tensor on the same memory
                o = wrap(o.array, o._be, (ctx, i))
            else:
                o._edge, o.requires_grad = (ctx, i), True
        linked.append(o)
    # Outputs saved for backward are kept as values only: the node must not refer to its own outputs.
    ctx._saved_tensors = tuple(wrap(t.array, t._be, None) if t is not None and any(t is o for o in outputs) else t
                               for t in ctx._to_save)
    ctx.saved = tuple(t.array for t in ctx._to_save if t is not None)
    note_saved(ctx)
    del ctx._to_save
    return type(result)(linked) if many else linked[0]
