"""A list item that says it asks with nothing under it, last in its list (an interview
note's fields ``- **Round**: 2``, ``- **Question**: leetcode two sum``), is answered by the
blocks after the list (``**Definition**: …``, ``**Answer**: …``): they were the section's
introduction, the question left out as empty (EvelynWen77's exported notes, 0 of 12)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from builder.model import plain_text
from builder.parse.document import parse_file

from .conftest import FIXTURES, answers_by_question, build_fixture_deck, imported_notes, write

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "question-field-last-item.md"
QUESTIONS = ["Question: leetcode two sum", "Question: f1 score, precision, recall"]


def test_the_blocks_after_the_fields_answer_the_question() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert [card.question_text for card in doc.cards] == QUESTIONS
    assert "用哈希表" in plain_text(doc.cards[0].answer)
    assert "Definition" in plain_text(doc.cards[0].answer)


@pytest.mark.parametrize("last", ["- Q: 什么是 LN？\n\n  层归一化。\n",  # nested
                                  "- Q: 什么是 LN？\n  层归一化。\n"])  # on its next line
def test_an_answered_last_item_keeps_its_own_answer(tmp_path: Path, last: str) -> None:
    """A last item answered under it or on its next line ends its card: the paragraph after
    the list is not its answer."""
    path = write(tmp_path / "q.md", f"# T\n\n- Q: 什么是 BN？\n  批归一化。\n{last}\n完。\n")
    doc = parse_file(path, path.name)
    assert [plain_text(card.answer) for card in doc.cards] == ["批归一化。", "层归一化。"]


@pytest.mark.parametrize("middle", ["", "- Round: 2\n"])
def test_a_list_of_questions_lends_its_last_no_answer(tmp_path: Path, middle: str) -> None:
    """Where other items ask too ("- Q: …" questions to ask an interviewer), the blocks
    after the list are the section's text: the last item takes none of them."""
    path = write(tmp_path / "q.md", "# T\n\n## Ask them\n\n- Q: What is the team size?\n"
                 f"{middle}- Q: How is on-call organised?\n\nAsk two at the end.\n")
    doc = parse_file(path, path.name)
    assert "Ask two" not in " ".join(plain_text(card.answer) for card in doc.cards)
    assert any(d.code == "section-intro" and "Ask them" in d.message for d in doc.diagnostics)


def test_the_question_and_its_answer_reach_anki(collection: Collection) -> None:
    _result, package = build_fixture_deck(FIXTURE.stem)
    answers = answers_by_question(imported_notes(collection, package))
    # The question keeps its markup: "<b>Question</b>: f1 score, …".
    assert len(answers) == 2
    (f1,) = [answer for question, answer in answers.items() if "f1 score" in question]
    assert "调和平均" in f1
