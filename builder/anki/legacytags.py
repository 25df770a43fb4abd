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
from collections.abc import Iterable

from builder.checks.htmlpolicy import FOREIGN_ROOTS, FOREIGN_TAGS, modern_element
from builder.support.htmlscan import SafeHTMLParser

_TAKEN_OUT = FOREIGN_TAGS | FOREIGN_ROOTS


def alternatives(words: Iterable[str]) -> str:
    """A regular expression matching exactly ``words`` (none empty), as a tree of their
    first characters: ``f(?:ilter|ont)``, not ``filter|font``.  The regex engine tries a
    plain alternation's every word at each place; this, one branch a character."""
    branches: dict[str, list[str]] = {}
    for word in words:
        branches.setdefault(word[0], []).append(word[1:])
    parts = [re.escape(first) + (_rest(rests) if rests != [""] else "")
             for first, rests in sorted(branches.items())]
    return parts[0] if len(parts) == 1 else f"(?:{'|'.join(parts)})"


def _rest(rests: list[str]) -> str:
    ended = "" in rests
    tree = alternatives(sorted({rest for rest in rests if rest}))
    return f"(?:{tree})?" if ended else tree


# A tree of the names, not their alternation: every fragment a card shows is searched,
# and at each "<" the engine tried all 70 names (as long as sanitising it with nh3).
_LEGACY = re.compile(
    rf"</?{alternatives(sorted({name.lower() for name in ('font', 'center', *_TAKEN_OUT)}))}"
    r"(?![\w-])", re.IGNORECASE)


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
