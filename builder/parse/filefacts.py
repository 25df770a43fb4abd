"""What a whole file's markdown-it tokens say beyond its questions: facts a parse of one
question (``builder.parse.splice``) must know of the file, and reports found token by
token."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from markdown_it.token import Token

from builder.model import Diagnostic, Document, SourceLoc
from builder.parse.detect import Structure
from builder.parse.fences import is_unclosed
from builder.parse.headings import inline_text
from builder.parse.nesting import BLOCK_CUT_META, CUT_META, MAX_INLINE_DEPTH
from builder.parse.prose import Counted


class Parts(NamedTuple):
    """A file's parse, and what parsing one of its questions again needs of it
    (``builder.parse.splice``)."""

    document: Document
    structure: Structure
    front: dict[str, object]
    references: bool
    """The file defines link references (``[x]: url``) or footnotes, which every question
    may use, or has tag lines (``builder.parse.taglines``), which tag the questions after
    them: no question of it is parsed alone."""
    prose: tuple[Counted, ...]
    """Each piece of prose, in order, counted: the language guess's input."""
    skip_to: int
    rule_first: bool = False
    """The file starts with a rule (``---``), which a later ``---`` could close as
    front matter (``builder.parse.frontmatter_cut``)."""
    fences: int = 0
    """Closed top-level code fences, whose contents are read up to ``fences.INSPECTED``."""
    heading_sources: tuple[str, ...] = ()
    """Each heading's text as written, as its anchor is made from (``filefacts``)."""


def by_place(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Diagnostics by line and column, those of one place in the order found."""
    return tuple(sorted(diagnostics, key=lambda d: (d.loc.line, d.loc.col)))


def starts_with_rule(tokens: Sequence[Token]) -> bool:
    return bool(tokens) and tokens[0].type == "hr" and bool(tokens[0].map) \
        and tokens[0].map[0] == 0  # type: ignore[index]


def closed_fences(tokens: Sequence[Token]) -> int:
    return sum(token.type == "fence" and token.level == 0 and not is_unclosed(token)
               for token in tokens)


def nesting_cuts(tokens: list[Token], path: str) -> list[Diagnostic]:
    return [Diagnostic(SourceLoc(path, token.map[0] + 1 if token.map else 1), "warning",
                       f"emphasis nested more than {MAX_INLINE_DEPTH} deep is kept as text",
                       "nesting-depth")
            for token in tokens if token.meta.get(CUT_META)] + [
        Diagnostic(SourceLoc(path, token.map[0] + 1 if token.map else 1), "warning",
                   "quotes or lists nested too deeply are kept as plain text", "nesting-depth")
        for token in tokens if token.meta.get(BLOCK_CUT_META)]


def heading_sources(tokens: Sequence[Token]) -> tuple[str, ...]:
    """Each heading's text as its anchor is made from (``headings.headings_of``), in order."""
    return tuple(inline_text(tokens[index + 1].children or [])
                 for index, token in enumerate(tokens[:-1]) if token.type == "heading_open")
