"""Checks on a parsed document beyond what parsing needs: TOC, heading levels, figures, ``$``.

Every check reads markdown-it tokens (for lines) and the source lines (for
columns); none reads structure off the raw text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from builder.headings import first_column
from builder.markdown import DIAGRAM_INFO, tokenize
from builder.model import Diagnostic, Document, SourceLoc
from builder.source import source_lines
from builder.toc import compare, find_block

FIGURE_WORDS = ("下图", "如图", "见图", "the figure below", "see figure")
"""Words that point at a figure; an answer using one should have an image or diagram."""

# What may follow a `$` that opens a formula: `$x`, `$\alpha`, `${`, `$(`, `$$`…
# A digit ($5), a space or punctuation after it means money or a stray sign.
_FORMULA_START = "\\{([|^_<$"


def check_document(doc: Document, text: str, tokens: list[Token] | None = None
                   ) -> list[Diagnostic]:
    """Run every source check on one parsed document; ``text`` is what it was parsed from.

    ``tokens`` are markdown-it's tokens of ``text``, when the caller already has them.
    """
    if tokens is None:
        tokens = tokenize(text.removeprefix("\ufeff"))
    lines = source_lines(text.removeprefix("\ufeff"))
    found: list[Diagnostic] = []
    if find_block(tokens) is not None:
        found += compare(doc, lines)
    found += heading_skips(doc)
    found += missing_figures(doc, tokens, lines)
    found += unbalanced_dollars(doc.path, tokens, lines)
    return found


def heading_skips(doc: Document) -> list[Diagnostic]:
    """Report each heading more than one level below the heading before it."""
    found: list[Diagnostic] = []
    for previous, heading in zip(doc.headings, doc.headings[1:], strict=False):
        if heading.level > previous.level + 1:
            found.append(Diagnostic(
                heading.loc, "warning",
                f"heading level {heading.level} skips level {previous.level + 1} (the heading "
                f"before it, line {previous.loc.line}, is level {previous.level})",
                "heading-skip"))
    return found


@dataclass(frozen=True, slots=True)
class _Span:
    """One card's tokens: its question heading's, then its answer's."""

    heading: int
    """Index of the question's ``heading_open``."""
    end: int
    """Index just past the answer's last token."""


def missing_figures(doc: Document, tokens: Sequence[Token], lines: Sequence[str]
                    ) -> list[Diagnostic]:
    """Report answers that point at a figure ("下图", "see figure") but show none."""
    spans = _card_spans(tokens, doc.settings.question_level)
    found: list[Diagnostic] = []
    for card in doc.cards:
        span = spans.get(card.loc.line)
        if card.is_empty or span is None or _has_figure(tokens[span.heading:span.end]):
            continue
        answer = tokens[span.heading + 3:span.end]  # heading_open, inline, heading_close
        hit = next(_figure_words(doc.path, answer, lines), None)
        if hit is not None:
            loc, word = hit
            found.append(Diagnostic(
                loc, "warning", f"the answer to '{card.question_text}' refers to a figure "
                f"('{word}') but has no image or diagram", "missing-figure"))
    return found


def _card_spans(tokens: Sequence[Token], question_level: int) -> dict[int, _Span]:
    """Map each top-level question heading's line to its card's tokens."""
    bounds = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.level == 0
              and int(t.tag[1:]) <= question_level]
    spans: dict[int, _Span] = {}
    for start, end in zip(bounds, [*bounds[1:], len(tokens)], strict=False):
        token = tokens[start]
        if int(token.tag[1:]) == question_level and token.map:
            spans[token.map[0] + 1] = _Span(start, end)
    return spans


def _has_figure(tokens: Sequence[Token]) -> bool:
    for token in tokens:
        if token.type == "fence" and token.info.strip().split(" ")[0] == DIAGRAM_INFO:
            return True
        if token.type in ("html_block", "html_inline") and "<img" in token.content.lower():
            return True
        if any(c.type == "image" or (c.type == "html_inline" and "<img" in c.content.lower())
               for c in token.children or []):
            return True
    return False


