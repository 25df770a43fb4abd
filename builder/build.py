"""One build: gather everything (sources, parse, assets, notes), then write the outputs.

Nothing is written until every input has been read and every note assembled, so
a build that fails leaves the previous outputs as they were.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from builder import apkg, identity, lock, notes, report
from builder.assets import Assets, MediaFile, Progress, default_jobs, media_of, render_assets
from builder.atomic import atomic_write_bytes
from builder.diagrams import validate as validate_diagram
from builder.html import pygments_css
from builder.images import ImageResolver
from builder.model import Diagnostic, Document, SourceLoc
from builder.parse import ParseOptions, SourceError, parse_file

log = logging.getLogger(__name__)

MathMode = Literal["image", "mathjax"]
FORMATS = ("apkg", "pdf")


class BuildError(Exception):
    """The build cannot go on; the message says why, in one line.

    ``diagnostics`` holds what was found before the build stopped, to print first.
    """

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics or []


@dataclass(frozen=True)
class BuildConfig:
    """Everything one build needs; the CLI turns options into this."""

    sources: tuple[Path, ...] = (Path("source_md"),)
    out_dir: Path = Path("dist")
    formats: tuple[str, ...] = FORMATS
    math: MathMode = "image"
    keep_empty: bool = False
    strict: bool = False
    use_lock: bool = True
    lock_path: Path | None = None
    cache_dir: Path | None = None
    jobs: int = 0
    """Worker processes for rendering; 0 means one per CPU."""
    parse: ParseOptions = field(default_factory=ParseOptions)
    paper: str = "a4"
    columns: int = 2
    pdf_style: str = "sheet"
    diff: bool = False
    """List every change with the old and new text, not just counts."""


@dataclass
class DeckBuild:
    """One deck's documents and notes, gathered before anything is written."""

    name: str
    documents: list[Document]
    assembled: list[notes.AssembledNote] = field(default_factory=list)
    notes: list[apkg.NoteData] = field(default_factory=list)
    """The notes to write, GUIDs and times filled in."""
    media: list[MediaFile] = field(default_factory=list)


@dataclass
class BuildResult:
    """What a build did, for the summary line and for tests."""

    outputs: list[Path] = field(default_factory=list)
    decks: int = 0
    cards: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
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

    @property
    def errors(self) -> int:
        return sum(d.severity == "error" for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity == "warning" for d in self.diagnostics)


StartProgress = Callable[[str, int], Progress]


def _no_progress(label: str, total: int) -> Progress:
    return lambda n: None


