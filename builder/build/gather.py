"""The gathering half of a build: read, parse and check every source, draw the assets,
and assemble each deck's notes.  Nothing here writes an output; ``build`` and ``check``
both start with it.

Each step returns its result with its diagnostics; the ``Collector`` made here is the one
place they are silenced, mapped to the file's columns and put in order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from pathlib import Path

from builder.anki import notes
from builder.anki.kept import AssembledNote, FileNotes, NoteMemory
from builder.build import notecache
from builder.build.config import BuildConfig, BuildError, display_path
from builder.build.notecache import StoredFile
from builder.build.parsejobs import (
    ParseJob,
    kib,
    look_up_parses,
    parse_missing,
    parsed_if_unfit,
)
from builder.build.parsepool import parse_workers
from builder.build.sourceparse import ParsedSource
from builder.checks.silence import Silencer
from builder.model import Card, Diagnostic, Diagram, Document, Formula, SourceLoc, walk_all
from builder.parse.cache import ParseCache
from builder.parse.csdnpictures import failed_copy_places
from builder.parse.foldednotes import fold_remote
from builder.parse.limits import shown_formulas
from builder.parse.questiontext import with_empty_kept
from builder.parse.source import ColumnMap
from builder.parse.typstmath import typst_signs
from builder.render.assets import (
    Assets,
    Progress,
    default_jobs,
    in_processes,
    render_assets,
    work_units,
    worker_pool,
)
from builder.render.glyphs import MISSING_GLYPH
from builder.render.images import ImageResolver
from builder.render.media import MediaFile

log = logging.getLogger(__name__)

StartProgress = Callable[[str, int], Progress]
"""Called with a label and a total when a step will take more than about a second; the
callback it returns is given each increment of work done."""


def no_progress(label: str, total: int) -> Progress:
    return lambda n: None


@dataclass(frozen=True)
class Deck:
    """One deck's files, in the order read: each parsed (a ``Document``), or its notes
    as the last build kept them when it did not change (``FileNotes``; only for decks
    without a PDF, which shows the parse)."""

    name: str
    files: tuple[Document | FileNotes, ...]

    @property
    def documents(self) -> tuple[Document, ...]:
        """Its files' parses, for the PDF (which is never built from kept notes)."""
        parsed = tuple(file for file in self.files if isinstance(file, Document))
        if len(parsed) != len(self.files):
            raise ValueError(f"deck {self.name!r} has kept notes in place of a parse")
        return parsed


@dataclass(frozen=True)
class DeckNotes:
    """One deck's documents and the contents of its notes (GUIDs come from ``stamp``)."""

    name: str
    files: tuple[Document | FileNotes, ...]
    assembled: tuple[AssembledNote, ...]

    @property
    def media(self) -> list[MediaFile]:
        return [m for n in self.assembled for m in n.media]


@dataclass(frozen=True)
class Collector:
    """The one place diagnostics are silenced, mapped to the file's columns, made unique
    and put in order.

    Each stage returns its own; a build or check hands them all here once (``Reported``
    counts what it reports, and ``strict_refuses`` decides ``--strict`` from that count).
    """

    silencer: Silencer
    columns: Mapping[str, ColumnMap]
    """For files that had control characters: where the parsed text's columns are in
    the file.  Every diagnostic of such a file, from any stage, is reported through it."""

    def reported(self, *stages: Iterable[Diagnostic], leave_out: Collection[Diagnostic] = ()
                 ) -> list[Diagnostic]:
        """Return the diagnostics no file or project silences, once each, by place."""
        # A set: a shared lock's 20,000 rename warnings were each looked for in a tuple.
        left_out = frozenset(leave_out)
        kept = dict.fromkeys(self._in_file(d) for stage in stages for d in stage
                             if not self.silencer.silenced(d) and d not in left_out)
        return sorted(kept, key=lambda d: (d.loc.path, d.loc.line, d.loc.col))

    def _in_file(self, diagnostic: Diagnostic) -> Diagnostic:
        columns = self.columns.get(diagnostic.loc.path)
        return columns.original(diagnostic) if columns is not None else diagnostic


