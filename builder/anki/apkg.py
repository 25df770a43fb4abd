"""Notes → an Anki ``.apkg`` (genanki), byte-reproducible, with per-note times."""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
import string
import sys
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from builder.anki.cardtemplate import BACK, CSS, FRONT
from builder.anki.collectionrows import Cards, note_rows
from builder.anki.collectionrows import NoteData as NoteData  # named apkg.NoteData
from builder.checks.htmlpolicy import ANKI_MARKUP
from builder.support.atomic import atomic_path
from builder.support.keptbytes import read_kept
from builder.support.safefile import read_packed

if TYPE_CHECKING:
    import genanki  # imported when a package is written: check and --help never need it

# Chosen once, never to change: Anki matches note types by id, and a changed field
# list under the same id makes every existing note "conflicting" on import.
NOTE_TYPE_ID = 1733127408
NOTE_TYPE_NAME = "build-deck Q&A"
FIELDS = ("Question", "Answer", "Section", "Source", "Key")

def note_type_css(extra_css: str) -> str:
    """Return the note type's CSS: card layout plus code highlighting."""
    return CSS + "\n" + extra_css


def note_type_hash(css: str) -> str:
    """Hash everything that shapes the note type, so the lock can date its changes."""
    blob = json.dumps([NOTE_TYPE_ID, FIELDS, FRONT, BACK, css])
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


# Anki's base 91 (anki.utils.base91), as genanki.guid_for writes GUIDs.
_BASE91 = string.ascii_letters + string.digits + "!#$%&()*+,-./:;<=>?@[]^_`{|}~"


def guid_for(key: str) -> str:
    """Return the GUID a new note gets from its key (never from its answer).

    The GUIDs genanki.guid_for gives: the first 8 bytes of the key's SHA-256 in Anki's
    base 91.  Written out here because every lock holds them, and stamping a ``check``
    must not load the package writer for one hash.
    """
    number = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
    digits = []
    while number:
        number, digit = divmod(number, len(_BASE91))
        digits.append(_BASE91[digit])
    return "".join(reversed(digits))


def deck_id(name: str) -> int:
    """Derive a deck id from the deck name; never 1, the user's Default deck."""
    digest = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")
    return (1 << 30) + digest % (1 << 30)


def _import_genanki() -> None:
    """Import genanki, when a package is written (check and --help never need it).

    genanki 0.13 imports two libraries for what the builder never asks of it, and both
    stand in while genanki is imported (and are gone from ``sys.modules`` after, so any
    other importer gets the real package):

    - ``cached_property``, for two plain methods, loads asyncio for its async variant: two
      thirds of genanki's import time (~35 ms of CPU, on every build that writes).  The
      standard library's ``functools.cached_property`` does the same for them.
    - PyYAML (~10 ms), to read a note type's fields and templates given as YAML text; the
      builder gives lists.  A module that loads PyYAML on first use stands in.
    """
    if "genanki" in sys.modules:
        return
    stand_ins: dict[str, ModuleType] = {}
    if "cached_property" not in sys.modules:
        stand_ins["cached_property"] = ModuleType("cached_property")
        vars(stand_ins["cached_property"])["cached_property"] = functools.cached_property
    if "yaml" not in sys.modules:
        stand_ins["yaml"] = _YamlOnFirstUse("yaml")
    sys.modules.update(stand_ins)
    try:
        import genanki  # noqa: F401
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


class _YamlOnFirstUse(ModuleType):
    """PyYAML for genanki, loaded when genanki first asks it for something."""

    def __getattr__(self, name: str) -> object:
        from builder.support.yamlload import pyyaml

        return getattr(pyyaml(), name)


def _note_type(css: str) -> genanki.Model:
    _import_genanki()
    import genanki

    return genanki.Model(
        NOTE_TYPE_ID,
        NOTE_TYPE_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card 1", "qfmt": FRONT, "afmt": BACK}],
        css=css,
        sort_field_index=0,
    )


