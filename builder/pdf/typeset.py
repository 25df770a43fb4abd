"""Decks → printable PDFs through typst: a cheat sheet, or print-and-cut cards.

The documents go to a typst template as JSON (see :mod:`builder.pdf.pdfdata`), in a
temporary folder holding the templates and a copy of every image they name,
because typst reads files only below its root.  The PDF is written atomically.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, partial
from importlib.resources import files
from pathlib import Path

from builder.model import Document
from builder.pdf import parts as pdfparts
from builder.pdf.cardmemo import CardFacts, card_memo
from builder.pdf.compile import (
    CompileFailed,
    TypstJob,
    fixed_timestamp,
    typeset_or_blame,
    typst_reason,
)
from builder.pdf.compile import PdfError as PdfError
from builder.pdf.parttext import part_sections, part_text, section_text
from builder.pdf.pdfdata import Json, MediaStage, document_json
from builder.pdf.stack import StackError, stack
from builder.render import typstengine
from builder.render.assets import Assets
from builder.render.glyphs import missing_glyph_pattern, missing_glyphs, with_missing_glyphs
from builder.render.images import ImageResolver
from builder.render.printcopy import print_box, print_copy
from builder.support.atomic import atomic_path, atomic_write_bytes
from builder.support.safefile import read_packed, read_regular

STYLES = {"sheet": "sheet.typ", "cards": "cards.typ"}
PART_TEMPLATE = "sheet-part.typ"
JOIN_TEMPLATE = "sheet-join.typ"
PAPERS = ("a4", "letter")
_SHARED_TEMPLATES = ("pdf-nodes.typ", "sheet-common.typ")


@dataclass(frozen=True)
class PdfPlan:
    """One PDF ready to typeset: everything typst needs, in a form another process can take."""

    target: Path
    template: str
    payload: Json
    media: dict[str, Path]
    """Files the JSON names (``media/<name>``) → where they are now."""
    digest: str
    """Hash of everything the PDF is made from (see ``_digest``)."""
    memo: Path | None
    parts: list[Json] | None = None
    """A large sheet's payload cut into parts (see ``builder.pdf.parts``), else None."""
    current: bool = False
    """``target`` is already this PDF (its memo says so): nothing to typeset."""
    image_lookups: tuple[tuple[str, str, str], ...] = ()
    """Every image the PDF looked up and what it resolved to (``ImageResolver.lookups``)."""
    part_media: tuple[dict[str, Path], ...] = ()
    """The images each part names (``parts[k]``'s of ``media``)."""
    part_keys: tuple[str, ...] = ()
    """What each part is cached under (``part_key``)."""

    @property
    def has_content(self) -> bool:
        """False for a plan ``without_content``."""
        return "sections" in self.payload

    def without_content(self) -> PdfPlan:
        """This plan without the cards and images: enough to commit what it typeset."""
        return replace(self, payload=pdfparts.sheet_info(self.payload), media={}, parts=None,
                       part_media=(), part_keys=())

    @property
    def questions(self) -> int:
        count = self.payload.get("count", 0)
        return count if isinstance(count, int) else 0


def plan_pdf(target: Path, deck_name: str, title: str, documents: Sequence[Document],
             assets: Assets, *, paper: str = "a4", columns: int = 2, style: str = "sheet",
             date: str, skip_empty: bool = True,
             roots: Mapping[str, Path] | None = None, memo: Path | None = None,
             site_root: str = ".") -> PdfPlan:
    """Describe the PDF of the documents' cards.

    ``memo`` is a file remembering a digest of everything the last PDF was made
    from; when nothing changed and ``target`` is still that PDF, the plan is ``current``:
    nothing is to be done.
    """
    if style not in STYLES:
        raise PdfError(f"unknown PDF style {style!r} (expected one of {', '.join(STYLES)})")
    if paper not in PAPERS:
        raise PdfError(f"unknown paper size {paper!r} (expected one of {', '.join(PAPERS)})")
    if not 1 <= columns <= 3:
        raise PdfError(f"columns must be 1, 2 or 3, not {columns}")
    # Images must stay inside each document's source tree (its own folder by default).
    trees = {doc.path: (roots or {}).get(doc.path) or Path(doc.path).resolve().parent
             for doc in documents}
    stage = MediaStage(assets, ImageResolver(trees, site_root))
    if memo is not None:  # large pictures printed from copies kept in the cache (the memo's)
        stage.printed = partial(print_copy, box=print_box(paper, columns), cache=memo.parent)
    cards = card_memo(target)
    cards.begin()
    payload = document_json(deck_name, title, date, documents, stage, paper=paper,
                            columns=columns, skip_empty=skip_empty, make_card=cards.make_card)
    cards.end()
    lookups = tuple(stage.resolver.lookups())
    parts = pdfparts.split(payload, pixels=cards.pixels(stage)) if style == "sheet" else None
    if parts is None:
        payload = with_missing_glyphs(payload)
        part_media: tuple[dict[str, Path], ...] = ()
        keys: tuple[str, ...] = ()
    else:
        payload, parts, part_media, keys = _planned_parts(payload, parts, stage.files,
                                                          cards.facts)
    # A sheet in parts is hashed as what only it shows and its parts' keys, which stand
    # for their content: the whole payload is not hashed a second time.
    digest = _digest({**pdfparts.sheet_info(payload), "parts": list(keys)} if parts else payload,
                     STYLES[style], stage.files)
    if memo is not None and _unchanged(target, memo, digest):
        return PdfPlan(target, STYLES[style], payload, stage.files, digest, memo, None,
                       current=True, image_lookups=lookups)
    return PdfPlan(target, STYLES[style], payload, stage.files, digest, memo, parts,
                   image_lookups=lookups, part_media=part_media, part_keys=keys)


def typeset(plan: PdfPlan, scratch: Path | None = None) -> bytes:
    """Compile a planned PDF to bytes; raise PdfError saying where and why it failed.

    Writes nothing outside a temporary folder (made in ``scratch`` if given), so it
    may run in a worker process.
    """
    with tempfile.TemporaryDirectory(prefix="build-deck-pdf-", dir=scratch) as folder:
        workdir = Path(folder)
        if plan.parts is not None:
            layouts = [typeset_part(part, media, workdir / pdfparts.part_file(index))
                       for index, (part, media) in enumerate(part_jobs(plan))]
            part_headings = [pdfparts.headings(part) for part in plan.parts]
            payload = pdfparts.join_payload(plan.payload, part_headings, layouts)
            return join(payload, workdir).read_bytes()
        main = _stage_files(workdir, plan.template, plan.media)
        job = TypstJob(_compiler(main, workdir), plan.payload, fixed_timestamp(plan.payload))
        return typeset_or_blame(job)


def part_jobs(plan: PdfPlan) -> list[tuple[Json, dict[str, Path]]]:
    """Return each part and the images it names (the first arguments of ``typeset_part``)."""
    assert plan.parts is not None
    return list(zip(plan.parts, plan.part_media, strict=True))


def _planned_parts(payload: Json, parts: list[Json], media: dict[str, Path],
                   facts: Sequence[CardFacts]
                   ) -> tuple[Json, list[Json], tuple[dict[str, Path], ...], tuple[str, ...]]:
    """The sheet and its parts with the pattern of the characters no font draws, if any;
    the images each part names; and each part's key in the part cache (``part_key``).

    What the cards show is known from their ``facts`` (card ``n``'s is ``facts[n - 1]``),
    kept with each card's JSON: the cards are not written out again (a walk over the
    whole sheet took ~0.15 s of a 2,000-question edit).  Every character of the sheet
    is in its cards, its sections' titles and introductions, or what only it shows.
    """
    sections = [section_text(section) for part in parts for section in part_sections(part)]
    chars = frozenset[str]().union(*(card.chars for card in facts))
    pattern = missing_glyph_pattern(missing_glyphs(
        [json.dumps(pdfparts.sheet_info(payload), ensure_ascii=False), *sections,
         "".join(sorted(chars))]))
    if pattern is not None:
        payload = {**payload, "missing-glyphs": pattern}
        parts = [{**part, "missing-glyphs": pattern} for part in parts]
    named = []
    keys = []
    for part in parts:
        text, names = part_text(part, facts)
        found = {name: path for name, path in media.items() if name in names}
        named.append(found)
        keys.append(part_key(text, found))
    return payload, parts, tuple(named), tuple(keys)


