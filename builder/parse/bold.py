"""Questions written as bold lines: ``**What is regularization? 👶**``, ``- **Why BN?**``.

A paragraph, or the first paragraph of a list item, whose first line is entirely
bold (a trailing emoji or marker aside) and reads as a question.  Works on
markdown-it's syntax tree; the walker (``builder.parse.document``) cuts the cards.
"""

from __future__ import annotations

import re

from markdown_it.tree import SyntaxTreeNode

from builder.parse.answerboxes import BOXED
from builder.parse.answerlabels import LABELLED
from builder.parse.boldquestion import LEAD_IN as LEAD_IN
from builder.parse.boldquestion import BoldQuestion as BoldQuestion
from builder.parse.boldquestion import first_line, last_line, text_like
from builder.parse.boldquestion import plain as plain
from builder.parse.phrases import (
    QUESTION_MARKS,
    asks,
    asks_by_prompt,
    asks_outright,
    is_answer_part,
    is_asked_label,
    is_asked_line,
    question_reason,
    starts_numbered,
    without_trailing_marks,
)
from builder.parse.spacedcards import INLINE_CARD as INLINE_CARD
from builder.parse.spacedcards import SEPARATED as SEPARATED
from builder.parse.spacedcards import SEPARATORS as SEPARATORS
from builder.parse.spacedcards import inline_card, separated_card
from builder.parse.syntaxtree import LINE_BREAKS, line_end

_LOOSE_MAX = 120
"""Longest whole bold line taken as a question without reading as one: longer ones are
emphasised statements."""
ASKED_LINE = "starts with Q:"
"""The reason given for a plain line that says it asks (``Q: …``, ``**Question**: …``)."""
ANSWERED_ON_ITS_LINE = "a bold question opening its line, its answer after it on the line"
_STOPS = (".", "。")
_EXCLAIMS = ("!", "！")
"""How an exclamation ends ("**You are ready. Go get that job!**"): said, not asked, when
nothing answers it (see ``_closing``)."""
# A colon, or a dash standing alone, parts a question from its answer on its line; a
# dash against a word is the answer's own sign ("**What is 3 - 4?** -1").
_SEPARATING = re.compile(r"\s*(?:[:：]|[-–—](?=\s))?\s*")


def paragraph_question(paragraph: SyntaxTreeNode, lead_ins: bool = False,
                       loose: bool = False, tags: bool = False, colon: bool = False,
                       *, closing: bool = True) -> BoldQuestion | None:
    """Return the bold question that opens this paragraph, if it is one.

    With ``lead_ins``, also a line that opens with a bold number (``**1)** The number of
    active ads.``, ``**2) Factorial**. Compute …``): the whole line is the question.
    With ``loose`` (in a file whose questions are bold lines), any whole bold line that
    is neither a label (``**Note:**``) nor the name of an answer's part (``**原理**``).
    With ``tags``, a short tag in brackets after it (``(高频)``) stays in the question.
    With ``colon``, a line ending in a colon too (else a label: ``**作用：**``).
    With ``closing``, a whole bold line that exclaims with nothing to answer it is no loose
    question (``_closing``).
    """
    if paragraph.type != "paragraph" or not paragraph.children:
        return None
    inline = paragraph.children[0]
    if "\n?" in inline.content or "::" in inline.content:
        separated = separated_card(list(inline.children), paragraph) \
            or inline_card(list(inline.children), paragraph)
        if separated is not None:
            return separated
    asked = inline.content.lstrip()
    if not asked.startswith(("**", "__")) and not is_asked_line(asked.partition("\n")[0]):
        return None  # cheap test first: most paragraphs are no bold line
    children = list(inline.children)
    cut = line_end(children)
    head, rest = children[:cut], children[cut + 1:]
    if not asked.startswith(("**", "__")):
        return _asked_line(head, rest, first_line(paragraph), last_line(paragraph))
    filled = [c for c in head if not (c.type == "text" and not c.content.strip())]
    if not filled or filled[0].type not in ("strong",):
        return None
    trailing = plain(filled[1:])
    line = paragraph.map[0] + 1 if paragraph.map else 0
    inside = filled[0].children
    if trailing.strip() and is_asked_label(plain(inside)):  # "**Q:** What is BN?"
        return _asked_line(head, rest, line, last_line(paragraph))
    # A short tag ("(高频)") is a mark and left out (with ``tags``, kept as a remark); a
    # longer remark is part of the question.
    remark = bool(tags or without_trailing_marks(trailing)) and _remark(filled[1:], inside)
    if not remark and (any(c.type not in ("text",) for c in filled[1:])
                       or without_trailing_marks(trailing)):
        return _lead_in(head, rest, line, last_line(paragraph)) if lead_ins else None
    if remark:  # the question goes on in brackets: "**Why?**（why not one head）"
        inside, trailing = [*inside, *filled[1:]], ""
    text = plain(inside).strip()
    reason = question_reason(text + trailing)
    if reason is None and loose and not is_answer_part(text) and len(text) <= _LOOSE_MAX \
            and not (closing and _closing(text + trailing, rest, paragraph,
                                          (lead_ins, tags, colon))):
        reason = "a whole bold line among bold questions"
    # "**作用：**", "**Note:**": a label inside an answer, not a question.
    if reason is None or (not colon and without_trailing_marks(text).endswith((":", "："))):
        return None
    return BoldQuestion(list(inside), rest, text, line, reason, last_line(paragraph))


