"""Write files whole or not at all: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
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


def atomic_write_with(target: Path, write: Callable[[Path], None]) -> None:
    """Let ``write`` fill a temporary path, then move it over ``target``."""
    with atomic_path(target) as temp:
        write(temp)
