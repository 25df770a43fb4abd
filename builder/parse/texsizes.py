"""Sizes in a formula that would make a card as tall as a building in Anki's MathJax.

Measured in a headless Chromium with MathJax 3 laid out as Anki's reviewer lays out a
card (tests/browser.py's page, this builder's card CSS): a wide formula
(``\\kern{10000px}``, ``\\hspace``, ``\\rule{10000px}{…}``, ``\\moveleft``) only widens
its answer's own scrolling box, but a tall one (``\\raise{5000em}{X}``, ``\\lower``,
``\\rule{1px}{10000px}``, ``\\Space``, a ``\\\\[5000em]`` row, a fraction's rule as
thick as ``\\genfrac``'s or ``\\above``'s size, a ``\\bbox``'s padding) grows the answer to
110,000 pixels of blank above or below its words.  So a vertical size past
``MAX_EM`` is drawn at ``MAX_EM``, and the caller warns.
"""

from __future__ import annotations

import re

from builder.parse.texsyntax import skip_space, tokens

MAX_EM = 20
"""Largest vertical size kept, in em (some 320 pixels on a card)."""
_TALL: dict[str, tuple[bool, ...]] = {
    "\\raise": (True,), "\\lower": (True,), "\\raisebox": (True,), "\\vspace": (True,),
    "\\vskip": (True,), "\\\\": (True,),
    # \rule[raise]{width}{height} (without its bracket: no raise), \Rule and \Space
    # {width}{height}{depth}: a wide one only widens its box, so the width stays.
    "\\rule": (True, False, True), "\\Rule": (False, True, True),
    "\\Space": (False, True, True),
    # A fraction's rule as thick as its size: \genfrac{(}{)}{size}{style}{a}{b},
    # a \above size b, a \abovewithdelims() size b (11,000 pixels at 100cm).
    "\\genfrac": (True,), "\\above": (True,), "\\abovewithdelims": (True,),
    # \bbox[red,5px]{x}: a size among its options pads the box all round; so does
    # \enclose{box}[data-padding=5000]{x} (33,000 pixels), and its data-thickness.
    "\\bbox": (), "\\enclose": ()}
"""Commands whose sizes reach up or down: for each size they take, whether it does."""
_DELIMITERS = {"\\genfrac": 2, "\\abovewithdelims": 2}
"""Commands whose sizes follow delimiters (a token or a group each), skipped."""
_EM = {"em": 1.0, "ex": 0.43, "pt": 0.1, "px": 1 / 16, "mu": 1 / 18, "pc": 1.2,
       "in": 7.227, "cm": 2.845, "mm": 0.2845}
"""Each unit MathJax's TeX reads in a size, in em (1em = 10pt = 16px): TeX's bp, dd, cc
and sp are none of them (``\\raise{5000bp}{x}`` is an error there, nothing tall)."""
_BOX_EM = {unit: em for unit, em in _EM.items() if unit != "pc"}
"""The units a ``\\bbox`` padding may have (its own pattern leaves out pc)."""
_BETWEEN = frozenset({"{", "}", "[", "]", "=", "-", "+"})
"""Tokens before a size that MathJax reads past (and white space, any run of it)."""
_NUMBER = re.compile(r"\d+(?:[.,]\d*)?|[.,]\d+")
"""A size's number: MathJax's TeX takes a comma for the decimal point too (5000,0em)."""


def clamp_tall_sizes(tex: str) -> tuple[str, list[str]]:
    """``tex`` with each vertical size past ``MAX_EM`` written as ``MAX_EM`` em, and the
    commands whose sizes were (empty when none)."""
    if not any(name in tex for name in _TALL):
        return tex, []
    found = tokens(tex)
    out: list[str] = []
    clamped: list[str] = []
    command, left = "", tuple[bool, ...]()
    i = 0
    while i < len(found):
        token = found[i]
        if token in _TALL:
            command, left = token, _TALL[token]
            if token in _DELIMITERS:
                end = _past_arguments(found, i + 1, _DELIMITERS[token])
                out += found[i:end]
                i = end
                continue
            if token == "\\bbox":
                kept, i = _box_options(found, i + 1, clamped)
                out += [token, *kept]
                continue
            if token == "\\enclose":
                end = _past_arguments(found, i + 1, 1)  # its notation, then [attributes]
                kept, after = _enclose_options(found, end, clamped)
                out += [*found[i:end], *kept]
                i = after
                continue
            if token == "\\rule" and not (_bracket(found, i + 1) or "").strip():
                left = left[1:]  # its raise, in brackets, is not given (or empty: none)
            elif token == "\\\\":
                # A row's size only in brackets right after it (``\\[2em]``, ``\\*[2em]``):
                # ``\\ 100 cm`` is a new row, then text.
                star = found[i + 1:i + 2] == ["*"]
                if found[i + 1 + star:i + 2 + star] != ["["]:
                    left = ()
                elif star:
                    out += found[i:i + 2]
                    i += 2
                    continue
        elif left and token == "{" and found[i + 1:i + 2] == ["}"]:
            left = ()  # an empty argument, where a size would be: none is given
        elif left and token not in _BETWEEN and not token.isspace():
            size, end = _size(found, i)
            if size is None:
                left = ()
            else:
                tall, left = left[0], left[1:]
                if tall and size > MAX_EM:
                    clamped.append(command)
                    out.append(f"{MAX_EM}em")
                else:
                    out += found[i:end]
                i = end
                continue
        out.append(token)
        i += 1
    return "".join(out), clamped


