"""`build-deck check`: each diagnostic, with its exact place and code, and how to silence it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from builder.cli import main
from builder.parse.slug import Slugger, slugify

from .conftest import SEED, write
from .imagefiles import png

if TYPE_CHECKING:
    from anki.collection import Collection

PNG = png()


def run(*args: str) -> Result:
    """Run the command; an exception inside it fails the test with its own traceback."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def check(text: str, *args: str, name: str = "n.md") -> list[str]:
    """Check one file; return its diagnostics as printed, without the summary line.

    The command must end the way ``check`` ends: its summary line printed, exit 1 exactly
    when it counted an error (or, with --strict, a warning), and no exception.
    """
    write(Path(name), text)
    result = run("check", name, *args)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    lines = result.output.splitlines()
    assert lines and " file(s) checked: " in lines[-1], result.output
    summary = re.fullmatch(r"\d+ file\(s\) checked: (\d+) error\(s\), (\d+) warning\(s\)",
                           lines[-1])
    assert summary, lines[-1]
    errors, warnings = int(summary[1]), int(summary[2])
    failing = errors > 0 or ("--strict" in args and warnings > 0)
    assert result.exit_code == (1 if failing else 0), result.output
    return lines[:-1]


def places(lines: list[str], code: str) -> list[str]:
    """Return ``path:line:col`` of every diagnostic with this code."""
    return [line.split(": ", 1)[0] for line in lines if line.endswith(f"[{code}]")]


# --- GitHub anchors ----------------------------------------------------------------------

@pytest.mark.parametrize(("heading", "anchor"), [
    ("softmax loss和cross entropy的区别？", "softmax-loss和cross-entropy的区别"),
    ("训练不收敛（loss不下降）怎么办？", "训练不收敛loss不下降怎么办"),
    ("批梯度下降、随机梯度下降和mini-batch梯度下降的区别？",
     "批梯度下降随机梯度下降和mini-batch梯度下降的区别"),
    ("讲一讲faster_rcnn", "讲一讲faster_rcnn"),
    ("“引号”：冒号，逗号", "引号冒号逗号"),
    ("Hello, World! 2.0", "hello-world-20"),
    ("a  b -- c", "a--b----c"),
    ("Émile's café 🎉", "émiles-café-"),
])
def test_slug_follows_github(heading: str, anchor: str) -> None:
    assert slugify(heading) == anchor


def test_repeated_slugs_are_numbered_in_document_order() -> None:
    slugger = Slugger()
    assert [slugger.slug(t) for t in ("Q", "Q", "q?", "Q-1", "Q")] == [
        "q", "q-1", "q-2", "q-1-1", "q-3"]


def test_every_seed_toc_anchor_is_the_slug_of_its_heading() -> None:
    from builder.parse.document import parse_file

    doc = parse_file(SEED, "seed.md")
    assert len(doc.toc) == len(doc.headings) == 21
    for entry, heading in zip(doc.toc, doc.headings, strict=True):
        assert (entry.text, entry.anchor) == (heading.text, heading.anchor)


def test_headings_inside_answers_are_recorded() -> None:
    from builder.parse.document import parse_text

    doc = parse_text("## S\n### Q\nA\n#### 细节 `x`\n> ##### Quoted\n", "h.md")
    assert [(h.level, h.text, h.anchor, str(h.loc)) for h in doc.headings] == [
        (2, "S", "s", "h.md:1:1"), (3, "Q", "q", "h.md:2:1"),
        (4, "细节 x", "细节-x", "h.md:4:1"), (5, "Quoted", "quoted", "h.md:5:3")]


# --- the seed ----------------------------------------------------------------------------

def test_seed_reports_stub_figure_and_empty_answer_and_no_toc_problem() -> None:
    shutil.copy(SEED, "seed.md")
    result = run("check", "seed.md")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert places(lines, "answer-repeats-question") == ["seed.md:27:5"]
    assert places(lines, "missing-figure") == ["seed.md:80:40"]
    assert places(lines, "empty-answer") == ["seed.md:90:5"]
    assert not [line for line in lines if "[toc-" in line]
    assert lines[-1] == "1 file(s) checked: 0 error(s), 3 warning(s)"


def test_build_prints_the_new_checks_too() -> None:
    write(Path("n.md"), "## S\n### Q\n如下图所示。\n")
    result = run("build", "n.md", "--format", "apkg", "--no-lock")
    assert result.exit_code == 0, result.output
    assert "n.md:3:2: warning: the answer to 'Q' refers to a figure ('下图') but has no " \
           "image or diagram [missing-figure]" in result.output


