"""Questions marked by the answer below them: ``1. 什么是语义化？`` then ``**答案：**``.

The label may also open the question's next line, in its paragraph (``1. What is ML?``
then ``A: Machine learning is …``): the first line asks, the rest of the paragraph begins
the answer.

Exam sheets, CSDN posts and study notes often write a question as a plain line (a
paragraph, or a numbered item) and mark it as one only by the label that opens the block
after it: ``答案：``, ``答：``, ``参考答案：``, ``A:``, ``Answer:`` (bold or not).  Such a
line asks whatever its words: ``请列举三种居中方法（6分）`` has no question mark, and the
label says it is a question.  A question's own material may stand between the two (its
code in a fence, a table, a picture): then the line must read as a question.

Only the file's top-level blocks are looked at (as bold questions are counted): inside a
list item or a quote the label belongs to that block's own answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.tree import SyntaxTreeNode

from builder.parse.phrases import asks_outright, question_reason

LABELLED = ("a plain line marked as a question by what is below it: an answer label "
            "(答案：, A:), or, numbered, its answer at the margin")
"""The reason given for a question found by the answer label under it."""
_WORDS = r"(?:参考答案|标准答案|答案|解答|回答|答|answer|ans|a)"
_LABEL = re.compile(
    rf"^\s*(?:([*_]{{2}})\s*{_WORDS}\s*(?:[:：]\s*\1|\1\s*[:：])|{_WORDS}\s*[:：])",
    re.IGNORECASE)
"""An answer label opening a line: ``答案：``, ``**答：**``, ``**答案**：``, ``A:``; a bold
line that goes on past its colon (``**A：Shared-Bottom model**``) names a part instead."""
_FIELD = re.compile(r"^\s*([*_]{2})[^*_\n]{1,20}?(?:[:：]\s*\1|\1\s*[:：])")
"""A bold field label opening a line (``**Example**:``): a part of an answer, no question."""
_CHOICE = re.compile(r"(?:^\s*|[,，;；]\s*)(?:[*_]{2})?\s*B\s*(?:[*_]{2})?\s*[:：.、)]",
                     re.MULTILINE)
"""A second choice (``B: …`` on a line of its own or after a comma, ``A: 90, B: 85``):
``A:`` then lists a quiz's choices or a table's values, it answers nothing."""
_A_LABEL = re.compile(r"^\s*(?:[*_]{2})?\s*A\s*(?:[*_]{2})?\s*[:：]")
"""The label ``A:`` (no word): a choice's or a speaker's as well as an answer's."""
_SPEAKER = re.compile(r"^\s*(?:[*_]{2})?\s*[A-PR-Z]\s*(?:[*_]{2})?\s*[:：]")
"""A speaker's line of a dialogue (``B: 好的``); ``Q:`` asks, it is no speaker."""
_QUESTION_MAX = 200
"""Longest line taken as a question by the label under it alone: longer ones are prose."""
_CHOICES = re.compile(r"^\s*[(（]?[a-dA-D][.、)）:：]\s")
"""A quiz's first choice opening a paragraph: ``a. Spark SQL``, ``(A) 1``."""
_ANSWERING = frozenset({"paragraph", "fence", "code_block", "table", "blockquote",
                        "bullet_list"})
"""Blocks that may open the answer of a numbered question written at the margin."""
_MATERIAL = frozenset({"fence", "code_block", "table", "html_block"})
"""Blocks that may stand between a question and its answer label: the question's code,
table or picture."""


def _text(node: SyntaxTreeNode) -> str:
    return node.children[0].content if node.children else ""


def opens_with_label(node: SyntaxTreeNode) -> bool:
    """Whether a block is a paragraph opening with an answer label (and is no list of a
    quiz's choices: ``A: 0.5`` then ``B: 1``)."""
    if node.type != "paragraph":
        return False
    text = _text(node)
    if not _LABEL.match(text):
        return False
    return not (_A_LABEL.match(text) and _CHOICE.search(text))


def _asking_paragraph(node: SyntaxTreeNode) -> SyntaxTreeNode | None:
    """The paragraph that may ask: the block itself, or a list's last item when that item
    is one paragraph (``1. 什么是 BFC？`` with nothing nested)."""
    if node.type == "paragraph":
        return node
    if node.type in ("ordered_list", "bullet_list") and node.children:
        item = node.children[-1]
        if len(item.children) == 1 and item.children[0].type == "paragraph":
            return item.children[0]
    return None


def _may_ask(paragraph: SyntaxTreeNode, *, must_ask: bool) -> bool:
    text = _text(paragraph).strip()
    if not text or "\n" in text or len(text) > _QUESTION_MAX or opens_with_label(paragraph) \
            or text.startswith(("![", "<")) or _FIELD.match(text):
        return False
    if text.endswith((":", "：", "：**", ":**")):
        return False  # "**解析：**", "代码如下：": a label or a lead-in, not a question
    return not must_ask or question_reason(text) is not None