def write_apkg(target: Path, notes: Sequence[NoteData], media: Mapping[str, Path], *,
               css: str, notetype_mtime: int) -> None:
    """Write ``notes`` and ``media`` to ``target`` atomically and reproducibly.

    ``media`` maps each name the cards use (``<img src="NAME">``) to the file to pack
    under that name.
    """
    _import_genanki()  # before any genanki module: see there
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(f"PRAGMA page_size = {_PAGE_SIZE}")
        _write_collection(connection, notes, css, notetype_mtime)
        collection = _collection_bytes(connection)
    finally:
        connection.close()
    with atomic_path(target) as temp:
        _write_zip(temp, collection, media)


def _collection_bytes(connection: sqlite3.Connection) -> bytes:
    """The collection's bytes as SQLite holds them: a function of the statements the
    collection was written with (the same notes, the same bytes), and compact: its rows
    and indexes were written in one pass, none removed."""
    if hasattr(connection, "serialize"):
        return connection.serialize()
    # Python's sqlite3 has no ``serialize`` when its SQLite lacks that API (before 3.36,
    # unless built with it: Ubuntu 20.04's 3.31 under a newer Python): a compact copy
    # through a file instead, the same rows.
    with tempfile.TemporaryDirectory(prefix="build-deck-") as tmp:
        copy = Path(tmp) / "collection.anki2"
        connection.execute("VACUUM INTO ?", (str(copy),))
        return copy.read_bytes()


_PAGE_SIZE = 16384
"""SQLite's page size for the collection.  A note's row (~1 KB of HTML) leaves a
quarter of each 4 KB page, SQLite's default, unused; a 16 KB page wastes one twentieth.
The collection is a fifth smaller (measured at 20,000 notes: 27 MB against 35 MB, and
packed 2.9 MB against 3.2 MB), and so faster to pack."""


def _write_collection(connection: sqlite3.Connection, notes: Sequence[NoteData], css: str,
                      notetype_mtime: int) -> None:
    """Write the collection genanki's ``Package.write_to_db`` writes for these notes (its
    schema, collection row, deck and note type JSON, note and card rows), with each note's
    and card's time from the lock, in a few statements instead of genanki's one per row
    and a rewrite of every deck's JSON per deck (quadratic in the number of subdecks).
    tests/test_apkg_rows.py holds this to genanki's own rows.

    The indexes are made after the rows, at once rather than row by row: faster, and
    their pages are full."""
    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    first_index = APKG_SCHEMA.index("CREATE INDEX")
    cursor = connection.cursor()
    cursor.executescript(APKG_SCHEMA[:first_index])
    cursor.executescript(APKG_COL)
    model = _note_type(css)
    by_deck: dict[str, list[NoteData]] = {}
    for data in notes:
        by_deck.setdefault(data.deck, []).append(data)
    names = sorted(by_deck)
    decks_json, models_json = _collection_json(cursor, model, names, notetype_mtime)
    cursor.execute("UPDATE col SET crt = ?, mod = ?, decks = ?, models = ?",
                   (notetype_mtime, notetype_mtime, decks_json, models_json))
    cards = Cards()
    # The note rows are streamed: held at once, their joined fields would be a second
    # copy of every answer's HTML beside the notes (~50 MB at 20,000 notes).
    rows = note_rows(model.model_id, model._req,
                     [(deck_id(name), by_deck[name]) for name in names], notetype_mtime, cards)
    # A kept note's fields come as the UTF-8 of ``flds`` (``note_rows``): the casts store them
    # as the text a string gives (and leave a string as it is).
    cursor.executemany("INSERT INTO notes VALUES(?,?,?,?,?,?,CAST(? AS TEXT),"
                       "CAST(? AS TEXT),?,?,?)", rows)
    cards.write(cursor)
    cursor.executescript(APKG_SCHEMA[first_index:])
    connection.commit()


def _collection_json(cursor: sqlite3.Cursor, model: genanki.Model, names: list[str],
                     notetype_mtime: int) -> tuple[str, str]:
    """Return the collection's decks and note types as genanki leaves them after writing
    ``names``' decks in turn (``Deck.write_to_db``), computed once.

    genanki re-reads and re-writes both JSON columns per deck, and updates the note types
    read back from JSON (string keys) with the note type under its integer id: from the
    second deck on, the note type appears twice under one key, first as the previous deck
    wrote it, then with the last deck's id.  Written the same, packages keep their bytes.
    """
    import genanki

    decks_text, models_text = cursor.execute("SELECT decks, models FROM col").fetchone()
    if not names:
        return decks_text, models_text
    decks = json.loads(decks_text)
    for name in names:
        decks[str(deck_id(name))] = genanki.Deck(deck_id(name), name).to_json()
    models: dict[str | int, object] = json.loads(models_text)
    if len(names) > 1:
        models[str(model.model_id)] = model.to_json(notetype_mtime, deck_id(names[-2]))
    models[model.model_id] = model.to_json(notetype_mtime, deck_id(names[-1]))
    return json.dumps(decks), json.dumps(models)


