"""Inline footnotes ``^[…]``, citations defined nowhere, and a ``## References`` section of
definitions only: in the real Anki, the PDF and the diagnostics."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.model import Node, walk_all
from builder.parse.document import parse_text

from .conftest import answers_by_question, imported_notes
from .test_pdf import all_text

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = Path(__file__).parent / "fixtures" / "footnotes-inline.md"
SCALED, HEADS = "什么是缩放点积注意力？", "多头有什么用？"


def _build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    shutil.copy(FIXTURE, tmp_path / FIXTURE.name)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [FIXTURE.name, *args])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    return result.output


def _labels(nodes: tuple[Node, ...], kind: str) -> list[str]:
    return [n.attr("label") for n in walk_all(nodes) if n.kind == kind]


def test_inline_notes_are_numbered_after_the_cards_own_labels() -> None:
    text = ("## S\n\n### Q?\n\nA[^1] and b^[first] and c^[second [^1]].\n\n"
            "### R?\n\nOnly^[own note].\n\n[^1]: Defined.\n")
    doc = parse_text(text, "n.md")
    first, second = doc.cards
    # [^1] is taken by a definition the card cites: the inline notes are 2 and 3.
    assert _labels(first.answer, "footnote_ref") == ["1", "2", "3", "1"]
    block = first.answer[-1]
    assert block.kind == "footnotes" and [d.attr("label") for d in block.children] == [
        "1", "2", "3"]
    assert _labels(second.answer, "footnote_ref") == ["1"]  # numbered per card
    assert not any(n.kind == "footnote_inline" for c in doc.cards
                   for n in walk_all((*c.question, *c.answer)))


def test_an_inline_note_in_a_question_is_not_part_of_its_text() -> None:
    doc = parse_text("## S\n\n### What is attention^[Bahdanau 2014]?\n\nWeights.\n", "n.md")
    card = doc.cards[0]
    assert card.question_text == "What is attention?"
    assert _labels(card.question, "footnote_ref") == ["1"]
    assert card.answer[-1].kind == "footnotes"


def test_inline_notes_reach_the_real_anki_under_their_card(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection) -> None:
    _build(tmp_path, monkeypatch, "--format", "apkg")
    answers = answers_by_question(imported_notes(collection, tmp_path / "dist" / "脚注二.apkg"))
    scaled, heads = answers[SCALED], answers[HEADS]
    assert "^[" not in scaled and "^[" not in heads
    notes = scaled[scaled.index('class="footnotes"'):]
    assert notes.index("Vaswani et al.") < notes.index("<sup>[1]</sup> 防止 softmax 饱和")
    assert "<b>原文</b>" in notes  # the note's markup kept
    # The heading the definition was written under, left empty, goes with it.
    assert notes.index('<p class="footnotes-title">References</p>') < notes.index("Vaswani")
    assert "footnotes-title" not in heads  # its notes are its own, from no such heading
    assert "<sup>[1]</sup> 头数常取 8 或 16" in heads and "Vaswani" not in heads
    assert "[^missing]" in heads  # defined nowhere: the text as written


def test_the_pdf_prints_inline_notes_and_no_references_section(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _build(tmp_path, monkeypatch, "--format", "pdf")
    text = all_text(tmp_path / "dist" / "脚注二.pdf")
    assert "防止 softmax 饱和" in text and "头数常取 8 或 16" in text and "^[" not in text
    assert text.count("Vaswani et al.") == 1
    assert text.count("References") == 1 and text.index("References") < text.index("Vaswani")


def test_undefined_citations_and_a_references_section_are_told_at_their_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = _build(tmp_path, monkeypatch, "--format", "apkg")
    assert ("footnotes-inline.md:11:29: warning: footnote [^missing] is cited but defined "
            "nowhere in the file") in output
    # The section holds only definitions, all in the cards citing them: nothing left out.
    assert ("footnotes-inline.md:13:1: note: 'References' only holds footnote definitions: "
            "each is shown in the cards citing it [footnotes-only]") in output
    assert "section-intro" not in output and "empty-answer" not in output


def test_a_question_of_only_definitions_is_not_an_empty_answer_left_out() -> None:
    text = "## S\n\n### Q one\n\nText[^1] here.\n\n### References\n\n[^1]: First source.\n"
    doc = parse_text(text, "n.md")
    codes = [(d.code, d.severity, d.loc.line) for d in doc.diagnostics]
    assert codes == [("footnotes-only", "note", 7)]
    assert doc.cards[0].answer[-1].attr("title") == "References"
    # A definition nobody cites keeps the question an answer: no note then.
    unused = parse_text(text + "\n[^2]: Uncited.\n", "n.md")
    assert "footnotes-only" not in [d.code for d in unused.diagnostics]


def test_a_citation_defined_nowhere_is_warned_even_where_no_footnote_is_defined() -> None:
    doc = parse_text("## S\n\n### Q?\n\nSee [^x] and `[^y]`.\n", "n.md")
    assert [str(d) for d in doc.diagnostics] == [
        "n.md:5:5: warning: footnote [^x] is cited but defined nowhere in the file: it is "
        "shown as written (define it on a line of its own: `[^x]: the note`) "
        "[footnote-undefined]"]
    assert "[^x]" in "".join(n.text for n in walk_all(doc.cards[0].answer))


def test_an_inline_notes_words_and_formulas_are_placed_where_written() -> None:
    line = "Scores^[scaled by $\\sqrt{d}$ first] and[^x]."
    doc = parse_text(f"## S\n\n### Q?\n\n{line}\n\n[^x]: X.\n", "n.md")
    card = doc.cards[0]
    note = next(d for d in card.answer[-1].children if d.attr("inline"))
    words, formula = note.children[0].children[:2]
    assert (words.text, words.line, words.col) == ("scaled by ", 5, line.index("scaled") + 1)
    assert (formula.kind, formula.col) == ("math_inline", line.index("$") + 1)
    assert card.formulas[0].loc.col == line.index("$") + 1
    cites = [n for n in walk_all(card.answer) if n.kind == "footnote_ref"]
    assert [(n.attr("label"), n.col) for n in cites] == [
        ("1", line.index("^[") + 1), ("x", line.index("[^x]") + 1)]
