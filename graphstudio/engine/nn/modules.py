"""A few `torch.nn` layers, so the first model of a PyTorch tutorial runs as written."""
from __future__ import annotations

import math
from typing import Any, Iterator

from ..creation import default_generator
from ..factory import from_host
from ..tensor import Tensor
from . import functional as F


class Parameter(Tensor):
    """A tensor that a Module registers as trainable: a leaf with requires_grad=True."""

    __slots__ = ()

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> "Parameter":
        src = data if data is not None else from_host(__import__("numpy").zeros(0, dtype="float32"))
        p = object.__new__(cls)
        p.array, p._be, p._edge, p._grad, p._retains = src.array, src._be, None, None, False
        p.requires_grad = False
        p.requires_grad_(requires_grad)
        return p

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class Module:
    """Holds parameters and sub-modules in attribute order; calling it runs `forward`."""

    def __init__(self) -> None:
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "training", True)

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        for name, p in self._parameters.items():
            yield prefix + name, p
        for name, m in self._modules.items():
            yield from m.named_parameters(prefix + name + ".")

    def parameters(self) -> Iterator[Parameter]:
        return (p for _, p in self.named_parameters())

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            p.grad = None

    def train(self, mode: bool = True) -> "Module":
        object.__setattr__(self, "training", mode)
        for m in self._modules.values():
            m.train(mode)
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def state_dict(self) -> dict[str, Tensor]:
        return {name: p.detach() for name, p in self.named_parameters()}

    def __repr__(self) -> str:
        inner = "".join(f"\n  ({n}): {m!r}" for n, m in self._modules.items())
        return f"{type(self).__name__}({self.extra_repr()}{inner}{chr(10) if inner else ''})"

    def extra_repr(self) -> str:
        return ""


def _uniform(shape: tuple, bound: float) -> Tensor:
    return from_host(default_generator.rng.uniform(-bound, bound, size=shape).astype("float32"))


class Linear(Module):
    """y = x Wᵀ + b, initialised uniformly in ±1/sqrt(in_features) as PyTorch does."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1 / math.sqrt(in_features) if in_features else 0.0
        self.weight = Parameter(_uniform((out_features, in_features), bound))
        self.bias = Parameter(_uniform((out_features,), bound)) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Sequential(Module):
    def __init__(self, *layers: Module) -> None:
        super().__init__()
        for i, layer in enumerate(layers):
            setattr(self, str(i), layer)

    def forward(self, x: Any) -> Any:
        for m in self._modules.values():
            x = m(x)
        return x


def _activation(name: str, fn_name: str) -> type[Module]:
    return type(name, (Module,), {"forward": lambda self, x: getattr(F, fn_name)(x)})


ReLU = _activation("ReLU", "relu")
Sigmoid = _activation("Sigmoid", "sigmoid")
Tanh = _activation("Tanh", "tanh")


def _loss(name: str, fn_name: str) -> type[Module]:
    def __init__(self: Module, reduction: str = "mean") -> None:
        Module.__init__(self)
        self.reduction = reduction

    def forward(self: Module, input: Tensor, target: Tensor) -> Tensor:
        return getattr(F, fn_name)(input, target, reduction=self.reduction)

    return type(name, (Module,), {"__init__": __init__, "forward": forward})


MSELoss = _loss("MSELoss", "mse_loss")
L1Loss = _loss("L1Loss", "l1_loss")
CrossEntropyLoss = _loss("CrossEntropyLoss", "cross_entropy")
BCEWithLogitsLoss = _loss("BCEWithLogitsLoss", "binary_cross_entropy_with_logits")

