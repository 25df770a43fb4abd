"""A build or a watch asked to end (SIGTERM: ``kill``, a service manager; SIGHUP: a closed
terminal) ends as on Ctrl-C: no temporary folder, no half-written output and no worker
left behind; a build killed outright (SIGKILL) leaves no worker running either
(builder.support.interrupts.stop_on_termination, builder.support.parentwatch).

Each runs ``python -m builder`` in a child process, as a user's shell does: the handlers
are only the process's own command's."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from builder.support.atomic import TEMP_PREFIX

ROOT = Path(__file__).resolve().parents[1]
WAIT = 240.0
"""Seconds a step may take on a loaded machine before the test gives up (no timing is
asserted: each step is waited for)."""

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="finds worker processes through /proc")


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _until(what: str, done: Callable[[], bool]) -> None:
    end = time.monotonic() + WAIT
    while not done():
        if time.monotonic() > end:
            raise AssertionError(f"still waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def started(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start ``python -m builder ARGS`` on a copy of the seed deck (its diagrams are drawn
    by worker processes), with a temporary folder of its own; kill what is left after."""
    shutil.copytree(ROOT / "source_md", tmp_path / "notes")
    (tmp_path / "tmp").mkdir()
    processes: list[subprocess.Popen[bytes]] = []

    def start(*args: str, ignoring: tuple[signal.Signals, ...] = (),
              session: bool = False) -> subprocess.Popen[bytes]:
        def ignore() -> None:
            # As a terminal starts it: a suite run under ``nohup`` ignores SIGHUP, and
            # its children would too.
            for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(number, signal.SIG_IGN if number in ignoring else signal.SIG_DFL)

        env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path / "tmp")}
        process = subprocess.Popen([sys.executable, "-m", "builder", *args], cwd=tmp_path,
                                   env=env, stdout=(tmp_path / "log").open("wb"),
                                   stderr=subprocess.STDOUT, preexec_fn=ignore,
                                   start_new_session=session)
        processes.append(process)
        return process

    yield start
    for process in processes:
        for pid in _children(process.pid):
            os.kill(pid, signal.SIGKILL)
        process.kill()
        process.wait()


def _until_ended(workers: list[int]) -> None:
    _until("the workers to end", lambda: not any(map(_running, workers)))


def _with_workers(process: subprocess.Popen[bytes]) -> list[int]:
    """The build's worker processes, once it has started two (it draws the diagrams)."""
    _until("the build's workers", lambda: len(_children(process.pid)) >= 2)
    return _children(process.pid)


def _left(tmp_path: Path) -> list[str]:
    """What the build left in its temporary folder, and half-written among its outputs
    (the folder's lock files stay, as after any build)."""
    out = tmp_path / "dist"
    return sorted([p.name for p in (tmp_path / "tmp").iterdir()]
                  + [p.name for p in out.glob(f"{TEMP_PREFIX}*.tmp")])


@pytest.mark.parametrize(("number", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_sigterm_stops_a_build_as_ctrl_c_does(tmp_path: Path, started: Callable[
        ..., subprocess.Popen[bytes]], number: signal.Signals, status: int) -> None:
    """Stopped, a build exits 128 + the signal's number, as other Unix tools do (a shell
    reports 143 for a process SIGTERM ended, 130 for Ctrl-C)."""
    build = started("build", "notes", "--jobs", "2")
    workers = _with_workers(build)
    build.send_signal(number)
    assert build.wait(timeout=WAIT) == status
    log = (tmp_path / "log").read_text(encoding="utf-8")
    assert "Aborted!" in log and "Traceback" not in log, log
    _until_ended(workers)
    assert _left(tmp_path) == []


def test_a_hangup_of_the_whole_group_stops_a_build_quietly(tmp_path: Path, started: Callable[
        ..., subprocess.Popen[bytes]]) -> None:
    """A closed terminal hangs up every process of its group, the build's helpers too:
    they keep the hangup blocked, so only the build sees it, and stops them itself."""
    build = started("build", "notes", "--jobs", "2", session=True)
    workers = _with_workers(build)
    os.killpg(build.pid, signal.SIGHUP)
    assert build.wait(timeout=WAIT) == 129
    log = (tmp_path / "log").read_text(encoding="utf-8")
    assert "Aborted!" in log and "Traceback" not in log and "relaunching" not in log, log
    _until_ended(workers)
    assert _left(tmp_path) == []


def test_a_killed_build_leaves_no_worker_running(tmp_path: Path, started: Callable[
        ..., subprocess.Popen[bytes]]) -> None:
    build = started("build", "notes", "--jobs", "2")
    workers = _with_workers(build)
    build.send_signal(signal.SIGKILL)
    build.wait(timeout=WAIT)
    # Nothing can run in the build after SIGKILL: its workers see it gone and end.
    _until_ended(workers)


def test_sigterm_and_sighup_end_a_watch_cleanly(tmp_path: Path, started: Callable[
        ..., subprocess.Popen[bytes]]) -> None:
    log = tmp_path / "log"
    for number in (signal.SIGTERM, signal.SIGHUP):
        shutil.rmtree(tmp_path / "dist", ignore_errors=True)
        watch = started("watch", "notes", "--jobs", "2")
        _until("the first build", lambda: "watching notes" in log.read_text(encoding="utf-8"))
        workers = _children(watch.pid)
        watch.send_signal(number)
        assert watch.wait(timeout=WAIT) == 0, log.read_text(encoding="utf-8")
        assert "Traceback" not in log.read_text(encoding="utf-8")
        _until_ended(workers)
        assert _left(tmp_path) == [], number


def test_a_signal_ignored_at_start_stays_ignored(tmp_path: Path, started: Callable[
        ..., subprocess.Popen[bytes]]) -> None:
    """``nohup build-deck watch &``: the closed terminal's SIGHUP does not end it."""
    watch = started("watch", "notes", "--format", "apkg", ignoring=(signal.SIGHUP,))
    log = tmp_path / "log"
    _until("the first build", lambda: "watching notes" in log.read_text(encoding="utf-8"))
    watch.send_signal(signal.SIGHUP)
    # A save after the signal is still built: the watch goes on.
    source = tmp_path / "notes" / "deep-learning-interview.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _until("the save's build", lambda: log.read_text(encoding="utf-8").count(" card(s), ") >= 2)
    assert watch.poll() is None
    watch.send_signal(signal.SIGTERM)
    assert watch.wait(timeout=WAIT) == 0
