"""Obsidian tag lines (``#flashcards/HCI/36``, the spaced-repetition plugin's deck marker,
or a vault's ``#rl``): a paragraph of nothing but tags is the tags of the cards after it,
up to the next one, ``/`` parting Anki's tag levels; not a paragraph at the end of the
card above or a section introduction (builder.parse.taglines)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from builder.parse.document import parse_text

from .conftest import build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def test_tag_lines_tag_the_cards_after_them(tmp_path: Path, collection: Collection) -> None:
    result, package = build_fixture_deck("obsidian-tag-lines")
    # The link and the rule above the first tag line are the file's introduction; the tag
    # lines are no one's (they were lines 1-5, and "line 18 under 'Week 35: HTML…'").
    intros = [line for line in result.output.splitlines() if "[section-intro]" in line]
    assert len(intros) == 1 and "lines 1-3 at the top" in intros[0], result.output
    notes = {note["Question"]: note for note in imported_notes(collection, package)}
    tags = {question: set(note.tags) - {t for t in note.tags if t.startswith("obsidian-tag")}
            for question, note in notes.items()}
    assert tags == {
        "<b>What are the essential activities of HCI?</b>": {"flashcards::HCI::35-Intro"},
        "What does CSS stand for?": {"flashcards::HCI::35-Intro"},
        "<b>What is a <i>transfer function</i>?</b>": {"flashcards::HCI::36", "界面"},
    }, tags
    answers = " ".join(note["Answer"] for note in notes.values())
    assert "#flashcards" not in answers and "#界面" not in answers, answers
    assert "#1 is a number, not a tag" in answers


def test_what_is_a_tag_line() -> None:
    doc = parse_text("#rl #强化学习\n\nThe Bellman identity.\n\n#1\n\n#define\nx\n", "term.md")
    (card,) = doc.cards  # a file that is one question: every tag line's tags
    assert card.tags == ("rl", "强化学习"), card
    shown = [node.kind for node in card.answer]
    assert len(shown) == 3, card.answer  # the text, "#1" and "#define x" stay


def test_a_tag_line_below_the_last_question_tags_every_card() -> None:
    """No card comes after it: read as the cards after it, its tags went nowhere, unsaid.
    Obsidian reads a note's tags wherever they are, so they tag the whole file."""
    doc = parse_text("## Q1?\n\nA1\n\n#top\n\n## Q2?\n\nA2\n\n#rl #ml\n", "t.md")
    assert [card.tags for card in doc.cards] == [("rl", "ml"), ("top", "rl", "ml")], doc.cards
