"""Front matter: the per-file settings at the top of the notes, read and checked.

Each setting is checked on its own: a bad one is reported and left out, the others
still apply.
"""

from __future__ import annotations

from markdown_it.token import Token

from builder.detect import AUTO, FILE, STYLES
from builder.model import Diagnostic, SourceLoc
from builder.yamlload import YAMLError, YamlRefused, error_place, load_yaml

FRONT_MATTER_KEYS = {"deck", "title", "tags", "section_level", "question_level",
                     "question_style", "breaks", "ignore"}
"""The settings front matter may hold."""


def front_matter(tokens: list[Token], path: str) -> dict[str, object]:
    """Return the file's front matter settings that are valid (problems left unsaid)."""
    return read_front_matter(tokens, path)[0]


def read_front_matter(tokens: list[Token], path: str
                      ) -> tuple[dict[str, object], list[Diagnostic]]:
    """Return the file's valid front matter settings, and a diagnostic for each other."""
    if not tokens or tokens[0].type != "front_matter":
        return {}, []
    diagnostics: list[Diagnostic] = []
    loc = SourceLoc(path, 1)
    try:
        data = load_yaml(tokens[0].content)
    except YAMLError as exc:
        place = error_place(exc)
        if place is not None:
            loc = SourceLoc(path, place[0] + 2, place[1] + 1)
        detail = f": {exc}" if isinstance(exc, YamlRefused) else ""
        diagnostics.append(Diagnostic(loc, "error", f"front matter is not valid YAML{detail}",
                                      "front-matter"))
        return {}, diagnostics
    if data is None:
        return {}, diagnostics
    if not isinstance(data, dict):
        diagnostics.append(Diagnostic(loc, "error", "front matter must be a YAML mapping",
                                      "front-matter"))
        return {}, diagnostics
    checked: dict[str, object] = {}
    for key, value in data.items():
        problem = _front_matter_problem(str(key), value)
        if problem:
            diagnostics.append(Diagnostic(loc, "warning", problem, "front-matter"))
        else:
            checked[str(key)] = value
    return checked, diagnostics


def _front_matter_problem(key: str, value: object) -> str | None:
    if key not in FRONT_MATTER_KEYS:
        return f"unknown front matter key '{key}' (known: {', '.join(sorted(FRONT_MATTER_KEYS))})"
    if key in ("deck", "title") and not (isinstance(value, str) and value.strip()):
        return f"front matter '{key}' must be a non-empty string"
    words = (AUTO, FILE) if key == "question_level" else (AUTO,)
    if key in ("section_level", "question_level") and not (
        (isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 6)
        or value in words
    ):
        return (f"front matter '{key}' must be a heading level from 1 to 6 or "
                + " or ".join(f"'{w}'" for w in words))
    if key == "question_style" and value not in STYLES:
        return f"front matter 'question_style' must be one of {', '.join(STYLES)}"
    if key == "breaks" and not isinstance(value, bool):
        return "front matter 'breaks' must be true or false"
    if key in ("tags", "ignore") and not (
        isinstance(value, str)
        or (isinstance(value, list) and all(isinstance(t, str) for t in value))
    ):
        return f"front matter '{key}' must be a string or a list of strings"
    return None


def strings(value: object) -> tuple[str, ...]:
    """Read a front matter value that is one string or a list of them."""
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value) if isinstance(value, list) else ()
