"""Workers killed while they wrote into the cache (a group's SIGTERM) leave
``.build-deck-*.tmp`` files there; the output folder's own sweep (``exclusive``) does not
reach ``OUT/.cache`` or a ``--cache-dir``.  A build removes the ones that are abandoned:
named as ``atomic_path`` names them and not written for ``STALE_AFTER`` seconds, never
through a link, and never a fresh one another build sharing the cache may be writing."""

from __future__ import annotations

import os
import time
from pathlib import Path

from click.testing import CliRunner

from builder.cli import main
from builder.support.atomic import TEMP_PREFIX
from builder.support.tempsweep import STALE_AFTER, sweep_abandoned

from .conftest import write

OLD = time.time() - STALE_AFTER - 60


def _aged(path: Path, data: str = "x") -> Path:
    write(path, data)
    os.utime(path, (OLD, OLD))
    return path


def test_only_abandoned_temporary_files_are_removed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    abandoned = _aged(cache / f"{TEMP_PREFIX}abc_1234.tmp")
    fresh = write(cache / f"{TEMP_PREFIX}zzzz9999.tmp", "being written")
    named_else = _aged(cache / f"{TEMP_PREFIX}notes.tmp")  # not a name atomic_path gives
    kept_entry = _aged(cache / "math-0a872e76299d679d927b.png")
    below = _aged(cache / "sub" / f"{TEMP_PREFIX}abcd1234.tmp")  # not the cache's own
    outside = _aged(tmp_path / "elsewhere" / "precious.txt", "keep me")
    link = cache / f"{TEMP_PREFIX}link1234.tmp"
    link.symlink_to(outside)
    os.utime(link, (OLD, OLD), follow_symlinks=False)
    folder = cache / f"{TEMP_PREFIX}dir12345.tmp"
    folder.mkdir()
    os.utime(folder, (OLD, OLD))

    assert sweep_abandoned(cache) == 1
    assert not abandoned.exists()
    for path in (fresh, named_else, kept_entry, below, folder):
        assert path.exists(), path
    assert link.is_symlink() and outside.read_text(encoding="utf-8") == "keep me"
    assert sweep_abandoned(tmp_path / "no-cache-yet") == 0


def test_a_build_sweeps_its_shared_cache(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "a.md", "# Deck\n\n## What is A?\n\nAn answer.\n")
    shared = tmp_path / "shared"
    abandoned = _aged(shared / f"{TEMP_PREFIX}k1ll3d_0.tmp")
    fresh = write(shared / f"{TEMP_PREFIX}writing0.tmp", "another build's")
    default_cache = _aged(tmp_path / "out" / ".cache" / f"{TEMP_PREFIX}k1ll3d_1.tmp")
    runner = CliRunner()
    done = runner.invoke(main, ["build", "notes", "-o", "out", "--format", "apkg", "--no-lock",
                                "--cache-dir", "shared"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert not abandoned.exists() and fresh.exists()
    assert default_cache.exists()  # not this build's cache
    done = runner.invoke(main, ["build", "notes", "-o", "out", "--format", "apkg", "--no-lock"],
                         catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert not default_cache.exists()


def test_the_output_folder_s_sweep_leaves_a_folder_so_named(tmp_path: Path) -> None:
    """``exclusive`` removes every temporary file in the output folder under its lock; a
    folder named like one is no build's (a build writes files only) and stays, and the
    build goes on (it stopped with "cannot write to out: Is a directory")."""
    write(tmp_path / "notes" / "a.md", "# Deck\n\n## What is A?\n\nAn answer.\n")
    left = write(tmp_path / "out" / f"{TEMP_PREFIX}abcd1234.tmp", "half written")
    kept = write(tmp_path / "out" / f"{TEMP_PREFIX}mine.tmp" / "notes.txt", "keep me")
    link = tmp_path / "out" / f"{TEMP_PREFIX}link.tmp"
    link.symlink_to(kept.parent)
    done = CliRunner().invoke(main, ["build", "notes", "-o", "out", "--format", "apkg",
                                     "--no-lock"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert (tmp_path / "out" / "Deck.apkg").is_file()
    assert not left.exists() and not link.is_symlink()  # a link goes, not what it names
    assert kept.read_text(encoding="utf-8") == "keep me"
