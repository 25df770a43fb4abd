"""``\\newline`` in a formula breaks its line, as MathJax draws it (and as ``\\\\`` does)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from click.testing import CliRunner

from builder.cli import main
from builder.render.texmath import to_typst

from .conftest import FIXTURES, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def test_newline_converts_as_a_line_break() -> None:
    assert to_typst(r"a = 1 \newline b = 2") == to_typst(r"a = 1 \\ b = 2")
    assert "newline" not in to_typst(r"x \newline y")


def test_formulas_with_newline_are_drawn_on_the_cards(tmp_path: Path,
                                                      collection: Collection) -> None:
    source = tmp_path / "notes" / "formula-newline.md"
    source.parent.mkdir()
    shutil.copy(FIXTURES / "formula-newline.md", source)
    result = CliRunner().invoke(main, ["build", "notes", "--format", "apkg,pdf", "--no-lock"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "formula-render" not in result.output, result.output
    (package,) = Path("dist").glob("*.apkg")
    notes = imported_notes(collection, package)
    assert len(notes) == 2
    for note in notes:
        answer = note["Answer"]
        assert '<img class="math"' in answer and "\\[" not in answer  # drawn, not MathJax
