"""A callout that asks nothing but holds callouts that ask (MkDocs' ``??? tip "Group"``
over ``??? question "…?"`` boxes, an Obsidian ``> [!example]`` over ``> [!faq]`` ones) is a
group: read as a heading over its questions, each asking box a card of its own."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from builder.model import plain_text
from builder.parse.document import parse_text
from builder.parse.markdown import tokenize

from .conftest import answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = Path(__file__).parent / "fixtures" / "callout-groups.md"


def test_a_box_of_asking_boxes_is_a_section_of_cards() -> None:
    doc = parse_text(FIXTURE.read_text(encoding="utf-8"), "callout-groups.md")
    assert [(c.question_text, c.section_path, c.loc.line) for c in doc.cards] == [
        ("What is out-of-core learning?", ("Machine learning", "Concepts"), 7),
        ("What is a hyperparameter?", ("Machine learning", "Concepts"), 11),
        ("Why normalise activations?",
         ("Machine learning", "Deep learning", "Normalisation"), 25),
        ("What does a query do?", ("Obsidian", "Attention"), 32),
        ("What is a head?", ("Obsidian", "Attention"), 35),
        # A group is a heading only where its section ends with its box: here at the
        # next heading (a question after it in its section would fall under it).
        ("Why stack boxes?", ("Nesting",), 40),
    ]
    hyper = next(c for c in doc.cards if c.question_text == "What is a hyperparameter?")
    # A box inside an asking box is part of its answer, not a group.
    assert [n.kind for n in hyper.answer] == ["paragraph", "callout"]
    assert "How far each step moves." in plain_text(hyper.answer[1].children)
    # An asking box inside one that asks is part of its answer; a box that holds no
    # asking box stays a box (its own inner box too): after the last card, in its answer.
    last = next(c for c in doc.cards if c.question_text == "Why stack boxes?")
    assert [n.kind for n in last.answer] == ["paragraph", "callout", "callout"]
    assert "It stays in the answer." in plain_text(last.answer[1].children)
    notes_only = plain_text(last.answer[2].children)
    assert "Nothing asks here." in notes_only and "Still a box." in notes_only
    assert not [d for d in doc.diagnostics if d.severity != "note"]
    # A group's blocks reach to the next one (a quote's bare '>' lines between two asking
    # quotes are the first's), and no further than an inner group's heading.
    maps = {(t.type, t.map[0]): t.map for t in tokenize(FIXTURE.read_text(encoding="utf-8"))
            if t.map}
    assert maps[("bullet_list_open", 20)] == [20, 22]
    assert maps[("heading_open", 22)] == [22, 23]


def test_grouped_boxes_reach_the_real_anki_one_note_each(
        collection: Collection) -> None:
    _, apkg = build_fixture_deck(FIXTURE.stem)
    answers = answers_by_question(imported_notes(collection, apkg))
    assert sorted(answers) == sorted([
        "What is out-of-core learning?", "What is a hyperparameter?",
        "Why normalise activations?", "What does a query do?", "What is a head?",
        "Why stack boxes?"])
    assert "Training on data too large for memory" in answers["What is out-of-core learning?"]
    assert "???" not in "".join(answers.values())
    assert '<details class="callout callout-important"' in answers["What is a hyperparameter?"]
