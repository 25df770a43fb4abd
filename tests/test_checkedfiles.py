"""The record of checked cache files: a file is taken as checked only while its stat is as
recorded, the record is signed, and a damaged cached image is drawn again even when the
damage kept the file's size and modification time.  Pictures of the notes are read once
per content, and read again when they change."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.model import SourceLoc
from builder.render import checkedfiles, imagecheck, images
from builder.render.checkedfiles import INDEX_NAME, CheckedFiles
from builder.render.images import ImageResolver
from builder.support import filestat

from .conftest import write
from .imagefiles import png
from .test_imagecheck import NOTES, packed_pictures


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The pictures the image resolvers read (their bytes, not only their stat), starting
    with none known."""
    found: list[Path] = []
    original = images._read

    def counted(path: Path, stat: os.stat_result) -> tuple[object, bytes | None]:
        seen, data = original(path, stat)
        if data is not None:
            found.append(path)
        return seen, data

    monkeypatch.setattr(images, "_read", counted)
    monkeypatch.setattr(images, "_SEEN", {})
    return found


@pytest.fixture
def settled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Findings are kept however recently a file changed (tests cannot wait two seconds);
    each test's own changes come after its builds, not within a clock tick of them."""
    monkeypatch.setattr(filestat, "SETTLED_NS", -10**18)


