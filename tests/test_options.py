"""`check` takes every option that changes what `build` reports, and reports the same."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import click
import pytest
from click.testing import CliRunner, Result

from builder.build.config import BuildConfig
from builder.cli import build_options, configuration_options, configured, main
from builder.parse.document import ParseOptions
from builder.support.settings import SETTINGS

from .conftest import FIXTURES, import_apkg, write
from .test_pdf import _tiny_png

if TYPE_CHECKING:
    from anki.collection import Collection

DIAGNOSTIC = re.compile(r"^\S.*:\d+:\d+: (?:warning|error): .* \[[a-z-]+\]$", re.MULTILINE)

NOTES = """\
# Notes

## Pictures

### Where is the site-root picture?

![logo](/img/logo.png)

### And the one that is gone?

![gone](/img/gone.png)

## Formulas

### Which formula cannot be drawn?

It is $\\nosuchmacro{x}$ here,
on two lines.

### What has no glyph?

An icon \ue000 here.
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    write(tmp_path / "notes" / "deck.md", NOTES)
    # Not a folder the site-root search knows (static/, source/, public/): only
    # --site-root finds it, so the option has to reach check as it reaches build.
    _tiny_png(tmp_path / "notes" / "site" / "img" / "logo.png")
    return tmp_path / "notes"


def diagnostics(result: Result) -> list[str]:
    return DIAGNOSTIC.findall(result.output)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize(("options", "expected"), [
    ([], {"image-missing": 2, "formula-render": 1, "missing-glyph": 1}),
    (["--site-root", "site"], {"image-missing": 1, "formula-render": 1, "missing-glyph": 1}),
    (["--no-breaks", "--site-root", "site"],
     {"image-missing": 1, "formula-render": 1, "missing-glyph": 1}),
    # MathJax cards and no PDF: no formula is drawn, and no font is needed.
    (["--math", "mathjax", "--format", "apkg"], {"image-missing": 2}),
    (["--format", "apkg"], {"image-missing": 2, "formula-render": 1}),
    (["--format", "pdf", "--site-root", "site"],
     {"image-missing": 1, "formula-render": 1, "missing-glyph": 1}),
])
def test_check_reports_exactly_what_build_prints(tree: Path, options: list[str],
                                                 expected: dict[str, int],
                                                 collection: Collection) -> None:
    checked = run("check", "notes", *options)
    built = run("build", "notes", *options)
    assert checked.exit_code == 0, checked.output
    assert built.exit_code == 0, built.output
    reported = diagnostics(checked)
    assert reported == diagnostics(built)
    codes = [re.search(r"\[([a-z-]+)\]$", line).group(1)  # type: ignore[union-attr]
             for line in reported]
    assert {code: codes.count(code) for code in set(codes)} == expected, reported
    if "image-missing" in expected:
        assert any("/img/gone.png" in line for line in reported)
    if expected.get("image-missing") == 1:
        assert not any("/img/logo.png" in line for line in reported)
    if "--format" not in options or "apkg" in options[options.index("--format") + 1]:
        import_apkg(collection, Path("dist/Notes.apkg"))
        assert collection.note_count() == 4


def test_check_lines_name_the_places(tree: Path) -> None:
    lines = diagnostics(run("check", "notes", "--site-root", "site"))
    assert [line.split(": warning: ")[0] for line in lines] == [
        "notes/deck.md:11:1", "notes/deck.md:17:7", "notes/deck.md:22:9"]
    assert lines[0].endswith("image not found: /img/gone.png "
                             "(looked up below notes/site, from --site-root) [image-missing]")


OUTPUT_WRITING = {"paper", "columns", "pdf_style", "source_line", "diff", "force", "quiet"}
"""The build options that change only how outputs are written or what is printed."""


