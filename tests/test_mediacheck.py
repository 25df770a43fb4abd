"""The suite's after-test media check itself: it refuses a package whose card names a picture
the package does not hold, imports each package only once, and never follows links."""

from __future__ import annotations

import os
from pathlib import Path

import genanki
import pytest

from .ankimedia import PackageWatch, packages_under

MODEL = genanki.Model(1607392320, "QA", fields=[{"name": "Front"}, {"name": "Back"}],
                      templates=[{"name": "Card", "qfmt": "{{Front}}", "afmt": "{{Back}}"}])


def _package(folder: Path, packed_as: str) -> Path:
    """A package whose card shows ``pic.png`` and which holds one file named ``packed_as``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / packed_as).write_bytes(b"\x89PNG not empty")
    deck = genanki.Deck(2059400120, "Media")
    deck.add_note(genanki.Note(model=MODEL, fields=["Q?", '<img src="pic.png">']))
    package = genanki.Package(deck)
    package.media_files = [str(folder / packed_as)]
    target = folder / f"{packed_as}.apkg"
    package.write_to_file(target)
    return target


@pytest.mark.broken_media("builds a package without the picture its card shows, on purpose")
def test_a_picture_packed_under_another_name_is_refused(tmp_path: Path) -> None:
    watch = PackageWatch()
    broken = _package(tmp_path / "broken", "other.png")
    with pytest.raises(AssertionError, match=r"broken\.apkg.*pic\.png|pic\.png"):
        watch.check([("broken.apkg", broken.read_bytes())])
    assert not watch.checked


def test_a_whole_package_is_imported_once(tmp_path: Path) -> None:
    watch = PackageWatch()
    whole = _package(tmp_path / "whole", "pic.png").read_bytes()
    watch.check([("a.apkg", whole), ("b.apkg", whole)])
    watch.check([("c.apkg", whole)])
    assert watch.imports == 1 and len(watch.checked) == 1


def test_links_and_other_files_are_not_packages(tmp_path: Path) -> None:
    real = _package(tmp_path / "real", "pic.png")
    os.symlink(real, tmp_path / "link.apkg")
    os.symlink(tmp_path, tmp_path / "real" / "loop")
    (tmp_path / "notes.apkg.md").write_text("not a package", encoding="utf-8")
    assert [path for path, _data in packages_under(tmp_path)] == [str(real)]
