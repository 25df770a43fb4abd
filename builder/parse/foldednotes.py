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
_REMOTE = "remote-image"
_LINES_SHOWN = 20
"""Lines named in a folded note at most (a pasted page may have hundreds)."""


def folded(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """``diagnostics`` with the notes of each message above made one, at the first in the
    file (notes are made in the order the parse meets them: a front matter's name after a
    heading's), naming the lines in order."""
    diagnostics = list(diagnostics)
    found: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        if diagnostic.severity == "note" and diagnostic.message in _MANY:
            found.setdefault(diagnostic.message, []).append(diagnostic)
    if not found:
        return diagnostics
    carriers: dict[int, Diagnostic] = {}
    for message, notes in found.items():
        notes.sort(key=lambda note: (note.loc.line, note.loc.col))
        first = notes[0]
        lines = [note.loc.line for note in notes]
        carriers[id(first)] = first if len(notes) == 1 else replace(
            first, message=_MANY[message].format(count=len(notes), lines=named_lines(lines)))
    return [carriers.get(id(d), d) for d in diagnostics
            if id(d) in carriers or not (d.severity == "note" and d.message in _MANY)]


def fold_remote(diagnostics: Iterable[Diagnostic], places: set[tuple[str, int, int]]
                ) -> list[Diagnostic]:
    """``diagnostics`` with the ``remote-image`` warnings at ``places`` (pictures read
    from CSDN's failed copies, ``builder.parse.csdnpictures.failed_copy_places``) made one
    per file, at the first: a page of them warned once a picture (8,277 on one page),
    where builds before read the text and said nothing of it."""
    diagnostics = list(diagnostics)
    found: dict[str, dict[tuple[int, int], Diagnostic]] = {}
    for diagnostic in diagnostics:
        loc = diagnostic.loc
        if diagnostic.code == _REMOTE and (loc.path, loc.line, loc.col) in places:
            found.setdefault(loc.path, {}).setdefault((loc.line, loc.col), diagnostic)
    if not found:
        return diagnostics
    carriers: dict[Diagnostic, Diagnostic] = {}
    for at in found.values():
        first = at[min(at)]
        lines = sorted(line for line, _ in at)
        carriers[first] = first if len(at) == 1 else replace(first, message=(
            f"{first.message} and {len(at) - 1:,} more of CSDN's failed copies' pictures "
            f"(lines {named_lines(lines)})"))
    return [carriers.get(d, d) for d in diagnostics
            if d in carriers or not (d.code == _REMOTE and (d.loc.path, d.loc.line, d.loc.col)
                                     in places)]


def named_lines(lines: list[int]) -> str:
    """``lines`` as a note names them: the first ``_LINES_SHOWN``, then how many more."""
    shown = ", ".join(map(str, dict.fromkeys(lines[:_LINES_SHOWN])))
    return shown + (f" and {len(lines) - _LINES_SHOWN} more" if len(lines) > _LINES_SHOWN
                    else "")
