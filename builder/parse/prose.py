"""A file's prose counted piece by piece, so its language can be guessed again after an
edit from the counts of the pieces the edit left alone (``builder.parse.splice``).

The guess itself is ``builder.parse.language.guess``; this module gives the same answer
from counted pieces.  (``language.py`` is left as it is: the diagrams' image names hash
the modules they import, and it is one.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from markdown_it.token import Token

from builder.parse.language import (
    CHINESE_SHARE,
    FALLBACK,
    LANGUAGES,
    SAMPLE,
    counts,
    normalise,
    prose,
)

Counted = tuple[int, str, int, int]
"""A piece of prose: the 0-based line of its block, its text, its Han characters and its
Latin words."""


def prose_lines(tokens: Sequence[Token]) -> tuple[Counted, ...]:
    """``language.prose``, each piece counted and with the line of its block."""
    return tuple((line, text, *counts([text]))
                 for token in tokens if token.children
                 for line in [token.map[0] if token.map else 0]
                 for text in prose([token]))


def chosen_language(front: object, prose: Sequence[Counted]) -> str:
    """The language front matter names (``lang:``), else ``language.document_language``'s
    guess from the prose counted piece by piece."""
    chosen = normalise(front)
    return chosen if chosen in LANGUAGES else guess_counted(prose)


def guess_counted(pieces: Iterable[Counted]) -> str:
    """``language.guess`` of the pieces' texts, from their counts."""
    han = words = 0
    left = SAMPLE
    for _line, text, piece_han, piece_words in pieces:
        if len(text) <= left:
            han, words, left = han + piece_han, words + piece_words, left - len(text)
        else:
            more_han, more_words = counts([text[:left]])
            han, words, left = han + more_han, words + more_words, 0
        if left <= 0:
            break
    if han + words == 0:
        return FALLBACK
    return "zh" if han >= CHINESE_SHARE * (han + words) else "en"
