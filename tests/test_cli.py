"""The command line, end to end through click's CliRunner."""

from __future__ import annotations

import shutil
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from builder import __version__
from builder.cli import main

from .conftest import SEED, write


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_default_builds_source_md_into_dist(tmp_path: Path) -> None:
    # Only the seed: other fixtures come and go with the tests that use them.
    (tmp_path / "source_md").mkdir()
    shutil.copyfile(SEED, tmp_path / "source_md" / SEED.name)
    result = run("--format", "apkg")
    assert result.exit_code == 0, result.output
    assert "wrote dist/deep-learning-interview.apkg" in result.output
    assert "1 deck(s), 19 card(s), 0 error(s), 3 warning(s)" in result.output
    assert "deep-learning-interview.md:80:40: warning: " in result.output  # 下图, no figure
    assert "source_md/deep-learning-interview.md:90:5: warning: empty answer" in result.output
    assert zipfile.is_zipfile(tmp_path / "dist" / "deep-learning-interview.apkg")
    assert (tmp_path / "source_md" / "build-deck.lock").exists()


def test_explicit_build_subcommand_is_the_same(tmp_path: Path) -> None:
    write(tmp_path / "n.md", "## S\n### Q\nA\n")
    result = run("build", "n.md", "--out", "out", "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "n.apkg").exists()


def test_missing_source_is_exit_1_naming_it() -> None:
    result = run("nope.md")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: nope.md: no such file or directory"


def test_empty_file_is_exit_1_naming_it(tmp_path: Path) -> None:
    write(tmp_path / "empty.md", "")
    result = run("empty.md")
    assert result.exit_code == 1
    assert "empty.md:1:1: warning: no questions found" in result.output
    assert "Error: no questions found in empty.md" in result.output
    assert not (tmp_path / "dist").exists()


def test_non_utf8_file_is_reported_and_the_rest_still_builds(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a-gbk.md").write_bytes("## 节\n### 问\n答\n".encode("gb18030"))
    write(tmp_path / "notes" / "b.md", "## S\n### Q\nA\n")
    result = run("notes", "--format", "apkg")
    assert result.exit_code == 1
    assert "notes/a-gbk.md:1:4: error: file is not UTF-8 (it looks like gb18030)" in result.output
    assert (tmp_path / "dist" / "b.apkg").exists()


@pytest.mark.skipif(sys.platform != "linux",
                    reason="only Linux file systems take any bytes as a file name")
@pytest.mark.parametrize("command", ["build", "check", "toc"])
def test_a_file_name_that_is_not_utf8_is_refused_by_name(tmp_path: Path, command: str) -> None:
    import os

    (tmp_path / "notes").mkdir()
    write(tmp_path / "notes" / "ok.md", "## S\n### Q\nA\n")
    with open(os.fsencode(tmp_path / "notes") + b"/\xffx.md", "w", encoding="utf-8") as bad:
        bad.write("## S\n### R\nB\n")
    result = run(command, "notes")
    assert result.exit_code == 1 and not isinstance(result.exception, Exception), result.output
    # A located error; the other files build (s11: it stopped the run with "Error:"; toc
    # stopped so until s12, its other files' TOCs unwritten).
    assert ("notes/\\xffx.md:1:1: error: file name is not valid UTF-8 (rename the file): its "
            "notes are left out of the build [source-name]") in result.output, result.output
    assert "Error:" not in result.output
    assert (tmp_path / "dist" / "ok.apkg").exists() == (command == "build")


def test_directory_of_several_files_sorted_one_deck_per_name(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "b.md", "---\ndeck: 共享\n---\n## B\n### QB\nA\n")
    write(tmp_path / "notes" / "a.md", "---\ndeck: 共享\n---\n## A\n### QA\nA\n")
    write(tmp_path / "notes" / "sub" / "c.md", "## C\n### QC\nA\n")
    write(tmp_path / "notes" / "ignored.txt", "## X\n### not markdown\n")
    result = run("notes", "--format", "apkg", "--math", "mathjax")
    assert result.exit_code == 0, result.output
    assert "2 deck(s), 3 card(s)" in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("wrote")]
    assert lines == ["wrote dist/共享.apkg", "wrote dist/c.apkg"]


def test_a_folder_walk_leaves_out_hidden_and_package_folders(tmp_path: Path) -> None:
    # A vault or a cloned repository: Obsidian's deleted notes, GitHub's issue templates, a
    # virtualenv's and node's package documents are not the author's notes.
    write(tmp_path / "notes" / "a.md", "## A\n### 问题一？\n答案\n")
    write(tmp_path / "notes" / "deep" / "b.md", "## B\n### 问题二？\n答案\n")
    for name in (".trash/old.md", ".github/ISSUE_TEMPLATE/bug.md", ".venv/lib/x/README.md",
                 "node_modules/pkg/README.md", "deep/.hidden.md"):
        write(tmp_path / "notes" / name, "## X\n### 不该出现？\n答案\n")
    result = run("notes", "--format", "apkg", "--math", "mathjax", "-v")
    assert result.exit_code == 0, result.output
    assert "2 deck(s), 2 card(s)" in result.output and "不该出现" not in result.output
    assert "notes/.trash skipped" in result.output  # -v says what was left out
    # Named on the command line, a file in such a folder is built.
    named = run("notes/.trash/old.md", "--format", "apkg", "--math", "mathjax")
    assert named.exit_code == 0 and "1 card(s)" in named.output, named.output


def test_a_folder_walk_takes_markdown_files_in_any_case_and_markdown_suffix(
        tmp_path: Path) -> None:
    # A README.MD saved on Windows, a Jekyll post named *.markdown: both are notes.
    write(tmp_path / "notes" / "README.MD", "## A\n### 问题一？\n答案\n")
    write(tmp_path / "notes" / "_posts" / "2020-01-01-bn.markdown", "## B\n### 问题二？\n答案\n")
    write(tmp_path / "notes" / "notes.mdx", "## C\n### 不是笔记？\n答案\n")
    result = run("notes", "--format", "apkg", "--math", "mathjax")
    assert result.exit_code == 0, result.output
    assert "2 deck(s), 2 card(s)" in result.output and "不是笔记" not in result.output


def test_decks_that_would_share_an_output_file_are_refused(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "a.md", "---\ndeck: 课程/深度\n---\n## S\n### Q1\nA\n")
    write(tmp_path / "notes" / "b.md", "---\ndeck: 课程_深度\n---\n## S\n### Q2\nA\n")
    result = run("notes", "--math", "mathjax")
    assert result.exit_code == 1
    assert "decks '课程/深度' (notes/a.md) and '课程_深度' (notes/b.md) would both be " \
        "written to dist/课程_深度.apkg" in result.output
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").glob("*.apkg"))
    write(tmp_path / "notes" / "b.md", "---\ndeck: 课程-深度\n---\n## S\n### Q2\nA\n")
    assert run("notes", "--math", "mathjax", "--format", "apkg").exit_code == 0


def test_unwritable_output_is_exit_1_naming_the_file(tmp_path: Path) -> None:
    write(tmp_path / "n.md", "## S\n### Q\nA\n")
    write(tmp_path / "blocker", "a file where a folder should be")
    result = run("n.md", "--out", "blocker/dist", "--format", "apkg")
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot write to blocker/dist: Not a directory")
    assert "Traceback" not in result.output


def test_usage_errors_are_exit_2() -> None:
    assert run("--format", "docx").exit_code == 2
    assert "must name formats from apkg, pdf, html, not 'docx'" \
        in run("--format", "docx").output
    # The command line checks formats as [tool.build-deck] does: with the nearest one.
    mistyped = run("--format", "apkg,pdff")
    assert mistyped.exit_code == 2
    assert "Invalid value for '--format': must name formats from apkg, pdf, html, not " \
           "'apkg,pdff' (did you mean 'pdf'?)" in mistyped.output
    assert run("--format", ",").exit_code == 2
    assert run("--columns", "9").exit_code == 2
    assert run("--no-such-option").exit_code == 2


def test_help_documents_every_option_and_version() -> None:
    help_text = run("build", "--help").output
    for option in ("--out", "--format", "--math", "--section-level", "--question-level",
                   "--breaks", "--keep-empty", "--strict", "--no-lock", "--jobs", "--paper",
                   "--columns", "--pdf-style"):
        assert option in help_text
    assert "build" in run("--help").output
    assert run("--version").output.strip() == f"build-deck, version {__version__}"


def test_keep_empty_packs_the_empty_answer(tmp_path: Path) -> None:
    write(tmp_path / "n.md", "## S\n### Q1\nA\n### Q2\n")
    result = run("n.md", "--format", "apkg", "--keep-empty")
    assert "2 card(s)" in result.output
    # Still said, so an empty answer kept by mistake is found, but not as left out.
    for command in (["build", "--force"], ["check"]):
        output = run(*command, "n.md", "--format", "apkg", "--keep-empty").output
        assert "n.md:4:5: warning: empty answer: 'Q2' is kept (--keep-empty) " \
               "[empty-answer]" in output.splitlines()
    write(tmp_path / "n.md", "## S\n### Q1\nA\n### Q2\nTODO\n")
    output = run("check", "n.md", "--keep-empty").output
    assert "n.md:4:5: warning: empty answer: 'Q2' only holds the placeholder 'TODO' and is " \
           "kept (--keep-empty) [empty-answer]" in output.splitlines()
    assert "left out" in run("check", "n.md").output


def test_strict_turns_warnings_into_failure_and_writes_nothing(tmp_path: Path) -> None:
    write(tmp_path / "n.md", "## S\n### Q1\nA\n### Q2\n")
    result = run("n.md", "--format", "apkg", "--strict")
    assert result.exit_code == 1
    assert "n.md:4:5: warning: empty answer" in result.output
    assert not (tmp_path / "dist").exists()


def test_diagram_preview_renders_and_validates(tmp_path: Path) -> None:
    result = run("diagram", "receptive-field", "input_size=9", "stride=1", "layers=3",
                 "dilation=2", "-o", "rf.svg")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "rf.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    result = run("diagram", "activation", "functions=[relu, gelu]", "-o", "act.png")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "act.png").read_bytes().startswith(b"\x89PNG")
    bad = run("diagram", "receptive-field", "kernel=-1", "-o", "bad.png")
    assert bad.exit_code == 2
    assert "parameter 'kernel' must be an integer from 1 to 11" in bad.output
    assert not (tmp_path / "bad.png").exists()
    assert "unknown diagram type 'nope'" in run("diagram", "nope", "-o", "x.png").output
    help_text = run("diagram", "--help").output
    for kind in ("receptive-field", "activation", "gradient-descent", "pooling",
                 "dilated-conv", "loss-curves"):
        assert kind in help_text
    assert "input_size=5" in help_text and "stride" in help_text


def test_progress_bars_for_every_slow_step_and_none_when_nothing_to_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builder.cli

    filler = "这一段文字只是为了让笔记足够长，好让解析需要一秒左右。" * 12
    # 600 questions of ~700 bytes: over 400 KB to parse, over 200 questions to typeset.
    body = "".join(f"### 问题 {i}？\n答案 {i}：{filler}\n" for i in range(600))
    write(tmp_path / "notes" / "big.md",
          "## 节\n### 图？\n```diagram\ntype: pooling\n```\n" + body)
    bars: dict[str, list[int]] = {}

    def recorder(label: str, total: int) -> Callable[[int], None]:
        bars[label] = [total, 0]
        return lambda n: bars[label].__setitem__(1, bars[label][1] + n)

    monkeypatch.setattr(builder.cli, "_progress_bar", recorder)
    args = ["notes", "--math", "mathjax", "--no-lock"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    # Each bar is announced with its total and ends full.
    assert bars == {"Parsing": [bars["Parsing"][0]] * 2, "Rendering": [1, 1],
                    "Typesetting big.pdf": [601, 601]}
    assert bars["Parsing"][0] >= 400
    bars.clear()
    assert CliRunner().invoke(main, args).exit_code == 0
    assert bars == {}  # nothing parsed (cached), drawn or typeset


def test_no_progress_bar_when_not_a_terminal(tmp_path: Path) -> None:
    write(tmp_path / "n.md", "## 节\n### 图？\n```diagram\ntype: pooling\n```\n" + "".join(
        f"### 问题 {i}？\n答案 {i}。\n" for i in range(250)))
    result = CliRunner().invoke(main, ["n.md", "--no-lock"])
    assert result.exit_code == 0, result.output
    assert "Rendering" not in result.output and "Typesetting" not in result.output


def test_toc_check_and_build_take_the_same_default_sources(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no SOURCES, toc reads the folder build and check read (one default, not a
    copy of it that could drift)."""
    from builder.build import config

    monkeypatch.setattr(config, "DEFAULT_SOURCES", (Path("notes"),))
    write(tmp_path / "notes" / "a.md",
          "# T\n\n<!-- TOC -->\n- [Old](#old)\n<!-- /TOC -->\n\n## S\n\n### Q\n\nA\n")
    toc = run("toc", "--check")
    assert toc.exit_code == 1 and "1 of 1 TOC block(s) out of date" in toc.output, toc.output
    assert "notes/a.md:" in toc.output, toc.output
    check = run("check")
    assert "1 file(s) checked" in check.output, check.output


def test_explain_structure_says_a_refused_project_setting_as_check_does(
        tmp_path: Path) -> None:
    """A setting pyproject.toml gives wrongly is refused, its default in force: check
    says so, and so does --explain-structure, whose reading it changes."""
    write(tmp_path / "pyproject.toml", "[tool.build-deck]\nquestion-level = 9\n")
    write(tmp_path / "source_md" / "a.md", "## S\n### Q\nA\n")
    refused = ("pyproject.toml:2:18: warning: [tool.build-deck] question-level must be a "
               "heading level from 1 to 6 or 'auto' or 'file', not 9 [config]")
    assert refused in run("check").output
    explained = run("check", "--explain-structure")
    assert explained.exit_code == 0, explained.output
    assert explained.output.splitlines()[0] == refused, explained.output
    assert "source_md/a.md:2: question 'Q' [heading ###]" in explained.output
