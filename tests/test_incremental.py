"""Builds one after another in one process (as ``build-deck watch`` runs them) against
cold builds: after every kind of edit the deck is what a fresh build makes, while only
the edited question is parsed and made into a note again."""

from __future__ import annotations

import contextlib
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

import builder.anki.notes
import builder.build.sourceparse
import builder.parse.document
from builder.build.session import Session, in_session
from builder.cli import main

from .conftest import import_apkg, package_notes, write
from .imagefiles import png

if TYPE_CHECKING:
    from anki.collection import Collection


def _notes(count: int, section: str) -> str:
    return "".join(f"### {section} question {i}?\n\nAnswer {i} with $x_{i}$ and **bold**.\n\n"
                   for i in range(count))


NOTES = {
    "a.md": f"---\ndeck: Loop\ntags: [t]\n---\n# Loop\n\n## One\n\n{_notes(12, 'One')}"
            f"## Two\n\n{_notes(12, 'Two')}",
    "b.md": f"---\ndeck: Loop\n---\n## Three\n\n{_notes(10, 'Three')}",
}
EDITS = [  # (file, old, new, what)
    ("a.md", "Answer 3 with", "Answer 3, edited, with", "a word in one answer"),
    ("a.md", "Answer 4 with $x_4$", "Answer 4\n\nnow in two paragraphs,\nwith $x_4$",
     "lines added: every later question moves"),
    ("a.md", "Answer 4\n\nnow in two paragraphs,\nwith", "Answer 4 with", "lines removed"),
    ("a.md", "### One question 7?", "### One question seven?", "a question reworded"),
    ("a.md", "Answer 9 with", "Answer 9 ![a picture](pic.png) with", "a picture added"),
    ("b.md", "Answer 2 with", "Answer 2 with a [link](https://example.com) and", "another file"),
    ("pic.png", "", "", "the picture's file replaced, no note edited"),
    ("a.md", "tags: [t]", "tags: [t, u]", "front matter: every note's tags"),
    ("a.md", "Answer 11 with", "Answer 11 with\n\n## Four\n\n### Four question?\n\nYes, and",
     "a section added"),
]
BUILD = ["build", "notes", "-o", "out", "--format", "apkg", "--math", "mathjax"]


def _package_notes(package: Path) -> dict[str, tuple[str, ...]]:
    """Every note of a package by its Key field: all fields and tags."""
    return {fields[4]: (*fields, tags) for _guid, fields, tags in package_notes(package)}


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count whole parses by file and notes made."""
    calls: Counter[str] = Counter()
    parse, note = builder.parse.document.parse_parts, builder.anki.notes._note

    def parsing(text: str, path: str, *args: Any, **kwargs: Any) -> Any:
        calls[Path(path).name] += 1
        return parse(text, path, *args, **kwargs)

    def making(*args: Any, **kwargs: Any) -> Any:
        calls["notes made"] += 1
        return note(*args, **kwargs)

    monkeypatch.setattr(builder.build.sourceparse, "parse_parts", parsing)
    monkeypatch.setattr(builder.anki.notes, "_note", making)
    return calls


@pytest.mark.parametrize("warm", ["watch session", "one-shot builds"])
def test_every_edit_gives_the_cold_builds_deck(
        tmp_path: Path, counted: Counter[str], monkeypatch: pytest.MonkeyPatch,
        collection: Collection, warm: str) -> None:
    """Each edit, then a build (in one session as a watch builds, or one build per
    process, reading the parse and note caches): the deck is the cold build's."""
    texts = dict(NOTES)
    for name, text in texts.items():
        write(tmp_path / "notes" / name, text)
    (tmp_path / "notes" / "pic.png").write_bytes(png())
    session = Session() if warm == "watch session" else None
    with in_session(session) if session is not None else contextlib.nullcontext():
        first = CliRunner().invoke(main, BUILD, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    for index, (name, old, new, what) in enumerate(EDITS):
        picture = png(rgb=(0, 0, 255)) if index >= 6 else png()
        if name == "pic.png":
            (tmp_path / "notes" / name).write_bytes(picture)
        else:
            assert old in texts[name], what
            texts[name] = texts[name].replace(old, new, 1)
            write(tmp_path / "notes" / name, texts[name])
        before = Counter(counted)
        with in_session(session) if session is not None else contextlib.nullcontext():
            result = CliRunner().invoke(main, BUILD, catch_exceptions=False)
        assert result.exit_code == 0, f"{what}: {result.output}"
        made = counted["notes made"] - before["notes made"]
        parsed = counted[name] - before[name]
        if index < 3 or index == 5:  # one answer: parsed and made alone
            assert parsed == 0, what
            # Questions that only moved keep their notes (with their new Source line); a
            # card with a picture is always made again (its file may have changed).
            pictured = int(index > 4)
            # One-shot builds keep the stored parse until edits pile up
            # (builder.build.parsejobs.SPLICES_KEPT) and make the notes of every question
            # edited since it again: at most one per earlier edit.
            earlier = index if session is None else 0
            assert made <= 1 + pictured + earlier, what
        built = _package_notes(tmp_path / "out" / "Loop.apkg")
        cold_folder = tmp_path / f"cold-{index}"
        for other, text in texts.items():
            write(cold_folder / "notes" / other, text)
        (cold_folder / "notes" / "pic.png").write_bytes(picture)
        monkeypatch.chdir(cold_folder)
        cold_run = CliRunner().invoke(main, BUILD, catch_exceptions=False)
        monkeypatch.chdir(tmp_path)
        assert cold_run.exit_code == 0, cold_run.output
        assert built == _package_notes(cold_folder / "out" / "Loop.apkg"), what
    import_apkg(collection, tmp_path / "out" / "Loop.apkg")
    shown = [collection.get_note(n)["Answer"] for n in collection.find_notes("Three")]
    assert any("example.com" in answer for answer in shown)


def test_one_shot_builds_store_the_spliced_parse_once_edits_pile_up(
        tmp_path: Path, counted: Counter[str]) -> None:
    """Each one-shot build splices every question edited since the stored parse; past
    SPLICES_KEPT of them it stores its own parse, and no build parses the file whole."""
    from builder.build.parsejobs import SPLICES_KEPT

    text = NOTES["a.md"]
    write(tmp_path / "notes" / "a.md", text)
    assert CliRunner().invoke(main, BUILD, catch_exceptions=False).exit_code == 0
    (entry,) = (tmp_path / "out" / ".cache").glob("parsed-*.pickle")
    keys = [entry.read_bytes().split(b"\n", 1)[0]]
    for index in range(SPLICES_KEPT + 2):
        text = text.replace(f"Answer {index} with", f"Answer {index}, edited, with", 1)
        write(tmp_path / "notes" / "a.md", text)
        assert CliRunner().invoke(main, BUILD, catch_exceptions=False).exit_code == 0
        keys.append(entry.read_bytes().split(b"\n", 1)[0])
    assert counted["a.md"] == 1, "never parsed whole again"
    # Stored again once more than SPLICES_KEPT questions differ from the stored parse.
    assert len(set(keys)) == 2 and keys.index(keys[-1]) == SPLICES_KEPT + 1
    answers = [row[1] for row in _package_notes(tmp_path / "out" / "Loop.apkg").values()]
    assert sum("edited" in answer for answer in answers) == SPLICES_KEPT + 2
