"""Files that are one question: one named by the file keeps no number that only orders
it in its folder (``07-为什么要归一化.md``), and one stated under ``## 问题`` is asked as
written, without the label (builder.parse.questionforms)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from anki.collection import Collection
from click.testing import CliRunner

from builder.cli import main
from builder.parse.phrases import unnumbered

from .conftest import FIXTURES, imported_notes


def _build(tmp_path: Path, fixture: str, name: str, collection: Collection) -> dict[str, str]:
    shutil.copy(FIXTURES / fixture, tmp_path / name)
    result = CliRunner().invoke(main, [name, "--format", "apkg"])
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    (package,) = (tmp_path / "dist").glob("*.apkg")
    return {note["Question"]: note["Source"] for note in imported_notes(collection, package)}


def test_a_file_named_question_drops_its_order_number(tmp_path: Path,
                                                      collection: Collection) -> None:
    cards = _build(tmp_path, "numbered-file-question.md", "07-为什么要归一化.md", collection)
    assert list(cards) == ["为什么要归一化"], cards


def test_a_stated_question_is_asked_without_its_label(tmp_path: Path,
                                                      collection: Collection) -> None:
    cards = _build(tmp_path, "question-part.md", "01-const.md", collection)
    assert list(cards) == ["常量指针和指针常量有什么区别？"], cards
    (source,) = cards.values()
    assert "01-const.md:1" in source, source  # the card starts at its label


@pytest.mark.parametrize(("name", "shown"), [
    ("01-过拟合", "过拟合"), ("21_手动推导BP", "手动推导BP"), ("3.13_dropout", "dropout"),
    ("2. 为什么", "为什么"), ("12、归一化", "归一化"), ("2019", "2019"), ("1-", "1-"),
    ("3d-vision", "3d-vision"), ("12345-x", "12345-x"), ("BN-01", "BN-01"),
])
def test_only_a_leading_order_number_goes(name: str, shown: str) -> None:
    assert unnumbered(name) == shown