def display_path(path: Path) -> str:
    """Show a path relative to the working folder when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def find_sources(sources: tuple[Path, ...]) -> list[tuple[Path, Path]]:
    """Return (file, root) for every Markdown file named, directories walked in sorted order."""
    found: list[tuple[Path, Path]] = []
    for source in sources:
        if source.is_dir():
            files = sorted(p for p in source.rglob("*.md") if p.is_file())
            if not files:
                raise BuildError(f"{display_path(source)}: no Markdown (*.md) files found")
            found.extend((f, source) for f in files)
        elif source.is_file():
            found.append((source, source.parent))
        else:
            raise BuildError(f"{display_path(source)}: no such file or directory")
    return list(dict.fromkeys(found))


def build(config: BuildConfig, start_progress: StartProgress = _no_progress) -> BuildResult:
    """Build every deck named by ``config``; raise BuildError when nothing can be built."""
    result = BuildResult()
    sources = find_sources(config.sources)
    # 1. Gather: parse every file.
    documents, roots = _parse_all(sources, config, result)
    decks = _group_by_deck(documents)
    if not any(doc.cards for doc in documents):
        raise BuildError("no questions found in " + ", ".join(display_path(s)
                                                                for s in config.sources),
                         result.diagnostics)
    # 2. Gather: draw formulas and diagrams.
    assets = _render(decks, config, start_progress, result)
    # 3. Gather: assemble notes, stamp them against the lock.
    resolver = ImageResolver(roots)
    card_assets = assets if config.math == "image" else replace(assets, formulas={})
    for deck in decks:
        deck.assembled = notes.assemble(deck.name, deck.documents, card_assets, resolver,
                                        keep_empty=config.keep_empty,
                                        diagnostics=result.diagnostics)
    result.diagnostics.extend(resolver.diagnostics)
    previous, new_lock, lock_path = _stamp(decks, config, set(roots), result)
    if result.changes is not None and new_lock is not None:
        result.change_details = _change_details(decks, config, result.changes)
        result.removed_search = report.removed_search(new_lock)
    result.decks = len(decks)
    result.cards = sum(len(d.notes) for d in decks)
    result.diagnostics.sort(key=lambda d: (d.loc.path, d.loc.line, d.loc.col))
    if config.strict and result.diagnostics:
        return result
    # 4. Write.
    _write_decks(decks, config, new_lock, result)
    # The lock goes right after the decks: their note times come from it.
    if lock_path is not None and new_lock is not None and new_lock != previous:
        lock.save(lock_path, new_lock)
    if "pdf" in config.formats:
        result.outputs += [_write_pdf(deck, config, assets, roots) for deck in decks]
    result.removed_file = _write_removed_search(config, result.removed_search)
    result.written = True
    return result


def _parse_all(sources: list[tuple[Path, Path]], config: BuildConfig, result: BuildResult
               ) -> tuple[list[Document], dict[str, Path]]:
    documents: list[Document] = []
    roots: dict[str, Path] = {}
    for path, root in sources:
        shown = display_path(path)
        try:
            doc = parse_file(path, shown, config.parse, validate_diagram)
        except SourceError as exc:
            result.diagnostics.append(Diagnostic(exc.loc, "error", exc.message, "source"))
            continue
        result.diagnostics.extend(doc.diagnostics)
        if not doc.cards:
            result.diagnostics.append(Diagnostic(
                SourceLoc(shown, 1), "warning",
                f"no questions found (questions are level-{doc.settings.question_level} "
                "headings)", "no-questions"))
        documents.append(doc)
        roots[shown] = root
    return documents, roots


def _group_by_deck(documents: list[Document]) -> list[DeckBuild]:
    decks: dict[str, DeckBuild] = {}
    for doc in documents:
        if doc.cards:
            decks.setdefault(doc.settings.deck, DeckBuild(doc.settings.deck, [])
                             ).documents.append(doc)
    return list(decks.values())


def _render(decks: list[DeckBuild], config: BuildConfig, start_progress: StartProgress,
            result: BuildResult) -> Assets:
    cards = [c for deck in decks for doc in deck.documents for c in doc.cards]
    # The PDF typesets math with typst, so it needs each formula checked even with MathJax cards.
    wanted = config.math == "image" or "pdf" in config.formats
    formulas = [f for c in cards for f in c.formulas] if wanted else []
    diagrams = [d for c in cards for d in c.diagrams]
    unique = len(set(formulas)) + len(set(diagrams))
    if not unique:
        return Assets()
    cache = config.cache_dir or config.out_dir / ".cache"
    assets = render_assets(formulas, diagrams, cache, jobs=config.jobs or default_jobs(),
                           progress=start_progress("Rendering", unique))
    result.rendered, result.reused = assets.rendered, assets.reused
    # Every occurrence is reported: each is a place the author may want to fix.
    for formula in formulas:
        reason = assets.formula_failures.get(formula)
        if reason is not None:
            result.formula_failures += 1
            result.diagnostics.append(Diagnostic(
                formula.loc, "warning",
                f"formula kept as MathJax, no renderer could draw ${formula.tex}$: {reason}",
                "formula-render"))
    for diagram in diagrams:
        reason = assets.diagram_failures.get(diagram)
        if reason is not None:
            result.diagnostics.append(Diagnostic(diagram.loc, "error",
                                                 f"diagram could not be drawn: {reason}",
                                                 "diagram-render"))
    return assets


def _now() -> int:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return int(epoch)
    return int(time.time())


def _css() -> str:
    return apkg.note_type_css(pygments_css())


def _lock_path(config: BuildConfig) -> Path:
    if config.lock_path is not None:
        return config.lock_path
    first = config.sources[0]
    return (first if first.is_dir() else first.parent) / lock.LOCK_NAME


def _stamp(decks: list[DeckBuild], config: BuildConfig, built_files: set[str],
           result: BuildResult) -> tuple[lock.Lock | None, lock.Lock | None, Path | None]:
    """Give every note its GUID and modification time; see builder.lock and builder.identity."""
    now = _now()
    assembled = [n for deck in decks for n in deck.assembled]
    if not config.use_lock:
        _finish_notes(decks, {n.note.key: _guid(n.note.key) for n in assembled},
                      {n.note.key: now for n in assembled})
        return None, None, None
    path = _lock_path(config)
    try:
        previous = lock.load(path)
    except lock.LockError as exc:
        raise BuildError(str(exc), result.diagnostics) from exc

    def in_scope(entry: lock.LockEntry) -> bool:
        # Notes of files left out of this build are not "removed"; those of deleted files are.
        return entry.file in built_files or not Path(entry.file).exists()

    current = [identity.CurrentNote(n.note.key, n.card.question_text, n.answer_text, n.card.loc,
                                    n.card.explicit_id) for n in assembled]
    matching = identity.match(previous, current, in_scope)
    result.diagnostics.extend(matching.diagnostics)
    guids: dict[str, str] = {}
    for facts in current:
        old = previous.entries.get(matching.renames.get(facts.key, facts.key))
        guids[facts.key] = old.guid if old is not None else _guid(facts.key)
    stamped = [(replace(facts, content=_content_hash(n.note, guids[facts.key])), guids[facts.key])
               for facts, n in zip(current, assembled, strict=True)]
    new, result.changes = identity.update(previous, stamped, matching, in_scope,
                                          apkg.note_type_hash(_css()), now)
    _finish_notes(decks, guids, {key: e.changed for key, e in new.entries.items()})
    return previous, new, path


def _content_hash(note: apkg.NoteData, guid: str) -> str:
    # The Source field's line number is left out: a question that only moved down
    # because lines were added above it has not changed, and is not re-dated.
    question, answer, section, _source, key = note.fields
    return lock.content_hash(question, answer, section, key, *note.tags, note.deck, guid)


def _finish_notes(decks: list[DeckBuild], guids: dict[str, str], mtimes: dict[str, int]) -> None:
    for deck in decks:
        deck.notes = [replace(n.note, guid=guids[n.note.key], mtime=mtimes[n.note.key])
                      for n in deck.assembled]
        deck.media = [m for n in deck.assembled for m in n.media]


def _change_details(decks: list[DeckBuild], config: BuildConfig,
                    changes: identity.ChangeReport) -> list[str]:
    """List the changes; with --diff, compare with the decks currently in the out folder."""
    if not config.diff:
        return report.details(changes, full=False)
    old_by_guid: dict[str, tuple[str, str]] = {}
    for deck in decks:
        old_by_guid.update(apkg.read_fields(config.out_dir / f"{output_name(deck.name)}.apkg"))
    notes_now = [n for deck in decks for n in deck.notes]
    old = {n.key: old_by_guid[n.guid] for n in notes_now if n.guid in old_by_guid}
    new = {n.key: (n.fields[0], n.fields[1]) for n in notes_now}
    return report.details(changes, full=True, old_fields=old, new_fields=new)


REMOVED_FILE = "removed-notes.txt"


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


def _guid(key: str) -> str:
    import genanki

    return str(genanki.guid_for(key))


def output_name(deck: str) -> str:
    """Return a file name for a deck: its name with path-hostile characters replaced."""
    cleaned = "".join("_" if c in '<>:"/\\|?*' or ord(c) < 32 else c for c in deck)
    return cleaned.strip(" .") or "deck"


def _write_decks(decks: list[DeckBuild], config: BuildConfig, new_lock: lock.Lock | None,
                 result: BuildResult) -> None:
    css = _css()
    notetype_mtime = new_lock.notetype_changed if new_lock is not None else _now()
    for deck in decks:
        if "apkg" in config.formats:
            target = config.out_dir / f"{output_name(deck.name)}.apkg"
            try:
                apkg.write_apkg(target, deck.notes, media_of(deck.media), css=css,
                                notetype_mtime=notetype_mtime)
            except OSError as exc:
                raise BuildError(f"cannot write {display_path(target)}: "
                                 f"{exc.strerror or exc}") from exc
            result.outputs.append(target)


def _write_pdf(deck: DeckBuild, config: BuildConfig, assets: Assets,
               roots: dict[str, Path]) -> Path:
    from builder.pdf import PdfError, write_pdf

    target = config.out_dir / f"{output_name(deck.name)}.pdf"
    title = deck.documents[0].settings.title
    date = time.strftime("%Y-%m-%d", time.gmtime(_now()))
    try:
        write_pdf(target, deck.name, title, deck.documents, assets, paper=config.paper,
                  columns=config.columns, style=config.pdf_style, date=date,
                  skip_empty=not config.keep_empty, roots=roots)
    except PdfError as exc:
        raise BuildError(str(exc)) from exc
    except OSError as exc:
        raise BuildError(f"cannot write {display_path(target)}: {exc.strerror or exc}") from exc
    return target
