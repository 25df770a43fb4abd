"""NamedTuples made without their constructor, checked once against their fields.

A NamedTuple's constructor is a Python function; ``tuple.__new__(cls, values)`` makes
the same tuple in C, a third of the time, and the builder makes several per note
(20,000 notes in an edit's build).  But it checks nothing: a field added later with a
default would leave every tuple made that way one value short, silently.  So each such
place names the class and the number of values it gives (``maker``), checked when its
module loads, and every maker is listed (``MAKERS``) for tests/test_shorttuple.py to
check that the values each one is given are as many as the class has fields.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TypeVar, cast

T = TypeVar("T", bound=tuple[object, ...])

MAKERS: list[tuple[type[tuple[object, ...]], int]] = []
"""Each maker's class, and the number of values its callers give it."""


def maker(cls: type[T], arity: int) -> Callable[[Iterable[object]], T]:
    """``tuple.__new__`` for ``cls``, whose callers give ``arity`` values; a TypeError
    (when the caller's module loads) if ``cls`` has another number of fields."""
    fields = getattr(cls, "_fields", None)
    if not isinstance(fields, tuple) or len(fields) != arity:
        raise TypeError(f"{cls.__name__} has fields {fields}, not {arity}: "
                        "its short path would make tuples of the wrong length")
    MAKERS.append((cls, arity))
    return cast(Callable[[Iterable[object]], T], functools.partial(tuple.__new__, cls))
