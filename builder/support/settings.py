"""The settings a build takes, checked the same way wherever they are written.

A setting is named like the ``build`` option that sets it (``pdf-style`` for
``--pdf-style``; ``no-lock`` for ``--no-lock``).  It can be given on the command line,
in the ``[tool.build-deck]`` table of ``pyproject.toml`` and, for the few that describe
one file rather than the whole build, in that file's front matter (written with ``_``:
``section_level``).  This module knows their names and allowed values, and nothing else:
no third-party library, so the command line can build its options from it cheaply.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from builder.support.codes import CODES

AUTO = "auto"
FILE = "file"
FORMATS = ("apkg", "pdf", "html")
"""Every output format ``--format`` can name."""
DEFAULT_FORMATS = ("apkg", "pdf")
"""What a build writes when no format is chosen."""
MATH_MODES = ("image", "mathjax")
PAPERS = ("a4", "letter")
PDF_STYLES = ("sheet", "cards")
SOURCE_LINES = ("show", "hide")
QUESTION_STYLES = (AUTO, "heading", "bold")
COLUMNS = (1, 3)
JOBS = (0, 64)


class SettingError(ValueError):
    """A setting's value is not allowed; the message says what is."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or nothing if none is close."""
    # 0.75: ``titel``, ``pdf-stlye``, ``chek`` are close; a blog's ``seo_title`` is not.
    import difflib  # only for a word that is wrong

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def shown(value: object) -> str:
    """A value as the user wrote it in TOML or YAML: ``true``, ``'A3'``, ``[1, 2]``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = f"'{value}'" if isinstance(value, str) else repr(value)
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def _choice(*words: str) -> Callable[[object], object]:
    def check(value: object) -> object:
        if isinstance(value, str) and value.strip().lower() in words:
            return value.strip().lower()
        hint = did_you_mean(value.lower(), words) if isinstance(value, str) else ""
        raise SettingError(f"must be one of {', '.join(words)}, not {shown(value)}{hint}")
    return check


def _whole(low: int, high: int) -> Callable[[object], object]:
    def check(value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        raise SettingError(f"must be a whole number from {low} to {high}, not {shown(value)}")
    return check


def _level(*words: str) -> Callable[[object], object]:
    def check(value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 6:
            return value
        if isinstance(value, str) and value.strip().lower() in words:
            return value.strip().lower()
        raise SettingError("must be a heading level from 1 to 6 or "
                           + " or ".join(f"'{w}'" for w in words) + f", not {shown(value)}")
    return check


def _flag(value: object) -> object:
    if isinstance(value, bool):
        return value
    raise SettingError(f"must be true or false, not {shown(value)}")


def _text(value: object) -> object:
    if isinstance(value, str) and value.strip():
        return value
    raise SettingError(f"must be a non-empty string, not {shown(value)}")


MAX_PATH_FOLDERS = 100
"""Folders a path setting may name: Python makes each missing folder of a path in a call
of its own, and a thousand levels ended the build in a RecursionError traceback."""


def _path(value: object) -> object:
    text = str(_text(value))
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise SettingError(f"must be a path without control characters, not {shown(value)}")
    if len(Path(text).parts) > MAX_PATH_FOLDERS:
        raise SettingError(f"must be a path of at most {MAX_PATH_FOLDERS} folders, not one "
                           f"of {len(Path(text).parts)}")
    return Path(text)


def _site_root(value: object) -> object:
    text = str(_path(value))
    # Pictures are read from inside the source tree only: a site root outside it could
    # only ever be refused, picture by picture, so it is refused here once.  Either
    # separator and a drive (``C:``) count, since the same notes travel between systems.
    slashed = text.replace("\\", "/")
    outside = (PurePosixPath(slashed).is_absolute() or PureWindowsPath(text).anchor
               or posixpath.normpath(slashed).split("/")[0] == "..")
    if outside:
        raise SettingError("must be a folder inside the source tree (a relative path that "
                           f"does not climb out with '..'), not {shown(value)}")
    return text


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise SettingError(f"must be a string or a list of strings, not {shown(value)}")


def _formats(value: object) -> object:
    words = [w.strip().lower() for v in _strings(value) for w in v.split(",") if w.strip()]
    unknown = [w for w in words if w not in FORMATS]
    if unknown or not words:
        hint = did_you_mean(unknown[0], FORMATS) if unknown else ""
        raise SettingError(f"must name formats from {', '.join(FORMATS)}, not {shown(value)}"
                           f"{hint}")
    return tuple(dict.fromkeys(words))


@dataclass(frozen=True)
class Setting:
    """One setting: its name (the option's), the keyword ``configure`` takes, its check."""

    name: str
    keyword: str
    check: Callable[[object], object]
    per_file: bool = False
    """Front matter may set it for its own file."""

    @property
    def front_matter_key(self) -> str:
        return self.name.replace("-", "_")


SETTINGS = {s.name: s for s in (
    Setting("out", "out_dir", _path),
    Setting("format", "formats", _formats),
    Setting("math", "math", _choice(*MATH_MODES)),
    Setting("section-level", "section_level", _level(AUTO), per_file=True),
    Setting("question-level", "question_level", _level(AUTO, FILE), per_file=True),
    Setting("question-style", "question_style", _choice(*QUESTION_STYLES), per_file=True),
    Setting("breaks", "breaks", _flag, per_file=True),
    Setting("keep-empty", "keep_empty", _flag),
    Setting("strict", "strict", _flag),
    Setting("no-lock", "no_lock", _flag),
    Setting("lock", "lock_path", _path),
    Setting("cache-dir", "cache_dir", _path),
    Setting("jobs", "jobs", _whole(*JOBS)),
    Setting("site-root", "site_root", _site_root),
    Setting("paper", "paper", _choice(*PAPERS)),
    Setting("columns", "columns", _whole(*COLUMNS)),
    Setting("pdf-style", "pdf_style", _choice(*PDF_STYLES)),
    Setting("diff", "diff", _flag),
    Setting("ignore", "ignore", _strings, per_file=True),
    Setting("source-line", "source_line", _choice(*SOURCE_LINES), per_file=True),
)}
"""Every setting a project file may hold, by name."""

PATH_SETTINGS = frozenset({"out", "lock", "cache-dir"})
"""Settings naming a path: in pyproject.toml, relative to the file's folder."""


def code_problem(code: str) -> str | None:
    """What is wrong with a code in an ``ignore`` list: no diagnostic has it."""
    if code in CODES:
        return None
    return f"unknown code '{code}' in ignore{did_you_mean(code, CODES)}"
