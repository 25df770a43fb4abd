"""Inline HTML tags in headings (``## <font color="red">基础</font>``, ``### <a
name="q1"></a>What is X?``) are markup, not words: they stay on the card, but the
subdeck, the tag, the note's key and the change report name the words alone.  Notes an
older build keyed with the tags keep their GUIDs."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from builder.parse.questiontext import untagged

from .conftest import FIXTURES, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

OLD_LOCK = FIXTURES / "heading-tags.a9ac1be.lock"
"""The lock a9ac1be wrote for heading-tags.md as n.md: keys and questions with tags."""


def _notes(col: Collection, package: Path) -> dict[str, tuple[str, str, str, str]]:
    """Import ``package``; key field → (GUID, deck, tags, question field) of every note."""
    return {note["Key"]: (note.guid, note.deck, " ".join(note.tags), note["Question"])
            for note in imported_notes(col, package)}


def test_heading_tags_name_nothing_but_stay_on_the_card(
        tmp_path: Path, collection: Collection) -> None:
    result = build_fixture(FIXTURES / "heading-tags.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert "<" not in "".join(line for line in result.output.splitlines() if "added" in line)
    assert "added    n.md:5  什么是过拟合？" in result.output
    assert "added    n.md:9  什么是 O(n2) 复杂度？" in result.output
    notes = _notes(collection, tmp_path / "dist" / "面试笔记.apkg")
    assert sorted(notes) == ["面试笔记 / 基础 / 什么是 o(n2) 复杂度?",
                             "面试笔记 / 基础 / 什么是过拟合?",
                             "面试笔记 / 进阶 题 / batch norm 的作用是什么?"]
    decks = {deck for _, deck, _, _ in notes.values()}
    assert decks == {"面试笔记::基础", "面试笔记::进阶 题"}
    assert all("<" not in tags and "font" not in tags for _, _, tags, _ in notes.values())
    shown = {question for _, _, _, question in notes.values()}
    assert "什么是 O(n<sup>2</sup>)<br>复杂度？" in shown
    assert "<b>Batch Norm</b> 的作用是什么？" in shown


def test_notes_keyed_with_tags_by_an_older_build_keep_their_guids(
        tmp_path: Path, collection: Collection) -> None:
    shutil.copy(OLD_LOCK, tmp_path / "build-deck.lock")
    old_guids = {'<a name="q1"></a>什么是过拟合？': "x:54f3/pG1",
                 "什么是 O(n<sup>2</sup>)<br>复杂度？": "eKbkYTA>Ao",
                 "<b>Batch Norm</b> 的作用是什么？": "Ap~w<C!)X&"}
    assert all(guid in OLD_LOCK.read_text("utf-8") for guid in old_guids.values())
    result = build_fixture(FIXTURES / "heading-tags.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert "3 renamed/moved" in result.output and "added" not in result.output
    assert sorted(guid for guid, _, _, _ in
                  _notes(collection, tmp_path / "dist" / "面试笔记.apkg").values()) \
        == sorted(old_guids.values())


def test_an_old_question_reads_as_a_build_reads_it_now() -> None:
    assert untagged('<a name="q1"></a>什么是X？') == "什么是X？"
    assert untagged("什么是<sup>Z</sup>？<br>") == "什么是Z？"
    assert untagged("a<br/>b") == "a b"
    assert untagged("x &amp; y <b>z</b>") == "x &amp; y z"
    assert untagged("no tags") == "no tags"
    assert untagged("<b></b>") == "<b></b>"
