"""Skip a build when nothing it reads or writes has changed since the last one.

A build reads its Markdown files, the images their notes show, the pyproject.toml
files that may silence warnings, the identity lock, its options and the builder
itself; it writes decks, PDFs and removed-notes.txt.  The build is reproducible:
from the same inputs it writes the same bytes.  So after each build that wrote, a
record of all of these goes into the cache, and a later build that finds every one
as recorded writes nothing and reports what a rebuild would report, its warnings
included.  Parsing and assembling 20,000 questions only to write the same files
again takes seconds; this check takes milliseconds.  A build with errors leaves no
record: what failed (a diagram, say) is tried again.

Inputs are compared by content, so a touched but unchanged file is still up to date;
outputs by size, modification time and inode, since reading a large deck back would
cost more than the skip saves.  Every output is written to a new file that replaces
the old one, so whatever a build wrote before it failed or was stopped no longer
matches the last record, and the next build does the work.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import sys
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar

from builder.atomic import atomic_write_bytes
from builder.codeversion import RUNTIME_LIBRARIES, code_version
from builder.config import BuildConfig, display_path
from builder.images import ImageResolver
from builder.source import too_large

log = logging.getLogger(__name__)

FORMAT = 1
_PYPROJECT = "pyproject.toml"
_NOT_SHAPING = frozenset({"jobs", "force", "settings_file", "diagnostics"})
"""Options that change how fast a build is or whether it may skip, never what it writes
(the outputs are the same for any --jobs, as a test checks); and what is read from a
pyproject.toml, which is hashed as a file (see ``_pyprojects``)."""

T = TypeVar("T")

Snapshot = dict[str, list[int] | None]
"""Output path (absolute) → [size, modification time in ns, inode], None if absent."""


class UpToDate:
    """The inputs of one build and the last build's record.

    The record holds the sources as the build read them (``remember`` is given their
    hashes), and the settings as they were before it read anything: a file edited
    while the build runs then differs from the record, even if the edit is undone
    later, and the next build does its work.  ``day`` is the build date the PDF shows
    (None without a PDF), so a sheet built yesterday is typeset again today, as a full
    build would.
    """

    def __init__(self, config: BuildConfig, sources: list[tuple[Path, Path]], lock: Path,
                 day: str | None) -> None:
        self.config = config
        self.lock = lock
        self.roots = {display_path(path): root for path, root in sources}
        self.record = config.cache / (
            "build-" + hashlib.sha256(_encoded(config.out_dir.resolve())).hexdigest()[:16]
            + ".json")
        self.sources = sources
        self.settings = _settings_digest(config, sources, day)
        self.inputs = _inputs_digest(self.settings, sources, _source_hash)

    def last_report(self, replay: Callable[[dict[str, Any]], T]) -> T | None:
        """Return ``replay`` of what the last build reported if nothing changed since,
        else None.  A record that cannot be read or used is no record."""
        if self.inputs is None:
            log.info("building: a source or a pyproject.toml cannot be read")
            return None
        try:
            record = json.loads(self.record.read_text(encoding="utf-8"))
            same: list[tuple[str, Callable[[], bool]]] = [
                ("the record's format", lambda: record["format"] == FORMAT),
                ("a source, an option, a setting or the builder",
                 lambda: record["inputs"] == self.inputs),
                ("an output", lambda: snapshot(Path(p) for p in record["outputs"])
                 == record["outputs"]),
                ("the lock", lambda: _file_digest(self.lock) == record["lock"]),
                ("a lock file", lambda: all(Path(file).exists() == existed
                                            for file, existed in record["lock_files"].items())),
                ("a picture", lambda: ImageResolver(self.roots, self.config.site_root).same_as(
                    [(str(src), str(doc), str(outcome))
                     for src, doc, outcome in record["images"]])),
            ]
            for what, unchanged in same:
                if not unchanged():
                    log.info("building: %s changed since the last build", what)
                    return None
            log.info("up to date: nothing changed since the last build (--force builds)")
            return replay(record["report"])
        except FileNotFoundError:
            log.info("building: no record of an earlier build in %s", display_path(self.record))
            return None
        except Exception as exc:  # damaged or from another version: build, and replace it
            log.debug("up-to-date record %s not used: %r", self.record, exc)
            return None

    def remember(self, read: Mapping[Path, bytes], outputs: Iterable[Path],
                 lock_digest: str | None, images: list[tuple[str, str, str]],
                 lock_files: dict[str, bool], report: dict[str, Any]) -> None:
        """Record a build that read the sources hashing to ``read`` (SHA-256) and wrote
        ``outputs`` with the lock hashing to ``lock_digest``; a record that cannot be
        written only costs the next build its skip."""
        inputs = _inputs_digest(self.settings, self.sources, read.get)
        if inputs is None:
            return
        try:
            record = {"format": FORMAT, "inputs": inputs, "lock": lock_digest,
                      "outputs": snapshot(outputs), "images": images,
                      "lock_files": lock_files, "report": report}
            self.record.parent.mkdir(parents=True, exist_ok=True)
            # ASCII: a path that is not UTF-8 (surrogates) is kept as an escape.
            atomic_write_bytes(self.record, json.dumps(record).encode("ascii"))
        except (OSError, ValueError) as exc:
            log.debug("up-to-date record not written: %s", exc)


def snapshot(paths: Iterable[Path]) -> Snapshot:
    """Return each file's size, modification time and inode, or None where there is none."""
    taken: Snapshot = {}
    for path in paths:
        try:
            stat = path.stat()
        except FileNotFoundError:
            taken[str(path.resolve())] = None
            continue
        taken[str(path.resolve())] = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
    return taken


