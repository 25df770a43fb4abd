"""The ``[tool.build-deck]`` table of a ``pyproject.toml``: read, checked, and each problem
placed at its line and column.

tomlkit (here only) reads the file: it keeps the document exactly as written, so the
place of a key is found by rendering the document with that key's value swapped for a
marker, never by matching the raw TOML text.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import tomlkit
from tomlkit.exceptions import ParseError

from builder.model import Diagnostic, SourceLoc
from builder.settings import PATH_SETTINGS, SETTINGS, SettingError, code_problem, did_you_mean

log = logging.getLogger(__name__)

PYPROJECT = "pyproject.toml"
TABLE = "build-deck"

Key = tuple[str | int, ...]
"""Where a value sits below the ``[tool.build-deck]`` table: key names and list indexes."""


@dataclass(frozen=True)
class ProjectSettings:
    """What one pyproject.toml sets, and what was wrong with it."""

    path: Path | None = None
    """The file; None when no pyproject.toml with a build-deck table was found."""
    values: Mapping[str, Any] = field(default_factory=dict)
    """The valid settings by ``configure`` keyword (``pdf_style``), paths made relative
    to the working folder; ``ignore`` is kept apart."""
    ignore: frozenset[str] = frozenset()
    problems: tuple[Diagnostic, ...] = ()


NO_PROJECT = ProjectSettings()


def read_project(path: Path, shown: str) -> ProjectSettings | None:
    """Read and check ``path``; None when it has no ``[tool.build-deck]`` table."""
    try:
        text = path.read_text(encoding="utf-8")
        table = tomlkit.parse(text).get("tool", {}).get(TABLE)
    except (OSError, UnicodeDecodeError, ParseError) as exc:
        line, col = (exc.line, exc.col + 1) if isinstance(exc, ParseError) else (1, 1)
        return ProjectSettings(path, problems=(Diagnostic(
            SourceLoc(shown, max(line, 1), max(col, 1)), "warning",
            f"cannot read {PYPROJECT}, so its [tool.{TABLE}] table is not used: {exc}",
            "config"),))
    except AttributeError:  # ``tool`` is not a table: no table of ours either
        return None
    if table is None:
        return None
    places = _Places(text)
    data = table.unwrap() if hasattr(table, "unwrap") else table
    if not isinstance(data, dict):
        return ProjectSettings(path, problems=(Diagnostic(
            places.loc(shown, ()), "warning", f"[tool.{TABLE}] must be a table", "config"),))
    return _checked(path, shown, data, places)


def _checked(path: Path, shown: str, data: dict[str, Any], places: _Places
             ) -> ProjectSettings:
    values: dict[str, Any] = {}
    ignore: frozenset[str] = frozenset()
    problems: list[Diagnostic] = []

    def warn(key: Key, message: str) -> None:
        problems.append(Diagnostic(places.loc(shown, key), "warning", message, "config"))

    for name, raw in data.items():
        setting = SETTINGS.get(name)
        if setting is None:
            warn((name, "key"), f"unknown setting '{name}' in [tool.{TABLE}]"
                 f"{did_you_mean(name, SETTINGS)}")
            continue
        try:
            value = setting.check(raw)
        except SettingError as exc:
            warn((name,), f"[tool.{TABLE}] {name} {exc}")
            continue
        if name == "ignore":
            codes = cast(tuple[str, ...], value)  # what the ignore check returns
            ignore = frozenset(codes)
            for index, code in enumerate(codes):
                problem = code_problem(code)
                if problem is not None:
                    warn((name, index) if isinstance(raw, list) else (name,), problem)
        elif name in PATH_SETTINGS:
            values[setting.keyword] = _beside(path, cast(Path, value))
        else:
            values[setting.keyword] = value
    return ProjectSettings(path, values, ignore, tuple(problems))


def _beside(project: Path, value: Path) -> Path:
    """A path written in ``project``: relative to its folder, shown from the working one."""
    folder = project.parent
    if value.is_absolute() or folder.resolve() == Path.cwd().resolve():
        return value
    return Path(os.path.relpath(folder.resolve() / value))


class _Places:
    """Finds the line and column of a value (or key) in the table as written."""

    def __init__(self, text: str) -> None:
        self.text = text

    def loc(self, shown: str, key: Key) -> SourceLoc:
        try:
            line, col = self._find(key)
        except Exception as exc:  # a shape tomlkit cannot re-render: the file's start
            log.debug("no place for %s in %s: %r", key, shown, exc)
            line, col = 1, 1
        return SourceLoc(shown, line, col)

    def _find(self, key: Key) -> tuple[int, int]:
        want_key = key[-1:] == ("key",)
        path = key[:-1] if want_key else key
        document = tomlkit.parse(self.text)
        container: Any = document["tool"]
        parents: Key = (TABLE, *path)
        for part in parents[:-1]:
            container = container[part]
        last = parents[-1]
        item = container[last]
        if isinstance(item, tomlkit.items.Table) and not item.is_super_table() and item:
            # A [tool.build-deck.x] table: swapped for a value it would move; use its
            # first key's line instead.
            first = next(iter(item))
            container, last = item, first
        marker = f"build-deck-place-{uuid.uuid4().hex}"
        container[last] = marker
        rendered = document.as_string()
        at = rendered.index(marker) - 1  # the opening quote
        start = rendered.rfind("\n", 0, at) + 1
        col = at - start + 1
        if want_key and isinstance(last, str):
            found = rendered.rfind(last, start, at)
            col = found - start + 1 if found >= 0 else col
        return rendered.count("\n", 0, at) + 1, col


def find_project(folder: Path, read: Callable[[Path], ProjectSettings | None]
                 ) -> ProjectSettings:
    """The settings of the nearest pyproject.toml with a build-deck table, looking in
    ``folder`` and then in each folder above it."""
    for place in (folder, *folder.parents):
        candidate = place / PYPROJECT
        if candidate.is_file():
            found = read(candidate)
            if found is not None:
                return found
    return NO_PROJECT
