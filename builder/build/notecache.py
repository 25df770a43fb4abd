"""Each file's notes kept beside its parse, so a rebuild makes notes only for the
questions it parsed again.

A card's note (its field HTML, tags, media) costs a good part of a build: a thousand
notes take about a tenth of a second.  A watch keeps them in memory
(``builder.anki.notes.NoteMemory``); a one-shot build reads them from here.  Each file has
one entry, stored under the key of the parse whose cards the notes were made for, so
notes are only ever given back to the cards of that same parse: a file read whole from
the parse cache gets its notes under the same key; an edited file, spliced onto its last
parse (``builder.parse.splice``), gets the notes of that last parse, which only its
untouched questions (the same card objects) can use.  Each note is also checked against
what it was made from (deck settings, the formulas' and diagrams' drawings) when used.

Entries are signed like the parse cache's (``builder.parse.cache``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from builder.anki.notes import NoteMemory
from builder.model import Document
from builder.parse.cache import ParseCache

log = logging.getLogger(__name__)

KIND = "notes"


def load(folder: Path, bases: Mapping[str, tuple[str, Document]], memory: NoteMemory
         ) -> dict[str, str]:
    """Give ``memory`` the stored notes of each file's cards; return each file whose
    notes were found → the key they were stored under."""
    cache = ParseCache(folder, KIND)
    found: dict[str, str] = {}
    for shown, (key, document) in bases.items():
        kept = cache.get(shown, key)
        if isinstance(kept, tuple):
            memory.adopt(document.cards, kept)
            found[shown] = key
    return found


def store(folder: Path, stored: Mapping[str, tuple[str, Document]],
          found: Mapping[str, str], memory: NoteMemory) -> ParseCache:
    """The notes of the cards of each file's stored parse, to be stored with ``save``
    under its key, unless they are stored under that key already and none was made
    again."""
    cache = ParseCache(folder, KIND)
    for shown, (key, document) in stored.items():
        cards = document.cards
        if found.get(shown) == key and not any(id(card) in memory.fresh for card in cards):
            continue
        cache.put(shown, key, memory.kept(cards))
    return cache
