"""Cards + rendered assets → Anki note contents: field HTML, tags, subdeck and media."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from builder.anki import apkg
from builder.anki.cardhtml import MAX_IMAGES_PER_CARD, capped_answer, card_media
from builder.anki.cardtemplate import HIDE_SOURCE_TAG
from builder.anki.html import (
    escape_text,
    inert_name,
    render_inline,
    shows_nothing,
)
from builder.model import Card, Diagnostic, Document, Settings, plain_text
from builder.parse import shift
from builder.render.assets import Assets
from builder.render.images import ImageResolver
from builder.render.media import MediaFile

LARGE_MEDIA_BYTES = 250 * 1024 * 1024
"""Above this a deck is slow to sync to phones and to share: a warning."""
MAX_MEDIA_BYTES = 2 * 1024 * 1024 * 1024
"""Above this the .apkg (a zip held in memory by some Anki clients) is refused."""


@dataclass(frozen=True, slots=True)
class NoteContent:
    """What one note shows and where it goes; its GUID and time come from the lock
    (``builder.anki.stamp`` makes the ``apkg.NoteData``)."""

    key: str
    """The card's stable key (see Card.key), unique in the build."""
    fields: tuple[str, str, str, str, str]
    tags: tuple[str, ...]
    deck: str
    """Full deck name, ``Parent::Child`` for subdecks."""


@dataclass(frozen=True, slots=True)
class AssembledNote:
    """One card's note, its media, and the card it came from."""

    note: NoteContent
    card: Card
    media: tuple[MediaFile, ...]
    answer_text: str
    """The answer as plain text, for recognising it after edits."""


@dataclass(frozen=True)
class AssembledDecks:
    """Every deck's notes, in the order of the decks given, and what assembling found."""

    decks: tuple[tuple[AssembledNote, ...], ...]
    diagnostics: tuple[Diagnostic, ...]
    image_lookups: tuple[tuple[str, str, str], ...]
    """Every image the notes looked up and what it resolved to (``ImageResolver.lookups``)."""


@dataclass(frozen=True, slots=True)
class MadeNote:
    card: Card
    """Kept, so that no other card takes its ``id`` while it is remembered."""
    context: tuple[object, ...]
    drawn: str
    """What the card's formulas and diagrams were drawn as (their ``repr``)."""
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

    def kept(self, cards: Sequence[Card]) -> tuple[KeptNote | None, ...]:
        """The remembered notes of ``cards``, in their order, to store beside their parse
        (a note holds no card: ``adopt`` gives it back its card)."""
        kept: list[KeptNote | None] = []
        for card in cards:
            made = self.made.get(id(card))
            if made is None or made.card is not card:
                kept.append(None)
                continue
            note = made.note
            kept.append((card.key, made.context, made.drawn, note.note.fields, note.note.tags,
                         note.note.deck, tuple((m.name, str(m.path)) for m in note.media),
                         note.answer_text, made.problems))
        return tuple(kept)

    def adopt(self, cards: Sequence[Card], kept: Sequence[KeptNote | None]) -> None:
        """Remember notes stored by ``kept`` for the same ``cards`` (of the same parse)."""
        if len(kept) != len(cards):
            return
        for card, note in zip(cards, kept, strict=True):
            if note is None or note[0] != card.key:
                continue
            key, context, drawn, fields, tags, deck, media, answer_text, problems = note
            self.made[id(card)] = MadeNote(
                card, context, drawn, AssembledNote(
                    NoteContent(key, fields, tags, deck), card,
                    tuple(MediaFile(name, Path(path)) for name, path in media), answer_text),
                problems)


    def move(self, moved: Sequence[tuple[Card, Card]]) -> None:
        """Remember the notes of questions that only moved (an edit above them added or
        removed lines) for the questions as moved: only their Source line changes."""
        for was, now in moved:
            made = self.made.get(id(was))
            if made is None or made.card is not was:
                continue
            delta = now.loc.line - was.loc.line
            note = made.note.note
            fields = (*note.fields[:3], source_field(str(made.context[2]), now),
                      note.fields[4])
            self.made[id(now)] = MadeNote(
                now, made.context, made.drawn,
                replace(made.note, note=replace(note, fields=fields), card=now),
                tuple(shift.diagnostic(d, delta) for d in made.problems))


KeptNote = tuple[str, tuple[object, ...], str, tuple[str, str, str, str, str], tuple[str, ...],
                 str, tuple[tuple[str, str], ...], str, tuple[Diagnostic, ...]]
"""A remembered note without its card, as stored between builds: plain tuples, which
pickle in C (a dataclass's fields are looked up in Python for each note)."""


