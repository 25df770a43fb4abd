"""A formula that starts with a digit and holds full-width punctuation typed with a Chinese
IME (``$128^2，256^2$``, ``$0（margin=0）$``) is a formula; a price followed by Chinese
words (``$5，一个月大约 $300``) stays text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from builder.parse.markdown import tokenize

from .conftest import FIXTURES, build_fixture, imported_answer

if TYPE_CHECKING:
    from anki.collection import Collection


@pytest.mark.parametrize(("source", "kinds"), [
    ("尺寸$128^2，256^2$，然后", ["text", "math_inline", "text"]),
    ("为$0（margin=0）$，导致", ["text", "math_inline", "text"]),
    ("每小时 $5，一个月大约 $300。", ["text"]),
    ("$5 到 $10", ["text"]),
    ("$5，$10", ["text"]),
])
def test_ime_punctuation_alone_does_not_make_money(source: str, kinds: list[str]) -> None:
    assert [t.type for block in tokenize(source) for t in (block.children or [])
            if t.content] == kinds


def test_the_card_draws_the_formulas_and_keeps_the_prices(
        tmp_path: Path, collection: Collection) -> None:
    import pypdf

    result = build_fixture(FIXTURES / "math" / "ime-punctuation.md")
    assert result.exit_code == 0 and "warning:" not in result.output, result.output
    answer = imported_answer(collection, tmp_path / "dist" / "输入法标点.apkg")
    assert re.findall(r'<img class="math" src="[^"]+" alt="([^"]*)"', answer) == [
        "128^2，256^2，512^2", "0（margin=0）"], answer
    assert "$5，一个月大约 $300。" in answer
    text = "".join(page.extract_text() for page in
                   pypdf.PdfReader(tmp_path / "dist" / "输入法标点.pdf").pages)
    assert text.count("$") == 2 and "1282，2562，5122" in text.replace(" ", ""), text
