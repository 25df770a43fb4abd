"""Skip a build when nothing it reads or writes has changed since the last one.

A build reads its Markdown files, the images their notes show, the pyproject.toml
files that may silence warnings, the identity lock, its options and the builder
itself; it writes decks, PDFs, preview pages with their media and
removed-notes.txt.  Each file is recorded by the code that reads it, through
``builder.support.inputs``, so no list here can miss one.  The
build is reproducible: from the same inputs it writes the same bytes.  So after each
build that wrote, a record of all of these goes into the cache, and a later build
that finds every one as recorded writes nothing and reports what a rebuild would
report, its warnings included.  Parsing and assembling 20,000 questions only to write the same files
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
from collections.abc import Callable, Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar

from builder.build.config import BuildConfig, display_path
from builder.render.images import ImageResolver
from builder.support.atomic import atomic_write_bytes
from builder.support.codeversion import RUNTIME_LIBRARIES, code_version
from builder.support.inputs import Inputs, unchanged
from builder.support.safefile import read_regular

log = logging.getLogger(__name__)

FORMAT = 2
_NOT_SHAPING = frozenset({"jobs", "force", "settings_file"})
"""Options that change how fast a build is or whether it may skip, never what it writes
(the outputs are the same for any --jobs, as a test checks).  The configuration's
diagnostics shape what a build reports: a FIFO taken out of the tree takes its warning
with it (``config.find_sources``)."""

T = TypeVar("T")

Snapshot = dict[str, list[int] | None]
"""Output path (absolute) → [size, modification time in ns, inode], None if absent."""


class UpToDate:
    """The settings of one build and the last build's record.

    What a build read is recorded where it is read (``builder.support.inputs``): the record holds
    the sources as the build parsed them, the lock as it saved it, every pyproject.toml
    looked for, every picture looked up.  A file edited while the build runs then
    differs from the record, even if the edit is undone later, and the next build does
    its work.  ``day`` is the build date the PDF shows (None without a PDF), so a sheet
    built yesterday is typeset again today, as a full build would.
    """

    def __init__(self, config: BuildConfig, sources: list[tuple[Path, Path]],
                 day: str | None) -> None:
        self.config = config
        self.roots = {display_path(path): root for path, root in sources}
        self.record = config.cache / (
            "build-" + hashlib.sha256(_encoded(config.out_dir.resolve())).hexdigest()[:16]
            + ".json")
        self.settings = _settings_digest(config, sources, day)
        self.inputs = Inputs()
        """What this build reads, as it reads it (see ``builder.support.inputs.recording``)."""

    def last_report(self, replay: Callable[[dict[str, Any]], T]) -> T | None:
        """Return ``replay`` of what the last build reported if nothing changed since,
        else None.  A record that cannot be read or used is no record."""
        try:
            # A regular file, bounded: the cache folder may be a cloned repository's.
            record = json.loads(read_regular(self.record, 256 << 20).decode("utf-8"))
            same: list[tuple[str, Callable[[], bool]]] = [
                ("the record's format", lambda: record["format"] == FORMAT),
                ("an option, a setting or the builder",
                 lambda: record["settings"] == self.settings),
                ("an output", lambda: snapshot(Path(p) for p in record["outputs"])
                 == record["outputs"]),
                ("a source, the lock or a pyproject.toml", lambda: unchanged(record["files"])),
                ("a picture", lambda: ImageResolver(self.roots, self.config.site_root).same_as(
                    [(str(src), str(doc), str(outcome))
                     for src, doc, outcome in record["images"]])),
            ]
            for what, holds in same:
                if not holds():
                    log.info("building: %s changed since the last build", what)
                    return None
            log.info("up to date: nothing changed since the last build (--force builds)")
            return replay(record["report"])
        except FileNotFoundError:
            log.info("building: no record of an earlier build in %s", self.record.parent)
            return None
        except Exception as exc:  # damaged or from another version: build, and replace it
            log.debug("up-to-date record %s not used: %r", self.record, exc)
            return None

    def remember(self, outputs: Iterable[Path], report: dict[str, Any]) -> None:
        """Record this build: what it read (``self.inputs``), the ``outputs`` it wrote
        and what it reported; a record that cannot be written only costs the next build
        its skip."""
        try:
            record = {"format": FORMAT, "settings": self.settings,
                      "files": self.inputs.files, "images": self.inputs.lookups(),
                      "outputs": snapshot(outputs), "report": report}
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
                     ) -> str:
    """Hash what shapes a build besides the files it reads: its options, the sources it
    was given, the builder and the libraries it runs with."""
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
    return digest.hexdigest()


def _encoded(*parts: object) -> bytes:
    # surrogateescape: a folder name that is not UTF-8 still hashes, as its bytes.
    return b"".join(str(part).encode("utf-8", "surrogateescape") + b"\0" for part in parts)