def _figure_words(path: str, tokens: Sequence[Token], lines: Sequence[str]
                  ) -> Iterator[tuple[SourceLoc, str]]:
    for token in tokens:
        if token.type != "inline" or not token.map:
            continue
        text = "".join(c.content if c.type == "text" else "\n" if c.type.endswith("break")
                       else "" for c in token.children or []).lower()
        for word in FIGURE_WORDS:
            index = text.find(word)
            if index >= 0:
                line = token.map[0] + 1 + text.count("\n", 0, index)
                yield _locate(path, lines, word, line, token.map[1]), word
                break


def _locate(path: str, lines: Sequence[str], needle: str, line: int, last: int) -> SourceLoc:
    """Find ``needle`` (ignoring case) on ``line`` or the lines after it, up to ``last``."""
    for number in range(line, min(last, len(lines)) + 1):
        col = lines[number - 1].lower().find(needle)
        if col >= 0:
            return SourceLoc(path, number, col + 1)
    return SourceLoc(path, line, first_column(lines, line))


def unbalanced_dollars(path: str, tokens: Sequence[Token], lines: Sequence[str]
                       ) -> list[Diagnostic]:
    """Report each ``$`` left as text that looks like the start of a formula.

    dollarmath turns every balanced pair into math, so a ``$x`` still in the text
    has no closing ``$``. Money (``$5``), ``$`` before a space and ``\\$`` are fine.
    """
    found: list[Diagnostic] = []
    for token in tokens:
        if token.type == "inline" and token.map:
            found += _dollars_in(path, token, lines)
    return found


def _dollars_in(path: str, token: Token, lines: Sequence[str]) -> list[Diagnostic]:
    assert token.map is not None
    cursor = _Cursor(lines, token.map[0] + 1, token.map[1])
    found: list[Diagnostic] = []
    for child in token.children or []:
        if child.type != "text":
            cursor.skip(child)
            continue
        # Text holds no newlines; found as written, each `$` is at a known column.
        start = cursor.find(child.content)
        for index, char in enumerate(child.content):
            after = child.content[index + 1:index + 2]
            if char != "$" or child.content[index - 1:index] == "$" or not (
                    after.isalpha() or (after and after in _FORMULA_START)):
                continue
            place = (start[0], start[1] + index) if start else cursor.find(char + after)
            if place is None or _escaped(lines[place[0] - 1], place[1]):
                continue  # a `\$`, or not in the source as written (an entity)
            found.append(Diagnostic(
                SourceLoc(path, place[0], place[1] + 1), "warning",
                "unbalanced `$`: no closing `$` for the formula that starts here "
                "(write `\\$` for a dollar sign)", "unbalanced-dollar"))
    return found


class _Cursor:
    """Walks an inline token's source lines alongside its children, to place what they hold."""

    def __init__(self, lines: Sequence[str], line: int, end: int) -> None:
        self.lines = lines
        self.line = line
        self.index = 0
        self.last = min(end, len(lines))

    def find(self, needle: str) -> tuple[int, int] | None:
        """Find ``needle`` at or after the cursor; move past it; return (line, 0-based index)."""
        line, start = self.line, self.index
        while needle and line <= self.last:
            index = self.lines[line - 1].find(needle, start)
            if index >= 0:
                self.line, self.index = line, index + len(needle)
                return line, index
            line, start = line + 1, 0
        return None

    def skip(self, child: Token) -> None:
        """Move past a child that is not text: a line break, a formula, a code span."""
        if child.type in ("softbreak", "hardbreak"):
            self.line, self.index = self.line + 1, 0
        elif child.type.startswith("math_inline") or child.type == "code_inline":
            first = child.content.split("\n", 1)[0]
            if self.find(child.markup + first) and "\n" not in child.content:
                self.find(child.markup)


def _escaped(line: str, index: int) -> bool:
    backslashes = len(line[:index]) - len(line[:index].rstrip("\\"))
    return backslashes % 2 == 1
