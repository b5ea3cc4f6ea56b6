"""Parsing what a student types into the inspector's text fields, with errors worth reading.

Shapes, dims and tensor data are JSON in the file, so the inspector accepts JSON (``[2, 3]``)
and what a PyTorch user types (``2, 3`` or ``(2, 3)``), and says precisely what is wrong
(``expected a list of whole numbers ≥ 0, like [2, 3]``)
rather than silently keeping an old value. Pure Python, so every rule is unit-testable.
"""
from __future__ import annotations

import json
import re
from typing import Any

from graphstudio.engine.core.registry import PARAM_TYPES


def QT_TR_NOOP(text: str) -> str:  # noqa: N802  (the name pyside6-lupdate looks for)
    """Mark ``text`` for the translation catalog without importing Qt into this pure module."""
    return text


NOTHING_FOR_NONE = QT_TR_NOOP(", or nothing for none")
NOT_AN_INPUT = QT_TR_NOOP("expected a number, a list like [1, 2], or a node id like x or x:name")


class InvalidValue(ValueError):
    """A typed value the param cannot take; the message is shown under the field.

    ``text`` is the message with ``{fields}`` still to fill (so the editor can translate it first);
    ``optional`` adds that an empty field means none. ``str()`` is the English message.
    """

    def __init__(self, text: str, optional: bool = False, **fields: Any) -> None:
        self.text, self.optional, self.fields = text, optional, fields
        super().__init__(self.words(lambda s: s))

    def words(self, translate: Any) -> str:
        """The message with each marked text passed through ``translate`` (the editor's ``tr``)."""
        return translate(self.text).format(**self.fields) + (translate(NOTHING_FOR_NONE) if self.optional else "")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _ints(v: Any) -> bool:
    return isinstance(v, list) and all(_is_int(x) for x in v)


def _rectangular(v: Any) -> bool:
    """Nested lists of numbers with the same length at every level (a tensor literal)."""
    if _is_num(v):
        return True
    if not isinstance(v, list):
        return False
    if not v:
        return True
    if all(_is_num(x) for x in v):
        return True
    if not all(isinstance(x, list) for x in v):
        return False
    first = _shape(v[0])
    return first is not None and all(_shape(x) == first for x in v)


def _shape(v: Any) -> tuple | None:
    if _is_num(v):
        return ()
    if not isinstance(v, list) or not _rectangular(v):
        return None
    return (len(v),) + (_shape(v[0]) if v else ())


def is_list(kind: str) -> bool:
    """Whether a param type holds a list, where ``2, 3`` and ``(2, 3)`` mean ``[2, 3]`` as in a PyTorch call."""
    found = PARAM_TYPES.get(kind) or PARAM_TYPES.get(f"{kind}_or_none")
    return found is not None and found.listed


def pythonic_list(text: str) -> str:
    """``2, 3``, ``(2, 3)`` and ``(2,)`` — what a PyTorch user types for a shape — as JSON lists."""
    text = text.strip().replace("(", "[").replace(")", "]")
    if "," in text and not text.startswith("["):
        text = f"[{text}]"
    return re.sub(r",\s*\]", "]", text)