@dataclass(frozen=True)
class Gathered:
    """Every source read, parsed and checked, and its formulas and diagrams drawn."""

    files: tuple[Document | FileNotes, ...]
    """Every file read, parsed or as its notes were kept (see ``Deck``)."""
    roots: Mapping[str, Path]
    """Each document's source tree, which its images must stay inside."""
    decks: tuple[Deck, ...]
    assets: Assets
    collector: Collector
    diagnostics: tuple[Diagnostic, ...]
    formula_failures: int
    parse_cache: ParseCache | None
    """Parse results to store once the build writes (see ``ParseCache.save``)."""
    source_hashes: Mapping[Path, bytes]
    """SHA-256 of each source file's bytes, as read and parsed."""
    bases: Mapping[str, tuple[str, ParsedSource]] = field(default_factory=dict)
    """Each file read from the parse cache → the key and document of the entry read:
    its cards, unless an edit touched them, are the document's own
    (``builder.build.notecache`` gives them the notes stored with that entry)."""
    stored: Mapping[str, tuple[str, ParsedSource]] = field(default_factory=dict)
    """Each file → the key and result of its parse cache entry once the build has
    written (its notes are stored beside it, under the same key)."""
    moved: tuple[tuple[Card, Card], ...] = ()
    """Questions an edit above them only moved: each as it was and as it is now."""

    def reported(self, *later: Iterable[Diagnostic], leave_out: Collection[Diagnostic] = ()
                 ) -> list[Diagnostic]:
        """These diagnostics and those of the later stages, as the collector reports them."""
        found = [d for stage in (self.diagnostics, *later) for d in stage]
        csdn = {d.loc.path for d in self.diagnostics if d.code == "csdn-picture"}
        if csdn:  # one warning a file for the remote pictures CSDN failed to copy
            found = fold_remote(found, self._failed_copies(csdn))
        return self.collector.reported(found, leave_out=leave_out)

    def _failed_copies(self, paths: set[str]) -> set[tuple[str, int, int]]:
        places: set[tuple[str, int, int]] = set()
        for file in self.files:
            if file.path in paths:
                cards = file.cards if isinstance(file, Document) else [
                    card for card in file.cards if isinstance(card, Card)]
                nodes = [node for card in cards for node in (*card.question, *card.answer)]
                intros = file.sections if isinstance(file, Document) else ()
                nodes += [node for section in intros for node in section.intro]
                places |= failed_copy_places(nodes, file.path)
        return places


@dataclass(frozen=True)
class Assembled:
    """Every deck's notes, and what assembling them found."""

    decks: tuple[DeckNotes, ...]
    diagnostics: tuple[Diagnostic, ...]
    image_lookups: tuple[tuple[str, str, str], ...]
    """Every image the notes looked up and what it resolved to (``ImageResolver.lookups``)."""


