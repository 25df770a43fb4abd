"""Hostile inputs met in s12's attack.  Work is bounded by counting what is done, or by
a CPU or memory limit in a child, never by timing."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from markdown_it.tree import SyntaxTreeNode

from builder.cli import main
from builder.parse.bold import paragraph_question
from builder.parse.markdown import tokenize

from .conftest import write


class _Counted(str):
    """Text that counts the characters its slices copy."""

    copied = 0

    def __getitem__(self, key: object) -> str:
        part = str.__getitem__(self, key)  # type: ignore[index]
        _Counted.copied += len(part)
        return part


def test_a_line_of_qualified_names_is_read_for_cards_without_copying_it_per_name() -> None:
    """Each ``::`` of a line was tried as an Obsidian card's separator by copying the
    text before and after it, even for ``std::move``: a 1 MB line of names took 51 s."""
    line = "a::b " * 2000
    paragraph = SyntaxTreeNode(tokenize(line + "\n")).children[0]
    (text,) = paragraph.children[0].children
    text.token.content = _Counted(text.token.content)  # type: ignore[union-attr]
    _Counted.copied = 0
    assert paragraph_question(paragraph) is None
    assert _Counted.copied <= 2 * len(line)


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