def format_value(value: Any) -> str:
    """How a param value appears in its text field (JSON; ``None`` as an empty field)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(_listify(value))


def _listify(v: Any) -> Any:
    return [_listify(x) for x in v] if isinstance(v, (list, tuple)) else v


PADDING_NAMES = ("same", "valid")  # conv2d's padding by name, as PyTorch's


def parse_value(kind: str, text: str) -> Any:
    """The value for a param of type ``kind`` from its text; ``InvalidValue`` says what is wrong.

    A type ending in ``_or_none`` (``dim_or_none``, ``dims_or_none``, …) takes an empty field or
    ``null`` as none; for the others an empty field is an error.
    """
    text = text.strip()
    if kind == "str" or kind == "padding" and text in PADDING_NAMES:
        return text
    base, optional = (kind[: -len("_or_none")], True) if kind.endswith("_or_none") else (kind, False)
    if not text:
        if optional:
            return None
        raise InvalidValue(QT_TR_NOOP("a value is needed"))
    if is_list(base):
        text = pythonic_list(text)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidValue(QT_TR_NOOP("not valid JSON ({why} at column {column}); write e.g. {example}"),
                           why=exc.msg, column=exc.colno, example=example(base)) from None
    if value is None and optional:
        return None
    return _check(base, value, optional)


def _check(kind: str, value: Any, optional: bool) -> Any:
    if kind == "shape":
        if _is_int(value) and value >= 0:
            return [value]
        if _ints(value) and all(x >= 0 for x in value):
            return value
        raise InvalidValue(QT_TR_NOOP("expected a list of whole numbers ≥ 0, like [2, 3]"), optional)
    if kind in ("size", "expand_size"):
        sizes = [value] if _is_int(value) else value
        if _ints(sizes) and all(x >= -1 for x in sizes) and (kind == "expand_size" or sizes.count(-1) <= 1):
            return sizes
        if kind == "size":
            raise InvalidValue(QT_TR_NOOP("expected whole numbers ≥ 0 and at most one -1 (worked out), like [2, -1]"),
                               optional)
        raise InvalidValue(QT_TR_NOOP("expected whole numbers ≥ 0 or -1 (keeps that dim), like [3, -1]"), optional)
    if kind == "dims":
        if _is_int(value) or _ints(value):
            return value
        raise InvalidValue(QT_TR_NOOP("expected a dimension or a list of them, like 0 or [0, 1]"), optional)
    if kind == "int_or_ints":
        if _is_int(value) or _ints(value):
            return value
        raise InvalidValue(QT_TR_NOOP("expected a whole number or a list of them, like 2 or [1, 2]"), optional)
    if kind == "padding":
        if _is_int(value) or _ints(value) or value in PADDING_NAMES:
            return value
        raise InvalidValue(QT_TR_NOOP("expected a whole number, a list of them, same or valid"), optional)
    if kind in ("dim", "int"):
        if _is_int(value):
            return value
        raise InvalidValue(QT_TR_NOOP("expected a whole number"), optional)
    if kind in ("number", "float"):
        if _is_num(value):
            return value
        raise InvalidValue(QT_TR_NOOP("expected a number"), optional)
    if kind == "data":
        if _rectangular(value):
            return value
        if isinstance(value, list):
            raise InvalidValue(QT_TR_NOOP("expected nested lists of numbers with equal lengths, like [[1, 2], [3, 4]]"))
        raise InvalidValue(QT_TR_NOOP("expected a number or nested lists of numbers, like [[1, 2], [3, 4]]"))
    return value  # a type this editor does not know: any JSON value, the checker judges it


def parse_input(text: str) -> Any:
    """An input typed in the inspector: a number or nested list literal, or a node reference."""
    text = text.strip()
    if not text:
        raise InvalidValue(QT_TR_NOOP("a value is needed (a number, a list, or a node id)"))
    try:
        value = json.loads(pythonic_list(text) if text[0] in "([" or _numbers_with_commas(text) else text)
    except json.JSONDecodeError:
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(:[A-Za-z0-9_]+)?", text):
            return text
        raise InvalidValue(NOT_AN_INPUT) from None
    if isinstance(value, str) or _rectangular(value):
        return value
    if isinstance(value, list) and all(isinstance(v, str) or _rectangular(v) for v in value):
        return value  # a variadic input: a list of references and literals
    raise InvalidValue(NOT_AN_INPUT)


def _numbers_with_commas(text: str) -> bool:
    return "," in text and all(re.fullmatch(r"\s*-?[0-9.eE+-]+\s*", part) for part in text.split(","))


def example(kind: str) -> str:
    """What to type for a param of type ``kind``, as a hint (the registry's example for it)."""
    found = PARAM_TYPES.get(kind) or PARAM_TYPES.get(f"{kind}_or_none")
    return found.example if found else "1"
