"""Obsidian Dataview fields with their names in bold (``**Author** :: #me``,
``**ParentNode** :: [[Go]]``) are a note's metadata, not spaced-repetition cards
(``question::answer``): a bold front that asks nothing and is one identifier-like word is a
field's name.  A bold term (``**梯度消失** :: …``) or a bold question still makes a card."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from builder.parse.document import ParseOptions, parse_text

from .conftest import FIXTURES, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "dataview-bold-fields.md"
FIELDS = {"Question", "Author", "Classification", "Status", "ParentNode"}


@pytest.mark.parametrize(("line", "card"), [
    ("**Author** :: #dPaulLai", False),
    ("**ParentNode** :: [[Golang 面试题]]", False),
    ("**due-date** :: 2021-11-09", False),
    ("**梯度消失** :: 梯度在反向传播中趋近于零", True),  # a term in bold
    ("**Why BN?** :: It normalises.", True),
    ("**Batch Normalization** :: 按批归一化", True),  # two words: a term, not a field name
    # One word, but the value is an answer: a spaced-repetition card, not a field.
    ("**Mitochondria** :: the powerhouse of the cell", True),
    ("- **TCP** :: Transmission Control Protocol", True),
    ("**Title** :: Go 面试题", False),  # a metadata field's name, whatever its value
    ("**See** :: [ [[Golang]] , [[关键词之 defer]] ]", False),
    ("**Due** :: 2021-11-09 10:30", False),
])
def test_a_bold_front_is_a_field_name_or_a_card(line: str, card: bool) -> None:
    doc = parse_text(f"# T\n\n{line}\n", "n.md", ParseOptions(question_style="bold"))
    assert bool([c for c in doc.cards if c.answer]) is card


def test_no_field_becomes_a_note_in_anki(collection: Collection) -> None:
    _result, package = build_fixture_deck(FIXTURE.stem)
    notes = imported_notes(collection, package)
    questions = {note.fields["Question"] for note in notes}
    assert not questions & FIELDS
    # Nothing lost: the fields' values and the answer's table are still on a card.
    text = " ".join(" ".join(note.fields.values()) for note in notes)
    assert "Channel 缓冲有什么特点" in text and "非同步" in text


def test_one_word_fronts_with_answers_are_cards() -> None:
    # Found without being asked for: a file of spaced-repetition cards with bold fronts.
    text = ("# Biology\n\n**Mitochondria** :: the powerhouse of the cell\n\n"
            "**Ribosome** :: makes proteins\n\n- **TCP** :: Transmission Control Protocol\n")
    doc = parse_text(text, "b.md")
    assert [c.question_text for c in doc.cards] == ["Mitochondria", "Ribosome", "TCP"]
