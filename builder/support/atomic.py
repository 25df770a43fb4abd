"""Write files whole or not at all: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_PREFIX = ".build-deck-"


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    On any exception (Ctrl-C included) the temporary file is removed and
    ``target`` is left exactly as it was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=target.parent)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` in one step."""
    with atomic_path(target) as temp:
        temp.write_bytes(data)


LOCK_FILE = ".build-deck-writing"


@contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Let one build at a time write into ``folder``, and sweep what a killed one left.

    Two builds into the same folder take turns, so each output is whole and from
    one build. Holding the lock, any temporary file still in the folder belongs to
    a build that was killed mid-write, and is removed.
    """
    folder.mkdir(parents=True, exist_ok=True)
    fd = _lock_file(folder / LOCK_FILE)
    try:
        _lock(fd)
        try:
            _sweep(folder)
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def _sweep(folder: Path) -> None:
    """Remove the temporary files a killed build left in ``folder``. A folder of that
    name is no build's (a build writes files only): it is the user's, and stays."""
    for stale in folder.glob(f"{TEMP_PREFIX}*.tmp"):
        try:
            if stat.S_ISDIR(os.lstat(stale).st_mode):
                continue
        except FileNotFoundError:
            continue  # another process removed it first
        stale.unlink(missing_ok=True)


class FolderTaken(Exception):
    """Another process holds the folder's ``held_alone`` lock."""


@contextmanager
def held_alone(folder: Path, name: str) -> Iterator[None]:
    """Hold the lock file ``name`` in ``folder`` for as long as the block runs, or raise
    FolderTaken at once when another process holds it (a second watcher of one folder).

    A lock of its own, not ``exclusive``'s: the holder still builds, and each build takes
    ``exclusive`` in turn, which in the same process would wait for itself.  The system
    lets go of it when the process ends, however it ends.
    """
    folder.mkdir(parents=True, exist_ok=True)
    fd = _lock_file(folder / name)
    try:
        try:
            _lock(fd, wait=False)
        except OSError as exc:
            raise FolderTaken(str(folder)) from exc
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def _lock_file(path: Path) -> int:
    """Open the lock file ``path``, made if it is not there, never through a link: what
    a cloned repository's ``dist/`` holds in its place (a link, which opened made the
    file it names wherever that is; a FIFO, which is no file to lock) is removed first
    (a link itself, not what it names)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            os.unlink(path)  # a folder raises: the build says it cannot write there
    except FileNotFoundError:
        pass
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    return os.open(path, flags, 0o644)


def _lock(fd: int, wait: bool = True) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)
