"""The TeX commands tex2typst drops, mangles or ungroups, and how typst writes each.

Tables only: ``builder.render.texmath`` walks the TeX and uses them to rewrite those commands.
"""

from __future__ import annotations

import re

from builder.render.texenvs import BRACED_ROWS

# Where a style or colour switch stops: the end of its group, cell, row or \left…\right.
STOPPERS = frozenset({"&", "\\\\", "\\cr", "\\end", "\\right", "\\middle"})
# Text-mode arguments are copied as they are, as the \text tex2typst knows, in the
# math alphabet that gives the same face.
TEXT_COMMANDS = {
    "\\text": "", "\\mbox": "", "\\hbox": "", "\\textrm": "", "\\textnormal": "",
    "\\textup": "", "\\textbf": "\\mathbf", "\\textit": "\\mathit", "\\emph": "\\mathit",
    "\\texttt": "\\mathtt", "\\textsf": "\\mathsf",
}
ENV_RENAMES = {"equation": "aligned", "equation*": "aligned", "split": "aligned",
               "dcases": "cases", "smallmatrix": "matrix", "gather": "aligned",
               "gather*": "aligned", "gathered": "aligned", "eqnarray": "aligned",
               "eqnarray*": "aligned", "multline": "aligned", "multline*": "aligned",
               BRACED_ROWS: "cases"}
CASES_ENVS = frozenset({"cases", "dcases"})
# Bare bars are ordinary symbols in TeX; typst would space them as fences.
BARS = {
    "|": 'class("normal", |)', "\\vert": 'class("normal", |)',
    "\\|": 'class("normal", bar.v.double)', "\\Vert": 'class("normal", bar.v.double)',
    "\\lvert": 'class("opening", |)', "\\rvert": 'class("closing", |)',
    "\\lVert": 'class("opening", bar.v.double)', "\\rVert": 'class("closing", bar.v.double)',
}
# After \left / \right tex2typst only knows the plain spellings.
LEFT_RIGHT = {"\\lvert": "|", "\\rvert": "|", "\\vert": "|",
              "\\lVert": "\\|", "\\rVert": "\\|", "\\Vert": "\\|"}
DELIMITERS = {
    "(": "\\(", ")": "\\)", "[": "\\[", "]": "\\]", "\\{": "\\{", "\\}": "\\}",
    "\\lbrace": "\\{", "\\rbrace": "\\}", "\\lbrack": "\\[", "\\rbrack": "\\]",
    "|": "|", "\\vert": "|", "\\lvert": "|", "\\rvert": "|", "\\mid": "|",
    "\\|": "bar.v.double", "\\Vert": "bar.v.double", "\\lVert": "bar.v.double",
    "\\rVert": "bar.v.double", "\\langle": "chevron.l", "\\rangle": "chevron.r",
    "\\lfloor": "floor.l", "\\rfloor": "floor.r", "\\lceil": "ceil.l", "\\rceil": "ceil.r",
    "/": "\\/", "\\backslash": "backslash", "\\uparrow": "arrow.t", "\\downarrow": "arrow.b",
}
# \big and friends: MathJax's delimiter heights, and the class the suffix gives.
BIG_SIZES = {"big": "1.2em", "Big": "1.623em", "bigg": "2.047em", "Bigg": "2.471em"}
BIG_CLASSES = {"": "normal", "l": "opening", "r": "closing", "m": "relation"}
BIG = re.compile(r"\\(big|Big|bigg|Bigg)([lrm]?)")
STYLES = {"\\displaystyle": "display", "\\textstyle": "inline",
          "\\scriptstyle": "script", "\\scriptscriptstyle": "sscript"}
XARROWS = {
    "\\xrightarrow": "arrow.r.long", "\\xleftarrow": "arrow.l.long",
    "\\xRightarrow": "arrow.r.double.long", "\\xLeftarrow": "arrow.l.double.long",
    "\\xleftrightarrow": "arrow.l.r.long", "\\xLeftrightarrow": "arrow.l.r.double.long",
    "\\xmapsto": "arrow.r.long.bar",
}
FRACTIONS = {"\\dfrac": "display(frac(%s, %s))", "\\tfrac": "inline(frac(%s, %s))",
             "\\cfrac": "display(frac(%s, %s))", "\\dbinom": "display(binom(%s, %s))",
             "\\tbinom": "inline(binom(%s, %s))"}
ONE_ARG = {
    "\\check": "caron(%s)", "\\breve": "breve(%s)", "\\acute": "acute(%s)",
    "\\grave": "grave(%s)", "\\mathring": "circle(%s)",
    "\\overleftrightarrow": "accent(%s, arrow.l.r)",
    "\\bcancel": "cancel(%s, inverted: #true)", "\\xcancel": "cancel(%s, cross: #true)",
    "\\phantom": "#hide[$%s$]",
    # amsmath's \boxed sets its argument in display style.
    "\\boxed": "#box(stroke: 0.4pt, inset: 3pt, $display(%s)$)",
}
INFIX = {"\\over": "\\frac{%s}{%s}", "\\choose": "\\binom{%s}{%s}"}
# Sizes (MathJax and KaTeX accept them in math) and array rules typst has no form for.
DROPPED = frozenset({"\\nonumber", "\\notag", "\\hline", "\\hdashline", "\\tiny",
                     "\\scriptsize", "\\footnotesize", "\\small", "\\normalsize",
                     "\\large", "\\Large", "\\LARGE", "\\huge", "\\Huge"})
# CSS colour names (MathJax hands \color names to the browser), as typst colours.
COLOURS = {
    "black": "#000000", "white": "#ffffff", "red": "#ff0000", "green": "#008000",
    "blue": "#0000ff", "yellow": "#ffff00", "cyan": "#00ffff", "magenta": "#ff00ff",
    "orange": "#ffa500", "purple": "#800080", "brown": "#a52a2a", "pink": "#ffc0cb",
    "gray": "#808080", "grey": "#808080", "teal": "#008080", "olive": "#808000",
    "navy": "#000080", "maroon": "#800000", "lime": "#00ff00", "silver": "#c0c0c0",
    "aqua": "#00ffff", "fuchsia": "#ff00ff", "violet": "#ee82ee", "darkgreen": "#006400",
}
HEX_COLOUR = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
PLAIN_OPERATOR = re.compile(r"[A-Za-z0-9 '*.-]+")
# TeX's \_ (an underscore glyph) and \* (a discretionary times) are never what notes
# mean: authors escape _ and * so that Markdown renderers without math leave them alone.
MARKDOWN_ESCAPES = {"\\_": "_", "\\*": "*"}
