"""Angle-bracket placeholders (``git clone -b <branch> <link>``, ``List<T>``, ``Box<dyn
Trait>``) reach the card and the PDF as written, with no warning; real tags are still
markup for the sanitiser (``builder.parse.placeholdertags``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pypdf

from .conftest import FIXTURES, answers_by_question, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def test_placeholders_reach_card_and_sheet_and_tags_stay_markup(
        tmp_path: Path, collection: Collection) -> None:
    result = build_fixture(FIXTURES / "placeholder-tags.md", "--format", "apkg,pdf")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "warning:" in line]
    # Only the real tags the card cannot show are reported, on the last answer's line.
    assert len(warnings) == 1 and "n.md:15:" in warnings[0], result.output
    assert "<path> tag" in warnings[0] and "font" not in warnings[0]  # a coloured span
    assert "<title> tag" in warnings[0] and "branch" not in warnings[0]
    assert "added    n.md:9  What is List<T> in C#?" in result.output
    cards = answers_by_question(imported_notes(collection, tmp_path / "dist" / "命令速查.apkg"))
    assert "git clone -b &lt;branch&gt; &lt;link&gt; --depth=1" in cards["怎样克隆某个分支？"]
    assert "scp &lt;file1&gt; &lt;path&gt;" in cards["怎样克隆某个分支？"]
    assert "<b>记得</b>" in cards["怎样克隆某个分支？"]
    generic = cards["What is List&lt;T&gt; in C#?"]
    assert "List&lt;int&gt;" in generic and "Box&lt;dyn Trait&gt;" in generic
    tags = cards["哪些标签仍是 HTML？"]
    assert "红字" in tags and "标题" in tags and "&lt;" not in tags and "<path" not in tags
    sheet = " ".join(page.extract_text() for page in
                     pypdf.PdfReader(tmp_path / "dist" / "命令速查.pdf").pages)
    assert "<branch>" in sheet and "<file1>" in sheet and "List<T>" in sheet
    assert "<title>" not in sheet


def test_a_placeholder_alone_on_its_line_is_a_paragraph(tmp_path: Path,
                                                        collection: Collection) -> None:
    """``<branch>`` as a paragraph of its own (or opening one, in a quote): CommonMark's
    HTML block of any tag name; read as text when the name is no HTML element."""
    result = build_fixture(FIXTURES / "placeholder-lines.md", "--format", "apkg,pdf")
    assert result.exit_code == 0, result.output
    assert "warning:" not in result.output, result.output
    cards = answers_by_question(imported_notes(collection, tmp_path / "dist" / "Git 笔记.apkg"))
    branch = cards["如何切换分支？"]
    assert "<p>&lt;branch&gt;</p>" in branch, branch
    assert "&lt;new-name&gt;<br>是新分支的名字" in branch, branch
    assert "<blockquote><p>&lt;remote&gt;<br>是远端的名字。</p></blockquote>" in branch, branch
    assert "<div>\n保留的 HTML\n</div>" in branch, "a real element stays HTML"
    generic = cards["泛型怎么写？"]
    assert generic.count("&lt;T&gt;") == 2 and "<pre>" in generic, generic
    sheet = " ".join(page.extract_text() for page in
                     pypdf.PdfReader(tmp_path / "dist" / "Git 笔记.pdf").pages)
    assert "<branch>" in sheet and "<new-name>" in sheet and "<remote>" in sheet, sheet


def test_a_real_element_alone_on_its_line_stays_html() -> None:
    from builder.parse.markdown import tokenize

    kinds = [t.type for t in tokenize("<section>\n\ntext\n\n</section>\n\n<input>\n\n<br/>\n")]
    assert kinds.count("html_block") == 4 and kinds.count("paragraph_open") == 1, kinds
