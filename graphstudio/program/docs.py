"""The op reference, written from the registry: ``python -m graphstudio.program.docs [LANGUAGE]``.

English gives docs/ops.md; ``zh_CN`` gives its twin docs/ops.zh_CN.md from the same registry, with
the help texts of ``resources/i18n/ops.zh_CN.json`` (see ``op_help``).
"""
from __future__ import annotations

import sys

from graphstudio.engine.core import ops  # noqa: F401  (fills the registry)
from graphstudio.engine.core.registry import CATEGORIES, ops_by_category
from graphstudio.engine.op_help import ENGLISH, category_name, op_help

from . import nodes  # noqa: F401  (adds the graph-only nodes)

#: The reference's own words, by language.
WORDS = {
    ENGLISH: {
        "title": "Op reference",
        "intro": "Generated from the op registry by `python -m graphstudio.program.docs`; every op is one "
                 "definition there (ports, params, inference, forward, backward, PyTorch name).",
        "one_of": " (one of {})", "required": "required", "default": "default `{}`",
        "list": " (list)", "optional": " (optional)", "scalar": " (tensor or number)",
        "inputs": "inputs", "param": "param", "about": "`{}` ({}, {}){}: {}", "chain": "chain rule",
    },
    "zh_CN": {
        "title": "算子参考",
        "intro": "由 `python -m graphstudio.program.docs zh_CN` 从算子注册表生成；"
                 "每个算子在那里只有一个定义"
                 "（端口、参数、推断、前向、反向、PyTorch 名称）。英文版：[ops.md](ops.md)。",
        "one_of": "（取值之一：{}）", "required": "必填", "default": "默认 `{}`",
        "list": "（列表）", "optional": "（可选）", "scalar": "（张量或数）",
        "inputs": "输入", "param": "参数", "about": "`{}`（{}，{}）{}：{}", "chain": "链式法则",
    },
}


def _param(p, doc: str, words: dict[str, str]) -> str:
    extra = words["one_of"].format(", ".join(map(str, p.choices))) if p.choices else ""
    default = words["required"] if p.required else words["default"].format(repr(p.default))
    return words["about"].format(p.name, p.type, default, extra, doc)


def reference(language: str = ENGLISH) -> str:
    """The whole reference in ``language`` as Markdown."""
    words = WORDS[language]
    lines = [f"# {words['title']}", "", words["intro"], ""]
    groups = ops_by_category()
    for cat in CATEGORIES:
        if not groups[cat]:
            continue
        heading = cat if language == ENGLISH else f"{category_name(cat, language)}（{cat}）"
        lines += [f"## {heading}", ""]
        for op in groups[cat]:
            help_ = op_help(op, language)
            lines.append(f"### `{op.name}`")
            lines += ["", help_.doc, "", f"- PyTorch: `{op.torch}`"]
            if op.grad_fn:
                lines.append(f"- grad_fn: `{op.grad_fn}`")
            if op.vjp_formula:
                lines.append(f"- {words['chain']}: " + "; ".join(f"`{f}`" for f in help_.vjp_formula))
            if op.inputs:
                ports = ", ".join(f"`{p.name}`" + (words["list"] if p.variadic else "")
                                  + (words["optional"] if p.optional else "")
                                  + (words["scalar"] if p.scalar_ok else "") for p in op.inputs)
                lines.append(f"- {words['inputs']}: {ports}")
            for p in op.params:
                lines.append(f"- {words['param']} {_param(p, help_.params[p.name], words)}")
            lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(reference(*sys.argv[1:2]))
