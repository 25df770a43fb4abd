"""TeX macros a notes file defines, as bench/corpus.py measures them (independently of
the builder, and more simply: argument-free macros only).

MathJax, Typora and Jupyter keep the macros one formula defines
(``$$\\newcommand{\\R}{\\mathbb{R}}$$``) for every formula after it; a build that draws
``$\\R^n$`` as ``\\mathbb{R}^n`` shows that TeX on its formula image.  So each source
formula is also matched in its expanded form, a block's text is also looked for with
the macros expanded, and a formula (or block) that only defines macros has nothing to
show.
"""

from __future__ import annotations

import re

_DEFINER = re.compile(
    r"\\(?:(?:re|provide|new)command\*?\s*(?:\{\s*(\\[A-Za-z]+)\s*\}|(\\[A-Za-z]+))"
    r"|g?def\s*(\\[A-Za-z]+)|DeclareMathOperator(\*?)\s*\{\s*(\\[A-Za-z]+)\s*\})\s*")
PASSES = 4


def _group(tex: str, start: int) -> int | None:
    """The end (exclusive) of the brace group at ``start``, or None."""
    if start >= len(tex) or tex[start] != "{":
        return None
    depth = 0
    for i in range(start, len(tex)):
        depth += {"{": 1, "}": -1}.get(tex[i], 0)
        if depth == 0:
            return i + 1
    return None


class Macros:
    """Argument-free macros defined so far in one file."""

    def __init__(self) -> None:
        self.bodies: dict[str, str] = {}

    def read(self, tex: str) -> str:
        """``tex`` without the definitions it makes (recording them)."""
        out, at = [], 0
        for found in _DEFINER.finditer(tex):
            if found.start() < at:
                continue
            body_start = found.end()
            if found[5]:  # \DeclareMathOperator{\x}{text}
                end = _group(tex, body_start)
                if end is None:
                    continue
                star = "*" if found[4] else ""
                self.bodies[found[5]] = f"\\operatorname{star}{{{tex[body_start + 1:end - 1]}}}"
            else:
                end = _group(tex, body_start)
                if end is None:
                    continue  # parameters ([1], #1): not measured
                self.bodies[found[1] or found[2] or found[3]] = tex[body_start + 1:end - 1]
            out.append(tex[at:found.start()])
            at = end
        out.append(tex[at:])
        return "".join(out)

    def expand(self, text: str) -> str:
        if not self.bodies:
            return text
        longest_first = sorted(self.bodies, key=len, reverse=True)
        names = re.compile("(?:" + "|".join(map(re.escape, longest_first)) + r")(?![A-Za-z])")
        for _ in range(PASSES):
            text, count = names.subn(lambda m: self.bodies[m[0]], text)
            if not count:
                break
        return text
