"""List items that ask and carry their own answer under a heading that does not ask
(``FAQ`` over ``01. …？␠␠⏎answer`` items, ``面试真题`` over ``- …？`` with nested answers)
are each a card; items that only list questions, follow-ups of a heading that asks, and
asking items among topics and links stay in one card (the last with a note)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from builder.model import plain_text
from builder.parse.document import parse_file, parse_structured, parse_text

from .conftest import FIXTURES, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "asking-items.md"
FAQ = ["BERT中的位置编码方式？", "self-attention机制的意义？", "为什么要加[CLS]标志?"]
INTERVIEW = ["为什么说FM的泛化能力强？", "你在实际中用FM干了什么？", "待补充的问题？"]
WHOLE = ["模型结构", "复习提纲", "什么是 Dropout？", "什么是 BN？", "推荐算法"]


def test_each_asking_item_is_a_card_under_its_heading() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    cards = {card.question_text: card for card in doc.cards}
    assert sorted(cards) == sorted(FAQ + INTERVIEW + WHOLE)
    assert [cards[q].section_path for q in FAQ] == [("FAQ",)] * 3
    assert [cards[q].section_path for q in INTERVIEW] == [("面试真题",)] * 3
    # The answer after the hard break, and the fence the author left at the margin.
    first = cards[FAQ[0]].answer
    assert plain_text(first) == "使用随机初始化的嵌入，随训练学习。"
    assert [n.kind for n in first] == ["paragraph", "code_block"]
    assert "position_embeddings" in first[1].text
    assert plain_text(cards[FAQ[1]].answer) == "用文本中的其它词来增强目标词的语义表示。"
    assert "one-hot" in plain_text(cards[INTERVIEW[1]].answer)
    assert (cards[FAQ[0]].loc.line, cards[FAQ[0]].end_line) == (11, 15)
    # The number the author left without a question ("04.") groups nothing apart.
    assert cards[FAQ[2]].end_line == 21


def test_lists_of_questions_follow_ups_and_mixed_lists_stay_whole() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    cards = {card.question_text: card for card in doc.cards}
    # Questions listed without answers are no empty cards: one card of the topics.
    assert "什么是 GN？" in plain_text(cards["复习提纲"].answer)
    # Follow-ups of a heading that asks are its answer.
    assert "把权重乘以保留概率" in plain_text(cards["什么是 Dropout？"].answer)
    assert "滑动平均" in plain_text(cards["什么是 BN？"].answer)
    # Asking items among links and an unanswered question: kept whole, and said so.
    mixed = plain_text(cards["推荐算法"].answer)
    assert "统计活跃时段与留存" in mixed and "用户流失率预测怎么做" in mixed
    notes = [d for d in doc.diagnostics if d.code == "list-questions"]
    assert [(d.loc.line, d.severity) for d in notes] == [(54, "note")]
    assert "line 56: 为什么 FM 适合稀疏特征？" in notes[0].message
    assert not [d for d in doc.diagnostics if d.code in ("section-intro", "empty-answer")]


def test_nested_follow_up_questions_are_no_answer() -> None:
    """An interview log: each item's nested items are questions asked after it, not its
    answer, so the log stays one card."""
    text = ("## 一面\n\n1. 介绍一下你的项目？\n   - FPN 的作用是什么？\n"
            "   - 为什么用 focal loss？\n2. 讲讲 BN？\n   - 训练和测试有何不同？\n\n"
            "## 二面\n\n手撕代码。\n")
    doc = parse_text(text, "log.md")
    assert [card.question_text for card in doc.cards] == ["一面", "二面"]


def test_cli_notes_and_anki_imports_each_question(tmp_path: Path,
                                                  collection: Collection) -> None:
    result, package = build_fixture_deck(FIXTURE.stem)
    assert "asking-items.md:54:1: note: 2 list items under '推荐算法'" in result.output
    assert "[list-questions]" in result.output
    notes = {note["Question"]: note for note in imported_notes(collection, package)}
    assert sorted(notes) == sorted(FAQ + INTERVIEW + WHOLE)
    assert "position_embeddings" in notes[FAQ[0]]["Answer"]
    assert "它更“公平”地融合" in notes[FAQ[2]]["Answer"]
    names = collection.decks.all_names()
    assert any(name.endswith("::FAQ") for name in names)
    assert any(name.endswith("::面试真题") for name in names)
    # Every line of the file is in a card: none left for the PDF's introductions.
    assert "section-intro" not in result.output


def test_questions_at_several_levels_group_asking_items_too() -> None:
    """Notes read as questions at several levels (every heading with an answer a card):
    ``### 5.1 八股文`` over numbered questions with quoted answers is their section."""
    text = ("## 网络模型\n\n网络层。\n\n### 1.1 分层\n\n五层。\n\n## IP 协议\n\n协议。\n\n"
            "### 2.1 地址\n\n32 位。\n\n### 2.2 八股文\n\n1. IP 有什么作用？\n\n"
            "    > 寻址和路由。\n\n2. 为什么还需要 MAC 地址？\n\n    > 分配 IP 之前要区分设备。\n\n"
            "## ARP 协议\n\n解析地址。\n")
    doc, structure = parse_structured(text, "net.md")
    assert structure.style == "mixed"
    cards = {card.question_text: card.section_path for card in doc.cards}
    assert cards["IP 有什么作用？"] == ("2.2 八股文",)
    assert cards["为什么还需要 MAC 地址？"] == ("2.2 八股文",)
    assert "2.2 八股文" not in cards and "2.1 地址" in cards