_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MAX_MEDIA_FILE_BYTES = 1 << 30
"""One media file packed at most (pictures are checked at 10 MB; this bounds one that grew
or was swapped for a device since)."""


def _write_zip(target: Path, collection: bytes, media: Mapping[str, Path]) -> None:
    ordered = sorted(media.items())
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "collection.anki2", collection)
        # Anki stores entry i under manifest[i]: the name the cards ask for.
        manifest = {str(i): name for i, (name, _path) in enumerate(ordered)}
        _add(archive, "media", json.dumps(manifest, ensure_ascii=False).encode("utf-8"))
        for index, (name, path) in enumerate(ordered):
            packed = Path(name).suffix.lower() in _PACKED_FORMATS
            # Checked when the cards were made; read as what it is now, within bounds (in a
            # watch, the bytes of the last save while the file keeps its stat: keptbytes).
            data = read_packed(path, MAX_MEDIA_FILE_BYTES, name, read_kept)
            _add(archive, str(index), data, stored=packed)


# Already compressed: deflating them again costs time and saves almost nothing.
_PACKED_FORMATS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp"})


# zlib's level 3 deflates the collection in half the time of its default (6), and leaves
# it a fifth larger (measured at 2,000 notes: 11 ms and 330 KB against 23 ms and 270 KB);
# any level gives the same bytes every time.
_DEFLATE_LEVEL = 3


def _add(archive: zipfile.ZipFile, name: str, data: bytes, stored: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data, compresslevel=None if stored else _DEFLATE_LEVEL)


def tag_for(deck: str, section_path: tuple[str, ...]) -> str:
    """Return one hierarchical tag; Anki splits tags on ASCII and ideographic spaces."""
    return "::".join(_tag_part(part) for part in (deck, *section_path) if part.strip())


def _tag_part(text: str) -> str:
    # Anki puts the tags into the card as they are (builder.anki.cardtemplate), inside a quoted
    # attribute, and then runs any [sound:…] or [latex] it finds there: quotes and Anki's
    # markup take their full-width look, which ends nothing and runs nothing.
    inert = ANKI_MARKUP.sub(lambda m: _FULL_WIDTH[m.group()], text.replace('"', "\uff02"))
    return "_".join(inert.replace("::", "_").split())


_FULL_WIDTH = {"[": "\uff3b", "{{": "\uff5b\uff5b", "}}": "\uff5d\uff5d"}


def subdeck(deck: str, section_path: tuple[str, ...]) -> str:
    """Return the full name of the deck a card goes to: ``Deck::Section::…``."""
    # An empty level of the deck's own name (``a::::b`` from a title) is one Anki names
    # "blank": left out (front matter's ``deck`` is mended with a warning when read).
    levels = [level for level in deck.split("::") if level.strip()] or ["deck"]
    parts = [*levels, *(p.replace("::", ":") for p in section_path if p.strip())]
    return "::".join(parts)


def read_fields(package: Path) -> dict[str, tuple[str, str]]:
    """Return (Question, Answer) by GUID from an existing package; empty if unreadable."""
    try:
        with zipfile.ZipFile(package) as archive, \
                tempfile.TemporaryDirectory(prefix="build-deck-") as tmp:
            db_path = Path(tmp) / "collection.anki2"
            db_path.write_bytes(archive.read("collection.anki2"))
            connection = sqlite3.connect(db_path)
            try:
                rows = connection.execute("SELECT guid, flds FROM notes").fetchall()
            finally:
                connection.close()
    except (OSError, KeyError, zipfile.BadZipFile, sqlite3.Error):
        return {}
    fields = {str(guid): str(flds).split("\x1f") for guid, flds in rows}
    return {guid: (f[0], f[1]) for guid, f in fields.items() if len(f) >= 2}
