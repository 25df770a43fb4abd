"""What a watch keeps between saves besides its parses: each formula's finding in the image
cache (``render/formulamemo``) and the bytes of the files it packs
(``support/keptbytes``), each given again only while its file keeps its stat."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from builder.model import Formula, SourceLoc
from builder.render import checkedfiles, formulamemo
from builder.render.assets import worker_pool
from builder.render.formulacache import RenderedFormula, draw_formulas
from builder.render.formulamemo import kept_formulas
from builder.render.imagecheck import png_intact
from builder.support import filestat, keptbytes
from builder.support.keptbytes import kept_file_bytes, read_kept

from .conftest import import_apkg, write
from .test_watch import Watcher, watcher

if TYPE_CHECKING:
    from anki.collection import Collection

__all__ = ["watcher"]  # the fixture, shared with test_watch

FORMULAS = [Formula(tex, display, SourceLoc("memo.md", line, 1))
            for line, (tex, display) in enumerate(
                [("a^2 + b^2 = c^2", False), (r"\sum_{i=1}^n i", True), (r"\frac{1}{x}", False)],
                start=1)]


@pytest.fixture
def settled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files count as settled as soon as they are written (else only two seconds on)."""
    monkeypatch.setattr(filestat, "SETTLED_NS", -1)


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the cache files each ``CheckedFiles.check`` looked at."""
    seen: list[str] = []
    check = checkedfiles.CheckedFiles.check

    def counted(self: checkedfiles.CheckedFiles, path: Path, examine: Any) -> Any:
        seen.append(path.name)
        return check(self, path, examine)

    monkeypatch.setattr(checkedfiles.CheckedFiles, "check", counted)
    return seen


def _draw(cache: Path) -> dict[Formula, RenderedFormula]:
    results = draw_formulas(FORMULAS, cache, worker_pool(1, 0))
    assert not results.failures, results.failures
    return results.images


def test_a_watch_takes_unchanged_formulas_from_its_memo_and_looks_a_changed_one_up(
        tmp_path: Path, settled_at_once: None, lookups: list[str]) -> None:
    with kept_formulas():
        first = _draw(tmp_path)
        assert lookups  # the first build looks each formula up in the cache
        lookups.clear()
        assert _draw(tmp_path) == first
        assert lookups == []  # the next takes them all from the memo

        # An image damaged in the cache is looked up again, found damaged and redrawn.
        damaged = first[FORMULAS[1]].image.path
        damaged.write_bytes(b"not a PNG any more")
        again = _draw(tmp_path)
        assert png_intact(damaged)
        assert again[FORMULAS[1]].image.path == damaged
        assert {name for name in lookups if name.endswith(".png")} == {damaged.name}

        # One that went is drawn again too.
        lookups.clear()
        gone = first[FORMULAS[2]].image.path
        gone.unlink()
        _draw(tmp_path)
        assert png_intact(gone)
        assert gone.name in lookups

    lookups.clear()
    assert _draw(tmp_path) == first
    assert len(lookups) >= len(FORMULAS)  # outside a watch, every build looks up


def test_an_image_changed_within_a_clock_tick_is_not_remembered(
        tmp_path: Path, lookups: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filestat, "SETTLED_NS", 10**18)  # every file changed just now
    with kept_formulas():
        images = _draw(tmp_path)
        lookups.clear()
        _draw(tmp_path)
        assert {name for name in lookups if name.endswith(".png")} == {
            image.image.path.name for image in images.values()}


def test_an_image_damaged_after_its_check_is_not_remembered(
        tmp_path: Path, settled_at_once: None, lookups: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Damaged between the build's check and the memo (the stat the check was recorded
    under is the one that counts): the next save looks it up and repairs it."""
    from builder.render import formulacache

    draw = formulacache._draw_formulas

    def damaging(*args: Any) -> Any:
        results = draw(*args)
        victim = results.images[FORMULAS[0]].image.path
        victim.write_bytes(b"damaged after its check")
        return results

    with kept_formulas():
        monkeypatch.setattr(formulacache, "_draw_formulas", damaging)
        first = _draw(tmp_path)
        monkeypatch.setattr(formulacache, "_draw_formulas", draw)
        lookups.clear()
        again = _draw(tmp_path)
    damaged = first[FORMULAS[0]].image.path
    assert damaged.name in lookups
    assert again[FORMULAS[0]].image.path == damaged and png_intact(damaged)


def test_a_formula_no_engine_could_draw_is_looked_up_on_every_save(
        tmp_path: Path, settled_at_once: None, lookups: list[str]) -> None:
    broken = Formula(r"\frac{", False, SourceLoc("memo.md", 9, 1))
    with kept_formulas():
        assert broken in draw_formulas([broken], tmp_path, worker_pool(1, 0)).failures
        lookups.clear()
        assert broken in draw_formulas([broken], tmp_path, worker_pool(1, 0)).failures
        assert lookups  # as a build does: its cache files may have gone


