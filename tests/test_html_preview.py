"""``--format html``: a preview page per deck, checked offline in a real headless Chromium
against the cards the real Anki shows for the same build."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from builder.cli import main

from .browser import BROKEN_PICTURES, AnkiCard, imported_decks, launch_chromium
from .conftest import FIXTURES, write

REPO = Path(__file__).parents[1]
SEED_DECK = REPO / "source_md" / "deep-learning-interview.md"


@dataclass
class Built:
    dist: Path
    cards: list[AnkiCard]
    """The same build's cards, as the real Anki shows them."""


@dataclass
class Visit:
    """A page opened from file://, with every request and console message it made."""

    page: Any
    requests: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    root = tmp_path_factory.mktemp("preview")
    (root / "seed").mkdir()
    shutil.copy(SEED_DECK, root / "seed" / SEED_DECK.name)
    shutil.copytree(FIXTURES / "screens", root / "screens")
    with imported_decks(root, [root / "seed", root / "screens"], packages=2,
                        formats="apkg,html") as decks:
        yield Built(decks.dist, decks.cards)


def visit(browser: Any, page_file: Path, width: int = 1000) -> Visit:
    page = browser.new_page(viewport={"width": width, "height": 900})
    seen = Visit(page)
    page.on("request", lambda r: seen.requests.append(r.url))
    page.on("console", lambda m: seen.messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: seen.messages.append(f"pageerror: {e}"))
    page.goto(page_file.as_uri(), wait_until="load")
    return seen


def test_one_page_per_deck_with_its_media_beside_it(built: Built) -> None:
    pages = sorted(p.name for p in built.dist.glob("*.html"))
    assert pages == ["Screens.html", "深度学习面试.html"]
    for page in pages:
        assert (built.dist / page.replace(".html", "_media")).is_dir()
    assert not list(built.dist.glob(".build-deck-*.tmp"))


@pytest.mark.parametrize("deck", ["Screens", "深度学习面试"])
def test_the_page_works_offline_and_shows_every_card_as_anki_does(
        built: Built, browser: Any, deck: str) -> None:
    seen = visit(browser, built.dist / f"{deck}.html")
    page = seen.page
    assert seen.messages == []
    outside = [u for u in seen.requests if not u.startswith(built.dist.as_uri() + "/")]
    assert outside == []  # the page and its own media, nothing else
    assert page.evaluate(BROKEN_PICTURES) == []
    # By the folder each deck comes from: a key may be a {#handle}, not "deck / section / q".
    folder = {"Screens": "screens/", "深度学习面试": "seed/"}[deck]
    cards = [c for c in built.cards if c.fields["Source"].startswith(folder)]
    assert page.locator(".bd-item").count() == len(cards) > 0
    # Every question shown, and nothing of any answer yet.
    assert page.locator(".bd-front .bd-question:visible").count() == len(cards)
    assert page.locator(".bd-answer:visible").count() == 0
    normalised = "(s) => { const t = document.createElement('template'); t.innerHTML = s;" \
                 " return t.innerHTML; }"
    fronts = page.eval_on_selector_all(".bd-front", "es => es.map(e => e.innerHTML)")
    backs = page.eval_on_selector_all(".bd-back", "es => es.map(e => e.innerHTML)")
    sources = page.eval_on_selector_all(".bd-where", "es => es.map(e => e.textContent)")
    css = page.eval_on_selector("style", "e => e.textContent")
    for card in cards:
        style, question = _split_style(card.question)
        assert style.strip() == css.strip()  # the note type's CSS, whole
        assert page.evaluate(normalised, question) in fronts
        assert page.evaluate(normalised, _split_style(card.answer)[1]) in backs
        assert card.fields["Source"] in sources
    page.close()


def _split_style(side: str) -> tuple[str, str]:
    match = re.fullmatch(r"<style>(.*?)</style>(.*)", side, re.DOTALL)
    assert match is not None, side[:200]
    return match.group(1), match.group(2)


def test_search_filters_the_cards_and_their_sections(built: Built, browser: Any) -> None:
    page = visit(browser, built.dist / "Screens.html").page
    total = page.locator(".bd-item").count()
    page.fill("#bd-search", "alexnet")
    assert page.locator(".bd-item:visible").count() == 1
    assert "AlexNet" in page.locator(".bd-item:visible").text_content()
    page.fill("#bd-search", "no card has this word")
    assert page.locator(".bd-item:visible").count() == 0
    assert page.locator(".bd-group:visible").count() == 0
    assert page.inner_text("#bd-count") == f"0 / {total} cards"
    page.fill("#bd-search", "")
    assert page.locator(".bd-item:visible").count() == total


def test_front_back_toggle_and_flip(built: Built, browser: Any) -> None:
    page = visit(browser, built.dist / "深度学习面试.html").page
    total = page.locator(".bd-item").count()
    page.click("#bd-sides")
    assert page.locator(".bd-answer:visible").count() == total
    assert page.locator(".bd-front:visible").count() == 0
    page.click("#bd-sides")
    page.locator(".bd-flip").nth(2).click()
    assert page.locator(".bd-answer:visible").count() == 1
    assert page.locator(".bd-item").nth(2).locator(".bd-answer").is_visible()


