"""Cards between rules, their front parted from their back by a paragraph that is only
``?`` (markdown-flashcards, builder.parse.rulecards): a card a rule, a front that goes on
past its paragraphs asking with them; a lone such run among heading questions stays text."""

from __future__ import annotations

import html
import re
from pathlib import Path

from anki.collection import Collection
from click.testing import CliRunner

from builder.cli import main
from builder.model import plain_text
from builder.parse.document import parse_text

from .conftest import FIXTURES, build_fixture_deck, imported_notes

SPREAD = "How to spread repeated measures into wide format?"


def _text(field: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", field))


def _joined(field: str) -> str:
    """The field's text, its markup left out (highlighted code is a span a token)."""
    return html.unescape(re.sub(r"<[^>]+>", "", field))


def test_each_run_between_rules_is_a_card(tmp_path: Path, collection: Collection) -> None:
    result, package = build_fixture_deck("rule-cards")
    assert result.exit_code == 0, result.output
    assert "warning:" not in result.output, result.output
    notes = {_text(note["Question"]).split()[0]: note for note in
             imported_notes(collection, package)}
    assert sorted(notes) == ["Bullet", "How", "Ordered", "Split"], notes
    # A separator with the back on its next line (no blank line between) parts them too;
    # its lines after the '?' open the back (markdown-flashcards' Markdown deck).
    bullet = _text(notes["Bullet"]["Answer"])
    assert _text(notes["Bullet"]["Question"]).strip() == "Bullet list"
    assert bullet.index("an item") < bullet.index("the back opens on its next line"), bullet
    assert "?" not in bullet, bullet
    spread = notes["How"]
    assert _text(spread["Question"]).strip() == SPREAD
    answer = _joined(spread["Answer"])
    assert "spread(key, value)" in answer and "keep the index column" in answer, answer
    assert "Older tidyr has none." in answer, "a bold question in a card's back is its text"
    split = " ".join(_text(notes["Split"]["Question"]).split())
    assert split == "Split a dataset at random into train and test.", split
    assert "sample_frac" in _text(notes["Split"]["Answer"])
    assert "The list opens" not in _text(notes["Split"]["Answer"])
    # A front that goes on past its paragraph asks with the paragraph; its list opens
    # the answer, before the back.
    assert _text(notes["Ordered"]["Question"]).strip() == "Ordered list"
    ordered = _text(notes["Ordered"]["Answer"])
    assert ordered.index("First item") < ordered.index("Numbers count up.") \
        < ordered.index("The list opens the answer"), ordered
    assert "?" not in ordered and "No blank line after" not in ordered
    explained = CliRunner().invoke(main, ["check", "--explain-structure",
                                          str(FIXTURES / "rule-cards.md")]).output
    assert f"rule-cards.md:7: question '{SPREAD}' [card between rules, '?' paragraph]" \
        in explained, explained


def test_a_lone_run_among_heading_questions_stays_in_its_answer() -> None:
    text = ("## What is BN?\n\nIt normalises.\n\n---\n\nWhy?\n\n?\n\nScale.\n\n"
            "## What is LN?\n\nPer token.\n")
    doc = parse_text(text, "h.md")
    assert [card.question_text for card in doc.cards] == ["What is BN?", "What is LN?"]
    assert "Scale." in plain_text(doc.cards[0].answer)


def test_one_question_mark_message_in_a_chat_log_between_rules_is_no_card(
        tmp_path: Path) -> None:
    """A chat log with a rule between messages: someone answered '?'. One run of that
    shape is no deck (a deck between rules has two cards at least); it stays text."""
    text = ("Standup log\n\n---\n\nDid the deploy go out\n\n?\n\nYes, at noon.\n\n---\n\n"
            "Thanks.\n")
    doc = parse_text(text, "chat.md")
    assert [card.question_text for card in doc.cards] == ["chat"]
    assert "Yes, at noon." in plain_text(doc.cards[0].answer)
    source = tmp_path / "chat.md"
    source.write_text(text, encoding="utf-8")
    explained = CliRunner().invoke(main, ["check", "--explain-structure", "--no-lock",
                                          str(source)]).output
    assert "chat.md:1: question 'chat' [file]" in explained, explained
    assert "card between rules" not in explained, explained


def test_two_runs_between_rules_are_cards() -> None:
    text = ("Deck\n\n---\n\nWhat is BN\n\n?\n\nBatch norm.\n\n---\n\nWhat is LN\n\n?\n\n"
            "Layer norm.\n\n---\n")
    assert [card.question_text for card in parse_text(text, "d.md").cards] == [
        "What is BN", "What is LN"]


def test_a_separator_over_the_back_in_one_paragraph_parts_the_card() -> None:
    # The back is only the separator paragraph's lines after the '?': still answered.
    # (Two cards: a single run between rules is a chat log's message, not a deck.)
    text = ("Intro.\n\n---\n\nWhy scale?\n\n?\nTo keep the variance.\nAnd the mean.\n\n---\n"
            "\nWhy shift?\n\n?\nTo centre.\n\n---\n")
    doc = parse_text(text, "r.md")
    assert [card.question_text for card in doc.cards] == ["Why scale?", "Why shift?"]
    answer = plain_text(doc.cards[0].answer)
    assert "To keep the variance." in answer and "And the mean." in answer, answer
    assert "?" not in answer, answer
    # A front paragraph of two lines keeps both: only a separator's rest opens the back.
    doc = parse_text("Intro.\n\n---\n\nWhy\nscale?\n\n?\nBecause.\n\n---\n\n"
                     "Why shift?\n\n?\nTo centre.\n", "r.md")
    assert [card.question_text for card in doc.cards] == ["Why scale?", "Why shift?"], doc.cards
    assert "scale" not in plain_text(doc.cards[0].answer)
