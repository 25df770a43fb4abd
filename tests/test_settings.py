"""Settings that stay: [tool.build-deck] in pyproject.toml and front matter, through the CLI."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pypdf
import pytest
from click.testing import CliRunner, Result

from builder.build.config import BuildConfig, configure
from builder.cli import main
from builder.parse.frontmatter import FRONT_MATTER_KEYS
from builder.parse.options import STYLES
from builder.support.settings import QUESTION_STYLES, SETTINGS

from .conftest import import_apkg, write

if TYPE_CHECKING:
    from anki.collection import Collection

NOTE = "## Basics\n\n### What is a tensor?\n\nAn array.\n\n### Empty one\n"
DIAGNOSTIC = re.compile(r"^\S.*:\d+:\d+: (?:warning|error): .* \[[a-z-]+\]$", re.MULTILINE)
LETTER = (612, 792)
A4 = (595, 842)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def page_size(pdf: Path) -> tuple[int, int]:
    box = pypdf.PdfReader(pdf).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def diagnostics(result: Result) -> list[str]:
    return DIAGNOSTIC.findall(result.output)


def test_pyproject_out_and_paper_are_honoured(tmp_path: Path, collection: Collection) -> None:
    write(tmp_path / "notes" / "n.md", NOTE)
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.build-deck]\n'
          'out = "build"\npaper = "letter"\nkeep-empty = true\n')
    result = run("notes")
    assert result.exit_code == 0, result.output
    assert "wrote build/n.apkg" in result.output and "wrote build/n.pdf" in result.output
    assert not (tmp_path / "dist").exists()
    assert page_size(tmp_path / "build" / "n.pdf") == LETTER
    import_apkg(collection, tmp_path / "build" / "n.apkg")
    assert collection.note_count() == 2  # keep-empty kept one


def test_the_command_line_wins_over_the_project(tmp_path: Path) -> None:
    write(tmp_path / "n.md", NOTE)
    write(tmp_path / "pyproject.toml", '[tool.build-deck]\nout = "build"\npaper = "letter"\n')
    # Given on the command line, even when equal to the default, in any case.
    result = run("n.md", "-o", "dist", "--paper", "A4")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "build").exists()
    assert page_size(tmp_path / "dist" / "n.pdf") == A4
    # The environment is the user's word too.
    result = run("n.md", "--format", "apkg", env={"BUILD_DECK_OUT": "env-out"})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "env-out" / "n.apkg").exists()


def test_paper_in_any_case(tmp_path: Path) -> None:
    write(tmp_path / "n.md", NOTE)
    result = run("n.md", "--paper", "LETTER", "--format", "pdf", "--math", "MathJax")
    assert result.exit_code == 0, result.output
    assert page_size(tmp_path / "dist" / "n.pdf") == LETTER


def test_every_setting_reaches_the_configuration(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", """\
[tool.build-deck]
out = "o"
format = "PDF"
math = "mathjax"
section-level = 1
question-level = "file"
question-style = "Bold"
breaks = false
keep-empty = true
strict = true
no-lock = true
lock = "l.lock"
cache-dir = "c"
jobs = 3
site-root = "static"
paper = "letter"
columns = 3
pdf-style = "cards"
diff = true
ignore = ["empty-answer"]
""")
    config = configure({}, given=())
    assert config.diagnostics == ()
    assert config == BuildConfig(
        out_dir=Path("o"), formats=("pdf",), math="mathjax", keep_empty=True, strict=True,
        use_lock=False, lock_path=Path("l.lock"), cache_dir=Path("c"), jobs=3,
        site_root="static", paper="letter", columns=3, pdf_style="cards", diff=True,
        parse=configure({"section_level": 1, "question_level": "file",
                         "question_style": "bold", "breaks": False}).parse,
        settings_file=tmp_path / "pyproject.toml")
    # Options given win, one by one; the rest still come from the file.
    config = configure({"out_dir": Path("dist"), "jobs": 0}, given={"out_dir", "jobs"})
    assert (config.out_dir, config.jobs, config.paper) == (Path("dist"), 0, "letter")
    # None given: no file is read.
    assert configure({}) == BuildConfig()


def test_the_settings_words_are_the_detectors() -> None:
    assert QUESTION_STYLES == STYLES


def test_project_paths_are_relative_to_the_project(tmp_path: Path) -> None:
    write(tmp_path / "proj" / "notes" / "n.md", NOTE)
    write(tmp_path / "proj" / "pyproject.toml", '[tool.build-deck]\nout = "build"\n')
    result = run("proj/notes", "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert "wrote proj/build/n.apkg" in result.output


def test_settings_problems_are_warned_at_their_place(tmp_path: Path) -> None:
    write(tmp_path / "n.md", NOTE)
    write(tmp_path / "pyproject.toml", """\
