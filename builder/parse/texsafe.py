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
_TOKEN = "\\mmlToken"
"""``\\mmlToken{mi}[href=…, style=…]{x}``: MathJax's base package lets it set a link, a
style, a class and an id on the element it makes (its ``MmlTokenAllow``)."""
_BOX = "\\bbox"
"""``\\bbox[red,5px]{x}`` draws a box; an option with a ``:`` is a CSS style
(``position:fixed``, ``background:url(…)``), taken out with the box."""
_COLOURS = {"\\color": (1, False), "\\pagecolor": (1, False), "\\textcolor": (1, True),
            "\\colorbox": (1, True), "\\fcolorbox": (2, True), "\\definecolor": (3, False)}
"""Colour commands: how many arguments follow the ``[model]`` (the last colour ones) and
whether the math they colour follows those.  MathJax writes a colour into a CSS style as
it is (``\\color{red;position:fixed}``): one with more than a colour's characters is
taken out with its command, the math it colours kept."""
_COLOUR = re.compile(r"[\w#!.,+\s-]*")
"""What a colour is written with: names, ``#f00``, ``red!50``, ``1,0,0``, ``0.5``."""
UNSAFE_COMMANDS = frozenset({*_WRAPPERS, *_DROPPED, *_SHOWN_AS_TEXT, _TOKEN, _BOX, *_COLOURS})
_MAYBE_UNSAFE = frozenset({_BOX, *_COLOURS})
"""Unsafe only with what they are given: in TeX that cannot be read (unbalanced braces,
an argument missing), which MathJax shows as an error and styles nothing, kept."""


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
        elif node in (_TOKEN, _BOX, *_COLOURS) and (styled := _styled(node, nodes, i)):
            removed.append(node)
            i, shows = styled
            if shows:
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


def _styled(command: str, nodes: list[Node], i: int) -> tuple[int, bool] | None:
    """For ``\\mmlToken``, a styled ``\\bbox`` or a colour that is no colour, whose
    arguments start at ``i``: where the math it shows begins (past its attributes) and
    whether it shows any; None for a box or colour that sets no more than its colour."""
    if command == _TOKEN:
        _kind, i = argument(nodes, i)
        return optional(nodes, i)[1], True
    options, i = optional(nodes, i)
    if command == _BOX:
        return (i, True) if options is not None and ":" in tex_of(options) else None
    count, shows = _COLOURS[command]
    written = []
    for _ in range(count):
        colour, i = argument(nodes, i)
        written.append(tex_of(colour))
    return None if _COLOUR.fullmatch(written[-1]) and (
        count != 2 or _COLOUR.fullmatch(written[0])) else (i, shows)


def _strip_names(tex: str) -> tuple[str, list[str]]:
    """Unbalanced TeX: drop just the command names (their arguments stay as plain groups)."""
    kept: list[str] = []
    removed: list[str] = []
    for token in tokens(tex):
        if token in UNSAFE_COMMANDS and token not in _MAYBE_UNSAFE:
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


_WRAPPED = {"\\(": "\\)", "\\[": "\\]"}


def delimiters_unwrapped(tex: str) -> str:
    """``tex``, stripped, without a second pair of math delimiters around all of it: notes
    pasted from a chat answer write ``$\\( \\alpha \\)$`` (the chat's ``\\(…\\)`` kept,
    dollars added), which no engine draws and MathJax shows as an error.  A formula that
    only starts with ``\\(`` (``\\(a\\) + \\(b\\)``, two pairs) stays as written."""
    core = tex.strip()
    closer = _WRAPPED.get(core[:2])
    if closer is None or not core.endswith(closer) or len(core) <= 4:
        return core
    inner = core[2:-2]
    return core if core[:2] in inner or closer in inner else inner.strip()
