"""Parsing several source files at once: this process parses its share while worker
processes, when they pay, parse the rest.

A worker is a new Python process ("spawn"): starting it and importing the parser costs
about 0.2 s of CPU and a third of a second before it parses, and its result crosses back
pickled (the same pickle goes into the parse cache, so only the unpickling here,
about 0.07 s a megabyte with the collector paused, is extra).  Parsing costs about 0.75 s of
CPU per megabyte of notes.  So by default a worker is started only for at least
``WORKER_SHARE`` bytes of notes of its own: from there on the wall time it saves (its
share's parse less its start) is larger than the CPU it adds, and grows with the notes
while that cost does not.  This process, which used to wait idle, parses a share itself:
two files and two cores take one worker, not two.  ``--jobs`` given explicitly is obeyed
whatever the size: up to that many processes parse, this one included.
"""

from __future__ import annotations

import gc
import pickle
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import NamedTuple

from builder.build.sourceparse import ParsedSource, parse_source
from builder.parse.cache import pickled_result
from builder.parse.document import ParseOptions
from builder.support.collector import collector_paused

WORKER_SHARE = 1_000_000
"""Bytes of notes a worker must have to parse for it to be started by default."""


class ParseTask(NamedTuple):
    """One file to parse: ``parse_source``'s arguments."""

    path: Path
    shown: str
    options: ParseOptions
    data: bytes | None
    glyphs: bool


def parse_workers(sizes: Sequence[int], jobs: int, cpus: int) -> int:
    """How many worker processes should parse files of ``sizes`` bytes beside this one.

    ``jobs``: the ``--jobs`` given, else 0 (then up to ``cpus`` processes, each with at
    least ``WORKER_SHARE`` bytes).  A file is never split: one file, no worker.
    """
    processes = min(jobs or cpus, len(sizes))
    if not jobs:
        processes = min(processes, sum(sizes) // WORKER_SHARE)
    return max(processes - 1, 0)


def shares(sizes: Sequence[int], parts: int) -> list[list[int]]:
    """Indexes of ``sizes`` split into ``parts`` shares of about equal bytes, largest files
    placed first (the first share is this process's); files keep their order in a share."""
    loads = [0] * parts
    split: list[list[int]] = [[] for _ in range(parts)]
    for index in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        lightest = loads.index(min(loads))
        loads[lightest] += sizes[index]
        split[lightest].append(index)
    return [sorted(share) for share in split]


def parse_all(tasks: Sequence[ParseTask], pool: Executor, workers: int
              ) -> Iterator[tuple[ParsedSource, bytes | None]]:
    """Parse every task; yield each result in the order of ``tasks``, with its pickle when
    a worker made one (for the parse cache), else None.

    ``workers`` shares go to ``pool`` (a process pool) while this process parses the
    first: one task each, so no more workers start than there are shares.
    """
    if workers < 1 or len(tasks) < 2:
        yield from ((_parse_here(task), None) for task in tasks)
        return
    split = shares([len(task.data or b"") for task in tasks], workers + 1)
    sent: list[tuple[list[int], Future[list[bytes]]]] = [
        (share, pool.submit(_parse_pickled, [tasks[i] for i in share]))
        for share in split[1:] if share]
    results: dict[int, tuple[ParsedSource, bytes | None]] = {
        i: (_parse_here(tasks[i]), None) for i in split[0]}
    for share, future in sent:
        pickles = future.result()
        # Unpickling makes as many objects as parsing did, none of them garbage.
        with collector_paused():
            results.update((i, (pickle.loads(data), data))
                           for i, data in zip(share, pickles, strict=True))
            gc.freeze()  # as in _parse_here
    yield from (results[i] for i in range(len(tasks)))


def _parse_here(task: ParseTask) -> ParsedSource:
    # A parse makes hundreds of thousands of objects, nearly all of which live on (the
    # document) or are freed as soon as they are dropped (tokens): the collector, which
    # would look through them again and again while they are made, waits to the end.
    # Then what lives on is set aside from it until the build ends, as loaded parses are
    # (``builder.build.parsejobs.look_up_parses``; the build's caller unfreezes): let
    # loose on it, its first pass looked through the whole parse and freed nothing (a
    # twentieth of a cold build of 2,000 questions).
    with collector_paused():
        parsed = parse_source(*task)
        gc.freeze()
    return parsed


def _parse_pickled(tasks: list[ParseTask]) -> list[bytes]:
    # In the worker.  Pickled here, once: the same bytes carry the result to the building
    # process and into the parse cache.
    with collector_paused():
        return [pickled_result(parse_source(*task)) for task in tasks]