def test_check_takes_every_option_that_changes_the_report() -> None:
    commands = main.commands
    # --explain-structure is check's own: it prints the reading of the files instead.
    checked = {p.name for p in commands["check"].params} - {"help", "explain_structure"}
    built = {p.name for p in commands["build"].params} - {"help"}
    assert checked == built - OUTPUT_WRITING
    assert OUTPUT_WRITING.issubset(built)
    # Every shared option reaches the configuration, under the name configure takes.
    config = _config_of(["--site-root", "site", "--no-breaks", "--math", "mathjax",
                         "--format", "pdf", "--section-level", "1", "--question-level", "2",
                         "--question-style", "bold",
                         "--keep-empty", "--strict", "--no-lock", "--lock", "x.lock",
                         "--cache-dir", "c", "-j", "3", "-o", "out", "a.md"])
    assert config == BuildConfig(
        sources=(Path("a.md"),), out_dir=Path("out"), formats=("pdf",), math="mathjax",
        keep_empty=True, strict=True, use_lock=False, lock_path=Path("x.lock"),
        cache_dir=Path("c"), jobs=3, site_root="site",
        parse=ParseOptions(section_level=1, question_level=2, question_style="bold",
                           breaks=False))


def test_every_build_option_is_a_setting_and_every_setting_an_option() -> None:
    # Not settings: what to build, and whether to build now (a project file that says
    # --force would never skip a build).
    per_run = {"sources", "force", "quiet", "verbose", "help"}
    options = {p.name for p in main.commands["build"].params} - per_run
    assert options == {s.keyword for s in SETTINGS.values()} - {"ignore"}
    for setting in SETTINGS.values():
        if setting.name != "ignore":
            assert f"--{setting.name}" in _option_names("build"), setting.name


def _option_names(command: str) -> set[str]:
    return {name for p in main.commands[command].params for name in p.opts}


def test_watch_gets_every_build_option_from_one_decorator() -> None:
    # The coming `watch` command is `@build_options` and `configured(options)`.
    @click.command()
    @build_options
    def watch(**options: object) -> None:
        click.echo(repr(configured(dict(options))))

    names = {p.name for p in watch.params} | {"quiet"}
    assert names == {p.name for p in main.commands["build"].params} - {"help"}
    result = CliRunner().invoke(watch, ["--paper", "LETTER", "-j", "2", "n.md"])
    assert result.exit_code == 0, result.output
    assert "paper='letter'" in result.output and "jobs=2" in result.output


MANY = FIXTURES / "many-warnings.md"


@pytest.mark.parametrize("options", [
    [],
    ["--format", "apkg", "--math", "mathjax", "--no-breaks"],
    ["--keep-empty", "--question-level", "3", "--section-level", "2"],
])
def test_check_and_build_report_the_same_many_warnings(tmp_path: Path,
                                                       options: list[str]) -> None:
    shutil.copyfile(MANY, tmp_path / MANY.name)
    # Settings and their problems come from the project file, for both commands alike.
    write(tmp_path / "pyproject.toml",
          '[tool.build-deck]\nsite-root = "nowhere"\ncolumns = 4\nignore = ["toc-missing"]\n')
    checked = run("check", MANY.name, *options)
    built = run("build", MANY.name, *options)
    reported = diagnostics(checked)
    assert reported == diagnostics(built), (checked.output, built.output)
    assert len(reported) >= 14
    codes = {line.rsplit("[", 1)[1].rstrip("]") for line in reported}
    assert {"front-matter", "config", "toc-stale", "missing-figure", "duplicate-question",
            "image-missing", "html-removed", "link-removed"} <= codes
    assert "toc-missing" not in codes and "heading-skip" not in codes
    count = re.search(r"(\d+) warning\(s\)", checked.output)
    assert count is not None and int(count.group(1)) == len(reported)
    assert f"0 error(s), {len(reported)} warning(s)" in built.output


def _config_of(args: list[str]) -> BuildConfig:
    """The configuration ``check`` would run with for ``args``."""
    captured: list[BuildConfig] = []

    @click.command()
    @configuration_options
    def probe(**options: object) -> None:
        captured.append(configured(dict(options)))

    result = CliRunner().invoke(probe, args)
    assert result.exit_code == 0, result.output
    return captured[0]