[project]
name = "x"

[tool.build-deck]
pdf-stlye = "cards"
  paper = "A3"   # a comment
jobs = true
section_level = 2
ignore = [
    "empty-answer",
    "missing-figur",
]
""")
    result = run("check", "n.md")
    assert result.exit_code == 0, result.output
    assert diagnostics(result) == [
        "pyproject.toml:5:1: warning: unknown setting 'pdf-stlye' in [tool.build-deck] "
        "(did you mean 'pdf-style'?) [config]",
        "pyproject.toml:6:11: warning: [tool.build-deck] paper must be one of a4, letter, "
        "not 'A3' [config]",
        "pyproject.toml:7:8: warning: [tool.build-deck] jobs must be a whole number from "
        "0 to 64, not true [config]",
        "pyproject.toml:8:1: warning: unknown setting 'section_level' in [tool.build-deck] "
        "(did you mean 'section-level'?) [config]",
        "pyproject.toml:11:5: warning: unknown code 'missing-figur' in ignore "
        "(did you mean 'missing-figure'?) [config]",
    ]
    # The good settings still apply (empty-answer silenced), the bad ones are left out.
    built = run("n.md", "--format", "pdf")
    assert built.exit_code == 0, built.output
    assert diagnostics(built) == diagnostics(result)
    assert page_size(tmp_path / "dist" / "n.pdf") == A4


def test_settings_in_dotted_and_inline_tables_are_placed(tmp_path: Path) -> None:
    write(tmp_path / "n.md", NOTE)
    write(tmp_path / "pyproject.toml",
          '[tool]\nother = 1\nbuild-deck = {columns = 0, format = "apkg,docx"}\n')
    lines = diagnostics(run("check", "n.md"))
    assert lines == [
        "n.md:7:5: warning: empty answer: 'Empty one' is left out of the deck [empty-answer]",
        "pyproject.toml:3:25: warning: [tool.build-deck] columns must be a whole number from "
        "1 to 3, not 0 [config]",
        "pyproject.toml:3:37: warning: [tool.build-deck] format must name formats from "
        "apkg, pdf, html, not 'apkg,docx' [config]",
    ]


def test_broken_toml_is_one_warning_at_its_line(tmp_path: Path) -> None:
    write(tmp_path / "n.md", NOTE)
    write(tmp_path / "pyproject.toml", '[tool.build-deck]\nout = "build"\npaper = \n')
    result = run("n.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    lines = [line for line in diagnostics(result) if "[config]" in line]
    assert len(lines) == 1 and lines[0].startswith("pyproject.toml:3:")
    assert (tmp_path / "dist" / "n.apkg").exists()  # the table is not used at all


def test_front_matter_problems_point_at_their_key(tmp_path: Path) -> None:
    write(tmp_path / "n.md", """\
---
deck: Front
question_level: 9
section-level: 2
paper: letter
question_style: Bold
ignore:
  - empty-answer
  - heading-skp
tags: [a, b]
colour: red
---
## Basics

**What is a tensor?**

An array.

