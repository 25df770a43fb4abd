"""The identity lock: which GUID each note has and when its content last changed.

Anki applies an incoming note only when its modification time is strictly newer
than the collection's copy, and genanki stamps every note with one build time.
Rebuilding within the same second would then silently drop edits, and
re-importing an unchanged deck would report every note as updated.  So each
note's time comes from here: it advances only when the note's content hash
changes, and then always by at least one second past its previous value.

The lock also remembers enough of each note (its question, file and a sketch of
its answer) to recognise a reworded or moved question in a later build; see
``builder.anki.identity``.  It is JSON with one note per line, sorted, so it diffs well.
"""

from __future__ import annotations

import errno
import hashlib
import json
import re
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from pathlib import Path
from typing import NamedTuple

from builder.model import Diagnostic, SourceLoc
from builder.parse.cache import ParseCache
from builder.support import inputs
from builder.support.atomic import atomic_write_bytes
from builder.support.shorttuple import maker

LOCK_NAME = "build-deck.lock"
LOCK_VERSION = 2


class LockError(Exception):
    """The lock file exists but cannot be used; ``diagnostic`` says why, at the file."""

    def __init__(self, path: Path, message: str, code: str = "lock-file") -> None:
        super().__init__(f"{path}: {message}")
        self.diagnostic = Diagnostic(SourceLoc(str(path), 1), "error", message, code)


class LockEntry(NamedTuple):
    """What the lock remembers about one note.

    A tuple: a lock holds one per note, made anew by every build (a dataclass's
    constructor costs three times as much).
    """

    guid: str
    hash: str
    """Hash of everything written into the note (fields, tags, deck)."""
    changed: int
    """Unix time (seconds) at which the note's content last changed."""
    question: str = ""
    file: str = ""
    answer: str = ""
    """Hash of the answer's text alone, to recognise a reworded question."""
    sketch: str = ""
    """SimHash of the answer's text, to recognise a lightly edited answer."""
    removed: int | None = None
    """When the question disappeared from the notes; None while it is there."""


@dataclass(frozen=True)
class Lock:
    """Notes by key, plus the note type's own hash and change time."""

    entries: dict[str, LockEntry] = field(default_factory=dict)
    notetype_hash: str = ""
    notetype_changed: int = 0
    lines: dict[str, bytes] | None = field(default=None, compare=False, repr=False)
    """Each entry's line in the file this lock was read from, each with a comma after it,
    when that file is exactly what ``encode`` writes for it (a lock a build saved, see
    ``Memo``): ``encode`` copies the line of an entry a build did not change instead of
    writing it again."""


def content_hash(*parts: str) -> str:
    """Hash the parts that make up a note's content."""
    # Each part followed by a unit separator: one string, hashed at once.
    return hashlib.sha256("\x1f".join((*parts, "")).encode("utf-8")).hexdigest()[:20]


def handle(guid: str) -> str:
    """Return a short id for a note that an author can write as ``{#…}`` after a heading."""
    return "n" + hashlib.sha1(guid.encode("utf-8")).hexdigest()[:8]


MAX_LOCK_BYTES = 64 << 20
"""A lock of 300,000 notes is some 60 MB.  A shared lock far past that is no deck's, and
its entries would cost gigabytes to match against (a 55 MB lock of 300,000 entries that
matched no note took 2.8 GB): it is refused, as a damaged one is."""


def read(path: Path, memo: Memo | None = None) -> tuple[Lock, list[Diagnostic]]:
    """Read and validate a lock file; a missing file is an empty lock.

    The lock is committed beside shared notes, so it is checked like them: a file
    that cannot be a lock (not UTF-8, not JSON, a newer version) is a ``LockError``;
    single bad entries, and entries that share a GUID (Anki would merge their notes),
    are dropped with a warning, and those notes get fresh identities.  A file whose
    bytes are those a build saved is taken from ``memo`` instead, already checked.
    """
    try:
        raw = inputs.read_bytes(path, MAX_LOCK_BYTES)
    except FileNotFoundError:
        return Lock(), []
    except OSError as exc:
        why = f"cannot read lock file: {exc.strerror}"
        raise LockError(path, why + ("; " + _RESTORE if exc.errno == errno.EFBIG else "")) \
            from exc
    known = memo.recall(path, raw) if memo is not None else None
    if known is not None:
        return known, []
    try:
        data = json.loads(raw.decode("utf-8"), parse_int=_whole_number)
        _check_version(data, path)
        if "notes" not in data:  # (a KeyError says only "'notes'")
            raise ValueError('it has no "notes" object')
        notes = data["notes"]
        notetype = data.get("notetype", {})
        if not isinstance(notetype, dict):
            raise TypeError('"notetype" is not an object')
        notetype_hash = str(notetype.get("hash", ""))
        notetype_changed = _time(notetype.get("changed", 0))
        if not isinstance(notes, dict):
            raise TypeError("\"notes\" is not an object")
    except UnicodeDecodeError as exc:
        raise LockError(path, f"lock file is not UTF-8 (byte {exc.start}); " + _RESTORE) from exc
    except RecursionError as exc:
        raise LockError(path, "lock file is nested too deeply; " + _RESTORE) from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise LockError(path, f"lock file is damaged ({exc}); " + _RESTORE) from exc
    entries, problems = _valid_entries(notes)
    diagnostics = [Diagnostic(SourceLoc(str(path), 1), "warning", problem, "lock-entry")
                   for problem in problems]
    return Lock(entries, notetype_hash, notetype_changed), diagnostics


