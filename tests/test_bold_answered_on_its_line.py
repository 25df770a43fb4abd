"""A list item whose bold question opens its line, its answer after it on that line
(``1. **Why ResNet?** Skip connections …``, ``- **What is IoU?** Intersection …``), is a
card: the bold text asks, the rest of the item answers. Read before as a lead-in, a file
of them was one card per heading."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.model import plain_text
from builder.parse.document import parse_text

from .conftest import answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = Path(__file__).parent / "fixtures" / "bold-answered-on-its-line.md"


def test_each_bold_question_with_its_answer_on_its_line_is_a_card() -> None:
    doc = parse_text(FIXTURE.read_text(encoding="utf-8"), "n.md")
    assert [(c.question_text, c.section_path, c.loc.line) for c in doc.cards] == [
        ("What is a convolution?", ("Beginner",), 5),
        ("Why max pooling?", ("Beginner",), 6),
        ("Explain IoU.", ("Beginner",), 7),
        ("What is a feature map?", ("Scenarios",), 11),
        ("Why use LayerNorm in ViT?", ("Scenarios",), 16),
    ]
    answers = {c.question_text: [plain_text(n.children).strip() for n in c.answer]
               for c in doc.cards}
    assert answers["Why max pooling?"] == [
        "It shrinks the maps and adds some translation invariance."]
    # The item's next lines go on answering; "**Note.**" asks nothing: its item is the
    # answer's too. A colon after a question only parts it from its answer.
    feature = answers["What is a feature map?"]
    assert " ".join(feature[0].split()) == \
        "The output of one filter over the whole input. It keeps the input's layout."
    assert feature[1] == "More on maps." and "only remarks" in feature[2]
    assert answers["Why use LayerNorm in ViT?"][0] == "It does not depend on the batch size."
    # In a paragraph, a bold question with words after it is a sentence, not a card (after
    # the list, outside its items' answers: in the PDF, with a note).
    assert [(d.loc.line, d.code) for d in doc.diagnostics] == [(18, "section-intro")]

def test_the_cards_reach_the_real_anki(
        collection: Collection) -> None:
    _, apkg = build_fixture_deck(FIXTURE.stem)
    answers = answers_by_question(imported_notes(collection, apkg))
    assert len(answers) == 5
    assert "Intersection over union of two boxes." in answers["Explain IoU."]
    assert "<strong>" not in answers["Explain IoU."]
    assert "What is a convolution?" not in answers["Why max pooling?"]


def _cards(name: str) -> dict[str, list[str]]:
    text = (Path(__file__).parent / "fixtures" / name).read_text(encoding="utf-8")
    return {c.question_text: [plain_text(n.children).strip() for n in c.answer]
            for c in parse_text(text, "n.md").cards}


def test_labels_and_steps_ending_in_a_full_stop_are_no_cards() -> None:
    # "**How it works.**" is a label (a wh-word with a full stop): its item answers the
    # question above it. "**Define the scope.**" prompts, but in a list where no item asks
    # with a question mark it is a step of a checklist (shown in the PDF, with a note).
    text = (Path(__file__).parent / "fixtures" / "bold-answered-label-items.md").read_text(
        encoding="utf-8")
    doc = parse_text(text, "n.md")
    cards = {c.question_text: " ".join(plain_text(n.children) for n in c.answer)
             for c in doc.cards}
    assert list(cards) == ["What is attention?", "Explain the scaling.", "Why several heads?",
                           "What does it cost?"]
    assert "Each query scores every key." in cards["What is attention?"]
    assert [(d.loc.line, d.code) for d in doc.diagnostics] == [(13, "section-intro")]


def test_items_inside_a_questions_answer_stay_in_it() -> None:
    cards = _cards("bold-answered-inside-answer.md")
    assert list(cards) == ["What are the regularisation methods?", "What is dropout?",
                           "Why normalise inputs?"]
    methods = " ".join(cards["What are the regularisation methods?"])
    assert "Lasso, gives sparse weights." in methods and "Ridge, shrinks weights." in methods
    dropout = " ".join(cards["What is dropout?"])
    assert "Units are zeroed" in dropout and "The share of units dropped." in dropout


def test_an_answers_own_sign_is_kept_a_dash_apart_parts() -> None:
    cards = _cards("bold-answered-signed.md")
    assert cards == {
        "What is 3 - 4?": ["-1"],
        "What is the exponent of 0.01 in base ten?": ["−2 (that is, 10^-2)"],
        "What is the limit of -x as x grows?": ["—∞, unbounded."],
        "Why is 0 - 0 zero?": ["Nothing is taken from nothing."],
    }


def test_a_signed_answer_reaches_the_real_anki(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection) -> None:
    shutil.copy(Path(__file__).parent / "fixtures" / "bold-answered-signed.md",
                tmp_path / "n.md")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg"])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    (apkg,) = (tmp_path / "dist").glob("*.apkg")
    answers = answers_by_question(imported_notes(collection, apkg))
    assert "-1" in answers["What is 3 - 4?"]
    assert "—∞, unbounded." in answers["What is the limit of -x as x grows?"]
    assert "— Nothing" not in answers["Why is 0 - 0 zero?"]