# --- one snippet that triggers each diagnostic, one that does not ------------------------

def test_empty_answer() -> None:
    assert places(check("## S\n### Q\n\n### R\nA\n"), "empty-answer") == ["n.md:2:5"]
    assert places(check("## S\n### Q\nA\n"), "empty-answer") == []


def test_answer_repeating_the_question() -> None:
    assert places(check("## S\n### 什么是过拟合？\n什么是过拟合\n"),
                  "answer-repeats-question") == ["n.md:2:5"]
    assert places(check("## S\n### 什么是过拟合？\n训练好、测试差。\n"),
                  "answer-repeats-question") == []
    # As many letters and ideographs as the question, folded to it (numbered, full-width,
    # spaced out, cased otherwise): still a repeat.
    assert places(check("## S\n### 什么是BN\n1. 什么是BN\n"),
                  "answer-repeats-question") == ["n.md:2:5"]
    assert places(check("## S\n### 什么是BN\n１．什么是ｂＮ\n"),
                  "answer-repeats-question") == ["n.md:2:5"]
    assert places(check("## S\n### What is BN?\n1) WHAT  IS  bn？\n"),
                  "answer-repeats-question") == ["n.md:2:5"]
    assert places(check("## S\n### 什么是BN\n什么是BNN\n"), "answer-repeats-question") == []
    # Its letters counted piece by piece (text, emphasis, code, formula), as the whole text.
    assert places(check("## S\n### 什么是过拟合？\n**什么是**`过拟`合\n"),
                  "answer-repeats-question") == ["n.md:2:5"]
    assert places(check("## S\n### 什么是BN\n*什*么是$B$N\n"),
                  "answer-repeats-question") == ["n.md:2:5"]
    assert places(check("## S\n### 什么是过拟合？\n**什**么是`过拟合`及欠拟合\n"),
                  "answer-repeats-question") == []


def test_figure_reference_without_a_figure() -> None:
    lines = check("## S\n### Q\n第一行\n如下图所示。\n### R\nAs the figure below shows.\n"
                  "### T\n`下图` in code is fine\n")
    assert places(lines, "missing-figure") == ["n.md:4:2", "n.md:6:4"]
    assert "refers to a figure ('下图')" in lines[0]


def test_figure_reference_with_an_image_or_diagram_is_fine() -> None:
    Path("f.png").write_bytes(PNG)
    text = ("## S\n### Q\n如下图所示。\n![图](f.png)\n### R\nSee Figure 1.\n"
            "```diagram\ntype: activation\n```\n")
    assert places(check(text), "missing-figure") == []


def test_missing_image_at_its_line_and_column() -> None:
    Path("ok.png").write_bytes(PNG)
    Path("图").mkdir()
    Path("图/好.png").write_bytes(PNG)
    lines = check("## S\n### Q\nA ![ok](ok.png) then ![a](gone.png)\n\n![中](图/好.png)\n")
    assert places(lines, "image-missing") == ["n.md:3:22"]
    assert "image not found: gone.png" in lines[0]


def test_duplicate_questions_within_and_across_files_are_reported_once() -> None:
    write(Path("notes/a.md"), "---\ndeck: D\n---\n## S\n### Q\nA\n### Q\nB\n")
    write(Path("notes/b.md"), "---\ndeck: D\n---\n## S\n### Q\nC\n")
    result = run("check", "notes")
    lines = result.output.splitlines()
    assert places(lines, "duplicate-question") == ["notes/a.md:7:5", "notes/b.md:5:5"]
    assert result.exit_code == 0
    assert places(check("---\ndeck: D\n---\n## S\n### Q\nA\n## T\n### Q\nB\n"),
                  "duplicate-question") == []


