"""A bound on how deeply a card's HTML nests: deeper elements are unwrapped, text kept.

Raw HTML in the notes may nest without end (2,000 ``<details>`` in a row reached the card
whole, 84 KB under the answer cap); Anki's web view and AnkiDroid lay such a field out
slowly, and nothing a person writes nests that deep.  Markdown's own nesting is bounded
by the parser (``builder.parse.nesting``), so what passes ``MAX_HTML_DEPTH`` is raw HTML.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

MAX_HTML_DEPTH = 48
"""Elements nested deeper than this are unwrapped (their text stays).  Markdown alone
reaches about 40 (lists and quotes to ``maxNesting``, emphasis to 16); real notes, 10."""

# Elements that never hold others (html5ever writes them without an end tag).
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                   "meta", "source", "track", "wbr"})
_OPENING = re.compile(r"<[a-zA-Z]")


def flatten_deep(fragment: str) -> tuple[str, int]:
    """``fragment`` (well-formed, as the sanitiser writes it) with every element nested
    deeper than ``MAX_HTML_DEPTH`` unwrapped, and how many were."""
    # Depth is at most the number of start tags: most fragments are decided here.
    if len(_OPENING.findall(fragment)) <= MAX_HTML_DEPTH:
        return fragment, 0
    finder = _DeepTags(fragment)
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


class _DeepTags(HTMLParser):
    """Finds the spans of the start and end tags of elements nested too deeply."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=False)
        self._fragment = fragment
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
        deep = len(self._open) >= MAX_HTML_DEPTH
        self._open.append((tag, deep))
        if deep:
            start = self._offset()
            self.cut.append((start, start + len(self.get_starttag_text() or "")))
            self.unwrapped += 1

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1][0] != tag:
            return  # the sanitiser's output is well-formed: no stray end tags
        _name, deep = self._open.pop()
        if deep:
            start = self._offset()
            self.cut.append((start, self._fragment.index(">", start) + 1))
