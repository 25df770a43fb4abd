"""One build: gather everything (sources, parse, assets, notes), then write the outputs.

Nothing is written until every input has been read and every note assembled, so
a build that fails leaves the previous outputs as they were.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from builder.anki import apkg, identity, lock, notefields, report
from builder.anki.htmlpreview import with_media, write_preview
from builder.anki.stamp import Stamped, card_css, now
from builder.build.config import (
    REMOVED_FILE,
    BuildConfig,
    BuildError,
    Reported,
    display_path,
    find_sources,
    strict_refuses,
)
from builder.build.prewrite import output_name
from builder.build.session import Session, current
from builder.build.settle import settled
from builder.build.uptodate import UpToDate
from builder.model import Diagnostic, SourceLoc, one_line
from builder.parse.limits import tables_cut_for_pdf
from builder.support import inputs
from builder.support.atomic import atomic_write_bytes, exclusive
from builder.support.collector import collector_paused
from builder.support.inputs import Inputs, recording
from builder.support.tempsweep import sweep_abandoned

if TYPE_CHECKING:
    from builder.build.gather import Assembled, DeckNotes, Gathered, StartProgress
    from builder.parse import cache as parsecache
    from builder.pdf.jobs import PdfJobs
    from builder.pdf.typeset import PdfPlan
# The parser, renderers and PDF writer are imported where used: an up-to-date build
# loads none of them (longer than the check itself).

__all__ = ["BuildConfig", "BuildError", "BuildResult", "build"]

log = logging.getLogger(__name__)

TYPESET_BAR_QUESTIONS = 200
"""typst needs about 4 ms a question: from here on, a PDF takes about a second."""


@dataclass
class BuildResult(Reported):
    """What a build did, for the summary line and for tests."""

    outputs: list[Path] = field(default_factory=list)
    decks: int = 0
    cards: int = 0
    rendered: int = 0
    reused: int = 0
    formula_failures: int = 0
    written: bool = False
    changes: identity.ChangeReport | None = None
    """What changed since the lock's previous state (None when built without the lock)."""
    change_details: list[str] = field(default_factory=list)
    removed_search: str | None = None
    """An Anki search selecting every note removed from the notes, if any."""
    removed_file: Path | None = None
    pdfs_typeset: int = 0
    """PDFs compiled by this build; an unchanged deck's PDF is left as it is."""
    up_to_date: bool = False
    """Nothing changed since the last build, so nothing was read further or written."""
    structures: list[str] = field(default_factory=list)
    """Per source file, how its questions were found (``dl.md: sections ##, questions ###``)."""

    @property
    def change_summary(self) -> str:
        """One line counting the changes (``changes: 1 added``); empty without the lock."""
        return report.summary(self.changes) if self.changes is not None else ""


def build(config: BuildConfig, start_progress: StartProgress | None = None,
          keep: list[object] | None = None) -> BuildResult:
    """Build every deck named by ``config``; raise BuildError when nothing can be built.

    ``keep``: where to leave the notes, rather than free them (hundreds of thousands of
    objects), when the process ends right after (``builder.cli.ending``)."""
    session = current()
    skipped: list[Diagnostic] = []
    sources = find_sources(config.sources, skipped)
    if skipped:  # reported first, with the settings' problems
        config = replace(config, diagnostics=(*config.diagnostics, *skipped))
    # Without the lock every build dates its notes anew, so no two builds are the same.
    up_to_date = UpToDate(config, sources, build_day() if "pdf" in config.formats else None) \
        if config.use_lock else None
    last = _last_if_up_to_date(up_to_date, config.force)
    if last is not None:
        return last
    _sweep_cache(config.cache)
    try:
        return _build(config, sources, up_to_date, start_progress, session,
                      keep if keep is not None else [])
    finally:
        gc.unfreeze()  # see ``settle.settled`` and ``parsejobs.look_up_parses``


