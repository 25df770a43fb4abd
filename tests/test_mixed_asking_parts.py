"""Questions at several levels (``# 话题`` with a paragraph beside ``## 问题？``), in the way
generated interview notes are written: a heading that asks with its answer all in
sub-headings (``## 2. Function Call 是怎么训练的？`` then ``### 任务定义``) is one question,
and the headings under a heading that asks are parts of its answer, unless they ask outright.
Before, the asking heading became a section and each of its parts a card named "简介" or
"训练方式"; and an asking heading without a paragraph of its own under a topic with one
(``# 常用框架`` then ``## 什么是 LangChain？``) was swallowed into the topic's card."""

from __future__ import annotations

from typing import TYPE_CHECKING

from builder.parse.document import parse_file

from .conftest import FIXTURES, answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "mixed-levels-asking-parts.md"
QUESTIONS = ["1. 🧠 大模型是怎么训练出来的？", "2. 📞 Function Call 是怎么训练的？",
             "3. 🧩 分词器是什么？", "4. 🏗️ Encoder 与 Decoder 的区别", "常用框架",
             "🧱 1. 什么是 LangChain？", "🔍 RAG 是什么？", "✂️ 文档切割策略有哪些？",
             "📏 如何量化效果？"]


def test_asking_headings_are_the_questions_and_their_sub_headings_parts() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert doc.settings.structure.startswith("sections and questions at levels")
    assert [card.question_text for card in doc.cards] == QUESTIONS
    (call,) = [c for c in doc.cards if "Function Call" in c.question_text]
    assert call.section_path == ("💡 大模型基础",)


def test_anki_gets_each_answer_with_its_parts(collection: Collection) -> None:
    result, package = build_fixture_deck(FIXTURE.stem)
    assert result.exit_code == 0, result.output
    answers = answers_by_question(imported_notes(collection, package))
    assert sorted(answers) == sorted(QUESTIONS)
    trained = answers["1. 🧠 大模型是怎么训练出来的？"]
    assert "训练通常分为几个阶段" in trained
    assert "① 数据准备" in trained and "在大规模语料上预测下一个词元" in trained
    call = answers["2. 📞 Function Call 是怎么训练的？"]
    assert "任务定义" in call and "训练方式" in call and "监督微调" in call
    # numbered, yet it asks ("区别"): its sub-headings are its parts, not cards
    versus = answers["4. 🏗️ Encoder 与 Decoder 的区别"]
    assert "双向注意力" in versus and "因果掩码" in versus
    chain = answers["🧱 1. 什么是 LangChain？"]
    assert "简介" in chain and "链、工具和记忆" in chain
    assert "LangChain" not in answers["常用框架"]
    assert "这一节记录做过的框架选型" in answers["常用框架"]


SUBQUESTIONS = FIXTURES / "mixed-levels-asking-subquestions.md"


def test_a_sub_heading_that_asks_with_its_own_answer_stays_a_question(
        collection: Collection) -> None:
    """Under a heading that asks with an answer of its own, a sub-heading that asks outright
    (``### 为什么要对语料去重？``) is a question, as it was before parts were read; under one
    that answers only in sub-headings (``## 3. 用过 vLLM 吗？``), every sub-heading is a part
    (``### vLLM 是什么？`` too: else the question above is left with no answer)."""
    doc = parse_file(SUBQUESTIONS, SUBQUESTIONS.name)
    assert [card.question_text for card in doc.cards] == [
        "1. 模型是怎么训练出来的？", "为什么要对语料去重？", "预训练的目标是什么？",
        "2. 指令微调是怎么做的？", "3. 用过 vLLM 吗？它做什么？", "部署", "什么是量化？",
        "什么是蒸馏？", "什么是剪枝？"], doc.settings.structure
    _, package = build_fixture_deck(SUBQUESTIONS.stem)
    answers = answers_by_question(imported_notes(collection, package))
    assert "预训练和微调" in answers["1. 模型是怎么训练出来的？"]
    assert "去重" not in answers["1. 模型是怎么训练出来的？"]
    assert "浪费算力" in answers["为什么要对语料去重？"]
    tuned = answers["2. 指令微调是怎么做的？"]
    assert "数据" in tuned and "人工写的指令" in tuned and "只在回答上算损失" in tuned
    engine = answers["3. 用过 vLLM 吗？它做什么？"]
    assert "推理引擎" in engine and "分页注意力" in engine
