"""Brackets an exporter escaped (``卷积核\\(filter\\)``, ``\\[J\\]``, ``size=\\[n\\_in\\]``) are
prose on the card and in the PDF, not formulas; ``\\(y=wx+b\\)`` and ``\\[\\frac{a}{b}\\]``
stay formulas."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from builder.parse.markdown import tokenize

from .conftest import FIXTURES, build_fixture, imported_answer, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def _inline(text: str) -> list[tuple[str, str]]:
    return [(t.type, t.content) for block in tokenize(text) for t in (block.children or [])
            if t.content]


@pytest.mark.parametrize(("source", "text"), [
    (r"卷积核\(filter\)一般", "卷积核(filter)一般"),
    (r"M\(输入通道数或feature map数\)", "M(输入通道数或feature map数)"),
    (r"size=\[n\_in,n\_out\]", "size=[n_in,n_out]"),
    (r"shift\[J\]. arXiv", "shift[J]. arXiv"),
    (r"文献\[EB/OL\]", "文献[EB/OL]"),
    ("\\[1\\]", "[1]"),                 # alone on its line: no display formula
    (r"\(a层\)", "(a层)"),
    (r"\(Computer Vision\)", "(Computer Vision)"),
    (r"\(tanh,sigmoid\)", "(tanh,sigmoid)"),
    (r"\(.\)", "(.)"),
    (r"f\(wx+b\)", "f(wx+b)"),       # a name glued to it: a call's brackets (GitBook)
    (r"np.sqrt\(3/n\)", "np.sqrt(3/n)"),
    (r"x_1\(t\)", "x_1(t)"),
])
def test_escaped_brackets_around_prose_are_text(source: str, text: str) -> None:
    assert _inline(source) == [("text", text)]


@pytest.mark.parametrize(("source", "math"), [
    (r"\(x\)", "x"),                     # one letter: a symbol
    (r"\(y=wx+b\)", "y=wx+b"),           # an operator
    (r"\( O(n) \)", " O(n) "),
    (r"\(3/n\)", "3/n"),
    (r"\(\text{损失}\)", r"\text{损失}"),  # Chinese inside a TeX command
    (r"\(n\_{in} \cdot x\)", r"n\_{in} \cdot x"),
    (r"\[ a = b \]", " a = b "),        # alone on its line: a display formula
    (r"x \[ a = b \]", " a = b "),
    (r"的\(x+1\)", "x+1"),              # Chinese before it: a formula delimiter
    (r"g\(\theta\)", r"\theta"),       # a TeX command inside: a formula, name or not
])
def test_math_between_escaped_brackets_stays_math(source: str, math: str) -> None:
    found = [(t.type, t.content) for block in tokenize(source)
             for t in [block, *(block.children or [])] if t.type.startswith("math")]
    assert [content for _, content in found] == [math], found


def test_exported_prose_brackets_reach_card_and_pdf_as_text(
        tmp_path: Path, collection: Collection) -> None:
    import pypdf

    result = build_fixture(FIXTURES / "escaped-brackets.md")
    assert result.exit_code == 0, result.output
    answer = imported_answer(collection, tmp_path / "dist" / "导出的笔记.apkg")
    shown = re.sub(r"<[^>]+>", "", answer)
    for prose in ["卷积核(filter)一般", "M(输入通道数或feature map数)。",
                  "size=[n_in,n_out])", "normalization[J]. arXiv", "文献[1]。"]:
        assert prose in shown, (prose, answer)
    formulas = re.findall(r'<img class="math[^"]*"[^>]*alt="([^"]*)"', answer)
    assert sorted(formulas) == sorted(["y=wx+b", "x", r"\frac{a}{b}"]), answer
    pdf = "".join(page.extract_text() for page in
                  pypdf.PdfReader(tmp_path / "dist" / "导出的笔记.pdf").pages)
    flat = pdf.replace(" ", "").replace("\n", "")
    assert "卷积核(filter)一般" in flat and "normalization[J].arXiv" in flat, pdf


def test_gitbook_call_brackets_keep_their_parentheses(
        tmp_path: Path, collection: Collection) -> None:
    """``f\\(wx+b\\)`` and ``np.sqrt\\(3/n\\)`` reach the card and the PDF with their
    brackets; the guess over an inside that looks like math is noted at its place."""
    import pypdf

    result = build_fixture(FIXTURES / "gitbook-call-brackets.md", "-v")
    assert result.exit_code == 0, result.output
    assert ("n.md:9:18: note: `\\(wx+b\\)` right after a name is read as the escaped "
            "brackets of a call") in result.output, result.output
    assert result.output.count("[escaped-brackets]") == 1, result.output
    answers = [note["Answer"]
               for note in imported_notes(collection, tmp_path / "dist" / "导出的笔记.apkg")]
    shown = re.sub(r"<[^>]+>", "", "".join(answers))
    assert "线性变换 f(wx+b)，叠加" in shown and "np.sqrt(3/n)，方差" in shown, shown
    formulas = re.findall(r'<img class="math[^"]*"[^>]*alt="([^"]*)"', "".join(answers))
    assert sorted(formulas) == sorted(["y=wx+b", r"\alpha", r"\theta"]), answers
    pdf = "".join(page.extract_text() for page in
                  pypdf.PdfReader(tmp_path / "dist" / "导出的笔记.pdf").pages)
    flat = pdf.replace(" ", "").replace("\n", "")
    assert "f(wx+b)" in flat and "np.sqrt(3/n)" in flat, pdf
