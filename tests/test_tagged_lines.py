"""A line tagged ``#card`` or ``#flashcard`` asks, the lines after it answer: Obsidian's
Flashcards plugin (``What is X? #card`` over its answer), obsidian_to_anki's NeuraCache
style (``… #flashcard #MIT #CNN`` over a tab-indented answer, ``---`` between cards) and
NeuraCache (an answer of several blocks ended by ``- - -``; the tagged line may follow
other lines of its paragraph, which are not the card's).  NeuraCache's own example
note and public vaults (hunt-cards) were one card named by the file.  The tags that end
the line are the card's tags; a rule after a card ends it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pypdf
from click.testing import CliRunner

from builder.cli import main

from .conftest import FIXTURES, answers_by_question, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

    from .conftest import ImportedNote

ANSWERS = {
    "How do you start the services in the background?":
        "<p><code>docker compose up -d</code></p>",
    "Why run a container detached?":
        "<ul><li>The terminal stays free</li><li>The container keeps running</li></ul>",
    "What does a convolution compute?":
        "<p>A weighted sum of each patch of the input, slid over the image.</p>",
    "What is the receptive field of a feature?":
        "<p>The patch of the previous layer that one output cell sees.</p>",
}
BOHR = "Radii of stable orbits in the Bohr model"
SHEET_ONLY = ("A few notes about #flashcards in general, no card here.",
              # The line above a tagged one in its paragraph (NeuraCache's "Let's try:").
              "Now a card of several blocks:",
              "Text after the last rule belongs to no card.")


def test_tagged_lines_are_questions(collection: Collection) -> None:
    output, notes = _built_notes("tagged-lines.md", collection)
    assert ("n.md:7:1: note: lines 7, 24, 33 under 'Containers' are outside the questions: "
            "shown in the cheat sheet only") in output, output
    answers = answers_by_question(notes)
    bohr = answers.pop(BOHR)
    assert answers == ANSWERS
    # The answer of several blocks, up to the rule: the formula, then the paragraph.
    assert bohr.startswith('<div class="math-display"><img class="math"'), bohr
    assert bohr.endswith("<p>They grow with the square of the level.</p>"), bohr
    tags = {note["Question"]: set(note.tags) for note in notes}
    assert tags["What does a convolution compute?"] >= {"MIT", "CNN"}, tags
    assert "physics" in tags[BOHR] and "MIT" not in tags[BOHR], tags
    assert not {"MIT", "CNN", "physics"} & tags["Why run a container detached?"], tags
    cards = " ".join(f"{note['Question']} {note['Answer']}" for note in notes)
    assert [words for words in SHEET_ONLY if words in cards] == [], cards
    (sheet,) = Path("dist").glob("*.pdf")
    text = " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(sheet).pages)
                    .split())
    assert [words for words in SHEET_ONLY if words not in text] == [], text


def test_explain_structure_names_tagged_lines() -> None:
    notes = Path("n.md")
    notes.write_text((FIXTURES / "tagged-lines.md").read_text(encoding="utf-8"),
                     encoding="utf-8")
    out = CliRunner().invoke(main, ["check", "--explain-structure", str(notes)])
    assert out.exit_code == 0, out.output
    assert "because 5 flashcard-tool card(s) read as questions" in out.output, out.output
    assert ("n.md:16: question 'What does a convolution compute?' [#card line]"
            in out.output), out.output


def test_neuracache_micro_cards(collection: Collection) -> None:
    """``question : answer ⚡️`` (or ``🧠``), tags after the mark: each line a card, even
    two in one paragraph; the paragraph's other lines are not theirs."""
    _, notes = _built_notes("neuracache-micro.md", collection)
    assert answers_by_question(notes) == {
        "Who was the first president of the USA?": "<p>George Washington</p>",
        "How many people are bitten by snakes each year?": "<p>5.3M</p>",
        "What is the boiling point of water at sea level?": "<p>100 °C</p>"}
    tags = {note["Question"]: set(note.tags) for note in notes}
    assert {"nature", "travel"} <= tags["How many people are bitten by snakes each year?"]
    assert not {"nature", "travel"} & tags["Who was the first president of the USA?"]
    (sheet,) = Path("dist").glob("*.pdf")
    text = " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(sheet).pages)
                    .split())
    for words in ("Some micro cards to start:", "A line of the same paragraph that is no card",
                  "std::move, and a time 10 : 30 are no card."):
        assert words in text, text


def test_micro_card_tags_are_read_as_tagged_lines_read_them(collection: Collection) -> None:
    """A tag may start with digits when a letter follows (``#1a``, ``#2nd-year``), after a
    micro card's mark as after ``#card``: the lines are cards, with those tags."""
    _, notes = _built_notes("micro-digit-tags.md", collection)
    assert answers_by_question(notes) == {
        "Which vitamin needs sunlight?": "<p>Vitamin D</p>",
        "Which vitamin do citrus fruits give?": "<p>Vitamin C</p>",
        "Which vitamin do carrots give?": "<p>Vitamin A</p>"}
    tags = {note["Question"]: set(note.tags) for note in notes}
    assert {"d3", "1a"} <= tags["Which vitamin needs sunlight?"], tags
    assert "2nd-year" in tags["Which vitamin do citrus fruits give?"], tags


def _built_notes(fixture: str, collection: Collection) -> tuple[str, list[ImportedNote]]:
    """Build ``tests/fixtures/FIXTURE`` with no lock and import its package into the real
    Anki: what the build printed, and the notes."""
    result = build_fixture(FIXTURES / fixture, "--no-lock")
    assert result.exit_code == 0, result.output
    (package,) = Path("dist").glob("*.apkg")
    return result.output, imported_notes(collection, package)
