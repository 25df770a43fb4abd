"""NeuraCache's micro cards: a line ``Who was the first president? : George Washington ⚡️``
asks what is before the `` : `` and answers what is after it; the mark (``⚡️`` or
``🧠``) ends the card, and tags may follow it (``⚡️ #nature #travel``).  Several such
lines may share a paragraph, each a card of its own.  Read as Markdown, the lines were
text of whatever card held them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.tree import SyntaxTreeNode

from builder.parse.syntaxtree import LINE_BREAKS

MICRO_CARD = "a NeuraCache micro card, 'question : answer ⚡️'"
TAG = re.compile(r"#[^\W\d_][\w/-]*|#\d+[^\W\d][\w/-]*")
"""An Obsidian or Logseq tag word (``#MachineLearning``, ``#dev-notes``, ``#1a``); ``#1``
is none."""
MAX_TAG = 100
_WORD = re.compile(r"\S+")
_MARKS = ("\u26a1\ufe0f", "\u26a1", "\U0001f9e0")


@dataclass(frozen=True)
class MicroCard:
    """One micro card: its line (1-based), question, answer and tags."""

    line: int
    front: str
    back: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class MicroLine:
    """A line of a paragraph holding micro cards: the card, or the line's own inline
    nodes when it is none."""

    line: int
    card: MicroCard | None
    inlines: tuple[SyntaxTreeNode, ...]


def micro_lines(paragraph: SyntaxTreeNode) -> list[MicroLine] | None:
    """The lines of a paragraph of which at least one is a micro card; None otherwise."""
    if paragraph.type != "paragraph" or not paragraph.children or paragraph.map is None:
        return None
    inline = paragraph.children[0]
    if "\u26a1" not in inline.content and "\U0001f9e0" not in inline.content:
        return None  # cheap test first: most paragraphs hold no mark
    lines: list[list[SyntaxTreeNode]] = [[]]
    for child in inline.children:
        if child.type in LINE_BREAKS:
            lines.append([])
        else:
            lines[-1].append(child)
    found: list[MicroLine] = []
    for number, nodes in enumerate(lines):
        line = paragraph.map[0] + 1 + number
        text = "".join(n.content for n in nodes) if all(n.type == "text" for n in nodes) else ""
        found.append(MicroLine(line, _card(text, line), tuple(nodes)))
    return found if any(entry.card for entry in found) else None


def is_tag(word: str) -> bool:
    """Whether ``word`` is a tag (the tags ending a micro line or a ``#card`` line): a
    longer word after ``#`` is text (``MAX_TAG``)."""
    return len(word) <= MAX_TAG and TAG.fullmatch(word) is not None


def _card(text: str, line: int) -> MicroCard | None:
    """The micro card a line of text is, if any: the mark last but for tags, a space on
    both sides of the colon (``std::move`` and ``url: x`` part nothing).  Read word by
    word from the end, in one pass: a pattern's backtracking over ``a : a : …`` was
    quadratic (39 s for a line of 80,000 characters)."""
    words = [(match.start(), match.end()) for match in _WORD.finditer(text)]
    kept = len(words)
    while kept and is_tag(text[slice(*words[kept - 1])]):
        kept -= 1
    body = text[:words[kept - 1][1]] if kept else ""
    mark = next((mark for mark in _MARKS if body.endswith(mark)), None)
    if mark is None:
        return None
    front, colon, back = body[:-len(mark)].partition(" : ")
    front, back = front.strip(), back.strip()
    if not colon or not front or not back:
        return None
    tags = (text[start + 1:end].strip("/") for start, end in words[kept:])
    return MicroCard(line, front, back, tuple(dict.fromkeys(tags)))


def count(nodes: list[SyntaxTreeNode]) -> int:
    """The micro cards of the paragraphs among ``nodes``."""
    return sum(sum(entry.card is not None for entry in lines) for node in nodes
               if (lines := micro_lines(node)) is not None)
