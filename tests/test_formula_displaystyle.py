"""``\\displaystyle`` before a ``\\left … \\right`` pair (CSDN and Zhihu formulas:
``$\\displaystyle\\sum_{j}\\left\\langle V_{i}, V_{j}\\right\\rangle x_j$``): the style switch
ran to the first ``\\right``, cutting the pair in two ("Unmatched '\\left'"), so typst never
drew the formula and it stayed MathJax with a ``formula-render`` warning. A pair (or an
environment) opened after the switch is now inside it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from builder.render.texmath import to_typst

from .conftest import answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def test_the_pair_is_inside_the_style() -> None:
    assert to_typst(r"\displaystyle \left( a \right) b") == "display((a) b)"
    assert to_typst(r"\displaystyle\sum_{j}\left\langle V\right\rangle x") == (
        "display(sum_j lr(chevron.l V chevron.r) x)")
    assert to_typst(r"\displaystyle \begin{aligned} a &= b \\ c &= d \end{aligned}") == (
        r"display(a &= b \ c &= d)")
    # a switch inside a pair or a cell still ends there
    assert to_typst(r"\left( \displaystyle \frac{a}{b} \right) c") == "(display(frac(a, b))) c"
    assert to_typst(r"\begin{matrix} \displaystyle a & b \end{matrix}") == (
        "mat(delim: #none, display(a), b)")


def test_the_cards_draw_them(collection: Collection) -> None:
    result, package = build_fixture_deck("formula-displaystyle-left")
    assert "formula-render" not in result.output, result.output
    answers = answers_by_question(imported_notes(collection, package))
    for question in ("FM 的二阶项怎么写？", "符号函数怎么写？"):
        answer = answers[question]
        assert answer.count('<img class="math"') == 1, answer
        assert "\\(" not in answer and "\\[" not in answer
