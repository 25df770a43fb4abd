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
        for node in walk_all(nodes):
            line = node.line or line
            if node.kind in _READ_KINDS and _may_warn(node):  # most do not: no place made
                yield from _node(node, SourceLoc(card.loc.path, line, node.col or 1), part)


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
            shown = unquote(href)  # markdown-it percent-encodes: show what was typed
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            why = ("a card cannot jump to a heading" if href.startswith("#") else
                   "cards and the PDF link to http(s) addresses only")
            yield Diagnostic(loc, "warning", f"link to '{one_line(shown)}' kept as text "
                             f"only: {why}", "link-removed")


def _markup(text: str, loc: SourceLoc, part: str, *,
            braces: bool = True) -> Iterator[Diagnostic]:
    for match in ANKI_MARKUP.finditer(text):
        if match.group() == "}}" or (match.group() == "{{" and (
                not braces or "}}" not in text[match.end():])):
            continue
        opening = _OPENING.match(text, match.start())
        token = opening.group() if opening else "{{…}}"
        yield Diagnostic(loc, "warning", f"Anki markup '{token}' in the {part} is shown as "
                         "text, not run by Anki", "anki-markup")
        return  # one warning per text is enough to find it
