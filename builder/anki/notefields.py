"""A note's five fields, as a fresh note holds them (a tuple of strings) or as a kept
note does (``packed``: the UTF-8 of the fields joined by the unit separator, the very
bytes of the collection's ``flds`` column).

A kept note is loaded by every edit's build and written into the collection as it is: as
bytes it loads in two thirds of the time its strings take (no UTF-8 to decode), needs no
joining, and binds without being encoded again (``builder.anki.apkg``).  Whatever reads
the fields themselves (the lock's content hash of a note made again, the HTML preview,
``--diff``) unpacks them.  A kept note's answer text, which only matching a note to the
lock reads, is kept in UTF-8 too (``utf8``, ``text``).
"""

from __future__ import annotations

from typing import TypeAlias

Fields: TypeAlias = tuple[str, str, str, str, str]
"""Question, Answer, Section, Source, Key (``apkg.FIELDS``)."""
NoteFields: TypeAlias = Fields | bytes
"""A note's fields, or them ``packed``."""

SEPARATOR = "\x1f"
"""Anki's between fields."""


def packed(fields: NoteFields) -> NoteFields:
    """``fields`` as the collection's ``flds`` column holds them, in UTF-8; as they are
    if one holds the separator (control characters are taken out of notes as they are
    read, but then they would not unpack to what they were)."""
    if isinstance(fields, bytes):
        return fields
    joined = SEPARATOR.join(fields)
    return joined.encode("utf-8") if joined.count(SEPARATOR) == len(fields) - 1 else fields


def unpacked(fields: NoteFields) -> Fields:
    """``fields`` as a tuple of strings."""
    if not isinstance(fields, bytes):
        return fields
    question, answer, section, source, key = fields.decode("utf-8").split(SEPARATOR)
    return question, answer, section, source, key


def utf8(value: str | bytes) -> bytes:
    """``value`` in UTF-8 (a kept note's answer text, see ``kept.AssembledNote``)."""
    return value if isinstance(value, bytes) else value.encode("utf-8")


def text(value: str | bytes) -> str:
    """``value`` as text."""
    return value if isinstance(value, str) else value.decode("utf-8")
