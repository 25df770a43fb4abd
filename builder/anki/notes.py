"""Cards + rendered assets → Anki note contents: field HTML, tags, subdeck and media."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from builder.anki import apkg
from builder.anki.cardhtml import MAX_IMAGES_PER_CARD, capped_answer, card_media, question_html
from builder.anki.cardtemplate import HIDE_SOURCE_TAG
from builder.anki.html import (
    escape_text,
    field_safe,
    inert_name,
    shows_nothing,
)
from builder.anki.kept import (
    AssembledNote,
    Context,
    FileNotes,
    MadeNote,
    NoteContent,
    NoteMemory,
    StoredNote,
    drawn,
    source_field,
)
from builder.model import Card, Diagnostic, Document, Settings, SourceLoc, plain_text
from builder.render.assets import Assets
from builder.render.images import ImageResolver
from builder.render.media import MediaFile

LARGE_MEDIA_BYTES = 250 * 1024 * 1024
"""Above this a deck is slow to sync to phones and to share: a warning."""
MAX_MEDIA_BYTES = 2 * 1024 * 1024 * 1024
"""Above this the .apkg (a zip held in memory by some Anki clients) is refused."""


@dataclass(frozen=True)
class AssembledDecks:
    """Every deck's notes, in the order of the decks given, and what assembling found."""

    decks: tuple[tuple[AssembledNote, ...], ...]
    diagnostics: tuple[Diagnostic, ...]
    image_lookups: tuple[tuple[str, str, str], ...]
    """Every image the notes looked up and what it resolved to (``ImageResolver.lookups``)."""


def assemble(decks: Sequence[tuple[str, Sequence[Document | FileNotes]]], assets: Assets,
             roots: Mapping[str, Path], *, site_root: str = ".", keep_empty: bool,
             memory: NoteMemory | None = None) -> AssembledDecks:
    """Turn every kept card of each deck's files into note contents: a file's kept notes
    (``FileNotes``, which the build has found still ``fit``) as they are.

    Keys are made unique across all decks: an explicit ``{#id}`` makes the same key in
    any deck, and two notes with one key would share a GUID.
    """
    last = memory.made if memory is not None else {}
    made: dict[int, MadeNote] = {}
    resolver = ImageResolver(roots, site_root)
    seen: dict[str, SourceLoc] = {}
    numbered: dict[str, int] = {}
    found: list[Diagnostic] = []
    assembled: list[tuple[AssembledNote, ...]] = []
    for deck, files in decks:
        deck_notes: list[AssembledNote] = []
        for file in files:
            # Resolving the file's path costs more than a card's HTML: once per file.
            context = note_context(deck, file.path, file.settings, roots.get(file.path))
            for card in file.cards:
                if type(card) is StoredNote and not card.empty and card.key not in seen \
                        and card.question_text.strip():
                    # ``_admitted``'s common case, inline: a kept note that makes its note
                    # under its own key (most notes of an edit's build, 20,000 of them).
                    seen[card.key] = card.loc
                    deck_notes.append(card.assembled(card.key))
                    if card.problems:
                        found += card.problems
                    continue
                key, problems = _admitted(card, seen, numbered, keep_empty)
                found += problems
                if key is None:
                    continue
                if isinstance(card, StoredNote):
                    deck_notes.append(card.assembled(key))
                    found += card.problems
                    continue
                card = card if key == card.key else replace(card, key=key)
                note, problems = _remembered_or_made(card, context, last, made, file.path,
                                                     assets, resolver)
                found += problems
                deck_notes.append(note)
        assembled.append(tuple(deck_notes))
    if memory is not None:
        memory.fresh = {key for key, note in made.items() if last.get(key) is not note}
        memory.made = made
    return AssembledDecks(tuple(assembled), (*found, *resolver.diagnostics),
                          tuple(resolver.lookups()))


def _admitted(card: Card | StoredNote, seen: dict[str, SourceLoc], numbered: dict[str, int],
              keep_empty: bool) -> tuple[str | None, list[Diagnostic]]:
    """The card's key, unique in the build (recorded in ``seen``, the keys taken so far),
    or None when it makes no note; and what was found.

    ``numbered`` keeps the last number a repeated key was given: every smaller one is taken
    already, so 20,000 repeats of one question need not try each number from 2 again.
    """
    if (card.empty if isinstance(card, StoredNote) else card.is_empty) and not keep_empty:
        return None, []
    if not card.question_text.strip():
        # Anki makes no card for a note whose first field is empty.
        return None, [Diagnostic(card.loc, "warning", "question heading has no text; left out",
                                 "empty-question")]
    first = seen.get(card.key)
    if first is None:
        seen[card.key] = card.loc
        return card.key, []
    first_at = f"first at {first.path}:{first.line}"
    duplicate = Diagnostic(
        card.loc, "warning",
        f"duplicate id {{#{card.explicit_id}}} ({first_at}); an id must be used once, in all "
        "decks" if card.explicit_id else
        f"duplicate question '{card.question_text}' ({first_at}); give one an explicit id "
        "with {#some-id} after its question text", "duplicate-question")
    number = numbered.get(card.key, 1) + 1
    while f"{card.key} #{number}" in seen:
        number += 1
    numbered[card.key] = number
    key = f"{card.key} #{number}"
    seen[key] = card.loc
    return key, [duplicate]


