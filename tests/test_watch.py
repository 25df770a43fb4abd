"""``build-deck watch`` end to end: a real process, real saves, real outputs, real Anki."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .conftest import answers_by_question, imported_notes, write

if TYPE_CHECKING:
    from anki.collection import Collection

ROOT = Path(__file__).resolve().parents[1]
WAIT = 120.0
"""Seconds a step may take before the test gives up (a busy machine, not a pass mark)."""

NOTES = """---
tags: [watch]
---

## Basics

### What does the watcher do?

It builds after every save.

### What is a debounce?

Waiting for the files to be quiet.
"""


class Watcher:
    """One ``build-deck watch`` process, its output in a file (a pipe could fill up)."""

    def __init__(self, folder: Path, *args: str) -> None:
        self.log = folder / f"watch-{time.monotonic_ns()}.log"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "builder", "watch", "notes", "--format", "apkg", *args],
                cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, what: str, ready: Callable[[], bool]) -> None:
        deadline = time.monotonic() + WAIT
        while not ready():
            if self.process.poll() is not None:
                pytest.fail(f"watch exited ({self.process.returncode}) before {what}:\n"
                            f"{self.output()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} within {WAIT:.0f} s:\n{self.output()}")
            time.sleep(0.1)

    def wait_started(self) -> None:
        """Wait for the first build, after which the watcher is armed."""
        self.wait_for("first build", lambda: "watching notes" in self.output())

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=WAIT)


@pytest.fixture
def watcher(tmp_path: Path) -> Iterator[Callable[..., Watcher]]:
    started: list[Watcher] = []

    def start(*args: str) -> Watcher:
        started.append(Watcher(tmp_path, *args))
        return started[-1]

    yield start
    for one in started:
        if one.process.poll() is None:
            one.process.kill()
            one.process.wait()


def _state(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_mtime_ns, info.st_ino, info.st_size


def _answers(col: Collection, package: Path) -> dict[str, str]:
    return answers_by_question(imported_notes(col, package))


def test_each_save_rebuilds_and_a_broken_save_keeps_the_last_good_deck(
        tmp_path: Path, watcher: Callable[..., Watcher], collection: Collection) -> None:
    # The deck is named after the file, so the broken front matter does not rename it.
    source = write(tmp_path / "notes" / "Watched.md", NOTES)
    deck = tmp_path / "dist" / "Watched.apkg"
    watch = watcher()
    watch.wait_started()
    first = _state(deck)
    assert first is not None, watch.output()

    source.write_text(NOTES.replace("after every save", "after every single save"),
                      encoding="utf-8")
    watch.wait_for("rebuilt deck", lambda: _state(deck) != first)
    watch.wait_for("change report", lambda: "1 changed" in watch.output())
    good = deck.read_bytes()
    answers = _answers(collection, deck)
    assert "after every single save" in answers["What does the watcher do?"]
    assert "Waiting for the files to be quiet." in answers["What is a debounce?"]

    # Broken front matter: the error is printed, the deck stays the last good one.
    source.write_text(NOTES.replace("[watch]", "[watch").replace("every save", "broken save"),
                      encoding="utf-8")
    watch.wait_for("front-matter error", lambda: "[front-matter]" in watch.output())
    watch.wait_for("kept note", lambda: "last good outputs are kept" in watch.output())
    assert deck.read_bytes() == good
    assert not list((tmp_path / "dist").glob("*.tmp"))

    # The next good save builds again, from the broken state.
    kept = _state(deck)
    source.write_text(NOTES.replace("Waiting for the files", "Waiting until the files are")
                      .replace("to be quiet", "quiet"), encoding="utf-8")
    watch.wait_for("deck after the fix", lambda: _state(deck) != kept)
    answers = _answers(collection, deck)
    assert "Waiting until the files are quiet." in answers["What is a debounce?"]
    # The Anki collection holds one note per question: the edits updated them in place.
    assert len(answers) == 2

    code = watch.stop()
    assert code == 0, watch.output()  # Ctrl-C is how a watch ends
    assert "Traceback" not in watch.output()


def test_a_new_file_in_the_folder_is_built(tmp_path: Path,
                                           watcher: Callable[..., Watcher]) -> None:
    write(tmp_path / "notes" / "a.md", NOTES)
    watch = watcher()
    watch.wait_started()
    write(tmp_path / "notes" / "b.md", "---\ndeck: Second\n---\n\n### New file?\n\nYes.\n")
    watch.wait_for("second deck", lambda: (tmp_path / "dist" / "Second.apkg").exists())
    assert watch.stop() == 0


def test_a_second_watcher_of_the_same_folder_is_refused(
        tmp_path: Path, watcher: Callable[..., Watcher]) -> None:
    write(tmp_path / "notes" / "Watched.md", NOTES)
    first = watcher()
    first.wait_started()
    second = watcher()
    assert second.process.wait(timeout=WAIT) == 1
    assert "another build-deck watch is writing to dist" in second.output()
    assert "Traceback" not in second.output()
    # Another output folder is another watcher's to take.
    third = watcher("-o", "elsewhere")
    third.wait_for("its own build", lambda: "watching notes" in third.output())
    assert (tmp_path / "elsewhere" / "Watched.apkg").exists()
    assert first.process.poll() is None
    assert first.stop() == 0
    assert third.stop() == 0


def test_ctrl_c_during_a_build_leaves_no_half_written_output(
        tmp_path: Path, watcher: Callable[..., Watcher]) -> None:
    many = "".join(f"### Question {i}?\n\nAnswer {i} with $x_{{{i}}}$.\n\n" for i in range(400))
    write(tmp_path / "notes" / "a.md", "---\ndeck: Big\n---\n\n" + many)
    watch = watcher()
    watch.wait_for("the build to start", lambda: (tmp_path / "dist").exists())
    code = watch.stop()
    assert code == 0, watch.output()  # Ctrl-C is how a watch ends
    assert "Traceback" not in watch.output()
    assert not [p.name for p in (tmp_path / "dist").iterdir() if p.name.endswith(".tmp")]


def test_a_save_retypesets_the_pdf(tmp_path: Path, watcher: Callable[..., Watcher]) -> None:
    """A sheet over one part (600 questions): the save's part is typeset again in the
    watching process and joined; the PDF shows the edit."""
    from pypdf import PdfReader

    questions = "".join(f"### Question number {i}?\n\nPlain answer {i}.\n\n" for i in range(600))
    source = write(tmp_path / "notes" / "Sheet.md", "## Part\n\n" + questions)
    sheet = tmp_path / "dist" / "Sheet.pdf"
    watch = watcher("--format", "pdf", "--jobs", "2")
    watch.wait_started()
    first = _state(sheet)
    assert first is not None, watch.output()
    source.write_text(source.read_text(encoding="utf-8").replace(
        "Plain answer 7.", "Edited while watching."), encoding="utf-8")
    watch.wait_for("typeset sheet", lambda: _state(sheet) != first)
    text = "".join(page.extract_text() for page in PdfReader(sheet).pages)
    assert "Edited while watching." in text and "Plain answer 7." not in text
    assert "Plain answer 599." in text  # the other part, from the part cache
    assert watch.stop() == 0


def test_files_no_build_reads_start_no_build(tmp_path: Path,
                                             watcher: Callable[..., Watcher]) -> None:
    """A log kept in the watched folder (here the watcher's own output) is no input:
    writing it must not start a build, which would print, which would write it…"""
    write(tmp_path / "notes" / "Watched.md", NOTES)
    watch = watcher()
    watch.log = tmp_path / "notes" / "watch.log"  # read from where the output now goes
    watch.process.kill()
    watch.process.wait()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with watch.log.open("wb") as out:
        watch.process = subprocess.Popen(
            [sys.executable, "-m", "builder", "watch", "notes", "--format", "apkg"],
            cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
    watch.wait_started()
    (tmp_path / "notes" / "scratch.txt").write_text("not notes", encoding="utf-8")
    write(tmp_path / "notes" / "Watched.md", NOTES.replace("every save", "each save"))
    watch.wait_for("the edit's build", lambda: "1 changed" in watch.output())
    assert watch.stop() == 0
    # One build for the edit: neither the log's lines nor scratch.txt started another.
    assert watch.output().count("changed: ") == 1, watch.output()
    assert "scratch.txt" not in watch.output()


def test_a_saved_pyproject_cannot_move_the_outputs_of_a_running_watch(
        tmp_path: Path, watcher: Callable[..., Watcher]) -> None:
    """The watcher guards and ignores the output folder, cache and lock it started with:
    outputs moved by a saved pyproject.toml (here into the watched folder) would be
    another watcher's to take, and the watcher's own writes there would start builds."""
    write(tmp_path / "notes" / "Watched.md", NOTES)
    project = write(tmp_path / "notes" / "pyproject.toml",
                    '[tool.build-deck]\nkeep-empty = false\n')
    watch = watcher()
    watch.wait_started()
    project.write_text('[tool.build-deck]\nout = "moved"\ncache-dir = "moved/c"\n',
                       encoding="utf-8")
    watch.wait_for("the settings' build", lambda: "restart" in watch.output())
    assert "notes/pyproject.toml:2:1: warning: [tool.build-deck] out, cache-dir changed since " \
           "build-deck watch started: its outputs stay in dist until it is restarted [config]" \
           in watch.output().splitlines(), watch.output()
    deck = tmp_path / "dist" / "Watched.apkg"
    first = _state(deck)
    write(tmp_path / "notes" / "Watched.md", NOTES.replace("every save", "each save"))
    watch.wait_for("the edit's build", lambda: _state(deck) != first)
    assert watch.stop() == 0
    assert not (tmp_path / "notes" / "moved").exists()
    assert watch.output().count("changed: ") == 2, watch.output()


def test_the_parses_of_a_watch_are_stored_for_the_next_build(
        tmp_path: Path, watcher: Callable[..., Watcher]) -> None:
    """A watch stores its parses when idle and when it ends, not between a save and its
    deck: a later one-shot build finds the last save's parse and parses nothing."""
    source = write(tmp_path / "notes" / "Stored.md", NOTES)
    deck = tmp_path / "dist" / "Stored.apkg"
    watch = watcher()
    watch.wait_started()
    first = _state(deck)
    source.write_text(NOTES.replace("after every save", "after each save"), encoding="utf-8")
    watch.wait_for("rebuilt deck", lambda: _state(deck) != first)
    assert watch.stop() == 0, watch.output()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    again = subprocess.run(
        [sys.executable, "-m", "builder", "build", "-v", "--force", "notes", "--format", "apkg"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=WAIT)
    assert again.returncode == 0, again.stderr
    assert "notes/Stored.md unchanged: reused" in again.stderr, again.stderr


def test_ctrl_c_that_python_reports_as_a_class_error_ends_the_watch_cleanly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Ctrl-C landing while a module is imported reached the watch as a RuntimeError
    ("Error calling __set_name__"), printed as a traceback; any other error still is one."""
    from builder.build.config import configure
    from builder.build.watch import watch

    write(tmp_path / "notes" / "a.md", NOTES)
    monkeypatch.chdir(tmp_path)
    config = configure({"sources": (Path("notes"),)}, given=None)

    def interrupted(changed: list[str]) -> None:
        raise RuntimeError("Error calling __set_name__") from KeyboardInterrupt()

    watch(config, interrupted)  # returns: the watch ended as Ctrl-C ends it

    def broken(changed: list[str]) -> None:
        raise RuntimeError("a real error")

    with pytest.raises(RuntimeError, match="a real error"):
        watch(config, broken)


def test_a_file_still_being_written_is_built_again_when_its_last_write_lands(
        tmp_path: Path, watcher: Callable[..., Watcher], collection: Collection) -> None:
    # A slow copy or sync writes a file in parts, with pauses longer than the watcher's
    # quiet wait: the deck built from the first part is replaced once the rest lands.
    source = write(tmp_path / "notes" / "Copied.md", NOTES)
    deck = tmp_path / "dist" / "Copied.apkg"
    watch = watcher()
    watch.wait_started()
    first = _state(deck)
    grown = NOTES + "\n### What lands last?\n\nThe end of a slow copy.\n"
    cut = grown.index("### What is a debounce?")
    with source.open("w", encoding="utf-8") as out:
        out.write(grown[:cut])
        out.flush()
        watch.wait_for("build of the first part", lambda: _state(deck) != first)
        out.write(grown[cut:])
    watch.wait_for("deck with the whole file",
                   lambda: "What lands last?" in _answers_if_built(collection, deck))
    answers = _answers(collection, deck)
    assert "The end of a slow copy." in answers["What lands last?"]
    assert "Waiting for the files to be quiet." in answers["What is a debounce?"]
    assert watch.stop() == 0, watch.output()


def _answers_if_built(collection: Collection, package: Path) -> dict[str, str]:
    return _answers(collection, package) if package.exists() else {}
