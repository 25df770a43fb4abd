"""The figures bench/corpus.py reports for one build (definitions in its docstring)."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import unquote

from corpus_deck import Deck, Diagnostic, parse_diagnostics, pdf_text, read_packages
from corpus_macros import Macros
from corpus_source import Block, Formula, normalize, read_source

CHUNK = 12
FOUND_SHARE = 0.8
REMOTE = re.compile(r"^[a-z][a-z0-9+.-]+:", re.I)
"""A URL scheme (two letters at least: ``F:/x.png`` is a Windows path on the author's disk)."""


@dataclass
class Counts:
    cards: int = 0
    media_images: int = 0
    media_missing: int = 0
    pictures_local: int = 0
    pictures_shown: int = 0
    formulas: int = 0
    formulas_drawn: int = 0
    formulas_mathjax: int = 0
    formulas_raw: int = 0
    formulas_absent: int = 0
    formula_images_extra: int = 0
    blocks: int = 0
    blocks_found: int = 0
    blocks_reported: int = 0
    blocks_lost: int = 0
    diagnostics: int = 0
    lost_examples: list[str] = field(default_factory=list)
    formula_examples: list[str] = field(default_factory=list)
    media_examples: list[str] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        for spec in fields(self):
            mine = getattr(self, spec.name)
            if isinstance(mine, int):
                setattr(self, spec.name, mine + getattr(other, spec.name))


def chunks(text: str) -> list[str]:
    """Consecutive CHUNK-character pieces; a short tail joins the piece before it."""
    pieces = [text[i: i + CHUNK] for i in range(0, len(text), CHUNK)]
    if len(pieces) > 1 and len(pieces[-1]) < CHUNK // 2:
        tail = pieces.pop()
        pieces[-1] += tail
    return pieces


def text_found(text: str, haystack: str) -> bool:
    pieces = chunks(normalize(text))
    if not pieces:
        return False
    hit = sum(len(p) for p in pieces if p in haystack)
    return hit >= FOUND_SHARE * sum(len(p) for p in pieces)


def local_picture(src: str, md_file: Path, root: Path, site_root: str) -> Path | None:
    """The file a picture source names, when it is local and exists.

    An absolute path from the author's disk (``F:/Book/docs/imgs/p.png``, ``/Users/me/
    repo/docs/imgs/p.png``) names the file its longest end (a folder and the file at least)
    names below ``root``, as the builder reads it."""
    if REMOTE.match(src or ""):
        return _repository_copy(src, root)
    if not src or src.startswith("//"):
        return None
    path = unquote(src.replace("\\", "/").split("?")[0].split("#")[0])
    drive = re.match(r"[A-Za-z]:/", path) is not None
    if not drive:
        base = (root / site_root) if path.startswith("/") else md_file.parent
        candidate = (base / path.lstrip("/")).resolve()
        if candidate.is_file() or not path.startswith("/"):
            return candidate if candidate.is_file() else None
    parts = [p for p in path.split("/")[1:] if p]
    for i in range(0 if drive else 1, len(parts) - 1):
        candidate = root.joinpath(*parts[i:]).resolve()
        if candidate.is_file() and candidate.is_relative_to(root.resolve()):
            return candidate
    return None


_CODE_HOST = re.compile(
    r"https?://(?:www\.)?(?:github\.com|gitee\.com|gitlab\.com)/[^/]+/[^/]+/(?:-/)?(?:blob|raw)/"
    r"([^?#]+)|https?://raw\.githubusercontent\.com/[^/]+/[^/]+/([^?#]+)", re.I)


def _repository_copy(src: str, root: Path) -> Path | None:
    """The file of the repository under ``root`` that a picture's address on its code host
    names (``github.com/me/notes/blob/master/images/x.png``: ``images/x.png``), as the
    builder reads it; None for any other address."""
    found = _CODE_HOST.match(src)
    if found is None:
        return None
    parts = [unquote(p) for p in (found.group(1) or found.group(2)).split("/") if p]
    for i in range(1, len(parts)):  # the branch first, of one part or more
        if any(p in ("..", ".") or "/" in p for p in parts[i:]):
            return None
        candidate = root.joinpath(*parts[i:]).resolve()
        if candidate.is_file() and candidate.is_relative_to(root.resolve()):
            return candidate
    return None


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Context:
    md_file: Path
    root: Path
    site_root: str
    deck: Deck
    haystack: str
    diagnostics: list[Diagnostic]
    shown: set[str]
    macros: Macros = field(default_factory=Macros)
    """The file's TeX macros (all of them: a block is looked for with every one)."""


def block_pictures_shown(block: Block, ctx: Context) -> tuple[int, int]:
    """(local pictures in the block, how many of them a card shows)."""
    local = [local_picture(src, ctx.md_file, ctx.root, ctx.site_root) for src in block.pictures]
    present = [p for p in local if p is not None]
    return len(present), sum(_digest(p) in ctx.shown for p in present)


def pictures_ok(block: Block, ctx: Context) -> bool:
    """Every local picture (that exists) shown on a card by its bytes, every remote one by
    its address."""
    present, shown = block_pictures_shown(block, ctx)
    card_srcs = {p.src for p in ctx.deck.pictures}
    remote = [s for s in block.pictures if REMOTE.match(s)
              and local_picture(s, ctx.md_file, ctx.root, ctx.site_root) is None]
    return shown == present and all(s in card_srcs for s in remote)


def block_status(block: Block, ctx: Context) -> str:
    has_text = bool(normalize(block.text))
    text_ok = text_found(block.text, ctx.haystack) if has_text else bool(block.pictures)
    if has_text and not text_ok and ctx.macros.bodies:
        shown = ctx.macros.read(block.text)  # its definitions were read with the formulas
        text_ok = not normalize(shown) or text_found(ctx.macros.expand(shown), ctx.haystack)
    if text_ok and pictures_ok(block, ctx):
        return "found"
    name = ctx.md_file.name
    for diag in ctx.diagnostics:
        if (Path(diag.path).name == name and diag.line <= block.last_line
                and diag.last_line >= block.first_line):
            return "reported"
    return "lost"


def _squash(tex: str) -> str:
    return "".join(tex.split())


def match_formulas(formulas: list[Formula], deck: Deck, counts: Counts) -> None:
    """Match each source formula to one formula image; classify the rest."""
    exact: dict[str, list[int]] = defaultdict(list)
    loose: dict[str, list[int]] = defaultdict(list)
    for i, tex in enumerate(deck.formula_tex):
        exact[_squash(tex)].append(i)
        loose[normalize(tex)].append(i)
    used: set[int] = set()
    undrawn: list[Formula] = []
    macros = Macros()  # the file's own TeX macros (bench/corpus_macros.py)
    for formula in formulas:
        shown = macros.read(formula.tex)
        if not shown.strip():
            continue  # it only defines macros: nothing to draw
        pick = None
        for tex in dict.fromkeys((formula.tex, macros.expand(shown))):
            pick = _take(exact.get(_squash(tex), []), used)
            if pick is None and normalize(tex):
                pick = _take(loose.get(normalize(tex), []), used)
            if pick is not None:
                break
        if pick is None:
            undrawn.append(formula)
    counts.formulas += len(formulas)
    counts.formulas_drawn += len(formulas) - len(undrawn)
    counts.formula_images_extra += len(deck.formula_tex) - len(used)
    _classify_undrawn(undrawn, deck, counts)


def _take(candidates: list[int], used: set[int]) -> int | None:
    for index in candidates:
        if index not in used:
            used.add(index)
            return index
    return None


def _classify_undrawn(undrawn: list[Formula], deck: Deck, counts: Counts) -> None:
    """mathjax: in a MathJax delimiter on a card; raw: still on a card as ``$TeX$`` text
    (whitespace ignored); else absent (lost with its block, or mangled)."""
    mathjax = {normalize(tex) for tex in deck.mathjax}
    squashed = "\0".join(_squash(text) for text in deck.texts)
    for formula in undrawn:
        key = normalize(formula.tex)
        if key and key in mathjax:
            kind = "mathjax"
            counts.formulas_mathjax += 1
        elif f"${_squash(formula.tex)}$" in squashed:
            kind = "raw"
            counts.formulas_raw += 1
        else:
            kind = "absent"
            counts.formulas_absent += 1
        dollars = "$$" if formula.display else "$"
        counts.formula_examples.append(
            f"line {formula.line}: {kind}: {dollars}{formula.tex[:70]}{dollars}")


def count_media(deck: Deck, counts: Counts) -> None:
    for picture in deck.pictures:
        if not picture.src or REMOTE.match(picture.src):
            continue
        counts.media_images += 1
        if picture.sha256 is None:
            counts.media_missing += 1
            counts.media_examples.append(f"{picture.src} (alt {picture.alt[:40]!r})")


def measure_build(root: Path, inside: str, site_root: str, out_dir: Path, output: str,
                  profile: Path) -> Counts:
    """Every figure for one built notes file (``inside`` is its path under ``root``)."""
    counts = Counts()
    packages = sorted(out_dir.glob("*.apkg")) if out_dir.is_dir() else []
    pdfs = sorted(out_dir.glob("*.pdf")) if out_dir.is_dir() else []
    deck = read_packages(packages, profile) if packages else Deck()
    counts.cards = deck.notes
    count_media(deck, counts)
    source = read_source(root / inside)
    match_formulas(source.formulas, deck, counts)
    diagnostics = parse_diagnostics(output)
    counts.diagnostics = len(diagnostics)
    texts = [*deck.full_texts, *deck.names, *deck.tags, pdf_text(pdfs)]
    shown = {p.sha256 for p in deck.pictures if p.sha256 and not p.is_formula}
    macros = Macros()
    for formula in source.formulas:
        macros.read(formula.tex)
    ctx = Context(root / inside, root, site_root, deck,
                  "\0".join(normalize(t) for t in texts), diagnostics, shown, macros)
    for block in source.blocks:
        present, on_cards = block_pictures_shown(block, ctx)
        counts.pictures_local += present
        counts.pictures_shown += on_cards
        status = block_status(block, ctx)
        counts.blocks += 1
        setattr(counts, f"blocks_{status}", getattr(counts, f"blocks_{status}") + 1)
        if status == "lost":
            excerpt = " ".join(block.text.split())[:80] or f"pictures {block.pictures[:2]}"
            counts.lost_examples.append(
                f"lines {block.first_line}-{block.last_line} {block.kind}: {excerpt}")
    return counts