def _build(config: BuildConfig, sources: list[tuple[Path, Path]], up_to_date: UpToDate | None,
           start_progress: StartProgress | None, session: Session | None, keep: list[object]
           ) -> BuildResult:
    """Read, render and write, unless up to date: the modules that do it load only now."""
    from builder.build.gather import gather, no_progress
    from builder.pdf.jobs import PdfJobs
    from builder.render.assets import default_jobs

    start_progress = start_progress or no_progress
    reads = up_to_date.inputs if up_to_date is not None else Inputs()
    with PdfJobs(config.jobs or default_jobs()) as pdfs, recording(reads):
        # 1. Gather: parse and check every file, draw formulas and diagrams.
        gathered = gather(config, sources, start_progress)
        if not gathered.decks:
            raise BuildError("no questions found in " + ", ".join(display_path(s)
                                                                    for s in config.sources),
                             gathered.reported())
        # PDFs start typesetting (in the background) while the notes are assembled.
        plans = _plan_pdfs(gathered, config) if "pdf" in config.formats else []
        pdfs.start([plan for plan in plans if not plan.current])
        # 2. Assemble the notes; give them GUIDs and times from the identity lock.
        assembled, checks, stamped, caches = settled(gathered, config, session)
        result = _result(gathered, assembled, stamped, checks, config)
        if strict_refuses(config, result):  # notes lose nothing
            return result
        if session is not None and result.errors:
            # Nothing is written, so nothing changed: the next good build reports it all.
            result.changes, result.change_details, result.removed_search = None, [], None
            return result
        # What a rebuild against this build's lock would report (see ``Stamped.matching``).
        replayed = gathered.reported(assembled.diagnostics, checks, stamped.diagnostics,
                                     leave_out=stamped.matching)
        # 3. Write, one build at a time per output folder.
        try:
            with exclusive(config.out_dir):
                with collector_paused():  # see ``settle.settled``
                    pdf_targets = _write(gathered, assembled, stamped, config, result, caches)
                # The PDFs need none of the notes: free them for the join (see builder.pdf.jobs);
                # not in a watch, whose session keeps them (~0.1 s a save for little), nor
                # without PDFs in a process that ends next (``keep``): it frees them whole.
                keep += [gathered, assembled, stamped, caches] if not pdf_targets else []
                del gathered, assembled, stamped
                gc.unfreeze()
                if pdf_targets and session is None:
                    release_memory()
                for target in pdf_targets:
                    result.outputs.append(target)
                    result.pdfs_typeset += _write_pdf(target, pdfs, start_progress)
                # A build with errors is not skipped next time: a diagram that could
                # not be drawn is tried again.
                if up_to_date is not None and not result.errors:
                    outputs = [*with_media(result.outputs), config.out_dir / REMOVED_FILE]
                    up_to_date.remember(outputs, _report(result, replayed))
                elif up_to_date is not None:
                    log.info("%d error(s): the next build runs again", result.errors)
        except OSError as exc:
            raise BuildError(f"cannot write to {display_path(config.out_dir)}: "
                             f"{exc.strerror or exc}", result.diagnostics) from exc
    result.written = True
    return result


_swept: set[Path] = set()
"""The caches this process swept: a watch sweeps its cache once, not at every save."""


def _sweep_cache(cache: Path) -> None:
    """Remove what builds killed while writing left in ``cache`` (the output folder's own
    top level is swept under its lock: ``exclusive``)."""
    if cache not in _swept:
        _swept.add(cache)
        if removed := sweep_abandoned(cache):
            log.info("removed %d abandoned temporary file(s) from %s", removed,
                     display_path(cache))


def _last_if_up_to_date(up_to_date: UpToDate | None, force: bool) -> BuildResult | None:
    """The last build's result when nothing it read or wrote has changed, else None."""
    if up_to_date is None:
        log.info("no lock: the build is not skipped even when nothing changed")
    elif force:
        log.info("--force: built whether or not the outputs are up to date")
    else:
        # The record says, at -v, what it found changed or that nothing did.
        return up_to_date.last_report(_replayed)
    return None


def build_day() -> str:
    """Return the date the PDFs show: the build's (``SOURCE_DATE_EPOCH``'s when set)."""
    return time.strftime("%Y-%m-%d", time.gmtime(now()))