def _settings_digest(config: BuildConfig, sources: list[tuple[Path, Path]], day: str | None
                     ) -> str | None:
    """Hash what shapes a build besides its sources' text, or None if a pyproject.toml
    cannot be read."""
    # SQLite's version is written into every deck, and zlib's settles the zip's bytes.
    digest = hashlib.sha256(_encoded(
        FORMAT, code_version(RUNTIME_LIBRARIES, (".py", ".typ")), sys.version,
        sqlite3.sqlite_version, zlib.ZLIB_RUNTIME_VERSION, os.getcwd(), day))
    options = [(f.name, getattr(config, f.name)) for f in fields(config)
               if f.name not in _NOT_SHAPING]
    digest.update(repr(options).encode())
    # The names shown: what the deck, lock and diagnostics hold (a link's target's).
    digest.update(_encoded(*(part for path, root in sources
                             for part in (path, root, display_path(path)))))
    try:
        for project in _pyprojects(path for path, _root in sources):
            digest.update(_encoded(project))
            if project.is_file():
                digest.update(_file_hash(project))
    except OSError:
        return None
    return digest.hexdigest()


def _inputs_digest(settings: str | None, sources: list[tuple[Path, Path]],
                   content: Callable[[Path], bytes | None]) -> str | None:
    """Combine ``settings`` with each source's ``content`` hash; None if one is missing
    (a file that cannot be read: the build reports why)."""
    if settings is None:
        return None
    digest = hashlib.sha256(settings.encode())
    for path, _root in sources:
        try:
            found = content(path)
        except OSError:
            return None
        if found is None:
            return None
        digest.update(found)
    return digest.hexdigest()


def _file_hash(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def _source_hash(path: Path) -> bytes | None:
    # A source over the size limit is refused unread (an error, so never skipped): reading
    # it here would cost what the limit is there to spare.
    return None if too_large(path) else _file_hash(path)


def _encoded(*parts: object) -> bytes:
    # surrogateescape: a folder name that is not UTF-8 still hashes, as its bytes.
    return b"".join(str(part).encode("utf-8", "surrogateescape") + b"\0" for part in parts)


def _pyprojects(files: Iterable[Path]) -> list[Path]:
    """Every pyproject.toml that could silence warnings for ``files``: one in each folder
    from theirs up to the root (see ``builder.silence``), existing or not."""
    folders: dict[Path, None] = {}
    for file in files:
        folder = file.resolve().parent
        while folder not in folders:
            folders[folder] = None
            if folder.parent == folder:
                break
            folder = folder.parent
    return [folder / _PYPROJECT for folder in sorted(folders)]


def _file_digest(path: Path) -> str | None:
    try:
        return _file_hash(path).hex()
    except FileNotFoundError:
        return None
