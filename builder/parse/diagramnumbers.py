"""Numbers PyYAML reads as text in a diagram block, read as the numbers they are.

PyYAML follows YAML 1.1, whose floats need a dot and a signed exponent: ``1e-06``,
``1E5`` and ``1.0e6`` are strings to it, numbers to YAML 1.2, Python and the author.  A
parameter that asks for a number and was given such a string is read as that number.
Only a parameter the diagram refused is looked at again, so every block drawn before
keeps its parameters, and its picture its name (a hash of them).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
"""YAML 1.2's core-schema float, as a plain scalar writes it."""
_REFUSED = re.compile(r": parameter '([^']*)' must be ")
"""How ``builder.render.diagrams.resolve`` names the parameter it refuses."""


def with_numbers(params: dict[str, object], problem: str,
                 check: Callable[[dict[str, object]], str | None]
                 ) -> tuple[dict[str, object], str | None]:
    """``params`` with each refused parameter written as a YAML 1.2 number read as one,
    and the problem ``check`` then finds (None: the diagram can be drawn)."""
    found: str | None = problem
    tried = dict(params)
    while found is not None:
        named = _REFUSED.search(found)
        if named is None or named.group(1) not in tried:
            break
        value = tried[named.group(1)]
        number = _number(value)
        if number is value:  # nothing to read differently: the problem stands
            break  # (``is``: a refused NaN is no ``==`` to itself, and looped for ever)
        tried[named.group(1)] = number
        found = check(tried)
    return tried, found


def _number(value: object) -> object:
    # (No list parameter takes numbers with a fraction.)
    if isinstance(value, str) and _FLOAT.fullmatch(value.strip()):
        return float(value)
    return value