def test_lettered_questions_in_one_paragraph_stay_one_card_with_a_note() -> None:
    """``a. …？␠␠⏎answer`` lines are no list items in CommonMark: one paragraph, one card,
    and a note at the first lettered question (a lettered line that does not ask, or
    one with no answer line after it, is none)."""
    text = ("1. BERT 细节考点\na. BERT双向体现在什么地方？  \n计算attention时同时看到前后文。  \n"
            "b. BERT tokenizer:  \nWordPiece 切分。  \nc. BERT如何预训练？  \nMLM 与 NSP。  \n"
            "d. 为什么要除以根号d？  \ne. 多头有什么用？\n")
    doc = parse_text(text, "bert.md")
    assert len(doc.cards) == 1 and "MLM 与 NSP" in plain_text(doc.cards[0].answer)
    (note,) = [d for d in doc.diagnostics if d.code == "list-questions"]
    assert (note.loc.line, note.severity) == (2, "note")
    assert note.message.startswith("2 lettered lines ask and are answered")
    assert "line 6: c. BERT如何预训练？" in note.message


def test_both_notes_name_three_questions_and_count_the_rest() -> None:
    """The note on lettered lines and the one on list items list their questions alike:
    the first three, then how many more (the lettered note once left the rest uncounted)."""
    lettered = "".join(f"{c}. 问题{c}是什么？  \n答案{c}。  \n" for c in "abcde")
    (note,) = [d for d in parse_text(lettered, "l.md").diagnostics
               if d.code == "list-questions"]
    assert "(line 1: a. 问题a是什么？; line 3: b. 问题b是什么？; line 5: c. 问题c是什么？ " \
           "and 2 more)" in note.message
    items = "## 笔记\n\n- 一个话题\n" + "".join(f"- 问题{n}是什么？  \n  答案{n}。\n"
                                             for n in range(1, 6))
    (note,) = [d for d in parse_text(items, "i.md").diagnostics if d.code == "list-questions"]
    assert "(line 4: 问题1是什么？; line 6: 问题2是什么？; line 8: 问题3是什么？ and 2 more)" \
        in note.message


