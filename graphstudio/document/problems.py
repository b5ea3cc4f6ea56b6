"""What can be structurally wrong with a graph file, and how to say it in one line.

Students hand-edit these files, so every problem names where it is: the node id (and op),
then the key path inside it. Checks here are structural only (the JSON Schema in
``graph.schema.json`` plus what a schema cannot say); what ops mean is checked elsewhere.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Iterator, Sequence

from . import gate


#: Deeper JSON than this is refused before anything recursive looks at it: a tensor literal
#: needs a handful of levels, while the schema validator takes ~5 stack frames per level.
MAX_DEPTH = 32
_MAX_INT_BITS = 13_000  # ~3900 digits: below Python's int<->str limit, so dumps can always write it
_SURROGATE = re.compile("[\ud800-\udfff]")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


#: The most characters of a file's text a message echoes (an id, an op name, a value), and the
#: most a whole message line may have: a file may hold a 10 MB name or a 10,000-node cycle.
MAX_ECHO = 40
MAX_LINE = 400


def clip(text: str, limit: int = MAX_ECHO) -> str:
    """``text`` cut to ``limit`` characters around a "…", keeping its start and its end (where a
    cycle returns to its first node, and a message ends in "(and 3 more problems)")."""
    if len(text) <= limit:
        return text
    head = (limit - 1) // 2
    return text[:head] + "…" + text[len(text) - (limit - 1 - head):]


def one_line(text: str) -> str:
    """Escape line breaks and other control characters, and cut to MAX_LINE: one short line."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
    return clip(text, MAX_LINE)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document, located by node and key path where it has one."""

    message: str
    node_id: str | None = None
    op: str | None = None
    path: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.node_id is not None:
            head = f"node '{clip(self.node_id)}'"
            parts.append(f"{head} ({clip(self.op)})" if self.op else head)
        if self.path:
            parts.append(clip(self.path, 80))
        parts.append(self.message)
        return one_line(": ".join(parts))


class DocumentError(Exception):
    """A file or dict that is not a valid graph document; ``str()`` is one line for stderr."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems) or [Problem("not a valid graph document")]
        super().__init__(self._summary())

    def _summary(self) -> str:
        more = len(self.problems) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        return one_line(f"{self.source}: {self.problems[0]}{tail}")

    def __str__(self) -> str:
        return self._summary()

    def __reduce__(self) -> tuple:  # picklable, e.g. across a worker process boundary
        return type(self), (self.source, self.problems)


def show(value: Any) -> str:
    """A short rendering of a bad value for a message (``"a"``, ``5``, ``a list``)."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(clip(value), ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, int) and value.bit_length() > 128:
        return "a very large integer"
    if isinstance(value, (int, float)):
        return clip(repr(value))
    return f"a Python {type(value).__name__}"


def format_path(parts: Iterable[str | int]) -> str:
    """``['nodes', 2, 'params', 'dim']`` → ``nodes[2].params.dim``; odd keys are quoted."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENT.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(clip(part), ensure_ascii=False)}]"
    return clip(out, 80)


def locate(raw: Any, parts: Sequence[str | int], message: str) -> Problem:
    """Build a Problem for ``parts`` in ``raw``, naming the node when the path is inside one."""
    parts = list(parts)
    if len(parts) >= 2 and parts[0] == "nodes" and isinstance(parts[1], int):
        nodes = raw.get("nodes") if isinstance(raw, dict) else None
        node = nodes[parts[1]] if isinstance(nodes, list) and parts[1] < len(nodes) else None
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            op = node.get("op")
            return Problem(message, node["id"], op if isinstance(op, str) else None,
                           format_path(parts[2:]) or None)
    return Problem(message, path=format_path(parts) or None)