def part_key(text: str, media: dict[str, Path]) -> str:
    """Hash everything that shapes a typeset part (``part_text``, its JSON), as ``_digest``
    does for a whole PDF."""
    return _digest_text(text, PART_TEMPLATE, media)


def part_cache(plan: PdfPlan) -> pdfparts.PartCache:
    """Where a sheet's typeset parts are kept: beside its memo, if it has one."""
    memo = plan.memo
    return pdfparts.PartCache(memo.parent if memo else None, memo.stem if memo else "")


def typeset_part(part: Json, media: dict[str, Path], out: Path) -> pdfparts.PartLayout:
    """Typeset one part of a large sheet into ``out`` (in any process); PdfError as ``typeset``.

    The PDF goes to a file, not back to the caller: a large sheet's parts add up to
    tens of megabytes that the building process need never hold.  typst's working
    files go beside it, so whoever removes that folder removes all a stopped worker
    left behind.
    """
    # Not parents=True: when the sheet's folder is gone, its build has failed.
    out.parent.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="build-deck-pdf-", dir=out.parent) as folder:
        workdir = Path(folder)
        main = _stage_files(workdir, PART_TEMPLATE, media)
        text = json.dumps(part, ensure_ascii=False, separators=(",", ":"))
        # Given its input up front, typst answers the query below from the compile's memo.
        compiler = _compiler(main, workdir, {"doc": text})
        pdf = typeset_or_blame(TypstJob(compiler, part, fixed_timestamp(part)))
        try:
            info = json.loads(compiler.query("<part-info>", field="value", one=True))
            layout = int(info["pages"]), [int(page) for page in info["headings"]]
        except Exception as exc:  # the template and this code disagree: a bug, said plainly
            raise PdfError(f"cannot read the page layout of a PDF part: {typst_reason(exc)}"
                           ) from None
    out.write_bytes(pdf)
    return layout


JOINED_FILE = "joined.pdf"
FRAME_FILE = "frame.pdf"


def join(payload: Json, folder: Path, kept: Path | None = None) -> Path:
    """Lay the parts' pages under the sheet's title, contents, header and page numbers.

    ``folder`` holds the typeset parts (``pdfparts.part_file``); the joined sheet is
    written beside them, and its path returned.  ``kept`` is where the frame is kept
    for the next join (``PartCache.frame``): an edit that moves no page or heading
    joins under the same frame, which typst need not make again.
    """
    frame = folder / FRAME_FILE
    key = _digest(payload, JOIN_TEMPLATE, {})
    if kept is None or not pdfparts.kept_frame(kept, key, frame):
        main = _stage_files(folder, JOIN_TEMPLATE, {})
        try:
            made = TypstJob(_compiler(main, folder), payload, fixed_timestamp(payload)
                            ).compile(payload)
        except CompileFailed as exc:
            raise PdfError(f"cannot join the parts of the PDF: {exc}") from None
        frame.write_bytes(made)
        if kept is not None:
            pdfparts.keep_frame(kept, key, frame)
    pages = payload["pages"]
    assert isinstance(pages, list)
    under = [(folder / str(page["file"]), int(page["page"])) for page in pages]
    try:
        stack(frame, under, folder / JOINED_FILE)
    except StackError as exc:
        raise PdfError(str(exc)) from None
    return folder / JOINED_FILE


def commit(plan: PdfPlan, pdf: bytes | Path) -> None:
    """Write a typeset PDF (its bytes, or a file holding them) over its target in one step,
    and remember what it was made from."""
    with atomic_path(plan.target) as temp:
        if isinstance(pdf, Path):
            shutil.copyfile(pdf, temp)
        else:
            temp.write_bytes(pdf)
    # The memo spares a later build typesetting: a cache that cannot take it costs that.
    with contextlib.suppress(OSError):
        if plan.memo is not None:
            output = _file_sha256(plan.target)
            atomic_write_bytes(plan.memo, f"{plan.digest} {output}\n".encode("ascii"))


