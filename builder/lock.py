"""The identity lock: which GUID each note has and when its content last changed.

Anki applies an incoming note only when its modification time is strictly newer
than the collection's copy, and genanki stamps every note with one build time.
Rebuilding within the same second would then silently drop edits, and
re-importing an unchanged deck would report every note as updated.  So each
note's time comes from here: it advances only when the note's content hash
changes, and then always by at least one second past its previous value.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from builder.atomic import atomic_write_bytes

log = logging.getLogger(__name__)

LOCK_NAME = "build-deck.lock"
LOCK_VERSION = 1


class LockError(Exception):
    """The lock file exists but cannot be used."""


@dataclass(frozen=True, slots=True)
class LockEntry:
    """What the lock remembers about one note."""

    guid: str
    content_hash: str
    changed: int
    """Unix time (seconds) at which the note's content last changed."""


@dataclass(frozen=True)
class Lock:
    """Notes by key, plus the note type's own hash and change time."""

    entries: dict[str, LockEntry] = field(default_factory=dict)
    notetype_hash: str = ""
    notetype_changed: int = 0


def content_hash(*parts: str) -> str:
    """Hash the fields that make up a note's content."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()[:20]


def load(path: Path) -> Lock:
    """Read a lock file; a missing file is an empty lock."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Lock()
    except OSError as exc:
        raise LockError(f"{path}: cannot read lock file: {exc.strerror}") from exc
    try:
        data = json.loads(raw)
        notes = data["notes"]
        entries = {
            key: LockEntry(str(v["guid"]), str(v["hash"]), int(v["changed"]))
            for key, v in notes.items()
        }
        notetype = data.get("notetype", {})
        return Lock(entries, str(notetype.get("hash", "")), int(notetype.get("changed", 0)))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise LockError(
            f"{path}: lock file is damaged ({exc}); restore it from version control "
            "or delete it (notes keep their GUIDs, but rewordings are no longer recognised)"
        ) from exc


def dumps(lock: Lock) -> str:
    """Serialise a lock as sorted, diff-friendly JSON."""
    notes = {
        key: {"guid": e.guid, "hash": e.content_hash, "changed": e.changed}
        for key, e in sorted(lock.entries.items())
    }
    data = {
        "version": LOCK_VERSION,
        "notetype": {"hash": lock.notetype_hash, "changed": lock.notetype_changed},
        "notes": notes,
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def save(path: Path, lock: Lock) -> None:
    """Write the lock atomically."""
    atomic_write_bytes(path, dumps(lock).encode("utf-8"))


def advance(previous: int, now: int, changed: bool) -> int:
    """Return a note's new change time: kept if unchanged, strictly later if changed."""
    if not changed:
        return previous
    return max(now, previous + 1)


def stamp(previous: Lock, notes: dict[str, tuple[str, str]], notetype_hash: str,
          now: int, *, keep_missing: bool = True) -> Lock:
    """Return the new lock for ``notes`` (key → (guid, content hash)) built at ``now``."""
    entries: dict[str, LockEntry] = dict(previous.entries) if keep_missing else {}
    for key, (guid, digest) in notes.items():
        old = previous.entries.get(key)
        if old is None:
            entries[key] = LockEntry(guid, digest, now)
        else:
            changed = advance(old.changed, now, old.content_hash != digest or old.guid != guid)
            entries[key] = LockEntry(guid, digest, changed)
    notetype_changed = advance(previous.notetype_changed, now,
                               previous.notetype_hash != notetype_hash)
    return Lock(entries, notetype_hash, notetype_changed)
