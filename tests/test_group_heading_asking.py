"""A question-level heading that neither asks nor has text of its own, over two or more
headings that ask (``### 3.LLMs复读机问题`` then ``#### 3.1 什么是复读机问题？``,
``#### 3.2 为什么会出现…？``): those are its questions, and it their section, as a heading
that opens with bold questions groups them. Before, the three questions were one card
named "3.LLMs复读机问题"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from builder.parse.document import parse_file

from .conftest import FIXTURES, answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "group-heading-asking-subheadings.md"
QUESTIONS = ["1.主流的开源模型体系有哪些？", "2.prefix LM 和 causal LM 区别是什么？",
             "3.1 什么是复读机问题？", "3.2 为什么会出现复读机问题？", "3.3 如何缓解复读机问题？",
             "4.输入长度理论上可以无限长吗？", "5.注意力变体",
             "6.为什么现在的大模型大多是 Decoder only？", "7.如何让大模型处理更长的文本？"]


def test_the_asking_sub_headings_are_questions_in_the_group_section() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert [card.question_text for card in doc.cards] == QUESTIONS
    paths = {card.question_text: card.section_path for card in doc.cards}
    assert paths["3.2 为什么会出现复读机问题？"] == ("3.LLMs复读机问题",)
    assert paths["4.输入长度理论上可以无限长吗？"] == ()
    assert not [d for d in doc.diagnostics if d.code in ("empty-section", "section-intro")]


def test_anki_gets_each_question_with_its_own_answer(collection: Collection) -> None:
    result, package = build_fixture_deck(FIXTURE.stem)
    assert result.exit_code == 0, result.output
    notes = imported_notes(collection, package)
    answers = answers_by_question(notes)
    assert sorted(answers) == sorted(QUESTIONS)
    why = answers["3.2 为什么会出现复读机问题？"]
    assert "数据偏差和训练目标的限制" in why and "预训练语料里重复的片段多" in why
    assert "调高温度" not in why
    assert "调高温度" in answers["3.3 如何缓解复读机问题？"]
    # parts under a question that asks stay parts: 2.1 and 2.2 are not cards
    both = answers["2.prefix LM 和 causal LM 区别是什么？"]
    assert "前缀部分双向注意力" in both and "只看前文" in both
    # a group whose sub-headings do not ask is one card: they name the parts of its answer
    kinds = answers["5.注意力变体"]
    assert "每个头各有一组" in kinds and "所有头共用一组" in kinds
    decks = {note["Question"]: note.deck for note in notes}
    assert decks["3.1 什么是复读机问题？"].endswith("::3.LLMs复读机问题")
