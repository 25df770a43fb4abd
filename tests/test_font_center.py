"""HTML 3's ``<font color>`` and ``<center>`` (Chinese notes mark what matters in red)
reach the card as the ``<span style="color">`` and centred ``<div>`` the sanitiser keeps:
seen in the real Anki and a real Chromium.  What has no kept equivalent (``size``,
``face``, a style smuggled into the colour) is reported."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from builder.cli import main

from .browser import anki_cards, launch_chromium, show
from .conftest import FIXTURES

_COLOURS = """() => Object.fromEntries([...document.querySelectorAll('#qa *')]
    .filter(e => e.children.length === 0 && e.textContent.trim())
    .map(e => [e.textContent.trim(), [getComputedStyle(e).color,
                                      getComputedStyle(e).textAlign]]))"""
_CENTRED_PICTURE = """() => { const i = document.images[0];
    const [r, box] = [i, i.parentElement].map(e => e.getBoundingClientRect());
    return [i.complete && i.naturalWidth > 0,
            Math.abs((r.left + r.right) / 2 - (box.left + box.right) / 2) < 2,
            box.width > 4 * r.width]; }"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def test_font_colours_and_centring_reach_the_card(tmp_path: Path, browser: Any) -> None:
    from anki.collection import Collection

    shutil.copytree(FIXTURES / "font-center", tmp_path / "notes")
    result = CliRunner().invoke(main, ["--format", "apkg", "--no-lock", "-o",
                                       str(tmp_path / "dist"), str(tmp_path / "notes")])
    assert result.exit_code == 0, result.output
    warnings = sorted(line.split("notes/n.md:")[1] for line in result.output.splitlines()
                      if "warning:" in line)
    assert len(warnings) == 2, result.output
    assert warnings[0].startswith("13:1:") and "background:url" in warnings[0]
    assert warnings[1].startswith("5:1:") and "size= attribute on <font>" in warnings[1]
    assert "face= attribute on <font>" in warnings[1] and "<font> tag" not in result.output
    collection = Collection(str(tmp_path / "collection.anki2"))
    try:
        cards, media = anki_cards(collection, tmp_path / "dist" / "重点标记.apkg")
    finally:
        collection.close()
    by_question = {card.fields["Question"]: card for card in cards}
    page = browser.new_page(viewport={"width": 360, "height": 800})
    show(page, by_question['什么是<span style="color:red">过拟合</span>？'].answer, media,
         tmp_path)
    seen = page.evaluate(_COLOURS)
    assert seen["过拟合"][0] == "rgb(255, 0, 0)"
    assert seen["重点"][0] == "rgb(255, 0, 0)" and seen["测试集"][0] == "rgb(30, 144, 255)"
    assert seen["居中的结论"][1] == "center"
    assert page.evaluate(_CENTRED_PICTURE) == [True, True, True]
    show(page, by_question["坏颜色会怎样？"].answer, media, tmp_path)
    seen = page.evaluate(_COLOURS)
    assert seen["只留红色"][0] == "rgb(255, 0, 0)" and "无色" in seen
    assert "url(" not in by_question["坏颜色会怎样？"].answer
    page.close()
