"""Environments real notes use are drawn whole: rows inside their brace, eqnarray as
aligned, a brace whose ``\\left`` was left out."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from builder.render.formulacache import RenderedFormula
from builder.render.texmath import to_typst

from .drawformulas import image

BRACED = r"\left\{ \begin{aligned} a &= 1 \\ b &= 2 \end{aligned} \right."


def ink_rows_of_left_strip(png: Path, strip: int = 18) -> tuple[int, int]:
    """(rows with ink in the ``strip`` columns from the leftmost ink, rows with ink)."""
    from matplotlib import image as mpimg

    pixels = mpimg.imread(io.BytesIO(png.read_bytes()), format="png")
    inked = [[px[3] > 0.3 for px in row] for row in pixels]
    first = min(row.index(True) for row in inked if any(row))
    left = sum(1 for row in inked if any(row[first:first + strip]))
    return left, sum(1 for row in inked if any(row))


def drawn(tex: str, cache_dir: Path, display: bool = True) -> RenderedFormula:
    outcome = image(tex, cache_dir, display)
    assert outcome.engine == "typst"
    return outcome


@pytest.mark.parametrize("tex", [
    BRACED,
    r"\left\{ \begin{gathered} a = 1 \\ b = 2 \end{gathered} \right.",
    r"\left\{ \begin{array}{l} a = 1 \\ b = 2 \end{array} \right.",
    r"\{ \begin{array}{l} a = 1 \\ b = 2 \end{array} \right.",
])
def test_brace_reaches_every_row(tex: str, tmp_path: Path) -> None:
    """The brace is the leftmost ink: it must run the whole height, past both rows."""
    left, anywhere = ink_rows_of_left_strip(drawn(tex, tmp_path).image.path)
    assert left >= 0.85 * anywhere, (left, anywhere)


def test_braced_aligned_becomes_cases_keeping_alignment() -> None:
    assert to_typst(BRACED).strip() == "display(cases(a &= 1, b &= 2))"


def test_eqnarray_is_drawn_as_aligned(tmp_path: Path) -> None:
    typst = to_typst(r"\begin{eqnarray} a &=& b + c \\ d &=& e \end{eqnarray}")
    assert typst.strip() == "a &= b + c \\ d &= e"
    drawn(r"\begin{eqnarray*} a &=& b \\ d &=& e \end{eqnarray*}", tmp_path)


def test_right_without_left_pairs_with_the_bare_brace() -> None:
    assert to_typst(r"\{ a \right.").strip() == to_typst(r"\left\{ a \right.").strip()


@pytest.mark.parametrize("tex", [
    r"\begin{array}{c|c} a & b \\ \hline c & d \end{array}",
    r"\begin{multline} a + b \\ + c \end{multline}",
    r"\Large x + \small y",
])
def test_array_rules_multline_and_sizes_are_drawn(tex: str, tmp_path: Path) -> None:
    drawn(tex, tmp_path)


def test_script_without_a_base_is_drawn(tmp_path: Path) -> None:
    assert "#none" not in to_typst("_{v1-4}")
    drawn("_{v1-4}", tmp_path, display=False)


def test_braced_rows_inline_keep_their_size(tmp_path: Path) -> None:
    """amsmath sets aligned rows in display style, inline too: as tall as in a display."""
    inline, display = drawn(BRACED, tmp_path, display=False), drawn(BRACED, tmp_path)
    assert inline.height_em == pytest.approx(display.height_em, rel=0.05)


@pytest.mark.parametrize(("tex", "typst"), [
    (r"x\_{i} + y\_i", "x_i + y_i"),           # escaped for Markdown renderers
    (r"B\*L\*C", "B * L * C"),
    (r"\text{a\_b}", '"a_b"'),                 # in text it stays an underscore
    (r"rate{\_}decay{\_step}", "r a t e \\_ d e c a y \\_ s t e p"),  # no base: the glyph
    (r"\ref{equ:ori}", '"equ:ori"'),           # labels cannot be resolved on a card
    (r"\eqref{1}", '"(1)"'),
    (r'\ref{" #read("x") "}', '"\\" #read(\\"x\\") \\""'),  # a label is a string, never code
])
def test_what_notes_write_in_formulas(tex: str, typst: str, tmp_path: Path) -> None:
    assert to_typst(tex).strip() == typst
    drawn(tex, tmp_path, display=False)
