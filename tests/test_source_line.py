"""The Source line: relative to the source folder the user named, never an absolute path,
shown or hidden by a setting that leaves the note type alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from builder.anki.apkg import NOTE_TYPE_NAME
from builder.cli import main

from .browser import anki_cards, launch_chromium, show
from .conftest import write

NOTES = """## Basics

### What is a tensor?

An array with any number of axes.
"""


def build(*args: str) -> str:
    result = CliRunner().invoke(main, ["--format", "apkg", "--no-lock", *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def test_sources_named_by_absolute_path_outside_the_working_folder_stay_private(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Any) -> None:
    home = tmp_path / "home" / "alice"
    monkeypatch.setenv("HOME", str(home))
    notes = home / "study" / "notes"
    write(notes / "basics.md", NOTES)
    write(notes / "deeper" / "more.md", "---\ndeck: More\n---\n" + NOTES
          + "\n![a picture](../pic.png)\n")
    (notes / "pic.png").write_bytes((Path(__file__).parent / "fixtures" / "pictures" / "figs"
                                     / "red.png").read_bytes())
    work = tmp_path / "elsewhere"
    work.mkdir()
    monkeypatch.chdir(work)
    build("-o", str(work / "dist"), str(notes.resolve()))
    cards, _media = anki_cards(collection, *sorted((work / "dist").glob("*.apkg")))
    assert sorted(c.fields["Source"] for c in cards) == [
        "notes/basics.md:3", "notes/deeper/more.md:6"]
    for card in cards:
        shown = [card.question, card.answer, *card.fields.values(), *card.tags]
        for private in (str(tmp_path), "/home", "alice"):
            assert not any(private in text for text in shown), (private, card.fields)
    decks = [d.name for d in collection.decks.all_names_and_ids()]
    assert not any("alice" in name or "/" in name for name in decks), decks


@pytest.mark.parametrize(("named", "expected"), [
    ("source_md", "source_md/deep/basics.md:3"),   # the folder named keeps its name
    ("source_md/deep", "deep/basics.md:3"),
    ("source_md/deep/basics.md", "source_md/deep/basics.md:3"),  # a file: the build's folder
    (".", "source_md/deep/basics.md:3"),
])
def test_the_source_line_is_relative_to_the_source_named(
        tmp_path: Path, collection: Any, named: str, expected: str) -> None:
    write(tmp_path / "source_md" / "deep" / "basics.md", NOTES)
    build(named)
    cards, _media = anki_cards(collection, *Path("dist").glob("*.apkg"))
    assert [c.fields["Source"] for c in cards] == [expected]


def _source_shown(browser: Any, card_html: str, media: Path, folder: Path) -> bool:
    page = browser.new_page(viewport={"width": 360, "height": 600})
    show(page, card_html, media, folder)
    shown = bool(page.evaluate("getComputedStyle(document.querySelector('.bd-source'))"
                               ".display !== 'none'"))
    page.close()
    return shown


def test_source_line_hide_hides_it_on_the_card_and_keeps_field_and_note_type(
        tmp_path: Path, collection: Any, browser: Any) -> None:
    write(tmp_path / "shown" / "a.md", "---\ndeck: Shown\n---\n" + NOTES)
    write(tmp_path / "hidden" / "b.md", "---\ndeck: Hidden\nsource_line: hide\n---\n"
          + NOTES.replace("tensor", "matrix"))
    build("shown", "hidden")
    cards, media = anki_cards(collection, *sorted(Path("dist").glob("*.apkg")))
    by_deck = {c.fields["Key"].split(" / ")[0]: c for c in cards}
    assert by_deck["Hidden"].fields["Source"] == "hidden/b.md:7"  # the value stays
    assert by_deck["Shown"].fields["Source"] == "shown/a.md:6"
    # One note type for both: hiding is the note's business, not the note type's.
    assert [m.name for m in collection.models.all_names_and_ids()
            if m.name.startswith(NOTE_TYPE_NAME)] == [NOTE_TYPE_NAME]
    assert not _source_shown(browser, by_deck["Hidden"].answer, media, tmp_path)
    assert _source_shown(browser, by_deck["Shown"].answer, media, tmp_path)
    assert "shown/a.md:6" in by_deck["Shown"].answer


def test_the_command_line_sets_the_default_and_front_matter_wins(
        tmp_path: Path, collection: Any) -> None:
    write(tmp_path / "notes" / "a.md", "---\ndeck: A\n---\n" + NOTES)
    write(tmp_path / "notes" / "b.md", "---\ndeck: B\nsource_line: show\n---\n"
          + NOTES.replace("tensor", "matrix"))
    build("--source-line", "hide", "notes")
    cards, _media = anki_cards(collection, *sorted(Path("dist").glob("*.apkg")))
    hidden = {c.fields["Key"].split(" / ")[0]: "build-deck::hide-source" in c.tags
              for c in cards}
    assert hidden == {"A": True, "B": False}


def test_a_bad_source_line_value_is_reported_and_the_line_shown(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "a.md", "---\nsource_line: maybe\n---\n" + NOTES)
    output = build("notes")
    assert ("notes/a.md:2:14: warning: front matter 'source_line' must be one of show, hide, "
            "not 'maybe' [front-matter]") in output


def test_a_quote_in_a_tag_cannot_leave_the_attribute_the_tags_go_into(
        tmp_path: Path, collection: Any, browser: Any) -> None:
    write(tmp_path / "notes" / "a.md",
          "---\ntags: ['x\" onmouseover=\"alert(1)', 'y']\n---\n" + NOTES)
    build("notes")
    cards, media = anki_cards(collection, *Path("dist").glob("*.apkg"))
    page = browser.new_page()
    show(page, cards[0].answer, media, tmp_path)
    boxes = page.evaluate("""() => [...document.querySelectorAll('.bd-card')]
        .map(e => e.getAttributeNames())""")
    assert boxes == [["class"], ["class", "data-tags"]]
