"""Each source file's parse for a build: from the parse cache, spliced onto its last
parse after an edit (``builder.build.sourceparse``), parsed (in workers when large), or
(for an ``.apkg`` that shows no parse) its notes as its last build kept them
(``builder.build.notecache``)."""

from __future__ import annotations

import gc
import logging
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

from builder.anki import notes
from builder.build import notecache
from builder.build.config import display_path, outside_link
from builder.build.notecache import StoredFile
from builder.build.parsepool import ParseTask, parse_all
from builder.build.sourceparse import ParsedSource, parse_source, splice_source
from builder.model import Card, Document
from builder.parse.cache import ParseCache
from builder.parse.document import ParseOptions
from builder.parse.source import ColumnMap, too_large
from builder.render.assets import Assets, Progress
from builder.support import inputs
from builder.support.collector import collector_paused

log = logging.getLogger(__name__)

SPLICES_KEPT = 8
"""Edited questions a one-shot build splices onto a file's stored parse before it stores
the spliced parse in its place."""


@dataclass
class ParseJob:
    path: Path
    root: Path
    shown: str
    data: bytes | None
    """The file's bytes, read once: parsed and hashed for the cache alike (None if the
    file could not be read; parsing it again reports why)."""
    content: bytes | None
    """SHA-256 of ``data``."""
    key: str | None
    result: ParsedSource | None = None
    kept: StoredFile | None = None
    """The file's notes as its last build kept them, read instead of its parse (it did
    not change); ``result`` is then None."""
    base: tuple[str, ParsedSource] | None = None
    """The key and result of the cache entry the result came from (see ``Gathered``)."""
    moved: tuple[tuple[Card, Card], ...] = ()
    stored: tuple[str, ParsedSource] | None = None
    """The key and result of the file's parse cache entry once the build has written."""

    @property
    def columns(self) -> ColumnMap:
        found = self.kept or self.result
        return found.columns if found is not None else ColumnMap()


def look_up_parses(cache: ParseCache, sources: list[tuple[Path, Path]],
                   options: ParseOptions, glyphs: bool, kept_notes: ParseCache | None
                   ) -> list[ParseJob]:
    """Each file read, with its parse from the cache (or spliced onto its last parse);
    or else, when the notes cache ``kept_notes`` is given, its notes as its last build
    kept them.

    What is loaded (a few objects per question, or per note) is kept to the end of the
    build, and holds no cycle: Python's collector, let loose on it, looks through all of
    it and frees nothing (a twentieth of an edit's build at 20,000 notes).  So it is
    paused while they load, and then everything the build holds so far is set aside from
    it (``gc.freeze``) until the build ends, where the caller undoes it (``run.build``,
    ``check.check``: ``gc.unfreeze``).
    """
    with collector_paused():
        jobs = _look_up(cache, sources, options, glyphs, kept_notes)
        gc.freeze()
    return jobs


def _look_up(cache: ParseCache, sources: list[tuple[Path, Path]], options: ParseOptions,
             glyphs: bool, kept_notes: ParseCache | None) -> list[ParseJob]:
    jobs = []
    for path, root in sources:
        shown = display_path(path)
        refused = outside_link(path, root)
        if refused is not None:
            jobs.append(ParseJob(path, root, shown, None, None, None,
                                 ParsedSource(None, (refused,))))
            continue
        try:
            # Not read when too large: parsing it again reports that.
            data: bytes | None = None if too_large(path) else inputs.read_bytes(path)
        except OSError:
            data = None
        content = inputs.sha256(data) if data is not None else None
        key = cache.key(content, shown, (options, glyphs)) if content is not None else None
        job = ParseJob(path, root, shown, data, content, key)
        if key is not None and data is not None:
            job.kept = notecache.stored_file(kept_notes, shown, key) if kept_notes else None
            if job.kept is not None:
                log.info("parse cache: %s unchanged: its kept notes are read instead of its "
                         "parse", shown)
            job.result = None if job.kept is not None else _cached(cache, shown, key)
            if job.result is not None and job.result.document is not None:
                job.base = job.stored = (key, job.result)
            if job.result is None and job.kept is None:
                job.result = _spliced(cache, job, options, glyphs)
        jobs.append(job)
    return jobs


def _spliced(cache: ParseCache, job: ParseJob, options: ParseOptions, glyphs: bool
             ) -> ParsedSource | None:
    """The file's last result with the question an edit touched parsed again, or None."""
    found = cache.last(job.shown)
    last = found[1] if found is not None else None
    if not isinstance(last, ParsedSource) or job.data is None or job.key is None:
        return None
    spliced = splice_source(last, job.path, job.shown, options, job.data, glyphs)
    if spliced is None or found is None or last.document is None:
        log.info("parse cache: %s changed beyond its answers: parsing it whole", job.shown)
        return None
    result, job.moved, edited = spliced
    log.info("parse cache: %s: %d question(s) changed: parsed them again", job.shown, edited)
    job.base = (found[0], last)
    # Storing a large file's parse costs more than splicing a few questions onto the
    # stored one again next time: it is stored once edits have piled up (a watch stores
    # every parse anyway, when idle).
    durable = cache.remembers or edited > SPLICES_KEPT
    cache.put(job.shown, job.key, result, durable=durable)
    job.stored = (job.key, result) if durable and result.document else job.base
    return result


def parse_missing(missing: list[ParseJob], options: ParseOptions, glyphs: bool,
                  pool: Executor, workers: int, cache: ParseCache, progress: Progress
                  ) -> None:
    """Parse the files the cache did not have (each its job's ``result``), ``workers``
    processes of ``pool`` helping (``builder.build.parsepool``)."""
    tasks = [ParseTask(job.path, job.shown, options, job.data, glyphs) for job in missing]
    for job, (result, pickled) in zip(missing, parse_all(tasks, pool, workers), strict=True):
        progress(kib(job))
        job.result = result
        if job.key is not None and result.document is not None:
            cache.put(job.shown, job.key, result, pickled)
            job.stored = (job.key, result)


def parsed_if_unfit(jobs: list[ParseJob], assets: Assets, cache: ParseCache,
                     options: ParseOptions, glyphs: bool) -> dict[int, Document]:
    """Parse (from the cache) each file whose kept notes no longer fit, as a note made now
    would differ (its drawings changed, or its Source label); return its document by the
    ``id`` of its notes, which it replaces."""
    parsed: dict[int, Document] = {}
    for job in jobs:
        if job.kept is None or job.key is None:
            continue
        kept = job.kept.notes
        if kept.fits(notes.note_context(kept.settings.deck, kept.path, kept.settings,
                                        job.root), assets):
            continue
        log.info("kept notes of %s no longer fit: its parse is read", job.shown)
        result = _cached(cache, job.shown, job.key)
        if result is None:
            result = parse_source(job.path, job.shown, options, job.data, glyphs)
            cache.put(job.shown, job.key, result)
        if result.document is None:  # the file was read before: it can be again
            continue
        job.base = job.stored = (job.key, result)
        parsed[id(kept)] = result.document
    return parsed


def _cached(cache: ParseCache, shown: str, key: str) -> ParsedSource | None:
    found = cache.get(shown, key)
    return found if isinstance(found, ParsedSource) else None


def kib(job: ParseJob) -> int:
    return len(job.data or b"") // 1024
