"""Every file a build reads, recorded where it is read: the up-to-date record's inputs.

A build skips its work when nothing it read has changed (``builder.build.uptodate``).  Listing
those inputs by hand in one place went wrong each time a module began to read a new
one; so every module reads its inputs through this one small interface instead
(``read_bytes``, ``is_file``, ``exists``), and the build in progress (``recording``)
learns of each file, what its bytes hash to, or that it was not there.  Reading
through it is the same as reading directly when no build records (``check``, tests).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from builder.support.safefile import read_regular

Absent = None
"""Recorded for a file looked for and not found: its appearing changes the build."""
PRESENT = "present"
"""Recorded for a file only looked for, not read: its going away changes the build."""

Lookup = tuple[str, str, str]
"""An image looked up: (src as written, document, what it resolved to)."""


class Inputs:
    """What one build read.

    ``files``: absolute path → SHA-256 (hex) of its bytes, PRESENT, or Absent;
    ``images``: each picture looked up (``builder.render.images.ImageResolver``), whose outcome
    depends on files that are not there too (another spelling of its name), so it is
    checked by looking it up again.
    """

    def __init__(self) -> None:
        self.files: dict[str, str | None] = {}
        self.images: dict[tuple[str, str], str] = {}

    def saw(self, path: Path, data: bytes | None) -> None:
        """Record that ``path`` held ``data`` (None: it was not there)."""
        self.files[_key(path)] = None if data is None else sha256(data).hex()

    def lookups(self) -> list[Lookup]:
        return [(src, doc, outcome) for (src, doc), outcome in self.images.items()]


def sha256(data: bytes) -> bytes:
    """The SHA-256 digest of ``data``, hashed once: a build hashes what it reads for its
    record here, and then again for what it reads it for (a source's parse-cache key,
    the lock's memo; 20 MB at 20,000 notes), so the bytes hashed last are remembered."""
    global _LAST_HASHED
    last = _LAST_HASHED
    if last is not None and last[0] is data:
        return last[1]
    digest = hashlib.sha256(data).digest()
    _LAST_HASHED = (data, digest)
    return digest


_LAST_HASHED: tuple[bytes, bytes] | None = None


def unchanged(files: dict[str, str | None]) -> bool:
    """Whether every file of an ``Inputs.files`` is now as it was then.

    Each file is read and hashed whole, and the first that differs ends the check: the
    files modified last are checked first, where an edit nearly always is (at 20,000
    questions in 20 files, an edit to the 11th read and hashed ten files for nothing)."""
    return all(_now(Path(path), recorded) == recorded
               for path, recorded in sorted(files.items(), key=_newest_first))


def _newest_first(item: tuple[str, str | None]) -> int:
    """Sorts the file ``item`` names by its modification time, latest first; a file that
    cannot be looked at comes before all (it is gone, or changed into something else)."""
    try:
        return -os.stat(item[0]).st_mtime_ns
    except (OSError, ValueError):
        return -(1 << 128)


def _now(path: Path, recorded: str | None) -> str | None:
    if recorded == PRESENT:
        return PRESENT if path.exists() else Absent
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return Absent


_CURRENT: contextvars.ContextVar[Inputs | None] = contextvars.ContextVar("inputs",
                                                                        default=None)


@contextlib.contextmanager
def recording(inputs: Inputs) -> Iterator[Inputs]:
    """Record into ``inputs`` every read made through this module within the block."""
    token = _CURRENT.set(inputs)
    try:
        yield inputs
    finally:
        _CURRENT.reset(token)


def read_bytes(path: Path, limit: int = 1 << 30) -> bytes:
    """``path``'s bytes as a regular file of at most ``limit`` bytes (``read_regular``),
    recorded; a file not found is recorded as Absent."""
    try:
        data = read_regular(path, limit)
    except FileNotFoundError:
        _saw(path, None)
        raise
    _saw(path, data)
    return data


def read_text(path: Path) -> str:
    """``path.read_text(encoding="utf-8")``, recorded (the bytes, before decoding)."""
    return read_bytes(path).decode("utf-8")


def is_file(path: Path) -> bool:
    """``path.is_file()``; a file that is not there is recorded as Absent (one that is
    will be read, and recorded then)."""
    found = _looks(path.is_file)
    if not found:
        _saw(path, None)
    return found


def exists(path: Path) -> bool:
    """``path.exists()``, recorded: PRESENT or Absent."""
    found = _looks(path.exists)
    inputs = _CURRENT.get()
    if inputs is not None:
        inputs.files.setdefault(_key(path), PRESENT if found else Absent)
    return found


def _looks(test: Callable[[], bool]) -> bool:
    """``test()``, False where pathlib raises: a name too long to be a file's, or in a
    folder this user may not search (a shared lock names any path it likes)."""
    try:
        return test()
    except OSError:
        return False


def looked_up(src: str, document: str, outcome: str) -> None:
    """Record that the picture ``src`` of ``document`` resolved to ``outcome``."""
    inputs = _CURRENT.get()
    if inputs is not None:
        inputs.images[(src, document)] = outcome


def wrote(path: Path, data: bytes) -> None:
    """Record that the build itself left ``path`` holding ``data`` (the lock it saved):
    the next build compares with that, not with what was read before."""
    _saw(path, data)


def _saw(path: Path, data: bytes | None) -> None:
    inputs = _CURRENT.get()
    if inputs is not None:
        inputs.saw(path, data)


def _key(path: Path) -> str:
    # Absolute, not resolved: a link replaced by another link is another input.
    return os.path.abspath(path)
