"""Hostile inputs met in s13's attack.  Work is bounded by counting what is done, or by
a CPU or memory limit in a child, never by timing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it.rules_block import StateBlock

from builder.cli import main
from builder.parse.markdown import parse_blocks

from .conftest import write


@pytest.fixture
def lines_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The characters markdown-it's block rules take out of the source as they read
    paragraphs (``StateBlock.getLines``): a measure of the parse's work."""
    read = [0]
    get_lines = StateBlock.getLines

    def counted(self: StateBlock, begin: int, end: int, indent: int, keep: bool) -> str:
        text = get_lines(self, begin, end, indent, keep)
        read[0] += len(text)
        return text

    monkeypatch.setattr(StateBlock, "getLines", counted)
    yield read


def test_thousands_of_containers_closed_after_a_heading_are_read_a_few_times(
        lines_read: list[int]) -> None:
    """Each ``::: tip`` closed by the one ``:::`` after a heading was read to that line,
    then undone: 64 of them read the rest of the file each (20 s at 5,000 openings)."""
    text = "## Q\n" + "x\n::: tip\n" * 5000 + "## H\n:::\n"
    env: dict[str, object] = {}
    tokens = parse_blocks(text, env)
    assert lines_read[0] <= 8 * len(text)
    assert not [t for t in tokens if t.type.startswith(("container", "callout"))]
    assert len(set(env["unclosed_containers"])) == 5000  # type: ignore[arg-type]


def test_containers_undone_do_not_count_as_a_file_too_large(lines_read: list[int]) -> None:
    """Undone containers' tokens counted towards the file's token limit: 50 KB of
    ``::: tip`` lines stopped the build as a file of over 400,000 elements."""
    text = "## Q\n" + "::: tip\n\n" * 5000 + "## H\n:::\n"
    tokens = parse_blocks(text, {})
    assert sum(t.type == "paragraph_open" for t in tokens) == 5001
    assert lines_read[0] <= 8 * len(text)


def test_a_container_holding_a_heading_stays_text_and_the_next_one_is_read() -> None:
    """The budget leaves real notes as they were: a container undone, then one closed."""
    text = "## Q\n::: tip\n## H\n:::\n\n::: warning\nbody\n:::\n"
    env: dict[str, object] = {}
    tokens = parse_blocks(text, env)
    assert [t.type for t in tokens if t.type.startswith("callout_")] == [
        "callout_open", "callout_title_open", "callout_title_close", "callout_close"]
    assert set(env["unclosed_containers"]) == {1}  # type: ignore[call-overload]


NOTE = "## Basics\n\n### What is a tensor?\n\nAn array.\n"


def test_a_pyproject_written_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Windows editors write a byte order mark first; tomlkit took it for the start of a
    key ('Empty key') and the whole table was refused."""
    write(tmp_path / "n.md", NOTE)
    (tmp_path / "pyproject.toml").write_bytes(
        b'\xef\xbb\xbf[tool.build-deck]\nout = "build"\npaper = "A3"\n')
    result = CliRunner().invoke(main, ["n.md", "--format", "apkg"])
    assert result.exit_code == 0, result.output
    assert "wrote build/n.apkg" in result.output
    assert "pyproject.toml:3:9: warning: [tool.build-deck] paper must be one of a4, letter, " \
           "not 'A3' [config]" in result.output
    assert "cannot read" not in result.output
