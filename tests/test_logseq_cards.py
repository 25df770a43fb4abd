"""Logseq's flashcards: an outline block tagged ``#card`` asks, its nested blocks answer,
at any depth of the page's outline (nikneal91/knowledge_graph and JKYang01/Logseq_Notes,
hunt-cards: each page was one card named by the file).  The tag is left out of the
question; blocks that are no card stay on the sheet, in no card."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pypdf
from click.testing import CliRunner

from builder.cli import main

from .conftest import FIXTURES, answers_by_question, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

CARDS = {
    "What is the cost of reading an array element?": "<ul><li>O(1), by its index</li></ul>",
    "Amortized append": "<ul><li><b>Definition:</b> appending to a dynamic array costs O(1) "
                        "on average</li><li>Doubling the capacity keeps the copies rare</li>"
                        "<li>When does one append cost O(n)? #card<ul><li>When the array is "
                        "full and is copied</li></ul></li></ul>",
    # A card under a card is one too (Logseq shows it in the answer above as well).
    "When does one append cost O(n)?": "<ul><li>When the array is full and is copied</li></ul>",
    # The tags that end the line are the card's (below), not its words.
    "<b>Question</b>: Why is inserting at the front slow?":
        "<ul><li>Every element moves one place: O(n)</li></ul>",
}
# Blocks of the outline that are no card (nor hold one): on the sheet, in no card.
SHEET_ONLY = ("Notes on arrays that are no card", "they stay on the sheet",
              "Write about #cards some day, no card here", "nested words of a plain block",
              "inside code is no tag", "nor is this a card", "Data Structures",
              "an answer under a tag alone")


def test_card_items_are_questions_with_nested_answers(collection: Collection) -> None:
    result = build_fixture(FIXTURES / "logseq-cards.md", "--no-lock")
    assert result.exit_code == 0, result.output
    assert "n.md: no sections, questions flashcard-tool cards" in result.output, result.output
    (package,) = Path("dist").glob("*.apkg")
    notes = imported_notes(collection, package)
    assert answers_by_question(notes) == CARDS
    tags = {note["Question"]: note.tags for note in notes}
    assert "arrays" in tags["<b>Question</b>: Why is inserting at the front slow?"], tags
    assert "arrays" not in tags["Amortized append"], tags
    assert not [note["Question"] for note in notes if "#card" in note["Question"]]
    cards = " ".join(f"{note['Question']} {note['Answer']}" for note in notes)
    assert [words for words in SHEET_ONLY if words in cards] == [], cards
    (sheet,) = Path("dist").glob("*.pdf")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(sheet).pages)
    text = " ".join(text.split())
    assert [words for words in (*SHEET_ONLY, "Why is inserting at the front slow?",
                                "Doubling the capacity keeps the copies rare")
            if words not in text] == [], text


def test_explain_structure_names_card_items() -> None:
    notes = Path("n.md")
    notes.write_text((FIXTURES / "logseq-cards.md").read_text(encoding="utf-8"),
                     encoding="utf-8")
    out = CliRunner().invoke(main, ["check", "--explain-structure", str(notes)])
    assert out.exit_code == 0, out.output
    assert ("because 4 flashcard-tool card(s) read as questions, more than the 0 heading(s) "
            "that do" in out.output), out.output
    assert ("n.md:7: question 'What is the cost of reading an array element?' [#card item]"
            in out.output), out.output
    assert "n.md:11: question 'Amortized append' [#card item]" in out.output, out.output


def test_card_tag_inside_an_items_sentence_is_the_authors_word(
        collection: Collection) -> None:
    """Logseq writes ``#card`` last or first on a block; ``Name the class with #card in
    the stylesheet`` is the author's sentence: in the sheet, word and all, not a card."""
    result = build_fixture(FIXTURES / "logseq-card-word.md", "--no-lock")
    assert result.exit_code == 0, result.output
    (package,) = Path("dist").glob("*.apkg")
    answers = answers_by_question(imported_notes(collection, package))
    assert set(answers) == {"What does an id selector look like?", "Specificity order"}, \
        answers
    (sheet,) = Path("dist").glob("*.pdf")
    text = " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(sheet).pages)
                    .split())
    assert "Name the class with #card in the stylesheet, then reuse it." in text, text
    assert "One rule for every card on the page." in text, text
