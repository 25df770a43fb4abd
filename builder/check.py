"""The ``check`` command: every diagnostic a build would report, with nothing written.

It gathers the way ``builder.build.build`` does (parse and check the sources,
render formulas and diagrams into the cache, assemble the notes) and stops
there, so ``check`` and ``build`` agree on what they report.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from builder.config import BuildConfig, find_sources
from builder.gather import gather
from builder.model import Diagnostic

log = logging.getLogger(__name__)


@dataclass
class CheckResult:
    """What ``check`` found, sorted by place."""

    files: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(d.severity == "error" for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity == "warning" for d in self.diagnostics)


def check(config: BuildConfig) -> CheckResult:
    """Report every problem in the sources of ``config``; BuildError if a source is missing."""
    sources = find_sources(config.sources)
    return CheckResult(len(sources), gather(config, sources).reported())
