"""Formulas with ``|`` in table cells (``| $P(y|x)$ |``): one cell, one whole formula, in
the parser, on the card in the real Anki and in the PDF; everything else in a table
read exactly as markdown-it's GFM rule reads it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from markdown_it.rules_block.table import table as stock_table

from builder.cli import main
from builder.parse.document import parse_text
from builder.parse.markdown import make_parser, tokenize

from .conftest import FIXTURES, imported_answer, package_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "math" / "table-pipes.md"


def rows(source: str) -> list[list[list[tuple[str, str]]]]:
    """Each table row: each cell's inline children as (type, content)."""
    out: list[list[list[tuple[str, str]]]] = []
    for token in tokenize(source):
        if token.type == "tr_open":
            out.append([])
        elif token.type == "inline" and out:
            out[-1].append([(child.type, child.content) for child in token.children or []])
    return out


def body_row(row: str, header: str = "| a | b |\n|---|---|\n") -> list[list[tuple[str, str]]]:
    return rows(f"{header}{row}\n")[1]


@pytest.mark.parametrize(("row", "cells"), [
    ("| $P(y|x)$ | c |", [[("math_inline", "P(y|x)")], [("text", "c")]]),
    ("| x | $\\lambda \\sum |w_i|$ |",
     [[("text", "x")], [("math_inline", "\\lambda \\sum |w_i|")]]),
    ("| 如 $f=|y-y'|$ 所示 | c |",
     [[("text", "如 "), ("math_inline", "f=|y-y'|"), ("text", " 所示")], [("text", "c")]]),
    ("| \\(|y|\\) | $$|z|$$ |", [[("math_inline", "|y|")], [("math_inline_double", "|z|")]]),
    # GFM's escaped pipe inside a formula is a pipe (as GitHub shows it), not TeX's ‖ ...
    ("| $\\left\\|x\\right\\|$ | c |", [[("math_inline", "\\left|x\\right|")], [("text", "c")]]),
    # ... while TeX's line break before a pipe keeps both backslashes.
    ("| $a \\\\| b$ | c |", [[("math_inline", "a \\\\| b")], [("text", "c")]]),
    ("| $a \\\\|b$ | $\\{x\\}$ |", [[("math_inline", "a \\\\|b")], [("math_inline", "\\{x\\}")]]),
])
def test_a_pipe_inside_a_formula_does_not_split_its_cell(
        row: str, cells: list[list[tuple[str, str]]]) -> None:
    assert body_row(row) == cells


@pytest.mark.parametrize(("row", "cells"), [
    ("| $5 | $10 |", [[("text", "$5")], [("text", "$10")]]),          # money
    ("| price in $ | $ amount |", [[("text", "price in $")], [("text", "$ amount")]]),
    ("| `$HOME` | `$PATH|` |", [[("code_inline", "$HOME")], [("text", "`$PATH")]]),
    ("| `a|b` | c |", [[("text", "`a")], [("text", "b`")]]),           # GFM: code splits
    ("| a \\| b | $x$ |", [[("text", "a | b")], [("math_inline", "x")]]),
])
def test_cells_without_a_piped_formula_split_as_gfm_does(
        row: str, cells: list[list[tuple[str, str]]]) -> None:
    assert body_row(row) == cells


def test_dollar_ratings_in_their_own_cells_stay_cells() -> None:
    """``$ | $$`` pairs as a formula holding a pipe, but the row then falls short of the
    table's columns while GFM's reading fits exactly: the dollars are cells (real notes
    rate cost so)."""
    header = "| Cost | A | B | C |\n|---|---|---|---|\n"
    assert body_row("| Cost | $ | $$ | $$$ |", header) == [
        [("text", "Cost")], [("text", "$")], [("text", "$$")], [("text", "$$$")]]


def test_a_header_formula_with_a_pipe_still_makes_a_table() -> None:
    source = "| $|x|$ | b |\n|---|---|\n| 1 | 2 |\n"
    assert rows(source) == [[[("math_inline", "|x|")], [("text", "b")]],
                            [[("text", "1")], [("text", "2")]]]


# Tables without a formula holding a pipe: every token as markdown-it's own rule makes it.
GFM_TABLES = [
    "| a | b |\n|:--|--:|\n| 1 | 2 |\n| 3 |\n| 4 | 5 | 6 |\n",
    "a | b\n-- | :-:\nc | d\n\nafter\n",
    "| a \\| b | `c|d` |\n| --- | --- | --- |\n| $5 | $10 | x |\n| $x$ | \\$ | y \\| z |\n",
    "- item\n\n  | a | b |\n  |---|---|\n  | 1 | 2 |\n",
    "> | a |\n> |---|\n> | $b$ |\n> quote\n",
    "| a |\n|---|\n| b |\n    | code |\n",
    "| a | b |\n| - | -|\n",
    "| a | b |\n|---|---|---|\n| 1 | 2 |\n",
    "|a|\n|-|\n|b|\n# heading\n| c |\n",
    "| a |\n|---|\n|" + " |" * 5 + "\n",
    "| $x$ | b |\n|---|---|\n| `$` | $ |\n",
]


