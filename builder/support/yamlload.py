"""PyYAML, in one place: notes' YAML (front matter, diagram blocks) read safely.

YAML is composed recursively by PyYAML, so its depth is checked on the event stream,
which PyYAML parses without recursion; aliases are refused outright.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

MAX_YAML_DEPTH = 64

YAMLError = yaml.YAMLError
"""What every loader here raises on YAML it cannot read."""


class YamlRefused(yaml.YAMLError):
    """YAML nested deeper than ``MAX_YAML_DEPTH``, or with an alias."""

    def __init__(self, line: int, column: int,
                 problem: str = f"nested more than {MAX_YAML_DEPTH} levels deep") -> None:
        super().__init__(problem)
        self.problem = str(self)
        self.problem_mark = yaml.Mark("", 0, line, column, None, 0)


def load_yaml(text: str) -> Any:
    """``yaml.safe_load`` that refuses documents nested too deeply, as ``YamlRefused``.

    Aliases (``*name``) are refused too: nine lines of them make a list of a billion
    items for whatever walks the result ("billion laughs"), and notes never need them.
    """
    _refuse_deep_or_aliased(text)
    return yaml.safe_load(text)


def _refuse_deep_or_aliased(text: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            raise YamlRefused(mark.line if mark else 0, mark.column if mark else 0,
                              "aliases (*name) are not allowed")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                mark = event.start_mark
                raise YamlRefused(mark.line if mark else 0, mark.column if mark else 0)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


@dataclass(frozen=True)
class Place:
    """Where a top-level key of a YAML mapping and its value are (0-based line, column)."""

    key: tuple[int, int]
    value: tuple[int, int]
    items: tuple[tuple[int, int], ...] = ()
    """Each item's place, when the value is a list."""


def load_yaml_with_places(text: str) -> tuple[Any, dict[str, Place]]:
    """``load_yaml``, and where each key of the top-level mapping is written (none for
    other documents): composed once, then built as ``safe_load`` builds it."""
    _refuse_deep_or_aliased(text)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()
    if not isinstance(node, yaml.MappingNode):
        return data, {}
    places: dict[str, Place] = {}
    for key, value in node.value:
        # Keyed as loading keys them: ``true:`` is the key True, ``3:`` the key 3.
        name = loader.construct_object(key) if isinstance(key, yaml.ScalarNode) \
            else key.value
        items = tuple((item.start_mark.line, item.start_mark.column) for item in value.value) \
            if isinstance(value, yaml.SequenceNode) else ()
        # The last of a repeated key, as loading keeps its value.
        places[str(name)] = Place((key.start_mark.line, key.start_mark.column),
                                  (value.start_mark.line, value.start_mark.column), items)
    return data, places


def load_plain(text: str) -> Any:
    """``yaml.safe_load`` unguarded: for a short value or a guess whose result is only
    looked at, never walked (its depth may still raise ``RecursionError``)."""
    return yaml.safe_load(text)


def error_place(exc: yaml.YAMLError) -> tuple[int, int] | None:
    """0-based line and column a YAML error points at, if it points anywhere."""
    mark = getattr(exc, "problem_mark", None)
    return None if mark is None else (mark.line, mark.column)


def yaml_problem(exc: yaml.YAMLError) -> str:
    """The one-line reason of a YAML error, without PyYAML's quoted context."""
    problem = getattr(exc, "problem", None)
    return str(problem) if problem else str(exc).splitlines()[0]
