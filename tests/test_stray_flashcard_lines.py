"""One line that looks like a flashcard tool's card does not change how a file of another
kind is read (s14 review): a ``x : y ⚡️`` line in a one-question file, ``#card`` as a
word of a sentence, a micro line inside a bold question's answer.  Flashcard reading
needs at least two such cards, not outnumbered by the file's other questions; a tagged
line is one only when the tag ends it; an open bold question keeps such lines."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pypdf

from .conftest import FIXTURES, answers_by_question, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def _built(collection: Collection, name: str) -> dict[str, str]:
    result = build_fixture(FIXTURES / f"{name}.md", "--no-lock")
    assert result.exit_code == 0, result.output
    (package,) = Path("dist").glob("*.apkg")
    return answers_by_question(imported_notes(collection, package))


def _sheet() -> str:
    (sheet,) = Path("dist").glob("*.pdf")
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(sheet).pages)
                    .split())


def test_one_micro_line_leaves_a_one_question_file_alone(collection: Collection) -> None:
    answers = _built(collection, "stray-micro-line")
    assert list(answers) == ["Caching strategies"], answers
    answer = answers["Caching strategies"]
    for words in ("Write-back delays the store write.", "Rule of thumb : measure first ⚡️",
                  "Eviction policies include LRU and LFU."):
        assert words in answer, answer


def test_card_tag_inside_a_sentence_is_the_authors_word(collection: Collection) -> None:
    answers = _built(collection, "card-word-in-answer")
    assert set(answers) == {"What does an id selector look like?", "What is the box model?",
                            "What beats a class selector?"}, answers
    answer = answers["What does an id selector look like?"]
    assert "Select the element with #card in the stylesheet." in answer, answer
    assert "It matches one element." in answer, answer


def test_micro_line_in_a_bold_answer_stays_in_it(collection: Collection) -> None:
    answers = _built(collection, "micro-in-bold-answer")
    assert set(answers) == {"Who made Rust?", "Who made Go?", "Who made Zig?",
                            "Why use Rust?", "What is Go?"}, answers
    assert answers["Who made Zig?"] == "<p>Andrew Kelley</p>", answers
    rust = answers["Why use Rust?"]
    for words in ("Memory safety without a GC.", "Speed : very fast ⚡️",
                  "It also has great tooling."):
        assert words in rust, rust
    assert "It also has great tooling." in _sheet()


def test_micro_lines_outnumbered_by_bold_questions_are_text(collection: Collection) -> None:
    """Two micro lines over three bold questions: the file is the author's notes, read by
    its bold lines; the two lines stay its introduction, in the sheet."""
    answers = _built(collection, "micro-lines-outnumbered")
    assert set(answers) == {"What does TCP guarantee?", "What does UDP add over IP?",
                            "What is a socket?"}, answers
    sheet = _sheet()
    assert "TCP : reliable stream" in sheet and "UDP : datagrams" in sheet, sheet
