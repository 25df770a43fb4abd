"""A table of contents folded in ``<details>``: doctoc's ``<summary>Table of Contents
</summary>`` box around a Markdown list, or a template's one-line
``<details><summary>目录</summary><p>`` … ``</p></details><p></p>`` around it (every note
of wangzhefeng/TinyLLM).  It is the file's TOC: no card, no box or stray "目录" in the
cheat sheet, its entries read as a TOC's."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from builder.model import plain_text
from builder.parse.document import parse_file
from builder.parse.htmldetails import only_closes, opening_summary

from .conftest import FIXTURES, build_fixture, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

BOX = FIXTURES / "toc-folded-details.md"
HTML = FIXTURES / "toc-folded-html.md"
TEMPLATE = FIXTURES / "toc-folded-template.md"


@pytest.mark.parametrize(("html", "summary"), [
    ("<details><summary>目录</summary><p>\n", "目录"),
    ("<details>\n  <summary><b>Table of Contents</b></summary>\n", "Table of Contents"),
    ("<details open><summary>TOC</summary>\n<p>\n", "TOC"),
    ("<details><summary>目录</summary>text after it\n", None),
    ("<details>\n", None),
    ("<div><summary>目录</summary></div>\n", None),
])
def test_the_summary_of_an_opening_block(html: str, summary: str | None) -> None:
    assert opening_summary(html) == summary


def test_a_closing_block_shows_nothing() -> None:
    assert only_closes("</p></details><p></p>\n") and only_closes("</details>")
    assert not only_closes("<p>更多</p></details>") and not only_closes("</div>")


def test_the_folded_box_is_the_files_toc() -> None:
    doc = parse_file(BOX, BOX.name)
    assert [card.question_text for card in doc.cards] == [
        "What does batch norm do?", "What does layer norm do?"]
    assert [entry.anchor for entry in doc.toc] == [
        "what-does-batch-norm-do", "why-does-it-help-training", "what-does-layer-norm-do"]
    assert set(range(3, 11)) <= set(doc.toc_lines)
    assert not any(section.intro for section in doc.sections)
    # A box of links to one page elsewhere is no TOC of this file: it stays in its answer.
    assert "Section 3" in plain_text(doc.cards[-1].answer)


@pytest.mark.parametrize("box", [
    "<details>\n</details>\n",                       # no summary, no body
    "<details>\n<summary>Contents</summary>\n</details>\n",  # a title, no list
    "> [!note]\n",                                   # a callout of nothing
    "<details>\n<summary>目录</summary>\n\n- [Q](#q)\n\ntext\n\n</details>\n",
])
def test_boxes_that_are_no_folded_toc_are_read_as_before(box: str) -> None:
    from builder.parse.document import parse_text

    doc = parse_text(f"# T\n\n{box}\n## What is BN?\n\nBatch.\n\n## Q\n\nA.\n", "n.md")
    assert [card.question_text for card in doc.cards] == ["What is BN?", "Q"]
    assert doc.toc == ()


@pytest.mark.parametrize(("html", "targets"), [
    ('<ol><li><a href="#a">A</a></li>\n<li><a href="#b">B</a></li></ol>', ["#a", "#b"]),
    ('<ol><li>Read <a href="#a">A</a></li></ol>', None),     # words besides the link
    ('<ul><li><a href="#a"><img src="a.png"></a></li></ul>', None),  # a picture
    ("<p>no links</p>", None),
    ("<![ x <a href=#a>a", None),
])
def test_the_links_of_an_html_block_that_shows_only_links(html: str,
                                                          targets: list[str] | None) -> None:
    from builder.parse.htmllinks import only_links

    assert only_links(html) == targets


def test_a_folded_toc_written_in_html_is_the_files_toc() -> None:
    doc = parse_file(HTML, HTML.name)
    assert [card.question_text for card in doc.cards] == [
        "What is self-attention?", "What is multi-head attention?"]
    assert set(range(4, 16)) <= set(doc.toc_lines)
    assert not any(section.intro for section in doc.sections)
    # A folded list with words besides its links is an answer's part, as before.
    assert "Contents" in plain_text(doc.cards[-1].answer)
    assert "the first answer" in repr(doc.cards[-1].answer)


def test_the_templates_wrapper_goes_with_its_toc() -> None:
    doc = parse_file(TEMPLATE, TEMPLATE.name)
    assert [card.question_text for card in doc.cards] == ["为什么要除以根号 d？", "RoPE 是什么？"]
    assert [entry.anchor for entry in doc.toc][:2] == ["注意力", "为什么要除以根号-d"]
    assert {1, 7} <= set(doc.toc_lines)  # the opening and the closing HTML blocks
    assert not any(section.intro for section in doc.sections)
    assert not [d for d in doc.diagnostics if d.code == "section-intro"]


def test_the_cheat_sheet_shows_no_folded_toc(tmp_path: Path) -> None:
    import pypdf

    # The cheat sheet's own contents are titled 目录 once; the folded one added a second.
    for fixture, stray in ((TEMPLATE, "目录"), (BOX, "Table of Contents"),
                           (HTML, "Table of Contents")):
        result = build_fixture(fixture, "--format", "pdf", "--no-lock")
        assert result.exit_code == 0, result.output
        (pdf,) = Path("dist").glob("*.pdf")
        text = "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
        assert text.count(stray) == (stray == "目录"), text
        assert "softmax" in text or "batch" in text or "subspaces" in text
        pdf.unlink()


def test_anki_gets_the_questions_only(collection: Collection) -> None:
    result, package = build_fixture_deck(TEMPLATE.stem)
    assert "section-intro" not in result.output
    questions = sorted(note["Question"] for note in imported_notes(collection, package))
    assert questions == sorted(["为什么要除以根号 d？", "RoPE 是什么？"])