def assemble(decks: Sequence[tuple[str, Sequence[Document]]], assets: Assets,
             roots: Mapping[str, Path], *, site_root: str = ".", keep_empty: bool,
             memory: NoteMemory | None = None) -> AssembledDecks:
    """Turn every kept card of each deck's documents into note contents.

    Keys are made unique across all decks: an explicit ``{#id}`` makes the same key in
    any deck, and two notes with one key would share a GUID.
    """
    last = memory.made if memory is not None else {}
    made: dict[int, MadeNote] = {}
    resolver = ImageResolver(roots, site_root)
    seen: dict[str, Card] = {}
    found: list[Diagnostic] = []
    assembled: list[tuple[AssembledNote, ...]] = []
    for deck, documents in decks:
        deck_notes: list[AssembledNote] = []
        for doc in documents:
            # Resolving the file's path costs more than a card's HTML: once per file.
            source = source_label(doc.path, roots.get(doc.path))
            for card in doc.cards:
                if card.is_empty and not keep_empty:
                    continue
                if not card.question_text.strip():
                    # Anki makes no card for a note whose first field is empty.
                    found.append(Diagnostic(card.loc, "warning",
                                            "question heading has no text; left out",
                                            "empty-question"))
                    continue
                card, duplicate = _unique_key(card, seen)
                note, problems = _remembered_or_made(
                    card, (deck, doc.settings, source), last, made, doc, assets, resolver)
                found += [*duplicate, *problems]
                deck_notes.append(note)
        assembled.append(tuple(deck_notes))
    if memory is not None:
        memory.fresh = {key for key, note in made.items() if last.get(key) is not note}
        memory.made = made
    return AssembledDecks(tuple(assembled), (*found, *resolver.diagnostics),
                          tuple(resolver.lookups()))


def _drawn(card: Card, assets: Assets) -> str:
    if not card.formulas and not card.diagrams:
        return ""
    return repr((*map(assets.formulas.get, card.formulas),
                 *map(assets.diagrams.get, card.diagrams)))


def _remembered_or_made(card: Card, context: tuple[str, Settings, str],
                        last: dict[int, MadeNote], made: dict[int, MadeNote], doc: Document,
                        assets: Assets, resolver: ImageResolver
                        ) -> tuple[AssembledNote, list[Diagnostic]]:
    """The card's note: the last build's if it was made from the same card in the same
    ``context`` (deck, settings, source label) and drawings, else made now (and remembered
    in ``made`` unless it has pictures)."""
    drawn = _drawn(card, assets)
    before = last.get(id(card))
    if before is not None and before.card is card and before.context == context \
            and before.drawn == drawn:
        made[id(card)] = before
        return before.note, list(before.problems)
    deck, _settings, source = context
    note, problems, pictures = _note(deck, doc, card, assets, resolver, source)
    if not pictures:
        made[id(card)] = MadeNote(card, context, drawn, note, tuple(problems))
    return note, problems


def _note(deck: str, doc: Document, card: Card, assets: Assets, resolver: ImageResolver,
          source: str) -> tuple[AssembledNote, list[Diagnostic], bool]:
    """The card's note, what making it found, and whether it shows pictures."""
    used: list[MediaFile] = []
    media = card_media(assets, resolver, doc.path, card, used)
    answer, problems = capped_answer(card, media)
    if media.overflow:
        problems.append(Diagnostic(
            card.loc, "warning", f"more than {MAX_IMAGES_PER_CARD} pictures in one "
            "answer; the rest are shown by name only", "too-many-images"))
    question = render_inline(card.question, media)
    if shows_nothing(question):
        # All markup that the sanitiser took out: the heading is shown as typed.
        question = escape_text(card.question_text)
    fields = (question, answer or "&nbsp;",
              escape_text(" › ".join(card.section_path)),
              source_field(source, card),
              escape_text(card.key))
    hide_source = (HIDE_SOURCE_TAG,) if doc.settings.source_line == "hide" else ()
    tags = [apkg.tag_for(deck, card.section_path),
            *(apkg.tag_for(t, ()) for t in doc.settings.tags), *hide_source]
    note = NoteContent(key=card.key, fields=fields,
                       tags=tuple(inert_name(t) for t in dict.fromkeys(tags) if t),
                       deck=inert_name(apkg.subdeck(deck, card.section_path)))
    return (AssembledNote(note, card, tuple(used), plain_text(card.answer)), problems,
            media.looked_up)


def source_field(source: str, card: Card) -> str:
    """The Source field: the file as ``source_label`` names it, and the question's line."""
    return escape_text(f"{source}:{card.loc.line}")


def source_label(shown: str, root: Path | None) -> str:
    """Name a notes file as its cards' Source line does: below the source folder the user
    named, under that folder's name, never as an absolute path (a deck is shared, and
    the build machine's folders and user name are nobody's business)."""
    file = Path(shown).resolve()
    if root is None:
        return file.name
    try:
        inside = file.relative_to(root.resolve())
    except ValueError:  # not below its root: only a link inside the tree does that
        return file.name
    if Path(os.path.abspath(root)) == Path(os.path.abspath(os.curdir)):
        return inside.as_posix()  # the folder the build runs in needs no name
    return (Path(Path(os.path.abspath(root)).name) / inside).as_posix()


def _unique_key(card: Card, seen: dict[str, Card]) -> tuple[Card, list[Diagnostic]]:
    """Give a repeated question its own key, so two notes never share a GUID; record the
    key in ``seen``, the keys taken so far."""
    first = seen.get(card.key)
    if first is None:
        seen[card.key] = card
        return card, []
    first_at = f"first at {first.loc.path}:{first.loc.line}"
    duplicate = Diagnostic(
        card.loc, "warning",
        f"duplicate id {{#{card.explicit_id}}} ({first_at}); an id must be used once, in all "
        "decks" if card.explicit_id else
        f"duplicate question '{card.question_text}' ({first_at}); give one an explicit id "
        "with {#some-id} after the heading text", "duplicate-question")
    number = 2
    while f"{card.key} #{number}" in seen:
        number += 1
    card = replace(card, key=f"{card.key} #{number}")
    seen[card.key] = card
    return card, [duplicate]
