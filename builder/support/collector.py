"""Python's cycle collector held off while a burst of long-lived objects is made."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold off Python's cycle collector while a burst of objects is made.

    Parsing makes tens of thousands of tokens that all stay alive, and loading a stored
    parse as many nodes; each few hundred allocations the collector looked through them,
    and through everything already made, for garbage that is not there: a third of the
    time markdown-it took, and most of an edit build's collections.  What the burst
    leaves for the collector (neither makes cycles) waits until it ends.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
