"""The collection's note and card rows, as genanki writes them (``builder.anki.apkg``
writes the rest of the collection around them)."""

from __future__ import annotations

import itertools
import operator
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple, TypeAlias

from builder.anki.notefields import NoteFields


class NoteData(NamedTuple):
    """One note ready to be written.

    A tuple: every build makes one per note (a dataclass's constructor costs three times
    as much).
    """

    key: str
    """The card's stable key (see Card.key)."""
    guid: str
    fields: NoteFields
    """A kept note's ``packed`` (``builder.anki.notefields``)."""
    tags: tuple[str, ...]
    deck: str
    """Full deck name, ``Parent::Child`` for subdecks."""
    mtime: int


NoteRow: TypeAlias = tuple[int, str, int, int, int, str, str | bytes, str | bytes, int, int,
                          str]
CardRow: TypeAlias = tuple[int, int, int, int, int]
"""A card's id, note, deck, template and time: the rest of its row is the same for all."""
_CARD_ROW = "-1,0,0,0,0,0,0,0,0,0,0,0,''"
"""What every card's row holds past its time (genanki's), for each card the same."""


class Cards:
    """The cards' rows, as each note's are found: each card whose id follows its note's
    (as with one template: every card of this note type) in a run of notes of one deck,
    one template, whose rows are then copied from the notes' in SQLite (a tenth of the
    collection's time at 20,000 notes, were each row bound); any other card by its row."""

    def __init__(self) -> None:
        self.runs: list[list[int]] = []
        """[deck, template, first note id, last note id]: a card for each note between."""
        self.rows: list[CardRow] = []

    def add(self, card_id: int, note_id: int, did: int, ord_: int, mtime: int) -> None:
        runs = self.runs
        if card_id == note_id + 1 and not self.rows:
            if runs and runs[-1][3] == note_id - 2 and runs[-1][0] == did \
                    and runs[-1][1] == ord_:
                runs[-1][3] = note_id
            else:
                runs.append([did, ord_, note_id, note_id])
            return
        # Another card: it and every card after it are written by their rows, after the
        # runs' (whose ids are all smaller).
        self.rows.append((card_id, note_id, did, ord_, mtime))

    def write(self, cursor: sqlite3.Cursor) -> None:
        """Insert the cards' rows, in the order of their ids (the notes' are in)."""
        for did, ord_, first, last in self.runs:
            cursor.execute(f"INSERT INTO cards SELECT id + 1, id, ?, ?, mod, {_CARD_ROW} "
                           "FROM notes WHERE id BETWEEN ? AND ? ORDER BY id",
                           (did, ord_, first, last))
        cursor.executemany(f"INSERT INTO cards VALUES(?,?,?,?,?,{_CARD_ROW})", self.rows)


RequiredFields: TypeAlias = "list[tuple[int, str, list[int]]]"
"""genanki's ``Model._req``: per template, whether it needs ``any`` or ``all`` of the fields
at these indexes filled to make a card."""


def note_rows(model_id: int, required_fields: RequiredFields,
              decks: list[tuple[int, list[NoteData]]], notetype_mtime: int, cards: Cards
              ) -> Iterator[NoteRow]:
    """Yield the notes' rows as genanki's ``Note.write_to_db`` writes them, and add their
    cards to ``cards`` as each note is yielded: ids counted from a fixed point
    (the same notes give the same bytes; Anki matches notes by guid, not by these ids), in
    genanki's order (a note, then its cards), a card for each template whose required
    fields the note fills."""
    ids = itertools.count(notetype_mtime * 1000)
    required = [(ord_, any if mode == "any" else all, _picker(wanted))
                for ord_, mode, wanted in required_fields]
    add_card = cards.add
    for did, notes in decks:
        for data in notes:
            note_fields, tags = data.fields, data.tags
            flds: str | bytes
            fields: Sequence[str | bytes]
            if isinstance(note_fields, bytes):  # packed: the flds column's UTF-8 already
                flds, fields = note_fields, note_fields.split(b"\x1f")
            else:
                flds, fields = "\x1f".join(note_fields), note_fields
            tag_text = " ".join(tags)
            # Anki would split a tag with a space in two; genanki refuses it.
            if tags and tag_text.count(" ") >= len(tags):
                raise ValueError(f"tag with a space: {tags}")
            note_id = next(ids)
            yield (note_id, data.guid, model_id, data.mtime, -1, f" {tag_text} ",
                   flds, fields[0], 0, 0, "")
            for ord_, test, wanted in required:
                if test(wanted(fields)):
                    add_card(next(ids), note_id, did, ord_, data.mtime)


def _picker(wanted: list[int]) -> Callable[[Sequence[str | bytes]], tuple[str | bytes, ...]]:
    """The fields at ``wanted`` of a note's, as a tuple; each is picked twice, so that one
    field gives a tuple too (``any`` and ``all`` ignore repeats)."""
    if not wanted:
        return lambda _fields: ()
    return operator.itemgetter(*wanted, *wanted)