def test_an_id_used_in_two_decks_is_reported_and_the_notes_stay_apart(
        collection: Collection) -> None:
    """An explicit id makes the same key in any deck: the second note must not take the
    first one's GUID, or importing one deck would overwrite the other's note."""
    from builder.anki.apkg import read_fields

    from .conftest import imported_notes

    write(Path("notes/a.md"), "---\ndeck: A\n---\n## S\n### What is X? {#x}\nA\n")
    write(Path("notes/b.md"), "---\ndeck: B\n---\n## S\n### What is Y? {#x}\nB\n")
    result = run("build", "notes", "--format", "apkg")
    lines = result.output.splitlines()
    assert places(lines, "duplicate-question") == ["notes/b.md:5:5"]
    assert "duplicate id {#x} (first at notes/a.md:5)" in result.output
    guids = {deck: set(read_fields(Path(f"dist/{deck}.apkg"))) for deck in ("A", "B")}
    assert len(guids["A"]) == len(guids["B"]) == 1 and not guids["A"] & guids["B"]
    assert len(imported_notes(collection, Path("dist/A.apkg"), Path("dist/B.apkg"))) == 2
    again = run("build", "notes", "--format", "apkg", "--force")
    assert "changes: none since the last build" in again.output  # the same notes each time


def test_heading_that_skips_a_level() -> None:
    lines = check("## S\n#### Too deep\n### Q\nA\n##### Deeper\n")
    assert places(lines, "heading-skip") == ["n.md:2:1", "n.md:5:1"]
    assert places(check("## S\n### Q\nA\n#### Detail\nB\n"), "heading-skip") == []


def test_unbalanced_dollar() -> None:
    lines = check("## S\n### Q\nprice $5 and $x+1 here\n\n$y$ then $\\alpha\n")
    assert places(lines, "unbalanced-dollar") == ["n.md:3:14", "n.md:5:10"]
    fine = "## S\n### Q\ncost $5 到 $10, \\$x, `$x`, $x$ and $$y$$\n"
    assert places(check(fine), "unbalanced-dollar") == []


def test_formula_that_fails_to_render() -> None:
    lines = check("## S\n### Q\nA $\\nosuchmacro{x}$ B\n")
    assert places(lines, "formula-render") == ["n.md:3:3"]
    assert Path("dist/.cache").is_dir()
    assert places(check("## S\n### Q\nA $x^2$ B\n"), "formula-render") == []


def test_diagram_type_and_parameter_errors_fail_the_check() -> None:
    write(Path("n.md"), "## S\n### Q\n```diagram\ntype: nope\n```\n### R\n"
                        "```diagram\ntype: activation\nbogus: 1\n```\n")
    result = run("check", "n.md")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert places(lines, "diagram-type") == ["n.md:3:1"]
    assert places(lines, "diagram-param") == ["n.md:7:1"]
    assert lines[-1] == "1 file(s) checked: 2 error(s), 0 warning(s)"


TOC = """<!-- TOC -->
- [S](#s)
  - [Q one](#q-one)
  - [Q two?](#q-two)
<!-- /TOC -->
## S
### Q one
A
### Q two?
B
"""


def test_toc_that_matches_its_headings_is_fine() -> None:
    assert not [line for line in check(TOC) if "[toc-" in line]


@pytest.mark.parametrize(("old", "new", "code", "place"), [
    ("  - [Q two?](#q-two)\n", "", "toc-missing", "n.md:8:1"),
    ("  - [Q two?](#q-two)\n", "  - [Q two?](#q-two)\n  - [Gone](#gone)\n", "toc-stale",
     "n.md:5:3"),
    ("  - [Q one](#q-one)\n  - [Q two?](#q-two)\n", "  - [Q two?](#q-two)\n  - [Q one](#q-one)\n",
     "toc-order", "n.md:3:3"),
    ("  - [Q one](#q-one)\n", "- [Q one](#q-one)\n", "toc-depth", "n.md:3:1"),
    ("  - [Q one](#q-one)\n", "  - [Q one](#q_one)\n", "toc-anchor", "n.md:3:13"),
    ("  - [Q one](#q-one)\n", "  - [Q one!](#q-one)\n", "toc-text", "n.md:3:3"),
])
def test_each_toc_problem(old: str, new: str, code: str, place: str) -> None:
    lines = check(TOC.replace(old, new))
    assert [line for line in lines if "[toc-" in line] == [
        line for line in lines if line.endswith(f"[{code}]")], lines
    assert places(lines, code) == [place]


# --- exit codes and silencing ------------------------------------------------------------

def test_strict_fails_on_warnings_and_passes_clean_files() -> None:
    write(Path("warn.md"), "## S\n### Q\n\n")
    write(Path("clean.md"), "## S\n### Q\nA\n")
    assert run("check", "warn.md").exit_code == 0
    assert run("check", "warn.md", "--strict").exit_code == 1
    result = run("check", "clean.md", "--strict")
    assert result.exit_code == 0, result.output
    assert result.output == "1 file(s) checked: 0 error(s), 0 warning(s)\n"


