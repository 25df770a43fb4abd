"""CSDN's "picture copy failed" text, read as the picture it names.

When CSDN's editor cannot copy a pasted article's picture to its own server, it writes
text in its place::

    [外链图片转存失败,源站可能有防盗链机制,建议将图片保存下来直接上传(img-a97QOy1q-1571620135213)(https://s2.ax1x.com/2019/10/18/Kel2hd.png)]

(often with a ``!`` before it): the first parentheses hold CSDN's id, the second the
picture's own address, remote or the author's local path.  Notes copied from CSDN keep
it, and the card showed a line of CSDN's error instead of the picture.  When the copy
succeeded later, the same text is the alt of the re-uploaded picture
(``![\\[外链图片转存失败,…(img-…)(D:\\Note\\a.png)\\]](https://img-blog.csdnimg.cn/….png)``):
an alt nobody wrote.

``failed_copy_nodes`` reads the text in an inline text the tokens already isolated;
``is_failed_copy`` tells such an alt.  Either is a ``csdn-picture`` note, said once per
file (``builder.parse.foldednotes``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from builder.model import Diagnostic, Node, SourceLoc, walk_all
from builder.parse.foldednotes import CSDN_PICTURE

MARK = "外链图片转存失败"
WRITTEN = "written"
"""A failed copy's picture keeps the text it was written as: builds before this one read
it as text, and a question's key and names still read it so (``as_written``)."""
_FAILED = re.compile(
    r"!?\\?\[" + MARK + r"[^\[\]()\n]*\(img-[\w-]*\)\(([^()\n]+)\)\\?\]")


def failed_copy_nodes(text: str, loc: SourceLoc) -> tuple[list[Node], list[Diagnostic]]:
    """``text`` (an inline text node's, at ``loc``) as text and pictures, each failed copy
    the picture it names with no alt; a note for each."""
    nodes: list[Node] = []
    notes: list[Diagnostic] = []
    done = 0
    for found in _FAILED.finditer(text):
        start = found.start()
        if not found.group(1).strip():
            continue  # no address: the text stays
        if start > done:
            nodes.append(Node("text", text=text[done:start], line=loc.line, col=loc.col + done))
        nodes.append(Node("image", attrs=(("src", found.group(1).strip()), ("alt", ""),
                                          (WRITTEN, found.group())),
                          line=loc.line, col=loc.col + start))
        notes.append(csdn_note(SourceLoc(loc.path, loc.line, loc.col + start)))
        done = found.end()
    if done < len(text):
        nodes.append(Node("text", text=text[done:], line=loc.line, col=loc.col + done))
    return nodes, notes


def as_written(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    """``nodes`` with each failed copy's picture the text it was written as: only what is
    shown changes, never what names a question (its key, subdeck, tag)."""
    return tuple(_written(node) for node in nodes)


def _written(node: Node) -> Node:
    if node.kind == "image":
        written = node.attr(WRITTEN)
        return Node("text", text=written, line=node.line, col=node.col) if written else node
    if not node.children:
        return node
    return replace(node, children=as_written(node.children))


def failed_copy_places(nodes: Iterable[Node], path: str) -> set[tuple[str, int, int]]:
    """Where in ``path`` the pictures read from failed copies among ``nodes`` (and their
    descendants) stand: their remote-picture warnings are said once
    (``builder.parse.foldednotes.fold_remote``)."""
    return {(path, node.line, node.col or 1) for node in walk_all(tuple(nodes))
            if node.kind == "image" and node.attr(WRITTEN)}


def is_failed_copy(alt: str) -> bool:
    """Whether a picture's alt is CSDN's failed-copy text, not a description."""
    return MARK in alt


def csdn_note(loc: SourceLoc) -> Diagnostic:
    return Diagnostic(loc, "note", CSDN_PICTURE, "csdn-picture")
