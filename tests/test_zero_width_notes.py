"""Pages copied from CSDN or Zhihu carry zero-width spaces (U+200B, also U+200C/D and a
byte-order mark mid-text) in their headings: ``## 3. XGBoost\\u200b为什么快？``.  Each such
question or section heading was an ``invisible-chars`` warning (eleven in one real file)
for a character nobody sees.  They are still removed from what Anki shows; the file now
gets one note for its questions' (whose keys never counted them) and one for its deck and
tag names' (a section heading's stay in its cards' keys).  Text-direction characters,
which can make a name read as another, stay a warning each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from builder.parse.document import parse_file, parse_text

from .conftest import FIXTURES, build_fixture_deck, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

FIXTURE = FIXTURES / "zero-width-headings.md"
HIDDEN = ("\u200b", "\u200c", "\u200d", "\ufeff", "\u202e")


def test_one_note_for_the_file_and_a_warning_for_a_direction_override() -> None:
    doc = parse_file(FIXTURE, FIXTURE.name)
    found = [(d.loc.line, d.severity) for d in doc.diagnostics if d.code == "invisible-chars"]
    assert found == [(3, "note"), (5, "note"), (23, "warning")]
    name, question = (d for d in doc.diagnostics if d.severity == "note"
                      and d.code == "invisible-chars")
    assert question.message == ("zero-width characters removed from 4 questions (lines 5, 9, "
                                "13, 19); they are invisible, and keys never counted them")
    # A section heading's characters stay in its cards' keys: its note claims nothing of keys.
    assert name.message == "zero-width characters left out of the deck or tag name Anki shows"


def test_keys_are_those_of_the_same_questions_without_the_characters() -> None:
    # A section heading's characters stay in its cards' keys, as they always were: keys
    # that changed would lose the review history of everyone who built the file before.
    text = FIXTURE.read_text(encoding="utf-8")
    clean = "".join(line.translate(dict.fromkeys(map(ord, HIDDEN))) if line.startswith("###")
                    else line for line in text.splitlines(keepends=True))
    with_chars, without = parse_text(text, "n.md"), parse_text(clean, "n.md")
    assert [c.key for c in with_chars.cards] == [c.key for c in without.cards]
    assert [c.question_text for c in with_chars.cards] == [
        c.question_text for c in without.cards]


def test_a_lone_zero_width_space_is_a_note_not_a_warning() -> None:
    doc = parse_text("## S\n### 什么是\u200b过拟合？\nA\n", "z.md")
    (found,) = (d for d in doc.diagnostics if d.code == "invisible-chars")
    assert (found.severity, found.loc.line) == ("note", 2)
    assert "removed from the question" in found.message


def test_anki_shows_the_questions_and_decks_without_them(collection: Collection) -> None:
    result, package = build_fixture_deck(FIXTURE.stem)
    warned = [line for line in result.output.splitlines() if "[invisible-chars]" in line]
    assert [line.split(": ")[:2] for line in warned] == [
        ["notes/zero-width-headings.md:3:4", "note"],
        ["notes/zero-width-headings.md:5:5", "note"],
        ["notes/zero-width-headings.md:23:5", "warning"]], result.output
    notes = imported_notes(collection, package)
    assert sorted(note["Question"] for note in notes) == sorted([
        "1. LightGBM是什么？", "2. LightGBM为什么快？", "3. 叶子生长策略是什么？",
        "4. 和 XGBoost 的区别？", "5. 文件名 reportgnp.exe 安全吗？"])
    assert {note.deck for note in notes} == {"LightGBM 面试题::一、基础",
                                            "LightGBM 面试题::二、对比"}
    for note in notes:
        assert not set(note["Question"] + note.deck) & set(HIDDEN), note


def test_the_note_names_twenty_lines_at_most() -> None:
    text = "## S\n" + "".join(f"### 问题{n}\u200b？\n答案\n" for n in range(25))
    (note,) = (d for d in parse_text(text, "z.md").diagnostics if d.code == "invisible-chars")
    assert "25 questions (lines 2, 4," in note.message
    assert ", 40 and 5 more)" in note.message


def test_names_get_their_own_folded_note() -> None:
    text = ('---\ntags: [a\u200bb]\n---\n# T\n## 节\u200b一\n### Q1？\nA\n'
            '## 节\u200b二\n### Q2？\nA\n')
    notes = [d for d in parse_text(text, "z.md").diagnostics if d.code == "invisible-chars"]
    assert [(d.loc.line, d.message) for d in notes] == [
        (2, "zero-width characters left out of 3 deck and tag names Anki shows (lines 2, 5, "
            "8); they are invisible")]
