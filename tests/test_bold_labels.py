"""In a file of bold questions, an answer's numbered bold label with its text on the same
line (``**1. 第一次握手：** 客户端发 SYN。``, ``**(1) 历史连接**：…``) is part of that
answer, not a question with an empty answer that cuts the answer short."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from builder.model import plain_text
from builder.parse.bold import is_numbered_label
from builder.parse.document import parse_file, parse_text

from .conftest import FIXTURES, answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "bold-labels-in-answers.md"
QUESTIONS = ["TCP 三次握手的过程是什么？", "为什么不能只握手两次？", "TIME_WAIT 为什么要等 2MSL？",
             "UDP 和 TCP 有什么区别？"]


def test_numbered_labels_stay_in_the_answer_they_number() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert [card.question_text for card in doc.cards] == QUESTIONS
    assert [card.loc.line for card in doc.cards] == [3, 11, 17, 21]
    first = plain_text(doc.cards[0].answer)
    for said in ("客户端发送 SYN 报文", "服务端回复 SYN+ACK 报文", "第三次握手",
                 "双方进入 ESTABLISHED"):
        assert said in first
    assert "防止已失效的连接请求" in plain_text(doc.cards[1].answer)
    assert "同步序号" in plain_text(doc.cards[1].answer)
    assert not [d for d in doc.diagnostics if d.code == "empty-answer"]


def test_a_bold_number_that_asks_or_stands_alone_is_still_a_question() -> None:
    # Without labels, a line opening with a bold number is still a question where no
    # heading is; so is one whose bold words ask, or whose line asks after the colon.
    text = ("# T\n\n**1)** The number of active ads.\n\nSELECT 1\n\n"
            "**2. 什么是握手：** 描述过程\n\nx\n\n**3. Output:** what does it print?\n\ny\n")
    assert [c.question_text for c in parse_text(text, "q.md").cards] == [
        "1) The number of active ads.", "2. 什么是握手： 描述过程",
        "3. Output: what does it print?"]


def test_what_a_label_is() -> None:
    assert is_numbered_label("1. 第一次握手：", " 客户端发 SYN。")
    assert is_numbered_label("(1) 标签", "：text")
    assert is_numbered_label("2. Push:", " Servers push new data.")
    assert not is_numbered_label("1. 第一次握手：", "  ")  # nothing after the colon
    assert not is_numbered_label("1.", ": the value")  # a number alone labels nothing
    assert not is_numbered_label("第3题：", " 求二叉树的深度")  # says it is a question
    assert not is_numbered_label("2) Factorial", ". Compute n!")  # no colon
    assert not is_numbered_label("1. 为什么要三次：", " 说说原因")  # the bold words ask


def test_anki_gets_the_whole_answer(tmp_path: Path, collection: Collection) -> None:
    _result, package = build_fixture_deck(FIXTURE.stem)
    notes = answers_by_question(imported_notes(collection, package))
    assert sorted(notes) == sorted(QUESTIONS)
    assert "第二次握手" in notes[QUESTIONS[0]] and "SYN+ACK" in notes[QUESTIONS[0]]
    assert "历史连接" in notes[QUESTIONS[1]]
