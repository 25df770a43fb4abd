"""Code fences that are never closed, found in markdown-it's tokens and cut short.

A fence without its closing line runs to the end of the file (CommonMark), taking
every later question with it.  A missing closing line in the middle of a file is worse:
the next fence's closing line closes it, and every fence after that is turned inside
out.  Either way the fence holds headings at the levels the file uses for its
questions and sections.  Where it does, the fence is taken to end just before the first
such heading, and the rest of the file is parsed again; the fence token records what
happened in its ``meta`` so the parser can report it at the fence's opening line.

Nothing here reads Markdown structure off the raw text: headings inside a fence are
found by parsing its content with markdown-it (block rules only: only their lines count).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from markdown_it.token import Token

from builder.parse.source import source_lines

UNCLOSED = "unclosed"
"""``meta`` key of a fence token without its closing line: an :class:`Unclosed`."""

INSIDE = "inside"
"""``meta`` key of a closed top-level fence whose content was read: an :class:`Inside`."""

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


MAX_CUTS = 64
"""Fences cut per file at most: each cut parses the rest of the file again, so a file of
thousands of unclosed fences must not cost thousands of parses.  Later ones are reported."""

INSPECTED = 2000
"""Closed fences per file whose content is read (each read is a parse of its own)."""

INSIDE_LINES = 5000
"""Lines of a fence's content read for headings: a fence left open runs into the next
question soon after its code, and reading on would cost as much as the whole file."""

NAMED = 6
"""Swallowed headings of each level an uncut fence's report can name."""



def repair_fences(text: str, tokens: list[Token], parse: Parse, blocks: Parse,
                  env: dict[str, Any] | None = None) -> list[Token]:
    """Cut each top-level fence that swallowed headings, and parse the rest again.

    ``parse`` is the markdown-it parse the tokens came from; ``blocks`` the same with block
    rules only, to read a fence's content.  Returns the tokens as cut and parsed again.
    """
    lines = source_lines(text)
    out: list[Token] = []
    levels: dict[int, int] = {}
    budget = [INSPECTED]
    pending = tokens
    for _ in range(MAX_CUTS):
        cut = _first_cut(pending, levels, blocks, out, budget)
        if cut is None:
            return out
        token, heading = cut
        assert token.map is not None
        start = heading.line - 1
        swallowed_to = token.map[1]
        _shorten(token, start)
        token.meta[UNCLOSED] = Unclosed(start, heading, swallowed_to, ())
        pending = parse("\n".join(lines[start:]), dict(env or {}))
        shift(pending, start)
    _first_cut(pending, levels, blocks, out, budget, cut=False)
    return out


def _first_cut(tokens: list[Token], levels: dict[int, int], parse: Parse, out: list[Token],
               budget: list[int], *, cut: bool = True) -> tuple[Token, InnerHeading] | None:
    """Move tokens to ``out`` up to and including the first fence to cut; return it.

    With ``cut`` false, move them all, only marking the unclosed fences.  ``budget`` holds
    how many more closed fences may be read.
    """
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
            unclosed = is_unclosed(token)
            if not unclosed:
                if not cut or budget[0] <= 0:
                    continue
                budget[0] -= 1
            inside = read_inside(token, parse)
            if not unclosed:
                token.meta[INSIDE] = inside
            found = _cut_point(unclosed, inside, levels) if cut else None
            if found is not None:
                return token, found
            if unclosed:
                named = _some_of_each_level(inside.headings)
                token.meta[UNCLOSED] = Unclosed(token.map[1], None, token.map[1], named)
    return None


def _cut_point(unclosed: bool, inside: Inside, levels: dict[int, int]) -> InnerHeading | None:
    """The heading to end a fence before, when it is sound to: see the module docstring.

    An unclosed fence is cut at the first heading of a level the file used before it;
    level 1 counts only if used twice (a shell or Python comment reads as a level 1 heading,
    and most files have one level 1 heading, their title).
    A closed one only when what closed it was meant for a fence opened inside it: its
    content, parsed, ends in an unclosed fence (```` ```python ```` lines do not close).
    """
    if not unclosed and not inside.ends_open:
        return None
    return next((h for h in inside.headings
                 if levels.get(h.level, 0) >= (2 if h.level == 1 else 1)), None)


def _some_of_each_level(headings: Iterable[InnerHeading]) -> tuple[InnerHeading, ...]:
    """The first few headings of each level, in order (shell comments are all level 1)."""
    kept: list[InnerHeading] = []
    per_level: dict[int, int] = {}
    for heading in headings:
        if per_level.get(heading.level, 0) < NAMED:
            per_level[heading.level] = per_level.get(heading.level, 0) + 1
            kept.append(heading)
    return tuple(kept)


@dataclass(frozen=True, slots=True)
class Inside:
    """A fence's content read as Markdown, as it would be without the fence."""

    headings: tuple[InnerHeading, ...]
    """Its ATX headings (``# …``), in order; setext ones are left out, since ``---`` under
    a line is common in code (YAML documents)."""
    ends_open: bool
    """Whether it ends in a fence of its own that is never closed."""


_NOTHING_INSIDE = Inside((), False)


def read_inside(token: Token, parse: Parse) -> Inside:
    """Parse a fence's content (only when a line could start a heading or a fence).

    Only its first ``INSIDE_LINES`` lines are read; whether a longer one ends open is
    not known (False).
    """
    lines = token.content.split("\n")
    if not token.map or not any(line.lstrip().startswith(("#", "```", "~~~"))
                                for line in lines[:INSIDE_LINES]):
        return _NOTHING_INSIDE
    whole = len(lines) <= INSIDE_LINES
    tokens = parse(token.content if whole else first_lines(token.content, INSIDE_LINES), {})
    first = token.map[0] + 2  # 1-based line of the first content line
    headings = tuple(
        InnerHeading(int(t.tag[1:]), first + t.map[0], tokens[i + 1].content.strip())
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.level == 0 and t.map and t.markup.startswith("#"))
    last_fence = next((t for t in reversed(tokens) if t.type == "fence" and t.level == 0), None)
    return Inside(headings, whole and last_fence is not None and is_unclosed(last_fence))


def _shorten(token: Token, start: int) -> None:
    """End a fence token just before 0-based line ``start``."""
    assert token.map is not None
    token.content = first_lines(token.content, start - token.map[0] - 1)
    token.map = [token.map[0], start]


def first_lines(content: str, count: int) -> str:
    """The first ``count`` lines of a token's content, each ending in a newline.

    Lines end at ``\n`` only, as markdown-it counts them (not at U+2028 and the like)."""
    return "".join(line + "\n" for line in content.split("\n")[:count])


def shift(tokens: list[Token], by: int) -> None:
    """Move tokens parsed from a file's tail down by the lines before it."""
    for token in tokens:
        if token.map:
            token.map = [token.map[0] + by, token.map[1] + by]
        if token.children:
            shift(token.children, by)
