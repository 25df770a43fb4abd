"""Questions written as bold lines: ``**What is regularization? 👶**``, ``- **Why BN?**``.

A paragraph, or the first paragraph of a list item, whose first line is entirely
bold (a trailing emoji or marker aside) and reads as a question.  Works on
markdown-it's syntax tree; the walker (``builder.parse``) cuts the cards.
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it.tree import SyntaxTreeNode

from builder.phrases import question_reason, without_trailing_marks

_BREAKS = ("softbreak", "hardbreak")


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


def plain(nodes: list[SyntaxTreeNode]) -> str:
    """Return the readable text of inline syntax-tree nodes."""
    parts: list[str] = []
    for node in nodes:
        if node.type in ("text", "code_inline", "html_inline") or node.type.startswith("math"):
            parts.append(node.content)
        elif node.type in _BREAKS:
            parts.append(" ")
        else:
            parts.append(plain(node.children))
    return "".join(parts)


def paragraph_question(paragraph: SyntaxTreeNode) -> BoldQuestion | None:
    """Return the bold question that opens this paragraph, if it is one."""
    if paragraph.type != "paragraph" or not paragraph.children:
        return None
    inline = paragraph.children[0]
    if not inline.content.lstrip().startswith(("**", "__")):
        return None  # cheap test first: most paragraphs are no bold line
    children = list(inline.children)
    cut = next((i for i, c in enumerate(children) if c.type in _BREAKS), len(children))
    head, rest = children[:cut], children[cut + 1:]
    filled = [c for c in head if not (c.type == "text" and not c.content.strip())]
    if not filled or filled[0].type not in ("strong",):
        return None
    trailing = plain(filled[1:])
    if any(c.type not in ("text",) for c in filled[1:]) or without_trailing_marks(trailing):
        return None
    inside = filled[0].children
    text = plain(inside).strip()
    reason = question_reason(text + trailing)
    # "**作用：**", "**Note:**": a label inside an answer, not a question.
    if reason is None or without_trailing_marks(text).endswith((":", "：")):
        return None
    line = paragraph.map[0] + 1 if paragraph.map else 0
    return BoldQuestion(list(inside), rest, text, line, reason)


def item_question(item: SyntaxTreeNode) -> BoldQuestion | None:
    """Return the bold question a list item opens with, if it does."""
    if item.type != "list_item" or not item.children:
        return None
    return paragraph_question(item.children[0])


def count(nodes: list[SyntaxTreeNode]) -> int:
    """Count the bold questions among top-level blocks (paragraphs and list items)."""
    found = 0
    for node in nodes:
        if node.type == "paragraph":
            found += paragraph_question(node) is not None
        elif node.type in ("bullet_list", "ordered_list"):
            found += sum(item_question(item) is not None for item in node.children)
    return found
