"""Notes kept from one build to the next: in a watch's memory (``NoteMemory``), and with
each file's parse in the cache folder (``FileNotes``, see ``builder.build.notecache``).

A card's note (its field HTML, tags, media) costs a good part of a build, and loading the
card it came from (its answer's nodes) costs ten times what loading its note does.  So a
kept note carries what a build needs of its card besides: enough to recognise it in the
lock, to draw its formulas and diagrams, and to tell whether the note still fits.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from builder.anki.html import escape_text
from builder.anki.notefields import NoteFields, packed, unpacked, utf8
from builder.model import Card, Diagnostic, Diagram, Formula, Settings, SourceLoc
from builder.parse import shift
from builder.render.assets import Assets
from builder.render.media import MediaFile
from builder.support.shorttuple import maker


class NoteContent(NamedTuple):
    """What one note shows and where it goes; its GUID and time come from the lock
    (``builder.anki.stamp`` makes the ``apkg.NoteData``).  A tuple, as ``AssembledNote``."""

    key: str
    """The card's stable key (see Card.key), unique in the build."""
    fields: NoteFields
    """A kept note's ``packed`` (``builder.anki.notefields``)."""
    tags: tuple[str, ...]
    deck: str
    """Full deck name, ``Parent::Child`` for subdecks."""


class AssembledNote(NamedTuple):
    """One card's note, its media, and what the lock needs to recognise its card.

    A tuple: every build makes one per note, kept or not (a dataclass's constructor costs
    three times as much).
    """

    note: NoteContent
    media: tuple[MediaFile, ...]
    answer_text: str | bytes
    """The answer as plain text, for recognising it after edits: a kept note's in UTF-8
    (``notefields.text``), decoded only when read, which few kept notes' ever are (a
    note whose lock entry stands is not matched)."""
    question_text: str
    loc: SourceLoc
    """The question heading's location."""
    explicit_id: str | None
    hashes: NoteHashes | None = None
    """What stamping this note found the last time (None: made by this build)."""


class NoteHashes(NamedTuple):
    """What ``builder.anki.stamp`` hashed of a note: kept with the note for the next build,
    which would hash the same text again (two hashes of every note cost a tenth of an
    edit's build at 20,000 notes)."""

    answer: str
    """``identity.answer_hash`` of its ``answer_text``."""
    guid: str
    content: str
    """The hash of everything written into the note, given this ``guid``."""



_note_content = maker(NoteContent, 4)
_assembled_note = maker(AssembledNote, 7)

Context = tuple[str, Settings, str]
"""What a note shows besides its card: its deck, its file's settings, its Source label."""


def drawn(formulas: Sequence[Formula], diagrams: Sequence[Diagram], assets: Assets) -> str:
    """What a card's formulas and diagrams were drawn as (their ``repr``): its note is
    made again when that changes."""
    if not assets.formulas:
        return drawn_undrawn(len(formulas), diagrams, assets)
    if not formulas and not diagrams:
        return ""
    return repr((*map(assets.formulas.get, formulas), *map(assets.diagrams.get, diagrams)))


def drawn_undrawn(formulas: int, diagrams: Sequence[Diagram], assets: Assets) -> str:
    """``drawn`` of a card with ``formulas`` formulas when no formula is drawn (MathJax
    cards): their number is all it needs of them (looking each up costs more)."""
    if not diagrams:
        return _undrawn(formulas) if formulas else ""
    return repr(((None,) * formulas) + tuple(map(assets.diagrams.get, diagrams)))


@functools.lru_cache(maxsize=64)
def _undrawn(formulas: int) -> str:
    """``drawn`` of a card with ``formulas`` formulas, none drawn (MathJax), no diagram."""
    return repr((None,) * formulas)


def source_field(source: str, loc: SourceLoc) -> str:
    """The Source field: the file as ``notes.source_label`` names it, and the question's
    line."""
    return escape_text(f"{source}:{loc.line}")


class StoredNote(NamedTuple):
    """A card's note as kept between builds, with what a build needs of the card.

    A tuple: it pickles in C (a dataclass's fields are looked up in Python per note).
    """

    key: str
    explicit_id: str | None
    question_text: str
    loc: SourceLoc
    empty: bool
    formula_values: tuple[FormulaValues, ...]
    """The card's formulas as plain values (``formula_values``): a ``Formula`` and its
    ``SourceLoc`` cost two constructor calls each to load, and a MathJax build needs
    only their number (``formulas`` makes them, when asked)."""
    diagrams: tuple[Diagram, ...]
    context: Context
    drawn: str
    fields: NoteFields
    """``packed``: loaded and written as the collection's bytes."""
    tags: tuple[str, ...]
    deck: str
    media: tuple[tuple[str, str], ...]
    answer_text: bytes
    """UTF-8: it loads in a third less time than its text (``AssembledNote``)."""
    problems: tuple[Diagnostic, ...]
    hashes: NoteHashes | None = None

    def assembled(self, key: str) -> AssembledNote:
        """The note, under ``key`` (another than the card's when its key was taken: its
        Key field differs, and so does its content's hash)."""
        if key == self.key:
            fields, hashes = self.fields, self.hashes
        else:
            fields, hashes = (*unpacked(self.fields)[:4], escape_text(key)), None
        media = tuple(MediaFile(name, Path(path)) for name, path in self.media) \
            if self.media else ()
        # Made without the classes' constructors (``maker``): an edit's build makes one
        # of each per kept note.
        return _assembled_note((_note_content((key, fields, self.tags, self.deck)), media,
                                self.answer_text, self.question_text, self.loc,
                                self.explicit_id, hashes))

    @property
    def formulas(self) -> tuple[Formula, ...]:
        """The card's formulas (made once per build that asks: ``_formulas``)."""
        return _formulas(self.formula_values) if self.formula_values else ()

    def drawn_now(self, assets: Assets) -> str:
        """``drawn`` of the card, with ``assets``."""
        if assets.formulas:
            return drawn(self.formulas, self.diagrams, assets)
        return drawn_undrawn(len(self.formula_values), self.diagrams, assets)

    def fits(self, context: Context, assets: Assets) -> bool:
        """Whether the note shows what a note made now would: same deck, settings and
        Source label, and the same drawings."""
        return self.context == context and self.drawn == self.drawn_now(assets)


