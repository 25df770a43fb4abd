"""Emphasis next to Chinese punctuation: ``**答案：**这是…`` and ``是**「重要」**的``.

CommonMark decides whether ``**`` may open or close emphasis from the characters on
either side of it, treating every punctuation mark as a word boundary.  That works for
English, but Chinese has no spaces: ``**答案：**这是解释`` leaves the closing ``**``
between a full-width colon and a letter, where CommonMark will not close, so the reader
sees the asterisks (and, further on, bold spans paired the wrong way).  Typora and most
Chinese editors show such text bold.

The flanking test here follows the CommonMark CJK-friendly amendments
(github.com/tats-u/markdown-cjk-friendly, ``specification.md``), which the
``markdown-it-cjk-friendly`` plugin implements for JavaScript: a CJK character beside
a delimiter run counts as a boundary, and CJK punctuation stops counting as
punctuation that needs one.  Text without CJK characters is read exactly as CommonMark
reads it.  ``scan_delims`` is markdown-it's ``StateInline.scanDelims`` with that test; it
serves ``*``, ``_``, ``~~`` and ``==`` alike.
"""

from __future__ import annotations

from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline.state_inline import Scanned

from builder.support.cjk import is_cjk

_VARIATION_SELECTORS = (0xFE00, 0xFE0E)
"""Standard variation selectors other than the emoji one (U+FE0F): they follow a
character and take its part."""
_IDEOGRAPHIC_VARIATION_SELECTORS = (0xE0100, 0xE01EF)


def _is_punctuation(char: str) -> bool:
    return isMdAsciiPunct(ord(char)) or isPunctChar(char)


def scan_delims(src: str, start: int, maximum: int, can_split_word: bool) -> Scanned:
    """Whether the run of markers at ``start`` can open and close emphasis."""
    marker = src[start]
    pos = start
    while pos < maximum and src[pos] == marker:
        pos += 1
    # The line's start and end count as whitespace.
    last = src[start - 1] if start > 0 else " "
    following = src[pos] if pos < maximum else " "
    if _VARIATION_SELECTORS[0] <= ord(last) <= _VARIATION_SELECTORS[1] and start > 1:
        last = src[start - 2]  # the selector belongs to the character it follows
    last_space, next_space = isWhiteSpace(ord(last)), isWhiteSpace(ord(following))
    last_cjk, next_cjk = is_cjk(last), is_cjk(following)
    # Each side's character tested once (a Unicode lookup each, for every delimiter run):
    # below, ``_`` inside a word (``snake_case``) stays text, and any punctuation beside it
    # counts; here, punctuation asks for a boundary beside it, and CJK punctuation does not.
    any_last_punct = _is_punctuation(last)
    any_next_punct = _is_punctuation(following)
    last_punct = any_last_punct and not last_cjk
    next_punct = any_next_punct and not next_cjk
    last_ivs = _IDEOGRAPHIC_VARIATION_SELECTORS[0] <= ord(last) \
        <= _IDEOGRAPHIC_VARIATION_SELECTORS[1]

    left_flanking = not next_space and (
        not next_punct or last_space or last_punct or last_cjk or last_ivs)
    right_flanking = not last_space and (
        not last_punct or next_space or next_punct or next_cjk)
    can_open = left_flanking and (can_split_word or not right_flanking or any_last_punct)
    can_close = right_flanking and (can_split_word or not left_flanking or any_next_punct)
    return Scanned(can_open, can_close, pos - start)
