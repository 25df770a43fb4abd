"""A sandboxed child that dies printing to its stderr (typst out of memory: Rust's
"memory allocation of N bytes failed", then an abort) prints nothing on the user's
stderr: what it said becomes the reason the call failed."""

from __future__ import annotations

import os
import subprocess
import sys
from multiprocessing.context import ForkServerProcess
from pathlib import Path

import pytest

from builder.support.sandbox import SandboxError, run_limited

ROOT = Path(__file__).resolve().parents[1]


def die_out_of_memory() -> None:
    """What a Rust program does when an allocation fails: says so, then aborts."""
    os.write(2, b"memory allocation of 8589934592 bytes failed\n"
                b"stack backtrace:\n   0: __rust_alloc_error_handler\n")
    os.abort()


def die_panicking() -> None:
    os.write(2, b"\nthread 'main' panicked at src/layout.rs:10:5:\nindex out of bounds\n")
    os.abort()


def die_in_python() -> None:
    os.write(2, b"Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\n"
                b"ImportError: no module named x\n")
    os.abort()


@pytest.mark.parametrize(("dying", "reason"), [
    (die_out_of_memory, "ran out of memory (memory allocation of 8589934592 bytes failed)"),
    (die_panicking, "crashed (thread 'main' panicked at src/layout.rs:10:5:)"),
    (die_in_python, "crashed (ImportError: no module named x)"),
])
def test_what_the_child_said_is_the_reason(dying: object, reason: str, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with pytest.raises(SandboxError) as raised:
        run_limited(dying, seconds=60, memory_bytes=1 << 30)  # type: ignore[arg-type]
    assert str(raised.value) == reason
    assert not list(tmp_path.glob("build-deck-child-*"))  # the file that kept it is gone


def test_nothing_reaches_the_users_stderr() -> None:
    # A process of its own: its fork server shares this stderr, as a build's does.
    code = ("from builder.support.sandbox import SandboxError, run_limited\n"
            "from tests.test_sandbox_stderr import die_out_of_memory\n"
            "try:\n    run_limited(die_out_of_memory, seconds=60, memory_bytes=1 << 30)\n"
            "except SandboxError as exc:\n    print(exc)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ran out of memory (memory allocation of 8589934592 bytes failed)\n"
    assert done.stderr == ""


def seen_from_the_child(folder: str) -> tuple[list[str], str]:
    """The temporary folder's files, and what the child's stderr is, as the child runs."""
    return sorted(os.listdir(folder)), os.readlink("/proc/self/fd/2")


def test_the_file_keeping_the_childs_stderr_has_no_name(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # While the child runs there is no named file a killed build could leave behind (42
    # "build-deck-child-*" files were found in /tmp after builds were killed).
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    files, stderr = run_limited(seen_from_the_child, str(tmp_path), seconds=60,
                                memory_bytes=1 << 30)
    assert files == []
    assert stderr.endswith("(deleted)"), stderr
    assert not list(tmp_path.iterdir())


def test_a_child_that_never_starts_leaves_no_file(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(self: ForkServerProcess) -> None:
        raise OSError("no more processes")

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setattr(ForkServerProcess, "start", fail)
    with pytest.raises(OSError, match="no more processes"):
        run_limited(seen_from_the_child, str(tmp_path), seconds=60, memory_bytes=1 << 30)
    assert not list(tmp_path.iterdir())
