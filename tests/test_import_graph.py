"""The import graph: each third-party library in its one place, imports pointing one way,
and the light commands (``--help``, ``check``) never loading the heavy writers."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import write

PACKAGE = Path(__file__).resolve().parent.parent / "builder"

# Where each third-party library may be imported (lazily or not). A library with one home
# must be imported there and nowhere else.
ONE_HOME = {
    "genanki": "builder.anki.apkg",
    "tex2typst": "builder.render.texmath",
    "nh3": "builder.anki.html",
    "pygments": "builder.anki.highlight",
    "yaml": "builder.support.yamlload",
    "mdit_py_plugins": "builder.parse.markdown",
    "click": "builder.cli",  # and builder.cli.options, the same command line's other half
    "tomlkit": "builder.parse.projectsettings",
    "watchfiles": "builder.build.watch",
    "cycler": "builder.render.diagrams",
    "typst": "builder.render.typstengine",  # formulas, glyph probe, picture check and PDF ask it
    "pikepdf": "builder.pdf.stack",  # joins a large sheet's parts
    "PIL": "builder.render.printcopy",  # scales a large picture down for the PDF
    # The pinned font files.
    "noto_cjk_sans_otc": "builder.render.fonts",
    "manimgx_fonts_cjk": "builder.render.fonts",
    "manimgx_fonts": "builder.render.fonts",
}
# Libraries of a whole stage: markdown-it is the parse stage's; matplotlib draws diagrams
# (and the formulas typst cannot, with the fonts it measures), all inside the render stage.
# The lead's move gives each stage its folder.
STAGE = {
    "markdown_it": {
        "builder.parse.syntaxtree",
        "builder.parse.bold", "builder.parse.detect", "builder.checks.explain",
        "builder.parse.fences", "builder.parse.frontmatter", "builder.parse.frontmatter_cut",
        "builder.parse.language", "builder.parse.tocread", "builder.parse.headings",
        "builder.parse.leftovers", "builder.checks.lint", "builder.parse.markdown",
        "builder.parse.mathsyntax", "builder.parse.nesting", "builder.parse.document",
        "builder.parse.questionforms", "builder.checks.toc", "builder.build.toc_update",
        "builder.parse.tocfind", "builder.parse.splice", "builder.parse.splicedoc",
        "builder.parse.prose", "builder.parse.filefacts", "builder.parse.inlinenodes",
        "builder.parse.wikiembeds", "builder.parse.highlight", "builder.parse.strays",
        "builder.parse.tables", "builder.parse.cjkflanking", "builder.parse.spacedimages",
        "builder.parse.callouts", "builder.parse.calloutgroups", "builder.parse.admonitions",
        "builder.parse.containers", "builder.parse.footnoterules", "builder.parse.answerboxes",
        "builder.parse.imageattrs",
        "builder.parse.placeholdertags",
        "builder.parse.tabs", "builder.parse.liquidtags", "builder.parse.boxtokens",
        "builder.parse.htmldetails", "builder.parse.htmlaside", "builder.parse.tablecards",
        "builder.parse.rulecards", "builder.parse.boldquestion", "builder.parse.spacedcards",
        "builder.parse.spacelessheadings",
        "builder.parse.questionpart", "builder.parse.survey", "builder.parse.linescan",
        "builder.parse.askingitems", "builder.parse.liquidrefs", "builder.parse.leadinlabels",
        "builder.parse.colonquestions", "builder.parse.onemarkheadings",
        "builder.parse.taglines", "builder.parse.tasklists", "builder.parse.deflists",
        "builder.parse.logseq", "builder.parse.outlinecards",
        "builder.parse.blockids", "builder.parse.microcards", "builder.parse.answerlabels",
    },
    "matplotlib": {"builder.render.diagrams", "builder.render.fonts", "builder.render.fontcoverage",
                   "builder.render.formulas"},
    "numpy": {"builder.render.diagrams"},
}
HEAVY = ("genanki", "matplotlib", "typst", "pikepdf", "PIL")


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, ast.parse(path.read_text(encoding="utf-8"))


def _imported(tree: ast.Module, module: str, *, top_level_only: bool = False) -> set[str]:
    """Every module ``tree`` imports, absolute (``builder.x`` or a library's top name)."""
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module}: import ours as builder.x (absolute)"
            base = node.module or ""
            found.add(base)
            if base == "builder":
                found |= {f"builder.{alias.name}" for alias in node.names}
    return found


def _library(name: str) -> str | None:
    top = name.split(".")[0]
    return None if top in ("builder", "__future__") or top in sys.stdlib_module_names else top


def _home(module: str) -> str:
    """``builder.render.diagrams.pooling`` lives in the subpackage ``builder.render.diagrams``."""
    return "builder.render.diagrams" if module.startswith("builder.render.diagrams") else module


