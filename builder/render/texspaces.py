"""A formula's ``\\hspace{…}`` written as typst reads it, before tex2typst converts it.

tex2typst copies ``\\hspace{10px}`` into typst as ``#h(10px)``: typst knows pt, mm, cm,
in and em only, so another unit reads as a name in code and the formula was refused as
code ("code 'px' at 10 …"), which hides the real problem; ``\\hspace*{2pt}`` became
``#h(*) 2 p t`` and was drawn as the letters "2pt"; ``\\hspace{ 2 pt }`` (TeX allows the
spaces) was refused too.  Here each size is written plainly: the star dropped (in a
formula it changes nothing), the unit in lower case, a TeX unit typst lacks converted
(``1pc`` is ``12pt``, ``1ex`` about ``0.43em`` as MathJax reads it), ``px``, which only
MathJax reads, read as MathJax reads it (``1pt``), and any other unit named as the reason
the formula is not drawn.

Only ASCII digits and spaces are TeX's (``\\hspace{２pt}`` is no size), a ``\\hspace``
after a ``\\\\`` line break is the text "hspace", and a ``true`` unit (``1truept``) is
the unit: a formula's magnification is never changed.
"""

from __future__ import annotations

import math
import re

# The star's optional spaces once (``\s*\*?\s*`` tried every split of 40,000 spaces:
# 5 s), and only a backslash no backslash escapes (``\\hspace{3px}``: a line break).
_SPACE = re.compile(r"(?<!\\)((?:\\\\)*)\\hspace\s*(?:\*\s*)?\{\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+))"
                    r"\s*((?i:true)\s*)?([a-zA-Z]+)\s*\}", re.ASCII)
_TYPST = frozenset({"pt", "mm", "cm", "in", "em"})
_IN_TYPST = {"pc": (12.0, "pt"), "bp": (72.27 / 72, "pt"), "dd": (1238 / 1157, "pt"),
             "cc": (12 * 1238 / 1157, "pt"), "sp": (1 / 65536, "pt"), "ex": (0.43, "em"),
             "mu": (1 / 18, "em"), "px": (1.0, "pt")}
"""TeX's other units, in one typst has (``ex`` and ``mu`` as MathJax reads them), and
MathJax's ``px``: its TeX input reads 1px as 1pt, a tenth of an em (MathJax's UnitUtil
tests: ``9px`` and ``9pt`` are both ``0.9`` em), not the CSS pixel."""
_TRUE = frozenset({"pt", "pc", "in", "bp", "cm", "mm", "dd", "cc", "sp"})
"""The units ``true`` may go before (TeX's physical units)."""
_QUOTED = 40
"""Longest ``\\hspace{…}`` a reason quotes whole."""


def typst_spaces(tex: str) -> tuple[str, str | None]:
    """``tex`` with each ``\\hspace`` size in a unit typst reads, and the reason it cannot
    be drawn when a size is in a unit neither TeX nor MathJax has (None when every one is
    theirs)."""
    if "\\hspace" not in tex:
        return tex, None
    unknown: list[str] = []

    def written(found: re.Match[str]) -> str:
        lead, size, true, unit = found.groups()
        unit = unit.lower()
        if (unit not in _TYPST and unit not in _IN_TYPST) or (true and unit not in _TRUE):
            said = found.group()[len(lead):]
            said = said if len(said) <= _QUOTED else f"{said[:_QUOTED - 1]}…"
            unknown.append(f"'{(true or '') + found.group(4)}' in {said}")
            return found.group()
        number = float(size)
        if unit in _IN_TYPST:
            factor, unit = _IN_TYPST[unit]
            number *= factor
        if not math.isfinite(number):  # 309 digits or more: left to say what it is
            return found.group()
        shown = f"{number:.6f}".rstrip("0").rstrip(".")  # typst reads no exponent
        return f"{lead}\\hspace{{{shown}{unit}}}"

    spaced = _SPACE.sub(written, tex)
    if unknown:
        return spaced, (f"{unknown[0]} is no unit TeX or MathJax reads (pt, pc, in, bp, cm, "
                        "mm, dd, cc, sp, em, ex, mu, px)")
    return spaced, None
