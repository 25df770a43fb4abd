"""Decks written for mdanki and ankdown: the front's lines above a paragraph ``%`` ask."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from click.testing import CliRunner

from builder.cli import main
from builder.model import plain_text
from builder.parse.document import parse_file, parse_text

from .conftest import FIXTURES, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "mdanki-front-back.md"


def test_the_front_above_the_separator_is_the_question() -> None:
    doc = parse_file(FIXTURE, "mdanki-front-back.md")
    cards = {card.question_text: card for card in doc.cards}
    # The key's text is the heading's: rewording the front keeps the note.
    assert list(cards) == ["YAGNI", "Datasets", "Hostile front", "Bare separator", "Plain card"]
    yagni = cards["YAGNI"]
    assert "why $O(n)$ work" not in plain_text(yagni.answer)
    assert "Describe this acronym" in plain_text(yagni.question)
    assert [n.kind for n in yagni.question if n.kind == "math_inline"] == ["math_inline"]
    assert plain_text(yagni.answer).startswith('"You aren')
    datasets = cards["Datasets"]
    assert "What are they?" in plain_text(datasets.question)
    assert "Name all three." in plain_text(datasets.question)
    assert [n.kind for n in datasets.answer] == ["bullet_list"]  # no '%' left on the back
    assert [n.kind for n in cards["Bare separator"].answer] == ["paragraph"]
    assert plain_text(cards["Bare separator"].question) == "Bare separator"
    assert "50 % of it" in plain_text(cards["Plain card"].answer)  # a '%' in text parts nothing


def test_a_front_with_more_than_paragraphs_stays_as_written() -> None:
    doc = parse_text("## Q\n\n- a list\n\n%\n\nback\n", "l.md")
    (card,) = doc.cards
    assert plain_text(card.question) == "Q"
    assert "a list" in plain_text(card.answer) and "back" in plain_text(card.answer)


def test_mdanki_deck_imports_into_anki(tmp_path: Path, collection: Collection) -> None:
    source = tmp_path / "notes" / FIXTURE.name
    source.parent.mkdir()
    shutil.copy(FIXTURE, source)
    result = CliRunner().invoke(main, ["build", "notes", "--no-lock"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (package,) = Path("dist").glob("*.apkg")
    notes = {note["Question"].split("<br>")[0]: note
             for note in imported_notes(collection, package)}
    assert set(notes) == {"YAGNI", "Datasets", "Hostile front", "Bare separator", "Plain card"}
    yagni = notes["YAGNI"]
    assert "Describe this acronym" in yagni["Question"]
    assert 'class="math' in yagni["Question"]  # the front's formula is drawn, as media
    assert "Describe this acronym" not in yagni["Answer"]
    for field in (yagni["Question"], yagni["Answer"], notes["Datasets"]["Answer"]):
        assert "<p>%</p>" not in field
    datasets = notes["Datasets"]
    assert "What are they?" in datasets["Question"] and "<b>three</b>" in datasets["Question"]
    assert "<li>" in datasets["Answer"] and "Different datasets" not in datasets["Answer"]
    hostile = notes["Hostile front"]["Question"]
    assert "Which tag runs here?" in hostile
    assert "onerror" not in hostile and "<script" not in hostile
    # Every file its front names is in the media folder: imported_notes asserts it.
    # The PDF shows the front under its question too.
    from pypdf import PdfReader

    (pdf,) = Path("dist").glob("*.pdf")
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Describe this acronym" in text and "What are they?" in text


ANKDOWN = FIXTURES / "ankdown-deck.md"
ANKDOWN_QUESTIONS = ["Expected value of f(x)", "What does a softmax output? Give its range too.",
                     "Why subtract the maximum before exp?"]


def test_an_ankdown_file_is_a_card_per_rule() -> None:
    doc = parse_file(ANKDOWN, ANKDOWN.name)
    assert [card.question_text for card in doc.cards] == ANKDOWN_QUESTIONS
    assert [card.loc.line for card in doc.cards] == [1, 13, 22]
    assert [card.end_line for card in doc.cards] == [11, 20, 26]  # the rule closing each
    first, second, _ = doc.cards
    assert [f.tex for f in first.formulas] == ["f(x)", r"\mathbb{E}[f(x)] = \sum_x p(x)f(x)"]
    assert [f.tex for f in second.formulas] == ["(0, 1)"]
    # ankdown's third field, a few words parted by commas, is the card's tags.
    assert [n.kind for n in first.answer] == ["math_block"]
    assert [card.tags for card in doc.cards] == [("math", "probability"), (), ()]
    assert not [d for d in doc.diagnostics if d.severity == "error"]


def test_a_file_with_a_run_that_is_no_card_stays_one_question() -> None:
    text = "An introduction with no separator.\n\n---\n\nWhat is BN?\n\n%\n\nIt normalises.\n"
    doc = parse_text(text, "intro.md")
    (card,) = doc.cards
    assert "An introduction" in plain_text(card.answer) and "It normalises" in plain_text(
        card.answer)


def test_ankdown_deck_imports_into_anki(tmp_path: Path, collection: Collection) -> None:
    _result, package = build_fixture_deck(ANKDOWN.stem)
    # Every file a note names is in the media folder: imported_notes asserts it.
    notes = imported_notes(collection, package)
    assert len(notes) == len(ANKDOWN_QUESTIONS)
    fields = {note["Answer"]: note for note in notes}
    softmax = next(note for note in fields.values() if "softmax" in note["Question"])
    assert "Give its range too." in softmax["Question"]
    assert "softmax" not in softmax["Answer"] and "probability distribution" in softmax["Answer"]
    expected = next(note for note in fields.values() if "Expected value" in note["Question"])
    assert 'class="math' in expected["Question"] and 'class="math' in expected["Answer"]
    assert {"math", "probability"} <= set(expected.tags), expected.tags
    assert "probability" not in expected["Answer"], expected["Answer"]
    for note in fields.values():
        assert ">%<" not in note["Question"] + note["Answer"]
        assert ">%%<" not in note["Question"] + note["Answer"]


def test_tag_fields_and_tag_links_are_the_cards_tags(tmp_path: Path,
                                                      collection: Collection) -> None:
    """mdanki's line of tag links and ankdown's third ``%`` field of words tag their card,
    not its back; a third field of prose stays on the back (its ``%`` left out), a link to
    a ticket ``[#4907 …](https://…)`` is a link, and a tag line below the last question
    tags every card of the file (builder.parse.frontback.card_tags, parse.taglines)."""
    result, package = build_fixture_deck("mdanki-tags")
    # A link to a heading is a link (the card cannot jump there), not a tag.
    assert [line for line in result.output.splitlines() if "warning:" in line] == [
        "notes/mdanki-tags.md:41:1: warning: link to '#binary-tree' kept as text only: a card "
        "cannot jump to a heading [link-removed]"], result.output
    notes = {note["Question"]: note for note in imported_notes(collection, package)}
    tags = {question: sorted(set(note.tags) - {"算法卡片", "flashcards::算法"})
            for question, note in notes.items()}
    assert tags == {
        "Binary tree<br>What is a binary tree?": ["OOP", "algorithms", "binary_tree"],
        "什么是过拟合？": ["ml", "过拟合"],
        "Tail recursion<br>What is a tail call?": [],
        "为什么 WebP 动图解码慢？": []}, tags
    assert all("flashcards::算法" in note.tags for note in notes.values()), notes
    answers = {question: note["Answer"] for question, note in notes.items()}
    assert answers["Binary tree<br>What is a binary tree?"] == (
        "<p>A tree whose nodes have at most two children.</p>")
    assert answers["什么是过拟合？"] == "<p>模型记住了训练数据的噪声。</p>"
    assert answers["Tail recursion<br>What is a tail call?"] == (
        "<p>A call in tail position.</p>"
        "<p>Compare it with ordinary recursion: the caller's frame is reused.</p>")
    assert "#Binary tree" in answers["为什么 WebP 动图解码慢？"]
    assert '<a href="https://trac.ffmpeg.org/ticket/4907">#4907 open enhancement</a>' in \
        answers["为什么 WebP 动图解码慢？"]
