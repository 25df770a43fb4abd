"""Callouts as people see them: imported into the real Anki and shown in a real headless
Chromium at a phone's width, by day and by night."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser import AnkiCard, imported_decks, launch_chromium, show
from .conftest import FIXTURES

PHONE = 360
NAMES = ("alerts.md", "containers.md", "admonitions.md")

# The contrast of each title with what is behind it (WCAG): the card's ground under every
# tinted box it sits in, nested ones included.
_CONTRAST = """() => {
  const rgba = s => { const m = s.match(/[\\d.]+/g).map(Number);
    return [m.slice(0, 3), m.length > 3 ? m[3] : 1]; };
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  return [...document.querySelectorAll('.callout-title')].map(t => {
    const chain = [];
    for (let e = t; e; e = e.parentElement) chain.unshift(e);
    let ground = [255, 255, 255];
    for (const e of chain) {
      const [c, a] = rgba(getComputedStyle(e).backgroundColor);
      ground = ground.map((v, i) => v * (1 - a) + c[i] * a);
    }
    const [a, b] = [lum(rgba(getComputedStyle(t).color)[0]), lum(ground)]
      .sort((x, y) => y - x);
    return [t.textContent, (a + 0.05) / (b + 0.05)]; });
}"""
_WIDER = """() => [...document.querySelectorAll('.callout')]
    .filter(c => c.getBoundingClientRect().right > window.innerWidth + 0.5).length
    + (document.documentElement.scrollWidth > window.innerWidth ? 1000 : 0)"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[AnkiCard], Path]]:
    root = tmp_path_factory.mktemp("callouts")
    notes = root / "notes"
    notes.mkdir()
    for name in NAMES:
        shutil.copy(FIXTURES / name, notes / name)
    with imported_decks(root, [notes], packages=len(NAMES)) as decks:
        yield decks.cards, decks.media


@pytest.mark.parametrize("night", [True, False])
def test_callout_titles_read_clearly_and_fit_a_phone(
        cards: tuple[list[AnkiCard], Path], browser: Any, tmp_path: Path, night: bool) -> None:
    found, media = cards
    page = browser.new_page(viewport={"width": PHONE, "height": 800})
    titles = []
    for card in found:
        if "callout" not in card.answer:
            continue
        show(page, card.answer, media, tmp_path, night=night)
        assert page.evaluate(_WIDER) == 0, card.fields["Question"]
        titles += page.evaluate(_CONTRAST)
        if "折叠的要点" in card.answer:
            page.screenshot(path=str(tmp_path.parent / f"callouts-{night}.png"), full_page=True)
    page.close()
    assert len(titles) >= 12
    weak = [(text, round(ratio, 2)) for text, ratio in titles if ratio < 4.5]  # WCAG AA
    assert weak == []