def _clean(raw: Any) -> bool:
    """True when ``scan`` finds nothing, told a level of nesting at a time without the paths that only
    word a problem (a 100,000-node file: several times faster, and no path per value held at once).
    False sends anything unusual (a tuple, a subclass, a problem) to the walk that words it."""
    if type(raw) is not dict:
        return False
    level: list[Any] = [raw]
    for depth in range(MAX_DEPTH + 1):
        deeper: list[Any] = []
        for value in level:
            if type(value) is dict:
                for key in value:
                    if type(key) is not str or not (key.isascii() or _SURROGATE.search(key) is None):
                        return False
                items: Any = value.values()
            elif _plain_numbers(value):  # a list, whose numbers scan does not visit one by one
                continue
            else:
                items = value
            if depth == MAX_DEPTH and items:
                return False
            for item in items:
                t = type(item)
                if t is str:
                    if not (item.isascii() or _SURROGATE.search(item) is None):
                        return False
                elif t is dict or t is list:
                    deeper.append(item)
                elif not (t is float and math.isfinite(item) or t is int and item.bit_length() <= _MAX_INT_BITS
                          or t is bool or item is None):
                    return False
        if not deeper:
            return True
        level = deeper
    return False


def _plain_numbers(items: Any) -> bool:
    """Whether every item is a finite float or an int of a sane size: nothing for ``scan`` to find."""
    for v in items:
        t = type(v)
        if not (t is float and math.isfinite(v) or t is int and v.bit_length() <= _MAX_INT_BITS):
            return False
    return True


