"""Measure one build: wall time, peak memory of its process tree, CPU, images drawn.

Part of the benchmark (``run.py``); Linux /proc gives the tree's memory and the
machine's other load.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_IMAGES = re.compile(r"images: (\d+) rendered, (\d+) from cache")
_SUMMARY = re.compile(r"\d+ deck\(s\), \d+ card\(s\)")


class BenchError(Exception):
    """A build failed or its output could not be read; the benchmark cannot go on.

    ``sample`` is the failed build's measurement, when there was one.
    """

    def __init__(self, message: str, sample: Sample | None = None) -> None:
        super().__init__(message)
        self.sample = sample


class BenchTimeout(Exception):
    """A build ran past ``--timeout`` and was killed; ``sample`` is what was measured."""

    def __init__(self, sample: Sample) -> None:
        super().__init__(f"killed after {sample.seconds:.0f} s")
        self.sample = sample


# -- measuring one process -----------------------------------------------------------------

@dataclass(frozen=True)
class Sample:
    seconds: float
    rss_mb: float
    """Max RSS of the child (os.wait4): its largest single process."""
    tree_mb: float
    """Largest sampled sum of RSS over the child and its descendants."""
    cpu_seconds: float
    """User + system time of the child and its reaped descendants (rendering workers)."""
    rendered: int | None
    reused: int | None
    output: str
    timed_out: bool = False
    """Killed at the timeout: ``seconds`` is a lower bound."""
    failed: bool = False
    """The build exited with an error."""
    other_cores: float | None = None
    """CPU the rest of the machine used meanwhile, in cores (other users' load)."""


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: fields start after the last ')'.
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class _TreeSampler(threading.Thread):
    """Samples the summed RSS of a process tree until stopped (Linux /proc only)."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        if not Path("/proc").is_dir():
            return
        while not self._stop_event.is_set():
            children = _children_map()
            todo, total = [self.pid], 0
            while todo:
                pid = todo.pop()
                total += _rss_kb(pid)
                todo.extend(children.get(pid, ()))
            self.peak_kb = max(self.peak_kb, total)
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _busy_seconds() -> float | None:
    """CPU time all processes on the machine have used so far (Linux /proc/stat)."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = handle.readline().split()
    except OSError:
        return None
    # user nice system idle iowait irq softirq steal: everything but idle and iowait.
    ticks = [int(v) for v in fields[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def measure(cmd: Sequence[str], cwd: Path, timeout: float) -> Sample:
    """Run ``cmd`` in a fresh process; return its wall time, memory and image counts."""
    env = {k: v for k, v in os.environ.items() if k not in ("BUILD_DECK_OUT",)}
    with tempfile.TemporaryFile() as log:
        busy_before = _busy_seconds()
        start = time.perf_counter()
        # A session of its own, so a timeout can stop the build's rendering workers too.
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            elapsed = time.perf_counter() - start
            busy_after = _busy_seconds()
            timer.cancel()
            sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", errors="replace")
    cpu = usage.ru_utime + usage.ru_stime
    other = None
    if busy_before is not None and busy_after is not None and elapsed > 0:
        other = max(0.0, (busy_after - busy_before - cpu) / elapsed)
    rss_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    rendered = reused = None
    found = _IMAGES.search(output)
    if found:
        rendered, reused = int(found.group(1)), int(found.group(2))
    elif _SUMMARY.search(output):
        rendered = reused = 0  # the summary leaves out the images part when there were none
    sample = Sample(elapsed, rss_mb, max(sampler.peak_kb / 1024, rss_mb), cpu, rendered,
                    reused, output, timed_out=proc.returncode != 0 and killed.is_set(),
                    failed=proc.returncode != 0, other_cores=other)
    if sample.timed_out:
        raise BenchTimeout(sample)
    if sample.failed:
        tail = "\n".join(output.splitlines()[-15:])
        raise BenchError(f"{' '.join(cmd)} exited with {proc.returncode} in {cwd}:\n{tail}",
                         sample)
    return sample
