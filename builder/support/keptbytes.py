"""Files packed into every package of a watch, kept in memory between its saves.

Each save of a ``build-deck watch`` packs its deck again, pictures and formula images
included: at 2,000 questions some 2,400 files, whose reads cost more than packing them.
Within a watch (``kept_file_bytes``) a file's bytes are kept with its stat, and given
again while the file keeps that stat (``builder.support.filestat``: a stat taken before
the read, of a file last changed more than a clock tick before); a file that changed,
went, or became something else than a regular file is read as in any build
(``safefile.read_regular``, which refuses what is not a regular file).  At most
``KEPT_BYTES`` are kept: past that, the memo starts again empty, so the files of the last
builds fill it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from builder.support.filestat import settled, signature
from builder.support.safefile import read_regular

KEPT_BYTES = 256 << 20
"""The most bytes kept in memory (the formula images of ~25,000 formulas)."""


@dataclass
class _Kept:
    files: dict[Path, tuple[str, bytes]] = field(default_factory=dict)
    """Each file read → its stat's signature before the read, and its bytes."""
    size: int = 0


_KEPT: ContextVar[_Kept | None] = ContextVar("kept_file_bytes", default=None)


@contextlib.contextmanager
def kept_file_bytes() -> Iterator[None]:
    """Keep the bytes of files read with ``read_kept`` in this block for later reads."""
    token = _KEPT.set(_Kept())
    try:
        yield
    finally:
        _KEPT.reset(token)


def read_kept(path: Path, limit: int) -> bytes:
    """``read_regular(path, limit)``, or the bytes it gave before if the file's stat has
    not changed since (within ``kept_file_bytes``)."""
    kept = _KEPT.get()
    if kept is None:
        return read_regular(path, limit)
    try:
        before = os.stat(path)
    except OSError:
        return read_regular(path, limit)  # with its own error
    known = kept.files.get(path)
    if known is not None and known[0] == signature(before) and len(known[1]) <= limit:
        return known[1]
    now = time.time_ns()
    data = read_regular(path, limit)
    if stat.S_ISREG(before.st_mode) and len(data) == before.st_size and settled(before, now):
        _keep(kept, path, signature(before), data)
    return data


def _keep(kept: _Kept, path: Path, sign: str, data: bytes) -> None:
    old = kept.files.pop(path, None)
    if old is not None:
        kept.size -= len(old[1])
    if kept.size + len(data) > KEPT_BYTES:
        kept.files.clear()
        kept.size = 0
        if len(data) > KEPT_BYTES:
            return
    kept.files[path] = (sign, data)
    kept.size += len(data)
