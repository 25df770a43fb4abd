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

import hashlib
import json
import re
from dataclasses import dataclass, field, fields
from json.encoder import encode_basestring
from pathlib import Path

from builder.model import Diagnostic, SourceLoc
from builder.support import inputs
from builder.support.atomic import atomic_write_bytes

LOCK_NAME = "build-deck.lock"
LOCK_VERSION = 2


class LockError(Exception):
    """The lock file exists but cannot be used; ``diagnostic`` says why, at the file."""

    def __init__(self, path: Path, message: str, code: str = "lock-file") -> None:
        super().__init__(f"{path}: {message}")
        self.diagnostic = Diagnostic(SourceLoc(str(path), 1), "error", message, code)


@dataclass(frozen=True, slots=True)
class LockEntry:
    """What the lock remembers about one note."""

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


def content_hash(*parts: str) -> str:
    """Hash the parts that make up a note's content."""
    # Each part followed by a unit separator: one string, hashed at once.
    return hashlib.sha256("\x1f".join((*parts, "")).encode("utf-8")).hexdigest()[:20]


def handle(guid: str) -> str:
    """Return a short id for a note that an author can write as ``{#…}`` after a heading."""
    return "n" + hashlib.sha1(guid.encode("utf-8")).hexdigest()[:8]


def read(path: Path) -> tuple[Lock, list[Diagnostic]]:
    """Read and validate a lock file; a missing file is an empty lock.

    The lock is committed beside shared notes, so it is checked like them: a file
    that cannot be a lock (not UTF-8, not JSON, a newer version) is a ``LockError``;
    single bad entries, and entries that share a GUID (Anki would merge their notes),
    are dropped with a warning, and those notes get fresh identities.
    """
    try:
        raw = inputs.read_bytes(path)
    except FileNotFoundError:
        return Lock(), []
    except OSError as exc:
        raise LockError(path, f"cannot read lock file: {exc.strerror}") from exc
    try:
        data = json.loads(raw.decode("utf-8"))
        _check_version(data, path)
        notes = data["notes"]
        notetype = data.get("notetype", {})
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
    return json.dumps(text[:80] + ("…" if len(text) > 80 else ""), ensure_ascii=False)


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
    return LockEntry(guid, content, _time(value["changed"]), str(value.get("question", "")),
                     str(value.get("file", "")), str(value.get("answer", "")), sketch,
                     _time(removed) if removed is not None else None)


_MAX_GUID = 64
_HEX = re.compile("[0-9a-f]{1,16}")
_MAX_TIME = 2**32
"""Later than any real note time (year 2106); Anki keeps times in 64-bit integers, and a
planted huge one would overflow the note's modification time."""


def _time(value: object) -> int:
    seconds = value if type(value) is int else int(str(value))  # not a bool
    if not 0 <= seconds < _MAX_TIME:
        raise ValueError(f"time {seconds} is out of range")
    return seconds


def dumps(lock: Lock) -> str:
    """Serialise a lock as sorted JSON with one note per line."""
    lines = [
        "{",
        f' "version": {LOCK_VERSION},',
        ' "notetype": ' + json.dumps({"hash": lock.notetype_hash,
                                      "changed": lock.notetype_changed}) + ",",
        ' "notes": {',
    ]
    notes = sorted(lock.entries.items())
    last = len(notes) - 1
    for index, (key, entry) in enumerate(notes):
        # The object json.dumps writes for the fields but "removed": None, put together
        # here from each value's JSON: an encoder call per note costs twice the time.
        values = ", ".join([
            f'"{name}": {_string(value) if type(value) is str else _other(value)}'
            for name in _ENTRY_FIELDS if (value := getattr(entry, name)) is not None])
        lines.append(f"  {_string(key)}: {{{values}}}{',' if index < last else ''}")
    lines += [" }", "}"]
    return "\n".join(lines) + "\n"


_ENTRY_FIELDS = tuple(f.name for f in fields(LockEntry))
_json = json.JSONEncoder(ensure_ascii=False).encode
"""``json.dumps(…, ensure_ascii=False)``, without making an encoder per call."""
_string = encode_basestring
"""``_json`` of a string (what it calls for one)."""


def _other(value: object) -> str:
    return str(value) if type(value) is int else _json(value)  # an int's JSON is its str


def encode(lock: Lock) -> bytes:
    """Return the lock file's bytes."""
    return dumps(lock).encode("utf-8")


def save(path: Path, data: bytes) -> None:
    """Write a lock, ``encode``d, atomically."""
    atomic_write_bytes(path, data)


def advance(previous: int, now: int, changed: bool) -> int:
    """Return a note's new change time: kept if unchanged, strictly later if changed."""
    if not changed:
        return previous
    return max(now, previous + 1)
