"""Math as authors type it: which dollars pair, what reaches the formula intact, where
each formula is, and the whole path through the CLI into the real Anki."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.model import Diagnostic, Formula
from builder.parse.document import parse_text
from builder.parse.markdown import tokenize

from .conftest import FIXTURES, answers_by_question, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

MATH = FIXTURES / "math"


def inline(source: str) -> list[tuple[str, str]]:
    """(type, content) of every inline child and math block, softbreaks left out."""
    out: list[tuple[str, str]] = []
    for token in tokenize(source):
        if token.type == "math_block":
            out.append(("math_block", token.content))
        for child in token.children or []:
            if child.type != "softbreak":
                out.append((child.type, child.content))
    return out


def formulas(name: str) -> tuple[list[Formula], list[Diagnostic]]:
    path = MATH / name
    doc = parse_text(path.read_text(encoding="utf-8"), str(path))
    found = [f for section in doc.sections for card in section.cards for f in card.formulas]
    return found, list(doc.diagnostics)


# --- the tokenizer ----------------------------------------------------------------------

@pytest.mark.parametrize(("source", "expected"), [
    ("$ x $", [("math_inline", " x ")]),
    ("$x$ and $ y_1 $", [("math_inline", "x"), ("text", " and "), ("math_inline", " y_1 ")]),
    ("$ a $ 分，这 $ b $",
     [("math_inline", " a "), ("text", " 分，这 "), ("math_inline", " b ")]),
    ("$5 到 $10", [("text", "$5 到 $10")]),
    ("$x_1，x_2$", [("math_inline", "x_1，x_2")]),
    ("$a \\\\\nb$", [("math_inline", "a \\\\\nb")]),
    ("costs $5 and $x$ ok", [("text", "costs $5 and "), ("math_inline", "x"), ("text", " ok")]),
    ("$2$ apples", [("math_inline", "2"), ("text", " apples")]),
    ("64$\\times$64", [("text", "64"), ("math_inline", "\\times"), ("text", "64")]),
    ("$20,000 and $30,000", [("text", "$20,000 and $30,000")]),
    ("from $5 $10", [("text", "from $5 $10")]),
    (r"\$5 $x$", [("text", "$5 "), ("math_inline", "x")]),
    ("$a\ny$", [("math_inline", "a\ny")]),
    (r"\(a_1 \{ \) x", [("math_inline", r"a_1 \{ "), ("text", " x")]),
    (r"see \[1\] and \[2, 3\]", [("text", "see [1] and [2, 3]")]),
    (r"\(注\) 和 \[图片\]", [("text", "(注) 和 [图片]")]),
    (r"\(x\) 和 \(\text{损失}\)", [("math_inline", "x"), ("text", " 和 "),
                                   ("math_inline", r"\text{损失}")]),
    (r"x \[ \frac{a}{b} \]", [("text", "x "), ("math_inline_double", r" \frac{a}{b} ")]),
    ("a $$x$$ b", [("text", "a "), ("math_inline_double", "x"), ("text", " b")]),
    (r"$a \$ b$", [("math_inline", r"a \$ b")]),
    ("`$x$`", [("code_inline", "$x$")]),
    ("$a_1 * b * c_2$", [("math_inline", "a_1 * b * c_2")]),
    (r"$a \\ b$", [("math_inline", r"a \\ b")]),
])
def test_inline_pairing(source: str, expected: list[tuple[str, str]]) -> None:
    assert inline(source) == expected


@pytest.mark.parametrize(("source", "body"), [
    ("text\n$$\nx = 1\n$$\nafter", "\nx = 1\n"),       # glued before and after
    ("$$\na\n\nb\n$$", "\na\n\nb\n"),                   # a blank line inside
    ("$$ x = 1 $$", " x = 1 "),                         # one line
    ("- item\n  $$\n  x_1\n  $$", "\nx_1\n"),            # in a list item
    ("\\[\nE = mc^2\n\\]", "\nE = mc^2\n"),
    ("$$\n- a \\\\\n> b\n1. c\n$$", "\n- a \\\\\n> b\n1. c\n"),  # lines read as blocks
])
def test_display_blocks(source: str, body: str) -> None:
    assert ("math_block", body) in inline(source)


def test_unclosed_display_never_swallows_the_next_question() -> None:
    tokens = inline("$$\nx\n\n### next question\n\n$$\ny\n$$")
    assert ("math_block", "\ny\n") in tokens
    assert not any(kind == "math_block" and "next question" in body for kind, body in tokens)


@pytest.mark.parametrize("heading", ["###\tnext question", "###", "### next question ###"])
def test_unclosed_display_stops_at_any_heading_markdown_it_reads(heading: str) -> None:
    """A tab after the marks, or no text at all, makes a heading too (CommonMark)."""
    source = f"$$ x\n\n{heading}\n\nanswer $$"
    assert [t.type for t in tokenize(source) if t.type == "heading_open"] == ["heading_open"]
    assert not any(kind == "math_block" for kind, _body in inline(source))


def test_a_doubtful_dollar_in_an_alt_text_holds_up_no_later_doubt() -> None:
    """An image's alt text is parsed on its own: its note names text no token holds."""
    tokens = tokenize("![图 $ 一个，两个 $](a.png)\n\n说明 $ 三个，四个 $ 结束")
    assert tokens[4].meta.get("dollar_doubts"), "the second paragraph's doubt is kept"


