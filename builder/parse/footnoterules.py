"""markdown-it rules for footnotes, around mdit-py-plugins' (registered by
``builder.parse.markdown``, where that library lives).

* A citation ``[^x]`` is tried only where its label closes before the next bracket (the
  plugin's rule reads from each ``[^`` of ``[^[^[^…`` to the line's end: a minute for
  40 KB).  One with no definition anywhere in the file becomes a ``footnote_ref`` token
  marked ``UNDEFINED``: the parser keeps its text as written and warns at its place.
* An inline footnote ``text^[the note]`` (Pandoc, Obsidian) is the plugin's
  ``footnote_ref`` token with the note's tokens kept in markdown-it's env; here they
  become the token's ``children``, placed where the note is written, and the token is
  marked ``INLINE``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from builder.parse.footnotes import INLINE, UNDEFINED
from builder.parse.inlinenodes import POS

_CITATION = re.compile(r"\[\^([^\[\] \n]+)\]")
"""``[^label]``, its label as the footnote plugin reads it, with no bracket in it."""

InlineRule = Callable[[StateInline, bool], bool]


def footnote_rules(md: MarkdownIt, footnote_ref: InlineRule) -> None:
    """Replace the plugin's citation rule (``footnote_ref``, the plugin's function) and
    wrap its inline-footnote rule, as the module says."""

    def cited(state: StateInline, silent: bool) -> bool:
        match = _CITATION.match(state.src, state.pos, state.posMax)
        if match is None:
            return False
        start = state.pos
        if footnote_ref(state, silent):
            if not silent:  # the plugin gives the token a new meta: where it starts again
                state.tokens[-1].meta[POS] = start
            return True
        if not silent:
            token = state.push("footnote_ref", "", 0)
            token.meta.update(label=match.group(1), **{UNDEFINED: True})
        state.pos = match.end()
        return True

    md.inline.ruler.at("footnote_ref", cited)
    rule = next(r for r in md.inline.ruler.__rules__ if r.name == "footnote_inline")
    noted: InlineRule = rule.fn

    def inline_note(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if not noted(state, silent):
            return False
        if not silent:
            token = state.tokens[-1]
            note = state.env["footnotes"]["list"].get(token.meta.get("id"), {})
            children: list[Token] = note.get("tokens", [])
            for child in children:  # placed in the note's text: moved to the holder's
                for key in (POS, "offset"):
                    if isinstance(child.meta.get(key), int):
                        child.meta[key] += start + 2
            token.children = children
            token.meta[INLINE] = True
            token.meta[POS] = start
        return True

    md.inline.ruler.at("footnote_inline", inline_note)
