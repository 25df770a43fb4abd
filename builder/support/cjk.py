"""What counts as Chinese, Japanese or Korean writing: one definition for every rule that
asks (emphasis beside CJK text, escaped brackets and ``$`` pairs around prose).

Wide and full-width characters (East Asian Width W, F) and half-width katakana (H), with
every Hangul block (its jamo are narrow); emoji are wide too but are pictures, not
writing, so they are left out.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF))
_EMOJI = ((0x1F000, 0x1FAFF), (0x2300, 0x2BFF))
"""Blocks whose wide characters are emoji (shown as pictures), not CJK writing."""


def _within(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


@lru_cache(maxsize=1 << 12)
def is_cjk(char: str) -> bool:
    """Wide Chinese, Japanese or Korean writing, its punctuation included; no emoji."""
    # Remembered: asked of the characters beside every emphasis marker, of every character
    # of some texts, and notes use a few thousand characters (bounded: hostile text may
    # hold every one).
    code = ord(char)
    if _within(code, _HANGUL):
        return True
    return unicodedata.east_asian_width(char) in ("W", "F", "H") and not _within(code, _EMOJI)


def is_cjk_letter(char: str) -> bool:
    """A CJK character that is a letter (an ideograph, kana, a Hangul syllable), not
    punctuation or a full-width digit."""
    return is_cjk(char) and unicodedata.category(char) == "Lo"


def has_cjk(text: str) -> bool:
    return any(is_cjk(char) for char in text)
