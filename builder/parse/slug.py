"""GitHub's heading anchors: the ``#fragment`` a rendered heading gets on github.com.

The rules are those of github-slugger, which GitHub's renderer follows:

* the heading's text is lower-cased;
* every character that is not a letter, mark, number or connector punctuation
  (Unicode categories ``L*``, ``M*``, ``N*``, ``Pc`` — ``Pc`` covers ``_``), a
  space or a hyphen is removed: ASCII punctuation, emoji, and full-width CJK
  punctuation such as ``？（），、：“”`` all go;
* each space becomes a hyphen (runs are not collapsed);
* a repeated slug gets ``-1``, ``-2``, … in document order.
"""

from __future__ import annotations

import unicodedata

_KEPT_CATEGORIES = ("L", "M", "N")


def slugify(text: str) -> str:
    """Return the anchor GitHub gives a heading with this text, before de-duplication."""
    if not isinstance(text, str):
        raise TypeError(f"slugify() needs a str, not {type(text).__name__}")
    kept: list[str] = []
    for char in text.strip().lower():
        if char == " ":
            kept.append("-")
        elif char == "-" or _is_word_char(char):
            kept.append(char)
    return "".join(kept)


def _is_word_char(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in _KEPT_CATEGORIES or category == "Pc"


class Slugger:
    """Hands out unique anchors for the headings of one document, in document order."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def slug(self, text: str) -> str:
        """Return the next anchor for a heading with this text (``-1``, ``-2`` on repeats)."""
        base = slugify(text)
        result = base
        while result in self._seen:
            self._seen[base] += 1
            result = f"{base}-{self._seen[base]}"
        self._seen[result] = 0
        return result
