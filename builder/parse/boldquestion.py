"""What a question found in a paragraph's inline nodes is: ``BoldQuestion``, and the helpers
its finders share (``builder.parse.bold``, ``builder.parse.spacedcards``)."""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from builder.parse.syntaxtree import LINE_BREAKS

LEAD_IN = "opens with a bold number"
"""The reason given for a question ``paragraph_question`` finds only with ``lead_ins``."""


@dataclass(frozen=True)
class BoldQuestion:
    """Where a bold question is, and what of its block is answer."""

    inlines: list[SyntaxTreeNode]
    """The inline nodes inside the bold mark: the question, markup kept."""
    rest: list[SyntaxTreeNode]
    """Inline nodes after the question's line: the start of the answer."""
    text: str
    line: int
    """1-based line of the question."""
    reason: str
    end_line: int = 0
    """1-based last line of the paragraph it opens (where ``rest`` ends)."""

    @property
    def lead_in(self) -> bool:
        """Found only because lead-ins were asked for: a line opening with a bold number."""
        return self.reason == LEAD_IN


def plain(nodes: list[SyntaxTreeNode]) -> str:
    """Return the readable text of inline syntax-tree nodes."""
    parts: list[str] = []
    for node in nodes:
        if node.type in ("text", "code_inline", "html_inline") or node.type.startswith("math"):
            parts.append(node.content)
        elif node.type in LINE_BREAKS:
            parts.append(" ")
        else:
            parts.append(plain(node.children))
    return "".join(parts)


def first_line(paragraph: SyntaxTreeNode) -> int:
    """1-based first line of a block (0 without a place)."""
    return paragraph.map[0] + 1 if paragraph.map else 0


def last_line(paragraph: SyntaxTreeNode) -> int:
    """1-based last line of a block (0 without a place)."""
    return paragraph.map[1] if paragraph.map else 0


def text_like(node: SyntaxTreeNode, content: str) -> list[SyntaxTreeNode]:
    """A text node holding part of ``node``'s text, placed where ``node`` is; none for no text."""
    if not content:
        return []
    part = type(node)([Token("text", "", 0, content=content)], create_root=False)
    part.parent = node.parent
    return [part]
