"""Hostile inputs met in s12's attack.  Work is bounded by counting what is done, or by
a CPU or memory limit in a child, never by timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it.tree import SyntaxTreeNode
from pypdf import PdfReader

from builder.cli import main
from builder.model import Diagnostic
from builder.parse.bold import paragraph_question
from builder.parse.markdown import tokenize

from .conftest import write
from .countedtext import CountedText


def test_a_line_of_qualified_names_is_read_for_cards_without_copying_it_per_name() -> None:
    """Each ``::`` of a line was tried as an Obsidian card's separator by copying the
    text before and after it, even for ``std::move``: a 1 MB line of names took 51 s."""
    line = "a::b " * 2000
    paragraph = SyntaxTreeNode(tokenize(line + "\n")).children[0]
    (text,) = paragraph.children[0].children
    text.token.content = CountedText(text.token.content)  # type: ignore[union-attr]
    CountedText.copied = 0
    assert paragraph_question(paragraph) is None
    assert CountedText.copied <= 2 * len(line)


def test_a_linked_preview_media_folder_is_replaced_not_swept_through(tmp_path: Path) -> None:
    """The preview's media folder is swept of files the page does not use.  A cloned
    repository can ship ``dist/n_media`` as a link to the user's folder: the sweep deleted
    every file there.  A folder of the user's inside the media folder stops no build."""
    victim = write(tmp_path / "victim" / "thesis.docx", "years of work")
    write(Path("n.md"), "## S\n### Q\nA\n")
    Path("dist").mkdir()
    Path("dist/n_media").symlink_to(victim.parent, target_is_directory=True)
    result = CliRunner().invoke(main, ["n.md", "--format", "html", "--no-lock"])
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "years of work"
    assert not Path("dist/n_media").is_symlink()
    write(Path("dist/n_media/kept/x.txt"), "mine")
    result = CliRunner().invoke(main, ["n.md", "--format", "html", "--no-lock"])
    assert result.exit_code == 0, result.output
    assert Path("dist/n.html").is_file()


def test_an_escape_sequence_in_a_project_setting_does_not_reach_the_terminal() -> None:
    """A value the settings refuse is quoted in the warning, and a path may not hold
    control characters, so ``out`` was quoted raw: a cloned repository's ``out =
    "\\u001b]52;c;…\\u0007"`` wrote the user's clipboard on a terminal (OSC 52)."""
    write(Path("pyproject.toml"), '[tool.build-deck]\nout = "\\u001b]52;c;ZWNobyBoaQ==\\u0007"\n')
    write(Path("n.md"), "## S\n### Q\nA\n")
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg", "--no-lock"])
    assert result.exit_code == 0, result.output
    assert "out must be a path without control characters" in result.output
    assert "\\u001b]52;c;ZWNobyBoaQ==\\u0007" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output


_FILTER_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="500" height="500">'
               '<filter id="f"><feTurbulence baseFrequency="0.05" numOctaves="100000"/></filter>'
               '<rect width="500" height="500" filter="url(#f)"/></svg>')
_SHADOW_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40">'
               '<filter id="s"><feGaussianBlur stdDeviation="2"/><feOffset dx="2" dy="2"/>'
               '</filter><rect x="5" y="5" width="60" height="20" filter="url(#s)"/></svg>')
