"""What a whole file's markdown-it tokens say beyond its questions: facts a parse of one
question (``builder.parse.splice``) must know of the file, and reports found token by
token."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from markdown_it.token import Token

from builder.model import Diagnostic, SourceLoc
from builder.parse.fences import is_unclosed
from builder.parse.nesting import BLOCK_CUT_META, CUT_META, MAX_INLINE_DEPTH


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
