"""What a notes file holds, read independently of the builder's own parser (bench/corpus.py).

Blocks come from a plain markdown-it parse (CommonMark with tables, strikethrough and front
matter; no math plugin), so they are what any Markdown reader sees. Formulas are found by
the scan documented in ``find_formulas``. Neither uses builder code, so a builder that
misreads a file cannot also mislead its own measurement.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from corpus_markup import PICTURE_ATTRIBUTES, site_markup_shown
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
TEXT_GROUP = re.compile(r"\\(?:text|mbox|mathrm|textrm|operatorname|textbf)\s*\{[^{}]*\}")
TEX_SIGNAL = re.compile(r"[\\^_{}=<>+\-*/|()\[\]']")
SHORT_SYMBOL = re.compile(r"^[A-Za-z0-9.,]{1,12}$")
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
PROSE_WORDS = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{2,} [A-Za-z]{2,}(?![A-Za-z]*\{)")
BRACE_GROUP = re.compile(r"\{[^{}]*\}")
CURRENCY = re.compile(r"^\d[\d.,]*\s+[A-Za-z(]")
TOC_MARKERS = {"[toc]", "[[toc]]", "[[_toc_]]", "{:toc}"}


@dataclass(frozen=True)
class Formula:
    tex: str
    display: bool
    line: int


@dataclass
class Block:
    """One top-level Markdown block: its lines, visible text and pictures."""

    first_line: int
    last_line: int
    kind: str
    text: str = ""
    pictures: list[str] = field(default_factory=list)


@dataclass
class Source:
    blocks: list[Block]
    formulas: list[Formula]


def normalize(text: str) -> str:
    """Letters and digits only, case-folded: what survives any renderer's re-spacing,
    re-punctuation (smart quotes, dashes), line wrapping and PDF text extraction."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


class _HtmlText(HTMLParser):
    """Visible text of an HTML fragment (with pictures' alt text), and each ``<img>``'s
    attributes; a formula image's (``class="math"``) TeX goes to ``formula_alts`` instead."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images: list[dict[str, str]] = []
        self.formula_alts: list[str] = []
        self.with_formulas: list[str] = []
        """The visible text with each formula image's TeX in its place."""

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.with_formulas.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            found = {name: value or "" for name, value in attrs}
            self.images.append(found)
            is_formula = "math" in found.get("class", "").split()
            if service_tex(found.get("src", "")) is None:  # a service's alt is no content
                (self.formula_alts if is_formula else self.parts).append(found.get("alt", ""))
            self.with_formulas.append(found.get("alt", ""))


def html_text(fragment: str) -> _HtmlText:
    parser = _HtmlText()
    parser.feed(fragment)
    parser.close()
    return parser


