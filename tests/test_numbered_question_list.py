"""A numbered list of questions under a heading that does not ask (``### 常见问题`` over
``1. …？`` then its answer, ``3. XGBoost为什么快`` without a question mark, ``2. …的区别``
left unanswered): when two in three of its items ask, every item is a card, as the
numbers part them; a numbered list of steps where a few ask stays one card."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from builder.model import plain_text
from builder.parse.document import parse_file, parse_text
from builder.parse.phrases import asks_as_it_ends

from .conftest import FIXTURES, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "numbered-question-list.md"
ASKED = ["XGBoost 的节点分裂依靠什么？", "XGBoost为什么快", "XGBoost防止过拟合策略",
         "XGBoost怎么处理缺失值？"]
UNANSWERED = "xgb和lgb的区别"
OTHERS = ["从 GBDT 到 XGBoost", "训练流程", "复习记录"]


def test_each_numbered_item_is_a_card_and_steps_stay_whole() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    cards = {card.question_text: card for card in doc.cards}
    assert sorted(cards) == sorted([*ASKED, UNANSWERED, *OTHERS])
    assert [cards[q].section_path for q in ASKED] == [("常见问题",)] * 4
    assert not plain_text(cards[UNANSWERED].answer)
    # Each answer is its own item's: the lazy line after the question, or the nested
    # paragraphs; never the next item.
    assert plain_text(cards[ASKED[0]].answer) == "贪心地选增益最大的分裂点。"
    # The fence at the margin between two lists is the answer of the item above it.
    fast = cards[ASKED[1]].answer
    assert plain_text(fast[:1]) == "特征预排序存成 Block，分裂时可以并行。"
    assert [n.kind for n in fast] == ["paragraph", "code_block"] and "xgb.train" in fast[1].text
    overfit = plain_text(cards[ASKED[2]].answer)
    assert "正则项" in overfit and "列抽样与子采样" in overfit and "缺失" not in overfit
    assert UNANSWERED not in plain_text(cards[ASKED[0]].answer)
    # The question left unanswered is no card, and is said to be left out.
    empty = [d for d in doc.diagnostics if d.code == "empty-answer"]
    assert [(d.loc.line, UNANSWERED in d.message) for d in empty] == [(12, True)]
    # Steps, two of five asking: one card, as before; so is a list whose item is a
    # sentence (a log's line, "今天复习了 xgboost。"), not a question's title.
    steps = plain_text(cards["训练流程"].answer)
    assert "如何选学习率" in steps and "看验证集的 AUC" in steps
    log = plain_text(cards["复习记录"].answer)
    assert "为什么要早停" in log and "明天看 lightgbm" in log


def test_a_log_with_follow_ups_stays_whole() -> None:
    """An interview log's question over its follow-up questions has no answer of its own:
    beside it, two answered items do not make the list one of questions."""
    text = ("## 一面\n\n1. 介绍一下你的项目？\n   回答了检测项目。\n2. 讲讲 BN？\n   归一化。\n"
            "3. 为什么用 focal loss\n   - FPN 的作用是什么？\n   - 为什么用 focal loss？\n\n"
            "## 二面\n\n手撕代码。\n")
    assert [card.question_text for card in parse_text(text, "log.md").cards] == ["一面", "二面"]


def test_cli_and_anki_import_each_numbered_question(tmp_path: Path,
                                                     collection: Collection) -> None:
    result, package = build_fixture_deck(FIXTURE.stem)
    assert "numbered-question-list.md:12:1: warning: empty answer" in result.output
    notes = {note["Question"]: note for note in imported_notes(collection, package)}
    assert sorted(notes) == sorted([*ASKED, *OTHERS])
    assert "Block" in notes[ASKED[1]]["Answer"] and "缺失" not in notes[ASKED[1]]["Answer"]
    assert "列抽样与子采样" in notes[ASKED[2]]["Answer"]
    assert any(name.endswith("::常见问题") for name in collection.decks.all_names())
    assert "section-intro" not in result.output


def _questions(text: str) -> list[str]:
    return [card.question_text for card in parse_text(text, "notes.md").cards]


def test_an_item_of_only_a_comma_keeps_the_list_whole() -> None:
    """``5. ，`` trims to no question: no empty card, so the list stays one card and the
    line under it in that card."""
    text = ("## BN 笔记\n\n1. GBDT 为什么用负梯度？\n   最快下降。\n2. RF 为啥稳？\n   采样。\n"
            "3. XGBoost为什么快，\n   并行。\n4. ，\n   只有逗号。\n\n## Dropout\n\n随机丢弃。\n")
    doc = parse_text(text, "notes.md")
    assert [card.question_text for card in doc.cards] == ["BN 笔记", "Dropout"]
    assert "只有逗号" in plain_text(doc.cards[0].answer)
    assert not [d for d in doc.diagnostics if d.code == "empty-answer"]


def test_an_item_of_only_a_picture_keeps_the_list_whole() -> None:
    """``3. ![树](tree.png)`` asks nothing (its alt text is no question): with or without a
    caption under it, the list stays one card holding the picture, no card left empty."""
    for under in ("   这棵树是 xgboost 的第一棵树。\n", ""):
        text = ("## 资料\n\n1. GBDT 为什么用负梯度？\n   负梯度是损失下降最快的方向。\n"
                "2. xgboost 为什么有优势？\n   二阶信息和正则。\n3. ![树](tree.png)\n"
                f"{under}\n## 其他\n\n文字。\n")
        doc = parse_text(text, "notes.md")
        assert [card.question_text for card in doc.cards] == ["资料", "其他"]
        assert "tree.png" in repr(doc.cards[0].answer)
        assert not [d for d in doc.diagnostics if d.code == "empty-answer"]


STATEMENTS = FIXTURES / "numbered-statements-list.md"
WHOLE = ["BN 笔记", "部署步骤", "Tips", "资料与问题", "训练笔记", "面试回忆", "二面回忆"]


def test_lists_of_statements_and_steps_stay_whole() -> None:
    """Lists where two items ask and answer beside items that state (``3. 什么时候用BN：
    batch较大时``, a label with its answer on its line), steps (``3. 检查算子是否支持``,
    an asking word inside), tips (``Can be slow on CPU``), links, or items that mostly do
    not ask (three in five): each heading one card, every line in it, none left out."""
    doc = parse_file(STATEMENTS, STATEMENTS.name)
    cards = {card.question_text: plain_text(card.answer) for card in doc.cards}
    assert list(cards) == WHOLE
    assert "batch较大时" in cards["BN 笔记"] and "加速收敛" in cards["BN 笔记"]
    assert "检查算子是否支持" in cards["部署步骤"] and "推理速度" in cards["部署步骤"]
    assert "Can be slow on CPU" in cards["Tips"] and "slides" in cards["资料与问题"]
    assert "早停" in cards["训练笔记"]
    assert "说不清为什么" in cards["面试回忆"] and "没啥区别" in cards["二面回忆"]
    assert not [d for d in doc.diagnostics if d.code == "empty-answer"]


def test_unanswered_items_that_ask_as_a_whole_still_split() -> None:
    """An item left unanswered that asks by how it reads as a whole (``…的区别``,
    ``对 xgboost 的了解``, ``简述 GBDT``) keeps the list one of questions: a card each,
    the unanswered ones left out with a warning."""
    text = ("## 常见问题\n\n1. XGBoost为什么快？\n   并行。\n"
            "2. GBDT 为什么用负梯度？\n   最快下降。\n"
            "3. 对 xgboost 的了解\n4. 简述 GBDT\n5. xgb和lgb的区别\n")
    doc = parse_text(text, "notes.md")
    assert [card.question_text for card in doc.cards] == [
        "XGBoost为什么快？", "GBDT 为什么用负梯度？", "对 xgboost 的了解", "简述 GBDT",
        "xgb和lgb的区别"]
    assert [d.loc.line for d in doc.diagnostics if d.code == "empty-answer"] == [7, 8, 9]


def test_statements_that_end_like_questions_do_not_ask() -> None:
    """A bare 什么/为什么/吗/呢 ends a statement as often as a question, and a prompt's
    ending can be denied (没啥区别); 无 that opens 无监督 denies nothing."""
    for said in ("我也说不清为什么", "剩下的题记不清是什么", "具体啥也没记住呢", "其实两者没啥区别",
                 "两者没有什么区别", "记不清两者的区别", "它是对的吗"):
        assert not asks_as_it_ends(said), said
    for asked in ("xgb和lgb的区别", "无监督和有监督的区别", "对xgboost的了解", "简述 GBDT",
                  "它是对的吗？", "CoT 是啥"):
        assert asks_as_it_ends(asked), asked


def test_cli_and_anki_keep_lists_of_statements_whole(tmp_path: Path,
                                                     collection: Collection) -> None:
    result, package = build_fixture_deck(STATEMENTS.stem)
    assert "empty answer" not in result.output
    notes = {note["Question"]: note for note in imported_notes(collection, package)}
    assert sorted(notes) == sorted(WHOLE)
    assert "batch较大时" in notes["BN 笔记"]["Answer"]
    assert "Do not use dropout right before BN" in notes["Tips"]["Answer"]
