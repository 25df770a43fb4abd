"""Generated notes repeat a part's name as a heading of its own under each topic (``#
面试速答模板`` after ``# RNN``, again after ``# LSTM``: YangYi215613/ML, three times):
each was a card whose front said only ``面试速答模板``, one front for different answers.
Such a card now shows the heading above it in the outline that the other repeats are not
under (``Feed based system › Metrics``), else, when the repeats are siblings of the topics
they follow, its ordinal (``面试速答模板 (2)``): the card before a part is often a sibling,
and its name before the part's read as if the part were its.  Keys are the ones the cards
had.  A repeated question that asks is the author's duplicate, shown as written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from builder.model import plain_text
from builder.parse.document import parse_file

from .conftest import FIXTURES, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "repeated-part-names.md"


def test_a_repeated_sibling_part_name_is_shown_with_its_ordinal() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert [plain_text(card.question) for card in doc.cards] == [
        "RNN", "面试速答模板 (1)", "LSTM", "面试速答模板 (2)", "什么是梯度消失？",
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
        "RNN", "面试速答模板 (1)", "LSTM", "面试速答模板 (2)", "什么是梯度消失？",
        "什么是梯度消失？"]), fronts


OUTLINE = FIXTURES / "repeated-part-outline.md"


def test_a_repeated_part_name_is_shown_after_its_own_heading_not_a_sibling() -> None:
    doc = parse_file(OUTLINE, OUTLINE.name)
    shown = [(card.section_path, plain_text(card.question)) for card in doc.cards]
    # The card before the first Metrics is its sibling, System architecture: its parent,
    # Feed based system, is what tells it from the other; under another section nothing is.
    assert shown == [
        (("Case studies",), "Feed based system"), (("Case studies",), "System architecture"),
        (("Case studies",), "Feed based system › Metrics"),
        (("Case studies",), "Recommendation system"),
        (("Case studies",), "Recommendation system › Metrics"),
        # Both under Recommendation system: no heading tells them apart, their ordinals do.
        (("Case studies",), "Caveat (1)"), (("Case studies",), "Caveat (2)"),
        (("Practice",), "Metrics")]
    assert doc.cards[2].key == doc.cards[4].key == "Design notes / Case studies / metrics"
    assert [doc.cards[i].question_text for i in (2, 4, 5, 6, 7)] == [
        "Metrics", "Metrics", "Caveat", "Caveat", "Metrics"]
    assert doc.cards[5].key == doc.cards[6].key == "Design notes / Case studies / caveat"