def _closing(said: str, rest: list[SyntaxTreeNode], paragraph: SyntaxTreeNode,
             flags: tuple[bool, bool, bool]) -> bool:
    """Whether a whole bold line that exclaims closes, with no answer: nothing after it in
    its paragraph, and next a heading, a ``---``, the end of the notes (or of its list
    item) or another question
    ("**Go build the future!**" below the last card).  One with an answer after it
    ("**Yahoo!**" then "A web portal.") is still a loose question: a card, not text folded
    into the card before."""
    if not said.rstrip().endswith(_EXCLAIMS) or any(
            c.type not in LINE_BREAKS and (c.type != "text" or c.content.strip())
            for c in rest):
        return False
    # Nothing after it in its list item: a list item's answer is its own blocks.
    following = paragraph.next_sibling
    if following is None or following.type in ("heading", "hr"):
        return True
    while following.type in ("bullet_list", "ordered_list", "list_item", "blockquote") \
            and following.children:
        following = following.children[0]
    lead_ins, tags, colon = flags
    # The next question read without this look-ahead: a run of exclaiming lines costs
    # one look each, not a chain.
    return following.type == "paragraph" and paragraph_question(
        following, lead_ins, True, tags, colon, closing=False) is not None


_REMARK = re.compile(r"^\s*[(（][^()（）]+[)）]\s*$")


def _remark(after: list[SyntaxTreeNode], inside: list[SyntaxTreeNode]) -> bool:
    """Whether text after a bold question is a remark in brackets that goes with it
    ("**Transformer 为何使用多头注意力？**（为什么不使用一个头）")."""
    return bool(after) and all(c.type == "text" for c in after) \
        and bool(_REMARK.match(plain(after))) and asks_outright(plain(inside))


def _asked_line(head: list[SyntaxTreeNode], rest: list[SyntaxTreeNode], line: int,
                end_line: int) -> BoldQuestion | None:
    """A first line of plain text that says it asks ("Q: What is BN?", "问：…"): the
    question, whatever its markup; the lines after it (an "A: …" line) its answer."""
    text = plain(head).strip()
    if not is_asked_line(text):
        return None  # "Q:" split from its words by markup, say
    return BoldQuestion(head, rest, text, line, ASKED_LINE, end_line)


def answered_on_its_line(paragraph: SyntaxTreeNode, prompts: bool = False
                         ) -> BoldQuestion | None:
    """A list item's bold question that opens its line, its answer after it on that line
    (``1. **Why ResNet?** Skip connections …``, ``- **What is IoU?** Intersection …``): the
    bold text is the question when it ends in a question mark, or, with ``prompts``, is a
    prompt ending in a full stop (``**Explain RoI Align.**``; not ``**Note.**``, nor
    ``**How it works.**``, a label); all after it, the answer. A list item is one
    question's place; in a paragraph, ``**Why?** because …`` is a sentence."""
    if paragraph.type != "paragraph" or not paragraph.children:
        return None
    children = list(paragraph.children[0].children)
    filled = [c for c in children if not (c.type == "text" and not c.content.strip())]
    if not filled or filled[0].type != "strong":
        return None
    strong = filled[0]
    text = plain(strong.children).strip()
    if len(text) > _LOOSE_MAX or not (text.endswith(QUESTION_MARKS) or (
            prompts and text.endswith(_STOPS) and asks_by_prompt(text))):
        return None
    after = children[children.index(strong) + 1:]
    answer = _SEPARATING.sub("", plain(after[:line_end(after)]), count=1).strip()
    if not answer or answer.startswith(QUESTION_MARKS):
        return None  # "**Q？** ? A": the spaced-repetition plugin's '?' misplaced, no card
    if after[0].type == "text":  # "**Why?**: Because …": the colon only parts them
        content = _SEPARATING.sub("", after[0].content, count=1)
        after = [*text_like(after[0], content), *after[1:]]
    return BoldQuestion(list(strong.children), after, text, first_line(paragraph),
                        ANSWERED_ON_ITS_LINE, last_line(paragraph))