def _remembered_or_made(card: Card, context: Context, last: dict[int, MadeNote],
                        made: dict[int, MadeNote], path: str, assets: Assets,
                        resolver: ImageResolver) -> tuple[AssembledNote, list[Diagnostic]]:
    """The card's note: the last build's if it was made from the same card in the same
    ``context`` (deck, settings, source label) and drawings, else made now (and remembered
    in ``made`` unless it has pictures)."""
    card_drawn = drawn(card.formulas, card.diagrams, assets)
    before = last.get(id(card))
    if before is not None and before.card is card and before.context == context \
            and before.drawn == card_drawn:
        made[id(card)] = before
        return before.note, list(before.problems)
    note, problems, pictures = _note(context, path, card, assets, resolver)
    if not pictures:
        made[id(card)] = MadeNote(card, context, card_drawn, note, tuple(problems))
    return note, problems


def _note(context: Context, path: str, card: Card, assets: Assets, resolver: ImageResolver
          ) -> tuple[AssembledNote, list[Diagnostic], bool]:
    """The card's note, what making it found, and whether it shows pictures."""
    deck, settings, source = context
    used: list[MediaFile] = []
    media = card_media(assets, resolver, path, card, used)
    answer_text = plain_text(card.answer)
    answer, problems = capped_answer(card, media, answer_text)
    if media.overflow:
        problems.append(Diagnostic(
            card.loc, "warning", f"more than {MAX_IMAGES_PER_CARD} pictures in one "
            "answer; the rest are shown by name only", "too-many-images"))
    question, deep = question_html(card, media)
    problems += deep
    if shows_nothing(question):
        # All markup that the sanitiser took out: the heading is shown as typed.
        question = escape_text(card.question_text)
    key_field = escape_text(card.key)
    # Question and Answer once more: a control character reaches them through raw HTML's
    # character references (``&#31;``, which nh3 writes back); the rest are escape_text's.
    fields = (field_safe(question), field_safe(answer or "&nbsp;"),
              escape_text(" › ".join(card.section_path)),
              source_field(source, card.loc),
              card.key if key_field == card.key else key_field)
    tags, subdeck = _tags_and_subdeck(deck, card.section_path, settings.tags,
                                      settings.source_line == "hide", card.tags)
    note = NoteContent(key=card.key, fields=fields, tags=tags, deck=subdeck)
    return (AssembledNote(note, tuple(used), answer_text, card.question_text,
                          card.loc, card.explicit_id), problems, media.looked_up)


@functools.lru_cache(maxsize=1024)
def _tags_and_subdeck(deck: str, section_path: tuple[str, ...], extra_tags: tuple[str, ...],
                      hide_source: bool, own_tags: tuple[str, ...] = ()
                      ) -> tuple[tuple[str, ...], str]:
    """A card's tags and subdeck, which every card of its section shares: made once, and
    one object each for all of them (stored notes pickle them once, not once per note:
    at 20,000 notes ~14 MB less to load, with the Key field that is the key itself).
    ``own_tags`` are the card's (an Obsidian tag line's, ``/`` parting Anki's levels)."""
    # A level of nothing but invisible characters is none (``inert_name`` drops them).
    deck, section_path = inert_name(deck) or "deck", tuple(map(inert_name, section_path))
    tags = [apkg.tag_for(deck, section_path), *(apkg.tag_for(t, ()) for t in extra_tags),
            *(apkg.tag_for(*_levels(t)) for t in own_tags),
            *((HIDE_SOURCE_TAG,) if hide_source else ())]
    return (tuple(t for t in dict.fromkeys(map(inert_name, tags)) if t),
            inert_name(apkg.subdeck(deck, section_path)))


def _levels(tag: str) -> tuple[str, tuple[str, ...]]:
    top, *below = [part for part in tag.split("/") if part]
    return top, tuple(below)


def note_context(deck: str, path: str, settings: Settings, root: Path | None) -> Context:
    """What a file's notes show besides their cards (see ``StoredNote.fits``)."""
    return (deck, settings, source_label(path, root))


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
