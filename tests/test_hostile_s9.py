"""Hostile input, session 9: work bounded by what is shown, diagnostics a reader can use."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from builder.cli import main
from builder.parse.limits import MAX_ANSWER_CHARS

pypdf = pytest.importorskip("pypdf")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _codes(output: str, code: str) -> list[str]:
    return re.findall(rf"^(\S+:\d+:\d+): (?:warning|error): .*\[{code}\]$", output, re.M)


def test_formulas_past_the_pdf_answer_cut_are_not_drawn(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # Each formula fails to draw, so each one drawn (checked by typst for the PDF) says so.
    (tmp_path / "n.md").write_text(
        "## 节\n### 问？\n\n$\\nosuchmacro{a}$ 开头\n\n" + "字" * MAX_ANSWER_CHARS
        + "\n\n$\\nosuchmacro{b}$ 之后\n", encoding="utf-8")
    result = run("n.md", "--format", "pdf", "--math", "mathjax")
    assert result.exit_code == 0, result.output
    # The one the PDF shows is drawn and reported; the one past the cut is never drawn.
    assert _codes(result.output, "formula-render") == ["n.md:4:1"], result.output
    text = "".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "dist/n.pdf").pages)
    assert "开头" in text and "之后" not in text


def test_typst_written_in_a_formula_is_reported_once(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "n.md").write_text(
        "## S\n### Q\n\n$x #sym.arrow y$ then $\\nosuchmacro{z}$\n", encoding="utf-8")
    result = run("n.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    # The typst one: why it is not drawn, once; a TeX one that fails still says so.
    assert _codes(result.output, "formula-typst") == ["n.md:4:1"], result.output
    assert len(_codes(result.output, "formula-render")) == 1, result.output
    assert "no renderer could draw $\\nosuchmacro{z}$" in result.output
    assert "2 formula(s) kept as MathJax" in result.output


def _many_bad_files(root: Path, count: int) -> None:
    (root / "src").mkdir()
    for i in range(count):
        (root / "src" / f"f{i:03}.md").write_text(f"## S\n### Q{i}\n\n![x](gone{i}.png)\n",
                                                 encoding="utf-8")


def test_repeated_output_is_capped_with_a_count_and_v_shows_every_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from builder.cli.capped import NEW_DECKS, OUTPUTS, PER_CODE, STRUCTURES

    monkeypatch.chdir(tmp_path)
    files = PER_CODE + 7
    _many_bad_files(tmp_path, files)
    result = run("src", "--format", "apkg")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    shown = _codes(result.output, "image-missing")
    assert shown == [f"src/f{i:03}.md:4:1" for i in range(PER_CODE)]
    assert "… and 7 more warning(s) [image-missing] (-v shows every one)" in lines
    # The counts see every warning; each other kind of line is capped as well.
    assert f"{files} deck(s), {files} card(s), 0 error(s), {files} warning(s)" in lines
    assert sum(line.startswith("wrote ") for line in lines) == OUTPUTS - 1
    assert f"… and {files - OUTPUTS + 1} more outputs: wrote {files - OUTPUTS + 1} " \
           "(-v names every one)" in lines
    assert sum(line.startswith("src/f") and line.endswith("###") for line in lines) \
        == STRUCTURES - 1
    nexts = [line for line in lines if line.startswith("next: ")]
    assert len(nexts) == NEW_DECKS
    assert nexts[-1].startswith(f"next: import the {files - NEW_DECKS + 1} other new decks")
    # -v: every line.
    every = run("src", "--format", "apkg", "-v", "-o", "all")
    assert len(_codes(every.output, "image-missing")) == files
    assert sum(line.startswith("next: import all/") for line in every.output.splitlines()) \
        == files
    assert not any(line.startswith("…") for line in every.output.splitlines())
    # --strict refuses on the warnings it no longer prints, as before.
    strict = run("src", "--format", "apkg", "--strict", "-o", "strict")
    assert strict.exit_code != 0 and "--strict: warnings found" in strict.output


def test_check_prints_every_diagnostic_for_editors_and_ci(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from builder.cli.capped import PER_CODE

    monkeypatch.chdir(tmp_path)
    _many_bad_files(tmp_path, PER_CODE + 3)
    result = run("check", "src")
    assert _codes(result.output, "image-missing") == \
        [f"src/f{i:03}.md:4:1" for i in range(PER_CODE + 3)]
    assert not any(line.startswith("…") for line in result.output.splitlines())
    assert result.output.splitlines()[-1] == \
        f"{PER_CODE + 3} file(s) checked: 0 error(s), {PER_CODE + 3} warning(s)"


def test_a_folder_walk_names_what_it_cannot_read(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.chdir(tmp_path)
    src = tmp_path / "src"
    (src / "ok").mkdir(parents=True)
    (src / "locked").mkdir()
    (src / "ok" / "a.md").write_text("## S\n### Q\nA\n", encoding="utf-8")
    (src / "locked" / "b.md").write_text("## S\n### Q2\nB\n", encoding="utf-8")
    os.mkfifo(src / "pipe.md")
    (src / "gone.md").symlink_to("nowhere.md")
    (src / "zero.md").symlink_to("/dev/zero")
    (src / "loop.md").symlink_to("loop.md")
    (src / "not-notes.txt").symlink_to("nowhere.txt")  # not notes: not a word
    listing = os.scandir

    def scandir(path: str) -> object:  # tests run as root, whom no permission stops
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return listing(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = run("src", "--format", "apkg")
    assert result.exit_code == 0, result.output
    warned = re.findall(r"^(\S+):1:1: warning: (.*) \[source-skipped\]$", result.output, re.M)
    assert warned == [
        ("src/gone.md", "broken link (to nothing, or round in a loop): left out of the build"),
        ("src/locked", "folder cannot be read (Permission denied): left out of the build"),
        ("src/loop.md", "broken link (to nothing, or round in a loop): left out of the build"),
        ("src/pipe.md", "not a regular file (a FIFO, socket or device): left out of the build"),
        ("src/zero.md", "not a regular file (a FIFO, socket or device): left out of the build"),
    ], result.output
    assert "1 deck(s), 1 card(s), 0 error(s), 5 warning(s)" in result.output
    # Up to date, the same words; with the FIFO gone, its warning goes too.
    assert run("src", "--format", "apkg").output.count("[source-skipped]") == 5
    (src / "pipe.md").unlink()
    again = run("src", "--format", "apkg")
    assert again.output.count("[source-skipped]") == 4 and "pipe.md" not in again.output
    assert run("check", "src").output.count("[source-skipped]") == 4
    # Named on the command line: said what it is, not "no such file".
    named = run("src/zero.md", "--format", "apkg")
    assert named.exit_code != 0
    assert "src/zero.md: not a regular file (a FIFO, socket or device): not read" \
        in named.output, named.output


def test_an_embed_not_found_in_a_vault_too_large_to_search_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from builder.render import images

    from .imagefiles import png

    monkeypatch.setattr(images, "_VAULT_FILES", 20)
    monkeypatch.chdir(tmp_path)
    vault = tmp_path / "vault"
    (vault / "a").mkdir(parents=True)
    (vault / "z").mkdir()
    for i in range(30):  # walked first: the search stops here
        (vault / "a" / f"filler{i}.txt").write_text("x", encoding="utf-8")
    (vault / "z" / "pic.png").write_bytes(png())
    (vault / "n.md").write_text("## S\n### Q\n\n![[pic.png]]\n", encoding="utf-8")
    result = run("vault", "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert ("vault/n.md:4:1: warning: image not found: [[pic.png]] (looked for pic.png in the "
            "first 20 files under vault/, the folder being built, which holds more: the rest "
            "are not searched; a vault's attachment folder above it is not read: build the "
            "vault's folder) [image-missing]") in result.output.splitlines(), result.output
    # A vault within the limit: found, and a name it lacks is "looked for everywhere".
    monkeypatch.setattr(images, "_VAULT_FILES", 200)
    (vault / "n.md").write_text("## S\n### Q\n\n![[pic.png]] ![[nope.png]]\n", encoding="utf-8")
    found = run("vault", "--format", "apkg", "-o", "again")
    assert _codes(found.output, "image-missing") == ["vault/n.md:4:14"], found.output
    assert "(looked for nope.png everywhere under vault/, the folder being built;" in found.output


def _split_a_character_at_a_time(text: str, spans: list[tuple[int, int]]) -> list[Any]:
    """``tables._split`` as it was (a Python step per character): the reference."""
    from builder.parse.tables import Cell

    cells: list[Any] = []
    current: list[str] = []
    dropped: list[int] = []
    start = pos = 0
    spans_left = iter(spans)
    span = next(spans_left, None)
    while pos < len(text):
        if span is not None and pos == span[0]:
            formula, at = text[span[0]:span[1]], 0
            while at < len(formula):
                pair = formula[at:at + 2]
                if pair == "\\|":
                    dropped.append(len(current))
                    current.append("|")
                    at += 2
                elif pair.startswith("\\") and len(pair) == 2:
                    current.extend(pair)
                    at += 2
                else:
                    current.append(formula[at])
                    at += 1
            pos = span[1]
            span = next(spans_left, None)
            continue
        char = text[pos]
        if char == "|" and pos > 0 and text[pos - 1] == "\\":
            current[-1] = "|"
            dropped.append(len(current) - 1)
        elif char == "|":
            cells.append(Cell("".join(current), start, tuple(dropped)))
            current, dropped, start = [], [], pos + 1
        else:
            current.append(char)
        pos += 1
    cells.append(Cell("".join(current), start, tuple(dropped)))
    return cells


def test_a_row_is_cut_in_slices_exactly_as_a_character_at_a_time() -> None:
    """``_split`` cuts a row with slices between its pipes (a 160 KB row took a Python step
    per character): the same cells, starts and dropped pipes as the reference."""
    import random

    from builder.parse import tables

    rng = random.Random(9)
    for _ in range(3000):
        text = "".join(rng.choice("||\\\\$ab {}") for _ in range(rng.randrange(0, 40)))
        spans, at = [], 0
        while at < len(text):  # formulas as _math_spans finds them: never ending in `\`
            begin = rng.randrange(at, len(text) + 1)
            end = rng.randrange(begin, len(text) + 1)
            if end - begin >= 2 and text[end - 1] != "\\" and \
                    (begin == 0 or text[begin - 1] != "\\"):
                spans.append((begin, end))
            at = max(end, begin + 1)
        assert tables._split(text, spans) == _split_a_character_at_a_time(text, spans), \
            (text, spans)


def test_cells_past_a_tables_columns_are_reported_not_lost_silently(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "n.md").write_text(
        "## S\n### Q\n\n| h | h2 |\n|---|---|\n| a | b |  多出 | more |\n"
        "| $p(y|x)$ | c |\n> | q | r |\n> |---|---|\n> | s | t | u |\n", encoding="utf-8")
    result = run("check", "n.md")
    assert result.exit_code == 0, result.output
    # A formula's `|` is no cell boundary; a quoted table is placed in its line.
    assert _codes(result.output, "table-extra-cells") == ["n.md:6:12", "n.md:10:13"]
    assert "2 cell(s) past the table's 2 column(s) left out" in result.output


def test_read_regular_refuses_what_is_no_file_and_reads_within_its_limit(
        tmp_path: Path) -> None:
    import os

    from builder.support.safefile import read_regular

    (tmp_path / "a.png").write_bytes(b"12345")
    assert read_regular(tmp_path / "a.png", 5) == b"12345"
    with pytest.raises(OSError, match="larger than 4 bytes"):
        read_regular(tmp_path / "a.png", 4)
    os.mkfifo(tmp_path / "fifo.png")  # no writer: opening it must not wait
    (tmp_path / "zero.png").symlink_to("/dev/zero")
    for name in ("fifo.png", "zero.png"):
        with pytest.raises(OSError, match="not a regular file"):
            read_regular(tmp_path / name, 1 << 30)


def test_a_file_that_grows_after_its_size_was_read_is_read_whole_within_the_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader asks for the size ``fstat`` gave, not the limit; a file that grew since
    (here ``fstat`` answers 1 byte) is still read to its end, and refused past the limit."""
    import os

    from builder.support import safefile

    real_fstat = os.fstat

    def stale_fstat(descriptor: int) -> os.stat_result:
        fields = list(real_fstat(descriptor))
        fields[6] = 1  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr(os, "fstat", stale_fstat)
    (tmp_path / "a.png").write_bytes(b"0123456789")
    assert safefile.read_regular(tmp_path / "a.png", 10) == b"0123456789"
    with pytest.raises(OSError, match="larger than 9 bytes"):
        safefile.read_regular(tmp_path / "a.png", 9)