_FILTER_CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
from click.testing import CliRunner
import builder.render.imagecheck
from builder.cli import main
builder.render.imagecheck.SVG_SECONDS = 3.0
result = CliRunner().invoke(main, ["n.md", "--format", "pdf,apkg", "--no-lock"])
print(result.output)
sys.exit(result.exit_code)
"""


def test_an_svg_filter_that_takes_hours_to_paint_is_left_out_and_the_pdf_builds(
        tmp_path: Path) -> None:
    """typst paints an SVG's filters pixel by pixel for the PDF: one feTurbulence of
    100,000 octaves on a 500-pixel picture kept the build busy for hours (feMorphology
    of radius 50 too).  Each SVG is now drawn alone on a budget first; here the build
    runs in a child with 60 s of CPU and a 3 s budget for the drawing."""
    write(tmp_path / "bomb.svg", _FILTER_SVG)
    write(tmp_path / "shadow.svg", _SHADOW_SVG)
    write(tmp_path / "n.md", "## S\n### Q\n![bomb](bomb.svg)\n\n![shadow](shadow.svg)\n")
    (tmp_path / "tmp").mkdir()
    done = subprocess.run([sys.executable, "-c", _FILTER_CHILD], capture_output=True,
                          text=True, cwd=tmp_path, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1]),
                               "TMPDIR": str(tmp_path / "tmp")})
    assert done.returncode == 0, (done.stdout + done.stderr)[-800:]
    assert ("n.md:3:1: warning: image cannot be decoded, left out: bomb.svg: drawing it "
            "for the PDF took longer than 3 s [image-corrupt]") in done.stdout
    assert "shadow.svg" not in done.stdout
    assert PdfReader(tmp_path / "dist" / "n.pdf").pages
    with zipfile.ZipFile(tmp_path / "dist" / "n.apkg") as package:
        media = json.loads(package.read("media"))
    assert [name for name in media.values() if name.endswith(".svg")] \
        == [next(n for n in media.values() if n.startswith("img-shadow-"))]
    # The drawing child is killed with its budget spent: its scratch folder is the
    # build's, which removes it.
    assert not list((tmp_path / "tmp").iterdir())


def test_a_lock_entry_naming_a_file_no_system_can_hold_is_a_removed_note() -> None:
    """Whether a lock entry's file still exists decides if its note was removed; a shared
    lock's entry named a file too long for any file system, and the build stopped on a
    traceback (``File name too long``)."""
    write(Path("n.md"), "## S\n### Q\nA\n")
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg"])
    assert result.exit_code == 0, result.output
    lock = json.loads(Path("build-deck.lock").read_text(encoding="utf-8"))
    (entry,) = lock["notes"].values()
    lock["notes"]["x / S / gone"] = {**entry, "guid": "other", "question": "Gone",
                                     "file": "x" * 5000 + ".md"}
    Path("build-deck.lock").write_text(json.dumps(lock), encoding="utf-8")
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg"])
    assert result.exit_code == 0, result.output
    assert "1 removed" in result.output and "Gone" in result.output


def test_a_lock_of_thousands_of_entries_for_one_question_costs_linear_work(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each vanished lock entry that could be the new question gets a warning.  3.5 MB
    of a shared lock (20,000 entries of the same question and answer) made each of the
    20,000 warnings name all the others, and each was then looked for among the others
    by comparing: killed after 2 minutes and 2 GB.  Here 3,000 entries; the warnings'
    size and the comparisons are counted."""
    write(Path("n.md"), "## S\n### Q\nA\n")
    assert CliRunner().invoke(main, ["n.md", "--format", "apkg"]).exit_code == 0
    lock = json.loads(Path("build-deck.lock").read_text(encoding="utf-8"))
    (entry,) = lock["notes"].values()
    count = 3000
    lock["notes"] = {f"n / S / q{i}": {**entry, "guid": f"g{i}"} for i in range(count)}
    Path("build-deck.lock").write_text(json.dumps(lock), encoding="utf-8")
    compared = [0]
    equal = Diagnostic.__eq__

    def counted(self: Diagnostic, other: object) -> bool:
        compared[0] += 1
        return equal(self, other)

    monkeypatch.setattr(Diagnostic, "__eq__", counted)
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "[ambiguous-rename]" in line]
    # One warning for the one question: a crowd of entries alike cannot tell it apart
    # (identity.CROWD), a few of them named with their handles.
    assert "1 warning(s)" in result.output and len(warnings) == 1
    assert f"cannot tell which of {count} removed questions alike this one" in warnings[0]
    assert warnings[0].count("'Q' {#") == 5 and f"{count - 5} more" in warnings[0]
    assert max(map(len, warnings)) < 400
    assert compared[0] < 10 * count