_RESTORE = ("restore it from version control or delete it "
            "(notes keep their GUIDs, but rewordings are no longer recognised)")


def _check_version(data: object, path: Path) -> None:
    if not isinstance(data, dict):
        raise TypeError("not a JSON object")
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"version {version!r} is not a lock version")
    if version > LOCK_VERSION:
        # A newer lock may mean anything by its fields: reading it as ours could give notes
        # wrong GUIDs, and saving it would throw away what the newer version wrote.
        raise LockError(path, f"lock version {version} is newer than this build-deck reads "
                        f"({LOCK_VERSION}); update build-deck", "lock-version")


def _valid_entries(notes: dict[object, object]) -> tuple[dict[str, LockEntry], list[str]]:
    """Keep the well-formed entries; of entries sharing a GUID, keep the first by key."""
    entries: dict[str, LockEntry] = {}
    problems: list[str] = []
    owner: dict[str, str] = {}
    for key, value in sorted(notes.items(), key=lambda item: str(item[0])):
        try:
            _no_surrogate(key, "key")
            entry = _entry(value)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            problems.append(f"lock entry {_shown(key)} is malformed ({exc}): dropped; "
                            "its note gets a new identity")
            continue
        if entry.guid in owner:
            problems.append(f"lock entries {_shown(owner[entry.guid])} and {_shown(key)} share "
                            f"GUID {_shown(entry.guid)}: the second is dropped, "
                            "its note gets a new GUID")
            continue
        owner[entry.guid] = str(key)
        entries[str(key)] = entry
    return entries, problems


def _shown(value: object) -> str:
    text = str(value)
    shown = json.dumps(text[:80] + ("…" if len(text) > 80 else ""), ensure_ascii=False)
    return shown.encode("utf-8", "backslashreplace").decode("utf-8")  # a lone surrogate


def _no_surrogate(value: object, name: str) -> None:
    # JSON's "\ud800" escape makes half of a UTF-16 pair, which no UTF-8 text holds: a
    # key or question holding one failed as the build hashed it or wrote the lock.
    if isinstance(value, str) and _SURROGATE.search(value):
        raise ValueError(f"{name} holds half of a UTF-16 pair, no character")


def _entry(value: object) -> LockEntry:
    if not isinstance(value, dict):
        raise TypeError("not a JSON object")
    guid, content = value.get("guid"), value.get("hash")
    if not isinstance(guid, str) or not guid:
        raise ValueError("guid is not a non-empty string")
    if not isinstance(content, str) or not content:
        raise ValueError("hash is not a non-empty string")
    if len(guid) > _MAX_GUID or not guid.isprintable():
        raise ValueError("guid is not a short printable string")
    sketch = str(value.get("sketch", ""))
    if sketch and not _HEX.fullmatch(sketch):
        raise ValueError("sketch is not a 64-bit hexadecimal hash")
    removed = value.get("removed")
    if "changed" not in value:  # (a KeyError says only "'changed'")
        raise ValueError('it has no "changed" time')
    for name in ("hash", "question", "file", "answer"):
        _no_surrogate(value.get(name), name)
    return LockEntry(guid, content, _time(value["changed"]), str(value.get("question", "")),
                     str(value.get("file", "")), str(value.get("answer", "")), sketch,
                     _time(removed) if removed is not None else None)


_MAX_GUID = 64
_SURROGATE = re.compile("[\ud800-\udfff]")
_HEX = re.compile("[0-9a-f]{1,16}")
_MAX_TIME = 2**32
"""Later than any real note time (year 2106); Anki keeps times in 64-bit integers, and a
planted huge one would overflow the note's modification time."""


_MAX_DIGITS = 30
"""Digits of a lock's longest number; Python refuses over 4,300 with a message of its own."""