def test_check_writes_no_deck_and_no_pdf() -> None:
    write(Path("source_md/n.md"), "## S\n### Q\nA $x$\n")
    assert run("check").exit_code == 0
    assert not [p for p in Path().rglob("*") if p.suffix in (".apkg", ".pdf", ".lock")]


def test_missing_source_is_exit_1() -> None:
    result = run("check", "nope.md")
    assert result.exit_code == 1
    assert "nope.md: no such file or directory" in result.output


def test_front_matter_silences_codes_for_its_file() -> None:
    text = "---\nignore: [empty-answer, missing-figure]\n---\n## S\n### Q\n\n### R\n见图。\n"
    assert check(text) == []
    assert places(check(text.replace("ignore: [empty-answer, missing-figure]", "ignore: []")),
                  "empty-answer") == ["n.md:5:5"]


def test_front_matter_silencing_also_applies_to_the_build() -> None:
    write(Path("n.md"), "---\nignore: empty-answer\n---\n## S\n### Q\n\n### R\nA\n")
    result = run("build", "n.md", "--format", "apkg", "--no-lock", "--strict")
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output


def test_pyproject_silences_codes_for_the_files_below_it() -> None:
    write(Path("pyproject.toml"), '[project]\nname = "x"\n\n[tool.build-deck]\n'
                                  'ignore = ["empty-answer"]\n')
    write(Path("notes/n.md"), "## S\n### Q\n\n### R\n如图。\n")
    lines = check(Path("notes/n.md").read_text(encoding="utf-8"), name="notes/n.md")
    assert places(lines, "empty-answer") == []
    assert places(lines, "missing-figure") == ["notes/n.md:5:1"]
    # The nearest pyproject.toml with a [tool.build-deck] table wins.
    write(Path("notes/pyproject.toml"), '[tool.build-deck]\nignore = ["missing-figure"]\n')
    lines = check(Path("notes/n.md").read_text(encoding="utf-8"), name="notes/n.md")
    assert places(lines, "empty-answer") == ["notes/n.md:2:5"]
    assert places(lines, "missing-figure") == []


def test_a_bad_pyproject_table_is_reported() -> None:
    write(Path("pyproject.toml"), '[tool.build-deck]\nignore = 3\n')
    lines = check("## S\n### Q\nA\n")
    assert lines == ["pyproject.toml:2:10: warning: [tool.build-deck] ignore must be a string "
                     "or a list of strings, not 3 [config]"]


def test_errors_cannot_be_silenced() -> None:
    write(Path("n.md"), "---\nignore: [diagram-type]\n---\n## S\n### Q\n```diagram\ntype: x\n```\n")
    result = run("check", "n.md")
    assert result.exit_code == 1
    assert places(result.output.splitlines(), "diagram-type") == ["n.md:6:1"]


def test_files_without_headings_are_checked_too() -> None:
    assert check("- \n") == ["n.md:1:1: warning: no questions found (read as sections ##, "
                             "questions ###; see check --explain-structure) [no-questions]"]


def test_check_and_build_report_the_same_lines() -> None:
    shutil.copy(SEED, "seed.md")
    write(Path("more.md"), "---\ndeck: seed\n---\n## 深度学习\n"
                           "### 讲一讲faster_rcnn\nA $x and ![](gone.png)\n#### 细节\n见图\n")
    checked = run("check", "seed.md", "more.md")
    built = run("build", "seed.md", "more.md", "--format", "apkg", "--no-lock")
    assert built.exit_code == checked.exit_code == 0, built.output

    def diagnostics(output: str) -> list[str]:
        return [line for line in output.splitlines() if ": warning: " in line]

    assert diagnostics(checked.output) == diagnostics(built.output)
    assert {line.rsplit("[", 1)[1] for line in diagnostics(checked.output)} == {
        "answer-repeats-question]", "missing-figure]", "empty-answer]", "duplicate-question]",
        "unbalanced-dollar]", "image-missing]"}


def test_project_silencing_reaches_later_build_stages() -> None:
    write(Path("pyproject.toml"), '[tool.build-deck]\nignore = ["duplicate-question"]\n')
    write(Path("n.md"), "## S\n### Q\nA\n### Q\nB\n")
    result = run("build", "n.md", "--format", "apkg", "--no-lock", "--strict")
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output
