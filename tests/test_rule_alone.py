"""A rule (``---``) alone under a heading parts it from what follows: it answers nothing.
A generated note put ``---`` under each part title (``# Libraries``, ``---``, then its
``## 2. What is LangChain?``): read as an answer, the rule made the title a card whose back
was a line, and its questions lost their section. Under a question heading it is an empty
answer, left out with ``empty-answer`` as an empty one is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .conftest import answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def test_a_title_over_a_rule_is_a_section(collection: Collection) -> None:
    result, package = build_fixture_deck("rule-under-heading")
    assert result.exit_code == 0, result.output
    assert "sections #, questions ##" in result.output, result.output
    notes = imported_notes(collection, package)
    decks = {note["Question"]: note.deck for note in notes}
    assert decks == {"1. How is a model trained?": "rule-under-heading::Basics",
                     "2. What is LangChain?": "rule-under-heading::Libraries",
                     "3. What is AutoGen?": "rule-under-heading::Libraries",
                     "What is RAG?": "rule-under-heading",
                     "Why use a graph database?": "rule-under-heading"}, decks
    answers = answers_by_question(notes)
    assert "A framework." in answers["2. What is LangChain?"]
    assert all(answer.strip() not in ("", "<hr>", "<hr />") for answer in answers.values())


def test_a_question_answered_by_a_rule_alone_is_empty(collection: Collection) -> None:
    result, package = build_fixture_deck("rule-only-answer")
    assert (":4:5: warning: empty answer: '什么是欠拟合？' is left out of the deck "
            "[empty-answer]") in result.output, result.output
    answers = answers_by_question(imported_notes(collection, package))
    assert sorted(answers) == ["什么是正则化？", "什么是过拟合？"], answers