def _report(result: BuildResult, diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """What a rebuild with nothing changed would print, to be printed again when one is
    skipped: this build's report, with ``diagnostics`` for a rebuild against its lock."""
    return {
        "outputs": [str(path) for path in result.outputs],
        "decks": result.decks, "cards": result.cards,
        "images": result.rendered + result.reused,
        "formula_failures": result.formula_failures,
        "diagnostics": [[d.loc.path, d.loc.line, d.loc.col, d.severity, d.message, d.code]
                        for d in diagnostics],
        "removed_search": result.removed_search,
        "removed_file": None if result.removed_file is None else str(result.removed_file),
        "structures": result.structures,
    }


def _replayed(report: dict[str, Any]) -> BuildResult:
    return BuildResult(
        diagnostics=[Diagnostic(SourceLoc(path, line, col), severity, message, code)
                     for path, line, col, severity, message, code in report["diagnostics"]],
        outputs=[Path(path) for path in report["outputs"]], decks=report["decks"],
        cards=report["cards"], reused=report["images"],
        formula_failures=report["formula_failures"], changes=identity.ChangeReport(),
        removed_search=report["removed_search"],
        removed_file=None if report["removed_file"] is None else Path(report["removed_file"]),
        up_to_date=True, structures=list(report.get("structures", [])),
    )


def _result(gathered: Gathered, assembled: Assembled, stamped: Stamped,
            checks: tuple[Diagnostic, ...], config: BuildConfig) -> BuildResult:
    result = BuildResult(
        decks=len(gathered.decks), cards=sum(len(notes) for notes in stamped.notes),
        diagnostics=gathered.reported(assembled.diagnostics, checks, stamped.diagnostics),
        rendered=gathered.assets.rendered,
        reused=gathered.assets.reused, formula_failures=gathered.formula_failures,
        changes=stamped.changes,
        structures=[f"{one_line(file.path)}: {file.settings.structure}"
                    for file in gathered.files],
    )
    if stamped.changes is not None and stamped.new is not None:
        result.change_details = _change_details(assembled.decks, stamped, config,
                                                stamped.changes)
        result.removed_search = report.removed_search(stamped.new)
    return result


def _write(gathered: Gathered, assembled: Assembled, stamped: Stamped, config: BuildConfig,
           result: BuildResult, caches: list[parsecache.ParseCache]) -> list[Path]:
    """Write everything but the PDFs (and store ``caches``); return where the PDFs go."""
    from builder.render.assets import media_of

    if "apkg" in config.formats:
        notetype_mtime = stamped.new.notetype_changed if stamped.new is not None else now()
        result.outputs += [_write_deck(deck, notes, config, notetype_mtime)
                           for deck, notes in zip(assembled.decks, stamped.notes, strict=True)]
    if "html" in config.formats:
        result.outputs += [write_preview(config.out_dir / f"{output_name(deck.name)}.html",
                                         deck.name, notes, media_of(deck.media), card_css())
                           for deck, notes in zip(assembled.decks, stamped.notes, strict=True)]
    # The lock goes right after the decks: their note times come from it.
    # Also saved when it means the same but its bytes differ (line ends changed by a
    # checkout, say): the up-to-date record compares the file's bytes.
    if (stamped.path is not None and stamped.lock_file is not None
            and (stamped.new != stamped.previous or not _holds(stamped.path, stamped.lock_file))):
        try:
            lock.save(stamped.path, stamped.lock_file)
            inputs.wrote(stamped.path, stamped.lock_file)
        except OSError as exc:  # the lock is beside the sources, not in the output folder
            raise BuildError(f"cannot write {display_path(stamped.path)}: "
                             f"{exc.strerror or exc}", result.diagnostics) from exc
    stamped.remember_lock()
    result.removed_file = _write_removed_search(config, result.removed_search)
    session = current()
    for cache in (*caches, *([stamped.memo.cache] if stamped.memo is not None else [])):
        if session is not None:
            session.unsaved.append(cache)
        else:
            cache.save()
    if "pdf" not in config.formats:
        return []
    return [pdf_target(deck.name, config) for deck in gathered.decks]


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except OSError:
        return False


def release_memory() -> None:
    """Free what is no longer referenced, and hand it back to the system where the C
    library allows (glibc keeps freed memory for reuse by default)."""
    gc.collect()
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):  # musl has no malloc_trim
            ctypes.CDLL(None).malloc_trim(0)


