"""Spoken question words ask as the written ones do: ``## 为啥BN在NLP中效果差`` among
``##`` topics of ``###`` questions is a question of its own (it was a section whose answer
went to the cheat sheet only), as ``## 为什么…`` is."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from builder.model import plain_text
from builder.parse.document import parse_file

from .conftest import FIXTURES, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "colloquial-asking-heading.md"
ASKED = "为啥BN在NLP中效果差"
QUESTIONS = ["什么是 BN？", "什么是 LN？", "为什么要 warmup？", ASKED]


def test_heading_asking_with_weisha_is_a_question() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    cards = {card.question_text: card for card in doc.cards}
    assert sorted(cards) == sorted(QUESTIONS)
    assert plain_text(cards[ASKED].answer) == "句子长短不一，同一位置的统计量不稳定。"
    assert not [d for d in doc.diagnostics if d.code == "section-intro"]


def test_cli_and_anki_import_the_colloquial_question(tmp_path: Path,
                                                     collection: Collection) -> None:
    result, package = build_fixture_deck(FIXTURE.stem)
    assert "section-intro" not in result.output
    notes = {note["Question"]: note for note in imported_notes(collection, package)}
    assert sorted(notes) == sorted(QUESTIONS)
    assert "统计量不稳定" in notes[ASKED]["Answer"]


def test_spoken_words_in_statements_do_not_ask() -> None:
    """令人咋舌, 没有啥区别: a 咋 or 有啥 inside a statement makes no heading ask, so the
    ``###`` questions under such a ``##`` heading stay cards of their own."""
    fixture = FIXTURES / "spoken-words-in-statements.md"
    doc = parse_file(fixture, fixture.name)
    assert {card.question_text: card.section_path for card in doc.cards} == {
        "什么是 BN？": ("常见归一化",), "什么是 LN？": ("常见归一化",),
        "为什么要 warmup？": ("令人咋舌的训练技巧",), "为什么要梯度裁剪？": ("令人咋舌的训练技巧",),
        "为什么 LN 不依赖 batch？": ("其实没有啥区别的写法",)}