def gather(config: BuildConfig, sources: list[tuple[Path, Path]],
           start_progress: StartProgress = no_progress) -> Gathered:
    """Parse and check ``sources`` and draw their formulas and diagrams.

    A build starts its PDFs as soon as this returns, to typeset while ``assemble``
    makes the notes.
    """
    silencer = Silencer(display_path, config.settings_file)
    jobs = config.jobs or default_jobs()
    cache = ParseCache(config.cache)
    # Missing glyphs matter to the PDF only; looking for them loads matplotlib's fonts.
    glyphs = "pdf" in config.formats
    # The notes a file's last build kept are all its cards need, unless a PDF shows the
    # parse (a watch keeps its parses in memory: they cost it nothing to load).
    kept_notes = notecache.notes_cache(config.cache) \
        if "pdf" not in config.formats and not cache.remembers else None
    pending = look_up_parses(cache, sources, config.parse, glyphs, kept_notes)
    missing = [job for job in pending if job.result is None and job.kept is None]
    log.info("parse cache %s: %d of %d file(s) parsed before, %d to parse",
             display_path(config.cache), len(pending) - len(missing), len(pending), len(missing))
    parse_work = work_units(0, 0, sum(len(job.data or b"") for job in missing))
    # Large notes in several files are parsed in parallel (``parsepool`` says when that
    # pays); the same workers then draw.
    workers = parse_workers([len(job.data or b"") for job in missing], config.jobs,
                            default_jobs())
    with worker_pool(jobs, jobs if workers else 0) as pool:
        progress = start_progress("Parsing", sum(kib(job) for job in missing)) \
            if parse_work >= 1 else no_progress("", 0)
        parse_missing(missing, config.parse, glyphs, pool, workers, cache, progress)
        files, roots, read = _collect(pending, silencer, pdf="pdf" in config.formats)
        collector = Collector(silencer, {job.shown: job.columns for job in pending
                                         if job.columns.removed})
        decks = _group_by_deck(files)
        shared = pool if in_processes(pool) else None
        assets, drawing, undrawn = _render(decks, config, start_progress, shared,
                                           collector.reported(read))
    parsed = parsed_if_unfit(pending, card_assets(assets, config), cache, config.parse,
                              glyphs)
    if parsed:
        files = [parsed.get(id(file), file) for file in files]
        decks = _group_by_deck(files)
    # The project settings' problems (pyproject.toml) come first, as the file is read first.
    return Gathered(tuple(files), roots, decks, assets, collector,
                    (*config.diagnostics, *with_empty_kept(read, config.keep_empty), *drawing),
                    undrawn, cache,
                    {job.path: job.content for job in pending if job.content is not None},
                    {job.shown: job.base for job in pending if job.base is not None},
                    {job.shown: job.stored for job in pending if job.stored is not None},
                    tuple(pair for job in pending for pair in job.moved))


def assemble(gathered: Gathered, config: BuildConfig,
             memory: NoteMemory | None = None) -> Assembled:
    """Make every deck's notes from its cards and the drawn assets (``memory``: the
    notes of the last build in this process, see ``notes.NoteMemory``)."""
    made = notes.assemble([(deck.name, deck.files) for deck in gathered.decks],
                          card_assets(gathered.assets, config), gathered.roots,
                          site_root=config.site_root, keep_empty=config.keep_empty,
                          memory=memory)
    decks = tuple(DeckNotes(deck.name, deck.files, assembled)
                  for deck, assembled in zip(gathered.decks, made.decks, strict=True))
    if "pdf" not in config.formats:
        return Assembled(decks, made.diagnostics, made.image_lookups)
    intro = _check_intro_pictures(gathered.decks, ImageResolver(gathered.roots,
                                                               config.site_root))
    return Assembled(decks, (*made.diagnostics, *intro.diagnostics),
                     (*made.image_lookups, *intro.lookups()))


def card_assets(assets: Assets, config: BuildConfig) -> Assets:
    """The drawings the cards show: with MathJax cards, their diagrams only."""
    return assets if config.math == "image" else replace(assets, formulas={})


def _check_intro_pictures(decks: Iterable[Deck], resolver: ImageResolver) -> ImageResolver:
    """Look up the pictures of section introductions, which only the PDF shows, so a
    missing one is reported as it is in a card."""
    for deck in decks:
        for doc in deck.documents:
            for node in (n for s in doc.sections for n in walk_all(s.intro)):
                if node.kind == "image":
                    loc = SourceLoc(doc.path, node.line, node.col or 1)
                    resolver.resolve(node.attr("src"), loc)
    return resolver


def _collect(jobs: list[ParseJob], silencer: Silencer, *, pdf: bool
             ) -> tuple[list[Document | FileNotes], dict[str, Path], list[Diagnostic]]:
    """The files read, their source trees, and what reading them found."""
    files: list[Document | FileNotes] = []
    roots: dict[str, Path] = {}
    found: list[Diagnostic] = []
    for job in jobs:
        source = job.kept or job.result
        assert source is not None  # every job was parsed or kept
        # Anki draws with the device's fonts: a glyph missing from ours matters to the PDF only.
        found += [d for d in source.diagnostics if pdf or d.code != MISSING_GLYPH]
        file = source.notes if isinstance(source, StoredFile) else source.document
        if file is None:
            continue
        found += silencer.add(file.path, file.settings, job.path)
        if not file.cards:
            found.append(Diagnostic(
                SourceLoc(file.path, 1), "warning",
                f"no questions found (read as {file.settings.structure}; "
                "see check --explain-structure)", "no-questions"))
        files.append(file)
        roots[file.path] = job.root
    return files, roots, found


