"""Silencing diagnostics by code: per file (front matter) and per project (pyproject.toml).

A file's warnings are dropped when their code is listed in

* the file's front matter, ``ignore: [code, ...]``, or
* the ``ignore = [...]`` of the ``[tool.build-deck]`` table in the nearest
  ``pyproject.toml`` that has one, looking in the file's folder and then in each
  folder above it.

Errors are never silenced: they mean the deck cannot be built as written.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from builder import inputs
from builder.model import Diagnostic, Document, SourceLoc

log = logging.getLogger(__name__)

PYPROJECT = "pyproject.toml"
TABLE = "build-deck"

@dataclass(frozen=True)
class _Project:
    """What one pyproject.toml silences, and what was wrong with it."""

    path: Path
    codes: frozenset[str]
    problems: tuple[Diagnostic, ...]


_NO_PROJECT = _Project(Path(), frozenset(), ())


class Silencer:
    """Knows which codes each source file silences; reads each pyproject.toml once.

    ``display`` turns a path into the form diagnostics show (``builder.config.display_path``).
    """

    def __init__(self, display: Callable[[Path], str] = str) -> None:
        self.display = display
        self._by_file: dict[str, frozenset[str]] = {}
        self._projects: dict[Path, _Project] = {}
        self._reported: set[Path] = set()

    def add(self, doc: Document, source: Path) -> list[Diagnostic]:
        """Record what ``doc`` (read from ``source``) silences; return problems found doing so."""
        project = self._project(source.resolve().parent)
        problems: list[Diagnostic] = []
        if project.path not in self._reported:
            self._reported.add(project.path)
            problems += project.problems
        self._by_file[doc.path] = project.codes | frozenset(doc.settings.ignore)
        return problems

    def silenced(self, diagnostic: Diagnostic) -> bool:
        """Say whether ``diagnostic`` is a warning or note its file silences."""
        return (diagnostic.severity != "error"
                and diagnostic.code in self._by_file.get(diagnostic.loc.path, ()))

    def _project(self, folder: Path) -> _Project:
        """Return the settings of the nearest pyproject.toml with a build-deck table."""
        if folder not in self._projects:
            candidate = folder / PYPROJECT
            found = (_read_pyproject(candidate, self.display) if inputs.is_file(candidate)
                     else None)
            if found is None:
                found = _NO_PROJECT if folder.parent == folder else self._project(folder.parent)
            self._projects[folder] = found
        return self._projects[folder]


def _read_pyproject(path: Path, display: Callable[[Path], str]) -> _Project | None:
    """Return what a pyproject.toml silences, or None when it has no build-deck table."""
    shown = display(path)
    try:
        data = tomllib.loads(inputs.read_text(path))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return _Project(path, frozenset(), (Diagnostic(
            SourceLoc(shown, 1), "warning",
            f"cannot read {PYPROJECT}, so its [tool.{TABLE}] table is not used: {exc}",
            "config"),))
    tool = data.get("tool")
    table = tool.get(TABLE) if isinstance(tool, dict) else None
    if table is None:
        return None
    ignore = table.get("ignore", []) if isinstance(table, dict) else None
    loc = SourceLoc(shown, _table_line(path))
    if not (isinstance(ignore, list) and all(isinstance(c, str) for c in ignore)):
        return _Project(path, frozenset(), (Diagnostic(
            loc, "warning", f"[tool.{TABLE}] ignore must be a list of codes", "config"),))
    return _Project(path, frozenset(ignore), ())


def _table_line(path: Path) -> int:
    """Find the line of the ``[tool.build-deck]`` header, for the diagnostics' location."""
    header = f"[tool.{TABLE}]"
    for number, line in enumerate(inputs.read_text(path).splitlines(), 1):
        if line.strip().replace(" ", "") == header:
            return number
    return 1
