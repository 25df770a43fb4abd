"""An Obsidian embed's size (``![[a.png|100]]``, ``![[a.png|60x999]]``) sizes the picture on
the card (its ``width``, the height following) and in the PDF (100 CSS pixels: 75pt); a
caption (``|示意图``) stays the alt text and sizes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.cli import main

from .conftest import answers_by_question, imported_notes
from .imagefiles import write_png

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = Path(__file__).parent / "fixtures" / "obsidian-sizes"
# Each picture its own pixel size, so the PDF's drawn pictures name their files.
PICTURES = {"wide.png": (40, 20), "tall.png": (30, 30), "plain.png": (50, 10)}


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(FIXTURE, root)
    for name, (width, height) in PICTURES.items():
        write_png(root / "attachments" / name, width=width, height=height)
    monkeypatch.chdir(root)
    return root


def _build(*args: str) -> None:
    result = CliRunner().invoke(main, [".", *args], catch_exceptions=False)
    assert result.exit_code == 0 and "warning:" not in result.output, result.output


def test_the_card_picture_gets_the_width(vault: Path, collection: Collection) -> None:
    _build("--format", "apkg")
    answers = answers_by_question(imported_notes(collection, vault / "dist" / "图片大小.apkg"))
    assert 'alt="wide.png" width="100">' in answers["写了宽度的图片怎么显示？"]
    assert 'alt="tall.png" width="60">' in answers["写了宽和高呢？"]
    assert "999" not in answers["写了宽和高呢？"]
    assert 'alt="示意图">' in answers["写了说明文字呢？"]
    assert "width" not in answers["写了说明文字呢？"]


def _drawn_widths(path: Path) -> dict[tuple[int, int], float]:
    """Each raster picture of a PDF (by pixel size) → the width it is drawn at, in points:
    the ``cm`` matrix in force where the page paints it."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    drawn: dict[tuple[int, int], float] = {}
    reader = PdfReader(path)
    for page in reader.pages:
        xobjects = (page.get("/Resources") or {}).get("/XObject", {})
        stack: list[list[float]] = []
        matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"q":
                stack.append(matrix)
            elif operator == b"Q" and stack:
                matrix = stack.pop()
            elif operator == b"cm":
                a, b, c, d, e, f = (float(x) for x in operands)
                m = matrix
                matrix = [a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2],
                          c * m[1] + d * m[3], e * m[0] + f * m[2] + m[4],
                          e * m[1] + f * m[3] + m[5]]
            elif operator == b"Do" and operands[0] in xobjects:
                image = xobjects[operands[0]].get_object()
                if image.get("/Subtype") == "/Image":
                    size = (int(image["/Width"]), int(image["/Height"]))
                    drawn[size] = abs(matrix[0])
    return drawn


def test_the_pdf_picture_gets_the_width(vault: Path) -> None:
    _build("--format", "pdf")
    drawn = _drawn_widths(vault / "dist" / "图片大小.pdf")
    assert set(drawn) == set(PICTURES.values())
    assert drawn[PICTURES["wide.png"]] == pytest.approx(75, abs=0.5)
    assert drawn[PICTURES["tall.png"]] == pytest.approx(45, abs=0.5)
    # No size given: the picture's own (50 pixels wide is no 75pt or 45pt picture).
    assert drawn[PICTURES["plain.png"]] not in (pytest.approx(75, abs=2), pytest.approx(45, abs=2))