def scan(raw: Any) -> list[Problem]:
    """Find what the schema cannot: too-deep nesting, non-JSON values, NaN/inf, lone surrogates.

    Iterative on purpose: it must survive input that would overflow a recursive walker.
    """
    if _clean(raw):
        return []
    problems: list[Problem] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(raw, ())]
    while stack:
        value, path = stack.pop()
        bad = None
        if len(path) > MAX_DEPTH:
            bad = f"nested too deeply (more than {MAX_DEPTH} levels)"
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):  # reversed: popped in file order
                if not isinstance(key, str):
                    bad = f"object keys must be strings, got {show(key)}"
                elif _SURROGATE.search(key):
                    bad = f"key {show(key)} is not valid Unicode (a lone surrogate)"
                else:
                    stack.append((item, path + (key,)))
        elif isinstance(value, (list, tuple)):
            if not _plain_numbers(value):  # a tensor literal's row is checked here, not item by item
                stack.extend((value[i], path + (i,)) for i in reversed(range(len(value))))
        elif isinstance(value, str):
            if _SURROGATE.search(value):
                bad = "not valid Unicode (a lone surrogate such as \\ud800)"
        elif isinstance(value, float):
            if not math.isfinite(value):
                bad = f"numbers must be finite, got {value!r}"
        elif isinstance(value, int) and not isinstance(value, bool):
            if value.bit_length() > _MAX_INT_BITS:
                bad = "number too large"
        elif not (value is None or isinstance(value, bool)):
            bad = f"expected a JSON value, got {show(value)}"
        if bad:
            problems.append(locate(raw, path, bad))
            if len(problems) >= 20 or len(path) > MAX_DEPTH:
                break
    return problems


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: dict) -> Iterator[Any]:
    """JSON Schema patterns are ECMA-262: ``$`` is the very end, not "before a final newline"."""
    import jsonschema

    if not isinstance(instance, str):
        return
    regex = pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern
    if not re.search(regex, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def _is_int(checker: Any, value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(checker: Any, value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@lru_cache(maxsize=1)
def schema() -> dict:
    """The packaged JSON Schema of the format (``resources/graph.schema.json`` is a copy)."""
    return json.loads(gate.schema_text())


def schema_valid(raw: Any) -> bool:
    """True when `raw` satisfies the schema (fast path; the full check gives the same answer)."""
    try:
        gate.validator()(raw)
    except ValueError:  # the gate's no (see gate.validator)
        return False
    # fastjsonschema takes 1.0 for an integer; this format's integers are the top-level ones.
    return all(_is_int(None, raw[k]) for k in ("graphstudio", "seed", "steps") if k in raw)


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    base = jsonschema.Draft202012Validator
    checker = base.TYPE_CHECKER.redefine_many({"integer": _is_int, "number": _is_number})
    cls = jsonschema.validators.extend(base, {"pattern": _ecma_pattern}, type_checker=checker)
    return cls(schema())


_TYPE_NAMES = {"integer": "an integer", "number": "a number", "string": "a string",
               "object": "an object", "array": "a list", "boolean": "true or false", "null": "null"}


def _input_culprit(value: Any, path: list, top: bool = True) -> tuple[list, str] | None:
    """Find the element that makes an input value invalid, to point at it rather than the list."""
    if not isinstance(value, list):
        return _element_problem(value, path, refs_ok=True) if isinstance(value, str) else None
    for i, item in enumerate(value):
        if isinstance(item, list):
            found = _input_culprit(item, path + [i], top=False)
        else:
            found = _element_problem(item, path + [i], refs_ok=top)
        if found:
            return found
    return None


def _element_problem(item: Any, path: list, refs_ok: bool) -> tuple[list, str] | None:
    if _is_number(None, item):
        return None
    if isinstance(item, str) and refs_ok:
        ref = schema()["$defs"]["ref"]["pattern"]
        if re.search(ref[:-1] + r"\Z", item):
            return None
        return path, f'expected a node reference like "x" or "x:name", got {show(item)}'
    wanted = "a number or a node reference" if refs_ok else "a number"
    return path, f"expected {wanted}, got {show(item)}"


def _describe(error: Any) -> Iterator[tuple[list, str]]:
    """Turn one schema error into (path, message) pairs worded for a student."""
    path, kind, value, sub = list(error.absolute_path), error.validator, error.instance, error.schema
    desc = sub.get("description")
    if kind == "required":
        for key in error.validator_value:
            if isinstance(value, dict) and key not in value:
                yield path, f"missing required key {show(key)}"
    elif kind == "additionalProperties":
        known = ", ".join(sub.get("properties", {}))
        for key in value:
            if key not in sub.get("properties", {}):
                yield path, f"unknown key {show(key)} (a node has: {known})"
    elif kind == "anyOf" and _in_inputs(path):
        found = _input_culprit(value, path)
        yield found if found else (path, f"expected {desc}, got {show(value)}")
    elif desc and kind in ("minItems", "maxItems"):
        yield path, f"expected {desc}, got a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    elif desc and kind in ("type", "pattern", "anyOf", "minLength", "minimum"):
        yield path, f"expected {desc}, got {show(value)}"
    elif kind == "type":
        types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        yield path, f"expected {' or '.join(_TYPE_NAMES.get(t, t) for t in types)}, got {show(value)}"
    elif kind == "minimum":
        yield path, f"expected at least {error.validator_value}, got {show(value)}"
    else:
        yield path, clip(error.message, 120)


def _in_inputs(path: list) -> bool:
    return len(path) >= 4 and path[0] == "nodes" and path[2] == "inputs"


def _file_order(raw: Any, path: Iterable[str | int]) -> list[int]:
    """Sort key putting an error where its value sits in the file (key order, list index)."""
    key, value = [], raw
    for part in path:
        if isinstance(value, dict):
            key.append(list(value).index(part))
        else:
            key.append(part)
        value = value[part]
    return key


def schema_problems(raw: Any) -> list[Problem]:
    """Every schema violation in ``raw`` (not just the first), in file order, without repeats."""
    if schema_valid(raw):
        return []
    found: dict[Problem, None] = {}
    try:
        errors = sorted(_validator().iter_errors(raw), key=lambda e: _file_order(raw, e.absolute_path))
    except RecursionError:  # only when called already deep in the stack; scan() bounds the depth
        return [Problem("nested too deeply")]
    for error in errors:
        for path, message in _describe(error):
            found[locate(raw, path, message)] = None
    return list(found)


def duplicate_ids(raw: dict) -> list[Problem]:
    """Ids must be unique: references and reports name nodes by id."""
    first: dict[str, int] = {}
    problems = []
    for i, node in enumerate(raw["nodes"]):
        if node["id"] in first:
            message = f"duplicate id: nodes[{first[node['id']]}] already uses it"
            problems.append(Problem(message, node["id"], node["op"], None))
        first.setdefault(node["id"], i)
    return problems
