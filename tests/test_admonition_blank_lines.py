"""MkDocs admonitions read as Python-Markdown reads them: blank lines, two or more in a
row, do not end a body; the first line written less indented does."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from builder.model import plain_text, walk_all
from builder.parse.admonitions import tag_and_title
from builder.parse.document import parse_text

from .conftest import answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = Path(__file__).parent / "fixtures" / "admonition-blank-lines.md"


def test_two_blank_lines_do_not_end_an_admonitions_body() -> None:
    doc = parse_text(FIXTURE.read_text(encoding="utf-8"), "admonition-blank-lines.md")
    assert [(c.question_text, c.loc.line) for c in doc.cards] == [
        ("What is an epoch?", 7), ("What is a batch?", 12), ("What is warm-up?", 19),
        ("What is kept apart?", 25)]
    batch = next(c for c in doc.cards if c.question_text == "What is a batch?")
    assert [plain_text(n.children) for n in batch.answer] == [
        "The examples of one step.", "Its size trades noise for memory."]
    warm = next(c for c in doc.cards if c.question_text == "What is warm-up?")
    # The heading at the left margin ends the group's boxes, and its section.
    assert [plain_text(n.children) for n in warm.answer] == ["Raising the learning rate slowly."]
    warm = next(c for c in doc.cards if c.question_text == "What is kept apart?")
    # The line at the left margin ends the box: the answer's, in no box.
    assert [(n.kind, plain_text(n.children)[:14]) for n in warm.answer] == [
        ("paragraph", "A box's body, "), ("paragraph", "Text after the"),
        ("callout", "Kept apartInsi")]
    box = warm.answer[2]
    box_text = [plain_text(n.children) for n in box.children[1:]]
    assert box_text == ["Inside the box.", "Still inside, after two blank lines."]
    assert not [n for n in walk_all(tuple(warm.answer)) if n.kind == "code_block"]
    assert not [d for d in doc.diagnostics if d.severity != "note"]


def test_an_admonition_heads_type_and_title() -> None:
    assert tag_and_title('question "Why?"') == ("question", "Why?")
    assert tag_and_title("note") == ("note", "Note")
    assert tag_and_title('note ""') == ("note", "")
    assert tag_and_title("tip inline end") == ("tip", "inline end")
    assert tag_and_title('note inline "A \\"B\\""') == ("note", 'A \\"B\\"')


def test_answers_after_two_blank_lines_reach_the_real_anki(
        collection: Collection) -> None:
    _, apkg = build_fixture_deck(FIXTURE.stem)
    answers = answers_by_question(imported_notes(collection, apkg))
    assert sorted(answers) == ["What is a batch?", "What is an epoch?", "What is kept apart?",
                               "What is warm-up?"]
    assert "Its size trades noise for memory." in answers["What is a batch?"]
    assert "???" not in "".join(answers.values()) and "<pre" not in answers["What is kept apart?"]


def test_a_box_left_empty_is_a_box_and_a_line_in_prose_stays_text() -> None:
    text = ('## G\n\n??? question "What is A?"\n\n    A is a.\n\n??? question "What is B?"\n\n'
            '??? question "What is C?"\n\n\n\n    C is c, under three blank lines.\n\n'
            "Prose: !!! 重要 !!!\n\n!!! warning\n\nLast words.\n\n"
            "!!! tip\n\n\n\n    A tip under three blank lines.\n")
    doc = parse_text(text, "n.md")
    answers = {c.question_text: [plain_text(n.children) for n in c.answer
                                 if n.kind != "callout"] for c in doc.cards}
    # An empty question box asks with no answer (left out, with a warning), not a line of
    # the answer above; a head without a quoted title and no body stays text.
    assert answers == {
        "What is A?": ["A is a."], "What is B?": [],
        "What is C?": ["C is c, under three blank lines.", "Prose: !!! 重要 !!!",
                       "!!! warning", "Last words."]}
    assert [(d.loc.line, d.code) for d in doc.diagnostics] == [(7, "empty-answer")]
    (tip,) = [n for c in doc.cards for n in c.answer if n.kind == "callout"]
    assert plain_text(tip.children[-1].children) == "A tip under three blank lines."


EMPTY_BOXES = Path(__file__).parent / "fixtures" / "admonition-empty-box-outside.md"


def test_an_empty_box_or_a_box_ends_where_python_markdown_ends_it() -> None:
    doc = parse_text(EMPTY_BOXES.read_text(encoding="utf-8"), "n.md")
    answers = {c.question_text: [plain_text(n.children) for n in c.answer] for c in doc.cards}
    # A next group's head written left of the boxes, and a next head missing its closing
    # quote, are no answer of the empty box above them, nor of a box with a body; a line as
    # far in as a box's head (tabs counted as four spaces) still follows its answer.  (A
    # group's label list between groups keeps them boxes: tests/test_callout_group_bounds.)
    assert answers == {
        "What is A?": ["A is the first letter."], "What is B?": [], "What is C?": [],
        "What is D?": ["D is the fourth."],
        "What is E?": ["E is the fifth.", "Said after E, indented with tabs as far as its head."]}
    assert [(d.loc.line, d.code) for d in doc.diagnostics if d.severity != "note"] == [
        (13, "empty-answer"), (18, "empty-answer")]
    # Nothing lost: what is outside the boxes is in the cheat sheet, with a note.
    outside = [(d.loc.line, d.code) for d in doc.diagnostics if d.severity == "note"]
    assert (20, "section-intro") in outside


def test_an_empty_obsidian_callout_still_takes_the_blocks_after_it() -> None:
    doc = parse_text("## G\n\n> [!faq] Why?\n\nBecause.\n", "n.md")
    assert [(c.question_text, [plain_text(n.children) for n in c.answer])
            for c in doc.cards] == [("Why?", ["Because."])]


def test_an_empty_box_takes_no_label_as_its_answer_in_the_real_anki(
        collection: Collection) -> None:
    _, apkg = build_fixture_deck(EMPTY_BOXES.stem)
    answers = answers_by_question(imported_notes(collection, apkg))
    assert sorted(answers) == ["What is A?", "What is D?", "What is E?"]
    assert "Said after E" in answers["What is E?"]
    assert not any(("tip" in a or "???" in a) for a in answers.values()), answers