FormulaValues = tuple[str, bool, str, int, int]
"""A formula as ``StoredNote`` keeps it: its TeX, whether displayed, and its place (path,
line, column)."""


def formula_values(formulas: Sequence[Formula]) -> tuple[FormulaValues, ...]:
    return tuple((f.tex, f.display, f.loc.path, f.loc.line, f.loc.col) for f in formulas)


@functools.lru_cache(maxsize=1 << 15)
def _formulas(values: tuple[FormulaValues, ...]) -> tuple[Formula, ...]:
    """The formulas ``values`` hold.  Remembered: an image-math build asks twice per
    card (to draw them, and to tell whether the note still fits), and a build has few
    more cards with formulas than this keeps."""
    return tuple(Formula(tex, display, SourceLoc(path, line, col))
                 for tex, display, path, line, col in values)


@dataclass(frozen=True)
class FileNotes:
    """One file's cards as kept between builds: each card's note when it was kept, else
    the card itself, to be made again (a card with pictures, whose files may have
    changed; one whose key another card had; one left out last time)."""

    path: str
    settings: Settings
    cards: tuple[Card | StoredNote, ...]

    def fits(self, context: Context, assets: Assets) -> bool:
        """Whether every kept note fits (``StoredNote.fits``)."""
        # The notes of a file share their context (one object, as pickled): compared once.
        same: set[int] = set()
        for card in self.cards:
            if not isinstance(card, StoredNote):
                continue
            if id(card.context) not in same:
                if card.context != context:
                    return False
                same.add(id(card.context))
            if card.drawn != card.drawn_now(assets):
                return False
        return True


@dataclass(frozen=True, slots=True)
class MadeNote:
    card: Card
    """Kept, so that no other card takes its ``id`` while it is remembered."""
    context: Context
    drawn: str
    """What the card's formulas and diagrams were drawn as (``drawn``)."""
    note: AssembledNote
    problems: tuple[Diagnostic, ...]


@dataclass
class NoteMemory:
    """The notes of the last build in this process (``build-deck watch``), by card.

    A card that a rebuild keeps from the last parse is the same object (the parse keeps
    the questions an edit did not touch, ``builder.parse.splice``), so its note is made
    again only when something else it shows changed: its deck's settings, its file's
    name, or how its formulas and diagrams were drawn.  Cards with pictures are always
    made again: their files may have changed.
    """

    made: dict[int, MadeNote] = field(default_factory=dict)
    fresh: set[int] = field(default_factory=set)
    """Ids of the cards whose notes the last ``assemble`` made (not remembered)."""

    def kept(self, path: str, settings: Settings, cards: Sequence[Card],
             hashes: Mapping[str, NoteHashes]) -> FileNotes:
        """The remembered notes of a file's ``cards``, to store beside its parse, with
        what stamping them found (``hashes``, by note key)."""
        return FileNotes(path, settings, tuple(self._stored(card, hashes) or card
                                               for card in cards))

    def _stored(self, card: Card, hashes: Mapping[str, NoteHashes]) -> StoredNote | None:
        made = self.made.get(id(card))
        if made is None or made.card is not card:
            return None
        note = made.note
        return StoredNote(card.key, card.explicit_id, card.question_text, card.loc,
                          card.is_empty, formula_values(card.formulas), card.diagrams,
                          made.context,
                          made.drawn, packed(note.note.fields), note.note.tags, note.note.deck,
                          tuple((m.name, str(m.path)) for m in note.media), utf8(note.answer_text),
                          made.problems, hashes.get(note.note.key) if card.key == note.note.key
                          else None)

    def adopt(self, cards: Sequence[Card], kept: FileNotes) -> None:
        """Remember the notes ``kept`` holds for the same ``cards`` (of the same parse)."""
        if len(kept.cards) != len(cards):
            return
        for card, stored in zip(cards, kept.cards, strict=True):
            if isinstance(stored, StoredNote) and stored.key == card.key:
                self.made[id(card)] = MadeNote(card, stored.context, stored.drawn,
                                               stored.assembled(card.key), stored.problems)

    def move(self, moved: Sequence[tuple[Card, Card]]) -> None:
        """Remember the notes of questions that only moved (an edit above them added or
        removed lines) for the questions as moved: only their Source line changes."""
        for was, now in moved:
            made = self.made.get(id(was))
            if made is None or made.card is not was:
                continue
            delta = now.loc.line - was.loc.line
            note = made.note.note
            was_fields = unpacked(note.fields)
            fields = (*was_fields[:3], source_field(made.context[2], now.loc), was_fields[4])
            self.made[id(now)] = MadeNote(
                now, made.context, made.drawn,
                made.note._replace(note=note._replace(fields=fields), loc=now.loc),
                tuple(shift.diagnostic(d, delta) for d in made.problems))
