"""``==highlighted==`` text: a ``<mark>`` in the real Anki, a highlight in the PDF, and
text wherever ``==`` is not a pair of delimiters."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.parse.markdown import tokenize

from .conftest import imported_answer, write

if TYPE_CHECKING:
    from anki.collection import Collection

NOTES = "## S\n\n### 什么最重要？\n\n这是 ==重点== 内容，比较 `a == b` 与 a == b。\n"
HIGHLIGHT = (0xFF, 0xF3, 0xA8)


def _inline_kinds(text: str) -> list[str]:
    return [t.type if t.type != "text" else f"text:{t.content}"
            for block in tokenize(text) for t in (block.children or [])
            if t.type != "text" or t.content]


@pytest.mark.parametrize(("text", "kinds"), [
    ("==重点==", ["mark_open", "text:重点", "mark_close"]),
    ("x==y==z", ["text:x", "mark_open", "text:y", "mark_close", "text:z"]),
    ("==**粗**==", ["mark_open", "strong_open", "text:粗", "strong_close", "mark_close"]),
    ("===x===", ["text:=", "mark_open", "text:x", "mark_close", "text:="]),
])
def test_a_pair_of_double_equals_marks_its_text(text: str, kinds: list[str]) -> None:
    assert _inline_kinds(text) == kinds


@pytest.mark.parametrize("text", [
    "a == b", "if x== 1", "==a", "a==", "`==a==`", "$a==b==c$", "= = a = =", "\\==a==",
])
def test_equals_signs_that_pair_nothing_stay_text(text: str) -> None:
    assert not {"mark_open", "mark_close"} & set(_inline_kinds(text)), text


def test_the_card_shows_a_mark_and_the_pdf_a_highlight(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection) -> None:
    from PIL import Image, ImageChops

    write(tmp_path / "n.md", NOTES)
    write(tmp_path / "plain.md", NOTES.replace("==重点==", "重点"))
    monkeypatch.chdir(tmp_path)
    for name in ("n.md", "plain.md"):
        result = CliRunner().invoke(main, [name])
        assert result.exit_code == 0 and "warning:" not in result.output, result.output
    answer = imported_answer(collection, tmp_path / "dist" / "n.apkg")
    assert "<mark>重点</mark>" in answer and "a == b" in answer and "==" not in \
        answer.replace("a == b", "")

    def highlighted(pdf: str) -> int:
        import subprocess

        subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", pdf,
                        str(tmp_path / pdf)], check=True, cwd=tmp_path / "dist")
        with Image.open(next(tmp_path.glob(f"{pdf}*.png"))) as page:
            # Pixels within 6 of the highlight's colour in each channel (R, G, B bands).
            red, green, blue = (band.point(lambda v, c=c: 255 if abs(v - c) <= 6 else 0)
                                for band, c in zip(page.convert("RGB").split(), HIGHLIGHT,
                                                   strict=True))
            near = ImageChops.multiply(ImageChops.multiply(red, green), blue)
            return int(near.histogram()[255])

    assert highlighted("n.pdf") > 20 and highlighted("plain.pdf") == 0


def test_highlights_nested_thousands_deep_are_a_warning_and_keep_every_sign(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection) -> None:
    # 1,000 ``==`` openers then 1,000 closers pair up 1,000 deep: the tree built from them
    # overflowed Python's stack (a RecursionError traceback) until marks were bounded
    # like emphasis.
    write(tmp_path / "n.md", "## S\n\n### 问？\n\n" + "=" * 2000 + "核心" + "=" * 2000 + "\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg"])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert "n.md:5:1: warning: emphasis nested more than 16 deep is kept as text " \
           "[nesting-depth]" in result.output
    answer = imported_answer(collection, tmp_path / "dist" / "n.apkg")
    assert answer.count("<mark>") == 16 and "核心" in answer
    assert answer.count("=") == 4000 - 2 * 2 * 16