**Empty one**
""")
    result = run("check", "n.md")
    assert diagnostics(result) == [
        "n.md:3:17: warning: front matter 'question_level' must be a heading level from 1 "
        "to 6 or 'auto' or 'file', not 9 [front-matter]",
        "n.md:4:1: warning: unknown front matter key 'section-level' "
        "(did you mean 'section_level'?) [front-matter]",
        "n.md:5:1: warning: 'paper' is a setting of the whole build, not of one file: set "
        "'paper' in the [tool.build-deck] table of pyproject.toml, or --paper on the command "
        "line [front-matter]",
        "n.md:9:5: warning: unknown code 'heading-skp' in ignore (did you mean "
        "'heading-skip'?) [front-matter]",
        "n.md:11:1: warning: unknown front matter key 'colour' (known: breaks, deck, ignore, lang, "
        "question_level, question_style, section_level, source_line, tags, title) [front-matter]",
    ]
    # question_style: Bold is read as bold, and empty-answer is silenced.
    assert "1 file(s) checked: 0 error(s), 5 warning(s)" in result.output
    assert "n.md: sections ##, questions bold lines" in run("n.md", "--format", "apkg").output


def test_levels_from_the_project_and_front_matter_over_them(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.build-deck]\nquestion-level = "file"\n')
    write(tmp_path / "notes" / "one.md", "# Why normalise?\n\n## Because\n\nScale.\n")
    write(tmp_path / "notes" / "two.md",
          "---\nquestion_level: 2\nsection_level: 1\n---\n# Part\n\n## Q?\n\nA.\n")
    result = run("notes", "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert "notes/one.md: one question per file" in result.output
    assert "notes/two.md: sections #, questions ##" in result.output
    # The command line wins over the project file, and front matter over both.
    result = run("notes", "--format", "apkg", "--question-level", "2", "--force")
    assert "notes/one.md: sections #, questions ##" in result.output
    assert "notes/two.md: sections #, questions ##" in result.output


@pytest.mark.parametrize("table", [
    'tool = 3\n', '[tool]\nbuild-deck = 3\n', '[tool.build-deck]\n', '[tool.build-deck.x]\na = 1\n',
])
def test_odd_tables_never_crash(tmp_path: Path, table: str) -> None:
    write(tmp_path / "n.md", NOTE)
    write(tmp_path / "pyproject.toml", table)
    result = run("check", "n.md")
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_project_file_above_two_others_is_read_and_checked(tmp_path: Path) -> None:
    # The build's settings come from the file above all its sources; each file's ignore
    # from the file nearest to it.  The top file's problems are reported even though no
    # source file's nearest table is it.
    write(tmp_path / "a" / "n.md", NOTE)
    write(tmp_path / "b" / "m.md", NOTE.replace("tensor", "vector"))
    write(tmp_path / "a" / "pyproject.toml", '[tool.build-deck]\nignore = ["empty-answer"]\n')
    write(tmp_path / "b" / "pyproject.toml", '[tool.build-deck]\nignore = []\n')
    write(tmp_path / "pyproject.toml", '[tool.build-deck]\nout = "top"\ncolumns = 9\n')
    result = run("a", "b", "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "top" / "n.apkg").exists() and (tmp_path / "top" / "m.apkg").exists()
    assert diagnostics(result) == [
        "b/m.md:7:5: warning: empty answer: 'Empty one' is left out of the deck [empty-answer]",
        "pyproject.toml:3:11: warning: [tool.build-deck] columns must be a whole number from "
        "1 to 3, not 9 [config]",
    ]


def test_a_blogs_front_matter_is_one_warning_and_typos_are_their_own(tmp_path: Path) -> None:
    write(tmp_path / "post.md", """\
---
layout: post
title: Common ML problems
seo_title: Common ML problems, answered
date: 2023-07-02
titel: typo
true: yes
categories: [ml]
---
## Basics

### What is a tensor?

An array.
""")
    assert diagnostics(run("check", "post.md")) == [
        # layout, date, categories: a site generator's keys, no warning (-v names them)
        "post.md:4:1: warning: unknown front matter keys 'seo_title', "
        "'true' (known: breaks, deck, ignore, lang, question_level, question_style, "
        "section_level, source_line, tags, title) [front-matter]",
        "post.md:6:1: warning: unknown front matter key 'titel' (did you mean 'title'?) "
        "[front-matter]",
    ]


def test_a_table_split_around_another_is_placed_line_by_line(tmp_path: Path) -> None:
    write(tmp_path / "n.md", NOTE)
    write(tmp_path / "pyproject.toml", """\
