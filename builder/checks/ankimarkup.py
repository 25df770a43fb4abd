"""Tell the author where shared text holds Anki's own markup or a link the deck will not keep.

The card HTML is made inert by ``builder.anki.html`` whatever this module says (Anki markup
becomes entities, links follow ``htmlpolicy.safe_link``); this only names each case, with a
location, so that nothing changes silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

from builder.checks.htmlpolicy import ANKI_MARKUP, safe_link
from builder.model import Card, Diagnostic, Document, Node, SourceLoc, one_line, walk_all

# Kinds whose literal text reaches a field.
_TEXT_KINDS = frozenset({"text", "code_inline", "code_block", "html_inline", "html_block"})
# In TeX, {{ and }} are only nested groups: neutralised on the card, not worth a warning.
_MATH_KINDS = frozenset({"math_inline", "math_block"})
_OPENING = re.compile(r"\[/?(?:sound:|anki:|latex\]|\$\$?\])", re.IGNORECASE)


def check_document(doc: Document) -> list[Diagnostic]:
    """Warn at each line holding Anki markup or a link to anything but http(s)."""
    found: list[Diagnostic] = []
    for section in doc.sections:
        if section.path:
            found += _markup(section.path[-1], section.loc, "section heading")
    for card in doc.cards:
        found += _card(card)
    return found


_READ_KINDS = _TEXT_KINDS | _MATH_KINDS | {"image", "link"}
"""The kinds ``_may_warn`` reads: the others (paragraphs, lists, emphasis…) never warn."""


def _card(card: Card) -> Iterator[Diagnostic]:
    for part, nodes in (("question", card.question), ("answer", card.answer)):
        line = card.loc.line
        found: list[Diagnostic] = []
        # Links to headings: where among ``found`` each is warned, its place and target.
        in_page: list[tuple[int, SourceLoc, str]] = []
        for node in walk_all(nodes):
            line = node.line or line
            if node.kind in _READ_KINDS and _may_warn(node):  # most do not: no place made
                loc = SourceLoc(card.loc.path, line, node.col or 1)
                if node.kind == "link" and node.attr("href").startswith("#"):
                    in_page.append((len(found), loc, node.attr("href")))
                else:
                    found += _node(node, loc, part)
        for at, warning in reversed(_in_page_links(in_page)):
            found.insert(at, warning)
        yield from found


GROUPED_AFTER = 2
"""In-page links a card part may have, each warned at its place, before they are warned as
one: a section's own list of contents (``- [KNN](#knn)`` …) made a warning per line,
dozens in one card, all saying the same."""


def _in_page_links(links: list[tuple[int, SourceLoc, str]]) -> list[tuple[int, Diagnostic]]:
    """A warning per link to a heading (``#anchor``) of a card part, or one for them all at
    the first, naming the lines they span, when there are more than ``GROUPED_AFTER``;
    each with where it goes among the part's other warnings."""
    why = "a card cannot jump to a heading"
    if len(links) <= GROUPED_AFTER:
        return [(at, Diagnostic(loc, "warning", f"link to '{_shown(href)}' kept as text "
                                f"only: {why}", "link-removed")) for at, loc, href in links]
    (at, first, _), (_, last, _) = links[0], links[-1]
    named = ", ".join([*(f"'{_shown(href)}'" for _at, _loc, href in links[:3]),
                       *(["…"] if len(links) > 3 else [])])
    return [(at, Diagnostic(first, "warning", f"{len(links)} links to headings ({named}; "
                            f"lines {first.line}-{last.line}) kept as text only: {why}",
                            "link-removed", end_line=last.line))]


def _shown(href: str) -> str:
    shown = unquote(href)  # markdown-it percent-encodes: show what was typed
    return one_line(shown if len(shown) <= 40 else shown[:39] + "…")


def _may_warn(node: Node) -> bool:
    kind = node.kind
    if kind in _TEXT_KINDS or kind in _MATH_KINDS:
        return ANKI_MARKUP.search(node.text) is not None
    if kind == "image":
        return ANKI_MARKUP.search(node.attr("alt")) is not None
    return kind == "link"


def _node(node: Node, loc: SourceLoc, part: str) -> Iterator[Diagnostic]:
    if node.kind in _TEXT_KINDS:
        yield from _markup(node.text, loc, part)
    elif node.kind in _MATH_KINDS:
        yield from _markup(node.text, loc, part, braces=False)
    elif node.kind == "image":
        yield from _markup(node.attr("alt"), loc, part)
    elif node.kind == "link":
        href = node.attr("href")
        if safe_link(href) is None:
            yield Diagnostic(loc, "warning", f"link to '{_shown(href)}' kept as text only: "
                             "cards and the PDF link to http(s) addresses only", "link-removed")


def _markup(text: str, loc: SourceLoc, part: str, *,
            braces: bool = True) -> Iterator[Diagnostic]:
    # Where the text's last ``}}`` starts: a ``{{`` opens markup only before it.  (Searched
    # after each ``{{``, a line of 50,000 of them cost 3 s; 1 MB, minutes.)
    last_close = text.rfind("}}")
    for match in ANKI_MARKUP.finditer(text):
        if match.group() == "}}" or (match.group() == "{{" and (
                not braces or last_close < match.end())):
            continue
        opening = _OPENING.match(text, match.start())
        token = opening.group() if opening else "{{…}}"
        yield Diagnostic(loc, "warning", f"Anki markup '{token}' in the {part} is shown as "
                         "text, not run by Anki", "anki-markup")
        return  # one warning per text is enough to find it
