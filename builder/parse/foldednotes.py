"""Notes said once per file: a file copied from one web page repeats the same harmless
leftover in every heading or picture, and a note at each said nothing new after the first.

A note of one of these messages is made where it is found; ``folded`` keeps the first of
each and says there how many there were.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from builder.model import Diagnostic

ZERO_WIDTH = "zero-width characters removed from the question or heading"
CSDN_PICTURE = ("CSDN's '外链图片转存失败' (picture copy failed) text read as the picture "
                "it names, without that text")

_MANY = {
    ZERO_WIDTH: "zero-width characters removed from {count} questions and headings (the "
                "first is here); they are invisible, and keys never counted them",
    CSDN_PICTURE: "CSDN's '外链图片转存失败' (picture copy failed) text read {count} times "
                  "as the picture it names, without that text (the first is here)",
}


def folded(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """``diagnostics`` with the notes of each message above made one, at the first."""
    kept: list[Diagnostic] = []
    first: dict[str, int] = {}
    count: dict[str, int] = {}
    for diagnostic in diagnostics:
        message = diagnostic.message
        if diagnostic.severity == "note" and message in _MANY:
            count[message] = count.get(message, 0) + 1
            if message in first:
                continue
            first[message] = len(kept)
        kept.append(diagnostic)
    for message, index in first.items():
        if count[message] > 1:
            kept[index] = replace(kept[index],
                                  message=_MANY[message].format(count=count[message]))
    return kept
