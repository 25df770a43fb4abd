"""A remote picture is not fetched: written as Markdown (``![](https://…)``) or as raw
``<img src="https://…">``, the card shows ``[alt]`` (or ``[src]``) text, never an ``<img>``
with no ``src`` (a broken-picture icon), and each is reported at its line and column."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from .conftest import FIXTURES, build_fixture, import_apkg

if TYPE_CHECKING:
    from anki.collection import Collection


def test_remote_pictures_are_text_on_the_card_and_reported(
        tmp_path: Path, collection: Collection) -> None:
    result = build_fixture(FIXTURES / "remote-pictures.md")
    assert result.exit_code == 0, result.output
    for place, url in [("5:1", "typora"), ("9:1", "markdown"), ("13:4", "inline"),
                       ("13:53", "named")]:
        assert (f"n.md:{place}: warning: remote image not fetched: "
                f"https://example.com/{url}.png [remote-image]") in result.output, result.output
    import_apkg(collection, tmp_path / "dist" / "远程图片.apkg")
    answers = {str(note["Front"] if "Front" in note else note.fields[0]):
               str(note["Answer"]) for note in
               (collection.get_note(i) for i in collection.find_notes(""))}
    shown = " ".join(answers.values())
    assert "<img" not in shown, answers
    assert "[img]" in answers["Typora 粘贴的网络图片"], answers
    assert "[网络图]" in answers["Markdown 网络图片"], answers
    assert re.sub(r"<[^>]+>", "", answers["行内的网络图片"]) == (
        "前文 [https://example.com/inline.png] 后文，以及 [示意图] 结尾。"), answers
