"""Hostile input, session 7: stray NUL bytes, nesting in raw HTML, huge tables.

Each input is generated here; each test builds through the CLI and, where a card is
made, reads it back through the real Anki.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner, Result

from builder.cli import main
from builder.model import Node
from builder.parse.limits import MAX_ANSWER_CHARS, NODE_COST

from .conftest import answers_by_question, imported_notes, write
from .imagefiles import png

if TYPE_CHECKING:
    from anki.collection import Collection

pypdf = pytest.importorskip("pypdf")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _answers(collection: Collection, package: Path) -> list[str]:
    return [note["Answer"] for note in imported_notes(collection, package)]


def _pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_a_stray_nul_becomes_a_replacement_character_with_a_warning_at_its_place(
        tmp_path: Path, collection: Collection) -> None:
    # CommonMark: U+0000 is replaced by U+FFFD.  The file used to be refused as binary.
    (tmp_path / "n.md").write_bytes("## 节\n### 问？\n答\0案，还有\0两个。\n".encode())
    result = run("n.md")
    assert result.exit_code == 0, result.output
    assert ("n.md:3:2: warning: control character U+0000 replaced by U+FFFD "
            "(and 1 more on this line) [control-chars]") in result.output
    (answer,) = _answers(collection, tmp_path / "dist" / "n.apkg")
    assert "答\ufffd案，还有\ufffd两个。" in answer
    assert "答\ufffd案，还有\ufffd两个。" in _pdf_text(tmp_path / "dist" / "n.pdf")


@pytest.mark.parametrize(("content", "message"), [
    (png(), "file is binary or UTF-16, not UTF-8 Markdown"),
    (bytes(200), "file is binary or UTF-16, not UTF-8 Markdown"),
    ("## 节\n### 问\n答\n".encode("utf-16-le"), "file is binary or UTF-16, not UTF-8 Markdown"),
    ("## S\n### Q\nA\n".encode("utf-16-le"), "file is binary or UTF-16, not UTF-8 Markdown"),
    ("## 节\n### 问\n答\n".encode("utf-16"), "file is UTF-16 (it starts with a byte-order mark)"),
    (b"## S\n### Q\nA\n" + b"\x00\x01\x02\x03" * 100, "file is binary or UTF-16"),
], ids=["png", "zeros", "utf16-cjk", "utf16-ascii", "utf16-bom", "text-then-binary"])
def test_binaries_and_utf16_are_still_refused(tmp_path: Path, content: bytes,
                                              message: str) -> None:
    (tmp_path / "bad.md").write_bytes(content)
    write(tmp_path / "good.md", "## S\n### Q\nA\n")
    result = run("--format", "apkg", "bad.md", "good.md")
    assert f"bad.md:1:1: error: {message}" in result.output
    assert (tmp_path / "dist" / "good.apkg").exists()
    assert "Traceback" not in result.output


def test_raw_html_nested_thousands_deep_is_cut_to_a_bound_with_a_warning(
        tmp_path: Path, collection: Collection) -> None:
    deep = 2000
    write(tmp_path / "d.md", "## 节\n### 问？\n开头\n\n"
          + "<details><summary>层</summary>\n" * deep + "最深处 LASTWORD\n"
          + "</details>\n" * deep + "\n结尾\n\n### 二 " + '<span title="a>b">' * 500
          + "深标题" + "</span>" * 500 + "\n答\n")
    result = run("d.md")
    assert result.exit_code == 0, result.output
    message = ("warning: HTML nested more than 48 deep; the deeper tags are left out of the "
               "card, their text kept [html-nesting]")
    assert f"d.md:5:1: {message}" in result.output
    assert f"d.md:{4 + 2 * deep + 5}:5: {message}" in result.output
    notes = answers_by_question(imported_notes(collection, tmp_path / "dist" / "d.apkg"))
    answer = notes["问？"]
    # Every word is kept; the nesting is not.
    assert answer.count("<details") == 48 and answer.count("</details>") == 48
    assert answer.count("层") == deep and "最深处 LASTWORD" in answer
    assert answer.index("开头") < answer.index("LASTWORD") < answer.index("结尾")
    (question,) = [q for q in notes if "深标题" in q]
    assert question.count("<span") == 48 and question.count("</span>") == 48
    assert 'title="a&gt;b"' in question or 'title="a>b"' in question
    assert "LASTWORD" in _pdf_text(tmp_path / "dist" / "d.pdf")


def test_raw_html_nested_as_people_write_it_is_kept_whole(tmp_path: Path,
                                                          collection: Collection) -> None:
    write(tmp_path / "s.md", "## 节\n### 问？\n"
          + "<details><summary>一</summary><div><ul><li><b>二</b></li></ul></div>\n"
          + "<details><summary>三</summary>&lt;四&gt;</details></details>\n")
    result = run("--format", "apkg", "s.md")
    assert "html-nesting" not in result.output
    (answer,) = _answers(collection, tmp_path / "dist" / "s.apkg")
    assert answer.count("<details>") == 2 and "<li><b>二</b></li>" in answer
    assert "&lt;四&gt;" in answer


def test_flattening_keeps_attributes_entities_and_order() -> None:
    from builder.anki.htmldepth import MAX_HTML_DEPTH, flatten_deep

    inner = '<i title="x>y">a&amp;b</i><br>c'
    fragment = "<b>" * (MAX_HTML_DEPTH + 3) + inner + "</b>" * (MAX_HTML_DEPTH + 3)
    flat, unwrapped = flatten_deep(fragment)
    assert unwrapped == 4
    assert flat == "<b>" * MAX_HTML_DEPTH + "a&amp;b<br>c" + "</b>" * MAX_HTML_DEPTH
    shallow = "<b>" * MAX_HTML_DEPTH + inner + "</b>" * MAX_HTML_DEPTH
    assert flatten_deep(shallow) == (shallow.replace(inner, "a&amp;b<br>c"), 1)


def _table(tag: str, rows: int) -> str:
    return "| 名 | 值 |\n|---|---|\n" + "".join(f"| {tag}{i} | v |\n" for i in range(rows))


def test_a_long_table_in_a_section_introduction_is_cut_in_the_pdf_too(tmp_path: Path) -> None:
    # An introduction is printed in the PDF only: its tables reached typst uncut.
    write(tmp_path / "i.md", "## 表\n\n" + _table("intro", 1200) + "\n### 问？\n答\n")
    result = run("--format", "pdf", "i.md")
    assert result.exit_code == 0, result.output
    assert ("i.md:3:1: warning: table too long for the PDF: it shows 1,000 of its 1,200 rows"
            in result.output)
    words = _pdf_text(tmp_path / "dist" / "i.pdf").split()
    assert "intro999" in words and "intro1000" not in words and "+200" in words


def test_tables_too_long_for_the_pdf_are_cut_there_with_a_warning_and_kept_in_the_card(
        tmp_path: Path, collection: Collection) -> None:
    # Rows per table (1,000) and table cells per file (5,000) are bounded in the PDF:
    # typst kept ~60 KB a formula cell, 2.5 GB for a 20,000-row table.
    write(tmp_path / "t.md", "## 表\n### 长？\n\n" + _table("long", 1500) + "\n后记一\n\n"
          + "### 中？\n\n" + _table("mid", 600) + "\n### 末？\n\n" + _table("last", 1000)
          + "\n后记三\n")
    result = run("t.md")
    assert result.exit_code == 0, result.output
    mid_line = 4 + 1502 + 5
    last_line = mid_line + 602 + 3
    assert ("t.md:4:1: warning: table too long for the PDF: it shows 1,000 of its 1,500 rows "
            "(at most 1,000 rows a table, 5,000 cells a file); the PDF leaves out the rest "
            "[table-too-long]") in result.output
    # 5,000 cells less the 2 × 1,001 and 2 × 601 before it leave room for 897 rows and a header.
    assert f"t.md:{last_line}:1: warning: table too long for the PDF: it shows 897 of its " \
           "1,000 rows" in result.output
    assert result.output.count("[table-too-long]") == 2
    words = _pdf_text(tmp_path / "dist" / "t.pdf").split()
    assert "long999" in words and "long1000" not in words and "+500" in words
    assert "mid599" in words and "last896" in words and "last897" not in words
    assert "+103" in words and "后记一" in words and "后记三" in words
    answers = " ".join(note["Answer"]
                       for note in imported_notes(collection, tmp_path / "dist" / "t.apkg"))
    assert "long1499" in answers and "last999" in answers and "后记三" in answers


def test_a_huge_question_is_shown_cut_in_the_change_report(tmp_path: Path) -> None:
    write(tmp_path / "h.md", "## 节\n### " + "问" * 50_000 + "尾\n答\n\n### 短问？\n答\n")
    result = run("--format", "apkg", "h.md")
    assert result.exit_code == 0, result.output
    added = [line for line in result.output.splitlines() if line.startswith("  added")]
    assert len(added) == 2 and "  added    h.md:2  " + "问" * 99 + "…" in added
    assert max(len(line) for line in result.output.splitlines()) < 400


def test_raw_html_never_closed_names_the_lines_it_takes_in(tmp_path: Path) -> None:
    # CommonMark runs an HTML comment (or <script>, <pre>…) without its end marker to the
    # end of the file: the next question vanished without a word.
    write(tmp_path / "c.md", "## 节\n### 问一？\n答一\n\n<!-- 笔记，忘了关上\n\n藏起来的\n\n"
          "### 问二？\n答二\n")
    write(tmp_path / "d.md", "## 节\n### 问？\n<preview>\n\n答\n\n- 项\n\n  <script>\n  x\n\n"
          "- 下一项\n\n<!-- 关上了 --> 尾\n\n<!DOCTYPE html>\n")
    result = run("--format", "apkg", "c.md", "d.md")
    assert ("c.md:5:1: warning: raw HTML never closed (no '-->'): lines 5–10 are taken as "
            "raw HTML, not Markdown; questions among them are lost [html-unclosed]"
            ) in result.output
    assert "d.md:9:1: warning: raw HTML never closed (no '</script>'): lines 9–10" \
        in result.output
    assert result.output.count("[html-unclosed]") == 2


def _pdf_answer(text: str) -> tuple[Node, ...]:
    from builder.parse.document import parse_text
    from builder.parse.limits import cut_answer

    # The PDF cuts each card's answer as it makes the card's JSON (pdf.pdfdata.card_content).
    (card,) = parse_text(text, "n.md").cards
    return cut_answer(card.answer) or card.answer


def test_the_pdf_cut_counts_code_and_empty_blocks_too() -> None:
    # Code was not counted: 100,000 lines of it reached typst whole (minutes, 600 MB).
    code = "".join(f"v{i} = {i}\n" for i in range(30_000))
    answer = _pdf_answer(f"## 节\n### 问？\n开头\n\n```python\n{code}```\n\n尾\n")
    kinds = [block.kind for block in answer]
    assert kinds == ["paragraph", "code_block"]
    kept = answer[1].text
    assert kept.startswith("v0 = 0\n") and kept.endswith("…") and "v29999" not in kept
    assert MAX_ANSWER_CHARS - 100 < len(kept) + len("开头") < MAX_ANSWER_CHARS
    # 50,000 empty code blocks have no text, but each is a block to typeset (1 GB).
    many = _pdf_answer("## 节\n### 问？\n" + "```\n" * 100_000)
    assert len(many) == MAX_ANSWER_CHARS // NODE_COST


def test_raw_html_reaches_the_sanitiser_cut_to_a_depth_it_parses_quickly(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # html5ever checks the open elements at each tag: 100,000 unclosed <div> took minutes.
    from builder.anki import html
    from builder.anki.htmldepth import MAX_RAW_DEPTH

    cleaner = html._cleaner()
    seen: list[str] = []

    class Recording:
        def clean(self, fragment: str) -> str:
            seen.append(fragment)
            return str(cleaner.clean(fragment))

    monkeypatch.setattr(html, "_cleaner", Recording)
    media = html.HtmlMedia()
    out = html.render_blocks((Node("html_block", text="<div>" * 100_000 + "深处\n"),), media)
    (given,) = seen
    assert given.count("<div>") == MAX_RAW_DEPTH and given.endswith("深处\n")
    assert out.count("<div>") == 48 and "深处" in out and media.unwrapped > 0
    # Raw lists, tables and paragraphs leave their end tags out: those are not nesting.
    seen.clear()
    rows = "<table>" + "<tr><td>a<td>b" * 600 + "</table><dl>" + "<dt>c<dd>d" * 600 + "</dl>"
    listed = "<ul>" + "<li>x" * 600 + "</ul>" + "<p>y" * 600
    out = html.render_blocks((Node("html_block", text=rows + listed),), media)
    assert seen == [rows + listed]
    assert (out.count("<td>"), out.count("<dd>"), out.count("<li>"), out.count("<p>")) == \
        (1200, 600, 600, 600)


class _CountingList(list[Any]):
    """A list that counts the elements each index or slice hands out."""

    handed = 0

    def __getitem__(self, key: Any) -> Any:
        found = super().__getitem__(key)
        _CountingList.handed += len(found) if isinstance(key, slice) else 1
        return found


def test_headings_without_answers_are_surveyed_in_linear_work() -> None:
    # 100,000 headings with nothing under them: each copied the rest of the list (minutes).
    from builder.parse.strays import SurveyedHeading
    from builder.parse.survey import _mark_answered_below

    count = 20_000
    headings = _CountingList(SurveyedHeading(1 + i % 2, f"h{i}", i + 1, False, None)
                             for i in range(count))
    headings[-1].answered = True
    _CountingList.handed = 0
    _mark_answered_below(headings)
    assert _CountingList.handed < 3 * count
    assert headings[-2].answered_below and not headings[-3].answered_below


_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"{attr}>{body}' \
       '<rect width="10" height="10"/></svg>'


@pytest.mark.parametrize(("attr", "body"), [
    (' onload="alert(1)"', ""),
    ("", "<script>alert(2)</script>"),
    ("", '<a href=" java\tscript:alert(3)"><text>x</text></a>'),
    ("", '<a xmlns:xl="http://www.w3.org/1999/xlink" xl:href="JAVASCRIPT:x"><text>y</text></a>'),
    ("", '<g><rect width="1" height="1" onclick="alert(4)"/></g>'),
    # A javascript: link given by an animation, or a frame's address, not an href.
    ("", '<a><set attributeName="href" to="javascript:alert(5)"/><text>z</text></a>'),
    ("", '<a><animate attributeName="href" values="javascript:alert(6)"/><text>w</text></a>'),
    ("", '<foreignObject width="5" height="5"><iframe xmlns="http://www.w3.org/1999/xhtml" '
         'src="javascript:alert(7)"/></foreignObject>'),
], ids=["onload", "script", "href", "xlink-href", "nested-handler", "set-to", "animate-values",
        "iframe-src"])
def test_svg_pictures_that_run_code_are_left_out_with_a_warning(
        tmp_path: Path, attr: str, body: str) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "bad.svg").write_text(_SVG.format(attr=attr, body=body))
    (tmp_path / "img" / "good.svg").write_text(_SVG.format(
        attr="", body='<style>rect{fill:red}</style><foreignObject width="5" height="5">'
        '<p xmlns="http://www.w3.org/1999/xhtml">标签</p></foreignObject>'))
    write(tmp_path / "s.md", "## 节\n### 问？\n![坏](img/bad.svg)\n\n![好](img/good.svg)\n")
    result = run("--format", "apkg", "s.md")
    assert ("s.md:3:1: warning: file is not the svg image its name claims (SVG with a "
            "script, an on…= handler or a javascript: link): img/bad.svg [image-type]"
            ) in result.output
    assert "good.svg" not in result.output
    with zipfile.ZipFile(tmp_path / "dist" / "s.apkg") as package:
        packed = [package.read(name) for name in package.namelist() if name.isdigit()]
    assert len(packed) == 1 and b"foreignObject" in packed[0]


def test_a_file_name_with_a_line_break_keeps_each_diagnostic_on_one_line(
        tmp_path: Path) -> None:
    (tmp_path / "a\nb.md").write_text("## 节\n### 问？\n答\a\n")
    result = run("--format", "apkg", "a\nb.md")
    assert "a\\u000ab.md:3:2: warning: control character U+0007 removed [control-chars]" \
        in result.output.splitlines()
