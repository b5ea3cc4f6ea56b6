"""Gradcheck as a teaching instrument: the engine's Jacobian beside central differences.

The analytical Jacobian comes from the engine's backward, one pass per output element (each row is
a vector-Jacobian product with a one-hot gradient); the numerical one from central differences,
(f(x + eps) − f(x − eps)) / 2·eps, one column per input element. Both are kept (rows: output
elements, columns: input elements), with their difference, for the editor to show as heatmaps.
They agree when |analytical − numerical| ≤ atol + rtol·|numerical| everywhere, PyTorch's gradcheck
test with its tolerances. In float32 the step itself is rounded: `rounding` has by how much, `explanation` says it.

Rounding is not the only reason finite differences disagree: where an input sits at (or within eps
of) a point where the function is not differentiable — relu or abs at 0, clamp at its bound, max at a
tie — the central difference straddles the kink and gives the mean of the two one-sided slopes, while
the analytical Jacobian takes one side. `kinks` has each such element, found where the check fails
and the one-sided differences (f(x + h) − f(x)) / h and (f(x) − f(x − h)) / h disagree by more than
the outputs' rounding can explain and by a good part of the slope itself (a smooth function's two
sides differ only by its curvature × eps); `explanation` then names them instead of blaming rounding.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from .autograd import grad
from .core.grad_graph import no_grad
from .core.tensor import Tensor, from_host

EPS, ATOL, RTOL = 1e-6, 1e-5, 1e-3  # torch.autograd.gradcheck's defaults
KINK_JUMP = 0.05   # the two one-sided slopes of a kink differ by at least this part of the larger one
KINK_NOISE = 2.0   # … and by this many times what rounding the outputs can make of them
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
class Rounding:
    """Why finite differences are rough in a narrow float: the step and the outputs are both rounded."""

    dtype: str
    resolution: float  # machine epsilon
    largest_input: float
    largest_output: float
    bound: float       # about how far off a difference quotient can be

    @property
    def digits(self) -> int:
        return round(-np.log10(self.resolution))


@dataclass(frozen=True)
class Kink:
    """An input element where the function is not differentiable within the step: its one-sided slopes
    (of output ``output``'s element ``row``) differ, and the central difference is their mean."""

    input: int
    index: tuple[int, ...]  # the element, in the input's shape
    value: float            # the input there
    output: int
    row: int
    left: float             # (f(x) − f(x − h)) / h
    right: float            # (f(x + h) − f(x)) / h
    analytical: float


@dataclass(frozen=True)
class Gradcheck:
    """Every (input, output) pair of a function's Jacobian, checked."""

    pairs: tuple[JacobianPair, ...]
    dtype: str
    eps: float
    rounding: Rounding | None  # in a float narrower than float64: how much rounding spoils the differences
    kinks: tuple[Kink, ...] = ()  # failing elements where the central difference straddles a kink

    @property
    def passed(self) -> bool:
        return all(p.passed for p in self.pairs)

    @property
    def max_difference(self) -> float:
        return max((p.max_difference for p in self.pairs), default=0.0)

    @property
    def explanation(self) -> str:
        """Why the check disagrees: a kink the central difference straddles (in any dtype), else, in
        float32, rounding, with this run's numbers; empty in float64 without a kink."""
        if self.kinks:
            k = self.kinks[0]
            more = f" ({len(self.kinks) - 1} more like it)" if len(self.kinks) > 1 else ""
            return (f"Input {k.input} element {list(k.index)} = {k.value:.3g} sits at a kink{more}: the one-sided "
                    f"differences are {k.left:.4g} from the left and {k.right:.4g} from the right, so the central "
                    f"difference x ± {self.eps:g} straddles it and gives their mean, {(k.left + k.right) / 2:.4g}, while the "
                    f"analytical Jacobian takes one side ({k.analytical:.4g}). Not rounding: the function has no "
                    "derivative there, and PyTorch picks one of the sides.")
        r = self.rounding
        if r is None:
            return ""
        atol, rtol = (self.pairs[0].atol, self.pairs[0].rtol) if self.pairs else (ATOL, RTOL)
        return (f"In {r.dtype} a number keeps about {r.digits} significant digits (machine epsilon "
                f"{r.resolution:.1e}). The step x ± {self.eps:g} is itself rounded (|x| up to {r.largest_input:.3g}: "
                f"off by up to {r.resolution * r.largest_input / 2:.1e}), and each output (|f| up to "
                f"{r.largest_output:.3g}) is rounded to about {r.resolution * r.largest_output / 2:.1e}, while it "
                f"changes by only slope × {self.eps:g}. So each difference quotient can be off by about "
                f"{r.bound:.1e}, far more than the tolerance {atol:g} + {rtol:g}·|numerical|. The analytical "
                "Jacobian takes no step. Check in float64, as PyTorch's gradcheck asks.")


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
    numerical, sides = _numerical(fn, inputs, wrt, outs, eps)
    pairs = tuple(JacobianPair(i, j, analytical[j][i], numerical[j][i], atol, rtol)
                  for i in range(len(wrt)) for j in range(len(outs)))
    dtype = inputs[wrt[0]].dtype
    rounding = _rounding(inputs, wrt, outs, pairs, eps) if dtype.name != "float64" else None
    return Gradcheck(pairs, dtype.name, eps, rounding, _kinks(inputs, wrt, pairs, sides))


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
               eps: float) -> tuple[list[list[np.ndarray]], list[list[np.ndarray]]]:
    """[output][input] Jacobians, a column per input element, by central differences in the input's dtype;
    and, the same way, the one-sided slopes and how far rounding the outputs may move them: arrays of
    shape (3, output elements, input elements) holding left, right, noise (see ``_kinks``)."""
    jac = [[np.zeros((o.numel(), inputs[k].numel())) for k in wrt] for o in outs]
    sides_of = [[np.zeros((3, o.numel(), inputs[k].numel())) for k in wrt] for o in outs]
    base = [x.detach() if isinstance(x, Tensor) else x for x in inputs]
    at = [np.asarray(o.host(), dtype=np.float64).reshape(-1) for o in outs]
    for i, k in enumerate(wrt):
        host = inputs[k].host()
        resolution = float(np.finfo(host.dtype).eps)
        for e in range(host.size):
            sides, steps = [], []
            for step in (eps, -eps):
                moved = host.copy().reshape(-1)
                moved[e] += step
                steps.append(abs(float(moved[e]) - float(host.reshape(-1)[e])))  # the step as rounded
                args = list(base)
                args[k] = from_host(moved.reshape(host.shape), inputs[k].device)
                with no_grad():
                    sides.append([np.asarray(o.host(), dtype=np.float64).reshape(-1)
                                  for o in _outputs(fn(*args)) if o.dtype.is_floating_point])
            for j, (plus, minus) in enumerate(zip(*sides)):
                jac[j][i][:, e] = (plus - minus) / (2 * eps)
                h_right, h_left = steps[0] or eps, steps[1] or eps
                noise = resolution * (np.abs(plus) + np.abs(minus) + 2 * np.abs(at[j])) / min(h_left, h_right)
                sides_of[j][i][:, :, e] = ((at[j] - minus) / h_left, (plus - at[j]) / h_right, noise)
    return jac, sides_of


