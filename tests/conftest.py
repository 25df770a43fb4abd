"""Shared helpers: real Anki collections, throwaway source trees, CLI runs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "deep-learning-interview.md"


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test in its own folder so outputs and locks never leak between tests."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    # The parse cache's signing secret lives in the config home: keep tests' own.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[object]:
    """A fresh, empty Anki collection (the real client)."""
    from anki.collection import Collection

    folder = tmp_path / "anki-profile"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()


def import_apkg(col: object, package: Path) -> object:
    """Import a package the way the desktop dialog does by default; return Anki's log."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    request = ImportAnkiPackageRequest(
        package_path=os.fspath(package.resolve()),
        options=ImportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, merge_notetypes=False,
        ),
    )
    log = col.import_anki_package(request).log  # type: ignore[attr-defined]
    # Every deck a test imports must show all its pictures in the real client.
    from .ankimedia import missing_media

    missing = missing_media(col)
    assert not missing, f"pictures missing in Anki after importing {package}: {missing}"
    return log


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
