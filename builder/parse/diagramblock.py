"""A ``diagram`` fence's body read: its YAML, its type and parameters, checked.

Apart from ``builder.parse.markdown``, which meets the fence among the tokens and keeps
the diagram it gets back: reading the block needs none of markdown-it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial

from builder.model import Diagnostic, Diagram, SourceLoc
from builder.parse.diagramnumbers import with_numbers
from builder.support.yamlload import YAMLError, error_place, load_yaml, yaml_problem

Validate = Callable[[str, dict[str, object]], str | None]
"""Checks a diagram's kind and parameters: an error message, or None when they are fine."""


def read_diagram(body: str, path: str, line: int, lang: str, validate: Validate
                 ) -> tuple[Diagram | None, list[Diagnostic]]:
    """The diagram a block at ``line`` (its fence's line) describes, or None, and what is
    said about it; a block without its own ``lang`` is labelled in ``lang``."""
    loc = SourceLoc(path, line, 1)
    try:
        data = load_yaml(body)
    except YAMLError as exc:
        place = error_place(exc)
        if place is not None:
            loc = SourceLoc(path, line + 1 + place[0], place[1] + 1)
        return None, [_error(loc, f"diagram block is not valid YAML: {yaml_problem(exc)}",
                             "diagram-yaml")]
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return None, [_error(loc, "diagram block needs a mapping with 'type: NAME'",
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
        return None, [_error(loc, problem, code)]
    canonical = json.dumps({"type": kind, **params}, sort_keys=True, ensure_ascii=False,
                           default=str)
    return Diagram(kind, tuple(sorted(params.items())), canonical, loc), []


def _error(loc: SourceLoc, message: str, code: str) -> Diagnostic:
    return Diagnostic(loc, "error", message, code)
