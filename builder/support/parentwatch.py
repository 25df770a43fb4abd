"""Worker processes that end with the build that started them.

A worker of a ``multiprocessing`` pool waits for its next task on a pipe whose writing
end it holds itself, so the end of the build that started it never reaches it: a build
stopped by SIGKILL (or by any signal it does not handle) left its render and PDF workers
waiting for ever, each holding its memory, its fonts and the build's output pipe (a
caller reading the build's output to its end waited for them too).  Each worker watches
its parent instead: the pipe a "spawn" start leaves it (``multiprocessing.parent_process``)
reads as closed once the parent is gone, whatever ended it.
"""

from __future__ import annotations

import os
import threading

_WATCHING = False


def end_with_parent() -> None:
    """In a process started by ``multiprocessing``: end it as soon as its parent is gone
    (a daemon thread waits for that).  Elsewhere, and when called again, nothing."""
    global _WATCHING
    import multiprocessing
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None or _WATCHING:
        return
    sentinel = parent.sentinel

    def watch() -> None:
        wait([sentinel])
        os._exit(1)  # no clean-up of its own: its parent's task is gone, and so is its pipe

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()
    _WATCHING = True
