"""In a file of bold questions, a colon-ended bold line numbered on from the bold question
before it (``**3. …报如下错误：**`` after ``**2. …？**``) is a question; a bold label
(``**作用：**``) and a line that skips the numbering stay answer text."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from markdown_it.tree import SyntaxTreeNode

from builder.model import plain_text
from builder.parse.document import parse_file

from .conftest import FIXTURES, answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "bold-colon-questions.md"
QUESTIONS = ["1. 如何同时安装Python3和Python2？", "2. Conda更新很慢怎么办？",
             "3. 在Mac环境下运行Jupyter Notebook报如下错误：",
             "4. 运行Conda命令时出现“Missing write permissions”错误："]


def test_numbered_colon_lines_are_questions_labels_are_not() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert [card.question_text for card in doc.cards] == QUESTIONS
    assert "作用：" in plain_text(doc.cards[0].answer)
    assert "提高 iopub_data_rate_limit" in plain_text(doc.cards[2].answer)
    assert "这一行跳过了编号" in plain_text(doc.cards[3].answer)
    assert "另一种做法：" in plain_text(doc.cards[3].answer)  # numbered on, but a label's few words


def test_anki_gets_each_question(tmp_path: Path, collection: Collection) -> None:
    _result, package = build_fixture_deck(FIXTURE.stem)
    notes = answers_by_question(imported_notes(collection, package))
    assert sorted(notes) == sorted(QUESTIONS)
    assert "IOPub data rate exceeded." in notes[QUESTIONS[2]]
    assert "管理员身份" in notes[QUESTIONS[3]] and "管理员身份" not in notes[QUESTIONS[2]]


def test_an_answer_s_own_numbered_labels_stay_in_it() -> None:
    """Labels numbered on from their question (``**2. 第二次握手的具体过程：**`` under
    ``**1. …？**``) are the answer's points when the next question repeats their number."""
    from builder.parse.document import parse_text

    doc = parse_text("# 网络\n\n**1. 什么是TCP三次握手？**\n\n**1. 第一次握手的具体过程：**\n\n"
                     "客户端发 SYN。\n\n**2. 第二次握手的具体过程：**\n\n服务端回 SYN+ACK。\n\n"
                     "**3. 第三次握手的具体过程：**\n\n客户端回 ACK。\n\n"
                     "**2. 什么是四次挥手？**\n\n四次。\n", "n.md")
    assert [card.question_text for card in doc.cards] == ["1. 什么是TCP三次握手？",
                                                         "2. 什么是四次挥手？"]
    assert "客户端回 ACK。" in plain_text(doc.cards[0].answer)


def test_colon_lines_are_looked_for_only_in_a_file_of_bold_questions(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading every bold line again for numbered colon lines is for a file read by its
    bold questions: a file of heading questions with bold lines in it skips it."""
    from builder.parse import colonquestions, survey
    from builder.parse.document import parse_text

    calls: list[int] = []

    def counted(nodes: Sequence[SyntaxTreeNode]) -> frozenset[int]:
        calls.append(len(nodes))
        return colonquestions.numbered_colon_lines(nodes)

    monkeypatch.setattr(survey, "numbered_colon_lines", counted)
    headed = parse_text("# T\n\n## 基础\n\n**什么是 A？**\n\nx\n\n### 什么是 B？\n\ny\n\n"
                        "### 什么是 C？\n\nz\n", "h.md")
    assert "什么是 B？" in [c.question_text for c in headed.cards] and calls == []
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert [card.question_text for card in doc.cards] == QUESTIONS and len(calls) == 1