class Examiner:
    """Counts its calls; finds what a real check would: the file's bytes."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, path: Path) -> str | None:
        self.calls += 1
        return path.read_text() if path.exists() else None


def rewrite_keeping_size_and_mtime(path: Path, data: bytes) -> None:
    """Overwrite ``path`` in place with bytes of the same length and give it its old
    modification time back, as a careless or deliberate edit could."""
    before = path.stat()
    assert len(data) == before.st_size
    with path.open("r+b") as handle:
        handle.write(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size, before.st_mtime_ns, before.st_ino)


def test_a_finding_is_reused_until_the_file_changes_even_with_its_old_mtime(
        tmp_path: Path, settled_at_once: None) -> None:
    cached = tmp_path / "math-x.json"
    cached.write_text("first")
    examine = Examiner()
    record = CheckedFiles(tmp_path)
    assert record.check(cached, examine) == "first"
    record.save()
    assert CheckedFiles(tmp_path).check(cached, examine) == "first"
    assert examine.calls == 1
    rewrite_keeping_size_and_mtime(cached, b"again")  # only its ctime tells
    assert CheckedFiles(tmp_path).check(cached, examine) == "again"
    assert examine.calls == 2


def test_a_file_changed_within_the_last_seconds_is_not_recorded(tmp_path: Path) -> None:
    cached = tmp_path / "math-x.json"
    cached.write_text("fresh")
    examine = Examiner()
    record = CheckedFiles(tmp_path)
    assert record.check(cached, examine) == "fresh"
    record.save()
    # Changed in the same clock tick it was checked, it could keep its stat: checked again.
    assert CheckedFiles(tmp_path).check(cached, examine) == "fresh"
    assert examine.calls == 2


@pytest.mark.parametrize("forgery", ["edited", "other secret", "other code"])
def test_a_record_not_made_by_this_user_and_builder_is_no_record(
        tmp_path: Path, settled_at_once: None, monkeypatch: pytest.MonkeyPatch,
        forgery: str) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    cached = cache / "tex-x.json"
    cached.write_text("checked")
    record = CheckedFiles(cache)
    record.check(cached, Examiner())
    record.save()
    index = cache / INDEX_NAME
    if forgery == "edited":
        # Claims other typst for the same file, with the stat right.
        index.write_bytes(index.read_bytes().replace(b"checked", b"planted"))
    elif forgery == "other secret":
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "another-user"))
    else:
        monkeypatch.setattr(checkedfiles, "_code", lambda: "another builder")
    examine = Examiner()
    assert CheckedFiles(cache).check(cached, examine) == "checked"
    assert examine.calls == 1


def build(*extra: str) -> str:
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg", "--force", *extra])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_second_build_takes_its_cached_images_as_checked(
        tmp_path: Path, settled_at_once: None, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "n.md", NOTES)
    build()
    inflated: list[Path] = []
    original = imagecheck.png_intact

    def counted(path: Path, *args: int) -> bool:
        inflated.append(path)
        return original(path, *args)

    for module in ("builder.render.assets", "builder.render.formulacache"):
        monkeypatch.setattr(f"{module}.png_intact", counted)
    assert re.search(r"images: 0 rendered", build()), "drawn again"
    assert inflated == []


@pytest.mark.parametrize("kind", ["math", "diagram"])
def test_a_cached_image_damaged_in_place_with_its_old_mtime_is_drawn_again(
        tmp_path: Path, settled_at_once: None, kind: str) -> None:
    write(tmp_path / "n.md", NOTES)
    build()
    build()  # the record now vouches for every cached image
    cache = tmp_path / "dist" / ".cache"
    assert (cache / INDEX_NAME).is_file()
    [damaged] = cache.glob(f"{kind}-*.png")
    data = damaged.read_bytes()
    middle = len(data) // 2
    rewrite_keeping_size_and_mtime(damaged, data[:middle] + bytes(len(data) - middle))
    assert re.search(r"images: 1 rendered", build()), "the damaged image was taken"
    packed = packed_pictures(tmp_path / "dist" / "n.apkg")
    assert packed[damaged.name] == damaged.read_bytes() != data[:middle] + bytes(
        len(data) - middle)
    assert imagecheck.png_intact(damaged)


def test_a_picture_is_read_once_for_all_resolvers_and_again_when_it_changes(
        tmp_path: Path, settled_at_once: None, reads: list[Path]) -> None:
    picture = tmp_path / "a.png"
    picture.write_bytes(png(4, 4, text=b"first"))
    loc = SourceLoc(str(tmp_path / "n.md"), 3, 1)
    names = set()
    for _ in range(3):  # the cards', the introductions' and the PDF's
        found = ImageResolver({loc.path: tmp_path}).resolve("a.png", loc)
        assert found is not None
        names.add(found.name)
    assert len(reads) == 1 and len(names) == 1
    # Same size, same mtime, other bytes: a new name, from the new bytes.
    rewrite_keeping_size_and_mtime(picture, png(4, 4, text=b"again"))
    found = ImageResolver({loc.path: tmp_path}).resolve("a.png", loc)
    assert found is not None and found.name not in names
    assert len(reads) == 2


def test_a_derived_value_is_computed_once_per_builder(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    computed: list[str] = []

    def fingerprint() -> str:
        computed.append("drawing code")
        return f"fingerprint {len(computed)}"

    record = CheckedFiles(tmp_path)
    assert record.derived("diagram", fingerprint) == "fingerprint 1"
    record.save()
    assert CheckedFiles(tmp_path).derived("diagram", fingerprint) == "fingerprint 1"
    assert len(computed) == 1
    # Another builder (or library version) computes it anew.
    monkeypatch.setattr(checkedfiles, "_code", lambda: "another builder")
    assert CheckedFiles(tmp_path).derived("diagram", fingerprint) == "fingerprint 2"


def test_a_file_that_changes_while_it_is_examined_is_not_recorded(
        tmp_path: Path, settled_at_once: None) -> None:
    cached = tmp_path / "math-x.json"
    cached.write_text("first")
    examine = Examiner()

    def changing(path: Path) -> str | None:
        found = examine(path)
        rewrite_keeping_size_and_mtime(path, b"later")  # after the bytes were taken
        return found

    record = CheckedFiles(tmp_path)
    assert record.check(cached, changing) == "first"
    record.save()
    assert CheckedFiles(tmp_path).check(cached, examine) == "later"


def test_a_picture_changed_in_the_last_seconds_is_read_again_by_each_resolver(
        tmp_path: Path, reads: list[Path]) -> None:
    (tmp_path / "a.png").write_bytes(png(4, 4))
    loc = SourceLoc(str(tmp_path / "n.md"), 3, 1)
    for _ in range(2):
        assert ImageResolver({loc.path: tmp_path}).resolve("a.png", loc) is not None
    # Just written: a change within the same clock tick could keep its stat.
    assert len(reads) == 2
