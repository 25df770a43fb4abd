"""CSDN writes ``[外链图片转存失败,…(img-ID)(ADDRESS)]`` where it could not copy a pasted
picture: notes copied from CSDN showed that error text instead of the picture at ADDRESS
(a local picture in the tree was not shown, and nothing was said).  When the copy worked
later, the same text became the alt of the re-uploaded picture.  Both are now the picture
with no alt, and one ``csdn-picture`` note for the file."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from click.testing import CliRunner

from builder.cli import main
from builder.parse.document import parse_file, parse_text

from .conftest import FIXTURES, answers_by_question, build_fixture, imported_notes

if TYPE_CHECKING:
    from anki.collection import Collection

SITE = FIXTURES / "csdn-failed-pictures"


def test_the_text_is_read_as_the_picture_it_names() -> None:
    doc = parse_file(SITE / "notes.md", "notes.md")
    pictures = [(n.line, n.col, n.attr("src"), n.attr("alt")) for card in doc.cards
                for block in card.answer for n in block.children if n.kind == "image"]
    assert pictures == [(8, 1, "assert/pr.png", ""),
                        (14, 1, "https://s2.example.com/2019/10/18/roc.png", ""),
                        (20, 1, "assert/pr.png", "")]
    (note,) = (d for d in doc.diagnostics if d.code == "csdn-picture")
    assert (note.severity, note.loc.line) == ("note", 8)
    assert "3 times" in note.message and "(lines 8, 14, 20)" in note.message


def test_anki_shows_the_pictures_without_the_error_text(tmp_path: Path,
                                                        collection: Collection) -> None:
    shutil.copytree(SITE, tmp_path / "notes")
    result = CliRunner().invoke(main, ["build", "notes", "--no-lock"])
    assert result.exit_code == 0, result.output
    assert result.output.count("[csdn-picture]") == 1, result.output
    assert re.findall(r"notes\.md:(\d+):\d+: warning: remote image not fetched",
                      result.output) == ["14"], result.output
    (package,) = (tmp_path / "dist").glob("*.apkg")
    answers = answers_by_question(imported_notes(collection, package))
    media = Path(collection.media.dir())
    for question in ("1. 什么是 PR 曲线？", "3. AUC 的含义？"):
        answer = answers[question]
        (name,) = re.findall(r'<img src="([^"]+)" alt="">', answer)
        assert (media / name).read_bytes() == (SITE / "assert" / "pr.png").read_bytes()
    for answer in answers.values():
        assert "img-" not in re.sub(r'<img src="[^"]+"', "", answer), answer
        assert "防盗链" not in answer, answer
    assert "s2.example.com" in answers["2. ROC 曲线怎么画？"]
    assert "外链图片转存失败提示本身不是图片" in answers["4. 这段话提到了转存失败吗？"]


OLD_LOCK = FIXTURES / "csdn-heading.c2e5b8d.lock"
"""The lock c2e5b8d (before CSDN's text was read as a picture) wrote for csdn-heading.md
as n.md: the first question's key holds the failed copy's text."""


def test_a_picture_in_a_question_keeps_its_key(tmp_path: Path, collection: Collection) -> None:
    """Reading the text as a picture changes what a question shows, not which note it is:
    a rebuild over the older lock changes the note in place (same GUID), adds none."""
    shutil.copy(OLD_LOCK, tmp_path / "build-deck.lock")
    old = OLD_LOCK.read_text("utf-8")
    result = build_fixture(FIXTURES / "csdn-heading.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert "added" not in result.output and "removed" not in result.output, result.output
    assert "2 changed" in result.output, result.output  # both show a picture now
    notes = imported_notes(collection, tmp_path / "dist" / "网络.apkg")
    assert all(note.guid in old for note in notes)
    first = next(note for note in notes if note["Question"].startswith("TCP"))
    assert "外链" not in first["Question"] and "Kel2hd.png" in first["Question"]


def test_the_folded_note_sits_at_the_first_in_the_file() -> None:
    """A question's picture is read when its card closes, after its answer's: the note
    still sits at the first line and names the lines in order."""
    text = ("## Q？![外链图片转存失败(img-1)(https://a.example/a.png)]\n\n"
            "![外链图片转存失败(img-2)(https://a.example/b.png)]\n\n"
            "![外链图片转存失败(img-3)(https://a.example/c.png)]\n")
    (note,) = (d for d in parse_text(text, "o.md").diagnostics if d.code == "csdn-picture")
    assert (note.loc.line, note.loc.col) == (1, 6)
    assert note.message.endswith("(lines 1, 3, 5)")


def test_remote_failed_copies_warn_once_a_file(tmp_path: Path) -> None:
    """A page of failed copies warned once a remote picture (8,277 on one page, where
    builds before read the text and warned nothing): one warning a file names them, an
    ordinary remote picture is still warned at its own line."""
    result = build_fixture(FIXTURES / "csdn-remote.md", "--no-lock")
    assert result.exit_code == 0, result.output
    remote = [line for line in result.output.splitlines() if "[remote-image]" in line]
    assert remote == [
        "n.md:3:1: warning: remote image not fetched: https://s2.ax1x.com/K1.png and 2 more "
        "of CSDN's failed copies' pictures (lines 3, 4, 8) [remote-image]",
        "n.md:10:1: warning: remote image not fetched: https://a.example/p.png [remote-image]",
    ], result.output
    assert "3 warning(s)" not in result.output and "2 warning(s)" in result.output
