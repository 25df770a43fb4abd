"""A heading with nothing under it among questions at several levels, over the next ones
at its own level ("#### Step 2" over "#### Step 2a", "#### Step 2b"): a section of no
question, its words in no card or PDF, so the author is told (``empty-section``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from builder.parse.document import parse_file

from .conftest import FIXTURES, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "mixed-levels-group-heading.md"
QUESTIONS = ["Background", "Bias vs Variance", "Gradient Boost", "Mathematical Formulation",
             "Step 1 Solve for the First Term", "Step 2a", "Step 2b",
             "What does the learning rate do?", "Classification"]


def test_the_empty_group_heading_is_reported_at_its_line() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert doc.settings.structure.startswith("sections and questions at levels")
    assert [card.question_text for card in doc.cards] == QUESTIONS
    (note,) = [d for d in doc.diagnostics if d.code == "empty-section"]
    assert (note.loc.line, note.severity) == (23, "note")
    assert "'Step 2 Solve for the Later Terms'" in note.message


def test_a_section_over_deeper_questions_is_not_reported() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    (tuning,) = [card for card in doc.cards if card.question_text.startswith("What does")]
    assert tuning.section_path == ("Tuning",)
    assert [d.loc.line for d in doc.diagnostics if d.code == "empty-section"] == [23]


def test_the_cli_names_the_line_and_anki_gets_every_question(collection: Collection) -> None:
    result, package = build_fixture_deck(FIXTURE.stem)
    assert ("mixed-levels-group-heading.md:23:1: note: section 'Step 2 Solve for the Later "
            "Terms' has no questions and no text") in result.output
    assert "[empty-section]" in result.output
    questions = sorted(note["Question"] for note in imported_notes(collection, package))
    assert questions == sorted(QUESTIONS)
