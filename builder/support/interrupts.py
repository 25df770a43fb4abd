"""Starting helper processes that never see Ctrl-C.

Ctrl-C reaches the terminal's whole process group: every worker and sandboxed child would
print the ``KeyboardInterrupt`` of whatever it was doing (one still importing, a
traceback), where the build itself stops cleanly (``Aborted!``) and stops them itself.  A
process starts with the signals its parent blocked still blocked, and Python leaves them
so (a fork server passes them on to the children it forks): such processes are started
while this one holds SIGINT back.  A Ctrl-C meanwhile is not lost: it is delivered here
as the block ends.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Block SIGINT in this thread while the block starts processes (the main thread's:
    where Python handles signals; elsewhere, and where there is no signal mask, nothing
    changes)."""
    if not hasattr(signal, "pthread_sigmask") \
            or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
