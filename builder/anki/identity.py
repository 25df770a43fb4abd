"""Note identity across edits: GUIDs that survive rewording and moving, and a change report.

A question's key (deck, section, question) changes when the author rewords it or
moves it.  Without help, Anki would then add a new note beside the old one and
the review history would be lost.  Each build therefore matches the keys that
disappeared against the keys that appeared, and a match keeps the old GUID.

Matching is done in tiers, each taking only what earlier tiers left:

1. an explicit ``{#id}`` on the new heading equal to the old note's handle
   (printed in the ambiguity warning), which settles any doubt;
2. the same question and the same answer (moved to another section or file);
3. the same question, or the same non-trivial answer (moved, or reworded);
4. small edits to both: question similarity ``q`` (difflib ratio of the
   normalised questions) ≥ 0.5 and answer similarity ``a`` (1 − Hamming
   distance / 64 of 64-bit SimHashes over character trigrams) ≥ 0.85, with
   ``(q + a) / 2`` ≥ 0.8.

Within a tier a pair is accepted only when it is the sole candidate of both
its old and its new note; otherwise nothing is guessed and the author is told
which notes compete and how to settle it.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import TypeAlias

from builder.anki.lock import Lock, LockEntry, advance, handle
from builder.model import Diagnostic, SourceLoc
from builder.parse.questiontext import normalise_question, untagged

MIN_ANSWER_FOR_MATCH = 10
QUESTION_FLOOR = 0.5
ANSWER_FLOOR = 0.85
PAIR_FLOOR = 0.8


@dataclass(frozen=True, slots=True)
class CurrentNote:
    """What identity needs to know about one note of this build."""

    key: str
    question: str
    answer_text: str
    loc: SourceLoc
    explicit_id: str | None = None
    answer_hash: str = ""
    """Hash of the answer's text alone (``answer_hash``); computed once, every build needs
    it of every note.  Given when known: the note was kept from the last build."""

    def __post_init__(self) -> None:
        if not self.answer_hash:
            object.__setattr__(self, "answer_hash", answer_hash(self.answer_text))


def answer_hash(text: str) -> str:
    """Hash an answer's text, to recognise it unchanged."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass
class ChangeReport:
    """What this build changed against the lock's previous state."""

    added: list[CurrentNote] = field(default_factory=list)
    changed: list[CurrentNote] = field(default_factory=list)
    renamed: list[tuple[LockEntry, str, CurrentNote]] = field(default_factory=list)
    """(old entry, old key, new note): reworded or moved, history kept."""
    removed: list[tuple[str, LockEntry]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.renamed or self.removed)


def simhash(text: str) -> str:
    """Return a 64-bit SimHash (hex) of a text's character trigrams.

    Bit i is set when more than half of the trigrams' 64-bit BLAKE2b hashes (read
    big-endian) have it set.  The hashes are laid end to end; each of their 8 byte columns
    is read as one integer, and each bit is counted over all hashes at once by masking
    that bit of every byte and ``int.bit_count``.
    """
    folded = normalise_question(text)
    if len(folded) < 3:  # the whole text is the one trigram
        count, hashes = 1, _GRAM_HASHES[(folded,)]
    else:
        # Each trigram as the three characters zip gives: no slice per position.
        count = len(folded) - 2
        grams = zip(folded, folded[1:], folded[2:], strict=False)
        hashes = b"".join(map(_GRAM_HASHES.__getitem__, grams))
    ones = int.from_bytes(b"\x01" * count, "little")  # bit 0 of every byte
    masks = [ones << bit for bit in range(8)]  # bit i of every byte: shifted once, not per column
    value = 0
    for byte in range(8):  # most significant first
        column = int.from_bytes(hashes[byte::8], "little")
        for bit, mask in enumerate(masks):
            if 2 * (column & mask).bit_count() > count:
                value |= 1 << (8 * (7 - byte) + bit)
    return f"{value:016x}"


