"""Topic headings with answers of their own, and a bold line or two that asks among them.

Textbook-like notes (``## 假设形式``, ``## 学习率`` …, none asking) with one bold question
deep in one answer were read as a file of bold questions: one card, every other line
in the cheat sheet only.  Each heading with an answer is a card when no level asks, so
the bold lines must outnumber those cards to be the file's questions.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from builder.model import plain_text
from builder.parse.document import parse_file, parse_text

from .conftest import FIXTURES, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

NAME = "topic-headings-one-bold-question"


def test_topic_headings_are_the_cards_and_the_bold_line_stays_in_its_answer() -> None:
    doc = parse_file(FIXTURES / f"{NAME}.md", f"{NAME}.md")
    assert doc.settings.structure == "no sections, questions ##"
    assert [card.question_text for card in doc.cards] == ["假设形式", "多元梯度下降", "学习率",
                                                          "正规方程"]
    rate = doc.cards[2]
    assert "如何选择合适的学习率？" in plain_text(rate.answer)
    assert all(not section.intro for section in doc.sections)  # nothing in the PDF only
    assert not [d for d in doc.diagnostics if d.code == "section-intro"]


def test_topics_that_group_bold_questions_stay_sections() -> None:
    """A heading over bold questions groups them, however few: no card for the topic."""
    doc = parse_text("## 归一化\n\n**BN 的作用？**\n\n加速收敛。\n\n## 正则化\n\n"
                     "**L1 为什么稀疏？**\n\n菱形。\n", "t.md")
    assert doc.settings.structure == "sections ##, questions bold lines"
    assert [(c.section_path, c.question_text) for c in doc.cards] == [
        (("归一化",), "BN 的作用？"), (("正则化",), "L1 为什么稀疏？")]


def test_more_bold_questions_than_topics_stay_bold() -> None:
    doc = parse_text("## 优化\n\n梯度下降的变体。\n\n**什么是动量？**\n\n累积梯度。\n\n"
                     "**Adam 是什么？**\n\n自适应学习率。\n\n**学习率怎么选？**\n\n试几个值。\n",
                     "o.md")
    assert doc.settings.structure.endswith("questions bold lines")
    assert len(doc.cards) == 3


def test_topic_cards_import_into_anki(tmp_path: Path, collection: Collection) -> None:
    result, package = build_fixture_deck(NAME)
    assert "section-intro" not in result.output
    notes = imported_notes(collection, package)
    assert len(notes) == 4
    answers = {re.sub(r"<[^>]+>", "", note["Question"]): note["Answer"] for note in notes}
    assert set(answers) == {"假设形式", "多元梯度下降", "学习率", "正规方程"}
    assert "如何选择合适的学习率？" in answers["学习率"]
    assert "特征缩放" in answers["多元梯度下降"]  # the deeper heading stays in its answer
    assert 'class="math' in answers["正规方程"]


def test_headings_over_asking_boxes_group_them_as_over_bold_lines() -> None:
    """A heading whose only answer is a box that asks (``> [!faq] …?``) groups that
    question, as a heading over a bold question does: it is no topic card of its own."""
    text = ("# Review\n\n## Overfitting\n\n> [!faq] How do you reduce overfitting?\n"
            "> More data, then augmentation.\n\n## Debugging\n\n"
            "> [!question] How would you debug predictions?\n> Look at the worst first.\n")
    doc = parse_text(text, "n.md")
    asked = [card.question_text for section in doc.sections for card in section.cards]
    assert asked == ["How do you reduce overfitting?", "How would you debug predictions?"]
