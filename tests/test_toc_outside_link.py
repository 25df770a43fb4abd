"""A "目录" list whose last entry links past the file (``[3. 代码实现](demo.ipynb)``) is the
table of contents, not a card; the link is named in a warning, and ``toc`` leaves the list
alone so as not to drop it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.cli import main

from .conftest import FIXTURES, build_fixture, imported_notes, write

if TYPE_CHECKING:
    from anki.collection import Collection

INDEX = """# 索引

## 目录
- [卷积](cnn.md)
- [池化](pool.md)
- [注意力](#注意力)

## 注意力

注意力机制给每个位置加权。
"""


def _questions(collection: Collection, package: Path) -> list[str]:
    return sorted(note["Question"] for note in imported_notes(collection, package))


def test_the_toc_is_no_card_and_its_outside_link_is_named(
        tmp_path: Path, collection: Collection) -> None:
    import pypdf

    result = build_fixture(FIXTURES / "toc-outside-link.md")
    assert result.exit_code == 0, result.output
    notes = re.findall(r"^n\.md:(\d+):(\d+): \w+: (.*)\[([a-z-]+)\]$", result.output,
                       re.MULTILINE)
    # The TOC is left out, and said so at its lines (toc-left-out); its outside link too.
    assert [(line, code) for line, _, _, code in notes] == [("3", "toc-left-out"),
                                                            ("6", "toc-outside")]
    assert "n.md:6:1: warning: TOC entry" in result.output
    assert "3. 代码实现" in notes[1][2] and "demo.ipynb" in notes[1][2]
    assert _questions(collection, tmp_path / "dist" / "神经网络.apkg") \
        == ["1. 什么是感知器", "2. 什么是激活函数"]
    text = "".join(page.extract_text() for page in
                   pypdf.PdfReader(tmp_path / "dist" / "神经网络.pdf").pages)
    assert "感知器把输入加权求和" in text and "目录" not in text


def test_toc_leaves_such_a_list_as_written(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    shutil.copy(FIXTURES / "toc-outside-link.md", path)
    before = path.read_bytes()
    assert CliRunner().invoke(main, ["toc", "--check", str(path)]).exit_code == 0
    assert CliRunner().invoke(main, ["toc", str(path)]).exit_code == 0
    assert path.read_bytes() == before


def test_a_list_mostly_of_other_files_stays_content(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection) -> None:
    write(tmp_path / "i.md", INDEX)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["i.md"])
    assert result.exit_code == 0 and "toc-outside" not in result.output, result.output
    answers = " ".join(note["Answer"]
                       for note in imported_notes(collection, tmp_path / "dist" / "索引.apkg"))
    assert "卷积" in answers and "池化" in answers, answers
