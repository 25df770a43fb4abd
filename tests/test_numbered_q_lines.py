"""Q: lines numbered in brackets, ``(1)Q: …`` with a ``* A: …`` item under it
(evah/DS SQL.md, hunt6) and ``（3）问：…``: each asks a card of its own, as an unnumbered
``Q:`` line does, instead of all of them making one answer of their heading."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .conftest import FIXTURES, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def test_numbered_q_lines_are_cards(collection: Collection) -> None:
    result = build_fixture(FIXTURES / "numbered-q-lines.md", "--format", "apkg", "--no-lock")
    assert result.exit_code == 0, result.output
    from pathlib import Path

    (package,) = Path("dist").glob("*.apkg")
    cards = {}
    for note in imported_notes(collection, package):
        question = re.sub(r"<[^>]+>", "", note["Question"]).strip()
        cards[question] = re.sub(r"<[^>]+>", "", note["Answer"]).strip()
    assert cards == {
        "(1)Q: what is the difference between WHERE and HAVING":
            "A: HAVING filters groups after the aggregation; WHERE filters rows before it.",
        "(2)Q: what is the difference between GROUP BY and ORDER BY":
            "A: ORDER BY sorts the rows; GROUP BY aggregates them.",
        "（3）问：什么是窗口函数？": "答：在与当前行相关的一组行上计算，不把它们合成一行。",
    }, cards
