"""Running one risky call in a child process with a time and memory budget.

A formula from shared notes is compiled by typst; one that makes typst loop or
allocate without end must cost a failure, never the build. The call runs in a
child (forked from multiprocessing's fork server) whose address space is capped
(``RLIMIT_AS``) and which is killed when its time is up; the caller gets the
result, or ``SandboxError`` saying why not.
"""

from __future__ import annotations

import logging
import os
import resource
import tempfile
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING, Any, TypeVar

from builder.support.interrupts import interrupts_ignored

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

T = TypeVar("T")
log = logging.getLogger(__name__)

QUIET_SERVER = "builder.support.quietserver"
"""The module the fork server imports first (by name: only the server runs it)."""


class SandboxError(RuntimeError):
    """The call failed, ran out of time or memory, or its process died."""


def run_limited(function: Callable[..., T], *args: Any, seconds: float,
                memory_bytes: int, preload: Sequence[str] = ()) -> T:
    """``function(*args)`` in a child with at most ``seconds`` and ``memory_bytes`` more.

    ``function`` and ``args`` must pickle. ``preload`` names modules the fork server
    imports once, when it starts, so each child need not. Where there is no fork server (not on
    POSIX) the call runs here, without limits.
    """
    # Imported here: a build whose formulas are all cached never starts a child.
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        try:
            return function(*args)
        except Exception as exc:  # the same contract as the child's failures
            raise SandboxError(str(exc).strip() or type(exc).__name__) from exc
    # Children fork from a fork server that never ran typst or Anki: forking this
    # process, whose typst or Anki threads may hold locks, could deadlock the child.
    context = multiprocessing.get_context("forkserver")
    # The first preload makes the server ignore SIGINT, and so its children, even where
    # this thread cannot make it ignored as the server starts (not the main thread).
    context.set_forkserver_preload([QUIET_SERVER, function.__module__, *preload])
    receiver, sender = context.Pipe(duplex=False)
    # The child's stderr goes to a file of its own: typst out of memory prints Rust's
    # "memory allocation of N bytes failed" (and a backtrace) there as it aborts.  A file
    # without a name (unlinked as it is made): a build killed, or a child that never
    # starts, leaves nothing behind in the temporary folder.
    with tempfile.TemporaryFile(prefix="build-deck-child-") as said:
        child = context.Process(target=_child, args=(sender, function, args, memory_bytes,
                                                     _Inherited(said.fileno())))
        try:
            # The fork server, if started now, and so its children, from the start (on a
            # main thread; elsewhere the server ignores SIGINT itself, as its first preload).
            with interrupts_ignored():
                child.start()
            sender.close()
            if not receiver.poll(seconds):
                raise SandboxError(f"took longer than {seconds:g} s")
            try:
                status, value = receiver.recv()
            except EOFError:
                child.join()
                raise SandboxError(_crash(_read_said(said))) from None
        finally:
            sender.close()
            receiver.close()
            if child.is_alive():
                child.kill()
            if child.pid is not None:
                child.join()
            _read_said(said, log_it=True)
    if status == "error":
        raise SandboxError(str(value))
    result: T = value
    return result


class _Inherited:
    """A file descriptor handed to the child: multiprocessing duplicates it into the
    child as it pickles the child's arguments (as it does a ``Connection``'s)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __reduce__(self) -> tuple[Callable[[Any], _Inherited], tuple[Any]]:
        from multiprocessing import reduction

        return _inherited, (reduction.DupFd(self.fd),)


def _inherited(duplicate: Any) -> _Inherited:
    return _Inherited(duplicate.detach())


def _child(sender: Connection, function: Callable[..., Any], args: tuple[Any, ...],
           memory_bytes: int, said: _Inherited) -> None:
    os.dup2(said.fd, 2)
    os.close(said.fd)
    limit = _address_space() + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        outcome: tuple[str, Any] = ("ok", function(*args))
    except MemoryError:
        outcome = ("error", "ran out of memory")
    except Exception as exc:  # any failure is reported to the parent, never raised here
        outcome = ("error", str(exc).strip() or type(exc).__name__)
    try:
        sender.send(outcome)
    finally:
        sender.close()
        os._exit(0)  # no atexit handlers or pool clean-up inherited from the parent


_SAID_KEPT = 4096
"""Bytes of a child's stderr read back: its first lines say why it died."""


def _read_said(file: IO[bytes], log_it: bool = False) -> str:
    """What the child wrote to its stderr (its start); logged (once, at the end) with
    ``log_it``."""
    try:
        file.seek(0)
        text = file.read(_SAID_KEPT).decode("utf-8", "replace")
    except OSError:
        return ""
    if log_it and text.strip():
        log.debug("a sandboxed call wrote to stderr: %s", text.strip())
    return text


def _crash(said: str) -> str:
    """Why a child that sent nothing died, from what it wrote to stderr."""
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    allocation = next((line for line in lines if "memory allocation" in line), None)
    if allocation is not None:  # Rust's out-of-memory handler, before it aborts
        return f"ran out of memory ({allocation[:200]})"
    if not lines:
        return "ran out of memory or crashed"
    # A Python traceback ends with what went wrong; a Rust panic says it first.
    said = lines[-1] if lines[0].startswith("Traceback") else lines[0]
    return f"crashed ({said[:200]})"


def _address_space() -> int:
    """This process's current virtual size in bytes (the child starts as a copy of it)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0
