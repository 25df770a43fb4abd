"""Logseq's own block settings in an outline page (``collapsed:: true``, ``id:: …``, its
flashcards' ``card-…::`` review state, ``:LOGBOOK:`` … ``:END:`` drawers) are left out of the
card and the sheet, as Logseq hides them, and one note names their lines (destin-v's
Logseq-Vault, hunt6, showed ``collapsed:: true`` under every paper); what Logseq shows
(``type:: definition``, an unclosed drawer) stays."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pypdf

from .conftest import FIXTURES, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

HIDDEN = ("collapsed::", "id::", "6545de18", "691989d0", "card-last-score", "card-repeats",
          ":LOGBOOK:", "CLOCK:", ":END:")
SHOWN = ("What is Q-learning?", "An off-policy TD method", "type:: definition",
         "Why replay experience?", "To break the correlation of consecutive samples.",
         "A drawer never closed stays text", ":NOTES:", "kept as written",
         "Source:: is no Logseq setting, and stays",
         "heading:: a word, not a level, stays too")


def test_logseq_settings_are_left_out(collection: Collection) -> None:
    result = build_fixture(FIXTURES / "logseq-page.md", "--no-lock")
    assert result.exit_code == 0, result.output
    assert ("n.md:2:1: note: 8 line(s) of Logseq's own block settings (collapsed::, id::, "
            "card-…::, :LOGBOOK: drawers), within lines 2-16, left out of the cards and the "
            "sheet, as Logseq hides them [logseq-settings]") in result.output, result.output
    (package,) = Path("dist").glob("*.apkg")
    # The page's one #card block is its one card (tests/test_logseq_cards); the rest of
    # the outline is the sheet's.
    (note,) = imported_notes(collection, package)
    assert (note["Question"], note["Answer"]) == (
        "Why replay experience?",
        "<ul><li>To break the correlation of consecutive samples.</li></ul>")
    (sheet,) = Path("dist").glob("*.pdf")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(sheet).pages)
    assert not [words for words in HIDDEN if words in text], text
    assert [words for words in SHOWN if words not in text.replace("\n", " ")] == [], text


def test_a_drawer_of_another_name_is_the_author_s_text() -> None:
    """Only Logseq's time log (``:LOGBOOK:`` over ``CLOCK:`` lines) is hidden: a closed
    drawer of any other name, or a log holding words, is text the author wrote."""
    from builder.model import plain_text
    from builder.parse.document import parse_text

    doc = parse_text("## Q?\n\nsome text\n:NOTE:\nimportant line that must stay\n:END:\n\n"
                     ":LOGBOOK:\nwords, not a clock\n:END:\n", "n.md")
    (card,) = doc.cards
    shown = plain_text(card.answer)
    for words in (":NOTE:", "important line that must stay", "words, not a clock",
                  ":LOGBOOK:"):
        assert words in shown, shown
    assert not [d for d in doc.diagnostics if d.code == "logseq-settings"], doc.diagnostics
