"""Notes said once per file: a file copied from one web page repeats the same harmless
leftover in every heading or picture, and a note at each said nothing new after the first.

A note of one of these messages is made where it is found; ``folded`` keeps the first of
each and says there how many there were, and on which lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from builder.model import Diagnostic

ZERO_WIDTH = "zero-width characters removed from the question"
ZERO_WIDTH_NAME = "zero-width characters left out of the deck or tag name Anki shows"
"""A section heading's, front matter's ``deck`` or ``tags``: left out of what Anki shows,
not of the card's key (a section's name is part of it, as written)."""
CSDN_PICTURE = ("CSDN's '外链图片转存失败' (picture copy failed) text read as the picture "
                "it names, without that text")

_MANY = {
    ZERO_WIDTH: "zero-width characters removed from {count} questions (lines {lines}); they "
                "are invisible, and keys never counted them",
    ZERO_WIDTH_NAME: "zero-width characters left out of {count} deck and tag names Anki shows "
                     "(lines {lines}); they are invisible",
    CSDN_PICTURE: "CSDN's '外链图片转存失败' (picture copy failed) text read {count} times "
                  "as the picture it names, without that text (lines {lines})",
}
FOLDED_CODES = frozenset({"invisible-chars", "csdn-picture"})
"""The codes of the notes folded (``invisible-chars`` is a note only when folded)."""
_LINES_SHOWN = 20
"""Lines named in a folded note at most (a pasted page may have hundreds)."""


def folded(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """``diagnostics`` with the notes of each message above made one, at the first."""
    kept: list[Diagnostic] = []
    first: dict[str, int] = {}
    lines: dict[str, list[int]] = {}
    for diagnostic in diagnostics:
        message = diagnostic.message
        if diagnostic.severity == "note" and message in _MANY:
            lines.setdefault(message, []).append(diagnostic.loc.line)
            if message in first:
                continue
            first[message] = len(kept)
        kept.append(diagnostic)
    for message, index in first.items():
        if len(lines[message]) > 1:
            kept[index] = replace(kept[index], message=_MANY[message].format(
                count=len(lines[message]), lines=_named(lines[message])))
    return kept


def _named(lines: list[int]) -> str:
    shown = ", ".join(map(str, dict.fromkeys(lines[:_LINES_SHOWN])))
    return shown + (f" and {len(lines) - _LINES_SHOWN} more" if len(lines) > _LINES_SHOWN
                    else "")
