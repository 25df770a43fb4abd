"""A closing bold exclamation after the last answer (``**You are ready. Go get that
job!**`` below a ``---``) in a file of bold questions is said, not asked: it stays text on
the last card's back, not a question with an empty answer left out of the deck."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

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


def test_whole_bold_lines_that_exclaim_with_answers_stay_cards() -> None:
    # Each has its answer below it: cards with the keys they always had, not text folded
    # into "Dropout"'s answer with no diagnostic.
    doc = parse_text("# T\n\n**What is overfitting?**\n\nFitting noise.\n\n**Dropout**\n\n"
                     "Random zeroing.\n\n**Hello, World!**\n\nThe first program.\n\n"
                     "**Go build it**!\n\nA tutorial.\n\n**Yahoo!**\nA web portal.\n",
                     "n.md")
    assert [(card.key, plain_text(card.answer)) for card in doc.cards] == [
        ("T / what is overfitting?", "Fitting noise."), ("T / dropout", "Random zeroing."),
        ("T / hello, world!", "The first program."), ("T / go build it", "A tutorial."),
        ("T / yahoo!", "A web portal.")]


@pytest.mark.parametrize("after", ["", "\n## Next\n\nA heading's text.\n",
                                   "\n**Why BN?**\n\nFaster training.\n"])
@pytest.mark.parametrize("closing", ["**Go build the future!**", "**Go build it**!",
                                     "**加油！**"])
def test_an_exclaiming_line_with_no_answer_is_the_card_before_s_text(closing: str,
                                                                     after: str) -> None:
    doc = parse_text("# T\n\n**What is overfitting?**\n\nFitting noise.\n\n**Dropout**\n\n"
                     f"Random zeroing.\n\n---\n\n{closing}\n{after}", "n.md")
    cards = {card.question_text: plain_text(card.answer) for card in doc.cards}
    assert cards["Dropout"] == "Random zeroing." + closing.replace("*", "")
    assert not [d for d in doc.diagnostics if d.code == "empty-answer"]


def test_a_closing_list_item_that_exclaims_is_text() -> None:
    doc = parse_text("# T\n\n- **What is overfitting?**\n  Fitting noise.\n"
                     "- **Dropout**\n  Random zeroing.\n- **Good luck!**\n", "n.md")
    assert [card.question_text for card in doc.cards] == ["What is overfitting?", "Dropout"]
    assert not [d for d in doc.diagnostics if d.code == "empty-answer"]


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
