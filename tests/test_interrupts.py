"""Ctrl-C reaches the whole process group: workers and sandboxed children must not print
their own KeyboardInterrupt (a traceback from one still starting), nor may the build lose
the user's Ctrl-C while it starts them (``builder.support.interrupts``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from builder.render.assets import worker_pool
from builder.support.interrupts import interrupts_held

_HELD: tuple[int, list[int]] = (signal.SIG_BLOCK, [])
"""``pthread_sigmask`` arguments that change nothing and return the blocked signals."""


def test_a_ctrl_c_while_processes_start_is_delivered_after_not_lost() -> None:
    delivered: list[str] = []
    with pytest.raises(KeyboardInterrupt), interrupts_held():
        # To this thread: sent to the process, the signal would go to any thread that
        # does not hold it (one an earlier test left running), and interrupt this one at
        # once, as it should in a build.
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)
        delivered.append("still starting")  # not interrupted inside
    assert delivered == ["still starting"]
    assert signal.SIGINT not in signal.pthread_sigmask(*_HELD)


_IGNORED_CHILD = """
import os, signal
from builder.support.interrupts import interrupts_ignored
steps = []
try:
    with interrupts_ignored():
        os.kill(os.getpid(), signal.SIGINT)
        steps.append(signal.getsignal(signal.SIGINT) == signal.SIG_IGN)
    steps.append("not interrupted")
except KeyboardInterrupt:
    steps.append("interrupted")
print(*steps)
"""


_PENDING_CHILD = """
import os, signal
from builder.support.interrupts import interrupts_held, interrupts_ignored
try:
    with interrupts_held():
        os.kill(os.getpid(), signal.SIGINT)  # arrives before SIGINT is made ignored
        with interrupts_ignored():
            pass
    print("not interrupted")
except KeyboardInterrupt:
    print("interrupted")
"""


@pytest.mark.parametrize(("child", "printed"), [
    (_IGNORED_CHILD, ["True", "interrupted"]), (_PENDING_CHILD, ["interrupted"])])
def test_a_ctrl_c_while_sigint_is_ignored_is_delivered_after_not_lost(
        child: str, printed: list[str]) -> None:
    """In a process of its own, on its main thread (where a handler can change): one that
    arrives while ignored, and one pending as it is made ignored (which discards it)."""
    done = subprocess.run([sys.executable, "-c", child], capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert done.stdout.split() == printed, (done.stdout, done.stderr)


def test_pool_workers_hold_sigint_back_from_their_start() -> None:
    with worker_pool(2, 2) as pool:
        held = [pool.submit(signal.pthread_sigmask, *_HELD) for _ in range(4)]
        assert all(signal.SIGINT in future.result(timeout=120) for future in held)
    assert signal.SIGINT not in signal.pthread_sigmask(*_HELD)  # this process's is back


_SANDBOX_CHILD = """
import signal
from builder.support.sandbox import run_limited
handler = run_limited(signal.getsignal, signal.SIGINT, seconds=60, memory_bytes=1 << 30)
print(handler == signal.SIG_IGN, signal.getsignal(signal.SIGINT) == signal.SIG_IGN)
"""


def test_sandboxed_children_ignore_sigint() -> None:
    """In a process of its own: the fork server its first sandboxed call starts passes
    the held signal on to every child (this test process may have started one before)."""
    done = subprocess.run([sys.executable, "-c", _SANDBOX_CHILD], capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert done.stdout.split() == ["True", "False"], (done.stdout, done.stderr)


def test_a_thread_that_starts_processes_holds_sigint_back_too() -> None:
    found: list[bool] = []

    def start() -> None:
        with interrupts_held():
            found.append(signal.SIGINT in signal.pthread_sigmask(*_HELD))

    thread = threading.Thread(target=start)
    thread.start()
    thread.join()
    assert found == [True]


_SANDBOX_FROM_A_THREAD_CHILD = """
import signal, threading
from builder.support.interrupts import interrupts_ignored
from builder.support.sandbox import run_limited
found = []

def build():  # a program that builds on a thread of its own
    with interrupts_ignored():  # off the main thread: the mask alone is held
        found.append(signal.getsignal(signal.SIGINT) is signal.default_int_handler)
    found.append(run_limited(signal.getsignal, signal.SIGINT, seconds=60,
                             memory_bytes=1 << 30) == signal.SIG_IGN)

thread = threading.Thread(target=build)
thread.start()
thread.join()
# Started from the thread, the fork server still gives the main thread's calls quiet
# children; and this process's own Ctrl-C handler is Python's as before.
found.append(run_limited(signal.getsignal, signal.SIGINT, seconds=60,
                         memory_bytes=1 << 30) == signal.SIG_IGN)
found.append(signal.getsignal(signal.SIGINT) is signal.default_int_handler)
print(*found)
"""


def test_sandboxed_children_ignore_sigint_when_the_first_call_is_off_the_main_thread() -> None:
    """In a process of its own, whose first sandboxed call (which starts the fork
    server) is made from a thread, where SIGINT cannot be made ignored: the server
    ignores it itself before it forks a child, so every child ignores it."""
    done = subprocess.run([sys.executable, "-c", _SANDBOX_FROM_A_THREAD_CHILD],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert done.stdout.split() == ["True"] * 4, (done.stdout, done.stderr)


def test_the_fork_servers_first_preload_changes_nothing_imported_elsewhere() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import signal, builder.support.quietserver\n"
         "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)"],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert done.stdout.split() == ["True"], (done.stdout, done.stderr)


_TERMINATED_TWICE = """
import signal
from builder.support.interrupts import stop_on_termination
stop_on_termination()
try:
    signal.raise_signal(signal.SIGTERM)
except KeyboardInterrupt as stop:
    print("stopped by", stop)
    # Cleaning up: a second SIGTERM or a hangup must not cut it short.
    signal.raise_signal(signal.SIGTERM)
    signal.raise_signal(signal.SIGHUP)
    print("cleaned up")
"""


def test_a_termination_stops_once_and_lets_the_clean_up_finish() -> None:
    done = subprocess.run([sys.executable, "-c", _TERMINATED_TWICE], capture_output=True,
                          text=True, timeout=60, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["stopped by SIGTERM", "cleaned up"], done


_DEFERRED = """
import signal
from builder.support.interrupts import stop_on_termination, stops_deferred
stop_on_termination()
for number in (signal.SIGINT, signal.SIGTERM):
    try:
        with stops_deferred():
            signal.raise_signal(number)
            print("block finished")
        print("not stopped")
    except KeyboardInterrupt as stop:
        print("stopped after it by", stop)
"""


def test_a_stop_in_a_deferred_block_lands_as_it_ends() -> None:
    """Starting a pool's thread must not be cut (``QuietProcessPool.submit``): Ctrl-C and
    a termination wait for the block's end, then stop."""
    done = subprocess.run([sys.executable, "-c", _DEFERRED], capture_output=True,
                          text=True, timeout=60, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert done.stdout.splitlines() == [
        "block finished", "stopped after it by SIGINT",
        "block finished", "stopped after it by SIGTERM"], (done.stdout, done.stderr)
