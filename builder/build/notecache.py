"""Each file's notes kept beside its parse, so a rebuild makes notes only for the
questions it parsed again, and loads no parse at all for a file that did not change.

A card's note (its field HTML, tags, media) costs a good part of a build: a thousand
notes take about a tenth of a second.  A watch keeps them in memory
(``builder.anki.kept.NoteMemory``); a one-shot build reads them from here.  Each file has
one entry, stored under the key of the parse whose cards the notes were made for, so
notes are only ever given back to the cards of that same parse: a file read whole from
the parse cache gets its notes under the same key; an edited file, spliced onto its last
parse (``builder.parse.splice``), gets the notes of that last parse, which only its
untouched questions (the same card objects) can use.  Each note is also checked against
what it was made from (deck settings, the formulas' and diagrams' drawings) when used.

A file whose bytes did not change needs no parse when its entry holds what its parse
reported (``StoredFile``): the ``.apkg`` needs its notes, not its answers' nodes, which
take ten times as long to load.

Entries are signed like the parse cache's (``builder.parse.cache``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from builder.anki.kept import FileNotes, NoteHashes, NoteMemory
from builder.build.sourceparse import ParsedSource
from builder.model import Diagnostic
from builder.parse.cache import ParseCache
from builder.parse.source import ColumnMap

log = logging.getLogger(__name__)

KIND = "notes"


@dataclass(frozen=True)
class StoredFile:
    """One file's notes and what its parse reported, stored under the parse's key."""

    notes: FileNotes
    diagnostics: tuple[Diagnostic, ...]
    """``ParsedSource.diagnostics``: what parsing and checking the file found."""
    columns: ColumnMap


def notes_cache(folder: Path) -> ParseCache:
    """The notes entries in the cache ``folder`` (one cache reads its signing secret once,
    whatever the number of files)."""
    return ParseCache(folder, KIND)


def stored_file(cache: ParseCache, shown: str, key: str) -> StoredFile | None:
    """The file's entry in the notes ``cache`` under its parse's ``key``, or None."""
    found = cache.get(shown, key)
    return found if isinstance(found, StoredFile) else None


def load(folder: Path, bases: Mapping[str, tuple[str, ParsedSource]], memory: NoteMemory
         ) -> dict[str, str]:
    """Give ``memory`` the stored notes of each file's cards; return each file whose
    notes were found → the key they were stored under."""
    found: dict[str, str] = {}
    cache = notes_cache(folder)
    for shown, (key, parsed) in bases.items():
        stored = stored_file(cache, shown, key)
        if stored is not None and parsed.document is not None:
            memory.adopt(parsed.document.cards, stored.notes)
            found[shown] = key
    return found


def store(folder: Path, stored: Mapping[str, tuple[str, ParsedSource]],
          found: Mapping[str, str], memory: NoteMemory, hashes: Mapping[str, NoteHashes]
          ) -> ParseCache:
    """The notes of the cards of each file's stored parse, with what stamping them hashed
    (``hashes``, by note key), to be stored with ``save`` under its key, unless they are
    stored under that key already and none was made again."""
    cache = notes_cache(folder)
    for shown, (key, parsed) in stored.items():
        doc = parsed.document
        if doc is None:
            continue
        cards = doc.cards
        if found.get(shown) == key and not any(id(card) in memory.fresh for card in cards):
            continue
        cache.put(shown, key, StoredFile(memory.kept(doc.path, doc.settings, cards, hashes),
                                         parsed.diagnostics, parsed.columns))
    return cache
