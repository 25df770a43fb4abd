"""Headings written without a space after their marks (``##优化``, ``####1.为什么…``)
are read as headings, each noted at its line; one ``#`` (a tag) stays text."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from markdown_it import MarkdownIt

from builder.model import plain_text
from builder.parse.document import parse_file
from builder.parse.markdown import tokenize

from .conftest import FIXTURES, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "heading-no-space.md"
QUESTIONS = ["1.为什么 Adam 需要偏差修正？", "2.学习率预热有什么用？"]


def _headings(text: str) -> list[tuple[str, str]]:
    tokens = tokenize(text)
    return [(t.markup, tokens[i + 1].content) for i, t in enumerate(tokens)
            if t.type == "heading_open"]


@pytest.mark.parametrize(("line", "heading"), [
    ("##概率论问题", ("##", "概率论问题")),
    ("###Problem", ("###", "Problem")),
    ("######6.六级", ("######", "6.六级")),
    ("  ####《深度学习》", ("####", "《深度学习》")),
    ("##**加粗**", ("##", "**加粗**")),
    ("##题目 ##", ("##", "题目")),
    ("## 正常标题", ("##", "正常标题")),  # CommonMark's own, untouched
])
def test_marks_then_words_make_a_heading(line: str, heading: tuple[str, str]) -> None:
    assert _headings(line) == [heading]


@pytest.mark.parametrize("line", [
    "#flashcards/deck",  # one mark: a tag
    "#机器学习",
    "#######seven",  # more than six marks
    "##",  # a heading of nothing, as CommonMark reads it: not this rule's
    "##--------",  # a decoration
    "##!important",
    "    ##indented",  # code
])
def test_tags_decorations_and_code_stay_text(line: str) -> None:
    """Read as CommonMark reads them."""
    tokens = MarkdownIt("commonmark").parse(line)
    assert _headings(line) == [(t.markup, tokens[i + 1].content) for i, t in enumerate(tokens)
                               if t.type == "heading_open"]
    assert not any(t.type == "heading_open" and t.meta for t in tokenize(line))


def test_a_spaceless_heading_interrupts_a_paragraph_as_a_heading_does() -> None:
    assert _headings("第一行\n##第二行") == [("##", "第二行")]


def test_each_question_is_a_card_and_each_heading_is_noted() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    assert [card.question_text for card in doc.cards] == QUESTIONS
    assert "偏差" not in plain_text(doc.cards[1].answer)
    assert "二阶矩估计稳定" in plain_text(doc.cards[1].answer)
    notes = [d for d in doc.diagnostics if d.code == "heading-space"]
    assert [(d.loc.line, d.severity) for d in notes] == [(1, "note"), (5, "note"), (9, "note")]
    assert "'## 优化算法'" in notes[0].message
    # The decoration, seven marks and the code stay in the last answer; "#复习" alone on
    # its line is a tag line (parse/taglines): the tags of the questions after it.
    assert "#######不是标题" in plain_text(doc.cards[1].answer)
    assert "##not_a_heading" in repr(doc.cards[1].answer[-1])
    assert [card.tags for card in doc.cards] == [("复习",), ("复习",)]
    assert not [d for d in doc.diagnostics if d.code == "section-intro"]


def test_cli_says_where_and_anki_gets_the_cards(tmp_path: Path, collection: Collection) -> None:
    result, package = build_fixture_deck(FIXTURE.stem)
    assert "heading-no-space.md:5:1: note: '####1.为什么 Adam" in result.output
    assert "[heading-space]" in result.output
    notes = imported_notes(collection, package)
    assert sorted(note["Question"] for note in notes) == QUESTIONS
    first = next(n for n in notes if n["Question"] == QUESTIONS[0])
    assert "前几步的估计偏小" in first["Answer"] and "####" not in first["Answer"]
    assert any("优化算法" in name for name in collection.decks.all_names())


def test_an_edit_parsed_alone_keeps_its_note(tmp_path: Path) -> None:
    """A rebuild after an edit inside one question parses that question alone (a splice):
    its heading's note must still be said."""
    from click.testing import CliRunner

    from builder.cli import main

    _result, _package = build_fixture_deck(FIXTURE.stem)
    source = Path("notes") / f"{FIXTURE.stem}.md"
    source.write_text(source.read_text(encoding="utf-8").replace("放大回来", "放大回来（改）"),
                      encoding="utf-8")
    again = CliRunner().invoke(main, ["build", "notes", "--format", "apkg", "--no-lock", "-v"],
                               catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert "heading-no-space.md:5:1: note: '####1.为什么 Adam" in again.output
    assert "heading-no-space.md:9:1: note: '####2.学习率预热" in again.output
