"""A build's notes settled before anything is written: assembled, checked, and given
their GUIDs and times from the identity lock."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from builder.build.prewrite import check_media_size, check_output_names, stamp_or_fail
from builder.support.collector import collector_paused

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from builder.anki.kept import NoteHashes
    from builder.anki.stamp import Stamped
    from builder.build.config import BuildConfig
    from builder.build.gather import Assembled, Gathered
    from builder.build.session import Session
    from builder.model import Diagnostic
    from builder.parse import cache as parsecache


def settled(gathered: Gathered, config: BuildConfig, session: Session | None
            ) -> tuple[Assembled, tuple[Diagnostic, ...], Stamped, list[parsecache.ParseCache]]:
    """Every deck's notes, the checks made of them before they are written, their GUIDs
    and times from the identity lock, and the caches to store once the build writes.

    A handful of objects per note, all kept to the end of the build, and none in a
    cycle: Python's collector, had it run, would look through each of them again and
    again (a tenth of an edit's build at 20,000 notes) and find nothing to free.  So
    once the notes are made (with the collector on: notes made anew leave garbage), they
    are set aside from it (``gc.freeze``) until the build ends (``run.build``), as what
    was loaded before is (``parsejobs.look_up_parses``), and it is paused while they are
    stamped.
    """
    assembled, caches_for = _assembled(gathered, config, session)
    gc.freeze()
    with collector_paused():
        checks = (*check_media_size(gathered, assembled),
                  *check_output_names(gathered, assembled, config))
        stamped = stamp_or_fail(gathered, assembled, checks, config)
        caches = caches_for(stamped.hashes)
        gc.freeze()
    return assembled, checks, stamped, caches


def _assembled(gathered: Gathered, config: BuildConfig, session: Session | None
               ) -> tuple[Assembled, Callable[[Mapping[str, NoteHashes]],
                                              list[parsecache.ParseCache]]]:
    """Every deck's notes, made again only for questions parsed again; and what gives
    the caches to store once the build writes (its parses, and its notes beside them,
    with what stamping them hashed)."""
    from builder.anki.kept import NoteMemory
    from builder.build import notecache
    from builder.build.gather import assemble

    memory = session.notes if session is not None else NoteMemory()
    # A watch keeps its notes in memory: only its first build reads them.
    found = notecache.load(config.cache, gathered.bases, memory) if not memory.made else {}
    memory.move(gathered.moved)
    assembled = assemble(gathered, config, memory)

    def caches(hashes: Mapping[str, NoteHashes]) -> list[parsecache.ParseCache]:
        notes = notecache.store(config.cache, gathered.stored, found, memory, hashes)
        return [cache for cache in (gathered.parse_cache, notes) if cache is not None]

    return assembled, caches
