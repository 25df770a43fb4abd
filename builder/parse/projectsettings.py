"""The ``[tool.build-deck]`` table of a ``pyproject.toml``: read, checked, and each problem
placed at its line and column.

tomlkit (here only) reads the file: it keeps the document exactly as written, so the
place of a key is found by rendering the document with that key's value swapped for a
marker, never by matching the raw TOML text.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from builder.model import Diagnostic, SourceLoc
from builder.support import inputs
from builder.support.settings import (
    PATH_SETTINGS,
    SETTINGS,
    SettingError,
    code_problem,
    did_you_mean,
    shown,
)

log = logging.getLogger(__name__)

PYPROJECT = "pyproject.toml"
TABLE = "build-deck"

MAX_PYPROJECT_BYTES = 100_000
"""Real project files are a few KB; tomlkit reads about 100 KB a second, and a file with
thousands of problems takes a few times that."""

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
    settings_at: SourceLoc | None = None
    """Where the first valid setting but ``ignore`` is written (see ``unused``)."""

    def unused(self, build_settings: str | None) -> Diagnostic | None:
        """A warning that this table's settings but ``ignore`` are not used, for a table
        read only for the ``ignore`` of the notes below it (``builder.checks.silence``):
        the build takes its settings from ``build_settings`` (None: from no file)."""
        if self.settings_at is None:
            return None
        keywords = {s.keyword: s.name for s in SETTINGS.values()}
        source = (f"{build_settings} and the command line" if build_settings
                  else "the command line and the defaults")
        return Diagnostic(self.settings_at, "warning", f"[tool.{TABLE}] "
                          f"{', '.join(keywords[k] for k in self.values)} not used: this "
                          "table is below the folder holding every source, so only its "
                          f"ignore applies (to the notes below it); the build's settings "
                          f"come from {source}", "config")


NO_PROJECT = ProjectSettings()


def read_project(path: Path, shown: str) -> ProjectSettings | None:
    """Read and check ``path``; None when it has no ``[tool.build-deck]`` table."""
    # Imported here: most notes have no pyproject.toml, and tomlkit takes ~7 ms to load.
    import tomlkit
    from tomlkit.exceptions import ParseError

    try:
        if path.stat().st_size > MAX_PYPROJECT_BYTES:
            return ProjectSettings(path, problems=(Diagnostic(
                SourceLoc(shown, 1), "warning", f"{PYPROJECT} is over "
                f"{MAX_PYPROJECT_BYTES // 1000} KB, so its [tool.{TABLE}] table is not used",
                "config"),))
        text = _project_text(path)
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
    data = table.unwrap() if hasattr(table, "unwrap") else table
    if not isinstance(data, dict):
        return ProjectSettings(path, problems=(Diagnostic(
            _Places(text).locate(shown, [()])[0], "warning", f"[tool.{TABLE}] must be a table",
            "config"),))
    values, ignore, found = _checked(path, data)
    # The first setting's key is placed too, for ``ProjectSettings.unused``.
    first = [(str(name), "key") for name in data if name in SETTINGS
             and SETTINGS[name].keyword in values][:1]
    keys: list[Key] = [*(key for key, _message in found), *first]
    places = _Places(text).locate(shown, keys)
    return ProjectSettings(path, values, ignore, tuple(
        Diagnostic(loc, "warning", message, "config")
        for loc, (_key, message) in zip(places, found, strict=False)),
        places[-1] if first else None)


def _project_text(path: Path) -> str:
    """The file's text without the byte order mark Windows editors write first (TOML
    parsers read it as a key's first character: tomlkit's 'Empty key'); places are then
    counted as the editor shows them, past the mark."""
    return inputs.read_text(path).removeprefix("\ufeff")


def _checked(path: Path, data: dict[str, Any]
             ) -> tuple[dict[str, Any], frozenset[str], list[tuple[Key, str]]]:
    """The valid settings by keyword, the codes ignored, and each problem with its key."""
    values: dict[str, Any] = {}
    ignore: frozenset[str] = frozenset()
    problems: list[tuple[Key, str]] = []
    for name, raw in data.items():
        setting = SETTINGS.get(name)
        if setting is None:
            problems.append(((name, "key"), f"unknown setting '{name}' in [tool.{TABLE}]"
                                            f"{did_you_mean(name, SETTINGS)}"))
            continue
        try:
            value = setting.check(raw)
        except SettingError as exc:
            problems.append(((name,), f"[tool.{TABLE}] {name} {exc}"))
            continue
        if name == "ignore":
            codes = cast(tuple[str, ...], value)  # what the ignore check returns
            ignore = frozenset(codes)
            for index, code in enumerate(codes):
                problem = code_problem(code)
                if problem is not None:
                    problems.append(((name, index) if isinstance(raw, list) else (name,),
                                     problem))
        elif name in PATH_SETTINGS:
            written = cast(Path, value)
            if not _inside(path.parent, written):
                # A cloned repository's settings must not make a build write elsewhere
                # (``lock = "/home/me/.bashrc"`` would be overwritten with the lock).
                problems.append(((name,), f"[tool.{TABLE}] {name} must stay inside the "
                                 f"folder of {PYPROJECT}, not {shown(str(written))} (give "
                                 f"--{name} on the command line to go elsewhere)"))
                continue
            if name != "lock" and inputs.is_file(path.parent / written):
                # Else the build fails where it first writes inside, naming that file.
                problems.append(((name,), f"[tool.{TABLE}] {name} must name a folder, not "
                                 f"{shown(str(written))}, which is a file; it is left out"))
                continue
            if name == "lock" and written.suffix.lower() in (".md", ".markdown"):
                # Among the notes, the build would read its own lock as one.
                problems.append(((name,), f"[tool.{TABLE}] lock must be a file the build "
                                 f"does not read as notes (not *.md), not "
                                 f"{shown(str(written))}"))
                continue
            values[setting.keyword] = _beside(path, written)
        else:
            values[setting.keyword] = value
    return values, ignore, problems


def _inside(folder: Path, value: Path) -> bool:
    try:
        return (folder / value).resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return False


def _beside(project: Path, value: Path) -> Path:
    """A path written in ``project``: relative to its folder, shown from the working one."""
    folder = project.parent
    if value.is_absolute() or folder.resolve() == Path.cwd().resolve():
        return value
    return Path(os.path.relpath(folder.resolve() / value))


class _Places:
    """Finds where values (or keys) of the table are written.

    Each is swapped for a marker string in one copy of the document, which is rendered
    once (tomlkit renders everything else exactly as written): a marker's offset, less
    what the markers before it added, is its value's offset in the file, and a value
    starts on its key's line.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def locate(self, shown: str, keys: list[Key]) -> list[SourceLoc]:
        """The place of each key; the file's start for any tomlkit cannot swap."""
        if not keys:
            return []
        import tomlkit
        from tomlkit.exceptions import ParseError

        try:
            document = tomlkit.parse(self.text)
        except ParseError:
            return [SourceLoc(shown, 1) for _key in keys]
        prefix = f"build-deck-place-{uuid.uuid4().hex}-"
        swaps: list[_Swap | None] = []
        for number, key in enumerate(keys):
            try:
                swaps.append(_swap(document, key, prefix, number))
            except Exception as exc:  # a shape tomlkit cannot swap: the file's start
                log.debug("no place for %s in %s: %r", key, shown, exc)
                swaps.append(None)
        rendered = document.as_string()
        # Each marker once, in document order; the value starts at its opening quote.
        found = [(match.start() - 1, int(match[1]))
                 for match in re.finditer(re.escape(prefix) + r"(\d{9})", rendered)]
        places = [SourceLoc(shown, 1)] * len(keys)
        added = 0
        for at, n in found:
            swap = swaps[n]
            assert swap is not None
            places[n] = SourceLoc(shown, *self._line_col(at - added, swap.key))
            added += swap.added
        return places

    def _line_col(self, at: int, key: str | None) -> tuple[int, int]:
        start = self.text.rfind("\n", 0, at) + 1
        col = at - start + 1
        if key is not None:
            found = self.text.rfind(key, start, at)
            col = found - start + 1 if found >= 0 else col
        return self.text.count("\n", 0, at) + 1, col


