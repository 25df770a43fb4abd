"""Numbered questions written at the margin with the answer after each, not nested
(``1. 为什么要位置编码？`` then a paragraph, a fence, a list): two or more, counting on, that
ask are questions (a Typora habit; aceliuchanghong/FAQ_Of_LLM_Interview). A numbered line
that asks nothing stays in the answer above it; under a heading that asks, such lines
detail its answer; a quiz's choices under a numbered question answer nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from markdown_it.tree import SyntaxTreeNode

from builder.parse.answerlabels import asked_above
from builder.parse.document import parse_file
from builder.parse.markdown import tokenize

from .conftest import FIXTURES, answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "numbered-questions-at-margin.md"
QUESTIONS = ["Transformer为何使用多头注意力机制？", "为什么要位置编码？", "为什么需要残差连接？",
             "什么是 LayerNorm？"]


def test_numbered_lines_that_ask_with_answers_below_are_questions() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert [card.question_text for card in doc.cards] == QUESTIONS


@pytest.mark.parametrize(("text", "lines"), [
    ("1. 为什么？\n\n因为。\n\n2. 怎么做？\n\n这样。\n", {1, 5}),
    ("1. 为什么？\n\n因为。\n", set()),  # one alone: a step, or a question; unsure
    ("1. 为什么？\n\n因为。\n\n3. 怎么做？\n\n这样。\n", set()),  # not counting on
    ("1. 什么是流？\n\n a. RDD\n\n b. DStream\n\n2. 什么是窗口？\n\n a. 时间\n", set()),  # choices
    ("1. 第一步\n\n读数据。\n\n2. 第二步\n\n训练。\n", set()),  # steps ask nothing
])
def test_which_numbered_lines_ask(text: str, lines: set[int]) -> None:
    assert asked_above(SyntaxTreeNode(tokenize(text)).children) == lines


def test_questions_at_the_margin_import_into_anki(collection: Collection) -> None:
    _result, package = build_fixture_deck(FIXTURE.stem)
    answers = answers_by_question(imported_notes(collection, package))
    assert sorted(answers) == sorted(QUESTIONS)
    assert "位置编码补上顺序信息" in answers["为什么要位置编码？"]
    # A numbered line that asks nothing stays, with its answer, in the answer above it.
    assert "前馈网络结构" in answers["为什么要位置编码？"]
    assert "两层全连接" in answers["为什么要位置编码？"]
    assert "让深层网络好训练" in answers["为什么需要残差连接？"]
    # Under a heading that asks, numbered lines that ask detail its answer.
    assert "序列长度不一" in answers["什么是 LayerNorm？"] and "每个子层之后" in answers[
        "什么是 LayerNorm？"]


FIRST_ASKS_NOTHING = FIXTURES / "numbered-questions-first-asks-nothing.md"


def test_a_first_numbered_line_that_asks_nothing_keeps_its_answer_on_a_card(
        collection: Collection) -> None:
    # "1. zero-shot" asks nothing; "2." and "3." do. Left out of the run, it and its
    # answer were the section's intro, on no card (pdd.md, FAQ_Of_LLM_Interview).
    doc = parse_file(FIRST_ASKS_NOTHING, FIRST_ASKS_NOTHING.name)
    assert [card.question_text for card in doc.cards] == [
        "zero-shot", "如何多卡并行", "如何优化减少多卡并行的损失率"]
    _result, package = build_fixture_deck(FIRST_ASKS_NOTHING.stem)
    answers = answers_by_question(imported_notes(collection, package))
    assert "测试集中出现了这个类别" in answers["zero-shot"]
    assert "每张卡一份模型" in answers["如何多卡并行"]


@pytest.mark.parametrize(("text", "lines"), [
    ("1. 第一步\n\n读数据。\n\n2. 为什么？\n\n因为。\n\n3. 怎么做？\n\n这样。\n", {1, 5, 9}),
    # Only a run that counts from 1 takes a first line that asks nothing along.
    ("4. 第一步\n\n读数据。\n\n5. 为什么？\n\n因为。\n\n6. 怎么做？\n\n这样。\n", {5, 9}),
    # A lead-in ("代码如下：") is no card's question, as under an answer label.
    ("1. 代码如下：\n\n读数据。\n\n2. 为什么？\n\n因为。\n\n3. 怎么做？\n\n这样。\n", {5, 9}),
    # One question after it is no run: nothing is taken.
    ("1. 第一步\n\n读数据。\n\n2. 为什么？\n\n因为。\n", set()),
])
def test_which_first_lines_that_ask_nothing_open_a_run(text: str, lines: set[int]) -> None:
    assert asked_above(SyntaxTreeNode(tokenize(text)).children) == lines
