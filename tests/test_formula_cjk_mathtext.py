"""A formula holding CJK text that typst cannot draw (``$$能量 = \\hslash \\omega$$``:
typst has no ``hslash``) is drawn by matplotlib's mathtext. mathtext sets every letter,
汉字 too, in its italic face; with DejaVu Serif italic there, each character was a
dummy box (matplotlib logged "Font 'rm' does not have a glyph for '\\u80fd'"): a drawn
formula, its words lost. The italic face of such formulas is now the CJK one."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

from builder.render.formulas import _convert_batch, _mathtext

from .conftest import answers_by_question, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

TEX = r"能量 = \hslash \omega"


def test_typst_cannot_draw_it_so_mathtext_does() -> None:
    assert isinstance(_convert_batch([TEX])[0], str)  # typst refuses: mathtext's turn


def test_mathtext_has_a_glyph_for_every_character(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        drawn = _mathtext(TEX)
    assert not isinstance(drawn, str), drawn
    assert drawn.engine == "mathtext"
    assert not [r for r in caplog.records if "does not have a glyph" in r.getMessage()]


def test_the_card_shows_it_drawn(collection: Collection) -> None:
    result, package = build_fixture_deck("formula-cjk-mathtext")
    assert "formula-render" not in result.output, result.output
    answer = answers_by_question(imported_notes(collection, package))["约化普朗克常数是什么？"]
    assert answer.count('<img class="math"') == 1 and "\\[" not in answer
    assert r'alt="能量 = \hslash \omega"' in answer
