"""Hostile inputs met in s10's second attack, on the rules merged this session: work that
grew with the nesting of boxes (doubling at each level) and with the count of ``\\(`` on
one line.  Work is bounded by counting calls, never by timing."""

from __future__ import annotations

import _markupbase
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.anki import html as card_html
from builder.anki.html import sanitise
from builder.anki.htmldepth import flatten_deep
from builder.anki.legacytags import modernised
from builder.cli import main
from builder.model import Node
from builder.parse import mathsyntax
from builder.parse.document import parse_parts


def _nested_tabs(depth: int) -> str:
    """MkDocs content tabs, each holding the next, the last one a word."""
    lines = "".join("    " * level + f'=== "T{level}"\n\n' for level in range(depth))
    return "# Deck\n\n## Q?\n\n" + lines + "    " * depth + "deepest\n"


def _nested_tags(depth: int) -> str:
    """Hexo note tags, each holding the next."""
    return ("# Deck\n\n## Q?\n\n" + "{% note %}\n" * depth + "deepest\n"
            + "{% endnote %}\n" * depth)


def _answer(text: str) -> tuple[Node, ...]:
    cards = [c for s in parse_parts(text, "notes.md").document.sections for c in s.cards]
    assert len(cards) == 1
    return cards[0].answer


@pytest.mark.parametrize("nested", [_nested_tabs, _nested_tags])
def test_boxes_nested_deep_are_rendered_once_each(
        nested: object, monkeypatch: pytest.MonkeyPatch) -> None:
    # A callout's children were rendered by the block walk and again by the callout:
    # twice at each level, 2**20 times for 20 levels of tabs (a 2 KB file, seconds; a
    # file of them, hours).  Each text is rendered once now.
    assert callable(nested)
    answer = _answer(nested(16))
    texts: list[str] = []
    inline = card_html._inline

    def counted(node: Node, media: card_html.HtmlMedia) -> str:
        if node.kind == "text":
            texts.append(node.text)
        return inline(node, media)

    monkeypatch.setattr(card_html, "_inline", counted)
    shown = card_html.render_blocks(answer, card_html.HtmlMedia())
    assert "deepest" in shown and shown.count("<div class=\"callout") == 16
    assert texts.count("deepest") == 1, len(texts)
    assert len(texts) <= 40, len(texts)
    if nested is _nested_tabs:
        assert all(shown.count(f">T{level}<") == 1 for level in range(16)), shown


class _Scanned:
    """How many characters the ``\\(`` pairing read: closers looked for, insides read."""

    chars = 0


def _count_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    find, backslashes = mathsyntax._find_closer, mathsyntax._backslashes
    _Scanned.chars = 0

    def find_counted(src: str, pos: int, limit: int, closer: str) -> int | None:
        found = find(src, pos, limit, closer)
        _Scanned.chars += (found if found is not None else limit) - pos
        return found

    def backslashes_counted(body: str) -> tuple[int, int]:
        _Scanned.chars += len(body)
        return backslashes(body)

    monkeypatch.setattr(mathsyntax, "_find_closer", find_counted)
    monkeypatch.setattr(mathsyntax, "_backslashes", backslashes_counted)


@pytest.mark.parametrize("opener", ["a\\(b", "a \\( b", "a \\[ b"])
def test_escaped_brackets_before_a_far_closer_are_paired_in_linear_work(
        opener: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each ``\\(`` kept as escaped brackets (GitBook's call brackets, or prose inside)
    # left the next one to read up to the same far closer: 50,000 of them on a line
    # (350 KB) took hours.  Past a budget of a few times the text, the rest are escaped
    # brackets, with one note at the first.
    count = 3_000
    closer = "\\]" if "[" in opener else "\\)"
    line = opener * count + closer * count
    _count_scans(monkeypatch)
    parts = parse_parts(f"# Deck\n\n## Q?\n\n{line}\n", "notes.md")
    assert _Scanned.chars <= 10 * len(line) + 100_000, _Scanned.chars
    notes = [d for d in parts.document.diagnostics if d.code == "escaped-brackets"
             and "from here on" in d.message]
    assert len(notes) == 1 and notes[0].loc.line == 5, notes


def test_many_formulas_in_one_paragraph_stay_formulas(monkeypatch: pytest.MonkeyPatch) -> None:
    # The budget is never met by formulas that close where they should.
    count = 5_000
    _count_scans(monkeypatch)
    parts = parse_parts("# Deck\n\n## Q?\n\n" + "是 \\(x^2\\) 与 \\[y_1\\]，" * count + "\n",
                        "notes.md")
    answer = parts.document.sections[0].cards[0].answer
    formulas = [n for block in answer for n in block.walk() if n.formula is not None]
    assert len(formulas) == 2 * count
    assert not [d for d in parts.document.diagnostics if d.code == "escaped-brackets"]


@pytest.mark.parametrize("html_line", [
    "<![CDATA[ <font color=red>x</font> <![ ", "<font color=red>x</font>\n<!DOCTYPE <![ x",
    "<div><font color=red>x</font> <![foo[ y ]]> <![<![ </div>"])
def test_an_unknown_marked_section_in_raw_html_is_no_traceback(
        tmp_path: Path, html_line: str) -> None:
    # Python 3.11's HTMLParser raised AssertionError on ``<![`` opening no section it
    # knows; every checker reading a card's raw HTML with it stopped the build.
    (tmp_path / "notes.md").write_text(f"# Deck\n\n## Q?\n\n{html_line}\n\nafter\n",
                                       encoding="utf-8")
    result = CliRunner().invoke(main, [str(tmp_path), "-o", str(tmp_path / "out"),
                                       "--format", "apkg", "--no-lock", "--math", "mathjax"])
    assert result.exit_code == 0, result.output
    assert result.exception is None, result.exception
    assert (tmp_path / "out" / "Deck.apkg").is_file()


def test_the_card_html_readers_take_an_unknown_marked_section() -> None:
    # Read as a bogus comment, as browsers do, at the place the parser reports after it:
    # it had moved on three columns before raising, so <center> was rewritten off place.
    fragment = '<font color="red">a</font> <![ b <![foo[ c ]]> <center>d</center>'
    assert modernised(fragment) == (
        '<span style="color: red">a</span> <![ b <![foo[ c ]]> '
        '<div style="text-align: center">d</div>')
    assert flatten_deep(fragment)[1] == 0
    assert "<![" not in sanitise(fragment) and "d" in sanitise(fragment)


def test_unclosed_comments_in_raw_html_are_searched_to_the_end_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Each unclosed <!-- was searched for its --> to the end of the text: 150,000 of them
    # in a raw HTML block, hours.  Where none is left is remembered.
    searched: list[int] = []
    search = _markupbase.ParserBase.parse_comment

    def counted(self: _markupbase.ParserBase, i: int, report: bool = True) -> int:
        searched.append(len(self.rawdata) - i)  # type: ignore[attr-defined]
        return search(self, i, report)

    monkeypatch.setattr(_markupbase.ParserBase, "parse_comment", counted)
    fragment = "<center>a</center> <!-- b --> " + "<!--" * 5_000
    assert modernised(fragment).startswith('<div style="text-align: center">a</div> <!-- b')
    flatten_deep(fragment)
    assert sum(searched) <= 4 * len(fragment), sum(searched)