[tool.build-deck]
ignore = [
  "empty-answer",
  3,
]
paper = "A3"  # a comment
jobs = false
[tool.ruff]
x = 1
[tool.build-deck.sub]
y = 1
""")
    lines = [line for line in diagnostics(run("check", "n.md")) if "[config]" in line]
    assert [line.split(": warning: ")[0] for line in lines] == [
        "pyproject.toml:2:10", "pyproject.toml:6:9", "pyproject.toml:7:8", "pyproject.toml:11:1"]
    assert "not false" in lines[2] and "unknown setting 'sub'" in lines[3]


def test_an_oversized_pyproject_is_not_read(tmp_path: Path) -> None:
    from builder.parse.projectsettings import MAX_PYPROJECT_BYTES

    write(tmp_path / "n.md", NOTE)
    filler = "".join(f"k{i} = {i}\n" for i in range(MAX_PYPROJECT_BYTES // 8))
    write(tmp_path / "pyproject.toml", '[tool.build-deck]\nout = "build"\n' + filler)
    result = run("n.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert diagnostics(result)[-1] == (
        "pyproject.toml:1:1: warning: pyproject.toml is over 100 KB, so its [tool.build-deck] "
        "table is not used [config]")
    assert (tmp_path / "dist" / "n.apkg").exists()


def test_project_paths_never_lead_out_of_the_project(tmp_path: Path) -> None:
    # A cloned notes repository must not make a build write elsewhere.
    project = tmp_path / "repo"
    write(project / "n.md", NOTE)
    victim = tmp_path / "victim.txt"
    victim.write_text("mine", encoding="utf-8")
    (project / "link").symlink_to(tmp_path, target_is_directory=True)
    write(project / "pyproject.toml", f'[tool.build-deck]\nlock = "{victim}"\n'
          'out = "../elsewhere"\ncache-dir = "link/cache"\n')
    result = run("repo/n.md", "--format", "apkg")
    assert result.exit_code == 0, result.output
    lines = [line for line in diagnostics(result) if "[config]" in line]
    assert [line.split(": warning: ")[0] for line in lines] == [
        "repo/pyproject.toml:2:8", "repo/pyproject.toml:3:7", "repo/pyproject.toml:4:13"]
    assert all("must stay inside the folder of pyproject.toml" in line for line in lines)
    assert "(give --out on the command line to go elsewhere)" in lines[1]
    assert victim.read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / "elsewhere").exists() and not (tmp_path / "cache").exists()
    assert (tmp_path / "dist" / "n.apkg").exists()
    # Inside the project, the same settings are taken.
    write(project / "pyproject.toml", '[tool.build-deck]\nlock = "ids.lock"\nout = "out"\n')
    result = run("repo/n.md", "--format", "apkg", "--force")
    assert result.exit_code == 0, result.output
    assert (project / "out" / "n.apkg").exists() and (project / "ids.lock").exists()


def _readme_section(title: str) -> str:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    return readme.split(title, 1)[1].split("\n#", 1)[0]


def test_the_readme_table_example_names_every_setting_and_is_valid(tmp_path: Path) -> None:
    section = _readme_section("### Settings that stay")
    table = section.split("```toml\n", 1)[1].split("```", 1)[0]
    write(tmp_path / "pyproject.toml", table)
    write(tmp_path / "notes" / "n.md", NOTE)
    (tmp_path / "static").mkdir()
    config = configure({"sources": (Path("notes"),)}, given=())
    assert config.diagnostics == ()
    written = {line.split("=", 1)[0].strip() for line in table.splitlines()[1:] if "=" in line}
    assert written == set(SETTINGS)


def test_the_readme_names_every_front_matter_key() -> None:
    example = _readme_section("## Writing notes").split("---\n", 2)[1]
    assert {line.split(":", 1)[0] for line in example.splitlines()} | {"ignore"} \
        == FRONT_MATTER_KEYS
    per_file = " ".join(_readme_section("### Settings that stay").split("A file's front "
                                                                        "matter may set")[1]
                        .split(".", 1)[0].split())
    assert all(f"`{key}`" in per_file for key in FRONT_MATTER_KEYS), per_file


def test_settings_of_a_table_only_read_for_ignore_are_warned_unused(tmp_path: Path) -> None:
    # notes/sub's table silences its files' codes, but the build takes its settings from
    # the table above every source (none here): its keep-empty and paper would be lost
    # without a word, and the empty question with them.
    write(tmp_path / "notes" / "sub" / "n.md", NOTE)
    write(tmp_path / "notes" / "sub" / "pyproject.toml",
          '[tool.build-deck]\nignore = ["heading-skip"]\n\nkeep-empty = true\npaper = "letter"\n')
    result = run("check", "notes")
    assert diagnostics(result) == [
        "notes/sub/n.md:7:5: warning: empty answer: 'Empty one' is left out of the deck "
        "[empty-answer]",
        "notes/sub/pyproject.toml:4:1: warning: [tool.build-deck] keep-empty, paper not used: "
        "this table is below the folder holding every source, so only its ignore applies "
        "(to the notes below it); the build's settings come from the command line and the "
        "defaults [config]",
    ]
    # The table of the build is not warned about; a table with only ignore neither.
    assert not [d for d in diagnostics(run("check", "notes/sub")) if "[config]" in d]
    write(tmp_path / "notes" / "sub" / "pyproject.toml", '[tool.build-deck]\nignore = []\n')
    assert not [d for d in diagnostics(run("check", "notes")) if "[config]" in d]


@pytest.mark.parametrize("root", ["/etc", "../..", "..", "img/../..", "C:\\notes", "..\\up"])
def test_a_site_root_outside_the_tree_is_refused_once(tmp_path: Path, root: str) -> None:
    # Outside the tree no picture could ever be read: one clear problem, not one per picture.
    from .conftest import FIXTURES

    write(tmp_path / "notes" / "n.md", "## S\n\n### Q one?\n\n![a](/img/red.png)\n\n"
          "### Q two?\n\n![b](/img/red.png)\n")
    (tmp_path / "notes" / "img").mkdir()
    (tmp_path / "notes" / "img" / "red.png").write_bytes(
        (FIXTURES / "pictures" / "figs" / "red.png").read_bytes())
    given = run("check", "notes", "--site-root", root)
    assert given.exit_code == 2, given.output
    assert "Invalid value for '--site-root': must be a folder inside the source tree" \
           in given.output
    assert not diagnostics(given)
    toml_root = root.replace("\\", "\\\\")
    write(tmp_path / "pyproject.toml", f'[tool.build-deck]\nsite-root = "{toml_root}"\n')
    for command in ("check", "build"):
        result = run(command, "notes", "--format", "apkg", "--no-lock")
        assert result.exit_code == 0, result.output
        # Warned at its line and left out: the pictures are found as without it.
        assert diagnostics(result) == [
            "pyproject.toml:2:13: warning: [tool.build-deck] site-root must be a folder inside "
            "the source tree (a relative path that does not climb out with '..'), not "
            f"'{root}' [config]"]
    assert (tmp_path / "dist" / "n.apkg").exists()


def test_a_site_root_inside_the_tree_is_taken(tmp_path: Path) -> None:
    for inside in ("static", "a/../static", "./static/"):
        assert SETTINGS["site-root"].check(inside) in ("static", "a/../static")
    write(tmp_path / "notes" / "n.md", "## S\n\n### Q?\n\n![a](/img/red.png)\n")
    missing = run("check", "notes", "--site-root", "a/../static")
    assert missing.exit_code == 0, missing.output
    assert "image not found: /img/red.png (looked up below notes/a/../static, " \
           "from --site-root)" in missing.output


def test_a_project_folder_setting_naming_a_file_is_left_out_at_its_line(
        tmp_path: Path) -> None:
    # Else the build failed where it first wrote inside, naming the PDF (cache-dir) or
    # the file itself (out), not the setting.
    write(tmp_path / "repo" / "n.md", NOTE)  # named from the project's folder, not ours
    write(tmp_path / "repo" / "pyproject.toml", '[tool.build-deck]\ncache-dir = "n.md"\n'
          'out = "n.md"\n')
    result = run("repo/n.md")
    assert result.exit_code == 0, result.output
    assert [line for line in diagnostics(result) if "[config]" in line] == [
        f"repo/pyproject.toml:{line}:{col}: warning: [tool.build-deck] {name} must name a folder, "
        "not 'n.md', which is a file; it is left out [config]"
        for line, col, name in ((2, 13, "cache-dir"), (3, 7, "out"))]
    assert (tmp_path / "dist" / "n.apkg").exists() and (tmp_path / "dist" / "n.pdf").exists()
