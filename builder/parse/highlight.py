"""``==highlighted==`` text (Typora, Obsidian, markdown-it-mark) as ``mark`` tokens.

CommonMark has no highlight, so ``==重点==`` showed with its equals signs.  This is
markdown-it's own strikethrough rule with ``=`` for ``~`` (as the markdown-it-mark plugin
is): a run of two ``=`` opens or closes by the same flanking rules as emphasis, so
``a == b`` and ``x ==`` stay text, and a lone ``==`` with no partner too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markdown_it.rules_inline.state_inline import Delimiter

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline

MARKER = "="


def highlight_plugin(md: MarkdownIt) -> None:
    """Read ``==text==`` as ``mark_open`` … ``mark_close``."""
    md.inline.ruler.before("emphasis", "mark", _tokenize)
    md.inline.ruler2.before("emphasis", "mark", _post_process)


def _tokenize(state: StateInline, silent: bool) -> bool:
    """Push each ``==`` of a run as a text token and a delimiter (an odd one as text)."""
    if silent or state.src[state.pos] != MARKER:
        return False
    scanned = state.scanDelims(state.pos, True)
    length = scanned.length
    if length < 2:
        return False
    if length % 2:
        state.push("text", "", 0).content = MARKER
        length -= 1
    for _ in range(length // 2):
        state.push("text", "", 0).content = MARKER * 2
        state.delimiters.append(Delimiter(
            marker=ord(MARKER), length=0, token=len(state.tokens) - 1, end=-1,
            open=scanned.can_open, close=scanned.can_close))
    state.pos += scanned.length
    return True


def _post_process(state: StateInline) -> None:
    _pair(state, state.delimiters)
    for meta in state.tokens_meta:
        if meta and "delimiters" in meta:
            _pair(state, meta["delimiters"])


def _pair(state: StateInline, delimiters: list[Delimiter]) -> None:
    """Turn each paired ``==`` … ``==`` into ``mark_open`` … ``mark_close``."""
    lone = []
    for opener in delimiters:
        if opener.marker != ord(MARKER) or opener.end == -1:
            continue
        closer = delimiters[opener.end]
        for index, kind in ((opener.token, "mark_open"), (closer.token, "mark_close")):
            token = state.tokens[index]
            token.type, token.tag, token.markup, token.content = kind, "mark", MARKER * 2, ""
            token.nesting = 1 if kind == "mark_open" else -1
        before = state.tokens[closer.token - 1]
        if before.type == "text" and before.content == MARKER:
            lone.append(closer.token - 1)
    # An odd run (``===``) left one ``=`` before its pair: it moves after the closing tags.
    while lone:
        index = lone.pop()
        last = index + 1
        while last < len(state.tokens) and state.tokens[last].type == "mark_close":
            last += 1
        last -= 1
        if index != last:
            state.tokens[index], state.tokens[last] = state.tokens[last], state.tokens[index]
