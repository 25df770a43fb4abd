"""Give every assembled note its GUID and modification time, against the identity lock.

See ``builder.anki.lock`` for why note times come from the lock and ``builder.anki.identity``
for how reworded and moved questions keep their GUIDs.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from builder.anki import apkg, identity, lock
from builder.anki.notefields import text, unpacked
from builder.model import Diagnostic
from builder.support import inputs
from builder.support.shorttuple import maker

if TYPE_CHECKING:  # a build up to date imports this module, and needs neither
    from builder.anki.kept import AssembledNote, NoteHashes


@dataclass(frozen=True)
class Stamped:
    """Every note with its GUID and time; the lock before and after this build, and what
    changed between them."""

    notes: tuple[tuple[apkg.NoteData, ...], ...] = ()
    """Each deck's notes, in the order of the decks stamped."""
    diagnostics: tuple[Diagnostic, ...] = ()
    """What reading the lock and matching the notes to it found."""
    previous: lock.Lock | None = None
    new: lock.Lock | None = None
    path: Path | None = None
    changes: identity.ChangeReport | None = None
    matching: tuple[Diagnostic, ...] = ()
    """Warnings from matching new questions to the previous lock's; against the lock this
    build saves, every question has its key, so a rebuild would give none of them."""
    memo: lock.Memo | None = None
    """Where the lock was looked up parsed, and the new one is to be kept."""
    hashes: Mapping[str, NoteHashes] = field(default_factory=dict)
    """What was hashed of each note, by key, to be kept with the notes (``NoteHashes``)."""

    @functools.cached_property
    def lock_file(self) -> bytes | None:
        """The new lock as its file holds it (serialised once: 7 MB at 20,000 notes)."""
        return None if self.new is None else lock.encode(self.new, self.previous)

    def remember_lock(self) -> None:
        """Keep the new lock, as its file now holds it, in the ``memo`` (unless it is
        the lock the memo gave)."""
        if self.memo is None or self.new is None or self.previous is None \
                or self.path is None or self.lock_file is None:
            return
        if self.new == self.previous and self.previous.lines is not None:
            return
        self.memo.remember(self.path, self.lock_file, self.new, self.previous)


_note_data = maker(apkg.NoteData, 6)


