"""A one-shot ``build-deck build`` ends its process at once (``builder.cli.ending``), with
nothing lost: its output printed, the exit handlers run, every file whole; and only then.

Each build runs as a real process's own command (``python -m builder``), its output a
pipe (so buffered).  The
process leaves two traces: an exit handler it registered writes ``exit-handler``, and an
object of its ``__main__`` writes ``freed`` when Python frees it while shutting down,
which an ended process never does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from anki.collection import Collection

from .conftest import SEED, import_apkg, write

WORKTREE = Path(__file__).resolve().parents[1]

RUNNER = """
import atexit, sys
from pathlib import Path

trace = Path(sys.argv.pop(1))
atexit.register(lambda: trace.open("a").write("exit-handler\\n"))

class Freed:
    def __del__(self):
        trace.open("a").write("freed\\n")

kept_until_shutdown = Freed()
import runpy
sys.argv[0] = "build-deck"
runpy.run_module("builder", run_name="__main__", alter_sys=True)  # python -m builder
"""


def run_cli(folder: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    trace = folder / "trace.txt"
    trace.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(WORKTREE)}
    done = subprocess.run([sys.executable, "-c", RUNNER, str(trace), *args], cwd=folder,
                          capture_output=True, text=True, env=env, timeout=300)
    return done, trace.read_text().split() if trace.exists() else []


def test_a_build_ends_at_once_with_its_output_and_files_whole(tmp_path: Path,
                                                              collection: Collection) -> None:
    write(tmp_path / "notes" / "deck.md", SEED.read_text(encoding="utf-8"))
    done, trace = run_cli(tmp_path, "build", "notes", "-o", "out", "--format", "apkg")
    assert done.returncode == 0, done.stderr
    # Ended, not shut down, yet the exit handlers ran and the piped output is all there.
    assert trace == ["exit-handler"]
    assert "wrote out/deck.apkg" in done.stdout.replace(os.sep, "/")
    assert "next: import" in done.stdout
    assert " card(s), 0 error(s)" in done.stderr + done.stdout
    # Every file the build wrote is whole: the deck imports, the lock and caches read.
    import_apkg(collection, tmp_path / "out" / "deck.apkg")
    assert collection.note_count() > 10
    assert (tmp_path / "notes" / "build-deck.lock").read_text(encoding="utf-8").endswith("}\n")
    assert not list((tmp_path / "out").glob(".build-deck-*.tmp"))
    again, trace = run_cli(tmp_path, "build", "notes", "-o", "out", "--format", "apkg")
    assert again.returncode == 0 and trace == ["exit-handler"]
    assert "unchanged out/deck.apkg" in again.stdout.replace(os.sep, "/")


def test_a_failed_build_and_other_commands_shut_down_as_usual(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "deck.md", "# Deck\n\n## Q?\n\n$\\frac{a$\n")
    failed, trace = run_cli(tmp_path, "build", "notes", "-o", "out", "--strict")
    assert failed.returncode != 0
    assert trace == ["exit-handler", "freed"]
    checked, trace = run_cli(tmp_path, "check", "notes")
    assert trace == ["exit-handler", "freed"], checked.stderr


def test_a_program_that_calls_main_goes_on_after_it(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "deck.md", SEED.read_text(encoding="utf-8"))
    program = RUNNER.replace(
        'runpy.run_module("builder", run_name="__main__", alter_sys=True)',
        "from builder.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        'trace.open("a").write("went-on\\n")')
    trace = tmp_path / "trace.txt"
    done = subprocess.run([sys.executable, "-c", program, str(trace), "build", "notes", "-o",
                           "out", "--format", "apkg"], cwd=tmp_path, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(WORKTREE)},
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert trace.read_text().split() == ["went-on", "exit-handler", "freed"]
