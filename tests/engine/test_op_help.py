"""Op help in 简体中文: a complete catalog beside the registry, and the generated Chinese reference."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from graphstudio.engine.core import ops  # noqa: F401  (fills the registry)
from graphstudio.engine.op_help import catalog, category_name, op_help
from graphstudio.engine.core.registry import CATEGORIES, ops_by_category

ROOT = Path(__file__).parents[2]
ALL_OPS = [op for group in ops_by_category().values() for op in group]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("op", ALL_OPS, ids=lambda op: op.name)
def test_every_op_has_complete_chinese_help(op):
    entry = catalog("zh_CN")["ops"].get(op.name)
    assert entry is not None, f"resources/i18n/ops.zh_CN.json has no entry for {op.name!r}"
    assert CJK.search(entry["doc"]), f"{op.name}: the doc is not Chinese"
    assert set(entry.get("params", {})) == {p.name for p in op.params}, f"{op.name}: params differ from the registry"
    assert set(entry.get("inputs", {})) == {p.name for p in op.inputs if p.doc}, f"{op.name}: ports differ"
    assert all(text.strip() for text in (*entry.get("params", {}).values(), *entry.get("inputs", {}).values()))


def test_catalog_names_no_op_the_registry_lacks():
    assert set(catalog("zh_CN")["ops"]) == {op.name for op in ALL_OPS}


def test_every_category_has_a_chinese_name():
    assert all(CJK.search(category_name(cat, "zh_CN")) for cat in CATEGORIES)


def test_english_help_is_the_registrys_and_a_missing_language_falls_back_to_it():
    add = next(op for op in ALL_OPS if op.name == "add")
    for language in ("en", "xx_YY"):
        help_ = op_help(add, language)
        assert help_.doc == add.doc and help_.params == {p.name: p.doc for p in add.params}
    assert op_help(add, "zh_CN").doc != add.doc and category_name("Math", "xx_YY") == "Math"


def test_chinese_op_reference_is_up_to_date():
    """docs/ops.zh_CN.md is generated: python -m graphstudio.program.docs zh_CN > docs/ops.zh_CN.md."""
    from graphstudio.program.docs import reference

    assert (ROOT / "docs" / "ops.zh_CN.md").read_text(encoding="utf-8") == reference("zh_CN")


def _code_in(text: str) -> set[str]:
    """What a translation must keep as written: identifiers (``out_channels``), calls (``softmax(``) and
    shape notation (``[n, k]``), but for brackets of plain words (``[rows, columns]``)."""
    words = set(re.findall(r"\b[A-Za-z]\w*_\w*\b|\b\w+\((?!s\))", text))
    shapes = {b for b in re.findall(r"\[[^\]]*\]", text)
              if not all(re.fullmatch(r"[A-Za-z]{4,}", part.strip()) for part in b[1:-1].split(","))}
    return words | shapes


@pytest.mark.parametrize("op", ALL_OPS, ids=lambda op: op.name)
def test_the_chinese_help_keeps_the_identifiers_and_shapes_of_the_english(op):
    """So an English doc edited without its Chinese one is noticed where it changed code or shapes."""
    help_ = op_help(op, "zh_CN")
    pairs = [(op.doc, help_.doc), *((p.doc, help_.params[p.name]) for p in op.params),
             *((p.doc, help_.inputs[p.name]) for p in op.inputs if p.doc)]
    for english, chinese in pairs:
        assert not {c for c in _code_in(english) if c not in chinese}, (english, chinese)


#: Words a chain-rule formula may keep untranslated: the names of ports, params and functions it uses.
NAMES = re.compile(r"\b(?:exp|sin|cos|max|min|sign|diag|tril|triu|trunc|cumsum|softmax|conv_transpose2d|mean|"
                   r"transpose|clip|stack|cat|log|sqrt|tanh|sigmoid|relu|onehot|target|mask|dim|index|abs|erf|pow|"
                   r"elu|gelu|condition|correction|weight|input|other)\b")


@pytest.mark.parametrize("op", [op for op in ALL_OPS if op.vjp_formula], ids=lambda op: op.name)
def test_every_chain_rule_with_words_reads_in_chinese(op):
    """A formula of symbols reads the same in both languages; one with English words has its Chinese,
    with the same left side, and the catalog translates no formula the registry no longer has."""
    rules = catalog("zh_CN")["ops"][op.name].get("chain_rule", {})
    assert set(rules) <= set(op.vjp_formula), f"{op.name}: the catalog translates formulas it no longer has"
    for english, chinese in zip(op.vjp_formula, op_help(op, "zh_CN").vjp_formula):
        words = re.findall(r"\b[a-z]{3,}\b", NAMES.sub("", english.split(" = ", 1)[1]))
        if words:
            assert CJK.search(chinese), f"{op.name}: {english!r} has words ({words}) but no Chinese"
            assert chinese.split(" = ", 1)[0] == english.split(" = ", 1)[0]
