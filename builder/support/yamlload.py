"""PyYAML, in one place: notes' YAML (front matter, diagram blocks) read safely.

YAML is composed recursively by PyYAML, so its depth is checked on the event stream,
which PyYAML parses without recursion; aliases are refused outright.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache
from types import ModuleType
from typing import Any

MAX_YAML_DEPTH = 64
MAX_YAML_REPEATS = 10
"""Keys written again that one document notes one by one; the rest are counted on the
last (``Repeated.more``): a block of 100,000 ``a: 1`` lines warned 99,999 times."""
MAX_YAML_NODES = 10_000
"""Keys, values and items one document may hold: front matter and a diagram block hold a
few dozen.  PyYAML reads in pure Python (about 50 µs a node, read twice: the guard, then
the loading), so 1 MB of ``k: 1`` lines, 200,000 nodes, took 10 s of CPU; the guard stops
at the first node past this, and nothing is loaded."""
MAX_YAML_INT_CHARS = 1_000
"""Python refuses to read an int of more than 4,300 digits (ValueError, not a YAML error),
and a sexagesimal one (``1:2:3``) is multiplied out digit group by digit group."""


class YAMLError(Exception):
    """What every loader here raises on YAML it cannot read: PyYAML's error, as it says it
    (``str``), its one-line ``problem`` and the ``place`` it points at.

    PyYAML's own class is not handed out, so that the parser's modules can name this one
    without loading PyYAML (~10 ms of every build's start, most of which read no YAML)."""

    def __init__(self, message: str, problem: str | None = None,
                 place: tuple[int, int] | None = None) -> None:
        super().__init__(message)
        self.problem = problem
        self.place = place
        """0-based line and column, if the error points anywhere."""


class YamlRefused(YAMLError):
    """YAML nested deeper than ``MAX_YAML_DEPTH``, or with an alias."""

    def __init__(self, line: int, column: int,
                 problem: str = f"nested more than {MAX_YAML_DEPTH} levels deep") -> None:
        super().__init__(problem, problem, (line, column))


def pyyaml() -> ModuleType:
    """PyYAML itself, for a library that asks for it (genanki: ``builder.anki.apkg``)."""
    import yaml

    return yaml


@contextmanager
def _ours() -> Iterator[None]:
    """Re-raise PyYAML's errors as ``YAMLError``."""
    import yaml

    try:
        yield
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None)
        raise YAMLError(str(exc), None if problem is None else str(problem),
                        None if mark is None else (mark.line, mark.column)) from exc


def load_yaml(text: str) -> Any:
    """``yaml.safe_load`` that refuses documents nested too deeply, as ``YamlRefused``.

    Aliases (``*name``) are refused too: nine lines of them make a list of a billion
    items for whatever walks the result ("billion laughs"), and notes never need them.
    """
    import yaml

    with _ours():
        _refuse_deep_or_aliased(text)
        return yaml.safe_load(text)


def _refuse_deep_or_aliased(text: str) -> None:
    import yaml

    depth = nodes = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        nodes += isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent)
        if nodes > MAX_YAML_NODES:
            raise _refused(event, f"more than {MAX_YAML_NODES:,} keys, values and items")
        if isinstance(event, yaml.AliasEvent):
            raise _refused(event, "aliases (*name) are not allowed")
        if isinstance(event, yaml.ScalarEvent) and _too_long_int(yaml, event):
            raise _refused(event, f"a number of {len(event.value):,} characters, longer "
                           f"than the {MAX_YAML_INT_CHARS:,} a number may have; quote it "
                           "to keep it as text")
        half = _SURROGATE.search(event.value) if isinstance(event, yaml.ScalarEvent) else None
        if half is not None:
            raise _refused(event, f"'\\u{ord(half.group()):04x}' is half of a UTF-16 "
                           "pair, no character; write the character itself")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise _refused(event)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _refused(event: Any, problem: str | None = None) -> YamlRefused:
    """``YamlRefused`` at a parse event's start (its default problem, too deep, when
    ``problem`` is None)."""
    mark = event.start_mark
    line, column = (mark.line, mark.column) if mark else (0, 0)
    return YamlRefused(line, column) if problem is None else YamlRefused(line, column, problem)


_SURROGATE = re.compile("[\ud800-\udfff]")
"""What a YAML escape (``"\\ud800"``) can make and no UTF-8 text holds: a name or key
holding one failed as the build hashed or wrote it."""


def _too_long_int(yaml: ModuleType, event: Any) -> bool:
    """A plain scalar the loader would read as an int, too long to read."""
    if len(event.value) <= MAX_YAML_INT_CHARS or not event.implicit[0]:
        return False
    tag = yaml.SafeLoader.resolve(yaml.SafeLoader, yaml.ScalarNode, event.value, (True, False))
    return bool(tag == "tag:yaml.org,2002:int")


