"""Tables of contents an author wrote by hand, found among a file's top-level blocks.

A ``[TOC]`` marker (the editor draws it), a list of links under a heading or line that
names a TOC ("目录", "Contents"), or a list of links to the file's own headings at its
top.  They are never a card (``builder.parse.document``) and ``toc --check`` compares them with the
headings (``builder.checks.toc``).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import unquote

from markdown_it.tree import SyntaxTreeNode

from builder.parse.bold import plain
from builder.parse.phrases import is_toc_marker, is_toc_title

_TOC_TITLE_MAX = 40
"""Longest line (characters) read as a TOC title or marker."""


def toc_blocks(nodes: Sequence[SyntaxTreeNode], anchors: set[str],
               *, past_the_file: bool = False) -> set[int]:
    """Return the first lines (0-based) of the blocks that are a table of contents.

    A ``[TOC]`` marker; a heading or line naming one ("目录", "Contents") with the
    list of links after it; a list of links to the file's own headings.  With
    ``past_the_file``, a list under a TOC title may also link past the file, as long as
    most of its links point into it (``[7. 代码实现](demo.ipynb)`` closing a "目录"): such
    a list is no card, but ``toc`` leaves it alone, so as not to drop those links.
    """
    found: set[int] = set()
    headings = 0
    for index, node in enumerate(nodes):
        start = node.map[0] if node.map else -1
        headings += node.type == "heading"
        if node.type == "paragraph" and node.children \
                and len(node.children[0].content) <= _TOC_TITLE_MAX \
                and is_toc_marker(plain(node.children[0].children)):
            found.add(start)
        elif node.type in ("bullet_list", "ordered_list"):
            titled = index > 0 and _names_toc(nodes[index - 1])
            # Only at the top (before or under the title, or its own "## 目录" there) may
            # a list be taken on its title or on its look: further down, a "目录" list is
            # as likely part of an answer, and is a TOC only when most of its links reach
            # the file's own headings.
            top = headings - (titled and nodes[index - 1].type == "heading") <= 1
            if (titled or top) and is_link_list(
                    node, anchors, titled and top, past_the_file=past_the_file and top):
                found.add(start)
                before = nodes[index - 1].map if titled else None
                if before:
                    found.add(before[0])
    return found


def _names_toc(node: SyntaxTreeNode) -> bool:
    if node.type not in ("heading", "paragraph") or not node.children \
            or len(node.children[0].content) > _TOC_TITLE_MAX:
        return False
    return is_toc_title(plain(node.children[0].children))


def is_link_list(node: SyntaxTreeNode, anchors: set[str], titled: bool,
                 *, past_the_file: bool = False) -> bool:
    """True for a list whose items are links within the file (most to its own headings)."""
    targets = list(_link_targets(node))
    if not targets or None in targets:
        return False
    inside = [t for t in targets if t is not None and t.startswith("#")]
    if titled and past_the_file:
        return len(inside) * 2 > len(targets)
    if len(inside) < len(targets) or (not titled and len(targets) < 2):
        return False
    own = sum(unquote(t[1:]) in anchors for t in inside if t)
    return titled or own * 2 >= len(inside)


def _link_targets(node: SyntaxTreeNode) -> list[str | None]:
    """One entry per list item: the href of its one link, None if the item is not a link."""
    targets: list[str | None] = []
    for item in node.children:
        position = len(targets)
        href: str | None = None
        for child in item.children:
            if child.type in ("bullet_list", "ordered_list"):
                targets += _link_targets(child)
            elif child.type == "paragraph" and child.children:
                links = [c for c in child.children[0].children if c.type == "link"]
                rest = plain([c for c in child.children[0].children if c.type != "link"])
                if len(links) == 1 and not rest.strip(" \t-–—·.0123456789"):
                    href = str(links[0].attrs.get("href", ""))
        targets.insert(position, href)
    return targets
