"""Reading a file the notes name, whatever it has become since it was checked.

A tree changes while a build runs: a picture checked as a small PNG may be a link to
``/dev/zero`` or a FIFO by the time the deck is packed, and reading it whole never ends
(the deck's writer ran out of memory).  Each file is opened without waiting (a FIFO with
no writer would block), must be a regular file, and is read only up to a limit.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) \
    | getattr(os, "O_BINARY", 0)


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``; OSError for anything else (a FIFO, a
    device, a folder) and for a file over ``limit`` bytes (its ``strerror`` says which)."""
    return read_regular_with_stat(path, limit)[0]


def read_regular_with_stat(path: Path, limit: int) -> tuple[bytes, os.stat_result]:
    """``read_regular``, and the stat of the file read, taken as it was opened."""
    with open_regular(path) as (handle, status):
        return read_rest(handle, status, limit, path), status


@contextlib.contextmanager
def open_regular(path: Path) -> Iterator[tuple[BinaryIO, os.stat_result]]:
    """The regular file at ``path``, open to read, and its stat taken as it was opened;
    OSError for anything else (a FIFO, a device, a folder), which is never waited on."""
    descriptor = os.open(path, _FLAGS)
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, f"{path} is not a regular file (a FIFO, a device or "
                          "a folder; did it change during the build?)", str(path))
        yield handle, status


def read_rest(handle: BinaryIO, status: os.stat_result, limit: int, path: Path) -> bytes:
    """What is left to read of a file opened with ``open_regular``, up to ``limit`` bytes
    (OSError past it)."""
    # ``read(n)`` sets aside n bytes first: asking for the file's size, not the limit,
    # keeps a gigabyte's mapping (and its page faults, per file) out of every read.
    data = handle.read(min(status.st_size, limit) + 1)
    if len(data) > status.st_size:  # it grew since
        data += handle.read(limit + 1 - len(data))
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"{path} is larger than {limit:,} bytes", str(path))
    return data


def copy_regular(source: Path, dest: Path, limit: int) -> None:
    """Copy the regular file at ``source`` to ``dest``; OSError as ``read_regular`` (a
    link to ``/dev/zero`` would otherwise be copied until the disk is full)."""
    with open_regular(source) as (handle, _status), open(dest, "wb") as out:
        left = limit + 1
        while left > 0 and (chunk := handle.read(min(left, 1 << 20))):
            out.write(chunk)
            left -= len(chunk)
    if left <= 0:
        raise OSError(errno.EFBIG, f"{source} is larger than {limit:,} bytes", str(source))


_NAMED_BY_BYTES = re.compile(r"img-.*-([0-9a-f]{16})\.[a-z]+")
"""A picture's media name (``builder.render.images``): its bytes' SHA-256 before its
suffix, the first 16 hex digits."""


def read_packed(path: Path, limit: int, name: str,
                read: Callable[[Path, int], bytes] = read_regular) -> bytes:
    """The bytes of the media file ``name`` at ``path``, read with ``read``; OSError when
    a picture's are not the bytes it was checked and named with.  Between its check and
    the packing, a picture in a synced or shared folder may be swapped for a link to a
    file outside the notes (a key, a password file) or for an SVG that runs a script:
    the deck holds only what was checked."""
    data = read(path, limit)
    named = _NAMED_BY_BYTES.fullmatch(name)
    if named and hashlib.sha256(data).hexdigest()[:16] != named.group(1):
        raise OSError(errno.ESTALE, f"{path} changed during the build (its bytes are not "
                      "those of the picture checked); build again", str(path))
    return data
