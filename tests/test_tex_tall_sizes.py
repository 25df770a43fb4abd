"""Vertical sizes in a formula kept as MathJax (``\\raise{5000em}{X}``, a tall
``\\rule``, ``\\Space``, a ``\\\\[5000em]`` row) are drawn at 20em: measured in a headless
Chromium with MathJax 3, such a card's answer grew to 110,000 pixels of blank, while wide
ones (``\\kern``, ``\\hspace``) only widen the answer's own scrolling box."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.parse.texsizes import clamp_tall_sizes

from .conftest import imported_answer, write

if TYPE_CHECKING:
    from anki.collection import Collection


@pytest.mark.parametrize(("tex", "kept", "clamped"), [
    ("\\raise{5000em}{X}", "\\raise{20em}{X}", ["\\raise"]),
    ("\\lower 5000em{X}", "\\lower 20em{X}", ["\\lower"]),
    ("\\raise{-5000em}{X}", "\\raise{-20em}{X}", ["\\raise"]),
    ("\\raise{ 50.5 cm }{X}", "\\raise{ 20em }{X}", ["\\raise"]),  # 143em
    ("\\rule[2em]{10px}{10000px}", "\\rule[2em]{10px}{20em}", ["\\rule"]),
    ("\\rule{1px}{10000px} x", "\\rule{1px}{20em} x", ["\\rule"]),
    ("\\Space{1px}{2em}{3000em}", "\\Space{1px}{2em}{20em}", ["\\Space"]),
    ("a\\\\[5000em] b", "a\\\\[20em] b", ["\\\\"]),
    ("a\\\\*[5000em] b", "a\\\\*[20em] b", ["\\\\"]),  # no page break: the same row
    ("\\Rule{1em}{3000em}{3000em}", "\\Rule{1em}{20em}{20em}", ["\\Rule", "\\Rule"]),
    ("\\rule[3000em]{1em}{2em}", "\\rule[20em]{1em}{2em}", ["\\rule"]),
    # A row's size is only one in brackets right after it: "\\ 100 cm" is text.
    ("a \\\\ 100 cm", "a \\\\ 100 cm", []),
    ("a \\\\ [100cm] b", "a \\\\ [100cm] b", []),
    # Widths only widen the answer's scrolling box: a rule's, a \Rule's or a \Space's stays.
    ("\\rule{30em}{0.4pt}", "\\rule{30em}{0.4pt}", []),
    ("\\rule[1em]{3000em}{1em}", "\\rule[1em]{3000em}{1em}", []),
    ("\\Rule{3000em}{1em}{1em} \\Space{3000em}{1em}{1em}",
     "\\Rule{3000em}{1em}{1em} \\Space{3000em}{1em}{1em}", []),
    # Sizes a formula means, wide ones, and text that reads like a size stay.
    ("\\raise{0.5em}{X} \\rule{0pt}{3ex} a\\\\[2em] b", "\\raise{0.5em}{X} \\rule{0pt}{3ex} "
     "a\\\\[2em] b", []),
    ("a\\kern{10000px}b \\hspace{10000px}", "a\\kern{10000px}b \\hspace{10000px}", []),
    ("\\rule{1em}{2em} \\text{5000em}", "\\rule{1em}{2em} \\text{5000em}", []),
    ("\\rule{1em}{2em} 5000em", "\\rule{1em}{2em} 5000em", []),
    ("\\raise{5000emx}{X}", "\\raise{5000emx}{X}", []),  # no size MathJax reads
])
def test_tall_sizes_are_drawn_at_20em(tex: str, kept: str, clamped: list[str]) -> None:
    assert clamp_tall_sizes(tex) == (kept, clamped)


def test_the_card_holds_the_size_drawn_and_the_formula_is_warned_of(
        tmp_path: Path, collection: Collection) -> None:
    write(tmp_path / "n.md", "## S\n### Q\n上面 $\\raise{5000em}{X}$ 下面\n")
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg", "--math", "mathjax"])
    assert result.exit_code == 0, result.output
    assert ("n.md:3:4: warning: `\\raise` sizes over 20em drawn at 20em: in Anki's MathJax "
            "the card would be as tall as the size, blank [formula-command]"
            ) in result.output.splitlines(), result.output
    answer = imported_answer(collection, tmp_path / "dist" / "n.apkg")
    assert "\\raise{20em}{X}" in answer and "5000" not in answer, answer
