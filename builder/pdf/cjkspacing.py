"""Spacing Chinese and Latin text in the PDF's JSON: where a line break adds a space,
where a formula needs a gap, and CJK punctuation split out of texts for typst."""

from __future__ import annotations

import unicodedata

from builder.model import Node
from builder.render.fonts import with_cjk_punctuation

Json = dict[str, object]  # as builder.pdf.pdfdata names it


CJK_MARKS = frozenset("“‘—…”’")
"""Every character ``with_cjk_punctuation`` can split out (a test keeps the two the same)."""


def cjk_punctuated(nodes: list[Json]) -> list[Json]:
    """``nodes`` with CJK punctuation split out of their text (``with_cjk_punctuation``).

    Done as each list of inlines is made (its nested lists were done as they were made),
    and only where a text has such a character: a walk over the whole sheet afterwards
    took ~0.1 s of every 2,000-question PDF.
    """
    if any(node.get("kind") == "text" and not CJK_MARKS.isdisjoint(str(node.get("text", "")))
           for node in nodes):
        with_cjk_punctuation(nodes)
    return nodes


def soft_space(before: Node | None, after: Node | None) -> str:
    # Chinese wraps without spaces: a newline inside a CJK sentence must not add one.
    if is_wide(edge_char(before, last=True)) and is_wide(edge_char(after, last=False)):
        return ""
    return " "


def edge_char(node: Node | None, *, last: bool) -> str:
    """The first (or last) character of the first (or last) text within ``node``."""
    if node is None:
        return ""
    if node.kind in ("text", "code_inline") and node.text:
        return node.text[-1] if last else node.text[0]
    for child in reversed(node.children) if last else node.children:
        found = edge_char(child, last=last)
        if found:
            return found
    return ""


def is_wide(char: str) -> bool:
    return bool(char) and unicodedata.east_asian_width(char) in ("W", "F")
