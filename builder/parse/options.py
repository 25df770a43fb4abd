"""How sources are read by default: the parse settings a build's configuration carries.

Kept apart from the parser so that everything reading a configuration (the command
line, the up-to-date record, ``check``) does not load markdown-it and YAML for them.
"""

from __future__ import annotations

from dataclasses import dataclass

AUTO = "auto"
FILE = "file"
STYLES = ("auto", "heading", "bold")


@dataclass(frozen=True)
class ParseOptions:
    """Defaults that front matter may override, file by file.

    Levels are heading levels, or ``auto`` to read them off each file (``builder.parse.detect``);
    the question level may also be ``file``: the whole file is one question.
    """

    section_level: int | str = AUTO
    question_level: int | str = AUTO
    breaks: bool = True
    deck: str | None = None
    question_style: str = AUTO
    """``auto``, ``heading`` or ``bold`` (questions written as whole bold lines)."""
    source_line: str = "show"
    """``show`` or ``hide`` the card's Source line (``builder.anki.cardtemplate``)."""


def level_setting(value: object) -> int | str:
    """A level setting from front matter or options: a heading level, ``file`` or ``auto``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return FILE if value == FILE else AUTO