def test_each_library_is_imported_only_where_it_lives() -> None:
    users: dict[str, set[str]] = {}
    for module, tree in _modules():
        for name in _imported(tree, module):
            library = _library(name)
            if library is not None:
                users.setdefault(library, set()).add(_home(module))
    unknown = set(users) - set(ONE_HOME) - set(STAGE)
    assert not unknown, f"a library with no place in the table: {unknown}"
    for library, home in ONE_HOME.items():
        homes = {home, "builder.cli.options"} if library == "click" else {home}
        assert users.get(library) == homes, (library, users.get(library))
    for library, homes in STAGE.items():
        assert users.get(library) and users[library] <= homes, (library, users[library] - homes)


def test_module_level_imports_form_no_cycle() -> None:
    graph = {module: {name for name in _imported(tree, module, top_level_only=True)
                      if name.startswith("builder.") and name != module}
             for module, tree in _modules()}
    assert graph["builder.model"] == set(), "model imports nothing of ours"
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " → ".join((*path[path.index(module):], module))
        if module in done or module not in graph:
            return
        for target in sorted(graph[module]):
            visit(target, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())


def _loaded_by(code: str, cwd: Path) -> set[str]:
    """The top-level modules loaded in a fresh interpreter after running ``code``."""
    script = f"{code}\nimport sys\nprint(' '.join({{m.split('.')[0] for m in sys.modules}}))"
    done = subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True,
                          text=True, check=False, env=_env())
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split("\n")[-2].split())


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}


def _cli(*args: str) -> str:
    return ("import runpy, sys\n"
            f"sys.argv = ['build-deck', *{list(args)!r}]\n"
            "try:\n    runpy.run_module('builder', run_name='__main__')\n"
            "except SystemExit as exit:\n    assert not exit.code, exit.code\n")


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["check", "--help"],
                                  ["diagram", "--help"], ["check", "notes"]])
def test_help_and_check_load_no_writer(tmp_path: Path, args: list[str]) -> None:
    write(tmp_path / "notes" / "a.md", "## 基础\n### 什么是过拟合？\n训练集好，测试集差。\n"
                                       "```python\nprint(1)\n```\n")
    loaded = _loaded_by(_cli(*args), tmp_path)
    assert "click" in loaded  # the command ran
    if args == ["check", "notes"]:
        assert {"markdown_it", "nh3"} <= loaded  # it parsed and checked the notes
    else:
        assert "markdown_it" not in loaded and "yaml" not in loaded
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_reading_a_configuration_loads_no_parser(tmp_path: Path) -> None:
    loaded = _loaded_by("from builder.build.config import configure\n"
                        "configure({}, given=())", tmp_path)
    assert not loaded & {"markdown_it", "yaml", "nh3", "pygments", *HEAVY}


# A deck as most are: no front matter, no code, no pyproject.toml, nothing to draw.
PLAIN_NOTES = "## 基础\n### 什么是过拟合？\n训练集好，测试集差。\n### 什么是欠拟合？\n两者都差。\n"
BUILD = ["build", "notes", "-o", "out", "--format", "apkg", "--math", "mathjax"]
# What only some builds need: the project file's reader, worker processes.
ON_DEMAND = {"tomlkit", "multiprocessing", "concurrent.futures.process"}
# Loaded by the ``cached_property`` package genanki asks for (builder.anki.apkg).
ASYNC = {"asyncio", "cached_property"}


def _modules_after(code: str, cwd: Path) -> set[str]:
    """Every module (full dotted name) loaded in a fresh interpreter after running ``code``."""
    listing = cwd / "modules.txt"
    script = (f"{code}\nimport sys\nfrom pathlib import Path\n"
              f"Path({str(listing)!r}).write_text('\\n'.join(sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True,
                          text=True, check=False, env=_env())
    assert done.returncode == 0, done.stdout + done.stderr
    return set(listing.read_text().split("\n"))


def test_a_build_loads_only_what_its_notes_need(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "a.md", PLAIN_NOTES)
    loaded = _modules_after(_cli(*BUILD), tmp_path)
    assert list((tmp_path / "out").glob("*.apkg"))
    assert {"genanki", "markdown_it", "builder.build.gather"} <= loaded  # it built
    assert not loaded & (ON_DEMAND | ASYNC), loaded & (ON_DEMAND | ASYNC)
    # After the import, the stand-in is gone: anything else asking gets the real package.
    real = _modules_after(_cli(*BUILD, "--force") + "import cached_property\n"
                          "assert hasattr(cached_property, 'threaded_cached_property')",
                          tmp_path)
    assert "asyncio" in real  # the package itself, imported after the build


