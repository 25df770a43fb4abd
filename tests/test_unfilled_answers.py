"""Answers that only hold a place in a generated question bank ("**Answer:** _[To be
filled]_" under most of its questions, a rule between them; "Be the first to
contribute!") are empty answers: left out of the deck with an ``empty-answer`` warning,
as "TODO" is (a public ML question bank showed the first under dozens of questions in
each file, hunt-cards; each was a card answering "Answer: [To be filled]")."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .conftest import FIXTURES, answers_by_question, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def test_unfilled_answers_are_left_out(collection: Collection) -> None:
    result = build_fixture(FIXTURES / "unfilled-answers.md", "--no-lock")
    assert result.exit_code == 0, result.output
    assert ("n.md:11:4: warning: empty answer: 'Question 2: Explain overfitting.' only "
            "holds the placeholder 'Answer: [To be filled]' and is left out of the deck "
            "[empty-answer]") in result.output, result.output
    assert ("n.md:19:4: warning: empty answer: 'Question 3: What is a confusion matrix?' "
            "only holds the placeholder 'Be the first to contribute!'") in result.output
    (package,) = Path("dist").glob("*.apkg")
    answers = answers_by_question(imported_notes(collection, package))
    assert sorted(answers) == ["Question 1: What is machine learning?",
                               "Question 4: What is variance?"], answers
    assert "Learning a task from examples" in answers["Question 1: What is machine learning?"]
