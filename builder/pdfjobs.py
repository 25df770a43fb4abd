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
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from types import TracebackType
from typing import Any

from builder.pdf import PartResult, PdfPlan, join, joined_payload, part_jobs, typeset, typeset_part

BACKGROUND_MIN_QUESTIONS = 200
"""Smaller PDFs typeset in this process: typst needs ~4 ms a question, while starting a
worker (a Python process that then loads typst) takes ~0.5 s."""


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group; the build stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class PdfJobs:
    """Planned PDFs by target, typeset in the background when more than one job may run."""

    def __init__(self, jobs: int) -> None:
        self._jobs = jobs
        self._plans: dict[Path, PdfPlan] = {}
        self._pool: Pool | None = None
        self._pending: dict[Path, list[AsyncResult[Any]]] = {}

    def start(self, plans: list[PdfPlan]) -> None:
        """Begin typesetting ``plans``: now in the background, or later in ``result``."""
        self._plans.update((plan.target, plan) for plan in plans)
        plans = [plan for plan in plans if plan.questions >= BACKGROUND_MIN_QUESTIONS]
        if self._jobs <= 1 or not plans:
            return
        tasks = sum(len(plan.parts or [plan]) for plan in plans)
        if self._pool is None:
            # "spawn", as for the render workers: forking a process holding typst's
            # threads can deadlock.
            context = multiprocessing.get_context("spawn")
            self._pool = context.Pool(min(self._jobs, tasks), initializer=_ignore_interrupts)
        for plan in plans:
            if plan.parts is None:
                self._pending[plan.target] = [self._pool.apply_async(typeset, (plan,))]
            else:  # a large sheet: its parts side by side, joined in ``result``
                self._pending[plan.target] = [self._pool.apply_async(typeset_part, job)
                                              for job in part_jobs(plan)]

    @property
    def running(self) -> int:
        """How many PDFs are being typeset in the background and not yet collected."""
        return len(self._pending)

    def plan(self, target: Path) -> PdfPlan | None:
        """Return the plan for ``target``; None when its PDF is up to date."""
        return self._plans.get(target)

    def result(self, plan: PdfPlan) -> bytes:
        """Return the typeset PDF; raises ``PdfError`` as ``typeset`` does."""
        pending = self._pending.pop(plan.target, None)
        if pending is None:
            return typeset(plan)
        if plan.parts is None:
            whole: bytes = pending[0].get()
            return whole
        parts: list[PartResult] = [task.get() for task in pending]
        assert self._pool is not None
        pdfs = [pdf for pdf, _pages, _headings in parts]
        # The join holds every part's pages: it runs in a worker, not in this process.
        return self._pool.apply_async(join, (joined_payload(plan, parts), pdfs)).get()

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