class _GramHashes(dict[tuple[str, ...], bytes]):
    """Each trigram's 64-bit BLAKE2b hash of its UTF-8, by its characters.

    Remembered: a trigram recurs often (in the seed notes, every other one is a repeat),
    and hashing it costs ten times a lookup.  Looked up through ``dict.__getitem__``,
    with no Python call for a trigram seen before.
    """

    def __missing__(self, gram: tuple[str, ...]) -> bytes:
        digest = hashlib.blake2b("".join(gram).encode("utf-8"), digest_size=8).digest()
        if len(self) < _GRAMS_KEPT:
            self[gram] = digest
        return digest


_GRAMS_KEPT = 1 << 16
_GRAM_HASHES = _GramHashes()


def sketch_similarity(a: str, b: str) -> float:
    """Return 1 − Hamming distance / 64 between two SimHashes (0 if either is missing)."""
    if not a or not b:
        return 0.0
    return 1.0 - bin(int(a, 16) ^ int(b, 16)).count("1") / 64


def question_similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, normalise_question(a), normalise_question(b)).ratio()


@dataclass
class Matching:
    """The outcome of matching vanished keys to new ones."""

    renames: dict[str, str] = field(default_factory=dict)
    """New key → old key whose GUID it keeps."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sketches: dict[str, str] = field(default_factory=dict)
    """SimHashes computed while matching, by new key, so ``update`` need not redo them."""


Signature: TypeAlias = tuple[Callable[[LockEntry], Sequence[object]],
                             Callable[[CurrentNote], Sequence[object]]]
FUZZY_LIMIT = 250_000
"""Most old × new pairs compared fuzzily; beyond it (a mass edit) only exact tiers run."""


def _old_questions(entry: LockEntry) -> list[str]:
    """An old note's question, normalised as it was and as a build reads it now."""
    return list(dict.fromkeys(normalise_question(text)
                              for text in (entry.question, untagged(entry.question))))


def _exact_tiers() -> list[Signature]:
    q = normalise_question
    # Only an explicit handle can bring back a note already reported removed.
    return [
        (lambda e: [handle(e.guid)], lambda n: [n.explicit_id] if n.explicit_id else []),
        (lambda e: [] if e.removed else [(old, e.answer) for old in _old_questions(e)],
         lambda n: [(q(n.question), n.answer_hash)]),
        (lambda e: [] if e.removed else [*(("q", old) for old in _old_questions(e)),
                                         ("a", e.answer)],
         lambda n: [("q", q(n.question))]
         + ([("a", n.answer_hash)] if len(n.answer_text) >= MIN_ANSWER_FOR_MATCH else [])),
    ]


def match(previous: Lock, notes: list[CurrentNote], in_scope: Callable[[LockEntry], bool],
          settled: Collection[str] = ()) -> Matching:
    """Match notes whose key is new to lock entries whose key vanished.  ``settled``: the
    keys of this build's other notes, each the lock's own (see ``update``)."""
    current = {n.key for n in notes}.union(settled)
    vanished = {k: e for k, e in previous.entries.items() if k not in current and in_scope(e)}
    fresh = [n for n in notes if n.key not in previous.entries]
    result = Matching()
    for old_signs, new_signs in _exact_tiers():
        if not vanished or not fresh:
            return result
        index: dict[object, list[str]] = {}
        for key, entry in vanished.items():
            for sign in old_signs(entry):
                index.setdefault(sign, []).append(key)
        crowded = _settle_crowds(index, new_signs, vanished, fresh, result)
        # A note no crowd holds may still pair, through another sign, with an entry of a
        # crowd (the same question, where the crowd shares an answer); the crowd's own
        # notes are settled, so it is the entry's only candidate or is reported with the
        # others.  Every sign of such a note matches CROWD entries at most: pairs stay few.
        pairs = list(dict.fromkeys((k, n) for n in fresh for sign in new_signs(n)
                                   for k in index.get(sign, ())))
        _accept_unique(pairs, vanished, fresh, result)
        for key in crowded:
            vanished.pop(key, None)
    if vanished and fresh and len(vanished) * len(fresh) <= FUZZY_LIMIT:
        result.sketches = {n.key: simhash(n.answer_text) for n in fresh}
        pairs = [(k, n) for k, e in vanished.items() for n in fresh
                 if e.removed is None and _similar(e, n, result.sketches[n.key])]
        _accept_unique(pairs, vanished, fresh, result)
    return result


