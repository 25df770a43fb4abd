"""Ways Typora and CSDN notes write formulas that typst could not draw, kept as MathJax
with a ``formula-render`` warning: a tab inside the TeX (``…{\\operatorname{Var}}<TAB>\\tag{4}``:
tex2typst stops at it), a script with no base inside a group (``R2{_score}``: tex2typst
writes ``#none_s``, typst code, refused) and a backslash at a line's end (``…-\\mu) \\``
then a new line: TeX's control space, "Unknown token type" to tex2typst). MathJax reads
them all; so do the cards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from builder.render.texmath import to_typst

from .conftest import answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def test_a_tab_is_a_space() -> None:
    assert to_typst("a\t\\tag{4}") == to_typst("a \\tag{4}")


def test_a_backslash_before_a_line_end_is_a_control_space() -> None:
    assert to_typst("a \\\nb") == to_typst("a \\ b") == "a med b"
    assert to_typst("a \\\\\nb") == "a \\\nb"  # a row break before a line end stays one


def test_a_script_with_no_base_in_a_group_gets_an_empty_one() -> None:
    assert to_typst("R2{_score}") == 'R 2 ""_s c o r e'
    assert to_typst("x^{_a}") == to_typst("x^{{}_a}")
    assert "#none" not in to_typst("{^{14}C}")
    assert to_typst(r"\text{_a}") == '"_a"'  # a command's argument stays as written


def test_both_are_drawn_on_the_cards(collection: Collection) -> None:
    result, package = build_fixture_deck("formula-tab-baseless-script", formats="apkg,pdf")
    assert "formula-render" not in result.output, result.output
    answers = answers_by_question(imported_notes(collection, package))
    r2 = answers["R2 分数是什么？"]
    assert r2.count('<img class="math"') == 2 and "\\(" not in r2 and "\\[" not in r2
    assert 'alt="R2{_score}"' in r2
    share = answers["可解释性变异占比怎么算？"]
    assert share.count('<img class="math"') == 1 and "\\[" not in share
    bias = answers["用户偏差怎么算？"]
    assert bias.count('<img class="math"') == 1 and "\\[" not in bias
