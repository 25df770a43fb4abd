"""Headings under a heading that asks hold its answer, and so do their bold lines: a quiz's
``## 第 1 题`` over ``### 题目`` and ``### 📖 解析`` with ``**1. 词法分析**`` points is one
card per ``##``, however many bold lines its explanations hold (they outvoted the ten
``## 第 N 题`` of six chapters of gaomingshan/js's CSS quizzes: every point was a card)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from builder.parse.document import parse_file

from .conftest import FIXTURES, answers_by_question, build_fixture_deck, imported_notes, write

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "quiz-parts-under-asking-heading.md"
QUESTIONS = ["第 1 题 🟢", "第 2 题 🟡"]


def test_each_numbered_problem_is_one_card() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert [card.question_text for card in doc.cards] == QUESTIONS
    assert doc.cards[0].section_path == ()  # no sections: "##" are the questions


def test_the_points_stay_in_the_answer_in_anki(collection: Collection) -> None:
    _result, package = build_fixture_deck(FIXTURE.stem)
    answers = answers_by_question(imported_notes(collection, package))
    assert sorted(answers) == QUESTIONS
    first = answers[QUESTIONS[0]]
    assert "把字符流切成 token" in first and "把 token 组成规则" in first
    assert "构建 CSSOM" in first
    assert "右侧最具体" in answers[QUESTIONS[1]]


def test_a_title_that_asks_still_lets_its_bold_lines_ask(tmp_path: Path) -> None:
    """The file's ``#`` title holds no answer, even when it asks."""
    path = write(tmp_path / "t.md", "# 面试里常问什么？\n\n**什么是 BN？**\n\n批归一化。\n\n"
                 "**什么是 LN？**\n\n层归一化。\n\n## 附录\n\n**为什么要归一化？**\n\n加快收敛。\n")
    doc = parse_file(path, path.name)
    assert [card.question_text for card in doc.cards] == [
        "什么是 BN？", "什么是 LN？", "为什么要归一化？"]


def test_a_sibling_after_an_asking_heading_votes_again(tmp_path: Path) -> None:
    """Only headings under the one that asks hold its answer: the next ``##`` does not, and
    its numbered bold lines (which ask only in a file of bold questions) vote again."""
    path = write(tmp_path / "s.md", "## 什么是 BN？\n\n### 原理\n\n批归一化。\n\n"
                 "## 常见题\n\n**1. LN**\n\n层归一化。\n\n**2. GN**\n\n组归一化。\n\n"
                 "**3. IN**\n\n实例归一化。\n")
    doc = parse_file(path, path.name)
    assert [card.question_text for card in doc.cards][-3:] == ["1. LN", "2. GN", "3. IN"]
