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
    "pygments": "builder.anki.html",
    "yaml": "builder.support.yamlload",
    "mdit_py_plugins": "builder.parse.markdown",
    "click": "builder.cli",  # and builder.cli.options, the same command line's other half
    "tomlkit": "builder.parse.projectsettings",
    "watchfiles": "builder.build.watch",
    "cycler": "builder.render.diagrams",
    "typst": "builder.render.typstengine",  # formulas, glyph probe, picture check and PDF ask it
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
        "builder.parse.bold", "builder.parse.detect", "builder.checks.explain",
        "builder.parse.fences", "builder.parse.frontmatter", "builder.parse.frontmatter_cut",
        "builder.parse.language", "builder.parse.tocread", "builder.parse.headings",
        "builder.parse.leftovers", "builder.checks.lint", "builder.parse.markdown",
        "builder.parse.mathsyntax", "builder.parse.nesting", "builder.parse.document",
        "builder.parse.questionforms", "builder.checks.toc", "builder.build.toc_update",
        "builder.parse.tocfind", "builder.parse.inlinenodes",
    },
    "matplotlib": {"builder.render.diagrams", "builder.render.fonts", "builder.render.formulas"},
    "numpy": {"builder.render.diagrams"},
}
HEAVY = ("genanki", "matplotlib", "typst")


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