@dataclass(frozen=True)
class Place:
    """Where a top-level key of a YAML mapping and its value are (0-based line, column)."""

    key: tuple[int, int]
    value: tuple[int, int]
    items: tuple[tuple[int, int], ...] = ()
    """Each item's place, when the value is a list."""


@dataclass(frozen=True)
class Repeated:
    """A key written a second time in one mapping: YAML keeps its last value unsaid."""

    key: str
    place: tuple[int, int]
    """Where it is written again (0-based line, column)."""
    first: tuple[int, int]
    """Where it was written first."""
    more: int = 0
    """Keys the document writes again after this one, past ``MAX_YAML_REPEATS``, not
    noted one by one."""


def load_yaml_with_places(text: str) -> tuple[Any, dict[str, Place], list[Repeated]]:
    """``load_yaml``, where each key of the top-level mapping is written (none for other
    documents), and each key repeated in any mapping: composed once, then built as
    ``safe_load`` builds it, but for the top-level mapping's keys that are not strings
    (``~``, ``true``, ``3``): those are the strings written, so a message names them so."""
    with _ours():
        return _with_places(text)


def _with_places(text: str) -> tuple[Any, dict[str, Place], list[Repeated]]:
    import yaml

    _refuse_deep_or_aliased(text)
    loader = _repeats_loader()(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()
    repeated: list[Repeated] = loader.repeated
    if loader.unnoted:
        repeated[-1] = replace(repeated[-1], more=loader.unnoted)
    if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
        return data, {}, repeated
    places: dict[str, Place] = {}
    written: dict[object, str] = {}
    for key, value in node.value:
        # Keyed as loading keys them: ``true:`` is the key True, ``3:`` the key 3 …
        name = loader.construct_object(key) if isinstance(key, yaml.ScalarNode) \
            else key.value
        if not isinstance(name, str) and isinstance(key, yaml.ScalarNode):
            # … and named as written: ``~`` is no key "None", ``true`` no "True".
            written[name] = key.value
            name = key.value
        items = tuple((item.start_mark.line, item.start_mark.column) for item in value.value) \
            if isinstance(value, yaml.SequenceNode) else ()
        # The last of a repeated key, as loading keeps its value.
        places[str(name)] = Place((key.start_mark.line, key.start_mark.column),
                                  (value.start_mark.line, value.start_mark.column), items)
    if written:
        data = {written.get(key, key): value for key, value in data.items()}
    return data, places, repeated


@cache
def _repeats_loader() -> type[Any]:
    """PyYAML's safe loader, noting each key a mapping repeats (``repeated``, the first
    ``MAX_YAML_REPEATS``; ``unnoted`` counts the rest) as it builds the mapping, wherever
    the mapping is nested."""
    import yaml

    class RepeatsLoader(yaml.SafeLoader):
        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.repeated: list[Repeated] = []
            self.unnoted = 0

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                # Merge keys (``<<: {steps: 100}``) first, as the safe loader merges them
                # (their keys, placed where written, go before the mapping's own); a key
                # merged in and written again is overridden, as YAML means, not repeated.
                own = {id(key_node) for key_node, _value in node.value}
                self.flatten_mapping(node)
                self._note_repeats([key_node for key_node, _value in node.value
                                    if id(key_node) in own])
            return super().construct_mapping(node, deep)

        def _note_repeats(self, keys: list[Any]) -> None:
            first: dict[object, tuple[int, int]] = {}
            for key_node in keys:
                if not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = self.construct_object(key_node)  # ``true`` and ``True`` are one key
                place = (key_node.start_mark.line, key_node.start_mark.column)
                if key not in first:
                    first[key] = place
                elif len(self.repeated) < MAX_YAML_REPEATS:
                    # Named as written: ``~`` is no key "None".
                    self.repeated.append(Repeated(key_node.value, place, first[key]))
                else:
                    self.unnoted += 1

    return RepeatsLoader


def repeats_after(again: Repeated) -> str:
    """What a warning at ``again`` adds for the keys written again after it, not each
    warned at: "; and 99,989 more keys written again, not each named"."""
    return "" if not again.more else \
        f"; and {again.more:,} more key{'s' if again.more > 1 else ''} written again, " \
        "not each named"


def load_plain(text: str) -> Any:
    """``yaml.safe_load`` unguarded: for a short value or a guess whose result is only
    looked at, never walked (its depth may still raise ``RecursionError``)."""
    import yaml

    with _ours():
        return yaml.safe_load(text)


def error_place(exc: YAMLError) -> tuple[int, int] | None:
    """0-based line and column a YAML error points at, if it points anywhere."""
    return exc.place


def yaml_problem(exc: YAMLError) -> str:
    """The one-line reason of a YAML error, without PyYAML's quoted context."""
    return exc.problem if exc.problem else str(exc).splitlines()[0]
