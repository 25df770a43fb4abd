"""`build-deck toc`: the TOC block regenerated from the headings, and nothing else touched."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from builder.build.toc_update import TocUpdate, escape_link_text, rebuild
from builder.cli import main

from .conftest import SEED, write

OLD_HEADING = "### 全连接层的作用"
NEW_HEADING = "### 全连接层有什么作用？"
OLD_ENTRY = "  - [全连接层的作用](#全连接层的作用)"
NEW_ENTRY = "  - [全连接层有什么作用？](#全连接层有什么作用)"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def renamed_seed() -> bytes:
    """The seed with one question reworded, its TOC left as it was."""
    data = SEED.read_bytes()
    assert data.count(OLD_HEADING.encode()) == 1
    return data.replace(OLD_HEADING.encode(), NEW_HEADING.encode())


def test_seed_block_regenerates_byte_for_byte() -> None:
    shutil.copy(SEED, "seed.md")
    result = run("toc", "seed.md")
    assert result.exit_code == 0, result.output
    assert "updated" not in result.output
    assert Path("seed.md").read_bytes() == SEED.read_bytes()
    text = SEED.read_text(encoding="utf-8")
    assert rebuild(text, "seed.md", TocUpdate("seed.md")) == text


def test_renamed_heading_changes_only_its_toc_line() -> None:
    Path("seed.md").write_bytes(renamed_seed())
    result = run("toc", "seed.md")
    assert result.exit_code == 0, result.output
    assert result.output == "updated seed.md\n"
    expected = renamed_seed().replace(OLD_ENTRY.encode(), NEW_ENTRY.encode())
    assert Path("seed.md").read_bytes() == expected
    assert run("toc", "--check", "seed.md").exit_code == 0


def test_check_reports_without_writing_and_exits_1() -> None:
    Path("seed.md").write_bytes(renamed_seed())
    result = run("toc", "--check", "seed.md")
    assert result.exit_code == 1
    assert Path("seed.md").read_bytes() == renamed_seed()
    assert result.output.splitlines() == [
        "seed.md:15:3: warning: TOC entry '全连接层的作用' links to #全连接层的作用, which no "
        "heading has [toc-stale]",
        "seed.md:67:1: warning: heading '全连接层有什么作用？' is missing from the TOC "
        "[toc-missing]",
        "1 of 1 TOC block(s) out of date",
    ]


def test_check_passes_an_up_to_date_block() -> None:
    shutil.copy(SEED, "seed.md")
    result = run("toc", "--check", "seed.md")
    assert result.exit_code == 0, result.output
    assert result.output == "0 of 1 TOC block(s) out of date\n"


def test_crlf_and_bom_are_kept() -> None:
    crlf = b"\xef\xbb\xbf" + renamed_seed().replace(b"\n", b"\r\n")
    Path("seed.md").write_bytes(crlf)
    assert run("toc", "seed.md").exit_code == 0
    assert Path("seed.md").read_bytes() == crlf.replace(OLD_ENTRY.encode(), NEW_ENTRY.encode())


def test_file_without_a_block_is_left_alone_with_a_note() -> None:
    write(Path("n.md"), "## S\n### Q\nA\n")
    before = Path("n.md").read_bytes()
    for args in (("toc", "n.md"), ("toc", "--check", "n.md")):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert "n.md: no <!-- TOC --> … <!-- /TOC --> block; left alone" in result.output
    assert Path("n.md").read_bytes() == before


def test_unterminated_block_is_left_alone() -> None:
    write(Path("n.md"), "<!-- TOC -->\n- [Old](#old)\n\n## S\n### Q\nA\n")
    before = Path("n.md").read_bytes()
    assert run("toc", "n.md").exit_code == 0
    assert Path("n.md").read_bytes() == before


def test_the_block_keeps_its_bullet_indent_and_blank_lines() -> None:
    write(Path("n.md"), "# Title\n<!-- TOC -->\n* [S](#s)\n    * [Q](#q)\n<!-- /TOC -->\n"
                        "## S\n### Q\nA\n### R\nB\n## T\n#### skipped level\n")
    assert run("toc", "n.md").exit_code == 0
    assert Path("n.md").read_text(encoding="utf-8") == (
        "# Title\n<!-- TOC -->\n* [S](#s)\n    * [Q](#q)\n    * [R](#r)\n* [T](#t)\n"
        "<!-- /TOC -->\n## S\n### Q\nA\n### R\nB\n## T\n#### skipped level\n")


def test_levels_the_block_already_covers_are_kept() -> None:
    write(Path("n.md"), "<!-- TOC -->\n\n1. [Title](#title)\n\n<!-- /TOC -->\n# Title\n"
                        "## S\n### Q? {#q-id}\nA\n### Q?\nB\n")
    assert run("toc", "n.md").exit_code == 0
    assert Path("n.md").read_text(encoding="utf-8").split("<!-- /TOC -->")[0] == (
        "<!-- TOC -->\n\n1. [Title](#title)\n   1. [S](#s)\n      1. [Q?](#q-q-id)\n"
        "      2. [Q?](#q)\n\n")


def test_order_and_depth_are_repaired_and_the_result_checks_clean() -> None:
    write(Path("n.md"), "<!-- TOC -->\n- [B](#b)\n- [A](#a)\n<!-- /TOC -->\n## S\n### A\n1\n"
                        "### B\n2\n")
    assert run("toc", "--check", "n.md").exit_code == 1
    assert run("toc", "n.md").exit_code == 0
    assert Path("n.md").read_text(encoding="utf-8").startswith(
        "<!-- TOC -->\n- [S](#s)\n  - [A](#a)\n  - [B](#b)\n<!-- /TOC -->\n")
    result = run("check", "n.md")
    assert "[toc-" not in result.output


def test_several_files_and_folders() -> None:
    Path("notes").mkdir()
    shutil.copy(SEED, "notes/a.md")
    Path("notes/b.md").write_bytes(renamed_seed())
    result = run("toc", "--check", "notes")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "1 of 2 TOC block(s) out of date"
    assert run("toc", "notes").output == "updated notes/b.md\n"
    assert not list(Path("notes").glob(".build-deck-*"))


def test_link_text_is_escaped_only_where_markdown_needs_it() -> None:
    assert escape_link_text("faster_rcnn 5*5 [x] _y_ a*b <br> a < b") == (
        "faster_rcnn 5*5 \\[x\\] \\_y\\_ a\\*b \\<br> a < b")
