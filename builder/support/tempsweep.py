"""Sweeping a cache of what killed builds left: the temporary files of ``atomic_path``.

Workers stopped mid-write (a group's SIGTERM) leave ``.build-deck-*.tmp`` files where
they wrote.  The output folder's own top level is swept under its lock
(``builder.support.atomic.exclusive``); a cache has no such lock.
"""

from __future__ import annotations

import os
import re
import stat
import time
from pathlib import Path

from builder.support.atomic import TEMP_PREFIX

STALE_AFTER = 20 * 60
"""Seconds after its last write that a temporary file of ``atomic_path`` is abandoned:
its writer renames it at once after writing, so one this old was left by a process
killed in between (a margin for the clocks of a network folder's server too)."""
# The names ``atomic_path`` gives: mkstemp's eight random letters, digits or underscores.
_TEMP_NAME = re.compile(re.escape(TEMP_PREFIX) + r"[a-z0-9_]{8}\.tmp")


def sweep_abandoned(folder: Path, older_than: float = STALE_AFTER) -> int:
    """Remove the temporary files of ``atomic_path`` that were left in ``folder`` (not
    below it) by a process killed while it wrote (workers stopped by a group's SIGTERM):
    files named as it names them, last written more than ``older_than`` seconds ago.
    Return how many were removed.

    Not ``exclusive``'s sweep: a cache is written without that lock, by every build that
    shares it (a shared ``--cache-dir``, or two builds into one output folder while they
    draw), so a fresh one may be another build's, still being written.  Nothing is
    followed: a link or folder so named is left, and so is a file that cannot be removed
    (one open on Windows)."""
    limit = time.time() - older_than
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0  # no cache yet, or none to read
    for entry in entries:
        if not _TEMP_NAME.fullmatch(entry.name):
            continue
        try:
            found = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(found.st_mode) and found.st_mtime < limit:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed
