"""One build: gather everything (sources, parse, assets, notes), then write the outputs.

Nothing is written until every input has been read and every note assembled, so
a build that fails leaves the previous outputs as they were.
"""

from __future__ import annotations

import html
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from builder import apkg, lock
from builder.assets import Assets, MediaFile, Progress, default_jobs, media_of, render_assets
from builder.diagrams import validate as validate_diagram
from builder.html import HtmlMedia, code_html, mathjax, pygments_css, render_blocks, render_inline
from builder.images import ImageResolver
from builder.model import Card, Diagnostic, Diagram, Document, Formula, SourceLoc
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


@dataclass
class DeckBuild:
    """One deck's documents and notes, gathered before anything is written."""

    name: str
    documents: list[Document]
    notes: list[apkg.NoteData] = field(default_factory=list)
    media: list[MediaFile] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)


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
        _assemble(deck, config, card_assets, resolver, result)
    result.diagnostics.extend(resolver.diagnostics)
    previous, new_lock, lock_path = _stamp(decks, config)
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


def _assemble(deck: DeckBuild, config: BuildConfig, assets: Assets, resolver: ImageResolver,
              result: BuildResult) -> None:
    seen: dict[str, Card] = {}
    for doc in deck.documents:
        for card in doc.cards:
            if card.is_empty and not config.keep_empty:
                continue
            card = _unique_key(card, seen, result)
            used: list[MediaFile] = []
            media = _html_media(assets, resolver, doc.path, used)
            answer = render_blocks(card.answer, media) or "&nbsp;"
            fields = (render_inline(card.question, media), answer,
                      html.escape(" › ".join(card.section_path)),
                      html.escape(f"{card.loc.path}:{card.loc.line}"), html.escape(card.key))
            tags = tuple(dict.fromkeys(
                [apkg.tag_for(deck.name, card.section_path),
                 *(apkg.tag_for(t, ()) for t in doc.settings.tags)]))
            deck.notes.append(apkg.NoteData(
                key=card.key, guid=_guid(card.key), fields=fields, tags=tuple(t for t in tags if t),
                deck=apkg.subdeck(deck.name, card.section_path), mtime=0))
            deck.media.extend(used)
            deck.cards.append(card)


def _unique_key(card: Card, seen: dict[str, Card], result: BuildResult) -> Card:
    """Give a repeated question its own key, so two notes never share a GUID."""
    first = seen.get(card.key)
    if first is None:
        seen[card.key] = card
        return card
    result.diagnostics.append(Diagnostic(
        card.loc, "warning",
        f"duplicate question '{card.question_text}' (first at {first.loc.path}:{first.loc.line});"
        " give one an explicit id with {#some-id} after the heading text",
        "duplicate-question"))
    number = 2
    while f"{card.key} #{number}" in seen:
        number += 1
    card = replace(card, key=f"{card.key} #{number}")
    seen[card.key] = card
    return card


def _guid(key: str) -> str:
    import genanki

    return str(genanki.guid_for(key))


def _html_media(assets: Assets, resolver: ImageResolver, doc_path: str,
                used: list[MediaFile]) -> HtmlMedia:
    def formula(f: Formula) -> str:
        rendered = assets.formulas.get(f)
        if rendered is None:
            return mathjax(f)
        used.append(rendered.image)
        style = (f"width:{rendered.width_em:.3f}em;height:{rendered.height_em:.3f}em;"
                 f"vertical-align:{-rendered.depth_em:.3f}em")
        alt = html.escape(f.tex)
        return f'<img class="math" src="{rendered.image.name}" alt="{alt}" style="{style}">'

    def diagram(d: Diagram, source: str) -> str:
        rendered = assets.diagrams.get(d)
        if rendered is None:
            return code_html(source, "yaml")
        used.append(rendered.png)
        return f'<img src="{rendered.png.name}" alt="{html.escape(d.kind)} diagram">'

    def image(src: str, alt: str, line: int) -> str:
        found = resolver.resolve(src, doc_path, line)
        if found is None:
            return f"[{html.escape(alt or src)}]"
        used.append(found)
        return f'<img src="{html.escape(found.name)}" alt="{html.escape(alt)}">'

    return HtmlMedia(formula=formula, diagram=diagram, image=image)


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


def _stamp(decks: list[DeckBuild], config: BuildConfig
           ) -> tuple[lock.Lock | None, lock.Lock | None, Path | None]:
    """Give every note its modification time; see builder.lock for why."""
    now = _now()
    css_hash = apkg.note_type_hash(_css())
    if not config.use_lock:
        for deck in decks:
            deck.notes = [_with_mtime(n, now) for n in deck.notes]
        return None, None, None
    path = _lock_path(config)
    try:
        previous = lock.load(path)
    except lock.LockError as exc:
        raise BuildError(str(exc)) from exc
    digests = {n.key: (n.guid, lock.content_hash(*n.fields, *n.tags, n.deck))
               for deck in decks for n in deck.notes}
    new = lock.stamp(previous, digests, css_hash, now)
    for deck in decks:
        deck.notes = [_with_mtime(n, new.entries[n.key].changed) for n in deck.notes]
    return previous, new, path


def _with_mtime(note: apkg.NoteData, mtime: int) -> apkg.NoteData:
    return replace(note, mtime=mtime)


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
