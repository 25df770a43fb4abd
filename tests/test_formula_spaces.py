"""No-break spaces in a formula (pasted from a web editor, or in a WordPress formula
picture's address) are spaces to TeX: the formula is drawn, not kept as MathJax."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from builder.render.texmath import to_typst

from .conftest import FIXTURES, build_fixture, imported_answer

if TYPE_CHECKING:
    from anki.collection import Collection


@pytest.mark.parametrize("space", ["\u00a0", "\u3000", "\u2009", "\u202f"])
def test_a_unicode_space_converts_as_a_space(space: str) -> None:
    assert to_typst(f"\\sum \\limits_{{x}}{space}\\delta_{{x}}") \
        == to_typst("\\sum \\limits_{x} \\delta_{x}")


def test_the_card_draws_both_formulas(
        tmp_path: Path, collection: Collection) -> None:
    result = build_fixture(FIXTURES / "math" / "no-break-spaces.md")
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    answer = imported_answer(collection, tmp_path / "dist" / "不换行空格.apkg")
    drawn = re.findall(r'<img class="math" src="[^"]+" alt="([^"]*)"', answer)
    assert [alt.replace("\u00a0", " ") for alt in drawn] == [
        "\\sum \\limits_{x} \\delta_{x}", "\\sum \\limits_{y'} \\delta_{y'}"], answer
    assert "\\(" not in answer and "\\[" not in answer
