"""Files packed into every package of a watch, kept in memory between its saves.

Each save of a ``build-deck watch`` packs its deck again, pictures and formula images
included: at 2,000 questions some 2,400 files, whose reads cost more than packing them.
Within a watch (``kept_file_bytes``) a file's bytes are kept with the stat of the file
they were read from (taken as it was opened, before the read), and given again while the
path keeps that stat (``builder.support.filestat``; only for a file last changed more
than a clock tick before); a file that changed, went, or became something else than a
regular file is read as in any build (``safefile``, which refuses what is not a regular
file).  At most
``KEPT_BYTES`` are kept: past that, the memo starts again empty, so the files of the last
builds fill it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from builder.support.filestat import path_signature, settled, signature
from builder.support.safefile import read_regular, read_regular_with_stat

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
    known = kept.files.get(path)
    if known is not None and len(known[1]) <= limit and path_signature(path) == known[0]:
        return known[1]
    now = time.time_ns()
    data, status = read_regular_with_stat(path, limit)
    if len(data) == status.st_size and settled(status, now):
        _keep(kept, path, signature(status), data)
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
