"""A picture's attribute list (``{width=600}``, ``{#fig-x width="50%"}``, ``{: .center}``)
is no text of the card: Pandoc, Quarto and kramdown size the picture with it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from builder.model import plain_text, walk_all
from builder.parse.document import parse_text
from builder.parse.imageattrs import ATTRIBUTES

from .conftest import build_fixture, imported_answer

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = Path(__file__).parent / "fixtures" / "image_attributes.md"
PICTURE = Path(__file__).parent / "fixtures" / "repo-own-pictures" / "images" / "pr.png"


def test_attribute_lists() -> None:
    for written in ("{width=600}", '{#fig-x .wide width="50%"}', "{: .center}",
                    "{:width='3in'}", "{.unnumbered}"):
        assert ATTRIBUTES.fullmatch(written), written
    for text in ("{see below}", "{x}", "{}", "{width = 3}", "{a=}"):
        assert not ATTRIBUTES.fullmatch(text), text


def test_attribute_lists_after_pictures_are_no_text() -> None:
    doc = parse_text(FIXTURE.read_text(encoding="utf-8"), "image_attributes.md")
    (card,) = doc.cards
    text = plain_text(tuple(walk_all(card.answer)))
    assert "width" not in text and "fig-mlp" not in text and "align-center" not in text
    assert "as drawn" in text and "{see below} keeps its braces" in text
    assert "link{.external} keeps its braces" in text  # after a link, not a picture
    assert sum(n.kind == "image" for n in walk_all(card.answer)) == 4


def test_attribute_lists_reach_the_real_anki_as_pictures_only(
        tmp_path: Path, collection: Collection) -> None:
    shutil.copy(PICTURE, tmp_path / "mlp.png")
    result = build_fixture(FIXTURE, "--format", "apkg", "--no-lock")
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    answer = imported_answer(collection, tmp_path / "dist" / "Picture attributes.apkg")
    assert answer.count("<img") == 4
    assert "{width" not in answer and "{#fig" not in answer and "{:" not in answer
    assert "{see below}" in answer
