"""Lessons in two languages: every shipped lesson is whole in English and in 简体中文."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from graphstudio.document import Document, load
from graphstudio.document.translations import translated

LESSONS = sorted((Path(__file__).parents[2] / "resources" / "examples").glob("*.json"))
CJK = re.compile(r"[\u4e00-\u9fff]")
CODE = re.compile(r"```.*?```", re.S)
#: The usual Chinese PyTorch terms; a lesson gives the English one in parentheses where it first uses one.
GLOSSARY = {"张量": "tensor", "梯度": "gradient", "叶子节点": "leaf", "计算图": "computational graph",
            "反向传播": "backward", "广播": "broadcasting", "优化器": "optimizer", "学习率": "learning rate",
            "损失": "loss", "自动求导": "autograd", "形状": "shape", "标量": "scalar", "维度": "dim",
            "批量": "batch", "交叉熵": "cross-entropy", "动量": "momentum", "前向": "forward"}


def paragraphs(notes: str) -> int:
    return len([p for p in notes.strip().split("\n\n") if p.strip()])


def test_translated_falls_back_to_the_files_own_text():
    doc = Document(title="T", notes="N", extra={"translations": {"zh_CN": {"title": "标题"}}})
    assert translated(doc, "zh_CN") == ("标题", "N")
    assert translated(doc, "en") == ("T", "N")
    assert translated(Document(title="T"), "zh_CN") == ("T", "")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_is_whole_in_both_languages(path: Path):
    doc = load(path)
    title, notes = translated(doc, "zh_CN")
    assert not CJK.search(doc.title + doc.notes), "the English text has Chinese in it"
    assert title != doc.title and CJK.search(title)
    prose = CODE.sub("", notes)
    assert len(CJK.findall(prose)) > len(CODE.sub("", doc.notes)) / 10, "the Chinese notes are not the whole lesson"
    assert paragraphs(notes) == paragraphs(doc.notes), "the two languages differ in paragraphs"
    assert CODE.findall(notes) == CODE.findall(doc.notes), "the code differs between the languages"
    assert ("试一试" in prose) == ("Try" in doc.notes)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_names_the_english_term_where_it_first_uses_a_chinese_one(path: Path):
    prose = CODE.sub("", translated(load(path), "zh_CN")[1])
    for term, english in GLOSSARY.items():
        first = prose.find(term)
        if first >= 0:
            after = prose[first + len(term):first + len(term) + 40]
            named = re.match(r"(?:计算|传播)?\**（([^）]*)）", after)  # or after its compound: 前向计算
            stem = english[:4]  # "grad" of gradient: 需要梯度（requires grad） names it too
            assert named and stem in named.group(1).lower(), \
                f"first {term!r} is not followed by （{english}）: {after!r}"


#: The parts of a lesson each language names: an English heading and its Chinese one.
PARTS = {"Try": "试一试", "What to look at": "要看什么"}


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_has_the_same_predictions_and_exercises_in_both_languages(path: Path):
    """The "Try" exercises are numbered alike, each part has its Chinese heading, and a lesson that asks
    for a prediction asks for it in Chinese too."""
    doc = load(path)
    english, chinese = CODE.sub("", doc.notes), CODE.sub("", translated(doc, "zh_CN")[1])
    numbered = re.compile(r"^\s*(\d+)\.\s", re.M)
    assert numbered.findall(chinese) == numbered.findall(english), "the numbered exercises differ"
    for heading, chinese_heading in PARTS.items():
        assert english.count(f"{heading}:") == chinese.count(f"{chinese_heading}："), heading
    assert bool(re.search("predict", english, re.I)) == bool(re.search("预测", chinese))


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_keeps_its_inline_code_and_its_numbers_in_chinese(path: Path):
    """The same `code` and the same decimal numbers (predictions, losses) in both languages: an
    English lesson edited without its Chinese one is noticed."""
    doc = load(path)
    english, chinese = CODE.sub("", doc.notes), CODE.sub("", translated(doc, "zh_CN")[1])
    for pattern in (r"`[^`\n]+`", r"\d+\.\d+"):
        assert set(re.findall(pattern, chinese)) == set(re.findall(pattern, english)), pattern
