"""Typeset PDFs in a background process while this one assembles and writes the decks.

The typst compile of a large deck is the longest serial step of a build (about
9 s at 2,000 questions).  Once formulas and diagrams are drawn, nothing the PDF
needs can change, so its compile starts then and runs beside note assembly, the
identity lock and the ``.apkg`` writer.  The background process writes nothing:
it returns the PDF's bytes, and the build writes them with everything else, so a
build that fails or is stopped still leaves no half-written output.
"""

from __future__ import annotations

import multiprocessing
import signal
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from types import TracebackType

from builder.pdf import (
    PartResult,
    PdfPlan,
    join,
    joined_payload,
    part_cache,
    part_jobs,
    part_key,
    typeset,
    typeset_part,
)
from builder.pdf_json import Json

BACKGROUND_MIN_QUESTIONS = 200
"""Smaller PDFs typeset in this process: typst needs ~4 ms a question, while starting a
worker (a Python process that then loads typst) takes ~0.5 s."""


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group; the build stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@dataclass
class _Sheet:
    """One PDF being typeset: whole, or as parts, each cached, running or still to do."""

    plan: PdfPlan
    whole: AsyncResult[bytes] | None = None
    jobs: list[tuple[Json, dict[str, Path]]] = field(default_factory=list)
    """Each part's ``typeset_part`` arguments."""
    keys: list[str] = field(default_factory=list)
    parts: list[PartResult | AsyncResult[PartResult] | None] = field(default_factory=list)

    @classmethod
    def of(cls, plan: PdfPlan) -> _Sheet:
        """Start from the part cache: the parts it holds need no typesetting."""
        if plan.parts is None:
            return cls(plan)
        jobs = part_jobs(plan)
        keys = [part_key(*job) for job in jobs]
        cache = part_cache(plan)
        return cls(plan, None, jobs, keys, [cache.get(key) for key in keys])


class PdfJobs:
    """Planned PDFs by target, typeset in the background when more than one job may run.

    A large sheet's parts come from the part cache when they are unchanged; the others
    are typeset side by side, and all of them joined when the PDF is asked for.
    """

    def __init__(self, jobs: int) -> None:
        self._jobs = jobs
        self._sheets: dict[Path, _Sheet] = {}
        self._pool: Pool | None = None

    def start(self, plans: list[PdfPlan]) -> None:
        """Begin typesetting ``plans``: now in the background, or later in ``result``."""
        for plan in plans:
            sheet = self._sheets[plan.target] = _Sheet.of(plan)
            if self._jobs <= 1 or plan.questions < BACKGROUND_MIN_QUESTIONS:
                continue
            if plan.parts is None:
                sheet.whole = self._background().apply_async(typeset, (plan,))
                continue
            for index, job in enumerate(sheet.jobs):
                if sheet.parts[index] is None:
                    sheet.parts[index] = self._background().apply_async(typeset_part, job)

    def _background(self) -> Pool:
        if self._pool is None:
            # "spawn", as for the render workers: forking a process holding typst's
            # threads can deadlock.
            context = multiprocessing.get_context("spawn")
            # typst keeps a memo of everything it compiled for the life of the process
            # (~0.2 MB a question), so each worker makes way for a fresh one after two
            # parts: memory stays bounded however large the sheet.
            self._pool = context.Pool(self._jobs, initializer=_ignore_interrupts,
                                      maxtasksperchild=2)
        return self._pool

    @property
    def running(self) -> int:
        """How many compiles (whole PDFs or parts) run in the background, not yet collected."""
        return sum((sheet.whole is not None)
                   + sum(isinstance(part, AsyncResult) for part in sheet.parts)
                   for sheet in self._sheets.values())

    def plan(self, target: Path) -> PdfPlan | None:
        """Return the plan for ``target``; None when its PDF is up to date."""
        sheet = self._sheets.get(target)
        return sheet.plan if sheet is not None else None

    def result(self, plan: PdfPlan) -> bytes:
        """Return the typeset PDF; raises ``PdfError`` as ``typeset`` does."""
        sheet = self._sheets.pop(plan.target, None) or _Sheet.of(plan)
        if sheet.whole is not None:
            whole: bytes = sheet.whole.get()
            return whole
        if plan.parts is None:
            return typeset(plan)
        parts: list[PartResult] = []
        for job, part in zip(sheet.jobs, sheet.parts, strict=True):
            if isinstance(part, AsyncResult):
                part = part.get()
            parts.append(part if part is not None else typeset_part(*job))
        part_cache(plan).save(dict(zip(sheet.keys, parts, strict=True)))
        pdfs = [pdf for pdf, _pages, _headings in parts]
        payload = joined_payload(plan, parts)
        if self._pool is None:
            return join(payload, pdfs)
        # The join holds every part's pages: it runs in a worker, not in this process.
        joined: bytes = self._pool.apply_async(join, (payload, pdfs)).get()
        return joined

    def close(self) -> None:
        """Stop any compile still running (a failed or strict build no longer needs it)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> PdfJobs:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
