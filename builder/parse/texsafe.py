"""Taking out the TeX commands that make Anki's MathJax a web page.

A formula kept as MathJax (``--math mathjax``, or one no engine could draw) is
typeset by MathJax inside Anki's web view. There ``\\href{javascript:…}{x}`` is a
clickable script link, ``\\style``/``\\class``/``\\cssId``/``\\html…`` put CSS and
attributes on the page, ``\\unicode`` reaches arbitrary fonts and ``\\require``
loads extensions. Each is replaced by the text it shows (or by nothing), so the
formula still reads the same, and the caller warns.
"""

from __future__ import annotations

import html
import re

from builder.parse.texsyntax import Group, Node, argument, optional, parse_tex, tex_of, tokens

# Command → how many leading arguments are dropped; the argument after them is kept.
_WRAPPERS = {"\\href": 1, "\\class": 1, "\\cssId": 1, "\\style": 1, "\\htmlClass": 1,
             "\\htmlStyle": 1, "\\htmlId": 1, "\\htmlData": 1}
_DROPPED = {"\\unicode": 1, "\\require": 1}
_SHOWN_AS_TEXT = frozenset({"\\url"})
UNSAFE_COMMANDS = frozenset({*_WRAPPERS, *_DROPPED, *_SHOWN_AS_TEXT})


def strip_unsafe(tex: str) -> tuple[str, list[str]]:
    """``tex`` without the commands MathJax would turn into links, styles or markup.

    Returns the cleaned TeX and the commands taken out (empty when none were there).
    """
    if not any(name in tex for name in UNSAFE_COMMANDS):
        # Nothing to take out, and parsing gives back the same text (the tokens cover
        # every character): most formulas need no parse at all.
        return tex, []
    try:
        nodes = parse_tex(tex)
    except ValueError:
        return _strip_names(tex)
    removed: list[str] = []
    try:
        cleaned = tex_of(_clean(nodes, removed))
    except ValueError:  # a command without its arguments
        return _strip_names(tex)
    return cleaned, removed


def _clean(nodes: list[Node], removed: list[str]) -> list[Node]:
    out: list[Node] = []
    i = 0
    while i < len(nodes):
        node = nodes[i]
        i += 1
        if isinstance(node, Group):
            out.append(Group(_clean(node.items, removed)))
        elif node in _WRAPPERS or node in _DROPPED:
            removed.append(node)
            _opt, i = optional(nodes, i)
            for _ in range(_WRAPPERS.get(node, _DROPPED.get(node, 0))):
                _arg, i = argument(nodes, i)
            if node in _WRAPPERS:
                shown, i = argument(nodes, i)
                out.append(Group(_clean(shown, removed)))
        elif node in _SHOWN_AS_TEXT:
            removed.append(node)
            shown, i = argument(nodes, i)
            text = "".join(ch for ch in tex_of(shown) if ch.isalnum() or ch in ":/.-")
            out.append("\\text")
            out.append(Group([text]))
        else:
            out.append(node)
    return out


def _strip_names(tex: str) -> tuple[str, list[str]]:
    """Unbalanced TeX: drop just the command names (their arguments stay as plain groups)."""
    kept: list[str] = []
    removed: list[str] = []
    for token in tokens(tex):
        if token in UNSAFE_COMMANDS:
            removed.append(token)
        else:
            kept.append(token)
    return "".join(kept), removed


_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
"""An HTML character reference, closed by its ``;`` as CommonMark requires (TeX's own
``&`` aligns columns: ``x &= 1`` is none)."""


def references_decoded(tex: str) -> str:
    """``tex`` with its HTML character references (``&#39;``, ``&amp;``, ``&lt;``) as the
    characters they stand for: notes exported from HTML (a glossary's ``\\[Q(s&#39;,a)\\]``)
    write them inside formulas, which MathJax in a browser reads decoded and TeX engines
    do not.  A name that is no reference stays as written."""
    if "&" not in tex:
        return tex
    return _REFERENCE.sub(lambda found: html.unescape(found[0]), tex)