def _group_by_deck(files: list[Document | FileNotes]) -> tuple[Deck, ...]:
    decks: dict[str, list[Document | FileNotes]] = {}
    for file in files:
        if file.cards:
            decks.setdefault(file.settings.deck, []).append(file)
    return tuple(Deck(name, tuple(in_deck)) for name, in_deck in decks.items())


def _render(decks: tuple[Deck, ...], config: BuildConfig, start_progress: StartProgress,
            pool: Executor | None, so_far: list[Diagnostic]
            ) -> tuple[Assets, list[Diagnostic], int]:
    """Draw the formulas and diagrams; return them, what drawing them found and how many
    formulas (each occurrence) could not be drawn.

    ``so_far`` is what the build reports if the cache cannot be written.
    """
    files = [file for deck in decks for file in deck.files]
    # Section introductions are shown in the PDF only.
    intros = [s for deck in decks for doc in deck.documents for s in doc.sections] \
        if "pdf" in config.formats else []
    # The PDF typesets math with typst, so it needs each formula checked even with MathJax cards.
    # With MathJax cards, only the formulas the PDF shows: none past an answer's PDF cut.
    # (Pictures for the cards: all, as the card's own cut is made in HTML, later.)
    if config.math == "image":
        formulas = [f for file in files for c in file.cards for f in c.formulas]
    elif "pdf" in config.formats:
        formulas = [f for file in files for c in file.cards
                    for f in (shown_formulas(c) if isinstance(c, Card) else c.formulas)]
    else:
        formulas = []
    formulas += [f for s in intros for f in s.formulas]
    diagrams = [d for file in files for c in file.cards for d in c.diagrams]
    diagrams += [d for s in intros for d in s.diagrams]
    unique = len(set(formulas)) + len(set(diagrams))
    if not unique:
        return Assets(), [], 0
    try:
        assets = render_assets(formulas, diagrams, config.cache,
                               jobs=config.jobs or default_jobs(),
                               start_progress=lambda todo: start_progress("Rendering", todo),
                               vector="pdf" in config.formats, pool=pool)
    except OSError as exc:
        raise BuildError(f"cannot write the image cache {display_path(config.cache)}: "
                         f"{exc.strerror or exc}", so_far) from exc
    return assets, _drawing_problems(formulas, diagrams, assets), \
        sum(formula in assets.formula_failures for formula in formulas)


def _drawing_problems(formulas: list[Formula], diagrams: list[Diagram], assets: Assets
                      ) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    if assets.typst_unavailable is not None:
        # Once, at the first formula: each formula is affected alike.
        found.append(Diagnostic(
            formulas[0].loc, "warning", f"typst cannot start ({assets.typst_unavailable}): the "
            "formulas are drawn with matplotlib's mathtext instead, and drawn again by typst "
            "once it starts", "typst-unavailable"))
    # Every occurrence is reported: each is a place the author may want to fix.  Typst
    # written as TeX was reported when read (formula-typst): that says why it is not drawn.
    for formula in formulas:
        reason = assets.formula_failures.get(formula)
        if reason is not None and not typst_signs(formula.tex):
            found.append(Diagnostic(
                formula.loc, "warning",
                f"formula kept as MathJax, no renderer could draw ${formula.tex}$: {reason}",
                "formula-render"))
    for diagram in diagrams:
        reason = assets.diagram_failures.get(diagram)
        if reason is not None:
            found.append(Diagnostic(
                diagram.loc, "error", f"diagram could not be drawn: {reason}", "diagram-render"))
    return found