CROWD = 8
"""Most vanished entries one sign may match and still take part in pairing: more cannot
tell one note apart (a shared lock of thousands of entries of one question and answer
made every new note a pair with each: millions of pairs and warnings, out of memory)."""


def _settle_crowds(index: dict[object, list[str]],
                   new_signs: Callable[[CurrentNote], Sequence[object]],
                   vanished: dict[str, LockEntry], fresh: list[CurrentNote],
                   result: Matching) -> set[str]:
    """Report each new note one of whose signs matches more than ``CROWD`` vanished
    entries as ambiguous, once, and settle it (as ``_accept_unique`` settles what took
    part); return the keys of the entries of those crowds, for the caller to settle once
    the notes no crowd holds have had their pick of them."""
    if all(len(keys) <= CROWD for keys in index.values()):
        return set()
    crowds: dict[int, list[str]] = {}
    crowded_notes = []
    for note in fresh:
        crowd = next((index[sign] for sign in new_signs(note)
                      if len(index.get(sign, ())) > CROWD), None)
        if crowd is not None:
            crowds[id(crowd)] = crowd
            crowded_notes.append(note)
            named = "; ".join(f"'{vanished[k].question}' {{#{handle(vanished[k].guid)}}}"
                              for k in crowd[:_RIVALS_NAMED])
            result.diagnostics.append(Diagnostic(
                note.loc, "warning",
                f"cannot tell which of {len(crowd)} removed questions alike this one it "
                f"replaces ({named}; {len(crowd) - _RIVALS_NAMED} more): its note is new; "
                "to keep one's review history add its {#…} after this heading's text",
                "ambiguous-rename"))
    gone = {id(note) for note in crowded_notes}
    fresh[:] = [note for note in fresh if id(note) not in gone]
    return {key for keys in crowds.values() for key in keys}


def _similar(entry: LockEntry, note: CurrentNote, sketch: str) -> bool:
    q = question_similarity(entry.question, note.question)
    a = 1.0 if entry.answer == note.answer_hash else sketch_similarity(entry.sketch, sketch)
    return q >= QUESTION_FLOOR and a >= ANSWER_FLOOR and (q + a) / 2 >= PAIR_FLOOR


def _accept_unique(pairs: list[tuple[str, CurrentNote]], vanished: dict[str, LockEntry],
                   fresh: list[CurrentNote], result: Matching) -> None:
    by_old: dict[str, list[CurrentNote]] = {}
    by_new: dict[str, list[str]] = {}
    for old_key, note in pairs:
        by_old.setdefault(old_key, []).append(note)
        by_new.setdefault(note.key, []).append(old_key)
    for old_key, notes in by_old.items():
        if len(notes) == 1 and len(by_new[notes[0].key]) == 1:
            result.renames[notes[0].key] = old_key
        else:
            _report_ambiguous(vanished[old_key], old_key, notes, by_new, vanished, result)
    # Everything that took part in this tier is settled: matched, or reported and never
    # guessed at by a looser tier.
    for old_key in by_old:
        del vanished[old_key]
    fresh[:] = [n for n in fresh if n.key not in by_new]


