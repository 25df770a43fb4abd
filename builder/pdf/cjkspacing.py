"""Spacing Chinese and Latin text in the PDF's JSON: where a line break adds a space,
where a formula needs a gap, and CJK punctuation split out of texts for typst."""

from __future__ import annotations

import re
import unicodedata

from builder.model import Node

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


_CJK = ("\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff"
        "\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff")
_CJK_PUNCTUATION = re.compile(f"[“‘—…]+(?=[{_CJK}])|(?<=[{_CJK}])[”’—…]+")
"""Quotes, dashes and ellipses touching Chinese, Japanese or Korean (“你好”, ——, ……):
punctuation of that text, drawn full-width by the CJK font.  Elsewhere the Latin font
draws them, so "What’s" keeps a narrow apostrophe."""


def with_cjk_punctuation(payload: object) -> None:
    """Split CJK punctuation out of a PDF JSON's text nodes, in place, as ``cjk`` nodes.

    The template draws ``cjk`` nodes with the CJK font first.  A show rule in the template
    could find them too, but it would run over every piece of text of a large sheet.
    """
    if isinstance(payload, dict):
        for value in payload.values():
            with_cjk_punctuation(value)
    elif isinstance(payload, list):
        if any(_is_cjk_text(item) for item in payload):
            payload[:] = [piece for item in payload for piece in _split_text(item)]
        for item in payload:
            with_cjk_punctuation(item)


def _is_cjk_text(node: object) -> bool:
    return (isinstance(node, dict) and node.get("kind") == "text"
            and isinstance(node.get("text"), str) and _CJK_PUNCTUATION.search(node["text"])
            is not None)


def _split_text(node: object) -> list[object]:
    if not _is_cjk_text(node):
        return [node]
    assert isinstance(node, dict)
    text: str = node["text"]
    pieces: list[object] = []
    start = 0
    for match in _CJK_PUNCTUATION.finditer(text):
        if match.start() > start:
            pieces.append({"kind": "text", "text": text[start:match.start()]})
        pieces.append({"kind": "cjk", "text": match.group()})
        start = match.end()
    if start < len(text):
        pieces.append({"kind": "text", "text": text[start:]})
    return pieces
