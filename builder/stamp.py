"""Give every assembled note its GUID and modification time, against the identity lock.

See ``builder.lock`` for why note times come from the lock and ``builder.identity``
for how reworded and moved questions keep their GUIDs.
"""

from __future__ import annotations

import functools
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

from builder import apkg, identity, inputs, lock
from builder.config import BuildConfig, BuildError
from builder.gather import DeckBuild
from builder.html import pygments_css
from builder.model import Diagnostic


@dataclass(frozen=True)
class Stamped:
    """The lock before and after this build, and what changed between them."""

    previous: lock.Lock | None = None
    new: lock.Lock | None = None
    path: Path | None = None
    changes: identity.ChangeReport | None = None
    matching: tuple[Diagnostic, ...] = ()
    """Warnings from matching new questions to the previous lock's; against the lock this
    build saves, every question has its key, so a rebuild would give none of them."""

    @functools.cached_property
    def lock_file(self) -> bytes | None:
        """The new lock as its file holds it (serialised once: 7 MB at 20,000 notes)."""
        return None if self.new is None else lock.encode(self.new)


def now() -> int:
    """Return the build time: ``SOURCE_DATE_EPOCH`` when set, for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(epoch) if epoch.isdigit() else int(time.time())


def card_css() -> str:
    return apkg.note_type_css(pygments_css())


def lock_path(config: BuildConfig) -> Path:
    """Return the lock file: given, or beside the first source."""
    if config.lock_path is not None:
        return config.lock_path
    first = config.sources[0]
    return (first if first.is_dir() else first.parent) / lock.LOCK_NAME


def stamp(decks: list[DeckBuild], config: BuildConfig, built_files: set[str],
          diagnostics: list[Diagnostic]) -> Stamped:
    """Fill in every note's GUID and time; return the lock to save and the change report."""
    when = now()
    assembled = [n for deck in decks for n in deck.assembled]
    if not config.use_lock:
        _finish(decks, {n.note.key: apkg.guid_for(n.note.key) for n in assembled},
                {n.note.key: when for n in assembled})
        return Stamped()
    path = lock_path(config)
    try:
        previous, problems = lock.read(path)
    except lock.LockError as exc:
        raise BuildError(str(exc), diagnostics) from exc
    diagnostics.extend(problems)

    def in_scope(entry: lock.LockEntry) -> bool:
        # Notes of files left out of this build are not "removed"; those of deleted files are.
        return entry.file in built_files or not inputs.exists(Path(entry.file))

    current = [identity.CurrentNote(n.note.key, n.card.question_text, n.answer_text, n.card.loc,
                                    n.card.explicit_id) for n in assembled]
    matching = identity.match(previous, current, in_scope)
    diagnostics.extend(matching.diagnostics)
    guids = _unique_guids(current, previous, matching.renames, diagnostics)
    notes = [(replace(facts, content=_content_hash(n.note, guids[facts.key])), guids[facts.key])
             for facts, n in zip(current, assembled, strict=True)]
    new, changes = identity.update(previous, notes, matching, in_scope,
                                   apkg.note_type_hash(card_css()), when)
    _finish(decks, guids, {key: e.changed for key, e in new.entries.items()})
    return Stamped(previous, new, path, changes, tuple(matching.diagnostics))


def _unique_guids(current: list[identity.CurrentNote], previous: lock.Lock,
                  renames: dict[str, str], diagnostics: list[Diagnostic]) -> dict[str, str]:
    """Give each note its GUID from the lock or its key, never one another note has:
    Anki would merge the two.  The lock is checked on load, but a hand-edited lock can
    still hold the GUID a new key hashes to."""
    wanted: dict[str, str] = {}
    for facts in current:
        old = previous.entries.get(renames.get(facts.key, facts.key))
        wanted[facts.key] = old.guid if old is not None else apkg.guid_for(facts.key)
    # Notes the lock knows choose first: a clash moves the new note, not the old one.
    order = sorted(current, key=lambda facts: renames.get(facts.key, facts.key)
                   not in previous.entries)
    guids: dict[str, str] = {}
    taken: set[str] = set()
    for facts in order:
        guid = wanted[facts.key]
        if guid in taken:
            diagnostics.append(Diagnostic(
                facts.loc, "warning", f"GUID {guid} from the lock is another note's too: "
                "this note gets a new one", "lock-entry"))
            salt = 0
            while guid in taken:
                salt += 1
                guid = apkg.guid_for(f"{facts.key}\0{salt}")
        taken.add(guid)
        guids[facts.key] = guid
    return guids


def _content_hash(note: apkg.NoteData, guid: str) -> str:
    # The Source field's line number is left out: a question that only moved down
    # because lines were added above it has not changed, and is not re-dated.
    question, answer, section, _source, key = note.fields
    return lock.content_hash(question, answer, section, key, *note.tags, note.deck, guid)


def _finish(decks: list[DeckBuild], guids: dict[str, str], mtimes: dict[str, int]) -> None:
    for deck in decks:
        deck.notes = [replace(n.note, guid=guids[n.note.key], mtime=mtimes[n.note.key])
                      for n in deck.assembled]
        deck.media = [m for n in deck.assembled for m in n.media]
