"""Plain questions marked by the answer label under them: ``1. 请列举…`` then ``**答案：**``
(exam sheets and CSDN posts); a bold line naming a part (``**A：Shared-Bottom model**``)
or a field (``**Example**:``) marks nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from markdown_it.tree import SyntaxTreeNode

from builder.model import plain_text
from builder.parse.answerlabels import asked_above, opens_with_label
from builder.parse.document import parse_file
from builder.parse.markdown import tokenize

from .conftest import (
    FIXTURES,
    answers_by_question,
    build_fixture,
    build_fixture_deck,
    imported_notes,
    write,
)

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "answer-label-questions.md"
QUESTIONS = ["什么是语义化 HTML？有什么好处？（4分）",
             "请列举 3 个 HTML5 新增的结构标签（3分）",
             "2. 存储",
             "以下代码中 div 的宽度是多少？"]


@pytest.mark.parametrize(("line", "labels"), [
    ("**答案：**", True), ("**答案**：用标签", True), ("答：100px", True),
    ("参考答案：B", True), ("A: Machine learning is…", True), ("Answer: yes", True),
    ("**A：Shared-Bottom model**", False),  # a bold line going on: a part's name
    ("答题要求：60 分钟", False), ("A. 选项一", False),
    ("A: 0.5\nB: 1", False),  # a quiz's choices, no answer
    ("A: 1, B: 2", False), ("A: 90，B: 85", False),  # values on one line
    ("A: 90, the best of B and C", True),
])
def test_an_answer_label_opens_a_block(line: str, labels: bool) -> None:
    paragraph = SyntaxTreeNode(tokenize(line + "\n")).children[0]
    assert opens_with_label(paragraph) is labels


def test_the_line_above_an_answer_label_is_a_question() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert [card.question_text for card in doc.cards] == QUESTIONS
    first, second = doc.cards[:2]
    # The numbered heading over them is their section, as a heading over asking bold lines.
    assert first.section_path == second.section_path == ("一、HTML 部分", "1. 语义化（7分）")
    assert [n.kind for n in first.answer] == ["paragraph", "bullet_list"]


def test_a_file_of_labelled_questions_without_headings(tmp_path: Path) -> None:
    path = write(tmp_path / "qa.md", "1. 什么是过拟合？\n\n答：训练好，测试差。\n\n"
                 "2. 请列举三种正则化方法\n\n答案：L1、L2、Dropout。\n")
    doc = parse_file(path, path.name)
    assert [card.question_text for card in doc.cards] == ["什么是过拟合？", "请列举三种正则化方法"]


def test_labelled_questions_import_into_anki(collection: Collection) -> None:
    _result, package = build_fixture_deck(FIXTURE.stem)
    notes = imported_notes(collection, package)
    answers = answers_by_question(notes)
    assert sorted(answers) == sorted(QUESTIONS)
    assert "便于读屏软件" in answers[QUESTIONS[0]]
    assert "答案：" in answers[QUESTIONS[1]] and "article" in answers[QUESTIONS[1]]
    assert "border-box" in answers[QUESTIONS[3]] and "内边距算在宽度里" in answers[QUESTIONS[3]]
    # "**A：Shared-Bottom model**" names a part: the picture above it asks nothing.
    assert "底层共享" in answers[QUESTIONS[3]] and "Shared-Bottom" in answers[QUESTIONS[3]]


@pytest.mark.parametrize(("text", "lines"), [
    ("什么是 BN？\n\n答：归一化。\n", {1}),
    ("1. 请列举三种正则化\n\n**答案：** L1。\n", {1}),
    ("以下输出是什么？\n\n```js\nf()\n```\n\n答：1。\n", {1}),
    ("输出是\n\n```js\nf()\n```\n\n答：1。\n", set()),  # over its code it must ask
    ("**Example**: 两数之和\n\n**Answer**: 用哈希表。\n", set()),  # a field, no question
    ("![结构](a.png)\n\n答：共享底层。\n", set()),  # a picture alone asks nothing
    ("代码如下：\n\n答：见上。\n", set()),  # a lead-in
    ("答：一\n\n答：二\n", set()),
    # The last of many items must ask: the list is the note's points.
    ("1. Each round has ten items.\n2. Ties go to a playoff.\n\nAnswer: collected.\n", set()),
    ("1. 背景介绍\n2. 为什么要用 BN？\n\n答：加速收敛。\n", {2}),
    # A dialogue: "A:" and "B:" are speakers, whether "B:" stands above or after.
    ("点菜时这样说。\n\nA: 你好，我想点菜。\n\nB: 好的，请看菜单。\n\nA: 我要一份。\n", set()),
    ("Q: What is X?\n\nA: y\n\nQ: What is Z?\n\nA: w\n", {1, 5}),  # "Q:" asks
    ("什么是 X？\n\nAnswer: y\n\nB: z\n", {1}),  # a word, no speaker's letter
    # Up to two blocks of the question's own material between it and the label.
    ("输出是什么？\n\n```js\nf()\n```\n\n| a |\n|---|\n| 1 |\n\n答：1。\n", {1}),
    ("输出是什么？\n\n```js\nf()\n```\n\n| a |\n|---|\n| 1 |\n\n```\ng\n```\n\n答：1。\n", set()),
    ("长" * 190 + "？\n\n答：是。\n", {1}),
    ("长" * 250 + "？\n\n答：是。\n", set()),  # a long line is prose, not a question
])
def test_which_lines_an_answer_label_marks(text: str, lines: set[int]) -> None:
    nodes = SyntaxTreeNode(tokenize(text)).children
    assert asked_above(nodes) == lines


@pytest.mark.parametrize(("text", "lines"), [
    ("1. What is ML?\nA: Learning from data.\n", {1}),
    ("什么是过拟合？\n答：训练好测试差。\n", {1}),
    ("Pick one\nA: 0.5\nB: 1\n", set()),  # choices
    ("Scores of the two groups\nA: 90, B: 85\n", set()),  # values on one line
    ("说明如下：\n答：见上。\n", set()),
])
def test_a_label_on_the_next_line_marks_the_line_above(text: str, lines: set[int]) -> None:
    assert asked_above(SyntaxTreeNode(tokenize(text)).children) == lines


def test_the_label_line_begins_the_answer(tmp_path: Path, collection: Collection) -> None:
    """``1. What is ML?`` then ``A: …`` in one item: the first line asks, the label's line
    is the answer (the Hands-On ML exercise notes write every answer so)."""
    source = write(tmp_path / "notes" / "ch1.md",
                   "1. How would you define Machine Learning?\nA: Building systems that learn"
                   " from data.\n\n2. What is a labeled training set?\nA: 带有标记的数据。\n")
    doc = parse_file(source, source.name)
    assert [card.question_text for card in doc.cards] == [
        "How would you define Machine Learning?", "What is a labeled training set?"]
    result = build_fixture(source, "--format", "apkg")
    assert result.exit_code == 0, result.output
    answers = answers_by_question(imported_notes(collection, *tmp_path.rglob("*.apkg")))
    assert "learn from data" in answers["How would you define Machine Learning?"]
    assert "带有标记的数据" in answers["What is a labeled training set?"]


LEETCODE = ("# LeetCode\n\n**What is two sum?**\n\nFind two numbers adding to a target.\n\n"
            "{line}\n\nAnswer: [0,1]\n\n**What is three sum?**\n\nFind three.\n\n"
            "Sample input nums = [-1,0,1]\n\nAnswer: [[-1,0,1]]\n")


@pytest.mark.parametrize(("line", "questions"), [
    # Inside a bold question's answer, a plain line over "Answer:" is that answer's example.
    ("Sample input nums = [2,7,11,15], target = 9",
     ["What is two sum?", "What is three sum?"]),
    # A line that asks opens its card there all the same.
    ("What does it return for [2,7,11,15]?",
     ["What is two sum?", "What does it return for [2,7,11,15]?", "What is three sum?"]),
])
def test_a_label_inside_a_bold_answer(tmp_path: Path, line: str,
                                      questions: list[str]) -> None:
    path = write(tmp_path / "lc.md", LEETCODE.format(line=line))
    doc = parse_file(path, path.name)
    assert [card.question_text for card in doc.cards] == questions
    assert "[0,1]" in plain_text(doc.cards[-2].answer)
    assert "[[-1,0,1]]" in plain_text(doc.cards[-1].answer)


def test_one_label_among_prose_marks_no_question(tmp_path: Path) -> None:
    # Two or more labels mark a file of questions (as under a heading that groups them);
    # one "Answer:" ending a note of facts is that note's text.
    path = write(tmp_path / "facts.md", "# Facts about Python\n\n1. Dynamically typed.\n"
                 "2. Lists are mutable.\n\nCreated by Guido.\n\nTuples are immutable.\n\n"
                 "Answer: all of the above are true.\n")
    (card,) = parse_file(path, path.name).cards
    assert card.question_text == "Facts about Python"
    assert "Tuples are immutable." in plain_text(card.answer)
    assert "all of the above" in plain_text(card.answer)


def test_one_label_leaves_whole_bold_lines_questions(tmp_path: Path) -> None:
    # Nor does that one label count against the file's bold lines: "**Osmosis**" asks
    # nothing and is a question all the same; the label stays in the answer above it.
    path = write(tmp_path / "g.md", "# Glossary\n\n**What is photosynthesis?**\n\nLight.\n\n"
                 "**Osmosis**\n\nWater moves.\n\n**What is diffusion?**\n\nSpreading.\n\n"
                 "**Mitosis**\n\nCell division.\n\nThe sample size was small\n\nA: 12 plants.\n")
    doc = parse_file(path, path.name)
    assert [card.question_text for card in doc.cards] == [
        "What is photosynthesis?", "Osmosis", "What is diffusion?", "Mitosis"]
    assert "12 plants" in plain_text(doc.cards[-1].answer)


@pytest.mark.parametrize(("labelled", "questions"), [
    (1, ["Basics", "What is Y?", "What is Z?"]),  # one label: the heading asks, it holds
    (2, ["什么是 X？", "什么是 W？", "What is Y?", "What is Z?"]),  # two group under it
])
def test_a_heading_groups_two_or_more_labelled_questions(tmp_path: Path, labelled: int,
                                                         questions: list[str]) -> None:
    pairs = ["什么是 X？\n\n答：X 是一种方法。\n\n", "什么是 W？\n\n答：W 是另一种。\n\n"]
    path = write(tmp_path / "g.md", "# Notes\n\n## Basics\n\n" + "".join(pairs[:labelled])
                 + "## What is Y?\n\nY is a thing.\n\n## What is Z?\n\nZ is another.\n")
    assert [card.question_text for card in parse_file(path, path.name).cards] == questions
