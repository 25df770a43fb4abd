"""Which language a document is written in: front matter ``lang:`` or a guess from its text.

The language picks the words build-deck itself writes: diagram labels and the PDF's
fixed words.  Only Chinese and English are written; the guess counts Han characters
against Latin words in the document's prose (never its code or formulas).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from builder.support.languagecodes import FALLBACK as FALLBACK
from builder.support.languagecodes import LANGUAGES as LANGUAGES

if TYPE_CHECKING:
    from markdown_it.token import Token

AUTO = "auto"
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


_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af]")
"""CJK ideographs: the unified blocks, their extensions and the compatibility forms."""
_LATIN_WORD = re.compile("[A-Za-z\u00c0-\u024f]+")
SAMPLE = 200_000
"""Characters of prose read: enough to tell, and a huge file costs no more than that."""


def counts(texts: Iterable[str]) -> tuple[int, int]:
    """Return (Han characters, Latin words) in ``texts``, reading at most ``SAMPLE`` chars."""
    han = words = 0
    left = SAMPLE
    for text in texts:
        piece = text[:left]
        han += len(_HAN.findall(piece))
        words += len(_LATIN_WORD.findall(piece))
        left -= len(piece)
        if left <= 0:
            break
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
