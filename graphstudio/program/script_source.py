"""Where an imported graph's nodes came from: the top-level `script` key of its file.

A node has no key of its own for its script line (the format's nodes take no other keys), so a
graph made by `--import` keeps them beside its nodes, where unknown top-level keys are kept:
`"script": {"file": "train.py", "lines": {"loss": 12}, "code": {"12": "loss = ..."},
"names": {"loss": "loss"}}` (`names`: the script's expression that holds a node's value when the script ends, or a
function's variable that held it).
"""
from __future__ import annotations

from typing import Any

SCRIPT_KEY = "script"


def script_line(extra: dict[str, Any], node_id: str) -> str | None:
    """`train.py, line 12: loss = …` for a node of an imported graph, else None."""
    source = extra.get(SCRIPT_KEY)
    if not isinstance(source, dict) or not isinstance(source.get("lines"), dict):
        return None
    line = source["lines"].get(node_id)
    if not isinstance(line, int) or line <= 0:
        return None
    code = source.get("code", {}).get(str(line)) if isinstance(source.get("code"), dict) else None
    text = f"{source.get('file', 'the script')}, line {line}"
    return f"{text}: {code}" if isinstance(code, str) else text