def test_an_edit_parsed_alone_keeps_the_lettered_note(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild after an edit inside one question parses that question alone (a splice):
    the note on its lettered questions must still be said."""
    from click.testing import CliRunner

    from builder.cli import main

    monkeypatch.chdir(tmp_path)
    notes = tmp_path / "notes" / "bert.md"
    notes.parent.mkdir()
    notes.write_text("## 模型\n\n### BERT 有哪些考点？\n\na. BERT双向体现在什么地方？  \n"
                     "同时看到前后文。  \nb. BERT如何预训练？  \nMLM 与 NSP。\n\n"
                     "### 什么是 GPT？\n\n单向语言模型。\n", encoding="utf-8")
    args = ["build", "notes", "--format", "apkg", "--no-lock", "-v"]
    first = CliRunner().invoke(main, args, catch_exceptions=False)
    assert "bert.md:5:1: note: 2 lettered lines" in first.output
    notes.write_text(notes.read_text(encoding="utf-8").replace("前后文", "前后文（改）"),
                     encoding="utf-8")
    again = CliRunner().invoke(main, args, catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert "bert.md:5:1: note: 2 lettered lines" in again.output


def test_text_after_the_asking_list_keeps_the_heading_one_card() -> None:
    """Text under the heading after its list of questions (a summary, a code fence) would
    join the last question's answer: the heading stays one card, with a note."""
    text = ("## FAQ\n\n1. 为什么要用 BN？\n   加快收敛。\n2. 为什么BN有效？\n   平滑损失面。\n\n"
            "总结：以上两题常考。\n")
    doc = parse_text(text, "n.md")
    assert [card.question_text for card in doc.cards] == ["FAQ"]
    assert "总结：以上两题常考。" in plain_text(doc.cards[0].answer)
    assert [d.code for d in doc.diagnostics if d.code == "list-questions"] == ["list-questions"]


def test_e_g_and_i_e_open_sentences_not_lettered_questions() -> None:
    text = ("## Q\n\nSome notes:  \ne.g. why does it converge?  \nbecause the loss is convex.  \n"
            "i.e. what is kept?  \nthe mean.\n")
    doc = parse_text(text, "n.md")
    assert not [d for d in doc.diagnostics if d.code == "list-questions"], doc.diagnostics


FOLDED = ["Why are you looking for a new job?", "Describe a hard task you solved"]
SENTENCES = ["What is a test set?", "What is the purpose of a validation set?"]


def test_an_item_whose_answer_is_folded_away_asks_without_a_question_mark(
        tmp_path: Path, collection: Collection) -> None:
    """``* Describe a hard task …`` over a ``<details>`` box (Hexlet's soft-skills list): the box
    hides its answer, so the bidding line asks; bidding items with no box (steps) do not."""
    result, package = build_fixture_deck("asking-items-folded")
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    notes = {note["Question"]: note for note in imported_notes(collection, package)}
    assert sorted(notes) == sorted([*FOLDED, "Steps"]), sorted(notes)
    assert "the problem, what you did" in notes[FOLDED[1]]["Answer"]
    assert "Explain the model" in notes["Steps"]["Answer"]


def test_a_nested_sentence_opening_with_when_answers_its_item(
        tmp_path: Path, collection: Collection) -> None:
    """A nested bullet that is a sentence of answer (``- When we want to know …, we …``)
    is no follow-up question, though it opens with "When"; a log's short follow-ups are."""
    result, package = build_fixture_deck("asking-items-sentence-answers")
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    notes = {note["Question"]: note for note in imported_notes(collection, package)}
    assert sorted(notes) == sorted([*SENTENCES, "Interview log"]), sorted(notes)
    assert "measure the error on it" in notes[SENTENCES[0]]["Answer"]
    assert "Why did you use Redis?" in notes["Interview log"]["Answer"]



def test_a_lone_title_groups_its_asking_items_as_a_section_heading_does(
        tmp_path: Path, collection: Collection) -> None:
    """``# Networking basics`` over ``- What is a subnet?`` items with nested answers: a
    card an item, as under ``## Networking basics`` (the title was one card of them all)."""
    result, package = build_fixture_deck("title-asking-items")
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    notes = {note["Question"]: note for note in imported_notes(collection, package)}
    assert len(notes) == 2, sorted(notes)
    assert "What is a subnet?" in notes
    nat = next(question for question in notes if question.endswith("Why use NAT?"))
    assert "one public address" in notes[nat]["Answer"]


@pytest.mark.parametrize("text", [
    "# To revise\n\n- What is a subnet?\n- Why use NAT?\n",  # questions listed, no answers
    "# Notes\n\n- What is a subnet?\n  - A prefix.\n- Routing\n  - Tables.\n",  # a topic too
    "# Notes\n\n- What is a subnet?\n  - A prefix.\n",  # one item: the title's answer
])
def test_a_title_over_other_lists_stays_one_card(text: str) -> None:
    doc = parse_text(text, "t.md")
    assert len(doc.cards) == 1, [card.question_text for card in doc.cards]


def test_a_long_nested_sentence_without_a_full_stop_answers_its_item() -> None:
    """A nested bullet longer than a follow-up question is a sentence of answer even when
    it ends in no full stop (a closing bracket here)."""
    text = ("### Chapter 1\n\n1. What is a test set?\n    - When we want to know how well a model "
            "does on new cases we keep part of the data aside and measure the error on it "
            "(the held-out test set)\n2. What is a validation set?\n    - To compare models.\n")
    cards = {card.question_text: card for card in parse_text(text, "c.md").cards}
    assert "measure the error on it" in plain_text(cards["What is a test set?"].answer), cards
