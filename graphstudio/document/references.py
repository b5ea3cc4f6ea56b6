"""References: how a document writes a wire, ``"node"`` or ``"node:output"``, inside a node's inputs.

A reference names the node an input comes from and, after a colon, which of its outputs (the bare
id means the first). The same text keys values by output everywhere downstream (shapes, traces,
wire panels), so parsing, writing, renaming and dropping references happen here and nowhere else.
"""
from __future__ import annotations

from typing import Any, Iterator

SEPARATOR = ":"


def parse_ref(ref: str) -> tuple[str, str | None]:
    """``"x"`` → ``("x", None)``; ``"x:name"`` → ``("x", "name")``."""
    node_id, _, name = ref.partition(SEPARATOR)
    return node_id, (name or None)


def source_of(ref: str) -> str:
    """The node id a reference (or an output key) points at."""
    return ref.partition(SEPARATOR)[0]


def format_ref(node_id: str, output: str | None, outputs: tuple[str, ...] = ()) -> str:
    """The reference text for an output; the first of ``outputs`` is written as the bare id, as in files."""
    if output is None or (outputs and output == outputs[0]):
        return node_id
    return f"{node_id}{SEPARATOR}{output}"


def iter_refs(value: Any) -> Iterator[str]:
    """Every reference string in an input value (a reference, a literal, or a variadic list)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                yield item


def sources(inputs: dict[str, Any]) -> list[str]:
    """The node id of every reference in a node's inputs, in input order (repeats kept)."""
    return [source_of(ref) for value in inputs.values() for ref in iter_refs(value)]


def rename_refs(value: Any, mapping: dict[str, str]) -> Any:
    """An input value with every reference to a key of ``mapping`` pointing at the new id."""
    if isinstance(value, str):
        src, name = parse_ref(value)
        return format_ref(mapping[src], name) if src in mapping else value
    if isinstance(value, list):
        return [rename_refs(v, mapping) if isinstance(v, str) else v for v in value]
    return value


def drop_refs(inputs: dict[str, Any], gone: set[str]) -> dict[str, Any]:
    """``inputs`` without the references whose source is in ``gone`` (a variadic list keeps its other items)."""
    kept: dict[str, Any] = {}
    for key, value in inputs.items():
        if isinstance(value, str):
            if source_of(value) in gone:
                continue
        elif isinstance(value, list):
            value = [v for v in value if not (isinstance(v, str) and source_of(v) in gone)]
        kept[key] = value
    return kept
