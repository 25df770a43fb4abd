"""Find what the sanitiser will strip from raw HTML in the notes, so the author is told.

The cards are cleaned by nh3 (``builder.anki.html.sanitise``) whatever this module says;
this only names, with a location, the tags, attributes and URLs that will not survive.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from builder.checks.htmlpolicy import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    DROPPED_WITH_CONTENT,
    FIELD_CONTROLS,
    builder_classes,
    legacy_attributes_removed,
    modern_element,
    safe_link,
    style_removed,
    zoom_enlargements,
)
from builder.model import Card, Diagnostic, Document, Node, SourceLoc, one_line, walk_all
from builder.support.htmlscan import SafeHTMLParser


class _Finder(SafeHTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.enlarged: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self.problems.append(f"<{tag}> and its content")
            return
        modern = modern_element(tag, attrs)
        if modern is not None:
            self.problems += [f"{name}= attribute on <{tag}>"
                              for name in legacy_attributes_removed(tag, attrs)]
            self.problems += [f"style {d!r} on <{tag}>" for _name, style in modern[1]
                              for d in style_removed(style, modern[0])]
            return
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"<{tag}> tag")
            return
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"]
        for name, value in attrs:
            if name == "id" or (tag == "a" and name == "name"):
                # An anchor for in-page links (``### <a name="q1"></a>What is X?`` in
                # GitHub READMEs): no card is linked into, and nothing shown is lost.
                continue
            if name not in allowed:
                self.problems.append(f"{name}= attribute on <{tag}>")
            elif value and _unsafe_url(name, value):
                shown = value.split(":", 1)[0] + ":…" if ":" in value else value[:40]
                self.problems.append(f"{name}=\"{shown}\" URL on <{tag}>")
            elif name == "style" and value:
                self.problems += [f"style {d!r} on <{tag}>" for d in style_removed(value, tag)]
                self.enlarged += zoom_enlargements(value, tag)
            elif name == "class" and value:
                self.problems += [f"class {c!r} on <{tag}>" for c in builder_classes(value)]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        # Parsers disagree on where a comment ends ("--!>"): markup inside may come alive.
        if "<" in data or ">" in data:
            self.problems.append("a comment holding markup")

    def unknown_decl(self, data: str) -> None:
        self.problems.append("<![…]> section")


def _unsafe_url(name: str, value: str) -> bool:
    # The card's own policy: links to http(s) only; pictures may also be relative paths,
    # which the image checks resolve inside the source tree (and report).
    if name == "href":
        return safe_link(value) is None
    scheme, colon, _rest = value.strip().partition(":")
    # A colon before any slash means a scheme; relative paths have none.
    return name == "src" and bool(colon) and "/" not in scheme and safe_link(value) is None


def _before_open_comment(fragment: str) -> str:
    """``fragment`` up to a ``<!--`` that no ``-->`` closes: the rest is that comment
    (html.parser finds nothing in it either, but looks for its end again at every ``<``
    in it: a line of 50,000 ``<!--`` took a minute, quadratic in the line)."""
    closed = fragment.rfind("-->")
    opened = fragment.find("<!--", closed + 3 if closed >= 0 else 0)
    return fragment if opened < 0 else fragment[:opened]


def problems(fragment: str) -> list[str]:
    """Return what the sanitiser will remove from a raw HTML fragment."""
    return _found(fragment).problems


def _found(fragment: str) -> _Finder:
    finder = _Finder()
    finder.feed(_before_open_comment(fragment))
    finder.close()
    finder.problems = list(dict.fromkeys(finder.problems))
    return finder


# CommonMark's HTML blocks that run until an end marker (kinds 1 to 5): without it they
# take in the rest of the file, headings and all, and the card shows none of it.
_RUNS_TO_MARKER = (("<!--", "-->"), ("<script", "</script>"), ("<pre", "</pre>"),
                   ("<style", "</style>"), ("<textarea", "</textarea>"), ("<?", "?>"),
                   ("<![cdata[", "]]>"), ("<!", ">"))


def unclosed_end(fragment: str) -> str | None:
    """The end marker a raw HTML block lacks, if it is one that runs until its marker."""
    text = fragment.lstrip()
    start = text[:12].lower()
    for opening, end in _RUNS_TO_MARKER:
        if not start.startswith(opening):
            continue
        after = text[len(opening):len(opening) + 1]
        if opening[1].isalpha() and after and not (after.isspace() or after == ">"):
            return None  # <preview>, <scripts>: blocks that end at a blank line
        return None if end in text[len(opening):].lower() else end
    return None


# A numeric character reference, ``;`` or not (HTML parsers take ``&#31`` too): nh3 writes
# one naming a control character back as the character, which no field can hold (Anki
# joins a note's fields with U+001F), so the card shows a space there.
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


def control_references(node: Node, path: str) -> Iterator[tuple[SourceLoc, str, int]]:
    """Each reference to a control character in a raw HTML node (``&#31;``, in its text or
    an attribute such as ``title`` or ``alt``): its place, as written, and code point."""
    for m in _CHARACTER_REFERENCE.finditer(node.text):
        hexadecimal, decimal = m.groups()
        code = int(hexadecimal or decimal, 16 if hexadecimal else 10)
        if not (code > 0 and code in FIELD_CONTROLS):  # 0 is U+FFFD to parsers
            continue
        line = node.text.count("\n", 0, m.start())
        col = m.start() - node.text.rfind("\n", 0, m.start()) - 1
        yield fragment_loc(node, line, col, path), m.group(), code


def _controls_reported(found: list[tuple[SourceLoc, str, int]]) -> Iterator[Diagnostic]:
    """A warning at the first of ``found`` on each line."""
    by_line: dict[int, list[tuple[SourceLoc, str, int]]] = {}
    for reference in found:
        by_line.setdefault(reference[0].line, []).append(reference)
    for (loc, written, code), *more in by_line.values():
        yield Diagnostic(loc, "warning", f"character reference '{written}' names control "
                         f"character U+{code:04X}, which a card cannot hold: it shows a "
                         "space" + (f" (and {len(more)} more on this line)" if more else ""),
                         "control-chars")


def check_document(doc: Document) -> list[Diagnostic]:
    """Warn, at each raw HTML block or inline fragment, about what will be stripped, and
    at each block never closed, which hides the rest of the file."""
    by_line: dict[int, list[str]] = {}
    unclosed: list[Diagnostic] = []
    controls: list[tuple[SourceLoc, str, int]] = []
    for card in doc.cards:
        for node in walk_all((*card.question, *card.answer)):
            if node.kind in ("html_block", "html_inline"):
                found = _found(node.text)
                if "&#" in node.text:
                    controls += control_references(node, doc.path)
                by_line.setdefault(node.line, []).extend(found.problems)
                unclosed.extend(Diagnostic(
                    SourceLoc(doc.path, node.line), "note",
                    f"picture enlargement '{one_line(zoom)}' left out: the card shows the "
                    "picture at its own size (a larger one could spill off a phone's "
                    "screen); the cheat sheet too", "html-removed")
                    for zoom in dict.fromkeys(found.enlarged))
            end = unclosed_end(node.text) if node.kind == "html_block" else None
            if end is not None:
                unclosed.append(Diagnostic(
                    SourceLoc(doc.path, node.line), "warning",
                    f"raw HTML never closed (no {end!r}): lines {node.line}–"
                    f"{node.end_line or node.line} are taken as raw HTML, not Markdown; "
                    "questions among them are lost",
                    "html-unclosed"))
    return sorted([*unclosed, *_controls_reported(controls), *(
        Diagnostic(SourceLoc(doc.path, line), "warning", "raw HTML removed from the card: "
                   + one_line(", ".join(dict.fromkeys(removed))), "html-removed")
        for line, removed in sorted(by_line.items()) if removed)],
        key=lambda d: d.loc.line)


@dataclass(frozen=True, slots=True)
class RawImage:
    """An ``<img>`` tag written in raw HTML: its attributes and where the tag is."""

    src: str
    alt: str
    start: int
    """Offset of the ``<img`` in the fragment."""
    end: int
    """Offset just past the tag."""
    line: int
    """0-based line of the tag within the fragment."""
    col: int
    """0-based column of the tag on that line."""


class _ImageFinder(SafeHTMLParser):
    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.line_starts = [0]
        self.line_starts += [i + 1 for i, c in enumerate(fragment) if c == "\n"]
        self.found: list[RawImage] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "img":
            return
        values = {name: value or "" for name, value in reversed(attrs)}  # first one wins
        line, col = self.getpos()
        start = self.line_starts[line - 1] + col
        text = self.get_starttag_text() or ""
        self.found.append(RawImage(values.get("src", ""), values.get("alt", ""), start,
                                   start + len(text), line - 1, col))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def raw_images(fragment: str) -> list[RawImage]:
    """Return every ``<img>`` tag of a raw HTML fragment, in order, with its place."""
    if "<" not in fragment:
        return []
    finder = _ImageFinder(fragment)
    finder.feed(_before_open_comment(fragment))
    finder.close()
    return finder.found


def image_loc(node: Node, image: RawImage, path: str) -> SourceLoc:
    """Where a raw ``<img>`` is in the source, from its fragment's node."""
    return fragment_loc(node, image.line, image.col, path)


def fragment_loc(node: Node, line0: int, col0: int, path: str) -> SourceLoc:
    """Where a place in a raw HTML node's text is in the source: ``line0`` and ``col0``,
    0-based, within the fragment (an inline one's first line starts at its node's column)."""
    if line0 == 0 and node.kind == "html_inline":
        return SourceLoc(path, node.line, (node.col or 1) + col0)
    return SourceLoc(path, node.line + line0, col0 + 1)


def card_raw_images(card: Card, path: str) -> Iterator[tuple[str, SourceLoc]]:
    """Yield the ``src`` and place of every raw ``<img>`` in a card, in order."""
    for node in walk_all((*card.question, *card.answer)):
        if node.kind in ("html_block", "html_inline"):
            for image in raw_images(node.text):
                yield image.src, image_loc(node, image, path)
