"""A real headless Chromium (Debian's ``chromium``, driven by Playwright) and cards shown
in it exactly as Anki shows them.

Playwright cannot download its own browser here, so the system's is used.  When it is
missing the browser tests FAIL with what to install: a skipped test would let a card
that scrolls sideways on a phone pass unnoticed.  ``.ci/run`` installs it as root.
"""

from __future__ import annotations

import contextlib
import html
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from .conftest import import_apkg

MISSING_CHROMIUM = (
    "the browser tests need Debian's Chromium and Playwright: `apt-get install chromium` "
    "and `pip install playwright` (the `test` extra); .ci/run installs both")


def launch_chromium() -> Iterator[Any]:
    """Yield a headless Chromium browser; fail (never skip) when there is none."""
    executable = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(f"Playwright is not installed: {MISSING_CHROMIUM}", pytrace=False)
    if executable is None:
        pytest.fail(f"no `chromium` on PATH: {MISSING_CHROMIUM}", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        try:
            yield browser
        finally:
            browser.close()


@dataclass(frozen=True)
class AnkiCard:
    """One card as Anki renders it: each side's HTML with the note type's CSS."""

    question: str
    """The question as the real client puts it (``Card.question()``: style + HTML)."""
    answer: str
    fields: dict[str, str]
    tags: list[str]


def anki_cards(collection: Any, *packages: Path) -> tuple[list[AnkiCard], Path]:
    """Import ``packages`` into the real Anki; return all its cards and the media folder."""
    for package in packages:
        import_apkg(collection, package)
    cards = []
    for card_id in collection.find_cards(""):
        card = collection.get_card(card_id)
        note = card.note()
        cards.append(AnkiCard(card.question(), card.answer(), dict(note.items()),
                              list(note.tags)))
    return cards, Path(collection.media.dir())


class ImportedDecks(NamedTuple):
    """Decks built by the CLI and imported into one real Anki collection."""

    cards: list[AnkiCard]
    media: Path
    """The collection's media folder."""
    output: str
    """What the build printed."""
    dist: Path
    """The build's output folder."""


@contextlib.contextmanager
def imported_decks(root: Path, sources: Sequence[Path], packages: int,
                   formats: str = "apkg") -> Iterator[ImportedDecks]:
    """Build ``sources`` with the CLI into ``root/dist`` (no lock), check it wrote
    ``packages`` packages, and import them all into a new collection in ``root/anki``,
    open while the ``with`` block runs."""
    from anki.collection import Collection
    from click.testing import CliRunner

    from builder.cli import main

    dist = root / "dist"
    result = CliRunner().invoke(main, ["--format", formats, "--no-lock", "-o", str(dist),
                                       *map(str, sources)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    built = sorted(dist.glob("*.apkg"))
    assert len(built) == packages, result.output
    (root / "anki").mkdir()
    collection = Collection(str(root / "anki" / "collection.anki2"))
    try:
        cards, media = anki_cards(collection, *built)
        yield ImportedDecks(cards, media, result.output, dist)
    finally:
        collection.close()


def anki_page(side_html: str, media: Path, *, night: bool = False) -> str:
    """A page laid out as Anki's reviewer lays out a card: the side inside ``#qa`` in a
    body of class ``card card1`` (plus both night-mode classes at night), pictures and
    formulas read from the collection's media folder."""
    night_classes = " nightMode night_mode" if night else ""
    return ('<!doctype html><html><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<base href="{html.escape(media.as_uri())}/"></head>'
            f'<body class="card card1{night_classes}"><div id="qa">{side_html}</div>'
            "</body></html>")


def show(page: Any, side_html: str, media: Path, folder: Path, *, night: bool = False) -> None:
    """Load a card side in ``page`` from a file:// page and wait for its pictures."""
    target = folder / "card.html"
    target.write_text(anki_page(side_html, media, night=night), encoding="utf-8")
    page.goto(target.as_uri(), wait_until="load")


BROKEN_PICTURES = """() => [...document.images]
    .filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src'))"""