def test_text_around_a_display_block_stays_in_paragraphs() -> None:
    kinds = [t.type for t in tokenize("before\n$$\nx\n$$\nafter")]
    assert kinds == ["paragraph_open", "inline", "paragraph_close", "math_block",
                     "paragraph_open", "inline", "paragraph_close"]


def test_prose_between_dollars_is_doubted_not_drawn() -> None:
    tokens = tokenize("这 $ a 分，这 $ b $ 完")
    children = [(c.type, c.content) for c in tokens[1].children or []]
    assert children == [("text", "这 $ a 分，这 "), ("math_inline", " b "), ("text", " 完")]
    assert tokens[1].meta["dollar_doubts"] == [
        (2, "$", "the text up to the next `$` reads as prose")]


def test_chinese_inside_text_command_is_not_prose() -> None:
    assert inline(r"$\text{损失，梯度}$") == [("math_inline", r"\text{损失，梯度}")]
    assert inline(r"$\text{注：}分布 p$") == [("math_inline", r"\text{注：}分布 p")]


# --- fixtures: one per pattern ----------------------------------------------------------

def test_spaced_dollars_are_formulas_and_prose_is_not() -> None:
    found, _ = formulas("spaced-dollars.md")
    assert [f.tex for f in found] == ["w_1", "b", "\\eta", "a", "b"]
    assert [(f.loc.line, f.loc.col) for f in found] == [(3, 4), (3, 14), (3, 30), (4, 4), (4, 14)]


def test_money_stays_text() -> None:
    found, diagnostics = formulas("money.md")
    assert [f.tex for f in found] == ["x"]
    assert not [d for d in diagnostics if d.code == "dollar-pairing"]


def test_display_glued_to_text() -> None:
    found, _ = formulas("display-glued.md")
    assert [(f.tex, f.display, f.loc.line) for f in found] == [
        ("H(p, q) = -\\sum_i p_i \\log q_i", True, 4), ("p", False, 7)]


def test_display_in_a_list_item_with_a_blank_line() -> None:
    found, _ = formulas("display-in-list.md")
    assert len(found) == 1
    assert found[0].display and "\n\n\\sigma^2" in found[0].tex
    assert (found[0].loc.line, found[0].loc.col) == (4, 4)


def test_inline_formula_spanning_lines() -> None:
    found, _ = formulas("inline-multiline.md")
    assert [f.tex for f in found] == ["L = \\frac{1}{N}\n\\sum_{i=1}^{N} \\ell_i"]


def test_brackets() -> None:
    found, _ = formulas("brackets.md")
    assert [(f.tex, f.display) for f in found] == [
        ("a^2 + b^2 = c^2", False), ("E = mc^2", True), ("\\int_0^1 x\\,dx", True)]
    assert [(f.loc.line, f.loc.col) for f in found] == [(3, 4), (4, 1), (7, 8)]


