"""Hostile inputs met in s10's attack on main: work that grew with the square of a count,
and a YAML number Python refuses to read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from anki.collection import Collection
from click.testing import CliRunner

from builder.anki import cardhtml, notes
from builder.cli import main
from builder.model import SourceLoc
from builder.parse.limits import MAX_CARD_HIGHLIGHTED_BLOCK
from tests.conftest import imported_answer


class _CountingKeys(dict[str, SourceLoc]):
    """The keys taken so far, counting how often a key is looked up."""

    lookups = 0

    def __contains__(self, key: object) -> bool:
        type(self).lookups += 1
        return super().__contains__(key)


def test_a_question_repeated_thousands_of_times_is_numbered_in_linear_work() -> None:
    # Each repeat tried every number from 2 again: 20,000 repeats of one heading (200 KB
    # of notes) took a minute of CPU to check. Now each repeat tries one number, plus one
    # for each key a note already took by its own text ("Q? #3").
    seen = _CountingKeys()
    numbered: dict[str, int] = {}
    _CountingKeys.lookups = 0
    made: list[str | None] = []

    class Repeat:
        empty = False
        is_empty = False
        question_text = "Q?"
        key = "q?"
        explicit_id = None
        loc = SourceLoc("notes.md", 3)

    for _ in range(3_000):
        key, problems = notes._admitted(Repeat(), seen, numbered, False)  # type: ignore[arg-type]
        assert [p.code for p in problems] in ([], ["duplicate-question"])
        made.append(key)
    assert made == ["q?", *(f"q? #{n}" for n in range(2, 3_001))]
    assert _CountingKeys.lookups <= 2 * 3_000, _CountingKeys.lookups


def test_repeated_questions_keep_their_numbers_around_a_question_named_like_one(
        tmp_path: Path) -> None:
    # A question whose own text is "Q? #3" takes that key first: the repeats skip it.
    (tmp_path / "notes.md").write_text(
        "# Deck\n\n## Q? #3\n\nown\n\n" + "".join(f"## Q?\n\nA{i}\n\n" for i in range(4)),
        encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    firsts = [line for line in result.output.splitlines() if "[duplicate-question]" in line]
    assert len(firsts) == 3, result.output


class _Picture:
    """A media file counting how often its name is read."""

    reads = 0

    def __init__(self, name: str) -> None:
        self._name = name

    @property
    def name(self) -> str:
        type(self).reads += 1
        return self._name


def test_a_raw_image_naming_the_cards_own_pictures_is_found_without_a_search(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The sanitiser asks about every <img> of a card, formula pictures included: each
    # question searched every picture used so far, 10,000 formulas 50 million reads.
    monkeypatch.setattr(cardhtml, "card_raw_images", lambda card, path: iter(()))

    class Card:
        loc = SourceLoc("notes.md", 3)

    used: list[Any] = []
    media = cardhtml.card_media(Any, Any, "notes.md", Card(), used)  # type: ignore[arg-type]
    image_src = media.image_src
    assert image_src is not None
    _Picture.reads = 0
    for n in range(3_000):
        used.append(_Picture(f"f{n}.png"))
        assert image_src(f"f{n}.png") == f"f{n}.png"
        assert image_src(f"f{n // 2}.png") == f"f{n // 2}.png"
    assert _Picture.reads <= 2 * 3_000, _Picture.reads


@pytest.mark.parametrize("value", ["9" * 5_000, "1:" * 3_000 + "1", "[a, " + "7" * 4_400 + "]"])
def test_a_number_too_long_to_read_in_front_matter_is_an_error_at_its_place(
        tmp_path: Path, value: str) -> None:
    # Python refuses an int of more than 4,300 digits with a ValueError: it was a
    # traceback. A quoted one is text, and reads.
    (tmp_path / "notes.md").write_text(
        f"---\ntags: {value}\n---\n# Deck\n\n## Q?\n\nans\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert isinstance(result.exception, SystemExit), result.output
    line = next(line for line in result.output.splitlines() if "[front-matter]" in line)
    assert "notes.md:2:" in line and "characters, longer than the 1,000" in line, line
    assert "Traceback" not in result.output


def test_a_quoted_long_number_in_front_matter_is_text(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text(
        f'---\ntags: ["{"9" * 5_000}"]\n---\n# Deck\n\n## Q?\n\nans\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 0, result.output
    # Read as text; a tag that long is then refused as a tag (s13: each card carries it).
    (line,) = [line for line in result.output.splitlines() if "[front-matter]" in line]
    assert "may name 64 tags of at most 100 characters" in line, line


def test_a_code_block_too_long_to_colour_reaches_the_card_whole_and_plain(
        tmp_path: Path, collection: Collection) -> None:
    # Pygments' Perl lexer looks for the end of ``s{`` over the rest of the block for
    # every one: 900 KB of them took five minutes to colour. A block over the limit is
    # shown plain, as the PDF prints it; a short one is still coloured.
    long_code = "s{" * (MAX_CARD_HIGHLIGHTED_BLOCK // 2) + "x"
    (tmp_path / "notes.md").write_text(
        f"# Deck\n\n## Q?\n\n```perl\nmy $short = 1;\n```\n\n```perl\n{long_code}\n```\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, [str(tmp_path), "-o", str(tmp_path / "out"),
                                       "--format", "apkg", "--no-lock"])
    assert result.exit_code == 0, result.output
    answer = imported_answer(collection, tmp_path / "out" / "Deck.apkg")
    short, long = answer.split('<div class="highlight">')[1:3]
    assert "<span" in short
    assert "<span" not in long and long.count("s{") == MAX_CARD_HIGHLIGHTED_BLOCK // 2


def test_a_lock_past_the_size_bound_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    """A shared lock of hundreds of thousands of entries cost gigabytes to match: a lock
    over ``MAX_LOCK_BYTES`` is refused with the lock's own error, and nothing is written."""
    from builder.anki.lock import MAX_LOCK_BYTES

    (tmp_path / "n.md").write_text("---\ndeck: D\n---\n\n## Q?\n\nA.\n", encoding="utf-8")
    lock = tmp_path / "build-deck.lock"
    lock.write_text('{"version": 2, "notes": {}}' + " " * MAX_LOCK_BYTES, encoding="utf-8")
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg"])
    assert result.exit_code == 1, result.output
    assert "build-deck.lock:1:1: error: cannot read lock file" in result.output
    assert f"larger than {MAX_LOCK_BYTES:,} bytes" in result.output
    assert "[lock-file]" in result.output
    assert not (tmp_path / "dist" / "D.apkg").exists()
    lock.write_text('{"version": 2, "notes": {}}' + " " * (MAX_LOCK_BYTES // 2), encoding="utf-8")
    assert CliRunner().invoke(main, ["n.md", "--format", "apkg"]).exit_code == 0


def test_a_file_name_with_a_line_break_or_bidi_control_stays_on_one_line(
        tmp_path: Path) -> None:
    """The structure and change lines name the file as diagnostics do: escaped, so a
    name cannot forge a line of output or reorder it on the terminal."""
    name = "a\u202eb\nc.md"
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / name).write_text("---\ndeck: D\n---\n\n## Q?\n\nA.\n",
                                           encoding="utf-8")
    result = CliRunner().invoke(main, ["notes", "--format", "apkg"])
    assert result.exit_code == 0, result.output
    assert "\u202e" not in result.output and "\nc.md" not in result.output
    escaped = "notes/a\\u202eb\\u000ac.md"
    assert f"{escaped}: no sections, questions ##" in result.output
    assert f"  added    {escaped}:5  Q?" in result.output
