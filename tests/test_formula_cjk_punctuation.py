"""A formula whose Chinese words carry full-width punctuation (``$参数量_2=(1*1*C_{in}）*C_{out}$``,
``${\\frac{1}{2}\\|w\\|^{2},当全部约束满足} \\\\ {+\\infty，当存在约束不满足}$``) was read as
prose between two dollars: its ``$`` stayed text, ``*1*C_{in}）*`` became emphasis and
an ``unbalanced-dollar`` warning followed. A control word or a braced script is TeX,
which prose between two dollars never holds; prose still is prose."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .conftest import answers_by_question, build_fixture_deck, imported_notes
from .test_math_markdown import inline

if TYPE_CHECKING:
    from anki.collection import Collection


def test_tex_with_chinese_punctuation_is_a_formula() -> None:
    assert inline("a $参数量_2=(1*1*C_{in}）*C_{out}$") == [
        ("text", "a "), ("math_inline", "参数量_2=(1*1*C_{in}）*C_{out}")]
    assert inline(r"$\frac{1}{2}，当约束满足$") == [("math_inline", r"\frac{1}{2}，当约束满足")]


def test_prose_between_dollars_stays_prose() -> None:
    assert inline("这 $ a 分，这 $ b $ 完") == [
        ("text", "这 $ a 分，这 "), ("math_inline", " b "), ("text", " 完")]
    assert inline("花了 $5，又花了 $10") == [("text", "花了 $5，又花了 $10")]


def test_the_cards_draw_them(collection: Collection) -> None:
    result, package = build_fixture_deck("formula-cjk-punctuation-tex")
    assert "unbalanced-dollar" not in result.output and "formula-render" not in result.output
    answers = answers_by_question(imported_notes(collection, package))
    params = answers["深度可分离卷积的参数量是多少？"]
    assert params.count('<img class="math"') == 2 and "<em>" not in params
    assert "$" not in params
    svm = answers["SVM 的原问题怎么写？"]
    assert svm.count('<img class="math"') == 1 and "$" not in svm
