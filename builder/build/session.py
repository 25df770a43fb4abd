"""Builds one after another in one process (``build-deck watch``), and what they keep
warm from one build to the next."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from builder.anki.kept import NoteMemory
    from builder.parse import cache as parsecache


@dataclass
class Session:
    """Builds one after another in one process (``build-deck watch``).

    Errors keep the last good outputs: a save with broken front matter, or a file caught
    half-written, is reported and writes nothing, rather than a deck missing its notes.
    """

    parsed: parsecache.Memory = field(default_factory=dict)
    """Every file's parse, kept in memory from one build to the next."""
    notes: NoteMemory = field(default_factory=lambda: _note_memory())
    """Every card's note, kept in memory from one build to the next."""
    unsaved: list[parsecache.ParseCache] = field(default_factory=list)
    """Parse caches of this session's builds not yet stored: pickling a large file's
    parse costs about as much as the rest of a rebuild, so a watch stores them when it
    is idle (``save_parses``), not between a save and the deck it asks for."""

    def save_parses(self) -> None:
        """Store the parses this session's builds made, oldest first."""
        while self.unsaved:
            self.unsaved.pop(0).save()


_SESSION: contextvars.ContextVar[Session | None] = contextvars.ContextVar("session",
                                                                          default=None)


@contextlib.contextmanager
def in_session(session: Session) -> Iterator[Session]:
    """Run the builds started in this block as ``session``'s."""
    from builder.parse import cache as parsecache

    token = _SESSION.set(session)
    try:
        with parsecache.kept_in_memory(session.parsed):
            yield session
    finally:
        _SESSION.reset(token)


def _note_memory() -> NoteMemory:
    from builder.anki.kept import NoteMemory

    return NoteMemory()




def current() -> Session | None:
    """The session the running build belongs to, if any."""
    return _SESSION.get()
