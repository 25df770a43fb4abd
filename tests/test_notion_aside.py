"""Notion's Markdown export writes its callouts as ``<aside>`` … ``</aside>``.  CommonMark
ended the HTML at the first blank line: each callout was an ``html-removed`` warning, its
first lines lost their box and any Markdown in them (``**一句话**`` showed its stars), the
rest sat outside.  A closed ``<aside>`` is now a box (a callout without a title) whose
lines are Markdown; an unclosed one, or one closed past a heading, stays HTML, warned as before."""

from __future__ import annotations

from typing import TYPE_CHECKING

from builder.parse.callouts import CALLOUT
from builder.parse.document import parse_file, parse_text

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


def test_an_aside_holding_a_question_stays_html() -> None:
    """A box whose body holds a question (bold, setext, a callout that asks) would take it
    out of the questions: the aside stays the HTML it was and the question is one."""
    doc = parse_file(FIXTURES / "notion-aside-questions.md", "q.md")
    assert [c.question_text for c in doc.cards] == ["What is X?", "What is Y?", "What is Z?",
                                                    "What is W?"]
    assert doc.cards[0].answer[-1].kind == "html_block"
    label_box = doc.cards[2].answer[1]  # a bold label inside asks nothing: a box
    assert label_box.kind == CALLOUT and label_box.attr("type") == "aside"
    assert doc.cards[3].answer[1].kind == "html_block"  # a [!faq] callout inside
    setext = parse_file(FIXTURES / "notion-aside-setext.md", "s.md")
    assert [c.question_text for c in setext.cards] == ["What is X?", "What is Y?",
                                                       "What is Z?"]
    assert setext.cards[0].answer[-1].kind == "html_block"


def test_nested_refused_asides_stay_linear() -> None:
    """Asides nested deep around a heading are refused one by one: each refusal reads its
    lines again, so the trials are budgeted (this finishes, and the heading is one)."""
    depth = 120
    text = "# T\n\n## Q0?\n\nA.\n\n" + "<aside>\n\n" * depth + "## Q1?\n\nB.\n\n" \
        + "</aside>\n\n" * depth
    doc = parse_text(text, "deep.md")
    assert [c.question_text for c in doc.cards] == ["Q0?", "Q1?"]


def test_a_refusal_is_this_parses_own() -> None:
    """A fence left open is cut and the rest parsed again with the env copied: the aside
    refused on line 3 of the file says nothing of the aside on line 3 of the rest."""
    text = ("## What is X?\n\n<aside>\n**What is Y?**\n\nY.\n</aside>\n\n```\ncode\n"
            "## What is Z?\n\n<aside>\nA tip.\n</aside>\n")
    first, last = parse_text(text, "r.md").cards
    assert first.answer[0].kind == "html_block"
    assert [n.kind for n in last.answer] == [CALLOUT]


def test_an_aside_holding_an_asking_admonition_stays_html() -> None:
    """An MkDocs box that asks (``??? question "…"``) is a question as a callout is: the
    aside around it stays HTML (its type, read from the box's info with the space after
    the marker first, was never found)."""
    doc = parse_file(FIXTURES / "notion-aside-admonition.md", "a.md")
    assert [c.question_text for c in doc.cards] == ["What is B?"]