def _report_ambiguous(entry: LockEntry, old_key: str, notes: list[CurrentNote],
                      by_new: dict[str, list[str]], vanished: dict[str, LockEntry],
                      result: Matching) -> None:
    for note in notes:
        # A few named: 20,000 lock entries sharing one answer (3.5 MB of a shared lock)
        # made 20,000 warnings each naming all the others, minutes and gigabytes.
        competing = (n.question for n in notes if n is not note)
        rivals = (vanished[k].question for k in by_new[note.key] if k != old_key)
        named = list(islice(chain(competing, rivals), _RIVALS_NAMED))
        more = len(notes) + len(by_new[note.key]) - 2 - len(named)
        others = "; ".join(f"'{q}'" for q in named) + (f"; {more} more" if more else "")
        result.diagnostics.append(Diagnostic(
            note.loc, "warning",
            f"cannot tell which question replaces '{entry.question}' (also: {others}); "
            f"to keep its review history add {{#{handle(entry.guid)}}} after the heading "
            "text of the one that does", "ambiguous-rename"))


_RIVALS_NAMED = 5


def _sketch(note: CurrentNote, old: LockEntry | None, matching: Matching) -> str:
    # An unchanged answer keeps its sketch: recomputing every note's on every build
    # was most of a no-change rebuild.
    if old is not None and old.sketch and old.answer == note.answer_hash:
        return old.sketch
    return matching.sketches.get(note.key) or simhash(note.answer_text)


def _unchanged(old: LockEntry, note: CurrentNote, guid: str, content: str) -> bool:
    """Whether ``update`` would make ``old`` again for ``note``: the same entry."""
    return entry_stands(old, guid=guid, content=content, question=note.question,
                        file=note.loc.path, answer_hash=note.answer_hash)


def entry_stands(old: LockEntry, *, guid: str, content: str, question: str, file: str,
                 answer_hash: str) -> bool:
    """Whether a note of this GUID, content hash, question, file and answer hash would get
    ``old`` again from ``update``: the one test of an entry that needs no rewriting
    (``builder.anki.stamp`` settles kept notes by it before matching)."""
    return (old.hash == content and old.guid == guid and old.removed is None
            and old.question == question and old.file == file
            and old.answer == answer_hash and bool(old.sketch))


def update(previous: Lock, notes: Iterable[tuple[CurrentNote, str, str]], matching: Matching,
           in_scope: Callable[[LockEntry], bool], notetype_hash: str, now: int,
           settled: Collection[str] = ()) -> tuple[Lock, ChangeReport]:
    """Return the new lock for ``notes`` (each with its GUID and the hash of everything
    written into it) and what changed.  ``settled``: the keys of this build's other notes,
    whose entries ``update`` would make again as they are (``_unchanged``): kept, unread."""
    report = ChangeReport()
    entries = dict(previous.entries)
    seen: set[str] = set(settled)
    for note, guid, content in notes:
        old_key = matching.renames.get(note.key, note.key)
        old = previous.entries.get(old_key)
        if note.key in matching.renames and old is not None:
            report.renamed.append((old, old_key, note))
            entries.pop(old_key, None)
        elif old is None or old.removed is not None:
            report.added.append(note)
        elif old.hash != content:
            report.changed.append(note)
        seen.add(note.key)
        if old is not None and old_key == note.key and _unchanged(old, note, guid, content):
            continue  # kept as it was (the same entry: the lock's file keeps its line)
        changed = now if old is None else advance(
            old.changed, now, old.hash != content or old.guid != guid or bool(old.removed))
        entries[note.key] = LockEntry(guid, content, changed, note.question,
                                      note.loc.path, note.answer_hash,
                                      _sketch(note, old, matching))
    for key, entry in previous.entries.items():
        if key not in seen and key not in matching.renames.values() and \
                entry.removed is None and in_scope(entry):
            report.removed.append((key, entry))
            entries[key] = LockEntry(entry.guid, entry.hash, entry.changed, entry.question,
                                     entry.file, entry.answer, entry.sketch, removed=now)
    notetype_changed = advance(previous.notetype_changed, now,
                               previous.notetype_hash != notetype_hash)
    return Lock(entries, notetype_hash, notetype_changed), report
