"""The op reference (docs/ops.md), written from the registry: `python -m graphstudio.program.docs`."""
from __future__ import annotations

import sys

from graphstudio.engine.core import ops  # noqa: F401  (fills the registry)
from graphstudio.engine.core.registry import CATEGORIES, ops_by_category

from . import nodes  # noqa: F401  (adds the graph-only nodes)


def _param(p) -> str:
    extra = f" (one of {', '.join(map(str, p.choices))})" if p.choices else ""
    default = "required" if p.required else f"default `{p.default!r}`"
    return f"`{p.name}` ({p.type}, {default}){extra}: {p.doc}"


def reference() -> str:
    lines = ["# Op reference", "", "Generated from the op registry by `python -m graphstudio.program.docs`; "
             "every op is one definition there (ports, params, inference, forward, backward, PyTorch name).", ""]
    groups = ops_by_category()
    for cat in CATEGORIES:
        if not groups[cat]:
            continue
        lines += [f"## {cat}", ""]
        for op in groups[cat]:
            lines.append(f"### `{op.name}`")
            lines += ["", op.doc, "", f"- PyTorch: `{op.torch}`"]
            if op.grad_fn:
                lines.append(f"- grad_fn: `{op.grad_fn}`")
            if op.inputs:
                ports = ", ".join(f"`{p.name}`" + (" (list)" if p.variadic else "") + (" (optional)" if p.optional else "")
                                  + (" (tensor or number)" if p.scalar_ok else "") for p in op.inputs)
                lines.append(f"- inputs: {ports}")
            for p in op.params:
                lines.append(f"- param {_param(p)}")
            lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(reference())
