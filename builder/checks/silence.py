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
from collections.abc import Callable
from pathlib import Path

from builder.model import Diagnostic, Settings
from builder.parse.projectsettings import ProjectSettings, find_project, read_project

log = logging.getLogger(__name__)


class Silencer:
    """Knows which codes each source file silences; reads each pyproject.toml once.

    ``display`` turns a path into the form diagnostics show (``builder.build.config.display_path``).
    A table other than the build's (``build_settings``) gives only its ``ignore``; the rest of
    it is warned unused.
    """

    def __init__(self, display: Callable[[Path], str] = str,
                 build_settings: Path | None = None) -> None:
        self.display = display
        self.build_settings = build_settings
        """The pyproject.toml the build's settings come from (``BuildConfig.settings_file``)."""
        self._by_file: dict[str, frozenset[str]] = {}
        self._projects: dict[Path, ProjectSettings] = {}
        self._read_files: dict[Path, ProjectSettings | None] = {}
        self._reported: set[Path | None] = set()

    def add(self, shown: str, settings: Settings, source: Path) -> list[Diagnostic]:
        """Record what the file ``shown`` (read from ``source``, with ``settings``)
        silences; return problems found doing so."""
        project = self._project(source.resolve().parent)
        problems: list[Diagnostic] = []
        if project.path not in self._reported:
            self._reported.add(project.path)
            problems += project.problems
            unused = project.unused(None if self.build_settings is None
                                    else self.display(self.build_settings))
            if unused is not None and project.path != self.build_settings:
                problems.append(unused)
        self._by_file[shown] = project.ignore | frozenset(settings.ignore)
        return problems

    def silenced(self, diagnostic: Diagnostic) -> bool:
        """Say whether ``diagnostic`` is a warning or note its file silences."""
        return (diagnostic.severity != "error"
                and diagnostic.code in self._by_file.get(diagnostic.loc.path, ()))

    def _project(self, folder: Path) -> ProjectSettings:
        """Return the settings of the nearest pyproject.toml with a build-deck table,
        found as the build's own are (``find_project``), each file read once."""
        if folder not in self._projects:
            self._projects[folder] = find_project(folder, self._read)
        return self._projects[folder]

    def _read(self, path: Path) -> ProjectSettings | None:
        if path not in self._read_files:
            self._read_files[path] = read_project(path, self.display(path))
        return self._read_files[path]
