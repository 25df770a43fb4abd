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

HELD = {signal.SIGINT, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])}
"""What a terminal sends its whole process group: Ctrl-C, and the hangup of its closing.
Helper processes keep them blocked (multiprocessing's resource tracker, killed by a
hangup, was started again by the build, which then printed its tracebacks)."""


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Block SIGINT and SIGHUP (``HELD``) in this thread while the block starts processes
    (a process started from it inherits its mask; a Ctrl-C meanwhile goes to another
    thread, or waits for the block's end).  Where there is no signal mask, nothing
    changes."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def interrupts_ignored() -> Iterator[None]:
    """Ignore SIGINT in this process while the block starts a process that keeps what is
    ignored but may not keep the signal mask (multiprocessing's fork server resets it on
    some Pythons, and its children take back the handlers it started with).

    SIGINT is held back from before it is ignored until its handler is back: a signal
    that arrives while held stays pending however it is handled, and is delivered as the
    block ends.  Making it ignored discards one already pending, so one that came since
    the hold began is sent again once the handler is back (only one landing between
    those two calls, microseconds apart, is lost).

    Only the main thread may change a handler: on any other thread the block holds the
    signal mask alone, and a process started there does not ignore SIGINT unless it
    ignores it itself.  build-deck's own commands enter it on a main thread only (a
    build, and a watch's every build, run on the main thread; workers are processes);
    a program that builds from a thread of its own (``watch`` with ``stop``) enters it
    there, and the one process it starts, the sandbox's fork server, then ignores SIGINT
    by itself before it forks any child (``builder.support.quietserver``)."""
    with interrupts_held():
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        pending = hasattr(signal, "sigpending") and signal.SIGINT in signal.sigpending()
        previous = signal.getsignal(signal.SIGINT)
        try:
            # Inside the try: a SIGTERM made an interrupt may land right after it.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            yield
        finally:
            signal.signal(signal.SIGINT, previous)
            if pending:
                signal.raise_signal(signal.SIGINT)  # held: delivered as the hold ends


TERMINATIONS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                     if hasattr(signal, name))
"""The signals that ask a process to end: ``kill``, a service manager, a closed terminal."""


def stop_on_termination() -> None:
    """Let SIGTERM and SIGHUP stop this process as Ctrl-C does (a ``KeyboardInterrupt``):
    a build stops where it is, removes its temporary folders and half-written files and
    stops its workers; a watch ends as after Ctrl-C.  Left to the system, they ended the
    process where it stood: its temporary folders stayed behind.  A signal the process
    was started ignoring (``nohup`` ignores SIGHUP) stays ignored.  Ctrl-C itself waits,
    as they do, for the end of a ``stops_deferred`` block.  On the main thread of a
    process that runs build-deck as its own command only: in another program, the
    handlers are that program's."""
    if threading.current_thread() is not threading.main_thread():
        return
    for number in (signal.SIGINT, *TERMINATIONS):
        if signal.getsignal(number) in (signal.SIG_DFL, signal.default_int_handler):
            signal.signal(number, _as_interrupt)


_deferred: list[str] | None = None
"""The stops that landed in the ``stops_deferred`` block running, if one is."""
_stopped_by: int | None = None
"""The first signal ``stop_on_termination``'s handler made an interrupt, if one came."""


@contextmanager
def stops_deferred() -> Iterator[None]:
    """Let a Ctrl-C or termination (``stop_on_termination``) that lands in the block stop
    the process as the block ends, not inside it: a ``KeyboardInterrupt`` raised while
    ``ProcessPoolExecutor.submit`` starts its manager thread left the pool unable to shut
    down ("cannot join thread before it is started"), a traceback instead of ``Aborted!``."""
    global _deferred
    outer, _deferred = _deferred, []
    try:
        yield
    finally:
        landed, _deferred = _deferred, outer
        if landed:
            raise KeyboardInterrupt(landed[0])


def stopped_by() -> int | None:
    """The number of the signal (Ctrl-C's SIGINT, SIGTERM, SIGHUP) that asked this process
    to stop through ``stop_on_termination``'s handler, the first if several came; None if
    none did."""
    return _stopped_by


def _as_interrupt(number: int, _frame: object) -> None:
    global _stopped_by
    name = signal.Signals(number).name
    if _stopped_by is None:
        _stopped_by = number
    if number != signal.SIGINT:
        # One is enough: a second (a hangup often comes twice, a service manager may
        # repeat its SIGTERM) would cut short the clean-up the first started.
        for other in TERMINATIONS:
            signal.signal(other, signal.SIG_IGN)
    if _deferred is not None:
        _deferred.append(name)
        return
    raise KeyboardInterrupt(name)


def interrupt_handled() -> None:
    """Tell Python that the Ctrl-C (or a termination made one) the program caught was
    handled.

    Python 3.11 marks a KeyboardInterrupt that leaves code run by ``exec`` of a string as
    unhandled, caught or not (dataclasses and named tuples make their methods so: a Ctrl-C
    landing while a lazily imported module defines one), and then ends the process by
    SIGINT after its clean exit: status -2, where the program chose its own, and nothing
    of a watch's last build printed.  Each ``exec`` of a string clears that mark as it
    starts."""
    exec("pass")