def test_a_pyproject_with_settings_loads_its_reader(tmp_path: Path) -> None:
    """The other side of ``test_a_build_loads_only_what_its_notes_need``: the reader is
    loaded when there is something for it to read."""
    write(tmp_path / "notes" / "a.md", PLAIN_NOTES)
    write(tmp_path / "pyproject.toml", '[tool.build-deck]\nsources = ["notes"]\n')
    loaded = _modules_after(_cli(*BUILD), tmp_path)
    assert "tomlkit" in loaded


def test_an_up_to_date_build_loads_no_parser_renderer_or_writer(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "a.md", "---\ndeck: 基础\n---\n" + PLAIN_NOTES +
          "```python\nprint(1)\n```\n")
    first = subprocess.run([sys.executable, "-m", "builder", *BUILD], cwd=tmp_path,
                           capture_output=True, text=True, check=False, env=_env())
    assert first.returncode == 0, first.stderr
    loaded = _modules_after(_cli(*BUILD), tmp_path)
    assert "builder.build.uptodate" in loaded
    heavy = {"markdown_it", "yaml", "nh3", "pygments", "genanki", "builder.build.gather",
             "builder.parse.document", "builder.anki.notes", "builder.anki.html",
             "builder.anki.highlight",
             "builder.render.assets", "builder.pdf.jobs", *ON_DEMAND, *ASYNC, *HEAVY}
    assert not loaded & heavy, loaded & heavy


def test_in_processes_tells_the_pools_apart_without_loading_multiprocessing(tmp_path: Path
                                                                            ) -> None:
    loaded = _modules_after(
        "import sys\n"
        "from builder.render.assets import in_processes, worker_pool\n"
        "with worker_pool(4, 1) as serial:\n"
        "    assert not in_processes(serial)\n"
        "assert 'multiprocessing' not in sys.modules\n"
        "with worker_pool(2, 2) as pool:\n"
        "    assert in_processes(pool)\n"
        "with worker_pool(4, 1) as serial:\n"
        "    assert not in_processes(serial)\n", tmp_path)
    assert "concurrent.futures.process" in loaded


# What a one-shot .apkg edit build (one answer changed, the rest from the caches) has no
# use for: PyYAML (the front matter is unchanged; genanki gets a stand-in),
# importlib.metadata and its email parser (library versions are read from their metadata
# headers), the formula engines (nothing to draw with MathJax), the PDF's typesetting,
# Pygments' lexers (the edited answer has no code: the unchanged one's HTML is kept), the
# fonts' tables (no new text is drawn), and
# what only some builds need.
EDIT_BUILD_NEEDS_NOT = {"yaml", "importlib.metadata", "email", "email.parser",
                        "builder.render.formulacache", "builder.render.formulas",
                        "builder.render.texmath", "builder.support.sandbox",
                        "builder.pdf.typeset", "builder.pdf.parts", "builder.pdf.compile",
                        "builder.pdf.pdfdata", "pygments.lexers", "pygments.lexer",
                        "builder.render.fonts", "builder.render.fontcoverage",
                        *ON_DEMAND, *ASYNC, "matplotlib", "typst"}


def test_an_edit_build_loads_only_what_the_edit_needs(tmp_path: Path) -> None:
    from builder.anki.apkg import read_fields

    notes = write(tmp_path / "notes" / "a.md", "---\ndeck: 基础\n---\n" + PLAIN_NOTES
                  + "### 什么是梯度？\n$\\nabla f$ 的方向。\n```python\nprint(1)\n```\n")
    first = subprocess.run([sys.executable, "-m", "builder", *BUILD], cwd=tmp_path,
                           capture_output=True, text=True, check=False, env=_env())
    assert first.returncode == 0, first.stderr
    notes.write_text(notes.read_text(encoding="utf-8").replace("两者都差。", "两者都很差。"),
                     encoding="utf-8")
    loaded = _modules_after(_cli(*BUILD), tmp_path)
    answers = [answer for _question, answer in
               read_fields(tmp_path / "out" / "基础.apkg").values()]
    assert any("两者都很差" in answer for answer in answers)  # the edit was built
    assert {"genanki", "markdown_it", "builder.parse.splice"} <= loaded
    assert not loaded & EDIT_BUILD_NEEDS_NOT, loaded & EDIT_BUILD_NEEDS_NOT


def test_assets_without_formulas_load_no_formula_engine(tmp_path: Path) -> None:
    """Diagrams alone (an edit build with MathJax, whose deck has diagrams) draw no
    formula: the formula cache and engines stay unloaded, and nothing is missing."""
    loaded = _modules_after(
        "import sys\nfrom pathlib import Path\n"
        "from builder.render.assets import Assets, render_assets\n"
        "assert render_assets([], [], Path('cache')) == Assets()\n", tmp_path)
    assert "builder.render.assets" in loaded
    assert not loaded & EDIT_BUILD_NEEDS_NOT, loaded & EDIT_BUILD_NEEDS_NOT
