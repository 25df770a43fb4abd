"""A ``::: tip`` opener in the middle of a paragraph, never closed: its lines stay the
paragraph's text on the card, and it is reported like one opening a paragraph."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .conftest import FIXTURES, build_fixture, import_apkg

if TYPE_CHECKING:
    from anki.collection import Collection


def test_unclosed_opener_inside_a_paragraph_is_reported(
        tmp_path: Path, collection: Collection) -> None:
    result = build_fixture(FIXTURES / "container-in-paragraph.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    for line, opener in [(6, "::: tip 提示"), (11, "::: warning")]:
        assert (f"n.md:{line}:1: warning: container `{opener}` is not closed by a `:::` "
                "line") in result.output, result.output
    assert result.output.count("[container-unclosed]") == 2, result.output
    import_apkg(collection, tmp_path / "dist" / "容器.apkg")
    answers = [str(collection.get_note(i)["Answer"]) for i in collection.find_notes("")]
    assert any("::: tip 提示" in a and "统计量不同" in a for a in answers), answers
