"""The gathering half of a build: read, parse and check every source, draw the assets,
and assemble each deck's notes.  Nothing here writes an output; ``build`` and ``check``
both start with it, so they always report the same diagnostics.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from builder import ankimarkup, apkg, inputs, notes, rawhtml
from builder.assets import (
    Assets,
    MediaFile,
    Progress,
    default_jobs,
    render_assets,
    work_units,
    worker_pool,
)
from builder.config import BuildConfig, BuildError, display_path
from builder.diagrams import validate as validate_diagram
from builder.fonts import MISSING_GLYPH, missing_glyph_diagnostics
from builder.images import ImageResolver
from builder.lint import check_document
from builder.markdown import tokenize
from builder.model import Card, Diagnostic, Document, SourceLoc, walk_all
from builder.parse import ParseOptions, parse_text
from builder.parsecache import ParseCache, pickled_result
from builder.silence import Silencer
from builder.source import (
    ColumnMap,
    SourceError,
    decode_source,
    outside,
    read_source,
    too_large,
    without_control_chars,
)

log = logging.getLogger(__name__)

StartProgress = Callable[[str, int], Progress]
"""Called with a label and a total when a step will take more than about a second; the
callback it returns is given each increment of work done."""


def no_progress(label: str, total: int) -> Progress:
    return lambda n: None


@dataclass
class DeckBuild:
    """One deck's documents and notes, gathered before anything is written."""

    name: str
    documents: list[Document]
    assembled: list[notes.AssembledNote] = field(default_factory=list)
    notes: list[apkg.NoteData] = field(default_factory=list)
    """The notes to write, GUIDs and times filled in (by ``builder.stamp``)."""
    media: list[MediaFile] = field(default_factory=list)


@dataclass
class Gathered:
    """Everything read and drawn for one build."""

    documents: list[Document]
    roots: dict[str, Path]
    """Each document's source tree, which its images must stay inside."""
    decks: list[DeckBuild]
    assets: Assets
    silencer: Silencer
    diagnostics: list[Diagnostic] = field(default_factory=list)
    formula_failures: int = 0
    parse_cache: ParseCache | None = None
    """Parse results to store once the build writes (see ``ParseCache.save``)."""
    source_hashes: dict[Path, bytes] = field(default_factory=dict)
    """SHA-256 of each source file's bytes, as read and parsed."""
    image_lookups: list[tuple[str, str, str]] = field(default_factory=list)
    """Every image the notes looked up and what it resolved to (``ImageResolver.lookups``)."""
    columns: dict[str, ColumnMap] = field(default_factory=dict)
    """For files that had control characters: where the parsed text's columns are in
    the file.  Every diagnostic of such a file, from any stage, is reported through it."""

    def reported(self, leave_out: Collection[Diagnostic] = ()) -> list[Diagnostic]:
        """Return the diagnostics no file or project silences, once each, by place."""
        kept = dict.fromkeys(self._in_file(d) for d in self.diagnostics
                             if not self.silencer.silenced(d) and d not in leave_out)
        return sorted(kept, key=lambda d: (d.loc.path, d.loc.line, d.loc.col))

    def _in_file(self, diagnostic: Diagnostic) -> Diagnostic:
        columns = self.columns.get(diagnostic.loc.path)
        return columns.original(diagnostic) if columns is not None else diagnostic


