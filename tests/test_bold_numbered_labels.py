"""Lines opening with a bold number and going on after it (``**1. 第一次握手：** 客户端发
SYN。``): inside an answer, numbered from 1 again, they label its points; numbered on from
the questions, they are questions (``**2. Bias-variance:** how …?``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .conftest import answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def test_numbered_labels_stay_in_the_answer_they_number(collection: Collection) -> None:
    result, package = build_fixture_deck("bold-numbered-labels")
    assert "warning" not in result.output.replace("0 warning(s)", ""), result.output
    answers = answers_by_question(imported_notes(collection, package))
    assert list(answers) == ["1. 什么是三次握手？", "2. 什么是四次挥手？",
                             "3. 为什么是三次而不是两次？", "UDP 和 TCP 有什么不同？",
                             "UDP 适合什么场景？"]
    first, last = answers["1. 什么是三次握手？"], answers["3. 为什么是三次而不是两次？"]
    for said in ("第一次握手：", "客户端发 SYN。", "第三次握手：", "客户端回 ACK。"):
        assert said in first, first
    # The last answer's points, numbered 1, 2 with nothing after them, are points too.
    assert "防止旧的连接请求。" in last and "客户端进入 SYN_SENT。" in last, last
    # Under a question without a number, points closed by the next whole bold question.
    assert "UDP 不保证送达。" in answers["UDP 和 TCP 有什么不同？"]


def test_lines_numbered_on_from_the_questions_stay_questions(collection: Collection) -> None:
    result, package = build_fixture_deck("bold-numbered-lead-in-questions")
    assert "warning" not in result.output.replace("0 warning(s)", ""), result.output
    answers = answers_by_question(imported_notes(collection, package))
    assert list(answers) == [
        "1. What is overfitting?", "<b>2. Bias-variance:</b> how does the error of a model split?",
        "<b>3. Regularisation:</b> why penalise large weights?", "4. What is dropout?",
        # A section numbers its questions from 1 again: no answer holds them.
        "<b>1. Batch norm:</b> what does it normalise?",
        "<b>2. Residuals:</b> why do they help?",
        # Numbered after a question without a number, and nothing after them says they
        # are points: the file's questions, as before.
        "Which model should a baseline use?", "<b>1. Trees:</b> when do they win?",
        "<b>2. Linear models:</b> when do they win?"]
    # "1." under question 1 starts again: a point of its answer; the "2." after it is
    # the next question, as "3." and "4." counting on from it show.
    assert "Symptom:" in answers["1. What is overfitting?"]
    assert "Into bias, variance and noise." in answers[
        "<b>2. Bias-variance:</b> how does the error of a model split?"]