def _size(found: list[str], i: int, box: bool = False) -> tuple[float | None, int]:
    """The size written from token ``i`` (digits, then a unit's two letters), in em, and
    where it ends; None when none is written there.  A ``box`` padding is read as
    ``\\bbox`` reads it: no comma for a point, no pc."""
    points, units = (".", _BOX_EM) if box else (".,", _EM)
    end = i
    while end < len(found) and (found[end].isdigit() or found[end] in points):
        end += 1
    digits = "".join(found[i:end])
    while end < len(found) and found[end].isspace():
        end += 1
    unit = "".join(found[end:end + 2])
    if not _NUMBER.fullmatch(digits) or unit not in units \
            or (end + 2 < len(found) and found[end + 2].isalpha()):
        return None, i
    return float(digits.replace(",", ".")) * units[unit], end + 2


def _past_arguments(found: list[str], i: int, count: int) -> int:
    """Where ``count`` arguments from token ``i`` end: each a token or a braced group,
    white space before it skipped."""
    for _ in range(count):
        i = skip_space(found, i)
        depth = 0
        while i < len(found):
            depth += {"{": 1, "}": -1}.get(found[i], 0)
            i += 1
            if depth <= 0:
                break
    return i


def _bracket(found: list[str], i: int) -> str | None:
    """What the ``[…]`` from token ``i`` holds, white space before it skipped as MathJax
    skips it; None when no bracket opens there."""
    start = skip_space(found, i)
    if found[start:start + 1] != ["["]:
        return None
    end = start + 1
    while end < len(found) and found[end] != "]":
        end += 1
    return "".join(found[start + 1:end])


def _box_options(found: list[str], i: int, clamped: list[str]) -> tuple[list[str], int]:
    """A ``\\bbox``'s ``[…]`` options from token ``i`` (white space before them
    skipped), each size among them past ``MAX_EM`` written as ``MAX_EM`` em
    (``clamped`` told), and where they end."""
    start = skip_space(found, i)
    if found[start:start + 1] != ["["]:
        return [], i
    out = [*found[i:start], "["]
    i = start + 1
    while i < len(found) and found[i] != "]":
        start = i
        while i < len(found) and found[i] == " ":
            i += 1
        size, end = _size(found, i, box=True)
        if size is not None and size > MAX_EM:
            out += [*found[start:i], f"{MAX_EM}em"]
            clamped.append("\\bbox")
            i = end
        else:
            out += found[start:i + 1]
            i += 1
    return out, i


_ENCLOSE_SIZE = re.compile(r"(data-(padding|thickness)\s*=)([^,\]]*)")
"""An ``\\enclose`` attribute that pads its box or thickens its lines, and its value."""
_VALUE = re.compile(r"[\s{\"']*([-+]?(?:\d+(?:\.\d*)?|\.\d+))(pt|em|ex|mu|px|pc|in|mm|cm|%)?")
"""The size in such a value, as MathJax's length2em reads it (past a brace or quotes):
a unit only right after the number."""
_LENGTH_EM = {"em": 1.0, "ex": 0.431, "pt": 0.1, "pc": 1.2, "mu": 1 / 18, "px": 1 / 16,
              "in": 6.0, "cm": 6 / 2.54, "mm": 6 / 25.4}
"""length2em's units in em (96px an inch, 16px an em)."""
_DEFAULT_EM = {"padding": 0.2, "thickness": 0.067}
"""What length2em multiplies a number by when no unit it knows follows (``5000``,
``1000sp``, ``150 pt``), and a percentage of: \\enclose's own padding and thickness."""


def _enclose_options(found: list[str], i: int, clamped: list[str]) -> tuple[list[str], int]:
    """An ``\\enclose``'s ``[…]`` attributes from token ``i``, a padding or line thickness
    past ``MAX_EM`` written as ``MAX_EM`` em (read with MathJax's own units and
    defaults), white space before them skipped, and where they end."""
    start = skip_space(found, i)
    if found[start:start + 1] != ["["]:
        return [], i
    end = start
    while end < len(found) and found[end] != "]":
        end += 1

    def clamp(match: re.Match[str]) -> str:
        size = _VALUE.match(match.group(3))
        if size is None:
            return match.group()
        number, unit = float(size.group(1)), size.group(2) or ""
        default = _DEFAULT_EM[match.group(2)]
        em = number * _LENGTH_EM[unit] if unit in _LENGTH_EM \
            else number / 100 * default if unit == "%" else number * default
        if em <= MAX_EM:
            return match.group()
        clamped.append("\\enclose")
        return f"{match.group(1)}{MAX_EM}em"

    return [_ENCLOSE_SIZE.sub(clamp, "".join(found[i:end]))], end
