"""Lines of the whole source picked out once per parse, for block rules that look ahead
for their closing line (``:::``, ``{% endnote %}``).

A rule that searched ahead from each opening line made a file of thousands of unclosed
openings cost one pass per opening.  Listed once and kept in markdown-it's ``env`` beside
the source they came from, the lines cost one pass.  Every line of the source is listed,
not only the block being parsed: a rule first met inside a nested block (an admonition's
body, whose state ends at the body's last line) must still see the lines after it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import TypeVar

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

T = TypeVar("T")


def picked_lines(state: StateBlock, key: str, pick: Callable[[StateBlock, int], T | None]
                 ) -> list[tuple[int, T]]:
    """Each line of the source for which ``pick`` gives a value, with that value, in line
    order; found once per parse (kept in the env under ``key``)."""
    env = state.env if isinstance(state.env, dict) else {}
    known = env.get(key)
    if known is not None and known[0] is state.src:
        found: list[tuple[int, T]] = known[1]
        return found
    found = []
    for line in range(len(state.bMarks) - 1):  # bMarks ends with one mark past the end
        value = pick(state, line)
        if value is not None:
            found.append((line, value))
    env[key] = (state.src, found)
    return found


_CODE_LINES = "fenced_code_lines"
"""markdown-it ``env`` key: (the source, its lines inside fenced code blocks)."""
_plain: MarkdownIt | None = None


def code_lines(state: StateBlock) -> frozenset[int]:
    """The 0-based lines of the source inside fenced code blocks (a closing fence's line
    included), found once per parse: a rule looking ahead for its closing line must not
    take one a code block shows (``{% endnote %}`` in a fence of Hexo examples), nor a
    ``# comment`` in code for a heading.

    The fences are those plain CommonMark finds: the rule asking is part of the parse
    under way, so the source is read by a parser of its own, without this project's
    block rules (a fence in a box's indented body is code there, and not listed)."""
    env = state.env if isinstance(state.env, dict) else {}
    known = env.get(_CODE_LINES)
    if known is not None and known[0] is state.src:
        found: frozenset[int] = known[1]
        return found
    found = frozenset()
    if "```" in state.src or "~~~" in state.src:
        global _plain
        if _plain is None:
            _plain = MarkdownIt("commonmark")
        tokens: list[Token] = []
        _plain.block.parse(state.src, _plain, {}, tokens)
        found = frozenset(line for token in tokens if token.type == "fence" and token.map
                          for line in range(token.map[0] + 1, token.map[1]))
    env[_CODE_LINES] = (state.src, found)
    return found



def line_text(state: StateBlock, line: int) -> str:
    """Line ``line`` of the source without its indent (nor its line break)."""
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def tag_kind(state: StateBlock, line: int, opening: re.Pattern[str], closing: re.Pattern[str]
             ) -> str | None:
    """``open`` for a line (from its indent) that ``opening`` matches, ``close`` for one
    ``closing`` matches, neither in a code block; else None."""
    if not state.src.startswith("<", state.bMarks[line] + state.tShift[line]):
        return None
    text = line_text(state, line)
    kind = "open" if opening.match(text) else "close" if closing.match(text) else None
    return None if kind is None or line in code_lines(state) else kind

MAX_SCANNED = 256
"""Tag lines looked at after an opening one for its closing line (real ones nest a level
or two; thousands of unclosed ones must not make the parse quadratic)."""


def closing_line(state: StateBlock, lines: list[tuple[int, str]], start_line: int,
                 end_line: int) -> int | None:
    """The line closing an HTML element opened at ``start_line``, read off its tag
    ``lines`` (sorted ``(line, "open" | "close")``; such elements nest), before
    ``end_line`` and at least as indented; None when there is none."""
    depth = 1
    first = bisect.bisect_right(lines, (start_line, "\uffff"))
    for line, kind in lines[first:first + MAX_SCANNED]:
        if line >= end_line:
            return None
        depth += 1 if kind == "open" else -1
        if depth == 0:
            return None if state.sCount[line] < state.blkIndent else line
    return None
