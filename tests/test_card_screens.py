"""Cards as people see them: the seed deck and a notes file of wide things, imported into
the real Anki and shown in a real headless Chromium at phone and desktop widths."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from .browser import BROKEN_PICTURES, AnkiCard, imported_decks, launch_chromium, show
from .conftest import FIXTURES

REPO = Path(__file__).parents[1]
SEED_DECK = REPO / "source_md" / "deep-learning-interview.md"
SCREENS = FIXTURES / "screens"
PHONE, DESKTOP, WIDE = 360, 1000, 2400
HOSTILE = "Raw HTML wider than a phone"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[AnkiCard], Path]]:
    """Both decks built with formula images, imported into one real Anki collection."""
    root = tmp_path_factory.mktemp("screens")
    (root / "seed").mkdir()
    shutil.copy(SEED_DECK, root / "seed" / SEED_DECK.name)
    shutil.copytree(SCREENS, root / "screens")
    with imported_decks(root, [root / "seed", root / "screens"], packages=2) as decks:
        yield decks.cards, decks.media


def _card(cards: list[AnkiCard], question: str) -> AnkiCard:
    return next(c for c in cards if c.fields["Question"] == question)


def test_every_card_shows_its_pictures_and_never_scrolls_sideways_on_a_phone(
        decks: tuple[list[AnkiCard], Path], browser: Any, tmp_path: Path) -> None:
    cards, media = decks
    assert len(cards) == 29  # 20 seed cards, 9 of wide things
    page = browser.new_page(viewport={"width": PHONE, "height": 740})
    pictures = 0
    for card in cards:
        for side in (card.question, card.answer):
            show(page, side, media, tmp_path)
            assert page.evaluate(BROKEN_PICTURES) == [], card.fields["Question"]
            pictures += page.evaluate("document.images.length")
            assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE, \
                f"the page scrolls sideways: {card.fields['Question']}"
            if card.fields["Question"] == HOSTILE:
                continue  # the last-resort box scrolls: it is what keeps the page still
            # Not even the card's own last-resort boxes: only formulas, tables and code do.
            for box in ("bd-question", "bd-answer"):
                overflow = page.evaluate(f"""() => [...document.querySelectorAll('.{box}')]
                    .map(e => e.scrollWidth - e.clientWidth)""")
                assert all(o <= 1 for o in overflow), f"{box} scrolls: {card.fields['Question']}"
    assert pictures > 150  # formulas, diagrams and the banner: every one was checked


_EDGES = """() => [...document.querySelectorAll(
        '.bd-section, .bd-question, hr#answer, .bd-answer > *, .bd-source')]
    .filter(e => !getComputedStyle(e).display.startsWith('inline'))
    .map(e => { const r = e.getBoundingClientRect();
                return [e.tagName + '.' + e.className, r.left, r.right]; })"""


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_every_block_of_a_card_shares_one_left_edge_and_one_measure(
        decks: tuple[list[AnkiCard], Path], browser: Any, tmp_path: Path, width: int) -> None:
    cards, media = decks
    page = browser.new_page(viewport={"width": width, "height": 800})
    for card in cards:
        show(page, card.answer, media, tmp_path)
        edges = page.evaluate(_EDGES)
        assert len(edges) >= 5, edges  # section, question, rule, answer blocks, source
        lefts, rights = [e[1] for e in edges], [e[2] for e in edges]
        assert max(lefts) - min(lefts) <= 2, (card.fields["Question"], edges)
        assert max(rights) - min(rights) <= 2, (card.fields["Question"], edges)
        if width == DESKTOP:  # a measure for reading, centred
            assert 600 < max(rights) - min(lefts) < 800
            assert abs(min(lefts) - (width - max(rights))) <= 2


_FORMULA_BOXES = """() => [...document.querySelectorAll('.math-display, .math-wide')].map(box => {
    const img = box.querySelector('img.math');
    return {box: box.clientWidth, scroll: box.scrollWidth, img: img.getBoundingClientRect().width,
            overflow: getComputedStyle(box).overflowX,
            cue: getComputedStyle(box).backgroundImage}; })"""


def test_a_wide_formula_shrinks_to_fit_down_to_seven_tenths_then_scrolls_with_a_cue(
        decks: tuple[list[AnkiCard], Path], browser: Any, tmp_path: Path) -> None:
    cards, media = decks
    wide = browser.new_page(viewport={"width": WIDE, "height": 800})
    phone = browser.new_page(viewport={"width": PHONE, "height": 800})
    for question, shrinks in (("A display formula that shrinks to fit a phone", True),
                              ("A display formula too wide to shrink", False),
                              ("An inline formula wider than a phone's line", True),
                              ("An inline formula too wide even at its smallest", False)):
        card = _card(cards, question)
        show(wide, card.answer, media, tmp_path)
        [full] = wide.evaluate(_FORMULA_BOXES)
        show(phone, card.answer, media, tmp_path)
        [small] = phone.evaluate(_FORMULA_BOXES)
        assert full["img"] > small["box"], "the fixture's formula must be wider than a phone"
        scale = small["img"] / full["img"]
        assert scale >= 0.7 - 0.005, (question, scale)  # never below legible
        if shrinks:
            assert small["scroll"] <= small["box"] and abs(small["img"] - small["box"]) <= 1
        else:
            assert scale == pytest.approx(0.7, abs=0.005)
            assert small["scroll"] > small["box"] and small["overflow"] == "auto"
            assert small["cue"].count("gradient(") == 4, small["cue"]  # the scroll shades


_SCROLLERS = """(selector) => [...document.querySelectorAll(selector)].map(e => ({
    right: e.getBoundingClientRect().right, client: e.clientWidth, scroll: e.scrollWidth,
    overflow: getComputedStyle(e).overflowX}))"""


@pytest.mark.parametrize(("question", "selector"), [
    ("A wide table", ".bd-answer table"), ("Long code", ".highlight pre")])
def test_wide_tables_and_long_code_scroll_inside_their_own_box(
        decks: tuple[list[AnkiCard], Path], browser: Any, tmp_path: Path, question: str,
        selector: str) -> None:
    cards, media = decks
    page = browser.new_page(viewport={"width": PHONE, "height": 800})
    show(page, _card(cards, question).answer, media, tmp_path)
    [box] = page.evaluate(_SCROLLERS, selector)
    assert box["right"] <= PHONE and box["overflow"] == "auto"
    assert box["scroll"] > box["client"] + 100, box  # the rest is a scroll away, not lost


def _pixel(page: Any, x: float, y: float) -> tuple[int, ...]:
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    pixel = shot.getpixel((round(x), round(y)))
    assert isinstance(pixel, tuple), pixel  # an RGB image gives a tuple per pixel
    return tuple(int(channel) for channel in pixel)


_BACKGROUNDS = """() => {
    const seen = new Set();
    for (const e of document.querySelectorAll('#qa *'))
        if (!e.closest('.highlight, table, code'))
            seen.add(getComputedStyle(e).backgroundColor);
    return [getComputedStyle(document.body).backgroundColor, [...seen]]; }"""


@pytest.mark.parametrize("night", [True, False])
def test_night_mode_is_one_background_even_under_diagrams(
        decks: tuple[list[AnkiCard], Path], browser: Any, tmp_path: Path, night: bool) -> None:
    cards, media = decks
    page = browser.new_page(viewport={"width": PHONE, "height": 2000})
    with_diagrams = [c for c in cards if 'class="diagram"' in c.fields["Answer"]]
    assert len(with_diagrams) >= 3
    for card in with_diagrams:
        show(page, card.answer, media, tmp_path, night=night)
        card_ground, boxes = page.evaluate(_BACKGROUNDS)
        assert card_ground == ("rgb(30, 30, 30)" if night else "rgb(255, 255, 255)")
        assert set(boxes) <= {card_ground, "rgba(0, 0, 0, 0)"}, boxes
        diagram = page.locator(".diagram img").first
        diagram.scroll_into_view_if_needed()
        box = diagram.bounding_box()
        ground = _pixel(page, 2, box["y"] + 2)  # the card, left of the diagram
        corner = _pixel(page, box["x"] + 2, box["y"] + 2)  # the diagram's own ground
        assert corner == ground, (card.fields["Question"], corner, ground)
