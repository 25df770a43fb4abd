"""Hostile input, round 3: shapes an attack on the merged builder found (issue 17).

Each input is generated here; each test builds through the CLI and, where a card is
made, reads it back through the real Anki.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner, Result

from builder.cli import main

from .conftest import imported_notes, write

if TYPE_CHECKING:
    from anki.collection import Collection


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["--format", "apkg", *args])


def _answers(collection: Collection, package: Path) -> list[str]:
    return [note["Answer"] for note in imported_notes(collection, package)]


@pytest.mark.parametrize("nested", [
    ">" * 5000 + " 深处的话 LASTWORD",
    "> " * 5000 + "深处的话 LASTWORD",
    "- " * 3000 + "深处的话 LASTWORD",
    "".join("  " * i + f"- item{i}\n" for i in range(60)) + "  " * 60 + "- 深处的话 LASTWORD",
], ids=["quotes", "spaced-quotes", "list-markers", "indented-list"])
def test_blocks_nested_thousands_deep_keep_their_words_with_a_warning(
        tmp_path: Path, collection: Collection, nested: str) -> None:
    # markdown-it drops every line past maxNesting (20) without a word
    write(tmp_path / "n.md", f"## S\n### 问？\n开头\n\n{nested}\n")
    result = run("n.md")
    assert result.exit_code == 0, result.output
    assert "n.md:5:1: warning: quotes or lists nested too deeply are kept as plain text " \
           "[nesting-depth]" in result.output or \
           "warning: quotes or lists nested too deeply are kept as plain text" in result.output
    (answer,) = _answers(collection, tmp_path / "dist" / "n.apkg")
    assert "深处的话 LASTWORD" in answer and "开头" in answer


def test_shallow_quotes_and_lists_are_not_flagged(tmp_path: Path) -> None:
    write(tmp_path / "n.md", "## S\n### 问？\n" + "> " * 5 + "x\n\n" + "".join(
        "  " * i + "- y\n" for i in range(6)))
    result = run("n.md")
    assert result.exit_code == 0, result.output
    assert "nesting-depth" not in result.output


@pytest.mark.parametrize("formula", [
    "{" * 5000 + "x" + "}" * 5000,
    "\\frac{1}{" * 2000 + "x" + "}" * 2000,
    "\\href{javascript:alert(1)}{" + "{" * 3000 + "x" + "}" * 3000 + "}",
], ids=["braces", "fractions", "href-over-deep-braces"])
@pytest.mark.parametrize("math", ["mathjax", "image"])
def test_formulas_nested_thousands_deep_are_a_warning_not_a_traceback(
        tmp_path: Path, collection: Collection, formula: str, math: str) -> None:
    write(tmp_path / "n.md", f"## S\n### 问？\n开头 ${formula}$\n")
    result = run("n.md", "--math", math)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert result.exit_code == 0, result.output
    if math == "image" or "href" in formula:  # not drawn, or a command taken out
        assert "warning:" in result.output
    (answer,) = _answers(collection, tmp_path / "dist" / "n.apkg")
    assert "开头" in answer
    assert "\\href" not in answer  # its target may stay, as inert text


def test_a_letter_with_500000_accents_is_cut_to_30_with_a_warning(
        tmp_path: Path, collection: Collection) -> None:
    # typst allocated without end on this one grapheme and aborted the whole build
    write(tmp_path / "n.md", "## S\n### 问？\n前文 a" + "\u0301" * 500_000 + " 后文\n")
    result = CliRunner().invoke(main, ["n.md"])  # the PDF too: that is where typst runs
    assert result.exit_code == 0, result.output
    assert ("n.md:3:35: warning: more than 30 combining marks on one character; the rest "
            "are removed [combining-marks]") in result.output
    assert (tmp_path / "dist" / "n.pdf").exists()
    (answer,) = _answers(collection, tmp_path / "dist" / "n.apkg")
    shown = unicodedata.normalize("NFD", answer)  # the card is NFC: a + U+0301 is á
    assert "a" + "\u0301" * 30 + " 后文" in shown and "前文" in shown


def test_accents_real_scripts_stack_are_left_alone(tmp_path: Path) -> None:
    family = "👨\u200d👩\u200d👧"
    write(tmp_path / "n.md", f"## S\n### 问？\nTiếng Việt ễ, ṩ, {family}, e\u0301\u0302\u0323\n")
    result = run("n.md")
    assert result.exit_code == 0, result.output
    assert "combining-marks" not in result.output


def test_the_pdf_colours_code_only_within_its_budget() -> None:
    # typst's highlighter took 145 s on 280 KB of Python; Pygments colours the card
    from typing import cast

    from builder.model import Node
    from builder.pdf.pdfdata import (
        MAX_HIGHLIGHTED_BLOCK,
        MAX_HIGHLIGHTED_CODE,
        MediaStage,
        block_json,
    )

    stage = MediaStage(cast(Any, None), cast(Any, None))

    def lang_of(text: str) -> object:
        node = Node(kind="code_block", text=text + "\n", attrs=(("lang", "python"),))
        described = block_json(node, stage)
        assert described is not None and described["text"] == text  # nothing cut
        return described["lang"]

    assert lang_of("x = 1") == "python"
    assert lang_of("x = 1; " * (MAX_HIGHLIGHTED_BLOCK // 7 + 1)) == ""
    block = "y = 2\n" * (MAX_HIGHLIGHTED_BLOCK // 6 - 1)
    stage.highlight_left = MAX_HIGHLIGHTED_CODE  # a fresh PDF
    coloured = [lang_of(block) for _ in range(2 * MAX_HIGHLIGHTED_CODE // len(block))]
    assert coloured.count("python") == MAX_HIGHLIGHTED_CODE // len(block)
    assert coloured[-1] == ""


def test_a_huge_code_block_reaches_the_pdf_whole_and_plain(tmp_path: Path) -> None:
    from pypdf import PdfReader

    code = "".join(f"value_{i} = compute({i})\n" for i in range(1500)) + "LAST_LINE = 1"
    write(tmp_path / "n.md", f"## S\n### 代码？\n```python\n{code}\n```\n")
    result = CliRunner().invoke(main, ["--format", "pdf", "--no-lock", "n.md"])
    assert result.exit_code == 0, result.output
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "dist" / "n.pdf").pages)
    assert "value_0" in text and "LAST_LINE" in text


def test_formula_places_stay_exact_across_many_formulas_and_lines(tmp_path: Path) -> None:
    # each formula's column is found once per content line (it rescanned the content)
    line = "$a$ " * 20_000 + "$\\href{javascript:x}{b}$"
    last = "$\\href{javascript:y}{d}$"
    write(tmp_path / "n.md", f"## S\n### 问？\n> 引用 $c$\n> {line}\n> {last}\n")
    result = CliRunner().invoke(main, ["check", "n.md", "--math", "mathjax"])
    column = 3 + len("$a$ ") * 20_000
    assert f"n.md:4:{column}: warning:" in result.output, result.output[-2000:]
    assert "n.md:5:3: warning:" in result.output, result.output[-2000:]