@dataclass(frozen=True)
class _Swap:
    marker: str
    key: str | None
    """The key's name, when the key's place is wanted rather than its value's."""
    added: int
    """How much longer the document got."""


def _swap(document: Any, key: Key, prefix: str, number: int) -> _Swap:
    import tomlkit

    want_key = key[-1:] == ("key",)
    path = key[:-1] if want_key else key
    container: Any = document["tool"]
    parents: Key = (TABLE, *path)
    for part in parents[:-1]:
        container = container[part]
    last = parents[-1]
    item = container[last]
    if isinstance(item, tomlkit.items.Table) and not item.is_super_table() and item:
        # A [tool.build-deck.x] table: swapped for a value it would move; use its
        # first key's line instead.
        container, last = item, next(iter(item))
        item = container[last]
    marker = f"{prefix}{number:09d}"
    was = _written_length(item)
    container[last] = marker
    return _Swap(marker, str(last) if want_key else None, len(marker) + 2 - was)


def _written_length(item: Any) -> int:
    """How long a value is as written (tomlkit gives a boolean as plain Python's)."""
    if isinstance(item, bool):
        return len("true" if item else "false")
    return len(item.as_string())


def key_place(path: Path, shown: str, name: str) -> SourceLoc:
    """Where the setting ``name`` is written in ``path``; the file's start when it is not."""
    try:
        return _Places(_project_text(path)).locate(shown, [(name, "key")])[0]
    except (OSError, UnicodeDecodeError):
        return SourceLoc(shown, 1)


def find_project(folder: Path, read: Callable[[Path], ProjectSettings | None]
                 ) -> ProjectSettings:
    """The settings of the nearest pyproject.toml with a build-deck table, looking in
    ``folder`` and then in each folder above it."""
    for place in (folder, *folder.parents):
        candidate = place / PYPROJECT
        if inputs.is_file(candidate):
            found = read(candidate)
            if found is not None:
                return found
    return NO_PROJECT