_SWAPPED_CHILD = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))
from builder.build import run
from builder.cli import run as cli

# The tree changes while the build runs: after the cards are made, before the outputs are
# written, the checked picture becomes a link to /dev/zero (read whole, it never ends).
original = run._write
def swapped(*args, **kwargs):
    picture = Path("src/p.png")
    picture.unlink()
    picture.symlink_to("/dev/zero")
    return original(*args, **kwargs)
run._write = swapped
cli(sys.argv[1:])
"""


def test_a_picture_swapped_for_a_device_during_the_build_is_an_error_not_a_runaway(
        tmp_path: Path) -> None:
    import subprocess
    import sys

    from .imagefiles import png

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "p.png").write_bytes(png())
    (tmp_path / "src" / "n.md").write_text("## S\n### Q\n\n![p](p.png)\n", encoding="utf-8")
    repo = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", _SWAPPED_CHILD, "src"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600,
                          env={**__import__("os").environ, "PYTHONPATH": str(repo)})
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stderr
    assert "not a regular file" in done.stderr, done.stderr
    # Nothing half-written: no deck, no PDF.
    assert not list((tmp_path / "dist").glob("*.apkg")) and \
        not list((tmp_path / "dist").glob("*.pdf"))


def test_a_huge_section_heading_is_cut_for_the_sheet_and_kept_whole_on_the_card(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 300,000-character heading, printed again in every page's running header, took
    typst 2.2 GB; the sheet prints its first ``MAX_TITLE_CHARS``, the card keeps it all."""
    import sqlite3
    import zipfile

    from builder.pdf.pdfdata import MAX_TITLE_CHARS

    monkeypatch.chdir(tmp_path)
    heading = "标" * 20_000
    (tmp_path / "n.md").write_text(f"## {heading}\n### Q\n\nA\n", encoding="utf-8")
    result = run("n.md")
    assert result.exit_code == 0, result.output
    text = "".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "dist/n.pdf").pages)
    assert "标" * (MAX_TITLE_CHARS - 1) + "…" in text.replace("\n", "").replace(" ", "")
    assert text.count("标") < 3 * MAX_TITLE_CHARS
    with zipfile.ZipFile(tmp_path / "dist/n.apkg") as package:
        (tmp_path / "c.db").write_bytes(package.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "c.db") as db:
        (fields, tags), = db.execute("select flds, tags from notes").fetchall()
    assert heading in fields and heading in tags


