"""A table of contents copied with notes from the chat or site they were written in: its
title behind an emoji (``📌 Table of Contents``), its links to that page at the anchors of
this file's own headings (``https://chatgpt.com/c/…#-evaluation-metrics``).  It is no card."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from builder.model import plain_text
from builder.parse.document import parse_file
from builder.parse.phrases import is_toc_title

from .conftest import FIXTURES, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "toc-copied-from-chat.md"
QUESTIONS = ["📊 Evaluation Metrics", "🧮 NumPy Basics", "🕸️ Detection Models",
             "📚 Further reading"]


@pytest.mark.parametrize(("text", "names"), [
    ("📌 Table of Contents", True),
    ("📚 目录", True),
    ("目录 📚：", True),
    ("Table of Contents", True),
    ("📌 Tables of results", False),
    ("🔍 About This Repository", False),
])
def test_an_emoji_beside_the_title_still_names_a_toc(text: str, names: bool) -> None:
    assert is_toc_title(text) is names


def test_the_copied_toc_is_no_card_and_the_questions_are() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert [card.question_text for card in doc.cards] == QUESTIONS
    # Left out as a file's own TOC under its title is (the headings are all there), its
    # entries not named one by one as links past the file.
    assert [d.code for d in doc.diagnostics] == ["section-intro"]  # the rule, line 9
    assert [entry.anchor for entry in doc.toc] == [
        "-evaluation-metrics", "-numpy-basics", "\ufe0f-detection-models"]
    # A reading list of one page elsewhere, at anchors this file has not, is an answer.
    assert "section 4" in plain_text(doc.cards[-1].answer)


def test_anki_gets_no_toc_card(tmp_path: Path, collection: Collection) -> None:
    result, package = build_fixture_deck(FIXTURE.stem)
    assert "toc-outside" not in result.output
    notes = imported_notes(collection, package)
    questions = sorted(note["Question"] for note in notes)
    assert questions == sorted(QUESTIONS)
    answers = " ".join(note["Answer"] for note in notes)
    assert "chatgpt.com" not in answers and "Table of Contents" not in answers


def test_links_to_one_page_at_anchors_this_file_lacks_are_no_toc() -> None:
    """A book's contents, online at one page elsewhere, is kept (with its links named)."""
    from builder.parse.document import parse_text

    text = ("# Detection\n\n## Contents\n\n"
            "- [Focal loss](https://book.example/detection.html#focal-loss)\n"
            "- [Anchors](https://book.example/detection.html#anchors)\n\n"
            "## What is focal loss?\n\nCross-entropy scaled down for easy examples.\n")
    doc = parse_text(text, "reading.md")
    assert doc.toc == ()
    assert [card.question_text for card in doc.cards] == ["Contents", "What is focal loss?"]