def gather(config: BuildConfig, sources: list[tuple[Path, Path]],
           start_progress: StartProgress = no_progress,
           on_drawn: Callable[[Gathered], None] | None = None) -> Gathered:
    """Parse and check ``sources``, draw their assets, assemble their notes.

    ``on_drawn`` is called once every formula and diagram is drawn, before the notes
    are assembled: a build starts its PDFs there, to typeset while notes assemble.
    """
    silencer = Silencer(display_path)
    diagnostics: list[Diagnostic] = []
    jobs = config.jobs or default_jobs()
    cache = ParseCache(config.cache)
    # Missing glyphs matter to the PDF only; looking for them loads matplotlib's fonts.
    glyphs = "pdf" in config.formats
    pending = _look_up_parses(cache, sources, config.parse, glyphs)
    missing = [job for job in pending if job.result is None]
    parse_work = work_units(0, 0, sum(len(job.data or b"") for job in missing))
    # Large notes in several files are parsed in parallel; the same workers then draw.
    with worker_pool(jobs, parse_work if len(missing) > 1 else 0) as pool:
        progress = start_progress("Parsing", sum(_kib(job) for job in missing)) \
            if parse_work >= 1 else no_progress("", 0)
        _parse_missing(missing, config.parse, glyphs, pool, cache, progress)
        documents, roots = _collect(pending, silencer, diagnostics, pdf="pdf" in config.formats)
        decks = _group_by_deck(documents)
        gathered = Gathered(documents, roots, decks, Assets(), silencer, diagnostics,
                            parse_cache=cache, columns={
                                job.shown: job.result.columns for job in pending
                                if job.result is not None and job.result.columns.removed})
        gathered.source_hashes = {job.path: job.content for job in pending
                                  if job.content is not None}
        shared = pool if isinstance(pool, ProcessPoolExecutor) else None
        gathered.assets = _render(gathered, config, start_progress, shared)
    if on_drawn is not None:
        on_drawn(gathered)
    resolver = ImageResolver(roots, config.site_root)
    card_assets = (gathered.assets if config.math == "image"
                   else replace(gathered.assets, formulas={}))
    keys: dict[str, Card] = {}
    for deck in decks:
        deck.assembled = notes.assemble(deck.name, deck.documents, card_assets, resolver,
                                        keep_empty=config.keep_empty, diagnostics=diagnostics,
                                        seen=keys)
    if "pdf" in config.formats:
        _check_intro_pictures(decks, resolver)
    diagnostics.extend(resolver.diagnostics)
    gathered.image_lookups += resolver.lookups()
    return gathered


def _check_intro_pictures(decks: list[DeckBuild], resolver: ImageResolver) -> None:
    """Look up the pictures of section introductions, which only the PDF shows, so a
    missing one is reported as it is in a card."""
    for deck in decks:
        for doc in deck.documents:
            for node in (n for s in doc.sections for n in walk_all(s.intro)):
                if node.kind == "image":
                    loc = SourceLoc(doc.path, node.line, node.col or 1)
                    resolver.resolve(node.attr("src"), loc)


@dataclass(frozen=True)
class ParsedSource:
    """One source file parsed and checked (``document`` is None if it could not be read)."""

    document: Document | None
    diagnostics: tuple[Diagnostic, ...]
    columns: ColumnMap = field(default_factory=ColumnMap)
    """Columns of the text parsed (control characters out) → the file's columns."""


def parse_source(path: Path, shown: str, options: ParseOptions,
                 data: bytes | None = None, glyphs: bool = True) -> ParsedSource:
    """Read (unless ``data`` holds its bytes), parse and check one file; ``glyphs``: look
    for characters the PDF's fonts lack too.

    Runs in a worker process for large builds.
    """
    try:
        text = (read_source(path, shown) if data is None else decode_source(data, shown)
                ).removeprefix("\ufeff")
    except SourceError as exc:
        return ParsedSource(None, (Diagnostic(exc.loc, "error", exc.message, exc.code),))
    text, controls, columns = without_control_chars(text, shown)
    tokens = tokenize(text)
    doc = parse_text(text, shown, options, validate_diagram, stem=path.stem, tokens=tokens)
    checks = [*controls, *doc.diagnostics, *check_document(doc, text, tokens),
              *rawhtml.check_document(doc), *ankimarkup.check_document(doc),
              *(missing_glyph_diagnostics(text, shown) if glyphs else ())]
    return ParsedSource(doc, tuple(checks), columns)


@dataclass
class _ParseJob:
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


def _look_up_parses(cache: ParseCache, sources: list[tuple[Path, Path]],
                    options: ParseOptions, glyphs: bool) -> list[_ParseJob]:
    jobs = []
    for path, root in sources:
        shown = display_path(path)
        if outside(path, root):
            link = str(Path(display_path(path.parent)) / path.name)  # not where it leads
            jobs.append(_ParseJob(path, root, shown, None, None, None, ParsedSource(None, (
                Diagnostic(SourceLoc(link, 1), "error", "a link to a file outside the "
                           f"source folder {display_path(root)}: not read", "source-outside"),))))
            continue
        try:
            # Not read when too large: parsing it again reports that.
            data: bytes | None = None if too_large(path) else inputs.read_bytes(path)
        except OSError:
            data = None
        content = hashlib.sha256(data).digest() if data is not None else None
        key = cache.key(content, shown, (options, glyphs)) if content is not None else None
        job = _ParseJob(path, root, shown, data, content, key)
        if key is not None:
            job.result = cache.get(shown, key)
        jobs.append(job)
    return jobs


