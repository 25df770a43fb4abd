"""Code fences that are never closed, found in markdown-it's tokens and cut short.

A fence without its closing line runs to the end of the file (CommonMark), taking
every later question with it.  A missing closing line in the middle of a file is worse:
the next fence's closing line closes it, and every fence after that is turned inside
out.  Either way the fence holds headings at the levels the file uses for its
questions and sections.  Where it does, the fence is taken to end just before the first
such heading, and the rest of the file is parsed again; the fence token records what
happened in its ``meta`` so the parser can report it at the fence's opening line.

Nothing here reads Markdown structure off the raw text: headings inside a fence are
found by parsing its content with markdown-it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it.token import Token

UNCLOSED = "unclosed"
"""``meta`` key of a fence token without its closing line: an :class:`Unclosed`."""

Parse = Callable[[str, dict[str, Any]], list[Token]]


@dataclass(frozen=True, slots=True)
class InnerHeading:
    """A line inside a fence that would be a heading outside it."""

    level: int
    line: int
    """1-based source line."""
    text: str


@dataclass(frozen=True, slots=True)
class Unclosed:
    """What an unclosed fence took: its last line as parsed, and where it was cut."""

    end_line: int
    """1-based last line of the fence as finally parsed."""
    cut_before: InnerHeading | None
    """The heading the fence was cut before, or None when it runs to its end."""
    swallowed_to: int
    """1-based last line the fence would have run to without the cut."""
    headings: tuple[InnerHeading, ...]
    """Headings still inside the fence (when it was not cut)."""


def is_unclosed(token: Token) -> bool:
    """Say whether a fence token lacks its closing line.

    markdown-it's map covers the opening line, the content lines and the closing line
    when there is one; the content holds one newline per content line.
    """
    if token.type != "fence" or not token.map:
        return False
    return token.map[1] - token.map[0] == token.content.count("\n") + 1


def repair_fences(text: str, tokens: list[Token], parse: Parse,
                  env: dict[str, Any] | None = None) -> list[Token]:
    """Cut each top-level fence that swallowed headings, and parse the rest again.

    ``parse`` is the markdown-it parse the tokens came from.  Returns the tokens, the
    same list when nothing needed a cut.
    """
    lines = text.splitlines(keepends=True)
    out: list[Token] = []
    levels: dict[int, int] = {}
    pending = tokens
    while True:
        cut = _first_cut(pending, levels, parse, out)
        if cut is None:
            return out
        token, heading = cut
        assert token.map is not None
        start = heading.line - 1
        swallowed_to = token.map[1]
        _shorten(token, start)
        token.meta[UNCLOSED] = Unclosed(start, heading, swallowed_to, ())
        pending = parse("".join(lines[start:]), dict(env or {}))
        _shift(pending, start)


def _first_cut(tokens: list[Token], levels: dict[int, int], parse: Parse, out: list[Token]
               ) -> tuple[Token, InnerHeading] | None:
    """Move tokens to ``out`` up to and including the first fence to cut; return it."""
    for token in tokens:
        out.append(token)
        if token.level != 0:
            # A fence inside a list item or quote ends with it: reported, never cut.
            if is_unclosed(token) and token.map:
                token.meta[UNCLOSED] = Unclosed(token.map[1], None, token.map[1], ())
            continue
        if token.type == "heading_open":
            level = int(token.tag[1:])
            levels[level] = levels.get(level, 0) + 1
        elif token.type == "fence" and token.map:
            inner = inner_headings(token, parse)
            cut = _cut_point(token, inner, levels, parse)
            if cut is not None:
                return token, cut
            if is_unclosed(token):
                token.meta[UNCLOSED] = Unclosed(token.map[1], None, token.map[1], tuple(inner))
    return None


def _cut_point(token: Token, inner: Sequence[InnerHeading], levels: dict[int, int], parse: Parse
               ) -> InnerHeading | None:
    """The heading to end ``token`` before, when it is sound to: see the module docstring.

    An unclosed fence is cut at the first heading of a level the file used before it;
    level 1 counts only if used twice (a shell or Python comment reads as a level 1 heading,
    and most files have one level 1 heading, their title).
    A closed one only when what closed it was meant for a fence opened inside it: its
    content, parsed, ends in an unclosed fence (```` ```python ```` lines do not close).
    """
    candidates = [h for h in inner if levels.get(h.level, 0) >= (2 if h.level == 1 else 1)]
    if not candidates:
        return None
    if is_unclosed(token):
        return candidates[0]
    inside = parse(token.content, {})
    last_fence = next((t for t in reversed(inside) if t.type == "fence" and t.level == 0),
                      None)
    if last_fence is not None and is_unclosed(last_fence):
        return candidates[0]
    return None


def inner_headings(token: Token, parse: Parse) -> list[InnerHeading]:
    """List the lines of a fence's content that markdown-it reads as headings on their own.

    Each content line is parsed alone, so a heading is found whatever precedes it.
    """
    if not token.map:
        return []
    found: list[InnerHeading] = []
    first = token.map[0] + 2  # 1-based line of the first content line
    for number, line in enumerate(token.content.splitlines(), start=first):
        if not line.lstrip().startswith("#"):
            continue  # only ATX headings: a setext one needs the line before it
        parsed = parse(line, {})
        if parsed and parsed[0].type == "heading_open" and len(parsed) > 1:
            found.append(InnerHeading(int(parsed[0].tag[1:]), number, parsed[1].content))
    return found


def _shorten(token: Token, start: int) -> None:
    """End a fence token just before 0-based line ``start``."""
    assert token.map is not None
    keep = start - token.map[0] - 1
    token.content = "".join(token.content.splitlines(keepends=True)[:keep])
    token.map = [token.map[0], start]


def _shift(tokens: list[Token], by: int) -> None:
    for token in tokens:
        if token.map:
            token.map = [token.map[0] + by, token.map[1] + by]
        if token.children:
            _shift(token.children, by)
