"""Obsidian's picture embeds, ``![[figure.png]]``, as Markdown images.

Obsidian (and Logseq, Foam, Typora's wiki mode) write a picture as ``![[name.png]]``,
``![[name.png|300]]`` (a width) or ``![[name.png|caption]]``, and find ``name.png`` by its
name anywhere in the vault.  CommonMark reads the same characters as text, so the picture
would be lost from the card without a word.

The image this rule makes keeps the reference as written, ``[[name.png]]``, as its
``src``: the picture resolver (``builder.render.images``) looks such a name up in the
source tree the way Obsidian does, and a diagnostic about it quotes what the author wrote.
Embeds of anything but a picture (``![[Other note]]``, ``![[paper.pdf]]``) stay text, as
do links (``[[Other note]]``): the card shows them as written, nothing is lost, and
``[[1, 2]]`` in prose is as often a nested list as a link.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the picture resolver reads ``wiki_target`` without loading a parser
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline

PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
OPEN, CLOSE = "![[", "]]"
_EMBED = re.compile(r"!\[\[([^\[\]\n]*)\]\]")
"""An embed as far as its closing brackets: a picture's name has no bracket or line end."""
_SIZE = re.compile(r"(\d{1,4})(?:x\d{1,4})?")
"""Obsidian's size after the bar: a width in pixels, or width x height (up to 9999)."""


def wiki_embeds_plugin(md: MarkdownIt) -> None:
    """Read ``![[picture]]`` as an image whose ``src`` is ``[[picture]]``."""
    md.inline.ruler.before("image", "wiki_embed", _wiki_embed)


def wiki_target(src: str) -> str | None:
    """The vault path of an embed's ``src`` (``[[imgs/a.png]]`` → ``imgs/a.png``), or None
    for an ordinary image path."""
    if src.startswith("[[") and src.endswith(CLOSE) and len(src) > 4:
        return src[2:-2]
    return None


def _wiki_embed(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if not src.startswith(OPEN, start):
        return False
    # Up to the first bracket or line end only: a search to the line's end from each
    # ``![[`` of ``![[![[…`` took minutes on a 1 MB line.
    found = _EMBED.match(src, start, state.posMax)
    if found is None:
        return False
    inner, end = found.group(1), found.end() - len(CLOSE)
    # (In a table cell Obsidian escapes the width's bar, ``![[a.png\|300]]``: markdown-it's
    # table rule has taken the backslash out before this rule sees the cell.)
    target, _, label = inner.partition("|")
    # A heading or block reference (``#…``, ``^…``) is not a picture; a picture's name has
    # no line break or bracket in it.
    target = target.strip()
    if not target.lower().endswith(PICTURE_SUFFIXES) or any(c in inner for c in "\n[]#^"):
        return False
    if src.startswith("(", end + len(CLOSE)):  # ``![[alt]](url)``: a Markdown image
        return False
    if not silent:
        token = state.push("image", "img", 0)
        token.attrs = {"src": f"[[{target}]]", "alt": ""}
        # ``|300`` and ``|300x200`` are a width (and height), not words to show; with no
        # words, Obsidian shows the picture's file name as its alt text.
        shown = label.strip()
        size = _SIZE.fullmatch(shown)
        if size is not None and int(size.group(1)) > 0:
            token.attrs["width"] = str(int(size.group(1)))  # the height follows the width
        if not shown or shown.replace("x", "").isdigit():
            shown = target.rsplit("/", 1)[-1]
        token.content = shown
        token.children = []
    state.pos = end + len(CLOSE)
    return True
