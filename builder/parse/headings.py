"""Every heading of a document, from markdown-it tokens, with its GitHub anchor."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.token import Token

from builder.model import Heading, SourceLoc
from builder.parse.slug import Slugger

# An author's stable id after the heading text: ``### Question {#my-id}``.
EXPLICIT_ID = re.compile(r"\s*\{#([A-Za-z0-9][A-Za-z0-9_.:-]*)\}\s*$")

_MATH_DELIMITERS = {"math_inline": "$", "math_inline_double": "$$"}


def inline_text(tokens: Sequence[Token]) -> str:
    """Return the readable text of inline tokens: text, code, and math as ``$…$``.

    Images and raw HTML add nothing, as in the text GitHub slugs a heading from.
    """
    parts: list[str] = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in _MATH_DELIMITERS:
            mark = _MATH_DELIMITERS[token.type]
            parts.append(f"{mark}{token.content}{mark}")
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def headings_of(tokens: Sequence[Token], path: str, lines: Sequence[str]) -> tuple[Heading, ...]:
    """Return every heading (nested ones included), in document order.

    ``lines`` are the source lines, to give each heading the column of its first mark.
    """
    slugger = Slugger()
    found: list[Heading] = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or index + 1 >= len(tokens):
            continue
        inline = tokens[index + 1]
        children = inline.children or []
        full = inline_text(children)
        match = EXPLICIT_ID.search(full)
        text = full[: match.start()] if match else full
        line = token.map[0] + 1 if token.map else 1
        col = first_column(lines, line, "#" if token.markup.startswith("#") else "")
        found.append(Heading(int(token.tag[1:]), text, slugger.slug(full),
                             SourceLoc(path, line, col)))
    return tuple(found)


def first_column(lines: Sequence[str], line: int, mark: str = "") -> int:
    """Return the 1-based column of ``mark`` on a 1-based line, else of its first non-blank."""
    if not 0 < line <= len(lines):
        return 1
    text = lines[line - 1]
    found = text.find(mark) if mark else -1
    return found + 1 if found >= 0 else len(text) - len(text.lstrip()) + 1