def _whole_number(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > _MAX_DIGITS:
        raise ValueError(f"a number of {digits:,} digits")
    return int(text)


def _time(value: object) -> int:
    seconds = value if type(value) is int else _whole_number(str(value))  # not a bool
    if not 0 <= seconds < _MAX_TIME:
        raise ValueError(f"time {seconds} is out of range")
    return seconds


def dumps(lock: Lock) -> str:
    """Serialise a lock as sorted JSON with one note per line."""
    return encode(lock).decode("utf-8")


def encode(lock: Lock, previous: Lock | None = None) -> bytes:
    """Return the lock file's bytes; an entry that ``previous`` holds too (the same
    object) keeps its line from ``previous``'s file, if it has them (``Lock.lines``)."""
    kept = previous.lines if previous is not None and previous.lines is not None else {}
    old = previous.entries if previous is not None else {}
    head = ("{\n"
            f' "version": {LOCK_VERSION},\n'
            ' "notetype": ' + json.dumps({"hash": lock.notetype_hash,
                                          "changed": lock.notetype_changed}) + ",\n"
            ' "notes": {\n')
    lines = [line if old.get(key) is entry and (line := kept.get(key)) is not None
             else _line(key, entry).encode("utf-8") + b","
             for key, entry in sorted(lock.entries.items())]
    if lines:
        lines[-1] = lines[-1][:-1]  # the last note's line has no comma
    return b"\n".join([head.encode("utf-8") + b"\n".join(lines), b" }", b"}", b""]) \
        if lines else (head + " }\n}\n").encode("utf-8")


def _line(key: str, entry: LockEntry) -> str:
    # The object json.dumps writes for the fields but "removed": None, put together
    # here from each value's JSON: an encoder call per note costs twice the time.
    values = ", ".join([
        f'"{name}": {_string(value) if type(value) is str else _other(value)}'
        for name, value in zip(_ENTRY_FIELDS, entry, strict=True) if value is not None])
    return f"  {_string(key)}: {{{values}}}"


_ENTRY_FIELDS = LockEntry._fields
_json = json.JSONEncoder(ensure_ascii=False).encode
"""``json.dumps(…, ensure_ascii=False)``, without making an encoder per call."""
_string = encode_basestring
"""``_json`` of a string (what it calls for one)."""


def _other(value: object) -> str:
    return str(value) if type(value) is int else _json(value)  # an int's JSON is its str


def save(path: Path, data: bytes) -> None:
    """Write a lock, ``encode``d, atomically."""
    atomic_write_bytes(path, data)


def advance(previous: int, now: int, changed: bool) -> int:
    """Return a note's new change time: kept if unchanged, strictly later if changed."""
    if not changed:
        return previous
    return max(now, previous + 1)


class Memo:
    """Which lock files builds saved, in the cache ``folder``.

    Reading a large lock back costs a tenth of an edit's build (20,000 entries, each
    checked), and the lock a build reads is nearly always the one the last build saved,
    whose entries were checked as it was saved (``_reads_back``).  So the hash of each
    lock saved is kept here, signed like the parses beside it (``builder.parse.cache``):
    a file with exactly those bytes needs no checks, and each of its lines is known to be
    the line ``dumps`` writes for its entry.  Any other file (edited by hand, checked
    out, or from another machine) is checked whole.
    """

    FORMAT = 1
    _SAVED = "saved"

    def __init__(self, folder: Path) -> None:
        self.cache = ParseCache(folder, "lock")
        """Saved with the build's other caches, once it has written its outputs."""

    def _key(self, data: bytes) -> str:
        return f"{inputs.sha256(data).hex()}-{LOCK_VERSION}-{self.FORMAT}"

    def recall(self, path: Path, data: bytes) -> Lock | None:
        """The lock a build saved as ``data``, with each entry's line; None if no build
        did (as far as the memo knows)."""
        if self.cache.get(str(path), self._key(data)) != self._SAVED:
            return None
        try:
            found = json.loads(data.decode("utf-8"))
            notetype, notes = found["notetype"], found["notes"]
            # Written by ``encode``: its lines, one per note in the same order.
            lines = data.split(b"\n")[4:-3]
            if lines:
                lines[-1] += b","
            entries = {key: _recalled_entry(value) for key, value in notes.items()}
            return Lock(entries, notetype["hash"], notetype["changed"],
                        dict(zip(notes, lines, strict=True)))
        except (ValueError, KeyError, TypeError, AttributeError):  # not as remembered
            return None

    def remember(self, path: Path, data: bytes, lock: Lock, previous: Lock) -> None:
        """Note that the lock file holds ``data``, written from ``lock``, if reading it
        gives ``lock`` back whole (``previous``: the lock it was made from)."""
        if _reads_back(lock, previous):
            self.cache.put(str(path), self._key(data), self._SAVED)


_ALIVE_FIELDS = _ENTRY_FIELDS[:-1]
"""The fields ``encode`` writes of an entry whose ``removed`` is None, in its order."""
_new_entry = maker(LockEntry, 8)


def _recalled_entry(value: dict[str, object]) -> LockEntry:
    """The entry a remembered lock's line holds.  Its values are taken in order when
    they are the fields ``encode`` writes: a third of the time of ``LockEntry(**value)``,
    which matches each by name (a tenth of reading back a lock of 20,000 entries)."""
    names = tuple(value)
    if names == _ALIVE_FIELDS:
        return _new_entry((*value.values(), None))
    if names == _ENTRY_FIELDS:
        return _new_entry(value.values())
    return LockEntry(**value)  # type: ignore[arg-type]


def _reads_back(lock: Lock, previous: Lock) -> bool:
    """Whether ``read`` of ``lock``'s file gives ``lock``, no entry dropped: checked of
    the entries that ``previous`` does not hold (``read`` checked those)."""
    old = previous.entries
    try:
        _time(lock.notetype_changed)
        for key, entry in lock.entries.items():
            if old.get(key) is not entry and _entry(entry._asdict()) != entry:
                return False
    except (ValueError, KeyError, TypeError, AttributeError):
        return False
    return len({entry.guid for entry in lock.entries.values()}) == len(lock.entries)
