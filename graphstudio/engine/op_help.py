"""Op help in the reader's language.

The registry's ``doc`` strings (of each op, its params and its ports) are the English help. Other
languages are catalogs beside the lessons, ``resources/i18n/ops.<language>.json``, keyed by op name::

    {"categories": {"Math": "数学", …},
     "ops": {"add": {"doc": "…", "params": {"alpha": "…"}, "inputs": {…}}, …,
             "sum": {…, "chain_rule": {"∂L/∂x = G copied back over the summed dims": "∂L/∂x = G 复制回…"}}}}

A chain-rule formula is translated where it has words (keyed by its English text); one of symbols
only reads the same in every language.

A text the catalog lacks falls back to the English one, so a new op shows its English help until it
is translated (a test insists that every op is).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import graphstudio

from .core.registry import Op

ENGLISH = "en"


def catalog_path(language: str) -> Path:
    """Where the op help in ``language`` (a locale name such as ``zh_CN``) is kept."""
    return Path(graphstudio.__file__).resolve().parents[1] / "resources" / "i18n" / f"ops.{language}.json"


@lru_cache(maxsize=None)
def catalog(language: str) -> dict[str, Any]:
    """The catalog of ``language``: empty for English and for a language that has none."""
    path = catalog_path(language)
    if language == ENGLISH or not path.is_file():
        return {"categories": {}, "ops": {}}
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class OpHelp:
    """One op's help in one language: its description and the doc of each param and port, by name."""

    doc: str
    params: dict[str, str]
    inputs: dict[str, str]
    vjp_formula: tuple[str, ...] = ()  # the op's chain rule per differentiable input, as the registry orders it

    def chain_rule(self, formula: str, op: type[Op]) -> str:
        """``formula`` (one of ``op``'s, in English) in this help's language."""
        return self.vjp_formula[op.vjp_formula.index(formula)] if formula in op.vjp_formula else formula


def op_help(op: type[Op], language: str = ENGLISH) -> OpHelp:
    """The help of ``op`` in ``language``, each text falling back to the registry's English one."""
    entry = catalog(language)["ops"].get(op.name, {})
    params, inputs, rules = entry.get("params", {}), entry.get("inputs", {}), entry.get("chain_rule", {})
    return OpHelp(entry.get("doc") or op.doc,
                  {p.name: params.get(p.name) or p.doc for p in op.params},
                  {p.name: inputs.get(p.name) or p.doc for p in op.inputs},
                  tuple(rules.get(f) or f for f in op.vjp_formula))


def category_name(category: str, language: str = ENGLISH) -> str:
    """A palette category (``"Math"``) as shown in ``language``."""
    return catalog(language)["categories"].get(category, category)
