"""The chain rule written out: an op's vector-Jacobian product with the shapes of one run.

Each op states its VJP beside its backward (`Op.vjp_formula`, e.g. "∂L/∂A = G · Bᵀ"). This module
fills in a run's shapes: the shape of every symbol the formula names (G the output's gradient, y the
output, each differentiable input by the symbol on its left-hand side, ᵀ swapping the last two dims),
the shape the backward computes, and, where that is the broadcast shape, the dims the engine then sums
back to the input's shape ("summed over dim 0: 8 → 1").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from .ops._infer import broadcast
from .registry import Op

Shape = tuple[int, ...]
_EQUATION = re.compile(r"^∂L/∂(\S+) = (.+)$")
GRAD, OUT = "G", "y"
_SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉"


def formulas(op: type[Op]) -> dict[str, tuple[str, str]]:
    """Each differentiable port's (symbol, right-hand side); ValueError when the op's formulas do not
    match its differentiable inputs one to one or one is not written "∂L/∂x = …"."""
    ports = [p.name for p in op.inputs if p.differentiable]
    if len(op.vjp_formula) != len(ports):
        raise ValueError(f"op {op.name}: {len(op.vjp_formula)} VJP formulas for {len(ports)} differentiable "
                         f"inputs ({', '.join(ports)})")
    out = {}
    for port, text in zip(ports, op.vjp_formula):
        match = _EQUATION.match(text)
        if match is None:
            raise ValueError(f"op {op.name}: VJP formula {text!r} is not written '∂L/∂x = …'")
        out[port] = (match[1], match[2])
    return out


#: The words of ``ChainRule.shapes_text``, in English; the editor passes them in its own language.
SHAPE_WORDS = {"scalar": "scalar", "summed": "summed over dim {dims}: {sizes} → {result}",
               "summed_dims": "summed over dims {dims}: {sizes} → {result}", "then": "then {result}"}


def shape_text(shape: Sequence[int], scalar: str = SHAPE_WORDS["scalar"]) -> str:
    """`3×5`; a 0-d tensor is a scalar."""
    return "×".join(map(str, shape)) if len(shape) else scalar


@dataclass(frozen=True)
class ChainRule:
    """One input's VJP with the shapes of a run."""

    formula: str
    operands: tuple[tuple[str, Shape], ...]  # each symbol of the right-hand side, in order, with its shape
    computed: Shape                           # the shape the backward computes
    result: Shape                             # the gradient's shape: the input's
    summed: tuple[tuple[int, int], ...]       # (dim of `computed`, its size) summed to 1, or dropped if leading

    def shapes_text(self, words: Mapping[str, str] = SHAPE_WORDS) -> str:
        """`G: 3×5, Bᵀ: 5×4 → 3×4`, and what broadcasting sums: `…, summed over dim 0: 8 → 1 → 4`
        (``words``: ``SHAPE_WORDS`` in another language)."""
        scalar = words["scalar"]
        text = ", ".join(f"{s}: {shape_text(shape, scalar)}" for s, shape in self.operands)
        computed, result = shape_text(self.computed, scalar), shape_text(self.result, scalar)
        text = f"{text} → {computed}" if text else computed
        if self.summed:
            dims = ", ".join(str(d) for d, _ in self.summed)
            sizes = ", ".join(f"{n} → 1" for _, n in self.summed)
            summed = words["summed_dims" if len(self.summed) > 1 else "summed"]
            text += ", " + summed.format(dims=dims, sizes=sizes, result=result)
        elif self.computed != self.result:
            text += ", " + words["then"].format(result=result)
        return text

    def text(self) -> str:
        return f"{self.formula}\n{self.shapes_text()}"


def chain_rule(op: type[Op], port: str, inputs: Sequence[object], outputs: Sequence[Shape],
               item: int = 0) -> ChainRule:
    """The VJP of `op` for its input `port`, with a run's shapes.

    `inputs`: per port of the op, the input's shape, a list of shapes (a variadic port), or None (a
    Python number, an input left out); `outputs`: the shape of each output; `item`: which tensor of a
    variadic port.
    """
    table = formulas(op)
    if port not in table:
        raise ValueError(f"op {op.name} has no differentiable input {port!r}")
    symbols: dict[str, Shape] = {}
    if outputs:
        symbols[GRAD] = symbols[OUT] = tuple(outputs[0])
    if len(outputs) > 1:
        symbols.update((f"{GRAD}{_subscript(i)}", tuple(s)) for i, s in enumerate(outputs))
    by_port = dict(zip((p.name for p in op.inputs), inputs))
    for name, (symbol, _) in table.items():
        shape = _one(by_port.get(name), item if name == port else 0)
        if shape is not None:
            symbols[symbol] = shape
    symbol, rhs = table[port]
    own = _one(by_port.get(port), item)
    if own is None:
        raise ValueError(f"op {op.name}: input {port!r} is not a tensor here")
    computed = _computed(op, own, [s for x in inputs for s in (x if isinstance(x, list) else [x]) if s is not None])
    return ChainRule(f"∂L/∂{symbol} = {rhs}", _operands(rhs, symbols), computed, own, _summed(computed, own))


def _subscript(i: int) -> str:
    return "".join(_SUBSCRIPTS[int(c)] for c in str(i))


def _one(x: object, item: int) -> Shape | None:
    if isinstance(x, list):
        x = x[item] if item < len(x) else None
    return None if x is None else tuple(x)  # type: ignore[arg-type]


def _operands(rhs: str, symbols: dict[str, Shape]) -> tuple[tuple[str, Shape], ...]:
    names = "|".join(re.escape(s) for s in sorted(symbols, key=len, reverse=True))
    seen: dict[str, Shape] = {}
    for match in re.finditer(rf"(?<![A-Za-z_])({names})(ᵀ?)(?![A-Za-z0-9_₀-₉ᵢ])", rhs) if names else ():
        shape = symbols[match[1]]
        if match[2] and len(shape) >= 2:
            shape = shape[:-2] + (shape[-1], shape[-2])
        seen.setdefault(match[0], shape)
    return tuple(seen.items())


def _computed(op: type[Op], own: Shape, tensors: list[Shape]) -> Shape:
    """The shape the backward gives: the input's own, or (`grad_broadcast` k) its last k dims behind every
    tensor input's leading dims broadcast together."""
    k = op.grad_broadcast
    if k is None or len(own) < k:
        return own
    lead: Shape = ()
    for shape in tensors:
        if len(shape) >= k:
            lead = broadcast(lead, tuple(shape[:len(shape) - k]))
    return lead + own[len(own) - k:]


def _summed(computed: Shape, own: Shape) -> tuple[tuple[int, int], ...]:
    """The dims the engine sums (grad_graph._sum_to): those broadcasting added in front, and those it
    stretched from 1 (a summed dim of size 1 changes nothing and is left out)."""
    lead = len(computed) - len(own)
    return tuple((i, computed[i]) for i in range(len(computed))
                 if computed[i] != 1 and (i < lead or own[i - lead] == 1))