def now() -> int:
    """Return the build time: ``SOURCE_DATE_EPOCH`` when set, for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(epoch) if epoch.isdigit() else int(time.time())


def card_css() -> str:
    from builder.anki.highlight import pygments_css

    return apkg.note_type_css(pygments_css())


def stamp(decks: Sequence[Sequence[AssembledNote]], path: Path | None,
          built_files: set[str], memo: lock.Memo | None = None) -> Stamped:
    """Give every note its GUID and time against the lock at ``path`` (None: no lock);
    return them, the lock to save and the change report.  Raise ``lock.LockError`` when
    the lock cannot be read.  ``memo``: where locks are kept parsed (``lock.Memo``)."""
    when = now()
    assembled = [n for deck in decks for n in deck]
    if path is None:
        return Stamped(_stamped(decks, {n.note.key: apkg.guid_for(n.note.key) for n in assembled},
                                {n.note.key: when for n in assembled}))
    previous, problems = lock.read(path, memo)

    def in_scope(entry: lock.LockEntry) -> bool:
        # Notes of files left out of this build are not "removed"; those of deleted files
        # are, and so are those of a file whose name a folder has taken (no build reads it).
        where = Path(entry.file)
        return entry.file in built_files or not inputs.exists(where) or where.is_dir()

    # Most notes of an edit's build were kept, their entries as the lock holds them:
    # settled at once, they take no part in matching, dating or hashing.
    settled, others = _settled(assembled, previous)
    current = [identity.CurrentNote(n.note.key, n.question_text, text(n.answer_text), n.loc,
                                    n.explicit_id, n.hashes.answer if n.hashes else "")
               for n in others]
    matching = identity.match(previous, current, in_scope, settled)
    guids, clashes = _unique_guids(current, previous, matching.renames, settled)
    notes = [(facts, guids[facts.key], _content_hash(n, guids[facts.key]))
             for facts, n in zip(current, others, strict=True)]
    new, changes = identity.update(previous, notes, matching, in_scope,
                                   apkg.note_type_hash(card_css()), when, settled)
    entries = new.entries
    return Stamped(_stamped(decks, guids, {key: entries[key].changed for key in guids}),
                   (*problems, *matching.diagnostics, *clashes), previous, new, path, changes,
                   tuple(matching.diagnostics), memo, _hashes(notes, others, settled,
                                                              assembled))


def _settled(assembled: list[AssembledNote], previous: lock.Lock
             ) -> tuple[dict[str, lock.LockEntry], list[AssembledNote]]:
    """Each note kept from the last build whose lock entry stamping it would make again
    (``identity.entry_stands`` for the GUID, content and answer its ``hashes`` found)
    → that entry; and the other notes."""
    entries = previous.entries
    settled: dict[str, lock.LockEntry] = {}
    others: list[AssembledNote] = []
    for note in assembled:
        kept = note.hashes
        if kept is not None:
            entry = entries.get(note.note.key)
            if entry is not None and identity.entry_stands(
                    entry, guid=kept.guid, content=kept.content, question=note.question_text,
                    file=note.loc.path, answer_hash=kept.answer):
                settled[note.note.key] = entry
                continue
        others.append(note)
    return settled, others


def _hashes(notes: list[tuple[identity.CurrentNote, str, str]], others: list[AssembledNote],
            settled: Mapping[str, lock.LockEntry], assembled: list[AssembledNote]
            ) -> dict[str, NoteHashes]:
    """What was hashed of each note, by key: a kept note's own ``hashes`` when the same
    (always, for a ``settled`` one)."""
    from builder.anki.kept import NoteHashes

    found: dict[str, NoteHashes] = {n.note.key: n.hashes for n in assembled
                                    if n.hashes is not None and n.note.key in settled}
    for (facts, guid, content), note in zip(notes, others, strict=True):
        kept = note.hashes
        found[facts.key] = kept if kept is not None and kept == (facts.answer_hash, guid,
                                                                   content) \
            else NoteHashes(facts.answer_hash, guid, content)
    return found


def _unique_guids(current: list[identity.CurrentNote], previous: lock.Lock,
                  renames: dict[str, str], settled: Mapping[str, lock.LockEntry]
                  ) -> tuple[dict[str, str], list[Diagnostic]]:
    """Give each note its GUID from the lock or its key, never one another note has:
    Anki would merge the two.  The lock is checked on load, but a hand-edited lock can
    still hold the GUID a new key hashes to.  Return the GUIDs and a warning per clash.

    A ``settled`` note keeps its entry's GUID: notes the lock knows choose first, and no
    two of its entries share one (``lock.read``)."""
    wanted: dict[str, str] = {key: entry.guid for key, entry in settled.items()}
    for facts in current:
        old = previous.entries.get(renames.get(facts.key, facts.key))
        wanted[facts.key] = old.guid if old is not None else apkg.guid_for(facts.key)
    if len(set(wanted.values())) == len(wanted):  # as nearly always: no clash to settle
        return wanted, []
    # Notes the lock knows choose first: a clash moves the new note, not the old one.
    order = sorted(current, key=lambda facts: renames.get(facts.key, facts.key)
                   not in previous.entries)
    guids: dict[str, str] = {key: wanted[key] for key in settled}
    clashes: list[Diagnostic] = []
    taken: set[str] = set(guids.values())
    for facts in order:
        guid = wanted[facts.key]
        if guid in taken:
            clashes.append(Diagnostic(
                facts.loc, "warning", f"GUID {guid} from the lock is another note's too: "
                "this note gets a new one", "lock-entry"))
            salt = 0
            while guid in taken:
                salt += 1
                guid = apkg.guid_for(f"{facts.key}\0{salt}")
        taken.add(guid)
        guids[facts.key] = guid
    return guids, clashes


def _content_hash(assembled: AssembledNote, guid: str) -> str:
    # As the last build hashed it, when it hashed the same note under the same GUID.
    if assembled.hashes is not None and assembled.hashes.guid == guid:
        return assembled.hashes.content
    # The Source field's line number is left out: a question that only moved down
    # because lines were added above it has not changed, and is not re-dated.
    note = assembled.note
    question, answer, section, _source, key = unpacked(note.fields)
    return lock.content_hash(question, answer, section, key, *note.tags, note.deck, guid)


def _stamped(decks: Sequence[Sequence[AssembledNote]], guids: Mapping[str, str],
             mtimes: Mapping[str, int]) -> tuple[tuple[apkg.NoteData, ...], ...]:
    # Each NoteData made without its constructor (``maker``): one per note, 20,000 in an
    # edit's build.
    new = _note_data
    return tuple(tuple(new((key, guids[key], fields, tags, deck, mtimes[key]))
                       for key, fields, tags, deck in (n.note for n in deck))
                 for deck in decks)