def write_pdf(target: Path, deck_name: str, title: str, documents: Sequence[Document],
              assets: Assets, *, paper: str = "a4", columns: int = 2, style: str = "sheet",
              date: str, skip_empty: bool = True,
              roots: Mapping[str, Path] | None = None, memo: Path | None = None,
              site_root: str = ".") -> bool:
    """Typeset the documents' cards into ``target``, whole or not at all.

    Return whether the PDF was typeset (False: ``memo`` shows it is up to date).
    """
    plan = plan_pdf(target, deck_name, title, documents, assets, paper=paper,
                    columns=columns, style=style, date=date, skip_empty=skip_empty,
                    roots=roots, memo=memo, site_root=site_root)
    if plan.current:
        return False
    commit(plan, typeset(plan))
    return True


def _digest(payload: Json, template: str, media: dict[str, Path]) -> str:
    """Hash everything a PDF is made from: the document, templates, images, typst itself."""
    return _digest_text(json.dumps(payload, sort_keys=True), template, media)


def _digest_text(text: str, template: str, media: dict[str, Path]) -> str:
    """``_digest`` of a payload written as JSON (``text``)."""
    digest = hashlib.sha256(text.encode("utf-8"))
    digest.update(_templates(template))
    digest.update(f"{pdfparts.WHOLE_QUESTIONS} {pdfparts.PART_QUESTIONS}".encode("ascii"))
    # Every media name carries a hash of its content (math-, diagram-, img-…-<sha>), so
    # the names stand for the files without reading them.
    for name in sorted(media):
        digest.update(name.encode("utf-8"))
    digest.update(typstengine.version().encode("ascii"))
    return digest.hexdigest()


@cache
def _templates(template: str) -> bytes:
    """The templates a PDF made with ``template`` reads, read once per process."""
    return b"".join(files("builder").joinpath(f"templates/{name}").read_bytes()
                    for name in (template, *_SHARED_TEMPLATES, PART_TEMPLATE, JOIN_TEMPLATE))


def _unchanged(target: Path, memo: Path, digest: str) -> bool:
    try:
        # Regular files only: the cache and out folders may be a cloned repository's (a
        # FIFO waited for ever, a link to /dev/zero was hashed for ever).
        recorded, output = read_regular(memo, 1 << 10).decode("ascii").split()
        return recorded == digest and target.is_file() and _file_sha256(target) == output
    except (OSError, ValueError):
        return False


def _file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


MAX_PDF_IMAGE_BYTES = 1 << 30
"""One picture staged for typst at most: bounds one swapped for a device since it was checked."""


def _stage_files(workdir: Path, template: str, media: dict[str, Path]) -> Path:
    """Copy the templates and every image the JSON names into ``workdir``."""
    for name in (template, *_SHARED_TEMPLATES):
        source = files("builder").joinpath(f"templates/{name}")
        (workdir / name).write_bytes(source.read_bytes())
    for relative, source_path in sorted(media.items()):
        destination = workdir / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:  # regular, bounded, and the bytes checked: it may have been swapped since
            destination.write_bytes(read_packed(source_path, MAX_PDF_IMAGE_BYTES,
                                                Path(relative).name))
        except OSError as exc:
            raise PdfError(exc.strerror if exc.errno == errno.ESTALE and exc.strerror  # names it
                           else f"cannot read image {source_path}: {exc.strerror or exc}"
                           ) from None
    return workdir / template


def _compiler(main: Path, workdir: Path, inputs: dict[str, str] | None = None
              ) -> typstengine.Compiler:
    try:
        return typstengine.Compiler(main, root=workdir, inputs=inputs or {}, fonts="pinned-bold")
    except Exception as exc:  # e.g. unreadable fonts: report, never a traceback
        raise PdfError(f"cannot start typst: {typst_reason(exc)}") from None
