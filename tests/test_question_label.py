"""Headings labelled "Question N:" ask, whatever follows the label (an imperative too)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from builder.model import plain_text
from builder.parse import phrases
from builder.parse.document import parse_file
from builder.parse.phrases import question_reason

from .conftest import FIXTURES, answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "question-label-imperative.md"
QUESTIONS = ["Question 1: Explain why Adam needs bias correction.",
             "Question 2: Discuss the role of the learning rate",
             "Question 3: Compare SGD with momentum and Adam"]


@pytest.mark.parametrize(("text", "asks"), [
    ("Question 2: Discuss the role of the learning rate", True),
    ("question 12. Implement k-means", True),
    ("Exercise 3: Prove the bound", True),
    ("题目2：手写 softmax", True),
    ("Question bank", False),  # the word alone labels nothing
    ("Problem 1: Overfitting", False),  # a problem met, as often as one set
    ("问题 1：内存泄漏", False),
])
def test_a_question_label_asks(text: str, asks: bool) -> None:
    assert (question_reason(text) is not None) is asks


def test_a_q_number_stays_numbered() -> None:
    """"Q2:" counts as numbering (half), as before: read as asking outright it re-read files
    that mix "## Q23: …" and "### Q1: …" questions at the wrong level."""
    assert question_reason("Q2: Discuss the role of the learning rate") == "numbered"


def test_labelled_imperative_headings_are_the_questions() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert [card.question_text for card in doc.cards] == QUESTIONS
    first = doc.cards[0]
    # The parts under a question are its answer, not questions of their own.
    assert [n.kind for n in first.answer] == ["heading", "paragraph", "heading", "paragraph"]
    assert "far too small" in plain_text(first.answer)


def test_labelled_questions_import_into_anki(tmp_path: Path, collection: Collection) -> None:
    _result, package = build_fixture_deck(FIXTURE.stem)
    notes = imported_notes(collection, package)
    assert len(notes) == len(QUESTIONS)
    answers = answers_by_question(notes)
    assert sorted(answers) == QUESTIONS
    assert "Why it matters" in answers[QUESTIONS[0]]
    assert "Warm up, then decay." in answers[QUESTIONS[1]]


Q_LINES = ["Q1. what’s the difference between an image and a container?",
           "Q2. how do volumes differ from bind mounts?"]


def test_plain_numbered_q_lines_are_questions(tmp_path: Path, collection: Collection) -> None:
    """``Q1. what’s …?`` opening a paragraph, its answer the bullets under it, asks as
    ``Q: …`` does; ``Q3. Revenue grew …`` (a quarter) asks nothing and stays text."""
    result, package = build_fixture_deck("q-number-dot-lines")
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    answers = answers_by_question(imported_notes(collection, package))
    assert sorted(answers) == Q_LINES, sorted(answers)
    assert "a container runs it" in answers[Q_LINES[0]]
    assert "Revenue grew by a tenth." in answers[Q_LINES[1]]


@pytest.mark.parametrize(("line", "asks"), [
    ("Q1. Was a strong quarter: revenue up 12%.", False),  # a report, not German "Was"
    ("Q4. When revenue fell, we cut costs.", False),
    ("Q2. Is the best quarter yet!", False),
    ("Q1. Explain Docker volumes.", True),
    ("Q1. What’s a container.", True),
    ("Q3. how do volumes differ from bind mounts", True),  # no full stop: asks as before
    ("Q2. Was a strong quarter?", True),
])
def test_a_numbered_q_sentence_asks_only_by_a_word_that_opens_no_statement(
        line: str, asks: bool) -> None:
    assert phrases.is_asked_line(line) is asks