def _kinks(inputs: list[Any], wrt: list[int], pairs: tuple[JacobianPair, ...],
           sides: list[list[np.ndarray]]) -> tuple[Kink, ...]:
    """The failing entries whose one-sided slopes differ by more than rounding and curvature can make
    them (see the module docstring), one per input element (its first output element)."""
    found: dict[tuple[int, int], Kink] = {}
    for p in pairs:
        left, right, noise = sides[p.output][p.input]
        jump = np.abs(right - left)
        failing = np.abs(p.difference) > p.atol + p.rtol * np.abs(p.numerical)
        kink = failing & (jump > KINK_NOISE * noise + p.atol) & (jump > KINK_JUMP * np.maximum(np.abs(left), np.abs(right)))
        host = inputs[wrt[p.input]].host()
        for row, e in zip(*np.nonzero(kink)):
            if (p.input, int(e)) not in found:
                index = tuple(int(n) for n in np.unravel_index(int(e), host.shape))
                found[(p.input, int(e))] = Kink(p.input, index, float(host.reshape(-1)[e]), p.output, int(row),
                                                float(left[row, e]), float(right[row, e]),
                                                float(p.analytical[row, e]))
    return tuple(sorted(found.values(), key=lambda k: (k.input, k.index)))


def _rounding(inputs: list[Any], wrt: list[int], outs: list[Tensor], pairs: tuple[JacobianPair, ...],
              eps: float) -> Rounding:
    resolution = float(np.finfo(inputs[wrt[0]].host().dtype).eps)
    x = max(float(np.max(np.abs(inputs[k].host()), initial=0.0)) for k in wrt)
    f = max((float(np.max(np.abs(o.host()), initial=0.0)) for o in outs), default=0.0)
    slope = max((float(np.max(np.abs(p.analytical), initial=0.0)) for p in pairs), default=0.0)
    return Rounding(inputs[wrt[0]].dtype.name, resolution, x, f, resolution * (f + slope * x) / (2 * eps))
