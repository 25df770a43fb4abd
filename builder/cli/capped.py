"""Repeated output capped: what a reader can act on, and a count of the rest.

10,000 bad files printed 10,000 warnings and 10,000 ``next:`` lines, which hid
everything else and took longer to scroll than to fix.  Each diagnostic code prints its
first ``PER_CODE`` occurrences, then one line counting the rest; ``-v`` prints them all.
The counts in the summary line, ``--strict`` and the exit code see every diagnostic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from builder.model import Diagnostic

PER_CODE = 50
"""Occurrences of one diagnostic code shown (one real file's most of one code: ~40)."""
NEW_DECKS = 5
"""``next: import …`` lines shown for the decks a build made."""
STRUCTURES = 10
"""Files whose structure is named one by one; the rest are counted by structure."""
OUTPUTS = 10
"""Outputs named one by one (``wrote …``, ``unchanged …``); the rest are counted."""


def diagnostic_lines(diagnostics: Iterable[Diagnostic], *, every: bool) -> Iterator[str]:
    """Each diagnostic's line, the first ``PER_CODE`` of each code unless ``every``; then
    a line for each code with more, counting them."""
    shown: Counter[str] = Counter()
    hidden: Counter[tuple[str, str]] = Counter()
    for diagnostic in diagnostics:
        if every or shown[diagnostic.code] < PER_CODE:
            shown[diagnostic.code] += 1
            yield str(diagnostic)
        else:
            hidden[diagnostic.severity, diagnostic.code] += 1
    for (severity, code), count in hidden.items():
        yield f"… and {count:,} more {severity}(s) [{code}] (-v shows every one)"


def next_lines(decks: Sequence[Path], *, every: bool) -> Iterator[str]:
    """What to do with the decks a build made: each by name, up to ``NEW_DECKS``."""
    named = decks if every or len(decks) <= NEW_DECKS else decks[:NEW_DECKS - 1]
    for deck in named:
        yield f"next: import {deck} in Anki: File → Import"
    if len(named) < len(decks):
        yield (f"next: import the {len(decks) - len(named):,} other new decks in "
               f"{decks[-1].parent} in Anki too: File → Import (-v names every one)")


def structure_lines(structures: Sequence[str], *, every: bool) -> Iterator[str]:
    """How each file was read (``path: structure``): up to ``STRUCTURES`` by name, the
    rest counted by structure."""
    if every or len(structures) <= STRUCTURES:
        yield from structures
        return
    yield from structures[:STRUCTURES - 1]
    rest = Counter(line.rpartition(": ")[2] for line in structures[STRUCTURES - 1:])
    for structure, count in rest.items():
        yield f"… and {count:,} more file(s): {structure} (-v names every one)"


def output_lines(lines: Sequence[str], *, every: bool) -> Iterator[str]:
    """``wrote PATH`` and ``unchanged PATH`` lines: up to ``OUTPUTS``, the rest counted by
    their first word."""
    if every or len(lines) <= OUTPUTS:
        yield from lines
        return
    yield from lines[:OUTPUTS - 1]
    rest = Counter(line.partition(" ")[0] for line in lines[OUTPUTS - 1:])
    counted = ", ".join(f"{word} {count:,}" for word, count in rest.items())
    yield f"… and {len(lines) - OUTPUTS + 1:,} more outputs: {counted} (-v names every one)"
