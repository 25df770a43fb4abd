"""Imported by multiprocessing's fork server before any other module it preloads
(``builder.support.sandbox`` names it first): the server ignores SIGINT from then on.

The server ignores SIGINT itself, but only after its preloads are imported, and each
child it forks takes back the handler the server had before that: Python's, which turns
the user's Ctrl-C into a ``KeyboardInterrupt`` traceback in every sandboxed child,
unless the server was started with SIGINT ignored already
(``builder.support.interrupts.interrupts_ignored``).  Only a main thread can ignore a
signal, so a sandboxed call made first from another thread (a program that runs
``builder.build.watch.watch`` in a thread with ``stop``, or builds there) started a server
whose children all did.  Ignored here, on the server's main thread, before it reads
the handlers it gives its children, wherever the server was started from.

Imported anywhere else (by the build itself, or a check that imports every module) it
changes nothing.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType


def _in_fork_server() -> bool:
    """Whether this import is one of the fork server's preloads: ``forkserver.main`` is
    among the frames importing it."""
    from multiprocessing import forkserver

    frame: FrameType | None = sys._getframe()
    while frame is not None:
        if frame.f_code is forkserver.main.__code__:
            return True
        frame = frame.f_back
    return False


if _in_fork_server():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
