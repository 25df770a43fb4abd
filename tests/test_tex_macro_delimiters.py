"""A TeX macro named as a MathJax delimiter (``\\gdef\\)``, ``\\def\\[``) cannot carry one
into a card: the file's macros are expanded by the builder (their definitions taken out
of the card), and what a body expands to is checked as any formula is.  Anki's MathJax
finds ``\\(``…``\\)`` in the page's text before any TeX macro runs, so a macro of that
name in MathJax itself would change no delimiter either."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from click.testing import CliRunner

from builder.cli import main

from .conftest import imported_answer, write

if TYPE_CHECKING:
    from anki.collection import Collection


def test_a_macro_named_as_a_delimiter_is_expanded_and_checked(
        tmp_path: Path, collection: Collection) -> None:
    write(tmp_path / "n.md", "## S\n### Q\n"
          "$\\gdef\\){\\href{javascript:alert(1)}{y}}$ 然后 $p \\) q$\n\n"
          "$\\def\\[{w}$ 以及 $a \\[ b$\n")
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg", "--math", "mathjax"])
    assert result.exit_code == 0, result.output
    assert "`\\href` taken out of the formula" in result.output
    answer = imported_answer(collection, tmp_path / "dist" / "n.apkg")
    assert "href" not in answer and "gdef" not in answer and "\\def" not in answer
    assert "\\(p {y} q\\)" in answer and "\\(a w b\\)" in answer, answer