def _lead_in(head: list[SyntaxTreeNode], rest: list[SyntaxTreeNode], line: int, end_line: int
             ) -> BoldQuestion | None:
    filled = [c for c in head if not (c.type == "text" and not c.content.strip())]
    if not filled or filled[0].type != "strong" or not starts_numbered(plain(filled[0].children)):
        return None
    text = plain(head).strip()
    return BoldQuestion(head, rest, text, line, LEAD_IN, end_line)


def item_question(item: SyntaxTreeNode, lead_ins: bool = False, loose: bool = False
                  ) -> BoldQuestion | None:
    """Return the bold question a list item opens with, if it does."""
    if item.type != "list_item" or not item.children:
        return None
    first = item.children[0]
    return paragraph_question(first, lead_ins, loose) or answered_on_its_line(first)


NUMBERED_ITEM = "a numbered item that asks, its answer nested under it"
_NUMBERED_ITEM_MAX = 300
"""Longest numbered item taken for a question: exam questions run long ("老板给了你个关于
癌症检测的数据集，……你是否对这个模型很满意？"), a longer item is a paragraph of answer."""


def numbered_item_question(item: SyntaxTreeNode) -> BoldQuestion | None:
    """An item of a numbered list whose first line asks in plain text and whose answer is
    nested under it (``1. 怎么判断模型是否过拟合？`` then indented paragraphs), if it is one.
    An item with nothing nested is a question listed without an answer, or a step of an
    answer; one with only a list nested is as often an interview log's question and its
    follow-ups (``+ FPN 作用``): neither is a question."""
    if item.type != "list_item" or all(
            child.type in ("bullet_list", "ordered_list") for child in item.children[1:]):
        return None  # nothing, or only a list, nested: sub-questions of a log as often
    first = item.children[0]
    if first.type != "paragraph" or not first.children:
        return None
    children = list(first.children[0].children)
    text = plain(children).strip()
    if item.meta.get(BOXED) and text:
        pass  # an Answer box follows it: the author's mark, whatever the item reads like
    elif any(c.type in LINE_BREAKS for c in children):
        return None  # a question is its item's first line, the whole of it
    elif len(text) > _NUMBERED_ITEM_MAX or not asks_outright(text):
        return None
    return BoldQuestion(children, [], text, first_line(first), NUMBERED_ITEM, last_line(first))


def is_bare_label(item: SyntaxTreeNode, found: BoldQuestion | None) -> bool:
    """Whether a list item is only a short bold phrase that does not ask outright
    (``1. **Inspect the tokens**``, ``**Compare train and serving**``): nothing after it
    in its item, no question mark or asking word, no answer label under it."""
    return (found is not None and not found.rest and len(item.children) == 1
            and not asks(found.text) and found.reason != LABELLED)


def labelled_question(paragraph: SyntaxTreeNode, answered: frozenset[int]
                      ) -> BoldQuestion | None:
    """The paragraph as a question when the block under it opens with an answer label
    (``answered``: such paragraphs' first lines, ``builder.parse.answerlabels``)."""
    line = first_line(paragraph)
    if paragraph.type != "paragraph" or line not in answered or not paragraph.children:
        return None
    children = list(paragraph.children[0].children)
    cut = line_end(children)  # "What is ML?" / "A: …": the label's line begins the answer
    head, rest = children[:cut], children[cut + 1:]
    return BoldQuestion(head, rest, plain(head).strip(), line, LABELLED, last_line(paragraph))


def _first_paragraph_question(item: SyntaxTreeNode, answered: frozenset[int]
                              ) -> BoldQuestion | None:
    return labelled_question(item.children[0], answered) if item.children else None


def count(nodes: list[SyntaxTreeNode], answered: frozenset[int] = frozenset()
          ) -> tuple[int, int]:
    """Count the bold questions among top-level blocks (paragraphs and list items):
    without, and with, the lines that open with a bold number (one reading gives both);
    ``answered``: lines of plain questions marked by the answer label under them."""
    found: list[BoldQuestion | None] = []
    for node in nodes:
        if node.type == "paragraph":
            found.append(paragraph_question(node, lead_ins=True)
                         or labelled_question(node, answered))
        elif node.type == "bullet_list":
            found += [item_question(item, lead_ins=True)
                      or _first_paragraph_question(item, answered) for item in node.children]
        elif node.type == "ordered_list":
            found += [item_question(item, lead_ins=True) or numbered_item_question(item)
                      or _first_paragraph_question(item, answered) for item in node.children]
    with_lead_ins = [question for question in found if question is not None]
    return sum(not question.lead_in for question in with_lead_ins), len(with_lead_ins)
