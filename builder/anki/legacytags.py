"""``<font color>`` and ``<center>`` rewritten as the ``<span>`` and ``<div>`` the card's
sanitiser keeps (``builder.checks.htmlpolicy.modern_element``), before it runs: it would
drop the tags and, with them, the colour an author used to mark what matters.  The tags
of SVG and MathML elements it drops with their content (``htmlpolicy.FOREIGN_TAGS``)
are taken out, so an unclosed ``<path d="…">`` in prose leaves the words after it, and so
are those of ``<svg>`` and ``<math>`` (``FOREIGN_ROOTS``), so a drawing's captions, link
texts and ``<foreignObject>`` HTML are read as HTML and reach the card."""

from __future__ import annotations

import html
import re

from builder.checks.htmlpolicy import FOREIGN_ROOTS, FOREIGN_TAGS, modern_element
from builder.support.htmlscan import SafeHTMLParser

_TAKEN_OUT = FOREIGN_TAGS | FOREIGN_ROOTS
_NAMES = "|".join(sorted(map(re.escape, {"font", "center", *_TAKEN_OUT}), key=len, reverse=True))
_LEGACY = re.compile(rf"</?(?:{_NAMES})(?![\w-])", re.IGNORECASE)


def modernised(fragment: str) -> str:
    """``fragment`` with each ``<font>`` and ``<center>`` tag replaced and each tag of
    ``FOREIGN_TAGS`` and ``FOREIGN_ROOTS`` taken out; others untouched."""
    if _LEGACY.search(fragment) is None:
        return fragment
    finder = _LegacyTags(fragment)
    finder.feed(fragment)
    finder.close()
    out: list[str] = []
    done = 0
    for start, end, replacement in finder.replaced:
        out += [fragment[done:start], replacement]
        done = end
    out.append(fragment[done:])
    return "".join(out)


class _LegacyTags(SafeHTMLParser):
    """Finds the spans of ``<font>`` and ``<center>`` tags and what each becomes."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=False)
        self._fragment = fragment
        self._line_starts = [0, *(i + 1 for i, c in enumerate(fragment) if c == "\n")]
        self.replaced: list[tuple[int, int, str]] = []

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _TAKEN_OUT:
            start = self._offset()
            self.replaced.append((start, start + len(self.get_starttag_text() or ""), ""))
            return
        modern = modern_element(tag, attrs)
        if modern is None:
            return
        name, kept = modern
        written = "".join(f' {key}="{html.escape(value)}"' for key, value in kept)
        start = self._offset()
        self.replaced.append((start, start + len(self.get_starttag_text() or ""),
                              f"<{name}{written}>"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # ``<font/>`` opens a font all the same in HTML

    def handle_endtag(self, tag: str) -> None:
        modern = modern_element(tag, [])
        if modern is None and tag not in _TAKEN_OUT:
            return
        start = self._offset()
        self.replaced.append((start, self._fragment.index(">", start) + 1,
                              f"</{modern[0]}>" if modern else ""))
