"""What this user's builds found in the image cache's files, known again by each file's stat.

Each build looks up every formula's and diagram's cached files: at 2,000 questions some
7,000 of them.  Checking each image is whole means inflating it, and each formula's
metadata is read and its typst checked again: about a second a build, for files that
have not changed.  So a build records, in one file in the cache folder, each file it
checked: its size, modification and change times and inode, and what it found (the image
is whole; the metadata; the typst that passed the safety check).  A later build that finds
a file's stat as recorded takes that finding; a file whose stat differs is checked again.

Why a stat is enough: the cache's files are written whole (a temporary file renamed into
place), and what damages one later (a full disk, a copy cut short, an edit) changes its
size, its inode or its change time.  The change time (ctime) cannot be set back as the
modification time can, so a file edited and given its old mtime back is checked again.
A file changed within a clock tick of being checked could keep all four, so what a build
finds in a file changed in the last two seconds is not recorded (git's "racily clean"
entries): the next build checks it again.  (Someone able to write the cache folder can
always put a whole but wrong image there; the check was never proof against that, only
against damage.)

Why signed: the record decides which typst the PDF evaluates and which images are packed
unchecked, and a cache folder may be shared or shipped with notes.  So the record carries
an HMAC under this user's cache secret (``builder.parse.cache.cache_secret``), and one
that does not verify, or was made by another version of the builder, is no record:
everything is checked again.  A wrong record can only cost checking again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from builder.parse.cache import cache_secret
from builder.support.atomic import atomic_write_bytes
from builder.support.codeversion import RUNTIME_LIBRARIES, code_version
from builder.support.filestat import settled, signature
from builder.support.safefile import read_regular

log = logging.getLogger(__name__)

INDEX_NAME = "checked-files.json"
FORMAT = 1
J = TypeVar("J")

class CheckedFiles:
    """The findings recorded for the files of one cache folder, and this build's own."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._secret = cache_secret()
        # name → its stat, a newline and the finding as JSON: strings, so that a large
        # record adds no objects for the garbage collector to walk.
        self._entries: dict[str, str] = {}
        self._derived: dict[str, str] = {}
        if self._secret is not None:
            self._entries, self._derived = _load(folder / INDEX_NAME, self._secret)
        self._changed = False
        self.reused = 0
        """Findings taken from the record in this build."""

    def derived(self, name: str, compute: Callable[[], str]) -> str:
        """``compute()``, a value that depends only on the builder's code and libraries
        (a fingerprint of the drawing code, which takes reading and parsing its modules),
        or the value it had when this record was made by the same code."""
        if name not in self._derived:
            self._derived[name] = compute()
            self._changed = True
        return self._derived[name]

    def check(self, path: Path, examine: Callable[[Path], J | None]) -> J | None:
        """``examine(path)``, or what it found before if the file is unchanged since.

        ``path`` is a file of the cache folder; ``examine`` returns a JSON value (None:
        the file is missing or unusable, and nothing is recorded).  A value read back from
        the record has gone through JSON: lists for tuples.
        """
        try:
            info = os.stat(path)
        except OSError:
            return examine(path)
        before = signature(info)
        stat, _, finding = self._entries.get(path.name, "").partition("\n")
        if stat == before:
            self.reused += 1
            # (Most findings are an image's "whole": no need to parse them.)
            known: J = True if finding == "true" else json.loads(finding)  # type: ignore[assignment]
            return known
        now = time.time_ns()
        found = examine(path)
        # Recorded with the stat taken before it was examined: a change since, even while
        # it was examined, gives the file another stat, and the next build looks again.
        if found is not None and self._secret is not None and settled(info, now):
            self._entries[path.name] = before + "\n" + json.dumps(
                found, ensure_ascii=False, separators=(",", ":"))
            self._changed = True
        return found

    def recorded(self, path: Path) -> str | None:
        """The stat (``filestat.signature``) under which a finding about ``path`` is
        recorded: taken before the file was examined; None when none is."""
        stat, _, _finding = self._entries.get(path.name, "").partition("\n")
        return stat or None

    def save(self) -> None:
        """Write the record if this build added to it; a record that cannot be written
        only costs the next build its checks."""
        if not self._changed or self._secret is None:
            return
        try:
            present = set(os.listdir(self.folder))
            # Files gone from the folder leave the record, so it never outgrows the cache.
            files = {name: entry for name, entry in self._entries.items() if name in present}
            body = json.dumps({"format": FORMAT, "code": _code(), "derived": self._derived,
                               "files": files},
                              ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            atomic_write_bytes(self.folder / INDEX_NAME, _tag(self._secret, body) + body)
            self._changed = False
        except (OSError, ValueError) as exc:
            log.debug("record of checked cache files not written: %s", exc)


def _load(path: Path, secret: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """The files and derived values of the record at ``path``; none unless it is signed
    with ``secret`` and made by this code."""
    try:
        data = read_regular(path, 256 << 20)  # the cache folder may be a cloned repository's
    except OSError:
        return {}, {}
    tag, _, body = data.partition(b"\n")
    if not hmac.compare_digest(tag + b"\n", _tag(secret, body)):
        log.debug("record of checked cache files %s not signed by this user: not used", path)
        return {}, {}
    try:
        record = json.loads(body)
        if record["format"] == FORMAT and record["code"] == _code():
            # Dictionaries of strings, as only ``save`` writes them (signed).
            return dict(record["files"]), dict(record["derived"])
    except (ValueError, KeyError, TypeError) as exc:
        log.debug("record of checked cache files %s not used: %r", path, exc)
    return {}, {}


def _code() -> str:
    # The up-to-date check hashes the same (once a process): new checking code never
    # takes an old finding.
    return code_version(RUNTIME_LIBRARIES, (".py", ".typ"))


def _tag(secret: bytes, body: bytes) -> bytes:
    return hmac.new(secret, body, hashlib.sha256).hexdigest().encode("ascii") + b"\n"
