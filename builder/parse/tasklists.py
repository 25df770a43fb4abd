"""GFM task list items: ``- [ ] to do`` and ``- [x] done``.

GitHub, Typora and Obsidian draw a checkbox for the ``[ ]`` or ``[x]`` (``[X]``) that
starts a list item's first paragraph, followed by a space; read as CommonMark it was the
brackets as text (a study plan of ``- [ ] 理解L1和L2正则化`` showed ``[ ] 理解…``).  The
marker leaves the text and the list item is marked (``TASK`` in its token's meta, the
Node's ``task`` attribute: ``todo`` or ``done``); the card and the sheet draw the box.

mdit-py-plugins' ``tasklists`` does the same reading, but it cuts the marker off the
paragraph's source (``token.content``), by which every inline node here is placed in
the file, and leaves an ``<input>`` tag for the card's sanitiser; this rule takes the
marker off the first text only, moving its recorded start (``POS``) past it.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from builder.parse.inlinenodes import POS

TASK = "task"
"""List item token meta key and Node attribute: ``todo`` (``[ ]``) or ``done`` (``[x]``)."""
_MARKERS = {"[ ]": "todo", "[x]": "done", "[X]": "done"}
_SPACES = " \t"


def tasklists_plugin(md: MarkdownIt) -> None:
    """Mark task list items (after the inline rules, so their text tokens exist)."""
    md.core.ruler.after("inline", "task_lists", _task_lists)


def _task_lists(state: StateCore) -> None:
    tokens = state.tokens
    for at in range(2, len(tokens)):
        inline = tokens[at]
        if (inline.type != "inline" or tokens[at - 1].type != "paragraph_open"
                or tokens[at - 2].type != "list_item_open" or not inline.children):
            continue
        first = inline.children[0]
        done = _MARKERS.get(first.content[:3]) if first.type == "text" else None
        # GFM: whitespace after the marker, and something after that on its line or the
        # next (``- [ ]`` alone is text).
        rest = first.content[3:]
        if done is None or not rest[:1] or rest[0] not in _SPACES:
            continue
        text = rest.lstrip(_SPACES)
        if not text and len(inline.children) == 1:
            continue
        first.content = text
        if isinstance(first.meta.get(POS), int):
            first.meta[POS] += 3 + len(rest) - len(text)
        tokens[at - 2].meta[TASK] = done
