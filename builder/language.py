"""Which language a document is written in: front matter ``lang:`` or a guess from its text.

The language picks the words build-deck itself writes: diagram labels and the PDF's
fixed words.  Only Chinese and English are written; the guess counts Han characters
against Latin words in the document's prose (never its code or formulas).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it.token import Token

LANGUAGES = ("zh", "en")
AUTO = "auto"
FALLBACK = "zh"
"""For a document with no prose to judge by: build-deck's first users wrote Chinese notes."""
CHINESE_SHARE = 0.3
"""A document is Chinese when Han characters make up at least this share of its words.

Chinese technical notes are full of English terms (ReLU, batch size, Adam): one Han
character is about one English word's worth of text, and even notes at 50/50 are
meant for readers of Chinese.  English notes quote a Chinese term now and then (卷积)."""

_PROSE_TOKENS = ("text",)
"""markdown-it inline children read as prose: code, math and raw HTML are not."""


def normalise(value: object) -> str | None:
    """Return ``zh``, ``en`` or ``auto`` for a front-matter value, or None when it is neither.

    Accepts the BCP 47 forms people write (``zh-CN``, ``zh_Hans``, ``en-US``, ``EN``).
    """
    if not isinstance(value, str):
        return None
    primary = value.strip().lower().replace("_", "-").split("-", 1)[0]
    return primary if primary in (*LANGUAGES, AUTO) else None


def is_han(char: str) -> bool:
    """True for a CJK ideograph (the unified blocks, their extensions and compatibility forms)."""
    code = ord(char)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF
            or 0x20000 <= code <= 0x323AF or 0xF900 <= code <= 0xFAFF)


def counts(texts: Iterable[str]) -> tuple[int, int]:
    """Return (Han characters, Latin words) in ``texts``."""
    han = words = 0
    for text in texts:
        in_word = False
        for char in text:
            if is_han(char):
                han += 1
                in_word = False
            elif (char.isascii() and char.isalpha()) or "\u00c0" <= char <= "\u024f":
                words += not in_word
                in_word = True
            else:
                in_word = False
    return han, words


def guess(texts: Iterable[str]) -> str:
    """Return the language the texts are written in (``zh`` or ``en``)."""
    han, words = counts(texts)
    if han + words == 0:
        return FALLBACK
    return "zh" if han >= CHINESE_SHARE * (han + words) else "en"


def prose(tokens: Sequence[Token]) -> Iterator[str]:
    """Yield the prose text of markdown-it tokens: headings, paragraphs, lists, tables."""
    for token in tokens:
        for child in token.children or ():
            if child.type in _PROSE_TOKENS:
                yield child.content


def document_language(front: object, tokens: Sequence[Token]) -> str:
    """The document's language: its front matter's ``lang`` unless that says ``auto``."""
    chosen = normalise(front)
    if chosen in LANGUAGES:
        return chosen
    return guess(prose(tokens))


def majority(languages: Iterable[tuple[str, int]]) -> str:
    """The language with the most weight (cards, say); ties go to the first seen."""
    weights: dict[str, int] = {}
    for language, weight in languages:
        weights[language] = weights.get(language, 0) + weight
    if not weights:
        return FALLBACK
    return max(weights, key=lambda language: weights[language])
