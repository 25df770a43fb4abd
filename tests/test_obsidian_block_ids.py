"""Obsidian's block ids (``^63d7e2`` ending a paragraph or an item, ``^1741263820880`` on a
line of its own under a card, as the Flashcards plugin writes them) are hidden by
Obsidian: they are left out of the cards and the sheet, and one note names their lines
(Malachi-H/Obsidian-Software-Flashcards, hunt-cards, showed '^63d7e2' and '^0d76f8' at the
end of answers and questions).  A caret that is a power, code or a footnote stays."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pypdf

from .conftest import FIXTURES, answers_by_question, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

IDS = ("63d7e2", "abc-123", "1741263820880", "1741263820894")


def test_block_ids_are_left_out(collection: Collection) -> None:
    result = build_fixture(FIXTURES / "obsidian-block-ids.md", "--no-lock")
    assert result.exit_code == 0, result.output
    assert ("n.md:3:1: note: 4 Obsidian block id(s) (^1a2b3c), within lines 3-10, left out "
            "of the cards and the sheet, as Obsidian hides them [block-ids]") in result.output
    (package,) = Path("dist").glob("*.apkg")
    answers = answers_by_question(imported_notes(collection, package))
    assert answers["What is a context diagram?"] == (
        "<p>An overview of the system and its outside entities.</p>"
        "<ul><li>It shows no sequence of events</li></ul>")
    assert answers["What is hashing?"] == "<p>A one-way function to a fixed length.</p>"
    kept = answers["Which carets stay?"]
    for words in ("r ^2, and 2^10 is 1024 ^10", "<code>code ^abcdef</code>", "A footnote."):
        assert words in kept, kept
    (sheet,) = Path("dist").glob("*.pdf")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(sheet).pages)
    assert [words for words in IDS if words in text] == [], text
    assert "It shows no sequence of events" in text, text
