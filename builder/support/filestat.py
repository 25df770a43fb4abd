"""Telling by its stat that a file has not changed since it was read (see
``builder.render.checkedfiles`` for why a stat is enough, and when it is not)."""

from __future__ import annotations

import os
from pathlib import Path

SETTLED_NS = 2_000_000_000
"""How long ago a file must have last changed for a finding about it to be kept: more
than any file system's clock tick (FAT's two seconds)."""


def settled(info: os.stat_result, now_ns: int) -> bool:
    """Whether a file of this stat, examined after ``now_ns``, cannot change again without
    its stat changing: its last change is more than a clock tick older than ``now_ns``."""
    return now_ns - max(info.st_mtime_ns, info.st_ctime_ns) > SETTLED_NS


def signature(info: os.stat_result) -> str:
    """What changes whenever a file's bytes do: its size, modification and change times
    in ns and inode, as one string."""
    return f"{info.st_size} {info.st_mtime_ns} {info.st_ctime_ns} {info.st_ino}"


def path_signature(path: Path) -> str | None:
    """The ``signature`` of the file at ``path`` now, None when there is none."""
    try:
        return signature(os.stat(path))
    except OSError:
        return None
