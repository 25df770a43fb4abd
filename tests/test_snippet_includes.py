"""MkDocs snippet includes (``--8<-- "file"``) are not followed: each is named, at its
line and column, since the text it stands for reaches no card (builder.checks.includes)."""

from __future__ import annotations

from pathlib import Path

from anki.collection import Collection

from .conftest import FIXTURES, build_fixture, imported_notes


def test_each_include_line_is_named(tmp_path: Path, collection: Collection) -> None:
    result = build_fixture(FIXTURES / "snippet-includes.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    found = [line for line in result.output.splitlines() if "[snippet-include]" in line]
    assert found == [
        "n.md:8:9: warning: '--8<-- \"docs/math/code/mobius/mobius-func-1.cpp:core\"' is a "
        "MkDocs snippet include, not followed: the file's text is in no card (the line is "
        "shown as written); paste it in to keep it [snippet-include]",
        "n.md:13:1: warning: '--8<-- \"includes/abbreviations.md\"' is a MkDocs snippet "
        "include, not followed: the file's text is in no card (the line is shown as "
        "written); paste it in to keep it [snippet-include]"], result.output
    answers = [note["Answer"]
               for note in imported_notes(collection, tmp_path / "dist" / "数论.apkg")]
    assert any("mobius-func-1.cpp:core" in a for a in answers), "the line stays on the card"
