"""Definition lists (Pandoc, PHP Markdown Extra, MkDocs' def_list, Hugo): ``Term`` over
``: definition`` is an item of a bulleted list, the term in bold above its definitions, on
the card and the sheet (a flashdown deck, hunt6, showed ``: A concept…`` as text)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pypdf

from .conftest import FIXTURES, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection


def _answers(collection: Collection, package: Path) -> dict[str, str]:
    return {re.sub(r"<[^>]+>", "", note["Question"]).strip(): note["Answer"]
            for note in imported_notes(collection, package)}


def test_definition_lists_are_lists_of_terms(collection: Collection) -> None:
    result = build_fixture(FIXTURES / "definition-lists.md", "--no-lock")
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output, result.output
    (package,) = Path("dist").glob("*.apkg")
    answers = _answers(collection, package)
    yin = answers["Concept of yin and yang"]
    assert re.search(r"<ul><li><p><b>Yin &amp; Yang</b></p>A concept of dualism, describing "
                     r"how <i>opposite</i> forces(<br>|\s)+may actually be complementary\."
                     r"</li></ul>", yin), yin
    parts = answers["Which terms name a training loop's parts?"]
    terms = re.findall(r"<li><p><b>([^<]+)</b></p>", parts)
    assert terms == ["Epoch", "Batch", "Learning rate"], parts
    batch = parts[parts.index("<b>Batch</b>"):parts.index("<b>Learning rate</b>")]
    assert "The examples of one step." in batch and "hyperparameter" in batch \
        and "A second sense: a group of jobs." in batch, batch
    assert "<b>Epoch</b>" not in batch
    assert ": " not in re.sub(r"<[^>]+>", "", parts).replace("sense: a", ""), parts
    # A colon line with no term above it is no definition: kept as written.
    alone = answers["Is a colon line alone a definition?"]
    assert ": left as it is written, no term above it" in alone and "<ul>" not in alone, alone
    (sheet,) = Path("dist").glob("*.pdf")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(sheet).pages)
    for words in ("Yin & Yang", "A concept of dualism", "Epoch", "One pass over the training",
                  "A second sense: a group of jobs.", "Learning rate", "The step size."):
        assert words in text, (words, text)
    assert ": A concept" not in text and ": One pass" not in text, text
