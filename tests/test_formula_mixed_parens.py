"""A Chinese input method types ``（`` where ``(`` was meant, and the author closes it with
an ASCII ``)``: ``\\frac{（\\sum_{i \\in I_L}g_i)^2}{…}`` (datawhalechina TreeEmbedding.md:67).
typst read the ASCII ``)`` as closing ``frac(`` ("missing argument: denom"); with
``\\tag{18}``, which mathtext lacks, the formula stayed MathJax with a warning.  A pair of
mixed widths is now read as the ASCII pair the author meant, and the formula is drawn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from builder.parse.texsyntax import parse_tex, tex_of, with_paired_parens
from builder.render.texmath import to_typst

from .conftest import FIXTURES, answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "formula-mixed-parens.md"


def paired(tex: str) -> str:
    return tex_of(with_paired_parens(parse_tex(tex)))


def test_a_pair_of_mixed_widths_becomes_ascii() -> None:
    assert paired(r"\frac{（\sum g_i)^2}{h}") == r"\frac{(\sum g_i)^2}{h}"
    assert paired("{(a）+b}") == "{(a)+b}"
    # Pairs of one width stay as written, nested or not; so does a lone one.
    assert paired("（a）(b)") == "（a）(b)"
    assert paired("（a(b)c）") == "（a(b)c）"
    assert paired("（a") == "（a" and paired("a)") == "a)"
    assert paired("(（a)）") == "((a))"
    assert to_typst(r"\frac{（a)^2}{b}") == to_typst(r"\frac{(a)^2}{b}")


def test_the_formulas_are_drawn_on_the_cards(collection: Collection) -> None:
    result, package = build_fixture_deck(FIXTURE.stem)
    assert "formula-render" not in result.output, result.output
    answers = answers_by_question(imported_notes(collection, package))
    for question in ("分裂增益怎么算？", "叶子权重为什么是这个值？"):
        answer = answers[question]
        assert answer.count('<img class="math"') == 1, answer
        assert "\\[" not in answer and "\\(" not in answer, answer