def test_many_new_questions_sharing_an_answer_with_many_lock_entries_cost_linear_work(
        ) -> None:
    """N new questions with one answer against a shared lock of M vanished entries with
    that answer: every question could be any entry.  Pairing each with each made N×M
    pairs and N×M warnings (4,000 × 4,000: out of memory at 3 GB); each question now gets
    one warning."""
    answer = "The same long answer, written out for every one of these questions."
    count = 300
    write(Path("n.md"), "## S\n" + "".join(f"### New {i}\n{answer}\n" for i in range(count)))
    assert CliRunner().invoke(main, ["n.md", "--format", "apkg"]).exit_code == 0
    lock = json.loads(Path("build-deck.lock").read_text(encoding="utf-8"))
    entry = next(iter(lock["notes"].values()))
    lock["notes"] = {f"n / S / old{i}": {**entry, "guid": f"g{i}", "question": f"Old {i}"}
                     for i in range(count)}
    Path("build-deck.lock").write_text(json.dumps(lock), encoding="utf-8")
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg", "-v"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "[ambiguous-rename]" in line]
    assert len(warnings) == count, len(warnings)
    assert all(f"which of {count} removed questions" in line for line in warnings)


_ZERO_CACHE_CHILD = """
import os, resource, signal, sys
from pathlib import Path
from click.testing import CliRunner
from builder.cli import main
build = ["n.md", "--format", "apkg,pdf"]
fifo = sys.argv[1] == "fifo"
assert CliRunner().invoke(main, build).exit_code == 0
kinds = set()
for entry in [*Path("dist/.cache").iterdir(), Path("dist/n.pdf")]:
    kinds.add(entry.name.split("-")[0])
    entry.unlink()
    os.mkfifo(entry) if fifo else entry.symlink_to("/dev/zero")
assert {"build", "checked", "lock", "math", "notes", "parsed", "pdf"} <= kinds, kinds
Path("n.md").write_text("## S\\n### Q\\nA, edited: $x^2$\\n", encoding="utf-8")
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
signal.alarm(300)  # a FIFO waits without using CPU: this only ends a build that hangs
result = CliRunner().invoke(main, build)
print(result.output)
sys.exit(result.exit_code)
"""


@pytest.mark.parametrize("kind", ["zero", "fifo"])
def test_cache_entries_made_links_to_dev_zero_or_fifos_are_no_entries(
        tmp_path: Path, kind: str) -> None:
    """The parse, note and lock caches, the up-to-date record, the checked-files index,
    the formula cache and the PDF's memo were read whole: made links to /dev/zero (a
    cache folder shipped in a cloned repository's dist/), each was read until memory ran
    out or hashed for ever; a FIFO waited for ever.  Here in a child of 2 GB and 60 s of
    CPU (and an alarm, as a FIFO's wait uses none)."""
    write(tmp_path / "n.md", "## S\n### Q\nA: $x^2$\n")
    done = subprocess.run([sys.executable, "-c", _ZERO_CACHE_CHILD, kind], capture_output=True,
                          text=True, cwd=tmp_path, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert done.returncode == 0, (done.stdout + done.stderr)[-800:]
    assert "changed  n.md:2  Q" in done.stdout
    assert "wrote dist/n.pdf" in done.stdout


_PREVIEW_FIFO_CHILD = """
import os, signal, sys
from pathlib import Path
from builder.anki.htmlpreview import write_preview
signal.alarm(20)  # only ends a read that would block for ever
os.mkfifo("pic.png")
try:
    write_preview(Path("n.html"), "n", [], {"pic.png": Path("pic.png")}, "")
except OSError as exc:
    print("refused:", exc.strerror)
"""


def test_the_html_preview_refuses_a_picture_swapped_for_a_fifo() -> None:
    """Read as the .apkg reads pictures (``safefile.read_regular``): a plain read of a FIFO
    with no writer blocked the build for ever."""
    done = subprocess.run([sys.executable, "-c", _PREVIEW_FIFO_CHILD], capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert "refused:" in done.stdout and "not a regular file" in done.stdout, (
        done.stdout, done.stderr)