def test_section_navigation_goes_to_each_section(tmp_path: Path, browser: Any) -> None:
    sections = ["Optimisers", "Convolutions", "Normalisation", "Attention"]
    write(tmp_path / "notes" / "a.md", "---\ndeck: Nav\n---\n" + "".join(
        f"## {name}\n\n" + "".join(f"### {name} question {n}?\n\nAnswer {n}.\n\n"
                                   for n in range(6)) for name in sections))
    result = CliRunner().invoke(main, ["--format", "html", "--no-lock", "notes"])
    assert result.exit_code == 0, result.output
    page = visit(browser, (tmp_path / "dist" / "Nav.html").resolve()).page
    buttons = page.locator(".bd-nav button")
    assert buttons.all_inner_texts() == [f"{name} (6)" for name in sections]
    for index in (3, 1):
        buttons.nth(index).click()
        heading = page.locator(".bd-group > h2").nth(index)
        # Just below the sticky bar: in view, not under it.
        page.wait_for_function(
            """e => { const bar = document.querySelector('.bd-bar').getBoundingClientRect();
                      const top = e.getBoundingClientRect().top;
                      return top >= bar.bottom && top < bar.bottom + 80; }""",
            arg=heading.element_handle())
        assert heading.inner_text() == sections[index]


def test_night_mode_switch_turns_every_card_to_the_night_colours(
        built: Built, browser: Any) -> None:
    page = visit(browser, built.dist / "深度学习面试.html").page
    grounds = "() => [...document.querySelectorAll('.bd-item > .card')]" \
              ".map(e => getComputedStyle(e).backgroundColor)"
    assert set(page.evaluate(grounds)) == {"rgb(255, 255, 255)"}
    page.check("#bd-night")
    assert set(page.evaluate(grounds)) == {"rgb(30, 30, 30)"}
    page.uncheck("#bd-night")
    assert set(page.evaluate(grounds)) == {"rgb(255, 255, 255)"}


def test_the_page_does_not_scroll_sideways_on_a_phone(built: Built, browser: Any) -> None:
    page = visit(browser, built.dist / "Screens.html", width=360).page
    page.click("#bd-sides")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360


def test_names_from_the_notes_stay_text(tmp_path: Path, browser: Any) -> None:
    # An escaped tag is text in a name (a real tag is markup: names leave it out).
    deck = '<img src=x onerror="document.title=1">'
    write(tmp_path / "notes" / "a.md", f"---\ndeck: '{deck}'\n---\n"
          "## \\<script>alert(1)\\</script> & co\n\n### What is </style> here?\n\nText.\n")
    result = CliRunner().invoke(main, ["--format", "html", "--no-lock", "notes"])
    assert result.exit_code == 0, result.output
    [page_file] = Path("dist").glob("*.html")
    seen = visit(browser, page_file.resolve())
    assert seen.messages == []
    assert seen.page.title() == deck
    assert seen.page.inner_text(".bd-group > h2") == "<script>alert(1)</script> & co"
    assert seen.page.evaluate("document.scripts.length") == 1  # the page's own
    assert seen.page.evaluate("document.images.length") == 0


def test_a_failed_write_leaves_the_last_page(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "a.md", "---\ndeck: D\n---\n## S\n\n### Q?\n\n![p](red.png)\n")
    shutil.copy(FIXTURES / "pictures" / "figs" / "red.png", tmp_path / "notes" / "red.png")
    write(tmp_path / "dist" / "D.html", "the last page")
    write(tmp_path / "dist" / "D_media", "a file where the media folder goes")
    result = CliRunner().invoke(main, ["--format", "html", "--no-lock", "notes"])
    assert result.exit_code == 1
    assert "cannot write" in result.output
    assert (tmp_path / "dist" / "D.html").read_text(encoding="utf-8") == "the last page"


def test_the_bar_hides_the_source_line_where_the_card_does(tmp_path: Path,
                                                           browser: Any) -> None:
    write(tmp_path / "notes" / "hidden.md",
          "---\ndeck: Where\nsource_line: hide\n---\n## S\n\n### Hidden here?\n\nYes.\n")
    write(tmp_path / "notes" / "shown.md",
          "---\ndeck: Where\nsource_line: show\n---\n## S\n\n### Shown here?\n\nYes.\n")
    write(tmp_path / "notes" / "default.md",
          "---\ndeck: Where\n---\n## S\n\n### Hidden by the option?\n\nYes.\n")
    result = CliRunner().invoke(main, [
        "--format", "html", "--no-lock", "--source-line", "hide", "notes"])
    assert result.exit_code == 0, result.output
    page_file = (tmp_path / "dist" / "Where.html").resolve()
    page = visit(browser, page_file).page
    bars = page.eval_on_selector_all(
        ".bd-item", "es => es.map(e => [e.querySelector('.bd-question').textContent.trim(),"
                    " e.querySelector('.bd-where').textContent])")
    assert sorted(bars) == [["Hidden by the option?", ""], ["Hidden here?", ""],
                            ["Shown here?", "notes/shown.md:7"]]
    page.click("#bd-sides")  # the backs too: nowhere on the page is the path visible
    seen = page.inner_text("body")
    assert "shown.md" in seen
    assert "hidden.md" not in seen and "default.md" not in seen
    assert page.locator(".bd-flip").count() == 3
