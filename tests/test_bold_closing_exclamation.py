"""A closing bold exclamation after the last answer (``**You are ready. Go get that
job!**`` below a ``---``) in a file of bold questions is said, not asked: it stays text on
the last card's back, not a question with an empty answer left out of the deck."""

from __future__ import annotations

from typing import TYPE_CHECKING

from builder.model import plain_text
from builder.parse.document import parse_file, parse_text

from .conftest import FIXTURES, answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from pathlib import Path

    from anki.collection import Collection

FIXTURE = FIXTURES / "bold-closing-exclamation.md"
CLOSING = "You see the world clearly now. Go build the future!"


def test_the_closing_exclamation_is_the_last_answer_s_text() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert [card.question_text for card in doc.cards] == [
        "Q: Design a perception stack for a self-driving car.",
        "Q: Design a photo filter app.", "Transfer learning"]
    assert plain_text(doc.cards[-1].answer).endswith(CLOSING)
    assert not [d for d in doc.diagnostics if d.code == "empty-answer"]


def test_a_whole_bold_line_that_exclaims_mid_file_is_text_too() -> None:
    doc = parse_text("# T\n\n**Q: What is BN?**\n\nIt normalises.\n\n**Dropout**\n\n"
                     "Drops units.\n\n**Remember this one!**\n\nIt comes up.\n", "n.md")
    assert [card.question_text for card in doc.cards] == ["Q: What is BN?", "Dropout"]
    assert "Remember this one!" in plain_text(doc.cards[-1].answer)


def test_an_exclaimed_question_still_asks() -> None:
    doc = parse_text("# T\n\n**Q: What is BN?**\n\nIt normalises.\n\n**Why BN?!**\n\n"
                     "Faster training.\n", "n.md")
    assert [card.question_text for card in doc.cards] == ["Q: What is BN?", "Why BN?!"]


def test_anki_gets_the_closing_line_on_the_last_card(tmp_path: Path,
                                                      collection: Collection) -> None:
    result, package = build_fixture_deck(FIXTURE.stem)
    assert "empty-answer" not in result.output
    notes = answers_by_question(imported_notes(collection, package))
    assert len(notes) == 3
    assert "Go build the future!" in notes["Transfer learning"]
