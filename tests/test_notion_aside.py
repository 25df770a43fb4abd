"""Notion's Markdown export writes its callouts as ``<aside>`` … ``</aside>``.  CommonMark
ended the HTML at the first blank line: each callout was an ``html-removed`` warning, its
first lines lost their box and any Markdown in them (``**一句话**`` showed its stars), the
rest sat outside.  A closed ``<aside>`` is now a box (a callout without a title) whose
lines are Markdown; an unclosed one, or one closed past a heading, stays HTML, warned as before."""

from __future__ import annotations

from typing import TYPE_CHECKING

from builder.parse.callouts import CALLOUT
from builder.parse.document import parse_file

from .conftest import FIXTURES, answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "notion-aside.md"


def test_closed_asides_are_boxes_of_markdown() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    first, second, unclosed, after = doc.cards
    box = first.answer[0]
    assert box.kind == CALLOUT and box.attr("type") == "aside"
    assert [n.kind for n in box.children] == ["paragraph", "paragraph", "bullet_list"]
    assert (box.line, box.end_line) == (7, 15)
    assert first.answer[1].kind == "paragraph"  # the text after the box is no part of it
    assert second.answer[0].kind == CALLOUT and [n.kind for n in second.answer[0].children] \
        == ["paragraph"]
    assert unclosed.answer[0].kind == "html_block"
    # An aside closed only after a question heading would swallow it: it stays HTML.
    assert after.question_text == "位置编码为什么用正弦？"


def test_anki_shows_the_callout_with_its_markdown(collection: Collection) -> None:
    result, package = build_fixture_deck(FIXTURE.stem)
    assert [line.split(": warning")[0] for line in result.output.splitlines()
            if "[html-removed]" in line] == ["notes/notion-aside.md:27:1"], result.output
    answers = answers_by_question(imported_notes(collection, package))
    first = answers["什么是自注意力？"]
    assert first.startswith('<div class="callout callout-note"><p>💡 <b>一句话</b>')
    box = first[:first.index("</div>")]
    assert "<li>查询 Q</li>" in box and "softmax" in box and "<img" in box  # the formula
    assert "aside" not in first and "**" not in first
    assert "之后的正文也在答案里。" in first[first.index("</div>"):]
    second = answers["为什么要除以根号 d？"]
    assert second.startswith('<div class="callout callout-note"><p>📌 防止点积过大导致 softmax '
                             "饱和</p></div>"), second
    assert "这个提示没有闭合" in answers["多头有什么用？"]
    assert "便于外推" in answers["位置编码为什么用正弦？"]
