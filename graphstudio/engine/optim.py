"""`torch.optim`: SGD, Adam and RMSprop with PyTorch's update rules, in place on the parameters.

Updates write into each parameter's array (no new arrays per step for the
parameters), in the same order of operations as PyTorch's single-tensor
implementations, so float32 results agree with PyTorch's to rounding.
"""
from __future__ import annotations

from typing import Any, Iterable

from . import lr_scheduler  # noqa: F401  (torch.optim.lr_scheduler)
from .core.grad_graph import no_grad
from .core.tensor import Tensor


class Optimizer:
    """Holds param groups and per-parameter state; `zero_grad()` then `step()`."""

    defaults: dict[str, Any] = {}

    def __init__(self, params: Iterable[Any], **options: Any):
        params = list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        self.options = {**self.defaults, **options}
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Tensor, dict[str, Any]] = {}
        for g in groups:
            self.add_param_group(g)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Another group of parameters with its own options (the constructor's for those not given)."""
        params = param_group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor) or not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        group = {"params": params, **{k: param_group.get(k, v) for k, v in self.options.items()}}
        group.update({k: v for k, v in param_group.items() if k not in group})
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of the last backward (PyTorch sets them to None by default)."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    p.grad.zero_()

    def state_dict(self) -> dict[str, Any]:
        """The per-parameter state and the groups' options, parameters given by their position, as PyTorch's."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            ids = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": ids})
        state = {index[id(p)]: self._state_tensors(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def _state_tensors(self, state: dict) -> dict:
        from .core.tensor import wrap

        out = {}
        for k, v in state.items():
            if hasattr(v, "shape") and not isinstance(v, Tensor):
                p = next(p for g in self.param_groups for p in g["params"])
                v = wrap(v, p._be, None)
            elif k == "step":
                from .factory import tensor

                v = tensor(float(v))
            out[k] = v
        return out

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        params = [p for g in self.param_groups for p in g["params"]]
        for group, saved in zip(self.param_groups, state_dict["param_groups"]):
            group.update({k: v for k, v in saved.items() if k != "params"})
        self.state = {}
        for i, s in state_dict["state"].items():
            p = params[i]
            self.state[p] = {k: (v.array if isinstance(v, Tensor) and k != "step" else
                                 int(v.item()) if k == "step" else v) for k, v in s.items()}

    @no_grad()
    def step(self) -> None:
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    g = p.grad.array
                    if group["maximize"]:
                        g = -g
                    if group["weight_decay"] and not group.get("decoupled_weight_decay"):
                        g = g + group["weight_decay"] * p.array  # L2 penalty, as every torch.optim rule adds it
                    self.update(p, g, self.state.setdefault(p, {}), group)

    def update(self, p: Tensor, g: Any, state: dict, group: dict) -> None:
        """Apply one step to `p` given its gradient `g` (already with weight decay and maximize)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            text += "".join(f"    {k}: {group[k]}\n" for k in sorted(group) if k != "params")
        return text + ")"


class SGD(Optimizer):
    """p -= lr * g, with optional weight decay, momentum (and dampening) and Nesterov momentum."""

    defaults = {"lr": 1e-3, "momentum": 0, "dampening": 0, "weight_decay": 0, "nesterov": False, "maximize": False,
                "foreach": None, "differentiable": False, "fused": None}

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False, foreach: Any = None,
                 differentiable: bool = False, fused: Any = None):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                         nesterov=nesterov, maximize=maximize, foreach=foreach, differentiable=differentiable,
                         fused=fused)

    def update(self, p: Tensor, g: Any, state: dict, group: dict) -> None:
        momentum = group["momentum"]
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                # a copy, updated in place later (an array even for a 0-d parameter: `g * 1` would be a scalar)
                buf = state["momentum_buffer"] = p._be.xp.asarray(g, copy=True)
            else:
                buf *= momentum
                buf += (1 - group["dampening"]) * g
            g = g + momentum * buf if group["nesterov"] else buf
        p.array -= group["lr"] * g


class Adam(Optimizer):
    """Adaptive moments: m and v are running means of g and g², bias-corrected by step count."""

    defaults = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0, "amsgrad": False,
                "maximize": False, "foreach": None, "capturable": False, "differentiable": False, "fused": None,
                "decoupled_weight_decay": False}

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *, foreach: Any = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False, fused: Any = None,
                 decoupled_weight_decay: bool = False):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        super().__init__(params, lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         maximize=maximize, foreach=foreach, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=decoupled_weight_decay)

    def update(self, p: Tensor, g: Any, state: dict, group: dict) -> None:
        xp = p._be.xp
        b1, b2 = group["betas"]
        if group["decoupled_weight_decay"] and group["weight_decay"]:
            p.array *= 1 - group["lr"] * group["weight_decay"]  # AdamW: decay the weights, not the gradient
        if not state:
            state["step"] = 0
            state["exp_avg"] = xp.zeros_like(p.array)
            state["exp_avg_sq"] = xp.zeros_like(p.array)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = xp.zeros_like(p.array)
        state["step"] += 1
        t = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m += (g - m) * (1 - b1)          # torch: exp_avg.lerp_(grad, 1 - beta1)
        v *= b2
        v += (g * g) * (1 - b2)
        step_size = group["lr"] / (1 - b1 ** t)
        bc2_sqrt = (1 - b2 ** t) ** 0.5
        if group["amsgrad"]:
            vmax = state["max_exp_avg_sq"]
            vmax[...] = xp.maximum(vmax, v)
            v = vmax
        denom = xp.sqrt(v) / bc2_sqrt + group["eps"]
        p.array -= step_size * (m / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay (the weights shrink by lr * weight_decay each step)."""

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False,
                 foreach: Any = None, capturable: bool = False, differentiable: bool = False, fused: Any = None):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         foreach=foreach, maximize=maximize, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)


class RMSprop(Optimizer):
    """Divide the gradient by a running root-mean-square of recent gradients."""

    defaults = {"lr": 1e-2, "momentum": 0, "alpha": 0.99, "eps": 1e-8, "centered": False, "weight_decay": 0,
                "capturable": False, "foreach": None, "maximize": False, "differentiable": False}

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, capturable: bool = False,
                 foreach: Any = None, maximize: bool = False, differentiable: bool = False):
        super().__init__(params, lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                         centered=centered, capturable=capturable, foreach=foreach, maximize=maximize,
                         differentiable=differentiable)

    def update(self, p: Tensor, g: Any, state: dict, group: dict) -> None:
        xp = p._be.xp
        alpha = group["alpha"]
        if not state:
            state["step"] = 0
            state["square_avg"] = xp.zeros_like(p.array)
            if group["momentum"]:
                state["momentum_buffer"] = xp.zeros_like(p.array)
            if group["centered"]:
                state["grad_avg"] = xp.zeros_like(p.array)
        state["step"] += 1
        sq = state["square_avg"]
        sq *= alpha
        sq += (g * g) * (1 - alpha)
        if group["centered"]:
            ga = state["grad_avg"]
            ga += (g - ga) * (1 - alpha)
            avg = xp.sqrt(sq - ga * ga) + group["eps"]
        else:
            avg = xp.sqrt(sq) + group["eps"]
        if group["momentum"]:
            buf = state["momentum_buffer"]
            buf *= group["momentum"]
            buf += g / avg
            p.array -= group["lr"] * buf
        else:
            p.array -= group["lr"] * (g / avg)
