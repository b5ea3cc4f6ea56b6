"""The `torch.autograd` namespace: `backward` and `grad`, checked in PyTorch's words, then run;
`Function` (a student's own op) and the old tutorials' `Variable`."""
from __future__ import annotations

import warnings
from typing import Any, Sequence

from .core import custom_function as function  # noqa: F401  (torch.autograd.function)
from .core.custom_function import Function, FunctionCtx  # noqa: F401
from .core.grad_graph import enable_grad, inference_mode, no_grad, run_backward, set_grad_enabled  # noqa: F401
from .core.higher_order import graph_vjp, tensor_namespace
from .core.tensor import NO_GRAD_VIEW, Tensor, _created_requiring_grad, wrap
from .factory import empty


class _VariableType(type):
    """Every tensor is a Variable (PyTorch merged the two in 0.4); calling Variable makes a tensor."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor)

    def __call__(cls, data: Any = None, requires_grad: bool = False, volatile: bool = False) -> Tensor:
        if data is None:
            return empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        t = data.detach()
        return _created_requiring_grad(t) if requires_grad else t


class Variable(metaclass=_VariableType):
    """`Variable(x, requires_grad=True)`: a new leaf on x's memory, as in pre-0.4 tutorials (`.data` works
    on any tensor)."""


def _roots(outputs: Sequence[Tensor], grads: Sequence[Any] | None, create_graph: bool = False) -> list:
    """(node, output_nr, gradient) per output: arrays, or Tensors when the pass builds a graph (a given
    gradient that requires grad then stays in the graph, as for a Hessian-vector product)."""
    roots = []
    for i, out in enumerate(outputs):
        if not out.requires_grad or out._edge == NO_GRAD_VIEW:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        g = None if grads is None else grads[i]
        be = out._be
        if g is None:
            if out.array.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            arr = be.xp.ones(out.array.shape, dtype=out.array.dtype)
        else:
            if isinstance(g, Tensor):
                if g._be is not be:
                    raise RuntimeError(f"gradient is on {g.device} but the tensor is on {out.device}")
                arr = g.array
            else:
                arr = be.asarray(g)
            if tuple(arr.shape) != tuple(out.array.shape):
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of torch.Size({list(arr.shape)}) and "
                    f"output[{i}] has a shape of torch.Size({list(out.array.shape)})."
                )
            if arr.dtype != out.array.dtype:
                arr = be.xp.astype(arr, out.array.dtype)
        if create_graph:
            arr = g.to(out.dtype) if isinstance(g, Tensor) else wrap(arr, be, None)
        node, nr = out._edge or out._leaf_edge()
        roots.append((node, nr, arr))
    return roots


_CYCLE_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter and its gradient "
    "which can cause a memory leak. We recommend using autograd.grad when creating the graph to avoid this. If you "
    "have to use this function, make sure to reset the .grad fields of your parameters to None after use to break "
    "the cycle and avoid the leak.")


def _graph_pass(create_graph: bool) -> tuple | None:
    """What the backward pass needs to record its own steps (create_graph), else None."""
    return (graph_vjp, tensor_namespace) if create_graph else None


def _as_list(x: Any) -> list:
    if x is None:
        return None
    return list(x) if isinstance(x, (list, tuple)) else [x]


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, inputs: Any = None) -> None:
    """Accumulate d(tensors)/d(leaf) into every leaf's `.grad` (or only `inputs`' when given).

    `create_graph`: the gradients are recorded, so they can be differentiated again; it implies
    `retain_graph` unless that is given, as in PyTorch."""
    retain = create_graph if retain_graph is None else bool(retain_graph)
    tensors = _as_list(tensors)
    roots = _roots(tensors, _as_list(grad_tensors), create_graph)
    if inputs is None:
        if create_graph:
            warnings.warn(_CYCLE_WARNING, UserWarning, stacklevel=3)
        run_backward(roots, retain, graph=_graph_pass(create_graph))
        return
    wanted = _as_list(inputs)
    captured = _run_capture(roots, wanted, retain, create_graph)
    for t, g in zip(wanted, captured):
        if g is not None:
            t._accumulate_grad(g)


def _run_capture(roots: list, inputs: list[Tensor], retain_graph: bool, create_graph: bool = False) -> list:
    keys = []
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        keys.append(t._edge or t._leaf_edge())
    capture = {k: None for k in keys}
    run_backward(roots, retain_graph, capture=capture, graph=_graph_pass(create_graph))
    return [capture[k] for k in keys]


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool | None = None, materialize_grads: bool = False) -> tuple:
    """The gradients of `outputs` with respect to `inputs`, returned instead of stored in `.grad`.

    `create_graph`: they are recorded (and require grad where they depend on something that does), so
    they can be differentiated again; it implies `retain_graph` unless that is given, as in PyTorch."""
    outputs, inputs = _as_list(outputs), _as_list(inputs)
    roots = _roots(outputs, _as_list(grad_outputs), create_graph)
    captured = _run_capture(roots, inputs, create_graph if retain_graph is None else bool(retain_graph),
                            create_graph)
    result = []
    for i, (t, g) in enumerate(zip(inputs, captured)):
        if g is None:
            if materialize_grads:
                g = t._be.xp.zeros(t.array.shape, dtype=t.array.dtype)
            elif not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
        result.append(g if g is None or isinstance(g, Tensor) else wrap(g, t._be, None))
    return tuple(result)


