"""A ``diagram`` fence's body read: its YAML, its type and parameters, checked.

Apart from ``builder.parse.markdown``, which meets the fence among the tokens and keeps
the diagram it gets back: reading the block needs none of markdown-it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial

from builder.model import Diagnostic, Diagram, SourceLoc, one_line
from builder.parse.diagramnumbers import with_numbers
from builder.support.yamlload import (
    Repeated,
    YAMLError,
    error_place,
    load_yaml_with_places,
    repeats_after,
    yaml_problem,
)

Validate = Callable[[str, dict[str, object]], str | None]
"""Checks a diagram's kind and parameters: an error message, or None when they are fine."""


def read_diagram(body: str, path: str, line: int, lang: str, validate: Validate
                 ) -> tuple[Diagram | None, list[Diagnostic]]:
    """The diagram a block at ``line`` (its fence's line) describes, or None, and what is
    said about it; a block without its own ``lang`` is labelled in ``lang``."""
    loc = SourceLoc(path, line, 1)
    try:
        data, _places, repeated = load_yaml_with_places(body)
    except YAMLError as exc:
        place = error_place(exc)
        if place is not None:
            loc = SourceLoc(path, line + 1 + place[0], place[1] + 1)
        return None, [_error(loc, f"diagram block is not valid YAML: {yaml_problem(exc)}",
                             "diagram-yaml")]
    said = [_repeated(again, path, line) for again in repeated]
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return None, [*said, _error(loc, "diagram block needs a mapping with 'type: NAME'",
                                    "diagram-type")]
    kind = data.pop("type")
    params = {str(k): v for k, v in data.items()}
    # In the params, the language is part of the image's name: a zh and an en drawing of
    # the same block are two images.
    params.setdefault("lang", lang)
    problem = validate(kind, params)
    if problem is not None:
        params, problem = with_numbers(params, problem, partial(validate, kind))
    if problem is not None:
        code = "diagram-type" if problem.startswith("unknown diagram type") else "diagram-param"
        return None, [*said, _error(loc, problem, code)]
    canonical = json.dumps({"type": kind, **params}, sort_keys=True, ensure_ascii=False,
                           default=str)
    return Diagram(kind, tuple(sorted(params.items())), canonical, loc), said


def _error(loc: SourceLoc, message: str, code: str) -> Diagnostic:
    return Diagnostic(loc, "error", message, code)


def _repeated(again: Repeated, path: str, line: int) -> Diagnostic:
    """A key written twice in one mapping: YAML keeps the last value and says nothing, so
    the first, perhaps the one meant, is dropped unseen.  The first is named by how far
    above it is, not by its line: a question moved by an edit above it is read again
    alone, its reports moved, their words kept (``builder.parse.splice``)."""
    above = again.place[0] - again.first[0]
    return Diagnostic(
        SourceLoc(path, line + 1 + again.place[0], again.place[1] + 1), "warning",
        f"diagram key '{one_line(again.key)[:40]}' is written again here (first "
        f"{_above(above)}): only this value is read{repeats_after(again)}", "diagram-yaml")


def _above(lines: int) -> str:
    return "earlier on this line" if lines == 0 \
        else f"{lines} line{'s' if lines > 1 else ''} above"