def test_formulas_drawn_without_typst_are_drawn_with_it_once_it_starts(
        tmp_path: Path, settled_at_once: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from builder.render import typstengine

    with kept_formulas():
        monkeypatch.setattr(typstengine, "problem", lambda: "typst is missing (test)")
        assert {image.engine for image in _draw(tmp_path).values()} == {"mathtext"}
        monkeypatch.undo()
        assert {image.engine for image in _draw(tmp_path).values()} == {"typst"}


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The paths ``read_kept`` read from disk."""
    done: list[Path] = []
    from builder.support.safefile import read_regular, read_regular_with_stat

    def counted(path: Path, limit: int) -> bytes:
        done.append(path)
        return read_regular(path, limit)

    def counted_with_stat(path: Path, limit: int) -> tuple[bytes, os.stat_result]:
        done.append(path)
        return read_regular_with_stat(path, limit)

    monkeypatch.setattr(keptbytes, "read_regular", counted)
    monkeypatch.setattr(keptbytes, "read_regular_with_stat", counted_with_stat)
    return done


def test_packed_files_are_read_once_while_their_stat_holds(
        tmp_path: Path, settled_at_once: None, reads: list[Path]) -> None:
    picture = tmp_path / "p.png"
    picture.write_bytes(b"first")
    with kept_file_bytes():
        assert read_kept(picture, 100) == b"first"
        assert read_kept(picture, 100) == b"first"
        assert reads == [picture]
        picture.write_bytes(b"second, longer")
        assert read_kept(picture, 100) == b"second, longer"
    assert reads.count(picture) == 2


def test_bytes_that_do_not_match_their_stat_are_not_kept(
        tmp_path: Path, settled_at_once: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that grew between its stat and its read: its bytes are given, not kept."""
    from builder.support.safefile import read_regular_with_stat

    picture = tmp_path / "p.png"
    picture.write_bytes(b"short")
    reads: list[Path] = []

    def grown(path: Path, limit: int) -> tuple[bytes, os.stat_result]:
        reads.append(path)
        data, status = read_regular_with_stat(path, limit)
        return data + b" and more", status

    monkeypatch.setattr(keptbytes, "read_regular_with_stat", grown)
    with kept_file_bytes():
        assert read_kept(picture, 100) == b"short and more"
        read_kept(picture, 100)
    assert reads == [picture, picture]


def test_a_kept_file_over_its_limit_is_refused_again(
        tmp_path: Path, settled_at_once: None) -> None:
    picture = tmp_path / "p.png"
    picture.write_bytes(b"0123456789")
    with kept_file_bytes():
        assert read_kept(picture, 100) == b"0123456789"
        with pytest.raises(OSError, match="larger than"):
            read_kept(picture, 5)


def test_a_kept_file_swapped_for_a_fifo_is_refused(
        tmp_path: Path, settled_at_once: None) -> None:
    picture = tmp_path / "p.png"
    picture.write_bytes(b"png")
    with kept_file_bytes():
        assert read_kept(picture, 100) == b"png"
        picture.unlink()
        os.mkfifo(picture)
        with pytest.raises(OSError, match="not a regular file"):
            read_kept(picture, 100)


def test_files_changed_within_a_clock_tick_and_reads_outside_a_watch_are_not_kept(
        tmp_path: Path, reads: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filestat, "SETTLED_NS", 10**18)  # every file changed just now
    picture = tmp_path / "p.png"
    picture.write_bytes(b"new")
    with kept_file_bytes():
        read_kept(picture, 100)
        read_kept(picture, 100)
    assert reads == [picture, picture]  # just written: not settled
    monkeypatch.setattr(filestat, "SETTLED_NS", -1)
    read_kept(picture, 100)
    read_kept(picture, 100)
    assert len(reads) == 4


def test_the_kept_bytes_stay_within_their_bound(
        tmp_path: Path, settled_at_once: None, reads: list[Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keptbytes, "KEPT_BYTES", 10)
    files = [tmp_path / f"{n}.png" for n in range(3)]
    for path in files:
        path.write_bytes(b"12345")
    with kept_file_bytes():
        for path in files:  # the third does not fit: the memo starts again with it
            read_kept(path, 100)
        kept = keptbytes._KEPT.get()
        assert kept is not None and kept.size <= 10
        assert list(kept.files) == [files[2]]
        read_kept(files[0], 100)
    assert reads == [*files, files[0]]


NOTES = """## Formulas

### What is the Pythagorean theorem?

$a^2 + b^2 = c^2$ for a right triangle.

### What is the sum of the first n numbers?

$$\\sum_{i=1}^n i = \\frac{n(n+1)}{2}$$

### What is a slope?

The $m$ in $y = mx + b$.
"""


def test_a_watch_packs_whole_formula_images_after_the_cache_is_damaged(
        tmp_path: Path, watcher: Callable[..., Watcher], collection: Collection) -> None:
    """Two saves after the first build (its images then settled, taken from the memos),
    an image in the cache damaged: the deck of the next save has it whole."""
    source = write(tmp_path / "notes" / "Formulas.md", NOTES)
    deck = tmp_path / "dist" / "Formulas.apkg"
    watch = watcher("--no-lock", "-v")
    watch.wait_started()

    def save(old: str, new: str) -> None:
        before = deck.stat().st_mtime_ns
        source.write_text(source.read_text(encoding="utf-8").replace(old, new),
                          encoding="utf-8")
        watch.wait_for("rebuilt deck", lambda: deck.stat().st_mtime_ns != before)

    time.sleep(2.5)  # the images settle: the next save remembers them
    save("a right triangle", "any right triangle")
    images = sorted((tmp_path / "dist" / ".cache").glob("math-*.png"))
    assert len(images) == 4
    damaged = images[0]
    damaged.write_bytes(damaged.read_bytes()[:40])
    save("a slope", "the slope")

    # The second save took the images the first found (the memo is in use), but for the
    # damaged one, which it looked up.
    assert "3 formula image(s) as the last build found them, 1 looked up" in watch.output()

    import_apkg(collection, deck)  # every picture a card names is in the media folder
    media = Path(collection.media.dir())
    assert (media / damaged.name).is_file()
    assert all(png_intact(path) for path in media.glob("math-*.png"))
    assert watch.stop() == 0, watch.output()


@pytest.fixture(autouse=True)
def _no_leaked_memo() -> Iterator[None]:
    yield
    assert keptbytes._KEPT.get() is None and formulamemo._KEPT.get() is None
