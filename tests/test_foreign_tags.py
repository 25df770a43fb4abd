"""An SVG or MathML tag left open in prose (``<path d="…">``): nh3 drops such elements
with everything in them, so the rest of the paragraph went with the tag; the tag is now
taken out first and the words stay (builder.anki.legacytags, htmlpolicy.FOREIGN_TAGS)."""

from __future__ import annotations

import re
from pathlib import Path

import nh3
import pytest
from anki.collection import Collection

from builder.anki.html import sanitise
from builder.anki.legacytags import _LEGACY, alternatives
from builder.checks.htmlpolicy import FOREIGN_ROOTS, FOREIGN_TAGS

from .conftest import FIXTURES, answers_by_question, build_fixture, imported_notes


def test_the_words_after_an_unclosed_foreign_tag_reach_the_card(
        tmp_path: Path, collection: Collection) -> None:
    result = build_fixture(FIXTURES / "unclosed-foreign-tags.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    # The tags are still named as removed; nothing else is.
    assert "n.md:5:1: warning: raw HTML removed from the card: <path> tag [html-removed]" \
        in result.output and "n.md:7:1: warning: raw HTML removed from the card: <mi> tag" \
        in result.output and result.output.count("warning:") == 2, result.output
    cards = answers_by_question(imported_notes(collection, tmp_path / "dist" / "前端笔记.apkg"))
    svg = cards["SVG 里怎么画折线？"]
    assert "按路径画线，这句话的后半句必须留在卡片上。" in svg, svg
    assert "是标识符，这里也不能丢字。" in svg and "<path" not in svg and "<mi" not in svg, svg


@pytest.mark.parametrize("name", sorted(FOREIGN_TAGS))
def test_each_listed_name_is_one_nh3_drops_with_its_content(name: str) -> None:
    fragment = f'<p>before <{name} class="x"> after words</p>'
    assert "after words" not in nh3.clean(fragment), "no longer dropped: take it off the list"
    assert sanitise(fragment) == "<p>before  after words</p>"


def test_other_tags_are_left_to_the_sanitiser() -> None:
    assert sanitise('<p>a <g-x y="1"> b</p>') == "<p>a  b</p>"
    assert sanitise("<p>a <SVG><Path/></SVG> b</p>") == "<p>a  b</p>"
    assert sanitise('<p><font color="red">r</font></p>') \
        == '<p><span style="color:red">r</span></p>'


def test_the_words_inside_an_svg_drawing_reach_the_card(
        tmp_path: Path, collection: Collection) -> None:
    """Inside ``<svg>`` (and ``<math>``) nh3 drops every element it does not know with its
    words: a drawing's ``<title>``, a link's ``<text>``, ``<textPath>``, the HTML of a
    ``<foreignObject>``.  The roots' tags are taken out first, so those words are on the
    card (the tags named as removed, the words not)."""
    import pypdf

    result = build_fixture(FIXTURES / "svg-words.md")
    assert result.exit_code == 0, result.output
    assert "n.md:5:1: warning: raw HTML removed from the card: <svg> tag, <title> tag" \
        in result.output, result.output
    cards = answers_by_question(
        imported_notes(collection, tmp_path / "dist" / "注意力笔记.apkg"))
    drawing = cards["注意力示意图里写了什么？"]
    for words in ("缩放点积注意力", "查询向量", "Q", "沿曲线的说明", "softmax 之后",
                  "<b>加权求和</b>", '<a href="https://arxiv.org/abs/1706.03762">原始论文</a>',
                  "图后的一句话。"):
        assert words in drawing, (words, drawing)
    assert "<svg" not in drawing and "<text" not in drawing, drawing
    mathml = cards["MathML 里的文字呢？"]
    assert "注释里的字" in mathml and "方程说明" in mathml and "<math" not in mathml, mathml
    pdf = "".join(page.extract_text() for page in
                  pypdf.PdfReader(tmp_path / "dist" / "注意力笔记.pdf").pages)
    assert "缩放点积注意力" in pdf and "原始论文" in pdf and "方程说明" in pdf, pdf


def test_an_svg_root_no_longer_takes_its_foreign_children_with_it() -> None:
    fragment = "<p><svg><title>标题</title><a href=\"https://e.org\">链接</a></svg></p>"
    assert "标题" not in nh3.clean(fragment), "nh3 keeps them now: FOREIGN_ROOTS may go"
    assert sanitise(fragment) == '<p>标题<a href="https://e.org">链接</a></p>'


def test_the_legacy_tag_search_finds_exactly_the_names_an_alternation_would() -> None:
    # ``_LEGACY`` is the names as a tree of their first characters (a plain alternation
    # was as slow as nh3): it must find the same tags, and no other, as the alternation.
    names = {"font", "center", *FOREIGN_TAGS, *FOREIGN_ROOTS}
    plain = re.compile("</?(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])", re.I)
    words = {piece for name in names for piece in
             (name, name.upper(), name.title(), name[:-1], name + "s", name + "-x", name[1:])}
    texts = [f"{opening}{word}{after}" for word in sorted(words)
             for opening in ("<", "</", "< ") for after in (">", " a=1>", "/>", "", "_", "1")]
    found = [text for text in texts if _LEGACY.search(text)]
    assert found == [text for text in texts if plain.search(text)]
    assert "<FONT>" in found and "</mi>" in found and "<fonts>" not in found \
        and "<font-x>" not in found and len(found) > 8 * len(names), found[:20]
    assert alternatives(["a", "ab", "abc", "b"]) == "(?:a(?:b(?:c)?)?|b)"
