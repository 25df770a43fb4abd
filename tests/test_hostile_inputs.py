"""Hostile input, round 2 (issue 17): caches that cannot run code, a validated lock,
bounded nesting, real size limits, safe file names."""

from __future__ import annotations

import os
import pickle
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from builder.cli import main

from .conftest import import_apkg, write

NOTE = "---\ndeck: 敌意\n---\n## 甲\n### 什么是过拟合？\n训练集好、测试集差。\n"


@pytest.fixture(autouse=True)
def _own_config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the cache secret of these tests out of the real user's config."""
    home = tmp_path / "config-home"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["--format", "apkg", *args])


class _Planted:
    """Unpickling this calls ``os.system``: the attack a shared cache folder allows."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.marker}",))


def _planted_pickle(marker: Path) -> bytes:
    return pickle.dumps(_Planted(marker))


def test_a_planted_cache_entry_with_the_right_key_line_never_runs(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "a.md", NOTE)
    assert run("notes").exit_code == 0
    (entry,) = (tmp_path / "dist" / ".cache").glob("parsed-*.pickle")
    key_line = entry.read_bytes().split(b"\n", 1)[0] + b"\n"
    marker = tmp_path / "PWNED"
    for forged in (b"", b"0" * 64 + b"\n"):  # no tag; a tag made without the secret
        entry.write_bytes(key_line + forged + _planted_pickle(marker))
        result = run("notes", "--force")
        assert result.exit_code == 0, result.output
        assert not marker.exists()
    assert (tmp_path / "dist" / "敌意.apkg").exists()


def test_the_cache_secret_lives_outside_the_cache_and_only_the_user_reads_it(
        tmp_path: Path, _own_config_home: Path) -> None:
    write(tmp_path / "notes" / "a.md", NOTE)
    assert run("notes").exit_code == 0
    key = _own_config_home / "build-deck" / "cache.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_bytes()) >= 32
    assert not any(key.read_bytes() in p.read_bytes()
                   for p in (tmp_path / "dist").rglob("*") if p.is_file())
