"""Parsed sources kept between builds, so a rebuild parses only the files that changed.

Parsing and checking is pure Python (markdown-it-py) and costs about a second per
megabyte of notes, every build.  Its result depends only on the file's bytes, the
name it is shown under, the parse options and the code that parses, so it is
stored under a hash of exactly those, like the rendered images.  Each source file
has one cache entry, replaced when the file changes, so the cache never grows
with edits.  An entry that cannot be read is parsed again.

Each entry is its key on one line, then the pickled result.  When workers parsed the
file they already made that pickle (results cross the process boundary pickled
anyway), so storing costs the building process no second pickling; a file parsed in
this process is pickled when the cache is saved.  A stale entry is recognised from
its first line without unpickling the rest.  Pickles are safe here: the cache lives
in the build's own output folder, which only the author writes (as for the rest of
``dist/``).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from pathlib import Path
from typing import Any

from builder.atomic import atomic_write_bytes
from builder.codeversion import code_version

log = logging.getLogger(__name__)

FORMAT = 2
_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "PyYAML", "nh3")


def _code_version() -> str:
    """Hash the builder's own sources and the parsing libraries' versions."""
    return code_version(_LIBRARIES) + str(FORMAT)


def pickled_result(result: object) -> bytes:
    """Pickle a parse result the way ``ParseCache.put`` takes it."""
    return pickle.dumps(result, pickle.HIGHEST_PROTOCOL)


class ParseCache:
    """Parsed sources in ``folder``, one entry per source file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._unsaved: dict[str, tuple[str, object, bytes | None]] = {}

    def key(self, content: bytes, shown: str, options: object) -> str:
        """Hash everything a parse result depends on; ``content`` is the SHA-256 of the
        file's bytes."""
        digest = hashlib.sha256(content)
        digest.update(f"\0{shown}\0{options!r}\0{_code_version()}".encode())
        return digest.hexdigest()

    def _entry(self, shown: str) -> Path:
        return self.folder / f"parsed-{hashlib.sha256(shown.encode()).hexdigest()[:16]}.pickle"

    def get(self, shown: str, key: str) -> Any | None:
        """Return the stored result for ``key``, or None."""
        header = key.encode("ascii") + b"\n"
        try:
            with self._entry(shown).open("rb") as entry:
                if entry.read(len(header)) != header:
                    return None
                return pickle.loads(entry.read())
        except Exception:  # missing, damaged, or from another Python: parse again
            return None

    def put(self, shown: str, key: str, result: object, pickled: bytes | None = None) -> None:
        """Keep ``result`` to be stored by ``save``; ``pickled`` is its
        ``pickled_result`` when a worker already made it."""
        self._unsaved[shown] = (key, result, pickled)

    def save(self) -> None:
        """Store what ``put`` kept; a cache that cannot be written only costs speed.

        Only a build that writes its outputs calls this: ``check`` and a failed or
        ``--strict`` build leave no trace.
        """
        try:
            if self._unsaved:
                self.folder.mkdir(parents=True, exist_ok=True)
            for shown, (key, result, pickled) in self._unsaved.items():
                atomic_write_bytes(self._entry(shown), key.encode("ascii") + b"\n"
                                   + (pickled or pickled_result(result)))
        except OSError as exc:
            log.debug("parse cache not written: %s", exc)
        self._unsaved.clear()
