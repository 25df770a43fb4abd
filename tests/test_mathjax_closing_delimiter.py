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
