"""Generated notes repeat a part's name as a heading of its own under each topic (``#
面试速答模板`` after ``# RNN``, again after ``# LSTM``: YangYi215613/ML, three times):
each was a card whose front said only ``面试速答模板``, one front for different answers.
Such a card now shows the question of the card before it first (``RNN › 面试速答模板``);
its key is the one it had.  A repeated question that asks is the author's duplicate, shown
as written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from builder.model import plain_text
from builder.parse.document import parse_file

from .conftest import FIXTURES, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "repeated-part-names.md"


def test_a_repeated_part_name_is_shown_after_the_card_before_it() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert [plain_text(card.question) for card in doc.cards] == [
        "RNN", "RNN › 面试速答模板", "LSTM", "LSTM › 面试速答模板", "什么是梯度消失？",
        "什么是梯度消失？"]
    # The keys are those the cards had: the question text as written.
    assert [card.question_text for card in doc.cards][1::2] == [
        "面试速答模板", "面试速答模板", "什么是梯度消失？"]
    assert doc.cards[1].key == doc.cards[3].key == "repeated-part-names / 面试速答模板"


def test_anki_shows_a_front_for_each(collection: Collection) -> None:
    result, package = build_fixture_deck(FIXTURE.stem)
    assert result.output.count("[duplicate-question]") == 2, result.output
    fronts = [note["Question"] for note in imported_notes(collection, package)]
    assert sorted(fronts) == sorted([
        "RNN", "RNN › 面试速答模板", "LSTM", "LSTM › 面试速答模板", "什么是梯度消失？",
        "什么是梯度消失？"]), fronts
