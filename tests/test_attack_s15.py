"""Hostile inputs met in s15's attack.  Work is bounded by counting what is done, never
by timing."""

from __future__ import annotations

import re
import shutil
import zlib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from builder.cli import main

from .conftest import answers_by_question, imported_notes, write
from .test_watch import Watcher

if TYPE_CHECKING:
    from anki.collection import Collection


def _check(name: str, content: bytes) -> list[str]:
    """The error lines ``check`` prints for a file of ``content`` beside a good note."""
    Path("notes").mkdir(exist_ok=True)
    Path("notes", name).write_bytes(content)
    write(Path("notes", "good.md"), "## S\n### Q?\nA\n")
    result = CliRunner().invoke(main, ["check", "notes"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return [line for line in result.output.splitlines() if ": error: " in line]


TEXT = "# 标题\n\n## 节\n\n### 什么是过拟合？\n\n模型在训练集上表现好 café\n"


@pytest.mark.parametrize(("content", "told"), [
    # UTF-32's little-endian mark begins with UTF-16's: it was called UTF-16, and the
    # `iconv -f UTF-16` given made garbage of it.
    (TEXT.encode("utf-32"), "file is UTF-32 (it starts with a byte-order mark), not UTF-8; "
                            "convert it with `iconv -f UTF-32 -t UTF-8`"),
    (b"\x00\x00\xfe\xff" + TEXT.encode("utf-32-be"),
     "`iconv -f UTF-32 -t UTF-8`"),
    (TEXT.encode("utf-16"), "`iconv -f UTF-16 -t UTF-8`"),
    # Without a mark, where the NULs fall tells which UTF-16 it is.
    (TEXT.encode("utf-16-le"), "(it looks like UTF-16LE: convert it with "
                               "`iconv -f UTF-16LE -t UTF-8`)"),
    (TEXT.encode("utf-16-be"), "(it looks like UTF-16BE: convert it with "
                               "`iconv -f UTF-16BE -t UTF-8`)"),
])
def test_a_unicode_file_not_in_utf8_is_named_with_the_command_that_converts_it(
        tmp_path: Path, content: bytes, told: str) -> None:
    (error,) = _check("n.md", content)
    assert error.startswith(f"{Path('notes', 'n.md')}:1:1: error: file is ")
    assert told in error


def test_a_binary_file_is_not_taken_for_utf16() -> None:
    (error,) = _check("n.md", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert error.endswith("error: file is binary or UTF-16, not UTF-8 Markdown [source]")


def test_a_utf8_note_with_a_pasted_latin1_word_is_not_told_to_be_converted_whole() -> None:
    """One word pasted from a Latin-1 file into a UTF-8 note: the error said the file
    looked like gb18030 and gave `iconv -f gb18030`, which garbles every UTF-8 character
    of the rest."""
    content = ("# 标题\n\n### Qué?\n\ncafé, ".encode() + "naïve".encode("latin-1")
               + " 模型\n".encode())
    (error,) = _check("n.md", content)
    assert error.startswith(f"{Path('notes', 'n.md')}:5:9: error: file is not UTF-8 "
                            "throughout: ")
    assert "byte 0xEF here ('ï' in cp1252?)" in error
    assert "iconv" not in error
    # A file in one legacy encoding is still named, with its command.
    (error,) = _check("n.md", "# T\n\n### Qué?\n\ncafé naïve ’\n".encode("cp1252"))
    assert "it looks like cp1252); convert it with `iconv -f cp1252 -t utf-8`" in error
    (error,) = _check("n.md", TEXT.encode("gb18030"))
    assert "it looks like gb18030" in error


def test_a_cache_folder_that_cannot_be_made_costs_the_cache_not_the_pdf() -> None:
    """With the cache's folder under a file (or on a full disk) the build typeset the PDF,
    then failed on its memo, blaming the PDF: 'cannot write dist/T.pdf: Not a directory'.
    A memo, like every cache entry, only spares a later build work."""
    write(Path("notes", "a.md"), "# T\n\n## S\n\n### Q?\n\nA\n")
    Path("blocker").write_text("a file where a folder is wanted\n")
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(main, ["build", "notes", "--cache-dir", "blocker/cache"])
        assert result.exit_code == 0, result.output
        assert "0 error(s), 0 warning(s)" in result.output
        assert Path("dist", "T.pdf").read_bytes().startswith(b"%PDF")
    assert Path("blocker").read_text() == "a file where a folder is wanted\n"


def test_a_table_naming_a_note_for_the_lock_is_warned_and_the_lock_stays_out_of_the_deck(
        ) -> None:
    """A cloned repository's ``lock = "notes/x.md"`` made the build write its lock among
    the notes; the next build read that JSON as a note, and a second deck appeared."""
    write(Path("notes", "a.md"), "# T\n\n## S\n\n### Q?\n\nA\n")
    write(Path("pyproject.toml"), '[tool.build-deck]\nlock = "notes/x.md"\n')
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(main, ["build", "notes", "--format", "apkg"])
        assert result.exit_code == 0, result.output
        assert ("pyproject.toml:2:8: warning: [tool.build-deck] lock must be a file the "
                "build does not read as notes (not *.md), not 'notes/x.md' [config]"
                ) in result.output.splitlines()
        assert "1 deck(s), 1 card(s)" in result.output
    assert not Path("notes", "x.md").exists()
    assert sorted(p.name for p in Path("dist").glob("*.apkg")) == ["T.apkg"]


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[Watcher]:
    write(tmp_path / "notes" / "a.md", "# W\n\n## S\n\n### Q?\n\nfirst\n")
    watch = Watcher(tmp_path, "--lock", "w.lock")
    yield watch
    if watch.process.poll() is None:
        watch.process.kill()
        watch.process.wait()


def test_a_watched_folder_deleted_and_made_again_is_watched_again(
        tmp_path: Path, watching: Watcher, collection: Collection) -> None:
    """The folder's watch went with the folder: once ``notes`` was deleted and made
    again (``rm -rf`` and a checkout), no save was ever built again, and nothing said so."""
    watching.wait_started()
    shutil.rmtree(tmp_path / "notes")
    write(tmp_path / "notes" / "a.md", "# W\n\n## S\n\n### Q?\n\nmade again\n")
    watching.wait_for("build of the new folder", lambda: "changed: notes\n" in
                      watching.output())
    watching.wait_for("its deck", lambda: watching.output().count("wrote dist/W.apkg") == 2)
    # And a save into the new folder is seen.
    write(tmp_path / "notes" / "a.md", "# W\n\n## S\n\n### Q?\n\nsaved after\n")
    watching.wait_for("the save's deck",
                      lambda: watching.output().count("wrote dist/W.apkg") == 3)
    answers = answers_by_question(imported_notes(collection, tmp_path / "dist" / "W.apkg"))
    assert "saved after" in answers["Q?"]
    assert watching.stop() == 0
    assert "Traceback" not in watching.output()


def test_a_note_file_replaced_by_a_folder_of_its_name_is_reported_removed() -> None:
    """A file gone was reported removed, but not one whose name a folder took: its notes
    left the deck while the build said 'changes: none', and removed-notes.txt left
    them out, until the folder went too."""
    write(Path("notes", "a.md"), "# W\n\n## S\n\n### Kept?\n\nA\n")
    write(Path("notes", "b.md"), "# W\n\n## S\n\n### Gone?\n\nB\n")
    runner = CliRunner()
    assert runner.invoke(main, ["build", "notes", "--format", "apkg"]).exit_code == 0
    Path("notes", "b.md").unlink()
    Path("notes", "b.md").mkdir()
    result = runner.invoke(main, ["build", "notes", "--format", "apkg"])
    assert result.exit_code == 0, result.output
    assert "changes: 1 removed" in result.output
    assert f"  removed  Gone?  (was in {Path('notes', 'b.md')})" in result.output
    assert '"Key:W / S / gone?"' in Path("dist", "removed-notes.txt").read_text()
    # A file left out of the build, not deleted, still is not "removed".
    write(Path("notes", "c.md"), "# W\n\n## S\n\n### Other?\n\nC\n")
    assert runner.invoke(main, ["build", "notes", "--format", "apkg"]).exit_code == 0
    result = runner.invoke(main, ["build", str(Path("notes", "a.md")), "--format", "apkg"])
    assert "removed" not in result.output.replace("removed-notes", "")


def test_the_watch_takes_a_folder_told_deleted_for_another_whatever_its_inode(
        tmp_path: Path) -> None:
    """Made again at once, a folder may take the deleted one's inode number (ext4 does):
    its deletion, as the watcher is told it, is what says it is another folder."""
    from watchfiles import Change

    from builder.build.config import BuildConfig
    from builder.build.watch import Watched, _Filter

    (tmp_path / "notes").mkdir()
    watched = Watched.of(BuildConfig(sources=(tmp_path / "notes",), out_dir=tmp_path / "o"))
    seen = _Filter(watched)
    seen(Change.deleted, str(tmp_path / "notes" / "a.md"))
    seen(Change.modified, str(tmp_path / "notes"))
    assert seen.gone == set()
    seen(Change.deleted, str((tmp_path / "notes").resolve()))
    assert seen.gone == {(tmp_path / "notes").resolve()}


def _png_with_profile(inflated: int) -> bytes:
    """A whole 8×8 PNG whose colour profile (iCCP) inflates to ``inflated`` bytes."""
    from .imagefiles import _chunk, png

    plain = png(rgb=(0, 128, 255))
    profile = _chunk(b"iCCP", b"icc\x00\x00" + zlib.compress(b"\x00" * inflated, 9))
    return plain[:33] + profile + plain[33:]  # after the signature and IHDR


def test_a_picture_whose_colour_profile_inflates_without_bound_is_left_out(
        collection: Collection) -> None:
    """typst inflates a PNG's colour profile whole while it reads the header: a 1.6 MB
    PNG whose profile inflated to 1.6 GB took the build (even --format apkg, which
    tries each picture with typst) to 3.3 GB of memory."""
    Path("notes").mkdir()
    Path("notes", "bomb.png").write_bytes(_png_with_profile((4 << 20) + 1))
    Path("notes", "ok.png").write_bytes(_png_with_profile(4 << 20))
    write(Path("notes", "a.md"), "# T\n\n## S\n\n### Bomb?\n\n![b](bomb.png)\n\n"
                                 "### Fine?\n\n![o](ok.png)\n")
    result = CliRunner().invoke(main, ["build", "notes"])
    assert result.exit_code == 0, result.output
    assert (f"{Path('notes', 'a.md')}:7:1: warning: image cannot be decoded, left out: "
            "bomb.png: its colour profile (iCCP) inflates past 4 MB [image-corrupt]"
            ) in result.output.splitlines()
    answers = answers_by_question(imported_notes(collection, Path("dist", "T.apkg")))
    assert "<img" not in answers["Bomb?"]
    assert "<img" in answers["Fine?"]
    assert Path("dist", "T.pdf").read_bytes().startswith(b"%PDF")


def test_a_source_tree_thousands_of_folders_deep_is_walked_not_a_traceback(
        collection: Collection) -> None:
    """Python 3.11's os.walk calls itself once per folder level: a tree 1,200 folders
    deep ended build, check and toc in a RecursionError traceback (and the search of a
    vault for an embed's picture would too)."""
    import os

    from .imagefiles import write_png

    write(Path("notes", "a.md"), "# T\n\n## S\n\n### Top?\n\n![[deepest.png]]\n")
    deep = Path("notes")
    for _ in range(1200):  # one at a time: os.makedirs recurses, too
        deep /= "d"
        os.mkdir(deep)
    write(deep / "deep.md", "# T\n\n## S\n\n### Deep?\n\nfound\n")
    write_png(deep / "deepest.png")
    try:
        runner = CliRunner()
        for command in (["check", "notes"], ["toc", "notes"]):
            result = runner.invoke(main, command)
            assert result.exit_code == 0, result.output
            assert result.exception is None or isinstance(result.exception, SystemExit)
        result = runner.invoke(main, ["build", "notes", "--format", "apkg"])
        assert result.exit_code == 0, result.output
        answers = answers_by_question(imported_notes(collection, Path("dist", "T.apkg")))
        assert answers["Deep?"].startswith("<p>found</p>")
        assert "<img" in answers["Top?"]
    finally:  # from the bottom up: pytest's own clean-up (shutil.rmtree) recurses too
        for file in (deep / "deep.md", deep / "deepest.png"):
            file.unlink(missing_ok=True)
        while deep != Path("notes"):
            deep.rmdir()
            deep = deep.parent


def test_the_walk_yields_what_os_walk_yields_links_and_pruning_included(
        tmp_path: Path) -> None:
    import os

    from builder.support.walk import walk

    for folder in ("a/b/c", "a/e", "x/.hidden/y", "z"):
        (tmp_path / folder).mkdir(parents=True)
        write(tmp_path / folder / "n.md", "n\n")
    (tmp_path / "a" / "to-z").symlink_to(tmp_path / "z")  # a link to a folder: not entered
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")
    (tmp_path / "a" / "gone").symlink_to(tmp_path / "nothing")
    (tmp_path / "a" / "file-link.md").symlink_to(tmp_path / "z" / "n.md")

    def pruned(walked: Iterator[tuple[str, list[str], list[str]]]
               ) -> list[tuple[str, list[str], list[str]]]:
        seen = []
        for here, folders, names in walked:
            folders[:] = sorted(f for f in folders if not f.startswith("."))
            seen.append((here, list(folders), sorted(names)))
        return seen

    assert pruned(walk(tmp_path)) == pruned(os.walk(tmp_path))
    assert len(pruned(walk(tmp_path))) == 7  # the root, a, a/b, a/b/c, a/e, x, z
    errors: list[OSError] = []
    assert list(walk(tmp_path / "nothing", onerror=errors.append)) == []
    assert len(errors) == 1 and isinstance(errors[0], FileNotFoundError)


@pytest.mark.parametrize("setting", ["out", "cache-dir", "lock"])
def test_an_output_path_a_thousand_folders_deep_is_refused_not_a_traceback(
        setting: str) -> None:
    """Python makes each missing folder of a path in a call of its own: a cloned
    repository's ``out = "d/d/…"`` 1,200 folders deep ended the build in a
    RecursionError traceback, and so did ``-o``, ``--cache-dir`` or ``--lock``."""
    write(Path("notes", "a.md"), "# T\n\n## S\n\n### Q?\n\nA\n")
    deep = "/".join(["d"] * 1200)
    write(Path("pyproject.toml"), f'[tool.build-deck]\n{setting} = "{deep}"\n')
    runner = CliRunner()
    result = runner.invoke(main, ["build", "notes", "--format", "apkg"])
    assert result.exit_code == 0, result.output
    assert (f"pyproject.toml:2:{len(setting) + 4}: warning: [tool.build-deck] {setting} "
            "must be a path of at most 100 folders, not one of 1200 [config]"
            ) in result.output.splitlines()
    assert Path("dist", "T.apkg").exists()
    Path("pyproject.toml").unlink()
    option = {"out": "--out", "cache-dir": "--cache-dir", "lock": "--lock"}[setting]
    result = runner.invoke(main, ["build", "notes", option, deep])
    assert result.exit_code == 2
    assert "a path of at most 100 folders, not one of 1200" in result.output
    assert not Path("d").exists()
    # A hundred folders are still a path.
    result = runner.invoke(main, ["build", "notes", option, "/".join(["e"] * 100),
                                  "--format", "apkg"])
    assert result.exit_code == 0, result.output


class _MathJaxRuns(HTMLParser):
    """The text runs MathJax 3 looks for delimiters in: it joins text across <br>,
    <wbr> and comments only (``HTMLDomStrings``); <code> and <pre> it skips."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[str] = [""]
        self.skipped = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("br", "wbr"):
            self.runs.append("")
        self.skipped += tag in ("code", "pre")

    def handle_endtag(self, tag: str) -> None:
        self.runs.append("")
        self.skipped -= tag in ("code", "pre")

    def handle_data(self, data: str) -> None:
        if not self.skipped:
            self.runs[-1] += data


def _typeset(field: str) -> list[str]:
    """What Anki's MathJax would typeset in a field: each delimited span of a run."""
    runs = _MathJaxRuns()
    runs.feed(field)
    runs.close()
    return [m.group() for run in runs.runs
            for m in re.finditer(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", run, re.DOTALL)]


HREF = "\\href{javascript:alert(1)}{x}"


@pytest.mark.parametrize("math", ["image", "mathjax"])
def test_text_that_reads_as_mathjax_in_anki_is_typeset_nowhere(
        math: str, collection: Collection) -> None:
    """Anki typesets ``\\(…\\)`` and ``\\[…\\]`` wherever they stand in a card, and its
    MathJax makes ``\\href{javascript:…}`` a link (checked in Chromium with MathJax 3's
    tex-chtml-full as Anki configures it: five javascript: links, from the question,
    answer, section and file name).  Formulas are checked for such commands; text
    written ``\\\\(`` in Markdown, a heading or a file name was not."""
    escaped = HREF.replace("\\", "\\\\")  # ``\\href`` in Markdown is the text ``\href``
    write(Path("notes", f"\\({HREF}\\).md"),
          f"# T\n\n## S \\\\({escaped}\\\\)\n\n### Q \\\\({escaped}\\\\)?\n\n"
          f"A \\\\({escaped}\\\\) and \\\\[{escaped}\\\\], $x^2$ and $\\nosuchmacro{{z}}$\n\n"
          "$$\\begin{aligned} a \\\\[2pt] b \\end{aligned}$$\n\n"
          # Anki's markup made inert as entities (``[latex]`` → ``&#91;latex]``), which
          # the browser reads back: ``\&#91;`` opened a display a formula closed.
          f"B \\\\[latex] {escaped} and $$\\nosuchmacro{{y}}$$\n\n"
          # Raw HTML writes any character: the one the builder's own formulas were
          # marked with, before, or after a backslash, which it then stood apart from.
          f"<div>&#2;({HREF}&#2;) \\&#x2;[{HREF}\\&#x2;]</div>\n")
    result = CliRunner().invoke(main, ["build", "notes", "--format", "apkg", "--math", math])
    assert result.exit_code == 0, result.output
    (note,) = imported_notes(collection, Path("dist", "T.apkg"))
    fields = note.fields
    shown = [f for name, f in fields.items() if name != "Key"]
    assert all(HREF in f for f in shown), fields  # the words are all there, as typed
    typeset = [t for f in shown for t in _typeset(f)]
    assert not [t for t in typeset if "href" in t], fields
    # The builder's own MathJax stays whole: what no engine could draw, and in
    # --math mathjax every formula (the display one's \\[2pt] inside it).
    expected = ["\\(\\nosuchmacro{z}\\)", "\\[\\nosuchmacro{y}\\]"] if math == "image" else [
        "\\(x^2\\)", "\\(\\nosuchmacro{z}\\)",
        "\\[\\begin{aligned} a \\\\[2pt] b \\end{aligned}\\]", "\\[\\nosuchmacro{y}\\]"]
    assert typeset == expected, fields