def mask_code_spans(text: str) -> str:
    """Blank out backtick code spans (CommonMark: a run of N backticks closes at the next
    run of exactly N), so a ``$`` inside code is never taken for math."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] != "`":
            out.append(text[i])
            i += 1
            continue
        run = len(text[i:]) - len(text[i:].lstrip("`"))
        close = _closing_run(text, i + run, run)
        if close < 0:
            out.append("`" * run)
            i += run
            continue
        out.append(" " * (close + run - i))
        i = close + run
    return "".join(out)


def _closing_run(text: str, start: int, run: int) -> int:
    for match in re.finditer(r"`+", text[start:]):
        if len(match.group()) == run:
            return start + match.start()
    return -1


def _dollars(text: str) -> list[tuple[int, int]]:
    """Unescaped ``$`` runs as (position, length); ``$$$`` counts as ``$$`` then ``$``."""
    found: list[tuple[int, int]] = []
    for match in re.finditer(r"\$+", text):
        slashes = len(text[: match.start()]) - len(text[: match.start()].rstrip("\\"))
        start, length = match.start(), len(match.group())
        if slashes % 2:
            start, length = start + 1, length - 1
        while length >= 2:
            found.append((start, 2))
            start, length = start + 2, length - 2
        if length == 1:
            found.append((start, 1))
    return found


def looks_like_tex(body: str) -> bool:
    """Whether the text between two single dollars reads as a formula, not prose or money.

    Accepted: TeX signal characters (``\\ ^ _ { } = < > + - * / | ( ) [ ] '``) or one short
    word of letters and digits (``x``, ``W1``, ``LeCun``); zero-width characters are ignored.
    Refused: CJK outside ``\\text{}``-like groups (the prose between two formulas,
    ``分，这``), two plain words in a row outside braces (``is the``), an amount followed
    by words (``5 (approx) and``), and an empty body.
    """
    stripped = body.translate(INVISIBLE).strip()
    if not stripped or "\n\n" in body:
        return False
    bare = TEXT_GROUP.sub(" ", stripped).strip()
    outside = bare
    while BRACE_GROUP.search(outside):  # words inside {…} are TeX arguments, not prose
        outside = BRACE_GROUP.sub(" ", outside)
    if CJK.search(bare) or PROSE_WORDS.search(outside) or CURRENCY.match(bare):
        return False
    return bool(TEX_SIGNAL.search(stripped) or SHORT_SYMBOL.match(bare))


def find_formulas(text: str) -> list[tuple[int, int, str, bool]]:
    """Formulas in one inline run of text (code spans already masked).

    Heuristic, independent of the builder: ``$$…$$`` pairs first (display, may span lines);
    then the remaining single ``$`` are paired left to right; a pair whose body fails
    ``looks_like_tex`` is dropped and its closing ``$`` becomes the next opener, so a
    currency ``$5`` or the prose between two formulas never pairs. ``\\$`` is literal.
    Returns (start, end, tex, display) with end exclusive of the closing delimiter.
    """
    runs = _dollars(text)
    doubles = [pos for pos, length in runs if length == 2]
    found: list[tuple[int, int, str, bool]] = []
    taken: list[tuple[int, int]] = []
    for open_, close in zip(doubles[::2], doubles[1::2], strict=False):
        if text[open_ + 2: close].strip():
            found.append((open_, close + 2, text[open_ + 2: close], True))
            taken.append((open_, close + 2))
    singles = [pos for pos, length in runs if length == 1
               and not any(a <= pos < b for a, b in taken)]
    i = 0
    while i + 1 < len(singles):
        open_, close = singles[i], singles[i + 1]
        body = text[open_ + 1: close]
        if looks_like_tex(body):
            found.append((open_, close + 1, body, False))
            i += 2
        else:
            i += 1
    return sorted(found)


def _inline_formulas(token: Token) -> Iterator[Formula]:
    base = (token.map[0] + 1) if token.map else 0
    masked = mask_code_spans(token.content)
    for start, _end, tex, display in find_formulas(masked):
        yield Formula(tex.strip(), display, base + masked.count("\n", 0, start))


def _visible_text(tokens: list[Token]) -> tuple[str, list[str]]:
    """The text a reader sees in these tokens, and the picture sources they show."""
    parts: list[str] = []
    pictures: list[str] = []
    previous = ""
    for token in _flatten(tokens):
        after_picture, previous = previous == "image", token.type
        if token.type == "text":
            content = token.content
            if after_picture and (listed := PICTURE_ATTRIBUTES.match(content)):
                content = content[listed.end():]  # sizes the picture, shows nothing
            text, spaced = _spaced_pictures(content)
            parts.append(site_markup_shown(text))
            pictures.extend(spaced)
        elif token.type in ("code_inline", "code_block", "fence"):
            parts.append(token.content)
        elif token.type == "image":
            src = str(token.attrs.get("src", ""))
            tex = service_tex(src)
            # A formula service's picture reads as its formula (its alt, "[公式]", is
            # no content); ``$…$`` stays in the text too, this parser has no math.
            parts.append(token.content if tex is None else tex)
            pictures.extend([src] if tex is None else [])
        elif token.type in ("html_block", "html_inline"):
            parsed = html_text(token.content)
            parts.extend(parsed.parts)
            for img in parsed.images:
                tex = service_tex(img.get("src", ""))
                parts.extend([tex] if tex else [])
                pictures.extend([img["src"]] if img.get("src") and tex is None else [])
        elif token.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return " ".join(parts), pictures


PICTURE_PATH_MAX = 300
"""Longest alt text, and longest path, of a picture read by ``SPACED_PICTURE``: unbounded,
its backtracking was quadratic in a long line ('![a](' then 40,000 characters: seconds)."""
SPACED_PICTURE = re.compile(
    rf"!\[([^\]\n]{{0,{PICTURE_PATH_MAX}}})\]"
    rf"\(([^()\n]{{0,{PICTURE_PATH_MAX}}}\s[^()\n]{{0,{PICTURE_PATH_MAX}}}?"
    rf"\.(?:png|jpe?g|gif|svg|webp|bmp))(?:\s+\"[^\"\n]{{0,{PICTURE_PATH_MAX}}}\")?\)",
    re.IGNORECASE)
"""A picture whose path has a space (``![a](img/DIN Base模型.png)``): CommonMark reads it as
text; Typora, which writes such paths, shows the picture."""


def _spaced_pictures(text: str) -> tuple[str, list[str]]:
    """``text`` with each picture whose path has a space read as its alt text, and those
    pictures' sources."""
    sources = [found.group(2).strip() for found in SPACED_PICTURE.finditer(text)]
    return (SPACED_PICTURE.sub(lambda found: found.group(1), text), sources) if sources \
        else (text, [])


def _flatten(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        if token.type == "image":
            yield token  # its children are the alt text, already in token.content
            continue
        yield token
        if token.children:
            yield from _flatten(token.children)


def _top_level(tokens: list[Token]) -> Iterator[tuple[Token, list[Token]]]:
    """Each top-level block's opening token with all of its tokens."""
    i = 0
    while i < len(tokens):
        head = tokens[i]
        j = i + 1
        if head.nesting == 1:
            depth = 1
            while depth and j < len(tokens):
                depth += tokens[j].nesting
                j += 1
        yield head, tokens[i:j]
        i = j


def _is_toc_marker(head: Token, text: str) -> int:
    """+1 opens a TOC region, -1 closes it, 2 is a one-block marker, 0 is not a marker."""
    flat = text.strip().lower()
    if head.type == "html_block":
        if re.fullmatch(r"<!--\s*toc\s*-->", head.content.strip(), re.I):
            return 1
        if re.fullmatch(r"<!--\s*/toc\s*-->", head.content.strip(), re.I):
            return -1
    return 2 if flat in TOC_MARKERS else 0


def read_source(path: Path) -> Source:
    """Blocks (without front matter, blank blocks and TOC markers or regions) and formulas."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    tokens = md.use(front_matter_plugin).parse(text)
    blocks: list[Block] = []
    formulas: list[Formula] = []
    in_toc = False
    for head, group in _top_level(tokens):
        if head.type == "front_matter" or not head.map:
            continue
        visible, pictures = _visible_text(group)
        marker = _is_toc_marker(head, visible)
        in_toc = (in_toc or marker == 1) and marker != -1
        if marker or in_toc or not (normalize(visible) or pictures):
            continue
        blocks.append(Block(head.map[0] + 1, head.map[1], head.type, visible, pictures))
        formulas.extend(f for t in group if t.type == "inline" for f in _inline_formulas(t))
        formulas.extend(_picture_formulas(group, head.map[0] + 1))
    return Source(blocks, formulas)


def _picture_formulas(tokens: list[Token], line: int) -> Iterator[Formula]:
    """Pictures from formula-image services (CodeCogs, Zhihu, GitHub, Google Charts, Yuque,
    WordPress): formulas written as addresses whose query holds the TeX."""
    for token in _flatten(tokens):
        if token.type == "image":
            sources = [str(token.attrs.get("src", ""))]
        elif token.type in ("html_block", "html_inline"):
            sources = [img.get("src", "") for img in html_text(token.content).images]
        else:
            continue
        for src in sources:
            tex = service_tex(src)
            if tex:
                yield Formula(tex, False, line)


def _codecogs_lines(tex: str) -> str:
    """CodeCogs draws ``a \\newline \\indent b`` as lines, the second indented: in TeX
    math, an ``aligned`` block of left-aligned lines."""
    tex = re.sub(r"\\indent(?![A-Za-z])", r"\\quad", tex)
    lines = [line.strip() for line in re.split(r"\\newline(?![A-Za-z])", tex)]
    if len(lines) == 1:
        return tex
    return "\\begin{aligned} " + " \\\\ ".join("&" + line for line in lines) + " \\end{aligned}"


def service_tex(src: str) -> str | None:
    """The TeX in a formula service's picture address, None for other addresses."""
    parts = urlsplit(src.strip())
    host, path = (parts.hostname or "").lower(), parts.path
    if host.endswith("codecogs.com") and path.endswith((".latex", ".image")):
        tex = html.unescape(unquote(parts.query).replace("&space;", " "))
        tex = re.sub(r"^(\\(dpi|bg|fn)(\{[^}]*\}|_\w+)|\\inline|\\[Hh]uge|\\[lL]arge|"
                     r"\\LARGE|\\small|\\tiny|\s)+", "", tex)
        return _codecogs_lines(tex.strip())
    if host.endswith(".yuque.com") and path == "/gr/latex":  # the whole query, %-encoded
        return unquote(parts.query).strip()
    if host.endswith("nlark.com") and path.startswith("/yuque/__latex/"):
        return parse_qs(parts.fragment).get("code", [""])[0].strip()
    if host.endswith(("wp.com", "wordpress.com")) and path == "/latex.php":
        return parse_qs(parts.query).get("latex", [""])[0].strip()
    name = {("zhihu.com", "/equation"): "tex", ("www.zhihu.com", "/equation"): "tex",
            ("render.githubusercontent.com", "/render/math"): "math",
            ("chart.googleapis.com", "/chart"): "chl"}.get((host, path))
    if name is None:
        return None
    return parse_qs(parts.query).get(name, [""])[0].strip()