def test_braces_backslashes_and_underscores_arrive_intact() -> None:
    found, _ = formulas("protected.md")
    assert [f.tex for f in found] == [
        "\\{a_1, a_2\\}", "a_1 * b_2 * c_3", "a_b", "c_d",
        "\\begin{aligned} y &= a \\\\ z &= b \\end{aligned}"]


def test_undrawable_formula_places_in_table_and_list() -> None:
    found, _ = formulas("undrawable.md")
    assert [(f.loc.line, f.loc.col) for f in found] == [(5, 7), (7, 7)]


# --- end to end: CLI, real Anki ----------------------------------------------------------

DRAWN = ["spaced-dollars.md", "money.md", "display-glued.md", "display-in-list.md",
         "inline-multiline.md", "brackets.md", "protected.md", "environments.md"]


def build(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_cards_show_formula_images_and_no_raw_dollars(
        tmp_path: Path, collection: Collection) -> None:
    source = tmp_path / "source_md"
    source.mkdir()
    for name in DRAWN:
        shutil.copy(MATH / name, source / name)
    output = build("--format", "apkg")
    assert "warning:" not in output, output
    answers = answers_by_question(imported_notes(
        collection, *(Path("dist") / name.replace(".md", ".apkg") for name in DRAWN)))
    media = Path(collection.media.dir())
    assert len(answers) == len(DRAWN)
    images = 0
    for question, answer in answers.items():
        for src in re.findall(r'<img[^>]* src="([^"]+)"', answer):
            assert (media / src).stat().st_size > 0, (question, src)
            images += 1
        shown = re.sub(r"<[^>]+>", "", answer)
        if question != "显卡多少钱？":
            assert "$" not in shown and "\\(" not in shown and "\\[" not in shown, answer
    assert images == 21
    money = answers["显卡多少钱？"]
    assert "$5 到 $10" in money and "$300" in money and money.count('class="math"') == 1


def test_formula_warnings_name_their_line_and_column(tmp_path: Path) -> None:
    source = tmp_path / "source_md"
    source.mkdir()
    shutil.copy(MATH / "undrawable.md", source / "undrawable.md")
    output = build("--format", "apkg")
    places = re.findall(r"undrawable\.md:(\d+):(\d+): warning: .*\[formula-render\]", output)
    assert places == [("5", "7"), ("7", "7")]


def test_table_cells_are_on_their_rows_line() -> None:
    """Cells have no map of their own; what is in them is placed on the row's line."""
    doc = parse_text("## s\n### q\n| a | b |\n|---|---|\n| x | ![p](p.png) |\n", "t.md")
    from builder.model import walk_all

    card = doc.sections[0].cards[0]
    images = [n for n in walk_all(card.answer) if n.kind == "image"]
    assert [(n.line, n.col) for n in images] == [(5, 7)]


def test_many_unclosed_openers_are_scanned_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A line of 2,000 ``\\(`` with no ``\\)`` must not be scanned to its end 2,000 times."""
    from builder.parse import mathsyntax

    scans: list[int] = []
    real = mathsyntax._find_closer

    def counting(src: str, pos: int, limit: int, closer: str) -> int | None:
        scans.append(pos)
        return real(src, pos, limit, closer)

    monkeypatch.setattr(mathsyntax, "_find_closer", counting)
    tokens = tokenize("x " + "\\( " * 2000)
    assert tokens[1].children and tokens[1].children[0].type == "text"
    assert len(scans) < 10


def test_doubtful_dollar_is_reported_at_its_place() -> None:
    doc = parse_text("## s\n### q\n答：\n- 这题 $ a 分，这 $ b $ 完\n", "d.md")
    doubts = [d for d in doc.diagnostics if d.code == "dollar-pairing"]
    assert [(d.loc.line, d.loc.col, d.severity) for d in doubts] == [(4, 6, "warning")]
    found = [f.tex for s in doc.sections for c in s.cards for f in c.formulas]
    assert found == ["b"]
