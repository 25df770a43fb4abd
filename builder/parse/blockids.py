"""Obsidian's block ids: ``^63d7e2`` after the last word of a paragraph, or on a line of
its own under it, names the block for links (``![[Circuits#^15c42b]]``); Obsidian never
shows it.  The Flashcards plugin writes one under each card it sent to Anki
(``^1741263820880``).  Read as Markdown, each was text at the end of an answer.

They are taken out of a paragraph's text (after the inline rules, from the text of its
own lines, never from raw Markdown), and each file says in one note which lines held
them.  A caret in other places stays text: ``x ^2``, ``2^10``, ``[^1]`` (a footnote), one
inside code or a formula, or a short id that reads as a power (``^10``).
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from builder.model import Diagnostic
from builder.parse.logseq import hidden_lines_note
from builder.parse.syntaxtree import LINE_BREAKS

# Letters, digits and dashes, as Obsidian allows; four or more with a letter or dash
# (``^quote-1``, ``^63d7e2``), or six digits or more (the plugin's time stamps): ``^2``
# and ``^10`` are powers written without a formula.
_ID = r"\^(?:(?=[0-9-]*[A-Za-z-])[A-Za-z0-9-]{4,}|[0-9]{6,})"
_ALONE = re.compile(_ID)
_ENDING = re.compile(r"\s+" + _ID + r"\s*$")
_AT_LINE_END = re.compile(r"(?:^|\s)" + _ID + r"[ \t]*$", re.MULTILINE)
"""A cheap test of a paragraph's source first: most carets end no line."""
LEFT_OUT = "block_ids_left_out"
"""``env`` key: the lines (0-based) whose block ids were taken out."""


def block_ids_plugin(md: MarkdownIt) -> None:
    """Take Obsidian's block ids out of paragraphs (after the inline rules)."""
    md.core.ruler.after("inline", "obsidian_block_ids", _take_out)


def _take_out(state: StateCore) -> None:
    for at, token in enumerate(state.tokens):
        if token.type != "inline" or not token.children or token.map is None \
                or "^" not in token.content or at == 0 \
                or state.tokens[at - 1].type != "paragraph_open" \
                or not _AT_LINE_END.search(token.content):
            continue
        gone = _cut(token)
        if gone and isinstance(state.env, dict):
            state.env.setdefault(LEFT_OUT, []).extend(token.map[0] + n for n in gone)


def _cut(token: Token) -> list[int]:
    """Take the block ids out of a paragraph's inline tokens; return the lines (counted
    from the paragraph's first) that held one."""
    children = token.children or []
    lines: list[list[Token]] = [[]]
    for child in children:
        if child.type in LINE_BREAKS:
            lines.append([child])
        else:
            lines[-1].append(child)
    gone: list[int] = []
    kept: list[list[Token]] = []
    for number, line in enumerate(lines):
        words = [t for t in line if t.type not in LINE_BREAKS]
        if words and all(t.type == "text" for t in words) \
                and _ALONE.fullmatch("".join(t.content for t in words).strip()):
            gone.append(number)  # a line of its own: the id of the block above
            continue
        kept.append(line)
    if kept and kept[-1] and kept[-1][-1].type == "text":
        last = kept[-1][-1]
        found = _ENDING.search(last.content)
        if found is not None and (found.start() > 0 or len(kept[-1]) > 1):
            last.content = last.content[:found.start()]
            gone.append(_line_of(kept, lines))
    if not gone:
        return []
    if kept and kept[0] and kept[0][0].type in LINE_BREAKS:
        kept[0] = kept[0][1:]  # the paragraph's first line has no break before it
    token.children = [t for line in kept for t in line]
    return sorted(set(gone))


def _line_of(kept: list[list[Token]], lines: list[list[Token]]) -> int:
    """The number of the last kept line among all the paragraph's lines."""
    return next(n for n, line in enumerate(lines) if line is kept[-1])


def left_out_notes(env: dict[str, Any], path: str) -> list[Diagnostic]:
    """One note naming the lines whose block ids were left out, if any were."""
    return hidden_lines_note(env.get(LEFT_OUT, ()), path, "Obsidian block id(s) (^1a2b3c)",
                             "Obsidian", "block-ids")
