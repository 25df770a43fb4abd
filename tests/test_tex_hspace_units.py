"""``\\hspace`` sizes as typst reads them: a unit TeX lacks (``10px``) is named as the
reason the formula is kept as MathJax (it was "refused: its typst would run code (code
'px' …)"); TeX's other units are converted, ``\\hspace*`` and spaces inside the braces
read as TeX reads them (``\\hspace*{2pt}`` was drawn as the letters "2pt")."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.render.formulas import TypstMath, _convert_batch
from builder.render.texspaces import typst_spaces

from .conftest import imported_answer, write

if TYPE_CHECKING:
    from anki.collection import Collection

PX_REASON = ("typst: 'px' in \\hspace{10px} is no unit TeX has (pt, pc, in, bp, cm, mm, dd, "
             "cc, sp, em, ex; px is MathJax's alone)")


@pytest.mark.parametrize(("tex", "typst"), [
    ("a \\hspace{2pt} b", "a #h(2pt) b"),
    ("a \\hspace*{2pt} b", "a #h(2pt) b"),
    ("a \\hspace{ 2 pt } b", "a #h(2pt) b"),
    ("a \\hspace{2PT} b", "a #h(2pt) b"),
    ("a \\hspace{-1.5cm} b", "a #h(-1.5cm) b"),
    ("a \\hspace{1pc} b", "a #h(12pt) b"),
    ("a \\hspace{.5ex} b", "a #h(0.215em) b"),
    ("a \\hspace{1sp} b", "a #h(0.000015pt) b"),
])
def test_tex_sizes_reach_typst_in_its_units(tex: str, typst: str) -> None:
    assert _convert_batch([tex]) == [TypstMath(typst)]


@pytest.mark.parametrize(("tex", "reason"), [
    ("a \\hspace{10px} b", PX_REASON),
    ("a \\hspace{1em}\\hspace{3qq} b", "typst: 'qq' in \\hspace{3qq} is no unit TeX has (pt, "
     "pc, in, bp, cm, mm, dd, cc, sp, em, ex; px is MathJax's alone)"),
])
def test_a_unit_tex_lacks_is_named(tex: str, reason: str) -> None:
    assert _convert_batch([tex]) == [reason]


def test_a_formula_without_hspace_is_left_alone() -> None:
    assert typst_spaces("a \\quad b \\kern 3px") == ("a \\quad b \\kern 3px", None)


def test_the_card_keeps_it_as_mathjax_and_the_warning_names_the_unit(
        tmp_path: Path, collection: Collection) -> None:
    write(tmp_path / "n.md", "## S\n### Q\n宽 $a \\hspace{10px} b$ 和 $c \\hspace*{2pt} d$\n")
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg"])
    assert result.exit_code == 0, result.output
    said = [line for line in result.output.splitlines() if "[formula-render]" in line]
    assert len(said) == 1 and PX_REASON in said[0], result.output
    assert "would run code" not in result.output
    answer = imported_answer(collection, tmp_path / "dist" / "n.apkg")
    assert "\\(a \\hspace{10px} b\\)" in answer
    assert answer.count('<img class="math"') == 1, answer  # \hspace* drawn
