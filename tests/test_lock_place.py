"""A lock named where it would be lost is a usage error (exit 2), before anything is
written: over an output, over a source, in a file the next build reads as notes, or in
the cache folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main

from .conftest import write

NOTES = "## S\n### Q?\nA\n"


@pytest.mark.parametrize(("options", "said"), [
    # Before: exit 0, and the first build's lock took the deck's place (dist/d.apkg JSON).
    (["--lock", "dist/d.apkg"], "has the name of an output"),
    (["--lock", "dist/d.pdf"], "has the name of an output"),
    (["--lock", "dist/removed-notes.txt"], "is a file the build writes in its output folder"),
    # The marker every build holds while writing, and the one `watch` holds while it runs.
    (["--lock", "dist/.build-deck-writing"], "is a file the build writes in its output folder"),
    (["--lock", "dist/.build-deck-watching"],
     "is a file the build writes in its output folder"),
    # Before: the lock was written as notes/x.md, and the next build made a deck of it.
    (["--lock", "notes/x.md"], "would be read as notes by the next build"),
    (["--lock", "notes/x.MARKDOWN"], "would be read as notes by the next build"),
    (["--lock", "notes/pyproject.toml"], "would be read for the project's settings"),
    (["--lock", "dist/.cache/build.lock"], "is inside the cache folder dist/.cache"),
    (["--cache-dir", "c", "--lock", "c/sub/build.lock"], "is inside the cache folder c"),
])
def test_a_lock_where_it_would_be_lost_is_refused(tmp_path: Path, options: list[str],
                                                  said: str) -> None:
    write(tmp_path / "notes" / "d.md", NOTES)
    result = CliRunner().invoke(main, ["build", "notes", "-o", "dist", *options])
    assert result.exit_code == 2, result.output
    assert f"Error: the lock file {options[-1]} {said}" in result.output
    assert not (tmp_path / "dist").exists()
    assert sorted(p.name for p in (tmp_path / "notes").iterdir()) == ["d.md"]


def test_a_source_named_as_the_lock_is_refused(tmp_path: Path) -> None:
    """Whatever its suffix: the lock would overwrite the notes."""
    write(tmp_path / "notes.txt", NOTES)
    for command in ("build", "check"):
        result = CliRunner().invoke(main, [command, "notes.txt", "--lock", "notes.txt"])
        assert result.exit_code == 2, result.output
        assert "Error: the lock file notes.txt is one of the sources" in result.output
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == NOTES


def test_a_lock_beside_the_outputs_or_without_the_lock_still_builds(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "d.md", NOTES)
    result = CliRunner().invoke(main, ["build", "notes", "-o", "dist", "--format", "apkg",
                                       "--lock", "dist/build.lock"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "dist" / "build.lock").read_text(encoding="utf-8").startswith("{")
    assert (tmp_path / "dist" / "d.apkg").read_bytes()[:2] == b"PK"
    result = CliRunner().invoke(main, ["build", "notes", "-o", "out", "--format", "apkg",
                                       "--no-lock", "--lock", "out/d.apkg"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "d.apkg").read_bytes()[:2] == b"PK"
    # The default lock, beside the notes, with the cache folder holding the notes.
    result = CliRunner().invoke(main, ["build", "notes", "-o", "dist", "--format", "apkg",
                                       "--cache-dir", "notes"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("options", [
    # Built at a1cd531, then refused because the lock was given inside the cache folder;
    # this cache folder is the output folder, kept like the decks.
    ["-o", "dist", "--cache-dir", "dist", "--lock", "dist/deck.lock"],
    # The default lock is this same file, and it built all along.
    ["-o", "dist", "--cache-dir", ".", "--lock", "build-deck.lock"],
    ["-o", "dist", "--cache-dir", "."],
])
def test_a_lock_in_a_cache_folder_that_holds_what_is_kept_builds(
        tmp_path: Path, options: list[str]) -> None:
    """Where the lock is decides, not how it was spelled: a cache folder holding the
    output folder or a source is not thrown away, nor is a lock in it."""
    write(tmp_path / "d.md", NOTES)
    result = CliRunner().invoke(main, ["build", ".", "--format", "apkg", *options])
    assert result.exit_code == 0, result.output
    lock = tmp_path / (options[-1] if options[-2] == "--lock" else "build-deck.lock")
    assert lock.read_text(encoding="utf-8").startswith("{")
    assert (tmp_path / "dist" / "d.apkg").read_bytes()[:2] == b"PK"


def test_a_lock_from_pyproject_is_refused_naming_both_places(tmp_path: Path) -> None:
    """The message says where else the lock may be named: the setting that named it."""
    write(tmp_path / "notes" / "d.md", NOTES)
    write(tmp_path / "pyproject.toml", '[tool.build-deck]\nlock = "dist/removed-notes.txt"\n')
    result = CliRunner().invoke(main, ["build", "notes", "-o", "dist"])
    assert result.exit_code == 2, result.output
    assert ("Error: the lock file dist/removed-notes.txt is a file the build writes in its "
            "output folder; name another (--lock or `lock` in pyproject.toml)"
            ) in result.output
    assert not (tmp_path / "dist").exists()
    result = CliRunner().invoke(main, ["build", "notes", "-o", "dist", "--lock",
                                       "dist/d.apkg"])
    assert result.exit_code == 2, result.output
    assert "which a build writes over; name another (--lock)\n" in result.output
