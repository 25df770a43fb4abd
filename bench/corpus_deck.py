"""What a build left for the user: notes and media as real Anki imports them, the PDF's text,
and the diagnostics it printed (bench/corpus.py)."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from corpus_source import html_text

DIAGNOSTIC = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>warning|error|note): "
    r"(?P<message>.*) \[(?P<code>[\w.-]+)\]\s*$")
LEFT_OUT_NOTES = frozenset({"toc-left-out", "toc-in-answer", "empty-section"})
"""Notes that report lines left out of every card and the PDF (a table of contents, a section
heading with nothing under it): they account for those lines; any other note leaves its
text in a card or the PDF."""
LINE_RANGE = re.compile(r"\blines? (\d+)\s*(?:[-–]|to|through)\s*(\d+)")
MATHJAX = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.S)


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    last_line: int
    severity: str
    code: str
    text: str


@dataclass
class Picture:
    src: str
    is_formula: bool
    alt: str
    sha256: str | None
    """Hash of the media file the card names, or None when Anki has no such (non-empty) file."""


@dataclass
class Deck:
    """Everything the imported packages hold, as Anki shows it."""

    notes: int = 0
    names: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    """Each field's visible text (pictures' alt text included, formula images' TeX not)."""
    full_texts: list[str] = field(default_factory=list)
    """Each field's visible text with formula images' TeX in place."""
    formula_tex: list[str] = field(default_factory=list)
    """The TeX (alt text) of every formula image on the cards."""
    pictures: list[Picture] = field(default_factory=list)
    mathjax: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    """Each note's tags (a tag line of the notes, ``#flashcards/HCI/36``, is in them)."""


def parse_diagnostics(output: str) -> list[Diagnostic]:
    """``path:line:col: severity: message [code]`` lines; a message naming ``lines A-B``
    covers that range."""
    found: list[Diagnostic] = []
    for raw in output.splitlines():
        match = DIAGNOSTIC.match(raw.strip())
        if not match or (match["severity"] == "note" and match["code"] not in LEFT_OUT_NOTES):
            continue
        line = int(match["line"])
        span = LINE_RANGE.search(match["message"])
        last = max(line, int(span[2])) if span else line
        first = min(line, int(span[1])) if span else line
        found.append(Diagnostic(match["path"], first, last, match["severity"], match["code"],
                                raw.strip()))
    return found


def _file_hash(path: Path) -> str | None:
    if not path.is_file() or path.stat().st_size == 0:
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_field(deck: Deck, html: str, media: Path) -> None:
    parsed = html_text(html)
    text = " ".join(parsed.parts)
    deck.texts.append(text)
    deck.full_texts.append(" ".join(parsed.with_formulas))
    deck.formula_tex.extend(parsed.formula_alts)
    for img in parsed.images:
        src = img.get("src", "")
        is_formula = "math" in img.get("class", "").split()
        remote = re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I) is not None
        digest = None if remote or not src else _file_hash(media / src)
        deck.pictures.append(Picture(src, is_formula, img.get("alt", ""), digest))
    deck.mathjax.extend(a or b for a, b in MATHJAX.findall(text))


def read_packages(packages: list[Path], profile: Path) -> Deck:
    """Import every package into one fresh collection the way Anki's import dialog does."""
    from anki.collection import (
        Collection,
        ImportAnkiPackageOptions,
        ImportAnkiPackageRequest,
    )

    profile.mkdir(parents=True, exist_ok=True)
    col = Collection(str(profile / "collection.anki2"))
    deck = Deck()
    try:
        for package in packages:
            request = ImportAnkiPackageRequest(
                package_path=os.fspath(package.resolve()),
                options=ImportAnkiPackageOptions(
                    with_scheduling=False, with_deck_configs=False, merge_notetypes=False))
            col.import_anki_package(request)
        media = Path(col.media.dir())
        note_ids = col.find_notes("")
        deck.notes = len(note_ids)
        deck.names = [entry.name for entry in col.decks.all_names_and_ids()]
        for nid in note_ids:
            note = col.get_note(nid)
            deck.tags.append(" ".join(note.tags))
            for html in note.fields:
                _read_field(deck, html, media)
    finally:
        col.close()
    return deck


def pdf_text(pdfs: list[Path]) -> str:
    """The text pypdf extracts from every page (empty for a PDF it cannot read)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    parts: list[str] = []
    for pdf in pdfs:
        try:
            parts.extend(page.extract_text() or "" for page in PdfReader(pdf).pages)
        except (PyPdfError, OSError, ValueError) as error:
            parts.append(f"[unreadable PDF {pdf.name}: {error}]")
    return "\n".join(parts)
