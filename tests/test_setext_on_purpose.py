"""Notes whose headings are all underlined (``BERT`` over ``----``, then ``FAQ`` over
``---``, as xuyang-xy's eight_legged_essay writes them): the underline is the author's way
of writing a heading, not a stray rule under answer text, so no ``setext-heading``
warning; a stray one in notes that underline nothing else is still warned."""

from __future__ import annotations

from typing import TYPE_CHECKING

from builder.parse.document import parse_file, parse_text

from .conftest import FIXTURES, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "setext-on-purpose.md"


def _codes(text: str) -> list[tuple[int, str]]:
    return [(d.loc.line, d.code) for d in parse_text(text, "n.md").diagnostics
            if d.code == "setext-heading"]


def test_underlined_headings_of_a_file_that_underlines_them_are_not_warned() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert [card.question_text for card in doc.cards] == ["Attention", "FAQ", "Summary"]
    assert not [d for d in doc.diagnostics if d.code == "setext-heading"]
    assert "flat regions" in repr(doc.cards[1].answer)


def test_a_stray_underline_is_still_warned() -> None:
    # No heading of the file is underlined before it: a rule meant under answer text.
    assert _codes("## BN\n\nNormalises over the batch.\n\nFAQ\n---\nMore.\n\n"
                  "## LN\n\nNormalises over the features.\n") == [(5, "setext-heading")]
    # Underlined on purpose at level 2, but two lines of answer text made a heading.
    assert _codes("BN\n--\n\nNormalises over the batch.\nIt needs a batch\n---\nMore.\n\n"
                  "LN\n--\n\nNormalises over the features.\n") == [(4, "setext-heading")]
    # Level 1 is underlined on purpose, level 2 is not.
    assert _codes("Notes\n=====\n\n## BN\n\nOver the batch.\n\nFAQ\n---\nMore.\n") \
        == [(8, "setext-heading")]


def test_the_cli_warns_nothing_and_anki_gets_the_cards(collection: Collection) -> None:
    result, package = build_fixture_deck(FIXTURE.stem)
    assert "setext-heading" not in result.output
    questions = sorted(note["Question"] for note in imported_notes(collection, package))
    assert questions == ["Attention", "FAQ", "Summary"]
