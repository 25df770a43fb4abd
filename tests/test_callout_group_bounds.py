"""Where a box of asking boxes is read as a group (a heading over its questions), and where
it stays a box: only where no answer is open and its section ends where the box does."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.model import Document, Node, plain_text
from builder.parse.document import parse_text

from .conftest import answers_by_question, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURES = Path(__file__).parent / "fixtures"


def _parse(name: str) -> Document:
    return parse_text((FIXTURES / name).read_text(encoding="utf-8"), name)


def _kinds(nodes: tuple[Node, ...] | list[Node]) -> list[str]:
    return [kind for node in nodes for kind in [node.kind, *_kinds(node.children)]]


def test_a_group_among_questions_stays_a_box_so_no_later_question_falls_under_it() -> None:
    doc = _parse("callout-group-mid-section.md")
    paths = {c.question_text: c.section_path for c in doc.cards}
    # Read as a heading, the group would have no end: C and F came under it.
    assert paths == {"What is A?": (), "What is C?": (), "What is D?": ("Admonitions",),
                     "What is F?": ("Admonitions",)}
    answers = {c.question_text: plain_text(c.answer) for c in doc.cards}
    assert "B is a letter." in answers["What is A?"]
    assert "E is a letter." in answers["What is D?"]


def test_groups_before_deeper_headings_do_not_change_how_the_file_is_read() -> None:
    doc = _parse("callout-group-before-headings.md")
    # As headings, the two groups made the file one of asking boxes (no heading cards),
    # or cards of their own ("Warm-up").
    assert [c.question_text for c in doc.cards] == ["What is overfitting?", "Regularization"]
    assert [d.code for d in doc.diagnostics] == ["section-intro"]


@pytest.mark.parametrize("name, question, inner", [
    ("callout-group-in-heading-answer.md", "What is attention?", "Why scale by sqrt(d)?"),
    # The group is all the heading's answer: as a heading, it left the question empty.
    ("callout-group-in-heading-answer.md", "Why several heads?", "Do heads differ?"),
    ("callout-group-in-asking-box.md", "What is A?", "What is A2?"),
    ("callout-group-in-list-item.md", "What is A?", "What is A2?"),
])
def test_a_group_inside_an_answer_stays_a_box_of_it(name: str, question: str,
                                                    inner: str) -> None:
    doc = _parse(name)
    assert inner not in [c.question_text for c in doc.cards]
    card = next(c for c in doc.cards if c.question_text == question)
    kinds = _kinds(card.answer)
    assert "heading" not in kinds and kinds.count("callout") == 2, kinds
    assert inner in plain_text(card.answer)


def test_groups_before_headings_reach_the_real_anki_as_the_headings_cards(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection) -> None:
    shutil.copy(FIXTURES / "callout-group-before-headings.md", tmp_path / "n.md")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg"])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    (apkg,) = (tmp_path / "dist").glob("*.apkg")
    answers = answers_by_question(imported_notes(collection, apkg))
    assert sorted(answers) == ["Regularization", "What is overfitting?"]
    assert "More data." in answers["What is overfitting?"]
