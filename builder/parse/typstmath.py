"""Formulas written in typst's math syntax inside ``$…$``, found so the author is told.

Notes kept in typst-aware editors (or by authors who know typst) hold formulas such as
``$Q_i^-> = W_Q dot E_i^->$`` and ``$W_(v, "up")$``.  Read as TeX they come out garbled
(``dot`` in italics, a stray ``>``) or not at all, and the renderers' own complaints
(``Expected end of text, found '$'``) say nothing useful.  Formulas here are TeX, so
each sign of typst is named with what TeX writes instead.

Only signs TeX authors do not write are taken: typst's names for symbols as bare words
(``dot``, ``times``, ``Delta``: in TeX each needs its backslash), quoted text,
``_(…, …)`` groups, and ``^->`` or ``==>``.  Words inside ``\\text{…}`` and the like are
prose, not signs.
"""

from __future__ import annotations

import re

from builder.parse.mathsyntax import outside_text_commands

_GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
          "kappa", "lambda", "mu", "pi", "rho", "sigma", "tau", "upsilon", "phi",
          "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Pi", "Sigma",
          "Upsilon", "Phi", "Psi", "Omega")
# Not ``xi`` or ``nu``: ``W_{xi}``, ``P(Xi)`` are two letters in real TeX notes.
_NAMES = {
    **{name: f"\\{name}" for name in _GREEK},
    "dot": "\\cdot", "times": "\\times", "div": "\\div", "arrow": "\\rightarrow",
    "approx": "\\approx", "infinity": "\\infty", "integral": "\\int", "partial": "\\partial",
    "nabla": "\\nabla", "dots": "\\dots",
}
"""typst's symbol names a formula may hold as bare words → the TeX for the symbol."""
_NAME = re.compile(r"(?<![\\A-Za-z])(" + "|".join(sorted(_NAMES, key=len, reverse=True))
                   + r")(?![A-Za-z])((?:\.[a-z]+)*)")  # with typst's variants: arrow.r.double
_ARROWS = {"^->": "\\vec{…}", "_->": "\\vec{…}", "==>": "\\Longrightarrow",
           "<==": "\\Longleftarrow"}
# Each written so that the first of the characters it needs ends the run before it: a
# formula of one ``"`` and 20,000 letters, or ``_(`` and 40,000 commas, took seconds to
# fail to match (the regex tried every split of the run), a 1 MB one minutes.
_QUOTED = re.compile(r'"[^"\nA-Za-z\u00c0-\uffff]*[A-Za-z\u00c0-\uffff][^"\n]*"')
_SCRIPT_GROUP = re.compile(r"[_^]\([^(),\"]*[,\"][^()]*\)")
_MAX_SIGNS = 3


def typst_signs(tex: str) -> list[tuple[str, str]]:
    """The typst written in a formula, each as (what is written, what TeX writes), at
    most three; empty for a formula that reads as TeX."""
    if not _NAME.search(tex) and '"' not in tex and not any(a in tex for a in _ARROWS) \
            and "_(" not in tex and "^(" not in tex:
        return []  # most formulas: nothing that could be typst
    math = outside_text_commands(tex)
    signs: list[tuple[str, str]] = []
    for arrow, instead in _ARROWS.items():
        if arrow in math:
            signs.append((arrow, instead))
    for match in _SCRIPT_GROUP.finditer(math):
        signs.append((match.group(), f"{match.group()[0]}{{…}}"))
    for match in _QUOTED.finditer(math):
        signs.append((match.group(), f"\\text{{{match.group()[1:-1]}}}"))
    for match in _NAME.finditer(math):
        signs.append((match.group(), _NAMES[match.group(1)]))
    return list(dict.fromkeys(signs))[:_MAX_SIGNS]


def typst_message(tex: str, signs: list[tuple[str, str]]) -> str:
    """The warning for a formula with typst in it."""
    named = ", ".join(f"`{written}` (TeX: `{instead}`)" for written, instead in signs)
    shown = tex if len(tex) <= 60 else tex[:57] + "…"
    return (f"formula ${shown}$ reads as typst math, not TeX: {named}; formulas are drawn "
            "as TeX, so this one comes out garbled or not at all: write it in TeX")
