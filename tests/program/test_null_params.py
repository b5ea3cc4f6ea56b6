"""`null` is a value of a param only where its type allows it (Param.nullable), for every op.

A null the op cannot take (sgd's lr, adam's betas, full's fill_value) is refused when the
file is checked — exit 2 naming the param — instead of failing or giving NaN at run time.
"""
from __future__ import annotations

import json

import pytest

from graphstudio.cli import main
from graphstudio.document import Document, Node
from graphstudio.engine.core.registry import REGISTRY
from graphstudio.program.compiler import check

PARAMS = [(op.name, p) for op in REGISTRY.values() for p in op.params]


def _null_problems(op: str, param: str) -> list[str]:
    problems = check(Document(nodes=[Node("n", op, {}, {param: None})])).problems
    return [p.message for p in problems if p.path == f"params.{param}"]


@pytest.mark.parametrize("op,param", PARAMS, ids=[f"{o}.{p.name}" for o, p in PARAMS])
def test_null_is_refused_exactly_where_the_param_cannot_be_null(op, param):
    problems = _null_problems(op, param.name)
    if param.nullable:
        assert problems == []
    else:
        assert len(problems) == 1 and "null" in problems[0]


def test_nullable_follows_the_type_and_the_default():
    nullable = {(o, p.name) for o, p in PARAMS if p.nullable}
    assert ("sum", "dim") in nullable and ("clamp", "min") in nullable
    assert not {("sgd", "lr"), ("adam", "betas"), ("full", "fill_value"), ("arange", "end")} & nullable


@pytest.mark.parametrize("op,param,inputs", [
    ("sgd", "lr", {"loss": "loss"}), ("adam", "betas", {"loss": "loss"}), ("full", "fill_value", {})])
def test_the_cli_exits_2_naming_the_null_param(tmp_path, capsys, op, param, inputs):
    nodes = [{"id": "w", "op": "ones", "params": {"shape": [2], "requires_grad": True}},
             {"id": "loss", "op": "sum", "inputs": {"input": "w"}},
             {"id": "n", "op": op, "inputs": inputs,
              "params": {param: None} | ({"shape": [2]} if op == "full" else {})}]
    path = tmp_path / "g.json"
    path.write_text(json.dumps({"graphstudio": 1, "nodes": nodes}))
    assert main(["--run", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"params.{param}: cannot be null" in err[0] and str(path) in err[0]
