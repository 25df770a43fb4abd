"""The box a GFM task item (``- [ ] x``, ``- [x] x``) is drawn with, on the card and on
the sheet alike: a ballot box character leading its first paragraph, which every font
the sheet uses and every Anki client draws, where an ``<input>`` would be taken out by
the card's sanitiser and mean nothing on paper."""

from __future__ import annotations

from builder.model import Node
from builder.parse.tasklists import TASK

BOXES = {"todo": "\u2610", "done": "\u2612"}
"""☐ for a task to do, ☒ for one done: the ``[ ]`` and ``[x]`` as written, and one pair
from one font on the sheet (☑ is in Noto Sans Symbols only, twice the size of the CJK
font's ☐ beside it: measured on a page)."""


def boxed(item: Node) -> Node:
    """``item`` with its box leading its first paragraph (the item itself if it is no task
    item); an item that opens with another block gets a paragraph of its own for it."""
    box = BOXES.get(item.attr(TASK))
    if box is None:
        return item
    mark = Node("text", text=f"{box} ", line=item.line, col=item.col)
    first, *rest = item.children or (Node("paragraph", line=item.line, col=item.col),)
    if first.kind == "paragraph":
        first = Node("paragraph", (mark, *first.children), text=first.text, attrs=first.attrs,
                     line=first.line, col=first.col, end_line=first.end_line)
        return Node(item.kind, (first, *rest), attrs=item.attrs, line=item.line,
                    col=item.col, end_line=item.end_line)
    return Node(item.kind, (Node("paragraph", (mark,), line=item.line), first, *rest),
                attrs=item.attrs, line=item.line, col=item.col, end_line=item.end_line)
