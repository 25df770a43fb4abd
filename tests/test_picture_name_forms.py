"""Pictures named in one Unicode normalisation and stored in another (a macOS author's
decomposed file names, notes written composed, or the other way): found when exactly one
file of the folder reads the same, never outside the source tree."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from click.testing import CliRunner

from builder.cli import main
from builder.model import SourceLoc
from builder.render.images import ImageResolver

from .conftest import FIXTURES, imported_answer
from .imagefiles import png, write_png

if TYPE_CHECKING:
    from anki.collection import Collection


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


ON_DISK = {f"img/{_nfd('café')}/{_nfd('é')}.png": (1, 0, 0),
           _nfd("그림.png"): (2, 0, 0),
           unicodedata.normalize("NFC", "été.png"): (3, 0, 0),
           f"attachments/{_nfd('résumé')}.png": (4, 0, 0)}


def _shown_pictures(fixture: str, on_disk: dict[str, tuple[int, int, int]],
                    collection: Collection) -> list[bytes]:
    """Build ``fixture`` beside the pictures ``on_disk`` (name → colour) with no warning,
    and return the bytes of each picture its card shows in the real Anki."""
    shutil.copy(FIXTURES / fixture, Path("n.md"))
    for name, rgb in on_disk.items():
        write_png(Path(name), rgb=rgb)
    result = CliRunner().invoke(main, ["n.md"])
    assert result.exit_code == 0, result.output
    assert ": warning:" not in result.output, result.output
    (package,) = Path("dist").glob("*.apkg")
    answer = imported_answer(collection, package)
    media = Path(collection.media.dir())
    return [(media / src).read_bytes() for src in re.findall(r'<img src="([^"]+)"', answer)]


def test_each_picture_is_shown_from_the_file_stored_in_the_other_form(
        collection: Collection) -> None:
    shown = _shown_pictures("normalised-picture-names.md", ON_DISK, collection)
    assert shown == [png(rgb=rgb) for rgb in ON_DISK.values()]


def _resolve(tmp_path: Path, src: str) -> tuple[str | None, list[str]]:
    note = tmp_path / "tree" / "n.md"
    note.parent.mkdir(exist_ok=True)
    resolver = ImageResolver({str(note): note.parent})
    found = resolver.resolve(src, SourceLoc(str(note), 1, 1))
    return (None if found is None else found.path.name,
            [f"{d.message} [{d.code}]" for d in resolver.diagnostics])


def test_two_files_of_the_same_text_are_no_match(tmp_path: Path) -> None:
    # Two orders of the same marks, neither the notes' own bytes: which one was meant?
    for name in ("e\u0301\u0323.png", "e\u0323\u0301.png"):
        write_png(tmp_path / "tree" / name)
    found, said = _resolve(tmp_path, unicodedata.normalize("NFC", "e\u0323\u0301.png"))
    assert found is None
    assert said and "[image-missing]" in said[0], said


def test_the_bytes_written_win_over_another_form(tmp_path: Path) -> None:
    for name, rgb in ((_nfd("é.png"), (1, 0, 0)), ("\u00e9.png", (2, 0, 0))):
        write_png(tmp_path / "tree" / name, rgb=rgb)
    assert _resolve(tmp_path, "\u00e9.png") == ("\u00e9.png", [])
    assert _resolve(tmp_path, _nfd("é.png")) == (_nfd("é.png"), [])


def test_a_folder_outside_the_tree_in_another_form_is_still_refused(tmp_path: Path) -> None:
    write_png(tmp_path / _nfd("café") / "x.png")
    found, said = _resolve(tmp_path, "../café/x.png")
    assert found is None
    assert said and "[image-outside]" in said[0], said


CASE_ON_DISK = {"Assets/Conv.PNG": (5, 0, 0), "figures/KERNEL.JPG": (6, 0, 0)}


def test_a_picture_named_in_another_case_is_shown(collection: Collection) -> None:
    # Notes written on macOS or Windows, which open a file whatever the case of its name.
    shown = _shown_pictures("picture-name-case.md", CASE_ON_DISK, collection)
    assert shown == [png(rgb=rgb) for rgb in CASE_ON_DISK.values()]


def test_two_files_that_differ_only_in_case_are_no_match(tmp_path: Path) -> None:
    for name in ("Conv.png", "CONV.png"):
        write_png(tmp_path / "tree" / name)
    found, said = _resolve(tmp_path, "conv.png")
    assert found is None
    assert said and "[image-missing]" in said[0], said
    assert _resolve(tmp_path, "CONV.png") == ("CONV.png", [])
