"""Hostile inputs met in s14's attack.  Work is bounded by counting what is done, never
by timing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from builder.checks.ankimarkup import _markup
from builder.cli import main
from builder.model import SourceLoc
from builder.parse import detect
from builder.parse.document import parse_text

from .conftest import imported_notes, write
from .countedtext import CountedText

if TYPE_CHECKING:
    from anki.collection import Collection


def test_anki_markup_openers_without_a_closer_are_read_in_linear_work() -> None:
    """Each ``{{`` looked for a ``}}`` in a copy of the text after it: 100 KB of ``{{``
    (or of ``{{c1::``) took 3 s to check, 1 MB minutes."""
    loc = SourceLoc("n.md", 3)
    text = CountedText("{{c1::" * 3000)
    CountedText.copied = 0
    assert list(_markup(text, loc, "answer")) == []
    assert CountedText.copied <= len(text)
    # What is warned stays: a pair anywhere after an opener, and Anki's other markup.
    for warned in ("{{" * 500 + "}}", "a {{c1::b}} c", "{{x}} {{", "[sound:a.mp3]"):
        (found,) = _markup(warned, loc, "answer")
        assert found.code == "anki-markup", warned
    for quiet in ("}} {{", "{{ a", "a }}", "{{a}}{{"[2:]):
        assert list(_markup(quiet, loc, "answer")) == [], quiet


def test_invisible_and_direction_characters_stay_out_of_anki_deck_and_tag_names(
        tmp_path: Path, collection: Collection) -> None:
    """A right-to-left override in a deck name reached Anki's deck list, where
    ``Safe\\u202egnp.exe`` reads ``Safeexe.png`` (the file name already lost it); so did
    one in a section heading (a subdeck) or a front matter tag, and a zero-width space."""
    write(tmp_path / "n.md", "---\ndeck: \"Safe\u202egnp.exe\"\n"
          "tags: [\"x\u202ey\", \"\u200b\", \"ok\"]\n---\n# T\n"
          "## Sec\u200btion \u2067one\u2069\n### Q?\nanswer\n"
          "## 👩\u200d💻 Code\n### Q2?\nanswer two\n")
    result = CliRunner().invoke(main, ["build", "n.md", "--no-lock", "--format", "apkg"])
    assert result.exit_code == 0, result.output
    warned = [line for line in result.output.splitlines() if "[invisible-chars]" in line]
    assert [line.split(": warning")[0] for line in warned] == ["n.md:2:7", "n.md:3:7",
                                                                "n.md:6:4"]
    (package,) = (tmp_path / "dist").glob("*.apkg")
    notes = {note["Question"]: note for note in imported_notes(collection, package)}
    assert notes["Q?"].deck == "Safegnp.exe::Section one"
    assert sorted(notes["Q?"].tags) == ["Safegnp.exe::Section_one", "ok", "xy"]
    # An emoji's joiner is part of the picture, not an invisible character.
    assert notes["Q2?"].deck == "Safegnp.exe::👩\u200d💻 Code"
    assert all(not set(name) & {"\u202e", "\u200b", "\u2067", "\u2069"}
               for note in notes.values() for name in (note.deck, *note.tags))
    # The note's identity is as it was: the key keeps what the author wrote.
    assert "\u202e" in notes["Q?"]["Key"]


def test_a_titled_file_of_headings_that_ask_nothing_is_surveyed_in_linear_work(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether a titled file is one answer looked for its top sub-heading level once per
    heading (``detect._one_answer``): 10,000 headings with attributes took 40 s, a 1 MB
    file of them (49,000) a quarter of an hour."""
    calls = [0]

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return min(*args, **kwargs)

    monkeypatch.setattr(detect, "min", counted, raising=False)
    doc = parse_text("# T\n" + "### q {#a .b c=d}\nx\n" * 2000, "n.md")
    assert calls[0] < 100
    assert len(doc.cards) == 2000  # each heading a question, as before


def test_toc_and_explain_refuse_a_link_out_of_the_folder_as_build_does(tmp_path: Path) -> None:
    """``build`` refuses a note that is a link out of its folder (a cloned repository's
    ``notes/x.md -> ~/other/notes.md``), but ``toc`` read it and rewrote the file it led
    to, and ``check --explain-structure`` printed its questions."""
    outside = write(tmp_path / "elsewhere" / "private.md",
                    "<!-- TOC -->\n<!-- /TOC -->\n## Private question?\nsecret answer\n")
    before = outside.read_bytes()
    write(tmp_path / "notes" / "n.md", "<!-- TOC -->\n<!-- /TOC -->\n## Q?\nA\n")
    (tmp_path / "notes" / "link.md").symlink_to(outside)
    runner = CliRunner()
    toc = runner.invoke(main, ["toc", "notes"])
    refused = (f"{Path('notes', 'link.md')}:1:1: error: a link to a file outside the source "
               "folder notes: not read [source-outside]")
    assert toc.exit_code == 1
    assert refused in toc.output.splitlines()
    assert f"updated {Path('notes', 'n.md')}" in toc.output  # the folder's own note is
    assert outside.read_bytes() == before
    explained = runner.invoke(main, ["check", "--explain-structure", "notes"])
    assert refused in explained.output.splitlines()
    assert "Private question" not in explained.output
    assert "Q?" in explained.output


def test_a_yaml_escape_of_half_a_utf16_pair_is_a_located_error(tmp_path: Path) -> None:
    """``deck: "\\ud800"`` made a string no UTF-8 holds: the build's traceback came as it
    hashed the note's key.  Front matter and diagram blocks refuse it at its place."""
    write(tmp_path / "n.md", '---\ndeck: "a\\ud800"\n---\n## Q?\nA\n## Q2?\n'
          '```diagram\ntype: pooling\nlang: "\\udc80"\n```\n')
    result = CliRunner().invoke(main, ["build", "n.md", "--no-lock", "--format", "apkg"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert errors == [
        "n.md:2:7: error: front matter is not valid YAML: '\\ud800' is half of a UTF-16 "
        "pair, no character; write the character itself; the file's settings (deck, tags, "
        "lang…) are not used [front-matter]",
        "n.md:9:7: error: diagram block is not valid YAML: '\\udc80' is half of a UTF-16 "
        "pair, no character; write the character itself [diagram-yaml]"], result.output


def test_a_lock_entry_holding_half_a_utf16_pair_is_dropped_with_a_warning(
        tmp_path: Path) -> None:
    """A shared lock's JSON may escape a lone surrogate (``"\\ud800"``) in a key or a
    question: matching the vanished entry against a new question hashed it and failed."""
    import json

    write(tmp_path / "n.md", "# T\n## Q?\nA\n## Q2?\nB\n")
    runner = CliRunner()
    assert runner.invoke(main, ["build", "n.md", "--format", "apkg"]).exit_code == 0
    lock = tmp_path / "build-deck.lock"
    data = json.loads(lock.read_text(encoding="utf-8"))
    (key, entry), = [item for item in data["notes"].items() if item[1]["question"] == "Q2?"]
    data["notes"][key.replace("q2", "gone\ud800")] = {**entry, "guid": "zzzzzzzzzz"}
    entry["question"] = "Q2\udc80?"
    lock.write_text(json.dumps(data), encoding="utf-8")
    write(tmp_path / "n.md", "# T\n## Q?\nA\n## Q3?\nB\n")
    result = runner.invoke(main, ["build", "n.md", "--format", "apkg"])
    assert result.exit_code == 0, result.output
    dropped = [line for line in result.output.splitlines() if "[lock-entry]" in line]
    assert len(dropped) == 2 and all("half of a UTF-16 pair" in line for line in dropped)
    assert any("\\ud800" in line for line in dropped)  # shown escaped, as typed
