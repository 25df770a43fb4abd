"""Decks written for mdanki and ankdown: the front's lines above a paragraph ``%`` ask."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from click.testing import CliRunner

from builder.cli import main
from builder.model import plain_text
from builder.parse.document import parse_file, parse_text

from .conftest import FIXTURES, import_apkg

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "mdanki-front-back.md"


def test_the_front_above_the_separator_is_the_question() -> None:
    doc = parse_file(FIXTURE, "mdanki-front-back.md")
    cards = {card.question_text: card for card in doc.cards}
    # The key's text is the heading's: rewording the front keeps the note.
    assert list(cards) == ["YAGNI", "Datasets", "Hostile front", "Bare separator", "Plain card"]
    yagni = cards["YAGNI"]
    assert "why $O(n)$ work" not in plain_text(yagni.answer)
    assert "Describe this acronym" in plain_text(yagni.question)
    assert [n.kind for n in yagni.question if n.kind == "math_inline"] == ["math_inline"]
    assert plain_text(yagni.answer).startswith('"You aren')
    datasets = cards["Datasets"]
    assert "What are they?" in plain_text(datasets.question)
    assert "Name all three." in plain_text(datasets.question)
    assert [n.kind for n in datasets.answer] == ["bullet_list"]  # no '%' left on the back
    assert [n.kind for n in cards["Bare separator"].answer] == ["paragraph"]
    assert plain_text(cards["Bare separator"].question) == "Bare separator"
    assert "50 % of it" in plain_text(cards["Plain card"].answer)  # a '%' in text parts nothing


def test_a_front_with_more_than_paragraphs_stays_as_written() -> None:
    doc = parse_text("## Q\n\n- a list\n\n%\n\nback\n", "l.md")
    (card,) = doc.cards
    assert plain_text(card.question) == "Q"
    assert "a list" in plain_text(card.answer) and "back" in plain_text(card.answer)


def test_mdanki_deck_imports_into_anki(tmp_path: Path, collection: Collection) -> None:
    source = tmp_path / "notes" / FIXTURE.name
    source.parent.mkdir()
    shutil.copy(FIXTURE, source)
    result = CliRunner().invoke(main, ["build", "notes", "--no-lock"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (package,) = Path("dist").glob("*.apkg")
    import_apkg(collection, package)
    notes = {}
    for nid in collection.find_notes(""):
        note = collection.get_note(nid)
        notes[note["Question"].split("<br>")[0]] = note
    assert set(notes) == {"YAGNI", "Datasets", "Hostile front", "Bare separator", "Plain card"}
    yagni = notes["YAGNI"]
    assert "Describe this acronym" in yagni["Question"]
    assert 'class="math' in yagni["Question"]  # the front's formula is drawn, as media
    assert "Describe this acronym" not in yagni["Answer"]
    for field in (yagni["Question"], yagni["Answer"], notes["Datasets"]["Answer"]):
        assert "<p>%</p>" not in field
    datasets = notes["Datasets"]
    assert "What are they?" in datasets["Question"] and "<b>three</b>" in datasets["Question"]
    assert "<li>" in datasets["Answer"] and "Different datasets" not in datasets["Answer"]
    hostile = notes["Hostile front"]["Question"]
    assert "Which tag runs here?" in hostile
    assert "onerror" not in hostile and "<script" not in hostile
    media = Path(collection.media.dir())
    for name in collection.media.files_in_str(yagni.mid, yagni["Question"]):
        assert (media / name).is_file(), name
    # The PDF shows the front under its question too.
    from pypdf import PdfReader

    (pdf,) = Path("dist").glob("*.pdf")
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Describe this acronym" in text and "What are they?" in text
