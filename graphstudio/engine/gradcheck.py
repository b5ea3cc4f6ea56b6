"""Gradcheck as a teaching instrument: the engine's Jacobian beside central differences.

The analytical Jacobian comes from the engine's backward, one pass per output element (each row is
a vector-Jacobian product with a one-hot gradient); the numerical one from central differences,
(f(x + eps) − f(x − eps)) / 2·eps, one column per input element. Both are kept (rows: output
elements, columns: input elements), with their difference, for the editor to show as heatmaps.
They agree when |analytical − numerical| ≤ atol + rtol·|numerical| everywhere, PyTorch's gradcheck
test with its tolerances. In float32 the step itself is rounded, and `explanation` says by how much.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from .autograd import grad
from .core.grad_graph import no_grad
from .core.tensor import Tensor, from_host

EPS, ATOL, RTOL = 1e-6, 1e-5, 1e-3  # torch.autograd.gradcheck's defaults
MAX_ENTRIES = 1_000_000  # a larger Jacobian is refused: it would take one backward pass per output element


@dataclass(frozen=True)
class JacobianPair:
    """d output / d input, both ways; rows: output elements, columns: input elements (row-major)."""

    input: int
    output: int
    analytical: np.ndarray
    numerical: np.ndarray
    atol: float
    rtol: float

    @property
    def difference(self) -> np.ndarray:
        return self.analytical - self.numerical

    @property
    def max_difference(self) -> float:
        return float(np.max(np.abs(self.difference), initial=0.0))

    @property
    def passed(self) -> bool:
        return bool(np.all(np.abs(self.difference) <= self.atol + self.rtol * np.abs(self.numerical)))


@dataclass(frozen=True)
class Gradcheck:
    """Every (input, output) pair of a function's Jacobian, checked."""

    pairs: tuple[JacobianPair, ...]
    dtype: str
    eps: float
    explanation: str  # why float32 disagrees more; empty in float64

    @property
    def passed(self) -> bool:
        return all(p.passed for p in self.pairs)

    @property
    def max_difference(self) -> float:
        return max((p.max_difference for p in self.pairs), default=0.0)


def gradcheck(fn: Callable[..., Any], inputs: Sequence[Any], eps: float = EPS, atol: float = ATOL,
              rtol: float = RTOL) -> Gradcheck:
    """Check `fn`'s gradients at `inputs` (Tensors that require grad are the variables; anything else,
    numbers and other tensors, is held fixed). `fn` returns a Tensor or a sequence of Tensors; outputs
    that are not floating point have no gradient and are left out."""
    inputs = list(inputs)
    wrt = [k for k, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not wrt:
        raise ValueError("gradcheck needs at least one input that requires grad")
    outs = [o for o in _outputs(fn(*inputs)) if o.dtype.is_floating_point]
    n_in = sum(inputs[k].numel() for k in wrt)
    if n_in * sum(o.numel() for o in outs) > MAX_ENTRIES:
        raise ValueError(f"the Jacobian would have {n_in} × {sum(o.numel() for o in outs)} entries; "
                         f"gradcheck takes at most {MAX_ENTRIES:,}: try it on smaller inputs")
    analytical = _analytical(outs, [inputs[k] for k in wrt])
    numerical = _numerical(fn, inputs, wrt, outs, eps)
    pairs = tuple(JacobianPair(i, j, analytical[j][i], numerical[j][i], atol, rtol)
                  for i in range(len(wrt)) for j in range(len(outs)))
    dtype = inputs[wrt[0]].dtype
    return Gradcheck(pairs, dtype.name, eps, _float32_explanation(inputs, wrt, outs, pairs, eps)
                     if dtype.name != "float64" else "")


def _outputs(out: Any) -> list[Tensor]:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _analytical(outs: list[Tensor], wrt: list[Tensor]) -> list[list[np.ndarray]]:
    """[output][input] Jacobians, a row per output element, from the engine's backward."""
    jac = [[np.zeros((o.numel(), x.numel())) for x in wrt] for o in outs]
    for j, out in enumerate(outs):
        if not out.requires_grad:
            continue
        for row in range(out.numel()):
            seed = np.zeros(out.numel(), dtype=out.host().dtype)
            seed[row] = 1
            grads = grad([out], wrt, [from_host(seed.reshape(tuple(out.shape)), out.device)], retain_graph=True,
                         allow_unused=True)
            for i, g in enumerate(grads):
                if g is not None:
                    jac[j][i][row] = np.asarray(g.host(), dtype=np.float64).reshape(-1)
    return jac


def _numerical(fn: Callable[..., Any], inputs: list[Any], wrt: list[int], outs: list[Tensor],
               eps: float) -> list[list[np.ndarray]]:
    """[output][input] Jacobians, a column per input element, by central differences in the input's dtype."""
    jac = [[np.zeros((o.numel(), inputs[k].numel())) for k in wrt] for o in outs]
    base = [x.detach() if isinstance(x, Tensor) else x for x in inputs]
    for i, k in enumerate(wrt):
        host = inputs[k].host()
        for e in range(host.size):
            sides = []
            for step in (eps, -eps):
                moved = host.copy().reshape(-1)
                moved[e] += step
                args = list(base)
                args[k] = from_host(moved.reshape(host.shape), inputs[k].device)
                with no_grad():
                    sides.append([np.asarray(o.host(), dtype=np.float64).reshape(-1)
                                  for o in _outputs(fn(*args)) if o.dtype.is_floating_point])
            for j, (plus, minus) in enumerate(zip(*sides)):
                jac[j][i][:, e] = (plus - minus) / (2 * eps)
    return jac


def _float32_explanation(inputs: list[Any], wrt: list[int], outs: list[Tensor], pairs: tuple[JacobianPair, ...],
                         eps: float) -> str:
    """Why finite differences are rough in a narrow float: the step and the outputs are both rounded."""
    resolution = float(np.finfo(inputs[wrt[0]].host().dtype).eps)
    x = max(float(np.max(np.abs(inputs[k].host()), initial=0.0)) for k in wrt)
    f = max((float(np.max(np.abs(o.host()), initial=0.0)) for o in outs), default=0.0)
    slope = max((float(np.max(np.abs(p.analytical), initial=0.0)) for p in pairs), default=0.0)
    bound = resolution * (f + slope * x) / (2 * eps)
    return (f"In {inputs[wrt[0]].dtype.name} a number keeps about {round(-np.log10(resolution))} significant digits "
            f"(machine epsilon {resolution:.1e}). The step x ± {eps:g} is itself rounded (|x| up to {x:.3g}: off by "
            f"up to {resolution * x / 2:.1e}), and each output (|f| up to {f:.3g}) is rounded to about "
            f"{resolution * f / 2:.1e}, while it changes by only slope × {eps:g}. So each difference quotient can be "
            f"off by about {bound:.1e}, far more than the tolerance {pairs[0].atol:g} + {pairs[0].rtol:g}·|numerical|. "
            "The analytical Jacobian takes no step. Check in float64, as PyTorch's gradcheck asks.")