def _asking_items_answered_below(nodes: Sequence[SyntaxTreeNode]) -> set[int]:
    """Numbered items that ask, each alone in its list with its answer after it at the
    margin (``1. 为什么要位置编码？`` then a paragraph, ``2. …？`` then a fence …), two
    or more counting on: the lines of their paragraphs."""
    runs: list[list[int]] = [[]]
    last = 0
    for index, node in enumerate(nodes[:-1]):
        if node.type != "ordered_list" or len(node.children) != 1:
            continue
        start = int(str(node.attrs.get("start", 1)))
        if start != last + 1:  # a number that does not count on starts another run
            runs.append([])
        last = start
        after = nodes[index + 1]
        if after.type not in _ANSWERING or (
                after.type == "paragraph" and _CHOICES.match(_text(after))):
            continue  # not under "a. Spark SQL": a quiz's choices answer nothing
        item = _lone_item(node, must_ask=True)
        if item is not None:
            runs[-1].append(item)
        elif start == 1 and (head := _lone_item(node, must_ask=False)) is not None:
            # Nothing numbered stands above it to take its answer: left out of the run,
            # it and its answer would be the section's intro, in no card.
            runs[-1].append(-head)  # negative: a card only when the run is taken
    return {abs(line) for run in runs if sum(line > 0 for line in run) >= 2 for line in run}


def _lone_item(node: SyntaxTreeNode, *, must_ask: bool) -> int | None:
    """The line of an ordered list's only item when that item is one line (that asks)."""
    item = node.children[0]
    if len(item.children) != 1 or item.children[0].type != "paragraph":
        return None
    paragraph = item.children[0]
    text = _text(paragraph).strip()
    if "\n" in text or len(text) > _QUESTION_MAX or not paragraph.map \
            or not (asks_outright(text) if must_ask else _may_ask(paragraph, must_ask=False)):
        return None
    return paragraph.map[0] + 1


def _answered_inside(paragraph: SyntaxTreeNode) -> bool:
    """Whether a paragraph's second line opens with an answer label under a first line
    that may ask (``1. What is ML?`` then ``A: …`` on the next line)."""
    first, _, rest = _text(paragraph).partition("\n")
    return bool(rest) and bool(_LABEL.match(rest)) and not _CHOICE.search(rest) \
        and not _LABEL.match(first) and len(first.strip()) <= _QUESTION_MAX \
        and not first.rstrip().endswith((":", "：")) and not _FIELD.match(first) \
        and not first.lstrip().startswith(("![", "<"))


def _dialogue(nodes: Sequence[SyntaxTreeNode], back: int, index: int) -> bool:
    """Whether ``A:`` at ``nodes[index]`` is a speaker's, not an answer's: the block above
    (``B: 好的，请看菜单。``) or the one after (``B: …`` answering ``A: 你好…``) opens
    with a speaker's letter."""
    if not _A_LABEL.match(_text(nodes[index])):
        return False
    return any(node.type == "paragraph" and _SPEAKER.match(_text(node))
               for node in (nodes[back], *nodes[index + 1:index + 2]))


def first_paragraphs(node: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    """The paragraphs of a top-level block that may be questions marked by an answer
    label: the block itself, or the first paragraph of each of a list's items."""
    if node.type == "paragraph":
        return [node]
    if node.type in ("ordered_list", "bullet_list"):
        return [item.children[0] for item in node.children
                if item.children and item.children[0].type == "paragraph"]
    return []


def asked_above(nodes: Sequence[SyntaxTreeNode]) -> frozenset[int]:
    """The 1-based first lines of the paragraphs (or sole paragraphs of list items) that
    ask because the next block, or the next after the question's own code or table, opens
    with an answer label, or because their own second line does."""
    found: set[int] = {first.map[0] + 1 for node in nodes for first in first_paragraphs(node)
                       if first.map and _answered_inside(first)}
    found |= _asking_items_answered_below(nodes)
    for index, node in enumerate(nodes):
        if not opens_with_label(node):
            continue
        back = index - 1
        while back >= 0 and index - back <= 2 and nodes[back].type in _MATERIAL:
            back -= 1
        if back < 0 or _dialogue(nodes, back, index):
            continue
        paragraph = _asking_paragraph(nodes[back])
        # The last of many items ("3. Ties go to a playoff.") over "Answer: …" must ask:
        # the list is the note's points, the label the note's own.
        many = nodes[back].type != "paragraph" and len(nodes[back].children) > 1
        if paragraph is not None and paragraph.map \
                and _may_ask(paragraph, must_ask=back < index - 1 or many):
            found.add(paragraph.map[0] + 1)
    return frozenset(found)
