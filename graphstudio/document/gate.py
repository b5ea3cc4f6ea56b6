"""The schema gate: a yes/no answer to "does this file satisfy graph.schema.json?", fast.

fastjsonschema turns the schema into Python code. Compiling it at every start-up cost
~25 ms of a ~0.2 s `graphstudio --run`, so the code is generated once and committed as
`_gate.py`, together with the schema text it was made from. A stale module (the schema was
edited and not regenerated) is never used: the gate compiles the schema instead, and a
test fails until someone runs

    python -m graphstudio.document.gate

Only a file the gate refuses pays for jsonschema, which finds and words every problem.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

GENERATED = Path(__file__).with_name("_gate.py")

#: The name of the value a generated function checks, which fastjsonschema's code builds for every call
#: (``str.format(**locals())``, two thirds of the gate's time) though only an error message reads it. The gate
#: answers yes or no, so its calls pass no name, and its errors carry no details.
_NAME_ARGUMENT = re.compile(r'(custom_formats, )\(name_prefix or "data"\) \+ "[^"]*"(?:\.format\(\*\*locals\(\)\))?\)')

#: The generated code's imports, replaced so that start-up imports neither fastjsonschema nor decimal (~6 ms of
#: a `--run`): its refusal is a ValueError of its own (as fastjsonschema's are), and JSON numbers are never
#: Decimals (the full check does not count a Decimal as a number either).
_OWN_IMPORTS = {
    "from decimal import Decimal\n": "",
    "from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException\n":
        "class JsonSchemaValueException(ValueError):\n"
        "    \"\"\"The gate's no (fastjsonschema's own exceptions are ValueErrors too).\"\"\"\n\n\n"
        "JsonSchemaValuesException = JsonSchemaValueException\n",
}


def schema_text() -> str:
    return Path(__file__).with_name("graph.schema.json").read_text(encoding="utf-8")


def source() -> str:
    """The module `_gate.py` should hold for the current schema."""
    import json

    import fastjsonschema

    text = schema_text()
    code = _NAME_ARGUMENT.sub(r"\1None)", fastjsonschema.compile_to_code(json.loads(text), detailed_exceptions=False))
    for line, own in _OWN_IMPORTS.items():
        assert line in code, f"fastjsonschema's code no longer has {line!r}: look at _OWN_IMPORTS"
        code = code.replace(line, own)
    code = code.replace("(int, float, Decimal)", "(int, float)")
    name = code.split("def validate_", 1)[1].split("(", 1)[0]
    return (f'"""Generated from graph.schema.json by `python -m graphstudio.document.gate`; do not edit."""\n'
            f"# flake8: noqa\nSCHEMA = {text!r}\n\n{code}\n\nvalidate = validate_{name}\n")


@lru_cache(maxsize=1)
def validator() -> Callable[[Any], Any]:
    """fastjsonschema's validator for the schema: raises a ValueError on an invalid document (the committed
    gate's own class, or fastjsonschema's JsonSchemaException when the schema is compiled here)."""
    try:
        from . import _gate
    except ImportError:  # made by a newer fastjsonschema than the one installed: compile instead
        _gate = None
    if _gate is not None and _gate.SCHEMA == schema_text():
        return _gate.validate
    import json

    import fastjsonschema

    return fastjsonschema.compile(json.loads(schema_text()))


if __name__ == "__main__":
    GENERATED.write_text(source(), encoding="utf-8")
    print(f"wrote {GENERATED}")