def test_the_contents_of_a_huge_sheet_list_its_first_sections_and_count_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each contents entry cost typst ~40 KB (30,000 sections took 1.9 GB, for 1,600
    pages of contents): past ``MAX_CONTENTS`` they are counted; bookmarks list them all."""
    from builder.parse.document import parse_text
    from builder.pdf import parts
    from builder.pdf.typeset import write_pdf
    from builder.render.assets import render_assets

    monkeypatch.setattr(parts, "WHOLE_QUESTIONS", 4)
    monkeypatch.setattr(parts, "PART_QUESTIONS", 3)
    monkeypatch.setattr(parts, "MAX_CONTENTS", 5)
    text = "".join(f"## Part{i:02}\n### Question{i:02}?\n\nAnswer{i:02}.\n\n" for i in range(12))
    doc = parse_text(text, "n.md")
    target = tmp_path / "sheet.pdf"
    write_pdf(target, "Deck", "Title", [doc], render_assets([], [], tmp_path / "cache"),
              date="2024-05-01", style="sheet")
    reader = pypdf.PdfReader(target)
    first = reader.pages[0].extract_text()
    assert all(f"Part{i:02}" in first for i in range(5)) and "Part05" not in first
    assert "… and 7 more sections: see the PDF's bookmarks" in first
    sections = [item.title for item in reader.outline if not isinstance(item, list)]
    assert sections == [f"Part{i:02}" for i in range(12)]
    # The running header still names sections past the contents.
    header = re.search(r"DeckPart(\d\d)\d+/\d+$",
                       re.sub(r"\s+", "", reader.pages[-1].extract_text()))
    assert header is not None and int(header.group(1)) >= 5


_COMMENTS_CHILD = """
import resource
resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
from builder.checks.rawhtml import problems, raw_images
# No `>` after them: html.parser then stepped from one `<` to the next, looking for `-->`.
fragment = '<img src="a.png"><!-- shut --> ' + "<!--" * 200_000 + " <b"
assert problems(fragment) == [] and [image.src for image in raw_images(fragment)] == ["a.png"]
print("done")
"""


def test_a_line_of_unclosed_comments_is_read_once_not_once_a_comment() -> None:
    """html.parser looked for the end of each unclosed ``<!--`` again (quadratic: 50,000
    took a minute, a 1 MB file of them would take half an hour).  Bounded by CPU time in a
    child (60 s for what now takes well under one), never timed."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _COMMENTS_CHILD], capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parent.parent, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "done", done.stderr[-500:]