@pytest.mark.parametrize("source", GFM_TABLES)
def test_tables_without_piped_formulas_parse_as_markdown_it_does(source: str) -> None:
    ours = make_parser()
    stock = make_parser()
    stock.block.ruler.at("table", stock_table)

    def shown(tokens: list) -> list:  # type: ignore[type-arg]
        return [(t.type, t.content, t.map, t.attrs,
                 [(c.type, c.content) for c in t.children or []]) for t in tokens]

    assert shown(ours.parse(source, {})) == shown(stock.parse(source, {}))


def test_rows_short_of_cells_are_filled_within_markdown_it_s_bound() -> None:
    """Rows of no cells under a wide header stop the table at markdown-it's bound on
    cells filled in, so a small input cannot make a huge table."""
    header = "|" + " a |" * 1000 + "\n|" + "---|" * 1000 + "\n"
    source = header + "| x\n" * 200
    ours = make_parser().parse(source, {})
    cells = sum(1 for token in ours if token.type == "td_open")
    assert 60_000 <= cells <= 0x10000 + 1000


def test_formulas_in_cells_are_found_whole_at_their_place() -> None:
    doc = parse_text(FIXTURE.read_text(encoding="utf-8"), str(FIXTURE))
    found = [(f.loc.line, f.loc.col, f.tex) for s in doc.sections for c in s.cards
             for f in c.formulas]
    assert found == [
        (5, 10, "P(y|x)"), (5, 26, "p(y|x)"), (6, 8, "\\lambda \\sum |w_i|"),
        (7, 8, "\\left|x-y\\right|"), (8, 8, "a \\\\| b"), (9, 8, "|y - \\hat{y}|")]
    # `| 代码 | `a | b` | 代码里的竖线 |`: a code span's pipe splits its cell, as in GFM, so
    # the row has four cells and its last is left out, as GitHub does: said, not lost.
    assert [(d.loc.line, d.loc.col, d.code) for d in doc.diagnostics] == [
        (11, 18, "table-extra-cells")]


def test_each_cell_s_formula_is_placed_where_it_is_written() -> None:
    """Not at the first copy of its text on the line, nor lost by a dropped backslash."""
    source = ("## s\n### q\n| a | b |\n|---|---|\n| $x$ | $x$ |\n| $\\|a\\|$ | $\\|a\\|$ |\n"
              "> | a | b |\n> |---|---|\n> |  $z$ | x \\| $\\|w|$ and $v$ |\n")
    doc = parse_text(source, "t.md")
    found = [(f.loc.line, f.loc.col, f.tex) for s in doc.sections for c in s.cards
             for f in c.formulas]
    assert found == [(5, 3, "x"), (5, 9, "x"), (6, 3, "|a|"), (6, 13, "|a|"),
                     (9, 6, "z"), (9, 17, "|w|"), (9, 28, "v")]


# --- end to end: CLI, real Anki, PDF ------------------------------------------------------

def test_card_and_pdf_show_every_formula_in_the_table(
        tmp_path: Path, collection: Collection) -> None:
    import pypdf

    source = tmp_path / "source_md"
    source.mkdir()
    shutil.copy(FIXTURE, source / FIXTURE.name)
    result = CliRunner().invoke(main, [], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert [line for line in result.output.splitlines() if "warning:" in line] == [
        "source_md/table-pipes.md:11:18: warning: 1 cell(s) past the table's 3 column(s) left "
        "out (as GitHub does): add them to the header row, or write `\\|` for a `|` in a cell "
        "[table-extra-cells]"], result.output
    package = Path("dist") / "table-pipes.apkg"
    answer = imported_answer(collection, package)
    media = Path(collection.media.dir())
    formulas = re.findall(r'<img class="math" src="([^"]+)" alt="([^"]*)"', answer)
    assert [alt for _src, alt in formulas] == [
        "P(y|x)", "p(y|x)", "\\lambda \\sum |w_i|", "\\left|x-y\\right|", "a \\\\| b",
        "|y - \\hat{y}|"]
    assert all((media / src).stat().st_size > 0 for src, _alt in formulas)
    cells = re.findall(r"<tr>(.*?)</tr>", answer)
    assert len(cells) == 9 and all(row.count("<td") == 3 for row in cells[1:])
    unaligned = answer.replace(' style="text-align:center"', "")
    assert "<td>$5</td><td>$10</td>" in unaligned
    assert "<td>a | b</td><td><code>$HOME</code></td>" in unaligned
    assert "$" not in re.sub(r"<[^>]+>", "", answer.split("$5")[0])
    assert package_notes(package)[0][1][1] == answer

    text = "".join(page.extract_text() for page in pypdf.PdfReader("dist/table-pipes.pdf").pages)
    flat = re.sub(r"\s+", "", text)
    # typst sets the formulas in math italic: P(y|x) as 𝑃(𝑦|𝑥).
    assert "𝑃(𝑦|𝑥)" in flat and "𝑝(𝑦|𝑥)" in flat and "|𝑤" in flat and "|𝑥−𝑦|" in flat
    assert "$5" in flat and "$10" in flat and "$P" not in flat