def _parse_missing(missing: list[_ParseJob], options: ParseOptions, glyphs: bool,
                   pool: Executor, cache: ParseCache, progress: Progress) -> None:
    args = ([job.path for job in missing], [job.shown for job in missing],
            [options] * len(missing), [job.data for job in missing], [glyphs] * len(missing))
    outcomes: Iterable[tuple[ParsedSource, bytes | None]]
    if isinstance(pool, ProcessPoolExecutor):
        outcomes = ((pickle.loads(pickled), pickled)
                    for pickled in pool.map(_parse_pickled, *args))
    else:
        outcomes = ((result, None) for result in map(parse_source, *args))
    for job, (result, pickled) in zip(missing, outcomes, strict=True):
        progress(_kib(job))
        job.result = result
        if job.key is not None and result.document is not None:
            cache.put(job.shown, job.key, result, pickled)


def _parse_pickled(path: Path, shown: str, options: ParseOptions, data: bytes | None,
                   glyphs: bool) -> bytes:
    # Pickled here, in the worker, once: the same bytes carry the result to the building
    # process and into the parse cache.
    return pickled_result(parse_source(path, shown, options, data, glyphs))


def _collect(jobs: list[_ParseJob], silencer: Silencer, diagnostics: list[Diagnostic], *,
             pdf: bool) -> tuple[list[Document], dict[str, Path]]:
    documents: list[Document] = []
    roots: dict[str, Path] = {}
    for job in jobs:
        assert job.result is not None
        # Anki draws with the device's fonts: a glyph missing from ours matters to the PDF only.
        diagnostics.extend(d for d in job.result.diagnostics
                           if pdf or d.code != MISSING_GLYPH)
        doc = job.result.document
        if doc is None:
            continue
        diagnostics.extend(silencer.add(doc, job.path))
        if not doc.cards:
            diagnostics.append(Diagnostic(
                SourceLoc(doc.path, 1), "warning",
                f"no questions found (read as {doc.settings.structure}; "
                "see check --explain-structure)", "no-questions"))
        documents.append(doc)
        roots[doc.path] = job.root
    return documents, roots


def _kib(job: _ParseJob) -> int:
    return len(job.data or b"") // 1024


def _group_by_deck(documents: list[Document]) -> list[DeckBuild]:
    decks: dict[str, DeckBuild] = {}
    for doc in documents:
        if doc.cards:
            decks.setdefault(doc.settings.deck, DeckBuild(doc.settings.deck, [])
                             ).documents.append(doc)
    return list(decks.values())


def _render(gathered: Gathered, config: BuildConfig, start_progress: StartProgress,
            pool: Executor | None) -> Assets:
    cards = [c for deck in gathered.decks for doc in deck.documents for c in doc.cards]
    # Section introductions are shown in the PDF only.
    intros = [s for deck in gathered.decks for doc in deck.documents for s in doc.sections
              if "pdf" in config.formats]
    # The PDF typesets math with typst, so it needs each formula checked even with MathJax cards.
    wanted = config.math == "image" or "pdf" in config.formats
    formulas = [f for c in cards for f in c.formulas] if wanted else []
    formulas += [f for s in intros for f in s.formulas]
    diagrams = [d for c in cards for d in c.diagrams] + [d for s in intros for d in s.diagrams]
    unique = len(set(formulas)) + len(set(diagrams))
    if not unique:
        return Assets()
    try:
        assets = render_assets(formulas, diagrams, config.cache,
                               jobs=config.jobs or default_jobs(),
                               start_progress=lambda todo: start_progress("Rendering", todo),
                               vector="pdf" in config.formats, pool=pool)
    except OSError as exc:
        raise BuildError(f"cannot write the image cache {display_path(config.cache)}: "
                         f"{exc.strerror or exc}", gathered.diagnostics) from exc
    # Every occurrence is reported: each is a place the author may want to fix.
    for formula in formulas:
        reason = assets.formula_failures.get(formula)
        if reason is not None:
            gathered.formula_failures += 1
            gathered.diagnostics.append(Diagnostic(
                formula.loc, "warning",
                f"formula kept as MathJax, no renderer could draw ${formula.tex}$: {reason}",
                "formula-render"))
    for diagram in diagrams:
        reason = assets.diagram_failures.get(diagram)
        if reason is not None:
            gathered.diagnostics.append(Diagnostic(
                diagram.loc, "error", f"diagram could not be drawn: {reason}", "diagram-render"))
    return assets
