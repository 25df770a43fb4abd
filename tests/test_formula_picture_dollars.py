"""A formula service's picture whose TeX the author wrapped in dollars, as the notes' own
formulas are (``render/math?math=$ f(x) $``), is drawn from the TeX inside them: kept as
MathJax before, since no renderer draws a ``$``."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from click.testing import CliRunner

from builder.cli import main

from .conftest import imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = Path(__file__).parent / "fixtures" / "math" / "formula-picture-dollars.md"


def test_dollar_wrapped_service_formulas_are_drawn_in_the_real_anki(
        tmp_path: Path, collection: Collection) -> None:
    shutil.copy(FIXTURE, tmp_path / "n.md")
    result = CliRunner().invoke(main, [str(tmp_path / "n.md"), "-o", str(tmp_path / "dist"),
                                       "--format", "apkg"])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert "formula-render" not in result.output and "0 warning(s)" in result.output
    (apkg,) = (tmp_path / "dist").glob("*.apkg")
    (note,) = imported_notes(collection, apkg)
    drawn = re.findall(r'<img class="math" src="[^"]+" alt="([^"]*)"', note["Answer"])
    assert drawn == ["f(x)", "[a, b]",
                     "P(a \\leq X \\leq b) = \\int_{a}^{b}{f(x)dx}"], note["Answer"]
    assert "$" not in note["Answer"] and "githubusercontent" not in note["Answer"]
