"""A formula sent to MathJax (``--math mathjax``) that holds its own closing delimiter
(``$a \\) b$``) reaches the card whole.

MathJax ends ``\\(…`` at the first ``\\)`` outside braces: in Chromium with MathJax 3.2.2,
configured as Anki configures it, the card showed the formula "a" and then " b\\)" as
text.  ``mathjax_formulas`` reads a card as MathJax's FindTeX does (its ``findEnd``:
the closing delimiter, a control word or symbol, or a brace, left to right; a
delimiter counts only outside braces)."""

from __future__ import annotations

import re
from pathlib import Path

from anki.collection import Collection

from .conftest import FIXTURES, answers_by_question, build_fixture, imported_notes

_CLOSE = {"\\(": "\\)", "\\[": "\\]"}


def mathjax_formulas(card: str) -> list[str]:
    """The TeX of each formula MathJax finds in ``card``."""
    found: list[str] = []
    at = 0
    while (start := re.compile(r"\\\(|\\\[").search(card, at)) is not None:
        close = _CLOSE[start.group()]
        pattern = re.compile(re.escape(close) + r"|\\[a-zA-Z@]+|\\.|[{}]", re.DOTALL)
        braces, begin, end = 0, start.end(), None
        for token in pattern.finditer(card, begin):
            if token.group() == close and braces == 0:
                end = token
                break
            braces += token.group() == "{"
            braces -= token.group() == "}" and braces > 0
        if end is None:
            return found
        found.append(card[begin:end.start()])
        at = end.end()
    return found


def test_a_closing_delimiter_in_a_formula_stays_inside_it(collection: Collection) -> None:
    result = build_fixture(FIXTURES / "mathjax-closing-delimiter.md", "--format", "apkg",
                           "--math", "mathjax")
    assert result.exit_code == 0, result.output
    answers = answers_by_question(imported_notes(collection, Path("dist/n.apkg")))
    assert mathjax_formulas(answers["一？"]) == ["a {\\)} b"]
    assert mathjax_formulas(answers["二？"]) == ["c {\\]} d"]
    # Another kind's delimiter, and a line break before ")": nothing to hide.
    assert mathjax_formulas(answers["三？"]) == ["e \\] f \\\\) g"]


def test_the_model_of_mathjax_cuts_where_mathjax_cut() -> None:
    assert mathjax_formulas("甲 \\(a \\) b\\) 乙") == ["a "]
    assert mathjax_formulas("\\[x {\\]} y\\] and \\(z\\)") == ["x {\\]} y", "z"]


def test_a_formula_ending_in_a_lone_backslash_ends_where_it_should(
        collection: Collection) -> None:
    """``$a \\ $`` (TeX ``a \\``) went out as ``\\(a \\\\)``: MathJax read ``\\\\`` and ran on
    past ``)``, taking the text after it; an odd run of backslashes gets a space before
    the delimiter, an even one (a line break ``\\\\``) is left as it was."""
    result = build_fixture(FIXTURES / "mathjax-trailing-backslash.md", "--format", "apkg",
                           "--math", "mathjax")
    assert result.exit_code == 0, result.output
    answers = answers_by_question(imported_notes(collection, Path("dist/n.apkg")))
    assert mathjax_formulas(answers["一？"]) == ["a \\ "]
    assert "\\) 乙</p>" in answers["一？"]
    assert mathjax_formulas(answers["二？"]) == ["c \\ "]
    assert mathjax_formulas(answers["三？"]) == ["e \\\\", "f \\\\\\ "]


def test_the_model_of_mathjax_runs_past_a_paired_delimiter() -> None:
    assert mathjax_formulas("\\(a \\\\) b") == []
    assert mathjax_formulas("\\(a \\ \\) b") == ["a \\ "]
