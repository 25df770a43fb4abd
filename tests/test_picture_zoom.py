"""Typora's picture sizes, ``<img … style="zoom:50%;" />``: the card keeps a shrink, leaves
out an enlargement with a note; a zoom of no size (``nan%``, ``1e309``, ``0``) and ``zoom``
on anything but a picture are reported as removed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.checks.htmlpolicy import safe_style, style_removed
from builder.cli import main

from .conftest import FIXTURES, imported_answer
from .imagefiles import write_png

if TYPE_CHECKING:
    from anki.collection import Collection


@pytest.mark.parametrize(("style", "tag", "kept"), [
    ("zoom:50%;", "img", "zoom:50%"),
    ("zoom: 0.3", "img", "zoom: 0.3"),
    ("zoom:100%", "img", "zoom:100%"),
    ("zoom:150%", "img", None),          # an enlargement
    ("zoom:0%", "img", None),
    ("zoom:normal", "img", None),
    ("zoom:50%", "span", None),          # text is not scaled
    ("zoom:50%; width: 30px", "img", "zoom:50%;width: 30px"),
])
def test_a_picture_keeps_its_shrink_only(style: str, tag: str, kept: str | None) -> None:
    assert safe_style(style, tag) == kept


@pytest.mark.parametrize(("style", "tag", "reported"), [
    ("zoom:50%", "img", []),
    ("zoom:150%", "img", []),
    ("zoom:50%", "span", ["zoom:50%"]),
    ("zoom:url(x)", "img", ["zoom:url(x)"]),
    ("zoom:nan%", "img", ["zoom:nan%"]),        # no size at all: reported, not silent
    ("zoom:1e309", "img", ["zoom:1e309"]),      # infinite
    ("zoom:0", "img", ["zoom:0"]),
    ("zoom:normal", "img", []),                  # its own size: nothing lost
])
def test_only_zoom_off_a_picture_or_a_dangerous_one_is_reported(
        style: str, tag: str, reported: list[str]) -> None:
    assert style_removed(style, tag) == reported


def test_card_keeps_the_shrink_and_the_pdf_every_picture(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection) -> None:
    import pypdf

    shutil.copy(FIXTURES / "typora-zoom.md", tmp_path / "n.md")
    for name, rgb in (("small", (255, 0, 0)), ("big", (0, 0, 255)), ("plain", (0, 128, 0))):
        write_png(tmp_path / "img" / f"{name}.png", width=40, height=20, rgb=rgb)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["n.md"])
    assert result.exit_code == 0, result.output
    warnings = re.findall(r"^n\.md:(\d+):\d+: warning: (.*)$", result.output, re.MULTILINE)
    assert warnings == [("13", "raw HTML removed from the card: style 'zoom: 300%' on "
                               "<span> [html-removed]")], result.output
    assert ("n.md:9:1: note: picture enlargement 'zoom: 150%' left out: the card shows the "
            "picture at its own size") in result.output, result.output
    assert result.output.count("picture enlargement") == 1, result.output
    answer = imported_answer(collection, tmp_path / "dist" / "Typora 缩放.apkg")
    styles = dict(re.findall(r'<img src="[^"]+" alt="([^"]+)"(?: style="([^"]*)")?', answer))
    assert styles == {"缩小": "zoom:50%", "放大": "width:30px", "不合法": ""}, answer
    assert "<span>大字</span>" in answer
    pdf = pypdf.PdfReader(tmp_path / "dist" / "Typora 缩放.pdf")
    assert sum(len(page.images) for page in pdf.pages) == 3


@pytest.mark.parametrize(("raw", "card"), [
    ('<span style="COLOR: red">x</span>', '<span style="color:red">x</span>'),
    ('<img src="a.png" style="Zoom:50%">', '<img src="a.png" style="zoom:50%">'),
    ('<span style="Font-Weight : bold;TEXT-ALIGN:center">x</span>',
     '<span style="font-weight:bold;text-align:center">x</span>'),
])
def test_a_style_in_capitals_is_kept_as_the_check_promises(raw: str, card: str) -> None:
    # CSS property names ignore case; the check reports no such declaration as removed,
    # so the card must keep it (nh3's allow-list alone would drop it).
    from builder.anki.html import sanitise

    tag = raw[1:raw.index(" ")]
    style = raw.split('style="')[1].split('"')[0]
    assert style_removed(style, tag) == []
    assert sanitise(raw) == card
