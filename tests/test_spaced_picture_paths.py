"""Pictures whose path holds spaces, as Typora writes them (``![](img/Mask R-CNN-01.png)``):
shown on the card and in the PDF; a missing one is reported; other brackets stay text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.parse.markdown import tokenize

from .conftest import FIXTURES, imported_answer
from .imagefiles import png, write_png

if TYPE_CHECKING:
    from anki.collection import Collection

PICTURES = {"img/ch8/Mask R-CNN-01.png": b"mask", "img/lsgan loss compare.png": b"lsgan",
            "img/figure (1).png": b"figure"}


def _images(text: str) -> list[tuple[str, str, str]]:
    return [(str(t.attrs["src"]), t.content, str(t.attrs.get("title", "")))
            for block in tokenize(text) for t in (block.children or []) if t.type == "image"]


@pytest.mark.parametrize(("source", "image"), [
    ("![](img/a b.png)", ("img/a%20b.png", "", "")),
    ('![x](a b.JPG "说明")', ("a%20b.JPG", "x", "说明")),
    ("![x](a b.png 'it')", ("a%20b.png", "x", "it")),
    ("文 ![图 1](img/a (1).png) 后", ("img/a%20(1).png", "图 1", "")),
    # Backslash escapes are undone, as markdown-it does in a path without spaces.
    (r"![](img/x\_y \(1\).png)", ("img/x_y%20(1).png", "", "")),
    (r'![](a b.png "say \"hi\"")', ("a%20b.png", "", 'say "hi"')),
])
def test_a_path_with_spaces_is_a_picture(source: str, image: tuple[str, str, str]) -> None:
    assert _images(source) == [image]


@pytest.mark.parametrize("source", [
    "![a](see the figure)",      # no picture's file name
    "![x](a b.png",              # never closed
    "![x](a b\n.png)",           # over two lines
    "[link](a b.png)",           # a link, not a picture
    "![x](<a b.png)",
    "![x](a\x01b.png)",          # a control character: no space to excuse
])
def test_other_brackets_stay_text(source: str) -> None:
    assert _images(source) == []


def test_cards_and_pdf_show_the_pictures_and_report_the_missing_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection) -> None:
    import pypdf

    shutil.copy(FIXTURES / "spaced-picture-paths.md", tmp_path / "n.md")
    for name, text in PICTURES.items():
        write_png(tmp_path / name, text=text)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["n.md"])
    assert result.exit_code == 0, result.output
    warnings = re.findall(r"^n\.md:(\d+):\d+: warning: (.*)$", result.output, re.MULTILINE)
    assert [(line, "Application Support" in text and "[image-missing]" in text)
            for line, text in warnings] == [("13", True)], result.output
    answer = imported_answer(collection, tmp_path / "dist" / "Typora 图片.apkg")
    media = Path(collection.media.dir())
    shown = {(media / src).read_bytes() for src in re.findall(r'<img src="([^"]+)"', answer)}
    assert shown == {png(text=text) for text in PICTURES.values()}, answer
    assert "](" not in answer.replace("![a](see the figure)", "").replace(
        "[a link](notes on it.md)", ""), answer
    pdf = pypdf.PdfReader(tmp_path / "dist" / "Typora 图片.pdf")
    assert sum(len(page.images) for page in pdf.pages) == len(PICTURES)
    pdf_text = "".join(page.extract_text() for page in pdf.pages)
    assert not re.findall(r"R-CNN-01|lsgan loss|figure \(1\)|Application", pdf_text), pdf_text
