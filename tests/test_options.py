"""`check` takes every option that changes what `build` reports, and reports the same."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from builder.cli import _CONFIGURATION_OPTIONS, main
from builder.config import BuildConfig, configure

from .conftest import import_apkg, write
from .test_pdf import _tiny_png

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
                                                 collection: object) -> None:
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
        assert collection.note_count() == 4  # type: ignore[attr-defined]


def test_check_lines_name_the_places(tree: Path) -> None:
    lines = diagnostics(run("check", "notes", "--site-root", "site"))
    assert [line.split(": warning: ")[0] for line in lines] == [
        "notes/deck.md:11:1", "notes/deck.md:17:7", "notes/deck.md:22:9"]
    assert lines[0].endswith("image not found: /img/gone.png "
                             "(looked up below notes/site, from --site-root) [image-missing]")


def test_check_takes_every_option_that_changes_the_report() -> None:
    commands = main.commands
    # --explain-structure is check's own: it prints the reading of the files instead.
    shared = {p.name for p in commands["check"].params} - {"help", "explain_structure"}
    assert shared == {p.name for p in commands["build"].params} - {
        "paper", "columns", "pdf_style", "diff", "force", "quiet", "help", "source_line"}
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
        parse=configure(section_level=1, question_level=2, question_style="bold",
                        breaks=False).parse)
    assert config.parse.section_level == 1 and config.parse.question_level == 2
    assert config.parse.question_style == "bold"
    assert config.parse.breaks is False


def _config_of(args: list[str]) -> BuildConfig:
    """The configuration ``check`` would run with for ``args``."""
    captured: list[BuildConfig] = []

    @click.command()
    def probe(**options: object) -> None:
        captured.append(configure(**options))  # type: ignore[arg-type]

    for option in reversed(_CONFIGURATION_OPTIONS):
        probe = option(probe)
    result = CliRunner().invoke(probe, args)
    assert result.exit_code == 0, result.output
    return captured[0]
