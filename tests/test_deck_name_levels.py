"""A deck name with an empty level (``::``, ``a::::b``, ``::x``), which Anki files as
``blank::blank``, ``a::blank::b``: front matter's is mended with a warning at its value,
a title's loses the empty levels."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.cli import main

from .conftest import imported_notes, write

if TYPE_CHECKING:
    from anki.collection import Collection

NOTE = "## 节\n\n### 什么是 X？\n\n是 Y。\n"


@pytest.mark.parametrize(("head", "deck", "said"), [
    ('---\ndeck: "a::::b"\n---\n# 标题\n\n', "a::b::节",
     "n.md:2:7: warning: front matter 'deck' 'a::::b' has an empty level between '::' (Anki "
     "would name it 'blank'): read as 'a::b' [front-matter]"),
    ('---\ndeck: "::x:: "\n---\n# 标题\n\n', "x::节",
     "n.md:2:7: warning: front matter 'deck' '::x:: ' has an empty level between '::' (Anki "
     "would name it 'blank'): read as 'x' [front-matter]"),
    ('---\ndeck: "::"\n---\n# 标题\n\n', "标题::节",
     "n.md:2:7: warning: front matter 'deck' '::' has only empty levels between '::' (Anki "
     "would name them 'blank'): left out, the deck is named by the title or the file "
     "[front-matter]"),
    ('---\ndeck: "a::\u200b::b"\n---\n# 标题\n\n', "a::b::节",
     "n.md:2:7: warning: front matter 'deck' 'a::\\u200b::b' has an empty level between '::' "
     "(Anki would name it 'blank'): read as 'a::b' [front-matter]"),
    ("# a::::b\n\n", "a::b::节", None),
])
def test_anki_files_the_cards_under_no_blank_level(
        tmp_path: Path, collection: Collection, head: str, deck: str, said: str | None) -> None:
    write(tmp_path / "n.md", head + NOTE)
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg", "--no-lock"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if ": warning: " in line]
    assert warnings == ([said] if said else []), result.output
    (package,) = (tmp_path / "dist").glob("*.apkg")
    (note,) = imported_notes(collection, package)
    assert note.deck == deck
    assert not re.search(r"(?i)\bblank\b", " ".join(note.tags)), note.tags
