"""One question per file, stated under a heading that only says "question".

Notes kept one question to a file often open with ``## 问题`` (``## 题目``, ``## Question``)
holding the question as asked, then answer it under headings of their own (``## 解答``,
``## 问题背景``, ``## 全连接层反向传播``).  Those headings are parts of one answer, whatever
they read like: the author said which one is the question.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.tree import SyntaxTreeNode

from builder.parse import bold
from builder.parse.phrases import asks_outright, fold

__all__ = ["QUESTION_LABELS", "QuestionPart", "find_question_part"]

QUESTION_LABELS = frozenset((
    "问题", "题目", "问题描述", "题目描述", "面试题", "原题", "question", "the question",
    "problem", "problem statement", "interview question"))
"""Heading texts (folded) that say the text under them is the question."""
ASKED_MAX = 80
"""Longest statement under the label taken for the card's question: a longer one is an
introduction, kept at the top of the answer."""
_STATEMENT_ENDS = ("。", "！", "!", "，", ",", "：", ":", "；", ";", "…")
"""Marks that end or break off a statement: text holding a full stop or ending mid-way
("这个问题困扰我很久了，") introduces the answer rather than asking."""


@dataclass(frozen=True)
class QuestionPart:
    """Where a file states its one question."""

    heading_line: int
    """1-based line of the ``## 问题`` heading."""
    asked_line: int = 0
    """1-based line of the one paragraph under it when that paragraph asks (the card's
    question); 0 when the question is the file's title or name."""


def is_question_label(text: str) -> bool:
    return fold(text) in QUESTION_LABELS


def find_question_part(nodes: Sequence[SyntaxTreeNode]) -> QuestionPart | None:
    """The ``## 问题`` heading that makes the file one question, or None.

    It is the file's first heading (or the first under a lone ``#`` title), at the
    shallowest level below the title, with text under it, and no other heading says
    "question": two would be two questions."""
    headings = [(index, node) for index, node in enumerate(nodes) if node.type == "heading"]
    if not headings:
        return None
    levels = [int(node.tag[1:]) for _, node in headings]
    first = 1 if levels[0] == 1 and levels.count(1) == 1 and len(headings) > 1 else 0
    index, heading = headings[first]
    if levels[first] != min(levels[first:]) or not is_question_label(_text(heading)):
        return None
    if any(is_question_label(_text(node)) for _, node in headings[first + 1:]):
        return None
    if _heads_questions(levels[first], headings[first + 1:]):
        return None
    under = nodes[index + 1:headings[first + 1][0]] if first + 1 < len(headings) \
        else nodes[index + 1:]
    if not under:
        return None
    line = heading.map[0] + 1 if heading.map else 1
    asked = under[0]
    text = _text(asked) if asked.type == "paragraph" else ""
    if first == 0 and len(under) == 1 and _asks_briefly(text):
        return QuestionPart(line, asked.map[0] + 1 if asked.map else line + 1)
    return QuestionPart(line)


def _heads_questions(level: int, later: Sequence[tuple[int, SyntaxTreeNode]]) -> bool:
    """Whether headings nested under the label ask (``## 问题`` over ``### 1. 什么是过拟合？``):
    the label then heads a section of questions, not one file's question."""
    for _, node in later:
        if int(node.tag[1:]) <= level:
            return False
        if asks_outright(_text(node)):
            return True
    return False


def _asks_briefly(text: str) -> bool:
    """The text under ``## 问题`` is the question itself, not an introduction to it."""
    if not text or len(text) > ASKED_MAX or "\n" in text or text.endswith(_STATEMENT_ENDS):
        return False
    return not any(mark in text for mark in ("。", "！", "!")) and asks_outright(text)


def _text(node: SyntaxTreeNode) -> str:
    return bold.plain(node.children[0].children).strip() if node.children else ""
