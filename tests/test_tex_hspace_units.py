"""``\\hspace`` sizes as typst reads them: a unit neither TeX nor MathJax has (``3qq``)
is named as the reason the formula is kept as MathJax (``10px`` was "refused: its typst
would run code (code 'px' …)"; MathJax reads it as 10pt, and so is it drawn); TeX's other
units are converted, ``\\hspace*`` and spaces inside the braces read as TeX reads them
(``\\hspace*{2pt}`` was drawn as the letters "2pt")."""

from __future__ import annotations

import os
import subprocess
import sys
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

QQ_REASON = ("typst: 'qq' in \\hspace{3qq} is no unit TeX or MathJax reads (pt, pc, in, bp, "
             "cm, mm, dd, cc, sp, em, ex, mu, px)")


@pytest.mark.parametrize(("tex", "typst"), [
    ("a \\hspace{2pt} b", "a #h(2pt) b"),
    ("a \\hspace*{2pt} b", "a #h(2pt) b"),
    ("a \\hspace{ 2 pt } b", "a #h(2pt) b"),
    ("a \\hspace{2PT} b", "a #h(2pt) b"),
    ("a \\hspace{-1.5cm} b", "a #h(-1.5cm) b"),
    ("a \\hspace{1pc} b", "a #h(12pt) b"),
    ("a \\hspace{.5ex} b", "a #h(0.215em) b"),
    ("a \\hspace{1sp} b", "a #h(0.000015pt) b"),
    ("a \\hspace{10px} b", "a #h(10pt) b"),  # as MathJax reads px: a tenth of an em
    ("a \\hspace{1.5PX} b", "a #h(1.5pt) b"),
])
def test_tex_sizes_reach_typst_in_its_units(tex: str, typst: str) -> None:
    assert _convert_batch([tex]) == [TypstMath(typst)]


@pytest.mark.parametrize(("tex", "reason"), [
    ("a \\hspace{3qq} b", QQ_REASON),
    ("a \\hspace{1em}\\hspace{3qq} b", QQ_REASON),
    ("a \\hspace{1px}\\hspace{3qq} b", QQ_REASON),
])
def test_a_unit_tex_lacks_is_named(tex: str, reason: str) -> None:
    assert _convert_batch([tex]) == [reason]


def test_a_formula_without_hspace_is_left_alone() -> None:
    assert typst_spaces("a \\quad b \\kern 3px") == ("a \\quad b \\kern 3px", None)


def test_the_card_keeps_it_as_mathjax_and_the_warning_names_the_unit(
        tmp_path: Path, collection: Collection) -> None:
    write(tmp_path / "n.md", "## S\n### Q\n宽 $a \\hspace{3qq} b$ 和 $c \\hspace*{2pt} d$ 和 "
          "$e \\hspace{10px} f$\n")
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg"])
    assert result.exit_code == 0, result.output
    said = [line for line in result.output.splitlines() if "[formula-render]" in line]
    assert len(said) == 1 and QQ_REASON in said[0], result.output
    assert "would run code" not in result.output
    answer = imported_answer(collection, tmp_path / "dist" / "n.apkg")
    assert "\\(a \\hspace{3qq} b\\)" in answer
    assert answer.count('<img class="math"') == 2, answer  # \hspace* and px drawn


@pytest.mark.parametrize(("tex", "spaced"), [
    ("a \\hspace{1truept} b", "a \\hspace{1pt} b"),  # TeX's own: true units at mag 1000
    ("a \\hspace{2 TRUE pc} b", "a \\hspace{24pt} b"),
    ("a \\\\\\hspace{3pc} b", "a \\\\\\hspace{36pt} b"),  # a line break, then \hspace
])
def test_true_units_and_a_space_after_a_line_break_are_converted(tex: str,
                                                                 spaced: str) -> None:
    assert typst_spaces(tex) == (spaced, None)


@pytest.mark.parametrize("tex", [
    "a \\hspace{２pt} b",  # a fullwidth digit is no TeX number: not made '2pt'
    "a \\hspace{2\u2003pt} b",
    "a \\hspace{" + "9" * 309 + "pt} b",  # no 'inf' for typst to read as a name
    "a \\hspace{" + "9" * 400 + "pc} b",
    "a \\\\hspace{3px} b",  # a line break, then the text "hspace{3px}": no unit
])
def test_what_is_no_tex_size_is_left_as_written(tex: str) -> None:
    assert typst_spaces(tex) == (tex, None)


def test_a_true_unit_only_goes_before_a_physical_one_and_long_sizes_are_cut() -> None:
    assert typst_spaces("a \\hspace{1trueem} b")[1] == (
        "'trueem' in \\hspace{1trueem} is no unit TeX or MathJax reads (pt, pc, in, bp, cm, "
        "mm, dd, cc, sp, em, ex, mu, px)")
    reason = typst_spaces("\\hspace{" + "1" * 500 + "qq}")[1]
    assert reason is not None
    assert reason.startswith("'qq' in \\hspace{" + "1" * 31 + "… is no unit")


_SPACES_CHILD = """
import resource
resource.setrlimit(resource.RLIMIT_CPU, (30, 30))
from builder.render.texspaces import typst_spaces
# ~1 MB of spaces: well under a second when linear; the pattern this replaced tried
# every split of them between two \\\\s* (5 s at 40,000, hours here).
assert typst_spaces("\\\\hspace" + " " * 1_000_000 + "x") == ("\\\\hspace" + " " * 1_000_000
                                                            + "x", None)
assert typst_spaces("\\\\hspace" + " " * 1_000_000 + "*{1pc}") == ("\\\\hspace{12pt}", None)
print("done")
"""


def test_a_run_of_spaces_after_hspace_is_read_in_linear_work() -> None:
    root = Path(__file__).resolve().parent.parent
    child = subprocess.run([sys.executable, "-c", _SPACES_CHILD], cwd=root,
                           env={**os.environ, "PYTHONPATH": str(root)},
                           capture_output=True, text=True, check=False)
    assert child.stdout.strip() == "done", child.stderr[-2000:]
