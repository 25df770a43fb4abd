"""Typeset PDFs in a background process while this one assembles and writes the decks.

The typst compile of a large deck is the longest serial step of a build (about
9 s at 2,000 questions).  Once formulas and diagrams are drawn, nothing the PDF
needs can change, so its compile starts then and runs beside note assembly, the
identity lock and the ``.apkg`` writer.  The background processes write only to
temporary folders; the build copies the finished PDF into place with everything
else, so a build that fails or is stopped still leaves no half-written output.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Imported where a pool is made or its results looked at: a build that writes no
    # PDF in the background never loads multiprocessing (~7 ms).
    from multiprocessing.pool import AsyncResult, Pool

    # Imported where a PDF is typeset: an .apkg-only build opens and closes its jobs
    # without loading the typesetting modules (~5 ms).
    from builder.pdf.parts import PartLayout
    from builder.pdf.pdfdata import Json
    from builder.pdf.typeset import PdfPlan

BACKGROUND_MIN_QUESTIONS = 200
"""Smaller PDFs typeset in this process: typst needs ~4 ms a question, while starting a
worker (a Python process that then loads typst) takes ~0.5 s."""


WORKER_TASKS = 10
"""Compiles a PDF worker runs before a fresh process takes its place: typst keeps a memo of
everything it compiled for the life of its process (~0.2 MB a question), so memory stays
bounded however large the sheet (ten parts of 100 questions)."""
KEEP_QUESTIONS = 3000
"""``build-deck watch`` keeps its PDF worker for the next save when that worker typeset and
joined at most this many questions (an edit at 2,000: one part and the join, ~200 MB)."""


class WarmWorkers:
    """PDF workers kept from one build to the next (``warm_workers``): after an edit, the
    part and the join run in a process that has typst and its fonts loaded already."""

    def __init__(self, scratch: Path) -> None:
        self._pool: Pool | None = None
        self._processes = 0
        self.scratch = scratch
        """Where the workers warm up: a worker stopped while it does (the watch ends, or
        a fresh worker replaces it) cannot remove its folder; the watch removes this."""

    def take(self, processes: int) -> Pool | None:
        """The kept pool, if it has at least ``processes`` workers (else it is stopped)."""
        pool, self._pool = self._pool, None
        if pool is not None and processes > self._processes:
            _stop(pool)
            return None
        return pool

    def keep(self, pool: Pool, processes: int) -> None:
        self.stop()
        self._pool, self._processes = pool, processes

    def stop(self) -> None:
        if self._pool is not None:
            _stop(self._pool)
            self._pool = None


_WARM: ContextVar[WarmWorkers | None] = ContextVar("warm_pdf_workers", default=None)


@contextmanager
def warm_workers() -> Iterator[WarmWorkers]:
    """Keep PDF workers between the builds run in this block (``build-deck watch``)."""
    scratch = tempfile.TemporaryDirectory(prefix="build-deck-pdf-", ignore_cleanup_errors=True)
    warm = WarmWorkers(Path(scratch.name))
    token = _WARM.set(warm)
    try:
        yield warm
    finally:
        _WARM.reset(token)
        warm.stop()
        scratch.cleanup()


def _stop(pool: Pool) -> None:
    pool.terminate()
    pool.join()


def _new_pool(processes: int) -> Pool:
    import multiprocessing

    # "spawn", as for the render workers: forking a process holding typst's threads
    # can deadlock.  A watch's workers load typst as they start (``start_kept_worker``),
    # those replacing a worker that has done its ``WORKER_TASKS`` too: while the author
    # edits, not after the save.
    context = multiprocessing.get_context("spawn")
    from builder.pdf.workerstart import ignore_interrupts, start_kept_worker
    from builder.support.interrupts import interrupts_held

    warm = _WARM.get()
    with interrupts_held():  # its workers, and the threads that replace them, inherit it
        if warm is None:
            return context.Pool(processes, initializer=ignore_interrupts,
                                maxtasksperchild=WORKER_TASKS)
        return context.Pool(processes, initializer=start_kept_worker,
                            initargs=(warm.scratch,), maxtasksperchild=WORKER_TASKS)


@dataclass
class _Sheet:
    """One PDF being typeset: whole, or as parts, each cached, running or still to do.

    Its temporary folder holds every file typst works with, part PDFs included (copied
    from the part cache, or written there by the workers), so removing it removes
    whatever a stopped worker left.
    """

    plan: PdfPlan
    folder: tempfile.TemporaryDirectory[str]
    whole: AsyncResult[bytes] | None = None
    jobs: list[tuple[Json, dict[str, Path]] | None] = field(default_factory=list)
    """Each part and its images (``typeset_part``'s first arguments); None once started
    in the background or found in the part cache."""
    keys: list[str] = field(default_factory=list)
    part_headings: list[list[dict[str, Any]]] = field(default_factory=list)
    """Each part's headings (``pdfparts.headings``), for the join."""
    layouts: list[PartLayout | AsyncResult[PartLayout] | None] = field(default_factory=list)
    joined: AsyncResult[tuple[PartLayout, Path]] | None = None
    """The one part an edit typesets and the sheet joined, in one task (``_part_and_join``)."""

    @classmethod
    def of(cls, plan: PdfPlan) -> _Sheet:
        """Start from the part cache: the parts it holds need no typesetting."""
        from builder.pdf.parts import headings
        from builder.pdf.typeset import part_cache, part_jobs

        folder = tempfile.TemporaryDirectory(prefix="build-deck-pdf-", ignore_cleanup_errors=True)
        if plan.parts is None:
            return cls(plan, folder)
        jobs = part_jobs(plan)
        keys = list(plan.part_keys)
        cache = part_cache(plan)
        sheet = cls(plan, folder, None, [], keys, [headings(part) for part in plan.parts])
        cached = [cache.get(key, sheet.part_path(index)) for index, key in enumerate(keys)]
        # An entry naming more or fewer headings than its part has is not that part's.
        sheet.layouts = [layout if layout is None or len(layout[1]) == len(found) else None
                         for layout, found in zip(cached, sheet.part_headings, strict=True)]
        sheet.jobs = [job if layout is None else None
                      for job, layout in zip(jobs, sheet.layouts, strict=True)]
        return sheet

    @property
    def in_parts(self) -> bool:
        return bool(self.layouts)

    @property
    def scratch(self) -> Path:
        return Path(self.folder.name)

    def part_path(self, index: int) -> Path:
        from builder.pdf.parts import part_file

        return self.scratch / part_file(index)


def _typeset_and_join(job: tuple[Json, dict[str, Path]], scratch: Path, index: int, info: Json,
                      part_headings: list[list[dict[str, Any]]],
                      layouts: list[PartLayout | None], frame: Path | None
                      ) -> tuple[PartLayout, Path]:
    """Typeset part ``index`` into the sheet's folder ``scratch``, then join the sheet
    (``PdfJobs._part_and_join``); return the part's layout and the joined sheet."""
    from builder.pdf.parts import join_payload, part_file
    from builder.pdf.typeset import join, typeset_part

    layout = typeset_part(*job, scratch / part_file(index))
    known = [layout if at == index else found for at, found in enumerate(layouts)]
    payload = join_payload(info, part_headings, [found for found in known if found is not None])
    return layout, join(payload, scratch, frame)


def _questions(part: Json) -> int:
    count = part.get("count")
    return count if isinstance(count, int) else 0


class PdfJobs:
    """Planned PDFs by target, typeset in the background when more than one job may run.

    A large sheet's parts come from the part cache when they are unchanged; the others
    are typeset side by side, and all of them joined when the PDF is asked for.
    """

    def __init__(self, jobs: int) -> None:
        self._jobs = jobs
        self._sheets: dict[Path, _Sheet] = {}
        self._pool: Pool | None = None
        self._processes = 0
        self._pooled = 0
        """Questions of the parts and whole sheets this pool typeset in this build."""
        self._held = 0
        """Questions whose typst memo the pool's workers may hold: ``_pooled`` and the joins."""

    def start(self, plans: list[PdfPlan]) -> None:
        """Begin typesetting ``plans``: now in the background, or later in ``result``."""
        if not plans:
            return
        from builder.pdf.typeset import typeset, typeset_part

        sheets = [(plan, _Sheet.of(plan)) for plan in plans]
        background = [(plan, sheet) for plan, sheet in sheets
                      if self._jobs > 1 and plan.questions >= BACKGROUND_MIN_QUESTIONS]
        # No more workers than compiles: after a one-answer edit, one part and the join.
        compiles = sum(1 if not sheet.in_parts else len([j for j in sheet.jobs if j])
                       for _plan, sheet in background)
        for plan, sheet in sheets:
            self._sheets[plan.target] = sheet
        for plan, sheet in background:
            if not sheet.in_parts:
                sheet.whole = self._background(compiles).apply_async(
                    typeset, (plan, sheet.scratch))
                self._pooled += plan.questions
                self._held += plan.questions
            todo = [index for index, job in enumerate(sheet.jobs) if job is not None]
            if len(todo) == 1 and compiles == 1:  # an edit
                self._part_and_join(sheet, todo[0])
            for index in todo if sheet.joined is None else ():
                job = sheet.jobs[index]
                assert job is not None
                sheet.layouts[index] = self._background(compiles).apply_async(
                    typeset_part, (*job, sheet.part_path(index)))
                self._pooled += _questions(job[0])
                self._held += _questions(job[0])
                sheet.jobs[index] = None
            # All its work is in the background: the cards need not stay in this
            # process, which is to make room for the join.
            sheet.plan = plan.without_content()

    def _part_and_join(self, sheet: _Sheet, index: int) -> None:
        """Typeset the one part an edit changed and join the sheet at once, in one task
        of one worker: the join need not wait for this process to ask for it (it writes
        the package meanwhile), and the worker is not asked twice."""
        from builder.pdf.parts import sheet_info
        from builder.pdf.typeset import part_cache

        job = sheet.jobs[index]
        assert job is not None
        # The others come from the part cache: none is running.
        known = [layout if isinstance(layout, tuple) else None for layout in sheet.layouts]
        sheet.joined = self._background(1).apply_async(_typeset_and_join, (
            job, sheet.scratch, index, sheet_info(sheet.plan.payload), sheet.part_headings,
            known, part_cache(sheet.plan).frame()))
        self._pooled += _questions(job[0])
        self._held += _questions(job[0]) + sheet.plan.questions
        sheet.jobs[index] = None

    def _background(self, processes: int | None = None) -> Pool:
        if self._pool is None:
            self._processes = min(processes or self._jobs, self._jobs)
            warm = _WARM.get()
            self._pool = warm.take(self._processes) if warm is not None else None
            if self._pool is None:
                self._pool = _new_pool(self._processes)
            self._pooled = self._held = 0
        return self._pool

    def _pending(self) -> list[AsyncResult[Any]]:
        from multiprocessing.pool import AsyncResult

        return [task for sheet in self._sheets.values()
                for task in (sheet.whole, sheet.joined, *sheet.layouts)
                if isinstance(task, AsyncResult)]

    @property
    def running(self) -> int:
        """How many compiles (whole PDFs or parts) run in the background, not yet collected."""
        return len(self._pending())

    def plan(self, target: Path) -> PdfPlan | None:
        """Return the plan for ``target``; None when its PDF is up to date.

        Once its work is in the background, the plan no longer holds the cards: it is
        for ``result`` and ``commit``, not for typesetting again.
        """
        sheet = self._sheets.get(target)
        return sheet.plan if sheet is not None else None

    @contextmanager
    def result(self, plan: PdfPlan) -> Iterator[bytes | Path]:
        """Yield the typeset PDF, as bytes or a file that lasts until the block ends;
        raises ``PdfError`` as ``typeset`` does."""
        from builder.pdf.typeset import typeset

        sheet = self._sheets.pop(plan.target, None)
        if sheet is None:
            if not plan.has_content:
                raise RuntimeError(f"{plan.target}: its PDF was already taken")
            sheet = _Sheet.of(plan)
        try:
            if sheet.whole is not None:
                yield sheet.whole.get()
            elif sheet.in_parts:
                yield self._joined(sheet)
            else:
                yield typeset(sheet.plan, sheet.scratch)
        except BaseException:
            # The build fails: its other parts may still be writing into the folder,
            # and no other PDF is wanted.
            self.close()
            raise
        finally:
            sheet.folder.cleanup()

    def _joined(self, sheet: _Sheet) -> Path:
        from multiprocessing.pool import AsyncResult

        from builder.pdf import parts as pdfparts
        from builder.pdf.typeset import join, part_cache, typeset_part

        done = sheet.joined.get() if sheet.joined is not None else None
        layouts: list[PartLayout] = []
        for index, (job, layout) in enumerate(zip(sheet.jobs, sheet.layouts, strict=True)):
            if isinstance(layout, AsyncResult):
                layout = layout.get()
            elif layout is None and done is not None:
                layout = done[0]  # the one part typeset with the join
            elif layout is None:
                assert job is not None
                layout = typeset_part(*job, sheet.part_path(index))
            layouts.append(layout)
        part_cache(sheet.plan).save({key: (sheet.part_path(index), layout) for index, (key, layout)
                                     in enumerate(zip(sheet.keys, layouts, strict=True))})
        if done is not None:
            return done[1]
        payload = pdfparts.join_payload(sheet.plan.payload, sheet.part_headings, layouts)
        frame = part_cache(sheet.plan).frame()
        if self._jobs <= 1:
            return join(payload, sheet.scratch, frame)
        # The join holds every part's pages (~0.4 MB each), so not in this process; and
        # unless other compiles are still at work, idle workers holding typst's memo of
        # many parts make way for a fresh process.
        if self._pooled > pdfparts.PART_QUESTIONS and all(task.ready() for task in self._pending()):
            self._stop_pool()  # finished results are kept by their AsyncResult
        joined = self._background(1).apply_async(join, (payload, sheet.scratch, frame))
        self._held += sheet.plan.questions
        return joined.get()

    def _stop_pool(self) -> None:
        if self._pool is not None:
            _stop(self._pool)
            self._pool = None

    def close(self) -> None:
        """Stop any compile still running (a failed or strict build no longer needs it)
        and remove every temporary folder."""
        self._stop_pool()
        for sheet in self._sheets.values():
            sheet.folder.cleanup()
        self._sheets.clear()

    def _keep_warm(self) -> None:
        """Under ``warm_workers``, hand idle workers that hold little to the next build;
        or, in place of those holding more, one fresh worker (what an edit needs)."""
        warm = _WARM.get()
        if warm is None or self._pool is None or self._pending():
            return
        if self._held <= KEEP_QUESTIONS:
            warm.keep(self._pool, self._processes)
        else:
            self._stop_pool()
            warm.keep(_new_pool(1), 1)
        self._pool = None

    def __enter__(self) -> PdfJobs:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if kind is None:
            self._keep_warm()
        self.close()
