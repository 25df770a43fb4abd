"""Bounds on how deeply notes may nest, so hostile input gets a diagnostic, not a crash.

Everything downstream of the parser walks the tree recursively (markdown-it's
``SyntaxTreeNode``, the card and PDF renderers, pickling for the parse cache), so
depth must be bounded where the tree is made.  markdown-it's ``maxNesting`` bounds
blocks, links and HTML, but emphasis is paired after inline parsing and escapes it:
``*a *a *a …`` 250 deep overflowed Python's stack.  YAML's depth is bounded where it
is loaded (``builder.yamlload``).
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

MAX_INLINE_DEPTH = 16
"""Emphasis deeper than this stays literal text (real notes nest two or three)."""
_PAIRED_AFTER = ("em_open", "strong_open", "s_open")
CUT_META = "nesting_cut"
"""Set in an inline token's ``meta`` when some of its emphasis was kept as text."""


def bound_inline_nesting(md: MarkdownIt) -> None:
    """Register the core rule that keeps emphasis nested too deeply as literal text."""
    md.core.ruler.push("bound_inline_nesting", _bound_inline_nesting)


def _bound_inline_nesting(state: StateCore) -> None:
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        depth = 0
        cut: set[int] = set()  # levels whose opening token became text
        for child in token.children:
            if child.nesting == 1:
                depth += 1
                if depth > MAX_INLINE_DEPTH and child.type in _PAIRED_AFTER:
                    cut.add(depth)
                    _as_text(child)
            elif child.nesting == -1:
                if depth in cut:
                    cut.discard(depth)
                    _as_text(child)
                    token.meta[CUT_META] = True
                depth -= 1


def _as_text(token: Any) -> None:
    token.type, token.tag, token.nesting, token.content = "text", "", 0, token.markup
