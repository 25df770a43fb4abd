"""A command line that helps: suggestions, help, the next step, -v, shell completion."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from builder.cli import main

from .conftest import write

NOTE = "## Basics\n\n### What is a tensor?\n\nAn array $x^2$.\n"
NEXT = "next: import {} in Anki: File → Import"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, prog_name="build-deck")


@pytest.mark.parametrize(("word", "command"), [
    ("chek", "check"), ("biuld", "build"), ("dagram", "diagram"), ("hlep", "help"),
])
def test_a_mistyped_command_is_a_usage_error_naming_the_command(tmp_path: Path, word: str,
                                                               command: str) -> None:
    write(tmp_path / "source_md" / "n.md", NOTE)
    result = run(word)
    assert result.exit_code == 2, result.output
    assert f"did you mean '{command}'?" in result.output
    assert f"no such command '{word}'" in result.output
    assert not (tmp_path / "dist").exists()


def test_a_word_that_is_a_path_is_built_even_when_close_to_a_command(tmp_path: Path) -> None:
    write(tmp_path / "chek" / "n.md", NOTE)
    result = run("chek", "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "dist" / "n.apkg").exists()


def test_a_missing_file_far_from_any_command_is_still_a_missing_source() -> None:
    result = run("notes.md")
    assert result.exit_code == 1
    assert "notes.md: no such file or directory" in result.output
    assert "did you mean" not in result.output


def test_help_command_with_and_without_a_command() -> None:
    bare = run("help")
    assert bare.exit_code == 0, bare.output
    assert bare.output == run("--help").output
    assert "Commands:" in bare.output and "check" in bare.output
    check = run("help", "check")
    assert check.exit_code == 0, check.output
    assert check.output == run("check", "--help").output
    assert "--site-root" in check.output
    wrong = run("help", "chek")
    assert wrong.exit_code == 2
    assert "did you mean 'check'?" in wrong.output


def test_the_first_build_of_a_deck_ends_with_the_next_step(tmp_path: Path) -> None:
    write(tmp_path / "n.md", NOTE)
    first = run("n.md", "--format", "apkg")
    assert first.exit_code == 0, first.output
    assert first.output.rstrip().splitlines()[-1] == NEXT.format("dist/n.apkg")
    again = run("n.md", "--format", "apkg", "--force")
    assert again.exit_code == 0, again.output
    assert "next:" not in again.output
    # A new deck beside an old one: only the new one is announced.
    write(tmp_path / "m.md", NOTE.replace("tensor", "vector"))
    both = run("n.md", "m.md", "--format", "apkg")
    assert NEXT.format("dist/m.apkg") in both.output
    assert NEXT.format("dist/n.apkg") not in both.output
    write(tmp_path / "q.md", NOTE)
    assert "next:" not in run("q.md", "--format", "apkg", "-q").output


def test_verbose_shows_the_cache_decisions(tmp_path: Path) -> None:
    write(tmp_path / "n.md", NOTE)
    quiet = run("n.md", "--format", "apkg")
    assert "parse cache" not in quiet.output and "builder." not in quiet.output
    (tmp_path / "dist").rename(tmp_path / "old")
    write(tmp_path / "n.md", NOTE)
    first = run("-v", "n.md", "--format", "apkg", "-o", "v")
    assert first.exit_code == 0, first.output
    assert "builder.build.uptodate: building: no record of an earlier build" in first.output
    assert "builder.parse.cache: parse cache: n.md not cached: parsing" in first.output
    assert "1 formula(s) and 0 diagram(s) reused, 0 and 0 drawn" not in first.output
    assert "0 formula(s) and 0 diagram(s) reused, 1 and 0 drawn" in first.output
    second = run("n.md", "--format", "apkg", "-o", "v", "-v")
    assert ("builder.build.uptodate: up to date: nothing changed since the last build"
            in second.output)
    forced = run("n.md", "--format", "apkg", "-o", "v", "-v", "--force")
    assert "parse cache: n.md unchanged: its kept notes are read instead" in forced.output
    assert "1 formula(s) and 0 diagram(s) reused, 0 and 0 drawn" in forced.output
    write(tmp_path / "n.md", NOTE + "\nMore.\n")
    edited = run("n.md", "--format", "apkg", "-o", "v", "-v")
    assert "building: a source, the lock or a pyproject.toml changed" in edited.output
    assert "parse cache: n.md changed (or its options): parsing" in edited.output
    assert "drawing" not in edited.output  # -vv only
    assert "drawing Formula(" in run("n.md", "-o", "w", "--format", "apkg", "-vv").output


def test_check_takes_verbose_too(tmp_path: Path) -> None:
    write(tmp_path / "n.md", NOTE)
    result = run("check", "n.md", "-v")
    assert result.exit_code == 0, result.output
    assert "parse cache: n.md not cached: parsing" in result.output


def test_shell_completion_script_and_completion(tmp_path: Path) -> None:
    script = run(env={"_BUILD_DECK_COMPLETE": "bash_source"})
    assert script.exit_code == 0
    assert "complete -o nosort -F _build_deck_completion build-deck" in script.output
    assert "_BUILD_DECK_COMPLETE=bash_complete" in script.output
    words = run(env={"_BUILD_DECK_COMPLETE": "bash_complete", "COMP_WORDS": "build-deck ch",
                     "COMP_CWORD": "1"})
    assert words.output.split() == ["plain,check"]
    options = run(env={"_BUILD_DECK_COMPLETE": "bash_complete",
                       "COMP_WORDS": "build-deck build --pap", "COMP_CWORD": "2"})
    assert options.output.split() == ["plain,--paper"]


def test_completion_through_the_installed_entry_point(tmp_path: Path) -> None:
    # What the README tells users to run: the script click generates for build-deck.
    env = {**os.environ, "_BUILD_DECK_COMPLETE": "zsh_source",
           "PYTHONPATH": str(Path(__file__).parents[1])}
    done = subprocess.run([sys.executable, "-m", "builder"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "#compdef" in done.stdout and "_BUILD_DECK_COMPLETE=zsh_complete" in done.stdout


def test_a_command_runs_with_rarer_garbage_collections() -> None:
    """The collector's default thresholds cost ~15 % of an edit build's CPU (README)."""
    import gc

    from builder.cli import GC_THRESHOLDS

    gc.set_threshold(700, 10, 10)
    CliRunner().invoke(main, ["check", "--help"])
    assert gc.get_threshold() == GC_THRESHOLDS
