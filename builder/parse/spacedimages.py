"""Pictures whose path has a space in it: ``![](img/ch8/Mask R-CNN-01.png)``.

Typora writes a picture's path as it is on disk, spaces and all, and shows the picture:
``![](img/lsgan loss compare.png)``, or, pasted on a Mac,
``![x](/Users/me/Library/Application Support/typora-user-images/x.png)``.  CommonMark
ends a link destination at its first space, so markdown-it reads the whole image as
text and the card would show its Markdown instead of the picture.

This rule runs where markdown-it's own image rule gave up, and takes the text up to the
image's closing parenthesis (on the same line) as the path when it ends like a picture's
file name; a quoted title after it (``"caption"``) stays a title.  Anything else stays as
markdown-it read it.  The picture resolver then finds the file, or reports it missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markdown_it.common.utils import unescapeAll

from builder.parse.wikiembeds import PICTURE_SUFFIXES

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

_LONGEST_PATH = 1000
"""Characters looked through for the closing parenthesis: a path is never this long, and
the bound keeps a line of many unclosed ``![a](`` linear to read."""
_BMP = (".bmp",)


def spaced_images_plugin(md: MarkdownIt) -> None:
    """Read ``![alt](a path with spaces.png)`` as an image."""
    md.inline.ruler.after("image", "spaced_image", _spaced_image)


def _spaced_image(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if not src.startswith("![", start):
        return False
    label_end = state.md.helpers.parseLinkLabel(state, start + 1, False)
    if label_end < 0 or not src.startswith("(", label_end + 1):
        return False
    close = _closing_parenthesis(src, label_end + 2, state.posMax)
    if close is None:
        return False
    path, title = _path_and_title(src[label_end + 2:close].strip())
    if " " not in path or path.startswith("<") \
            or not path.lower().endswith(PICTURE_SUFFIXES + _BMP):
        return False
    if not silent:
        label = src[start + 2:label_end]
        children: list[Token] = []
        state.md.inline.parse(label, state.md, state.env, children)
        token = state.push("image", "img", 0)
        # Backslash escapes (``\(1\)``, ``\_``) are undone, as in any link's destination.
        token.attrs = {"src": state.md.normalizeLink(unescapeAll(path)), "alt": ""}
        token.children = children or None
        token.content = label
        if title:
            token.attrSet("title", unescapeAll(title))
    state.pos = close + 1
    return True


def _closing_parenthesis(src: str, pos: int, limit: int) -> int | None:
    """Where the ``(`` before ``pos`` closes, on its line; parentheses inside nest."""
    depth = 0
    end = min(limit, pos + _LONGEST_PATH)
    if src.find(")", pos, end) < 0:
        # Nothing can close here: a line of many unclosed ``![a](x y`` costs a search
        # each, not a character-by-character walk each.
        return None
    while pos < end:
        char = src[pos]
        if char == "\n":
            return None
        if char == "\\":
            pos += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return pos
            depth -= 1
        pos += 1
    return None


def _path_and_title(inside: str) -> tuple[str, str]:
    """``a b.png "caption"`` → (``a b.png``, ``caption``)."""
    for quote in ('"', "'"):
        if inside.endswith(quote) and len(inside) > 1:
            opening = inside.rfind(f" {quote}", 0, len(inside) - 1)
            if opening > 0:
                return inside[:opening].rstrip(), inside[opening + 2:-1]
    return inside, ""
