"""A bound on how deeply a card's HTML nests: deeper elements are unwrapped, text kept.

Raw HTML in the notes may nest without end (2,000 ``<details>`` in a row reached the card
whole, 84 KB under the answer cap); Anki's web view and AnkiDroid lay such a field out
slowly, and nothing a person writes nests that deep.  Markdown's own nesting is bounded
by the parser (``builder.parse.nesting``), so what passes ``MAX_HTML_DEPTH`` is raw HTML.
"""

from __future__ import annotations

import re
from collections import Counter

from builder.support.htmlscan import SafeHTMLParser

MAX_HTML_DEPTH = 48
"""Elements nested deeper than this are unwrapped (their text stays).  Markdown alone
reaches about 40 (lists and quotes to ``maxNesting``, emphasis to 16); real notes, 10."""

MAX_RAW_DEPTH = 512
"""Raw HTML is cut to this depth before it reaches the sanitiser, whose HTML5 parser
checks the open elements for each tag: 100,000 unclosed ``<div>`` took it minutes."""
# Elements that never hold others (html5ever writes them without an end tag).
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                   "meta", "source", "track", "wbr"})
_OPENING = re.compile(r"<[a-zA-Z]")
# A start tag that ends the open element before it (HTML's optional end tags), so
# ``<li>a<li>b`` is two items, not one inside the other.
_ENDED_BY = {"li": ("li",), "p": ("p",), "dt": ("dt", "dd"), "dd": ("dt", "dd"),
             "tr": ("tr", "td", "th"), "td": ("td", "th"), "th": ("td", "th"),
             "option": ("option",), "rt": ("rt", "rp"), "rp": ("rt", "rp")}


def flatten_deep(fragment: str, limit: int = MAX_HTML_DEPTH) -> tuple[str, int]:
    """``fragment`` with every element nested deeper than ``limit`` unwrapped, and how
    many were.  Exact for HTML as the sanitiser writes it; raw HTML's implied end tags
    (``<li>`` after ``<li>``, ``<p>`` without ``</p>``) are not inferred, so it may unwrap
    there at a depth a browser would not reach (``MAX_RAW_DEPTH`` is far above that)."""
    # Depth is at most the number of start tags: most fragments are decided here.
    if len(_OPENING.findall(fragment)) <= limit:
        return fragment, 0
    finder = _DeepTags(fragment, limit)
    finder.feed(fragment)
    finder.close()
    if not finder.cut:
        return fragment, 0
    kept: list[str] = []
    done = 0
    for start, end in finder.cut:
        kept.append(fragment[done:start])
        done = end
    kept.append(fragment[done:])
    return "".join(kept), finder.unwrapped


class _DeepTags(SafeHTMLParser):
    """Finds the spans of the start and end tags of elements nested too deeply."""

    def __init__(self, fragment: str, limit: int) -> None:
        super().__init__(convert_charrefs=False)
        self._fragment = fragment
        self._limit = limit
        self._names: Counter[str] = Counter()  # how many of each are open
        self._line_starts = [0, *(i + 1 for i, c in enumerate(fragment) if c == "\n")]
        self._open: list[tuple[str, bool]] = []  # tag name, whether it is cut
        self.cut: list[tuple[int, int]] = []
        self.unwrapped = 0

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        while self._open and self._open[-1][0] in _ENDED_BY.get(tag, ()):
            self.handle_endtag(self._open[-1][0], implied=True)
        deep = len(self._open) >= self._limit
        self._open.append((tag, deep))
        self._names[tag] += 1
        if deep:
            start = self._offset()
            self.cut.append((start, start + len(self.get_starttag_text() or "")))
            self.unwrapped += 1

    def handle_endtag(self, tag: str, implied: bool = False) -> None:
        if not self._names[tag]:
            return  # a stray end tag (raw HTML): left for the sanitiser to drop
        while self._open[-1][0] != tag:  # raw HTML: elements left open end here
            self._names[self._open.pop()[0]] -= 1
        self._names[tag] -= 1
        _name, deep = self._open.pop()
        if deep and not implied:
            start = self._offset()
            self.cut.append((start, self._fragment.index(">", start) + 1))
