"""Pandoc/Quarto fenced divs and MyST colon directives (``::: {.callout-tip}``,
``:::{note}``) are boxes, not ``:::`` lines of text around loose paragraphs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from builder.model import Node, plain_text, walk_all
from builder.parse.document import parse_text
from builder.parse.fenceddivs import braced_head, is_braced

from .conftest import answers_by_question, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = Path(__file__).parent / "fixtures" / "fenced_divs.md"
HEADED = FIXTURE.with_name("quarto_heading_titles.md")
PICTURE = Path(__file__).parent / "fixtures" / "repo-own-pictures" / "images" / "pr.png"


def _boxes(nodes: tuple[Node, ...]) -> list[tuple[str, str, str]]:
    found = []
    for node in walk_all(nodes):
        if node.kind == "callout":
            title = node.children[0]
            found.append((node.attr("type"), node.attr("fold"), plain_text(title.children)))
    return found


def test_braced_heads_give_type_fold_and_title() -> None:
    assert braced_head('{.callout-note collapse="true" title="Antwort"}') == (
        "note", "-", "Antwort", True)
    assert braced_head("{.callout-important collapse=false}") == (
        "important", "+", "Important", False)
    assert braced_head("{#fig-nn-neurons}") == ("figure", "", "Figure", False)
    assert braced_head("{.column-margin}") == ("column-margin", "", "", False)
    assert braced_head("{#refs}") == ("", "", "", False)  # an anchor: no type, no "Note"
    assert braced_head('{#sec-a title="Why?"}') == ("", "", "Why?", True)
    assert braced_head("{.note}") == ("note", "", "Note", False)
    assert braced_head("{admonition} Max or average?") == (
        "admonition", "", "Max or average?", True)
    assert braced_head("{note}") == ("note", "", "Note", False)
    assert braced_head("tip Title") is None
    assert is_braced(" {.callout-tip}") and is_braced("{note}")
    assert not is_braced("{}") and not is_braced("tip") and not is_braced("")


def test_braces_of_prose_name_no_box_and_trailing_colons_no_title() -> None:
    assert not is_braced("{this is prose in braces} and more")
    assert not is_braced("{.note but then prose}")
    assert braced_head("{this is prose in braces} and more") is None
    assert braced_head("{.callout-warning} :::") == ("warning", "", "Warning", False)
    assert braced_head("{admonition} Why? ::") == ("admonition", "", "Why?", True)


def test_layout_blocks_get_no_invented_title() -> None:
    assert braced_head("{.columns}") == ("columns", "", "", False)
    assert braced_head('{.column width="50%"}') == ("column", "", "", False)
    assert braced_head("{grid} 2") == ("grid", "", "", False)
    assert braced_head("{grid-item}") == ("grid-item", "", "", False)
    assert braced_head("{dropdown} Show me") == ("dropdown", "", "Show me", True)
    doc = parse_text(FIXTURE.read_text(encoding="utf-8"), "fenced_divs.md")
    cards = {card.question_text: card for card in doc.cards}
    layout = cards["How does Quarto lay out columns?"].answer
    assert not [n for n in walk_all(layout) if n.kind == "callout_title"]
    assert [n.kind for n in walk_all(layout)].count("callout") == 4
    text = plain_text(tuple(walk_all(layout)))
    assert "left column's text" in text and "grid cell's text" in text
    assert "Columns" not in text and "Grid" not in text and "2" not in text


def test_quarto_heading_on_the_first_line_titles_the_box() -> None:
    doc = parse_text(HEADED.read_text(encoding="utf-8"), "quarto_heading_titles.md")
    cards = {card.question_text: card for card in doc.cards}
    assert list(cards)[:2] == ["What is pooling?", "What is a stride?"]
    assert _boxes(cards["What is pooling?"].answer) == [("tip", "-", "Answer")]
    kinds = [n.kind for n in walk_all(cards["What is pooling?"].answer)]
    assert "heading" not in kinds and kinds.count("paragraph") == 1  # not in its body too
    # With a written title, a heading in the body is no title: the box stays text.
    unclosed = [d.loc.line for d in doc.diagnostics if d.code == "container-unclosed"]
    assert unclosed == [21]


def test_fenced_divs_are_boxes_of_their_answers() -> None:
    doc = parse_text(FIXTURE.read_text(encoding="utf-8"), "fenced_divs.md")
    cards = {card.question_text: card for card in doc.cards}
    assert list(cards)[:2] == ["What does a convolution layer learn?", "Why does pooling help?"]
    first = cards["What does a convolution layer learn?"].answer
    assert _boxes(first) == [("tip", "-", "Remember the receptive field"),
                             ("figure", "", "Figure")]
    assert _boxes(cards["Why does pooling help?"].answer) == [
        ("note", "", "Note"), ("admonition", "", "Max or average?"),
        ("warning", "", "Warning")]
    texts = [plain_text(n.children) for n in walk_all(first) if n.kind == "paragraph"]
    assert not any(":::" in text for text in texts)
    assert not [d for d in doc.diagnostics if d.code == "container-unclosed"]
    prose = plain_text(tuple(walk_all(cards["What do braces of prose say?"].answer)))
    assert "{this is prose in braces} and more" in prose and "The body under it" in prose
    assert _boxes(cards["What do braces of prose say?"].answer) == [
        ("caution", "", "Caution")]


def test_fenced_divs_reach_the_real_anki_as_boxes(
        tmp_path: Path, collection: Collection) -> None:
    shutil.copy(PICTURE, tmp_path / "filters.png")
    result = build_fixture(FIXTURE, "--format", "apkg", "--no-lock")
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    answers = answers_by_question(
        imported_notes(collection, tmp_path / "dist" / "Fenced divs.apkg"))
    conv = answers["What does a convolution layer learn?"]
    assert re.search(r'<details class="callout callout-tip" open(="")?><summary '
                     r'class="callout-title">Remember the receptive field</summary>', conv)
    assert '<img class="math"' in conv  # the formula inside the box is drawn
    assert "<img" in conv.split("callout-title\">Figure")[1]  # the figure's picture
    assert ":::" not in conv and "{.callout" not in conv and "{#fig" not in conv
    pooling = answers["Why does pooling help?"]
    assert '<p class="callout-title">Max or average?</p>' in pooling
    assert "callout callout-warning" in pooling and ":::" not in pooling


def test_a_heading_titles_only_a_callout_and_never_asking() -> None:
    name = "quarto_heading_not_titles.md"
    doc = parse_text(HEADED.with_name(name).read_text(encoding="utf-8"), name)
    # Each heading stays the section or question it is: one that asks, one in a box that
    # is not a callout, one a blank line away, a ``#`` one (it would end "Quiz").
    assert [card.question_text for card in doc.cards] == [
        "Chapter", "What is the capital of France?", "What is two plus two?",
        "What is a column heading?", "Background", "What is in a MyST note?", "Hint",
        "Closing", "Last?"]
    assert doc.cards[-1].section_path == ("Top level heading",)
    assert not [n for card in doc.cards for n in walk_all(card.answer) if n.kind == "callout"]


def test_a_box_of_only_an_id_or_attributes_shows_no_type() -> None:
    assert braced_head("{#refs}") == ("", "", "", False)
    assert braced_head('{#sec-intro lang="de"}') == ("", "", "", False)
    text = "## What is backprop?\n\nThe chain rule.\n\n## References\n\n::: {#refs}\n:::\n"
    cards = {card.question_text: card for card in parse_text(text, "refs.qmd").cards}
    nodes = list(walk_all(cards["References"].answer))
    assert [n.kind for n in nodes] == ["callout"]  # Quarto's bibliography: no "Note" on it