def _change_details(decks: tuple[DeckNotes, ...], stamped: Stamped, config: BuildConfig,
                    changes: identity.ChangeReport) -> list[str]:
    """List the changes; with --diff, compare with the decks currently in the out folder."""
    if not config.diff:
        return report.details(changes, full=False)
    old_by_guid: dict[str, tuple[str, str]] = {}
    for deck in decks:
        old_by_guid.update(apkg.read_fields(config.out_dir / f"{output_name(deck.name)}.apkg"))
    notes_now = [n for deck in stamped.notes for n in deck]
    old = {n.key: old_by_guid[n.guid] for n in notes_now if n.guid in old_by_guid}
    new = {n.key: notefields.unpacked(n.fields)[:2] for n in notes_now}
    return report.details(changes, full=True, old_fields=old, new_fields=new)


def _write_removed_search(config: BuildConfig, search: str | None) -> Path | None:
    path = config.out_dir / REMOVED_FILE
    if search is None:
        path.unlink(missing_ok=True)
        return None
    text = ("# Notes removed from the Markdown stay in Anki (an import never deletes).\n"
            "# To delete them: Browse, paste the search below, select all, Delete.\n"
            f"{search}\n")
    atomic_write_bytes(path, text.encode("utf-8"))
    return path


def _write_deck(deck: DeckNotes, notes: tuple[apkg.NoteData, ...], config: BuildConfig,
                notetype_mtime: int) -> Path:
    from builder.render.assets import media_of

    target = config.out_dir / f"{output_name(deck.name)}.apkg"
    try:
        apkg.write_apkg(target, list(notes), media_of(deck.media), css=card_css(),
                        notetype_mtime=notetype_mtime)
    except OSError as exc:
        raise BuildError(f"cannot write {display_path(target)}: {exc.strerror or exc}") from exc
    return target


def pdf_target(deck: str, config: BuildConfig) -> Path:
    return config.out_dir / f"{output_name(deck)}.pdf"


def _plan_pdfs(gathered: Gathered, config: BuildConfig) -> list[PdfPlan]:
    """Plan every deck's PDF (some may be ``current``: already up to date)."""
    from builder.pdf.typeset import PdfError, plan_pdf

    date = build_day()
    plans = []
    for deck in gathered.decks:
        target = pdf_target(deck.name, config)
        # Named by the whole path: two output folders may share one cache.
        where = str(target.resolve()).encode("utf-8", "surrogateescape")
        memo = config.cache / f"pdf-{hashlib.sha256(where).hexdigest()[:16]}.memo"
        try:
            plan = plan_pdf(target, deck.name, deck.documents[0].settings.title,
                            tables_cut_for_pdf(deck.documents), gathered.assets,
                            paper=config.paper,
                            columns=config.columns, style=config.pdf_style, date=date,
                            skip_empty=not config.keep_empty, roots=gathered.roots,
                            memo=memo, site_root=config.site_root)
        except PdfError as exc:
            raise BuildError(str(exc)) from exc
        if plan.current:
            log.info("%s: up to date with its memo %s, not typeset", display_path(target),
                     display_path(memo))
        plans.append(plan)
    return plans


def _write_pdf(target: Path, pdfs: PdfJobs, start_progress: StartProgress) -> bool:
    """Write the PDF for ``target`` if it was planned (typeset); False if up to date."""
    from builder.build.gather import no_progress
    from builder.pdf.typeset import PdfError, commit

    plan = pdfs.plan(target)
    if plan is None:
        return False
    # typst reports no progress of its own: the bar says what is being waited for.
    done = start_progress(f"Typesetting {target.name}", plan.questions) \
        if plan.questions >= TYPESET_BAR_QUESTIONS else no_progress("", 0)
    try:
        with pdfs.result(plan) as pdf:
            commit(plan, pdf)
        done(plan.questions)
    except PdfError as exc:
        raise BuildError(str(exc)) from exc
    except OSError as exc:
        raise BuildError(f"cannot write {display_path(target)}: {exc.strerror or exc}") from exc
    return True
