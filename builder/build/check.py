"""The ``check`` command: every diagnostic a build would report, with nothing written.

It gathers the way ``builder.build.run.build`` does (parse and check the sources,
render formulas and diagrams into the cache, assemble the notes, match them
against the identity lock, check the decks' media and file names) and stops there,
so ``check`` and ``build`` agree on what they report; both take their configuration
from ``builder.build.config.configure``.  The lock is read, never written.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, replace
from pathlib import Path

from builder.build.config import BuildConfig, Reported, find_sources
from builder.build.gather import assemble, gather
from builder.build.prewrite import check_media_size, check_output_names, stamp_or_fail
from builder.model import Diagnostic


@dataclass
class CheckResult(Reported):
    """What ``check`` found, sorted by place."""

    files: int = 0


def check(config: BuildConfig) -> CheckResult:
    """Report every problem in the sources of ``config``; BuildError if a source is missing."""
    skipped: list[Diagnostic] = []
    sources = find_sources(config.sources, skipped)
    if skipped:  # reported first, with the settings' problems
        config = replace(config, diagnostics=(*config.diagnostics, *skipped))
    try:
        return _check(config, sources)
    finally:
        gc.unfreeze()  # see ``builder.build.parsejobs.look_up_parses``


def _check(config: BuildConfig, sources: list[tuple[Path, Path]]) -> CheckResult:
    gathered = gather(config, sources)
    assembled = assemble(gathered, config)
    # The checks a build makes of the decks before it writes them (BuildError as there).
    checks = (*check_media_size(gathered, assembled),
              *check_output_names(gathered, assembled, config))
    # Matching against the lock finds reworded questions it cannot tell apart.
    stamped = stamp_or_fail(gathered, assembled, checks, config)
    return CheckResult(diagnostics=gathered.reported(assembled.diagnostics, checks,
                                                     stamped.diagnostics),
                       files=len(sources))
