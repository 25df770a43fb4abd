"""A formula wrapped in a second pair of delimiters (``$\\( \\alpha \\)$``, pasted from a
chat answer) is drawn as the formula inside, not left as MathJax that shows an error."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from builder.parse.document import parse_text
from builder.parse.texsafe import delimiters_unwrapped

from .conftest import build_fixture, imported_answer

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = Path(__file__).parent / "fixtures" / "doubled_delimiters.md"


def test_only_a_pair_around_the_whole_formula_is_taken_off() -> None:
    assert delimiters_unwrapped(r" \( \alpha \) ") == r"\alpha"
    assert delimiters_unwrapped(r"\[x^2\]") == "x^2"
    assert delimiters_unwrapped(r"\(a\) + \(b\)") == r"\(a\) + \(b\)"
    assert delimiters_unwrapped(r"\(a\]") == r"\(a\]"
    assert delimiters_unwrapped(r" \alpha ") == r"\alpha"
    assert delimiters_unwrapped(r"\(\)") == r"\(\)"


def test_doubled_delimiters_are_read_as_the_formula_inside() -> None:
    doc = parse_text(FIXTURE.read_text(encoding="utf-8"), "doubled_delimiters.md")
    (card,) = doc.cards
    tex = [formula.tex for formula in card.formulas]
    assert r"\mathbf{x}_0" in tex and r"\boldsymbol{\epsilon}" in tex and "t" in tex
    assert not any(t.startswith((r"\(", r"\[")) for t in tex if "+" not in t)


def test_doubled_delimiters_reach_the_real_anki_drawn(
        tmp_path: Path, collection: Collection) -> None:
    result = build_fixture(FIXTURE, "--format", "apkg", "--no-lock")
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    answer = imported_answer(collection, tmp_path / "dist" / "Doubled delimiters.apkg")
    drawn, pairs = answer.split("Two pairs")
    assert drawn.count('<img class="math') == 4  # x0, epsilon, t and the display formula
    assert r"\(" not in drawn and r"\[" not in drawn
    # Not unwrapped, and its inner closers braced (as any closer inside kept TeX is), so
    # MathJax reads the formula to its own end rather than to the first ``\)``.
    assert r"\(\(a{\)} + \(b{\)}\)" in pairs
