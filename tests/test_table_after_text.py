"""A table right under a line of text ends that paragraph, as on GitHub (it was read
as more lines of the paragraph: its pipes shown as text, no table on the card)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from builder.parse.document import parse_file

from .conftest import FIXTURES, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

NAME = "table-after-text"


def test_a_table_under_a_line_of_text_is_a_table() -> None:
    doc = parse_file(FIXTURES / f"{NAME}.md", f"{NAME}.md")
    norms, normalise = doc.cards
    assert [n.kind for n in norms.answer] == ["paragraph", "table"]
    assert [n.kind for n in normalise.answer] == ["paragraph", "table"]
    table = norms.answer[1]
    assert (table.line, table.end_line) == (4, 8)  # the line after it is a row, as GFM reads
    # The formulas in its cells are whole, pipes and all.
    assert [f.tex for f in norms.formulas] == [r"|w|_2^2", r"|w|_1"]


def test_the_tables_import_into_anki(tmp_path: Path, collection: Collection) -> None:
    _result, package = build_fixture_deck(NAME)
    answers = [note["Answer"] for note in imported_notes(collection, package)]
    assert len(answers) == 2
    for answer in answers:
        assert "<table" in answer and "|---" not in answer and "| 方法" not in answer
