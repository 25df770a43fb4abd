"""Numbered bold questions that end in a colon: ``**15. 在Mac环境下运行Jupyter Notebook报如下
错误：**`` after ``**14. 没有任何Python基础，如何准备…？**``.

A whole bold line ending in a colon is a label inside an answer (``**作用：**``,
``**Note:**``), and ``builder.parse.bold`` reads it so.  In a file of bold questions, one
numbered as the next question after the bold question before it (15 after 14, ``2.3``
after ``2.2``) continues the author's list of questions instead: the colon introduces
what the question shows (an error message, a picture).  A label numbered so is rare (an
answer's points restart at 1), and a label has few words (``**2. 缺点：**``).
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it.tree import SyntaxTreeNode

from builder.parse import bold
from builder.parse.phrases import numbering, without_trailing_marks

LABEL_MAX = 8
"""Characters after its number up to which a colon-ended bold line is still a label."""


def numbered_colon_lines(nodes: Sequence[SyntaxTreeNode]) -> frozenset[int]:
    """1-based lines of the colon-ended bold lines among top-level ``nodes`` that continue
    the numbering of the bold questions before them, and that the next bold question
    continues in turn: under ``**1. 什么是握手？**``, labels ``**2. 第二次握手的过程：**``,
    ``**3. …：**`` followed by ``**2. 什么是挥手？**`` number the answer's own points."""
    found: set[int] = set()
    pending: list[int] = []
    last: tuple[int, ...] = ()
    for node in nodes:
        firsts = [node] if node.type == "paragraph" else [
            item.children[0] for item in node.children if item.children
        ] if node.type in ("bullet_list", "ordered_list") else []
        for first in firsts:
            question = bold.paragraph_question(first, loose=True)
            if question is not None:
                if not question.lead_in:
                    if pending and _continues(last, question.text, label_max=-1):
                        found.update(pending)
                    pending = []
                    last = numbering(question.text)
                continue
            colon = bold.paragraph_question(first, loose=True, colon=True)
            if colon is None or not last or not _continues(last, colon.text):
                continue
            pending.append(colon.line)
            last = numbering(colon.text)
    return frozenset(found.union(pending))  # the file's last: no question says otherwise


def _continues(last: tuple[int, ...], text: str, label_max: int = LABEL_MAX) -> bool:
    """Whether ``text`` is numbered right after ``last`` and has more than ``label_max``
    characters after its number."""
    number = numbering(text)
    if len(number) != len(last) or number[:-1] != last[:-1] or number[-1] != last[-1] + 1:
        return False
    words = without_trailing_marks(text).rstrip(":：").lstrip("0123456789.、)） ")
    return len(words) > label_max
