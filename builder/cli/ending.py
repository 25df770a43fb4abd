"""How a one-shot ``build-deck build`` process ends: at once, once everything is out.

At its end a build still holds every note it made or loaded (a few hundred thousand
objects at 20,000 questions), and Python frees each of them before the process exits:
a tenth of an edit's build, for memory the system takes back whole anyway.  So a
successful build, run as the process's own command (the ``build-deck`` script or
``python -m builder``, with the arguments the process was given), keeps what it made
(``Ending.kept``) and ends the process with ``os._exit`` once its output is flushed,
the exit handlers have run (logging's flush, finalisers of temporary folders) and
nothing else is running: no other thread, no child process.  mypy ends the same way.

Not taken: when the command failed or exits with an error, in ``watch`` (it never ends
with a build), and when the command runs inside another program (tests, CliRunner, a
script that calls ``main``): the process goes on after it.  Every file is written whole
before the build returns (``builder.support.atomic``), so nothing waits for the exit.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from dataclasses import dataclass, field
from typing import NoReturn

from builder.support.interrupts import interrupt_handled, stop_on_termination, stopped_by

ABORTED = 1
"""click's status for a command stopped by ``KeyboardInterrupt`` (it prints ``Aborted!``)."""


@dataclass
class Ending:
    """Whether this process may end at once, and what its build keeps until then."""

    own_process: bool = False
    """The command line is the process's own (``main`` read ``sys.argv``)."""
    ready: bool = False
    """A build finished and reported: the process may end once ``main`` returns 0."""
    kept: list[object] = field(default_factory=list)
    """What the build would free at its end, freed with the process instead."""

    def begin(self, own_process: bool) -> None:
        """Start a command; ``own_process``: it is the process's own (see ``own_process``),
        which then stops on SIGTERM and SIGHUP as on Ctrl-C (``stop_on_termination``)."""
        self.own_process = own_process
        if own_process:
            stop_on_termination()

    def keeper(self) -> list[object] | None:
        """Where a build puts what it need not free, or None when the process goes on."""
        return self.kept if self.own_process else None

    def status(self, code: object) -> object:
        """The status a command that exits with ``code`` ends the process with: one a
        signal stopped (click's ``Aborted!``, 1) exits 128 + the signal's number, as a
        shell reports a process that signal ended and as other Unix tools exit: 130 after
        Ctrl-C, 143 after SIGTERM, 129 after SIGHUP.  A watch a signal ends exits 0 (it
        handles the stop); a command run inside another program keeps click's 1."""
        stopped = stopped_by()
        if self.own_process and code == ABORTED and stopped is not None:
            return 128 + stopped
        return code

    def finish(self, stop: SystemExit) -> NoReturn:
        """Exit as the command's ``stop`` says, with the status ``status`` gives, at once
        when ``end_now`` may."""
        code = self.status(stop.code)
        self.end_now(code)
        if code != stop.code:
            raise SystemExit(code) from None
        raise stop

    def end_now(self, code: object) -> None:
        """The command exits with ``code``: end the process at once with status 0, if
        ``code`` is a success, a build made it ready, and nothing else would still run;
        else return (Python ends as usual).  Either way, a Ctrl-C (or a SIGTERM made one)
        that the command handled is marked handled first (``interrupt_handled``)."""
        interrupt_handled()
        if not (self.own_process and self.ready and code in (0, None)):
            return
        if threading.active_count() > 1 or _children_running():
            return
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # a closed pipe: Python reports it as usual
            return
        atexit._run_exitfuncs()  # what Python runs before it frees anything
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            os._exit(120)  # Python's status when its final flush fails
        os._exit(0)


def started_as_command() -> bool:
    """Whether the process runs build-deck as its main program: the ``build-deck`` script
    or ``python -m builder``, not a program that calls it and goes on."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name == "builder.__main__":
        return True
    return os.path.basename(str(getattr(main, "__file__", "") or "")) == "build-deck"


def _children_running() -> bool:
    if "multiprocessing" not in sys.modules:  # no pool was ever started
        return False
    import multiprocessing

    return bool(multiprocessing.active_children())


ENDING = Ending()
