"""A list item that asks, then a box titled only "Answer" after its list (a Quarto or
MkDocs quiz): the box is the item's answer, and the item a card."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from builder.model import Card, plain_text, walk_all
from builder.parse import answerboxes
from builder.parse.answerboxes import MAX_SHOWN, is_answer_title
from builder.parse.document import parse_text

from .conftest import answers_by_question, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection
    from markdown_it.token import Token

FIXTURE = Path(__file__).parent / "fixtures" / "answer_boxes.md"
OTHERS = FIXTURE.with_name("answer_boxes_other_syntaxes.md")
NUMBERED = FIXTURE.with_name("answer_boxes_numbered.md")
QUIZ = ["What does max pooling keep?",
        "Explain why pooling makes features shift invariant.",
        "How many weights does a 2x2 pooling layer have?",
        "Look at this layer. What does it return for a 4x4 input?"]


def test_answer_titles() -> None:
    assert all(map(is_answer_title, ["Answer", "Antwort", "答案", "Solution:", " lösung "]))
    assert not any(map(is_answer_title, ["Hint", "Note", "Why?", "Answer the question"]))


def test_items_over_answer_boxes_are_cards_and_other_boxes_stay() -> None:
    doc = parse_text(FIXTURE.read_text(encoding="utf-8"), "answer_boxes.md")
    cards = {card.question_text: card for card in doc.cards}
    assert list(cards)[:4] == QUIZ
    first = plain_text(tuple(walk_all(cards[QUIZ[0]].answer)))
    assert "The strongest response" in first and "drops where" in first
    assert "shift" not in first and "rarely changes" in plain_text(
        tuple(walk_all(cards[QUIZ[1]].answer)))
    # A heading that asks keeps its points and its "Answer" box in its one answer.
    dropout = plain_text(tuple(walk_all(cards["What does dropout do?"].answer)))
    assert "Some are switched off" in dropout and "switches random units off" in dropout
    assert "Why is dropout a regulariser?" in dropout  # a follow-up, with its hint
    assert "Think of an ensemble" in dropout
    assert len(cards) == 6
    # Options listed under the question go with it.
    first = plain_text(tuple(walk_all(cards["Which model do you try first?"].answer)))
    assert "a ResNet trained from scratch" in first and "cheapest strong baseline" in first
    layer = cards[QUIZ[3]].answer  # what it shows (text, code), then its answer box
    assert [n.kind for n in layer][:4] == ["paragraph", "code_block", "callout", "callout"], [
        n.kind for n in layer]  # a hint box before the Answer box goes with it too
    assert "Each window gives one number" in plain_text(tuple(walk_all(layer)))


def _answer_text(card: Card) -> str:
    return plain_text(tuple(walk_all(card.answer)))


def test_a_numbered_item_over_an_answer_box_asks_whatever_it_reads_like() -> None:
    """A quiz's item alone in its list, then its "Antwort" box (over what the question
    shows): a card however long it runs or however it ends; over sub-questions the box
    answers together, the item takes them; a list of options under a bold question does
    not take that question's box."""
    doc = parse_text(NUMBERED.read_text(encoding="utf-8"), "answer_boxes_numbered.md")
    cards = {card.loc.line: card for card in doc.cards}
    assert sorted(cards) == [9, 17, 32, 43], [(c.loc.line, c.question_text) for c in doc.cards]
    assert len(cards[9].question_text) > 300 and cards[9].question_text.endswith("Dokumentation.")
    assert "stride=(2, 1)" in _answer_text(cards[9])
    drawn = _answer_text(cards[17])  # its settings, its figure, then its answer
    assert "CONV2" in drawn and "Zwei Convs" in drawn and "7x7" in drawn
    logits = _answer_text(cards[32])
    assert "Wieviele Klassen" in logits and "Summe ist immer 1.0" in logits
    assert cards[32].question_text == "Sie haben folgende logits [3.0, 1.0, 1.0]."
    options = _answer_text(cards[43])
    assert "von Grund auf" in options and "vortrainierte ResNet zuerst" in options
    # The rules between the questions are named one by one, not as one range over cards.
    intro = [(d.message.split(" under")[0], d.end_line) for d in doc.diagnostics
             if d.code == "section-intro"]
    assert intro == [("lines 15, 30", 15)], intro


def test_other_box_syntaxes_stay_where_they_are() -> None:
    """``<details>``, ``::: details``, ``???`` boxes after asking items: read as before the
    rule (each section one card), the file's question style unchanged."""
    doc = parse_text(OTHERS.read_text(encoding="utf-8"), "answer_boxes_other_syntaxes.md")
    assert [card.question_text for card in doc.cards] == ["Section A", "Section B",
                                                          "Section C"]
    assert "Two nets playing a game" in plain_text(tuple(walk_all(doc.cards[2].answer)))


def test_the_walk_back_to_the_item_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """An Answer box looks back past at most MAX_SHOWN blocks: a long file of lists and
    one box costs a few list checks, not one per list (no quadratic walk)."""
    def quiz(shown: int) -> str:
        return ("# Quiz\n\n## Part\n\n1. What is a stride?\n\n"
                + "".join(f"Shown text {n}.\n\n" for n in range(shown))
                + '::: {.callout-note title="Answer"}\nHow far the window moves.\n:::\n\n'
                '2. What is padding?\n\n::: {.callout-note title="Answer"}\nZeros.\n:::\n')
    assert [c.question_text for c in parse_text(quiz(MAX_SHOWN), "q.md").cards] == [
        "What is a stride?", "What is padding?"]
    assert "What is a stride?" not in [
        c.question_text for c in parse_text(quiz(MAX_SHOWN + 1), "q.md").cards]
    calls: list[int] = []
    real = answerboxes._asks_in

    def counted(tokens: list[Token]) -> bool:
        calls.append(len(tokens))
        return real(tokens)

    monkeypatch.setattr(answerboxes, "_asks_in", counted)
    many = "".join(f"- A point {n}\n- another\n\nText {n}.\n\n" for n in range(300))
    parse_text(f"# Notes\n\n## Part\n\n{many}" + '::: {.callout-note title="Answer"}\n'
               "x\n:::\n", "big.md")
    assert 0 < len(calls) <= MAX_SHOWN


def test_answer_boxes_reach_the_real_anki(
        tmp_path: Path, collection: Collection) -> None:
    result = build_fixture(FIXTURE, "--format", "apkg", "--no-lock")
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    answers = answers_by_question(
        imported_notes(collection, tmp_path / "dist" / "Answer boxes.apkg"))
    assert set(QUIZ) <= set(answers)
    keep = answers[QUIZ[0]]
    assert "callout callout-note" in keep and "The strongest response" in keep
    assert "It drops where" in keep and ":::" not in keep
    assert '<img class="math"' in answers[QUIZ[2]]  # the box's formula, drawn
    assert "MaxPool2d" in answers[QUIZ[3]] and "window maxima" in answers[QUIZ[3]]


def test_numbered_answer_boxes_reach_the_real_anki(
        tmp_path: Path, collection: Collection) -> None:
    result = build_fixture(NUMBERED, "--format", "apkg", "--no-lock")
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    answers = answers_by_question(
        imported_notes(collection, tmp_path / "dist" / "Numbered answer boxes.apkg"))
    assert len(answers) == 4, list(answers)
    logits = next(a for q, a in answers.items() if q.startswith("Sie haben folgende logits"))
    assert "Wieviele Klassen" in logits and "immer 1.0" in logits and ":::" not in logits
