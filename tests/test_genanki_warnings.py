"""genanki would never have anything to warn about: the card HTML is well-formed.

The package writer writes the note rows itself (builder.anki.apkg), so genanki's own check
is run here on every field the real Anki imported."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import genanki
import pytest
from click.testing import CliRunner

from builder.cli import main

from .conftest import answers_by_question, imported_notes, write
from .test_pdf import _tiny_png

if TYPE_CHECKING:
    from anki.collection import Collection

NOTES = """\
# Alts

## Pictures

### A raw picture whose alt and title span lines?

<img src="fig.png" alt="first line
second line" title="a
b">

### A Markdown picture whose alt spans lines?

![first line
second line](fig.png)

### A tag broken before its attributes?

<img
  src="fig.png"
  alt="x">

### A span whose title spans lines?

<span title="one
two">text</span> and <b>bold</b>

### A formula over several lines?

$$
a = b \\\\
c < d
$$
"""


@pytest.mark.filterwarnings("error")
def test_multi_line_attributes_give_genanki_nothing_to_warn_about(
        tmp_path: Path, collection: Collection) -> None:
    write(tmp_path / "notes" / "alt.md", NOTES)
    _tiny_png(tmp_path / "notes" / "fig.png")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a genanki UserWarning becomes an exception
        result = CliRunner().invoke(main, ["build", "notes", "--format", "apkg", "--no-lock"])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert result.exit_code == 0, result.output
    assert "UserWarning" not in result.output
    notes = imported_notes(collection, tmp_path / "dist" / "Alts.apkg")
    for note in notes:
        for field in note.fields.values():
            assert not genanki.Note._find_invalid_html_tags_in_field(field), field
    answers = answers_by_question(notes)
    assert len(answers) == 5
    raw = answers["A raw picture whose alt and title span lines?"]
    # The words stay, each line break a space, as a browser would show them anyway.
    assert re.search(r'<img [^>\n]*alt="first line second line"', raw), raw
    assert 'title="a b"' in raw
    assert 'alt="first line second line"' in answers[
        "A Markdown picture whose alt spans lines?"]
    assert 'title="one two"' in answers["A span whose title spans lines?"]
    for answer in answers.values():
        for tag in re.findall(r"<[^>]*>", answer):
            assert "\n" not in tag, tag
