"""List items that ask and carry their own answer, gathered under a heading that does not ask.

Notes gather questions under a heading such as ``FAQ``, ``面试真题``, ``基础理解题`` or
``八股文`` and write each as a list item: the question on the item's first line, its
answer after a line break (``01. BERT中的position embedding方式？␠␠⏎使用随机初始化…``) or
nested under it (``1. 什么是缺失值？`` then an indented quote; ``- 为什么说FM…？`` then
answer bullets).  Read as the heading's answer, they were one card of many questions.

* When every item of the lists right under such a heading asks and carries an answer
  (at least ``GROUP_MIN`` of them; items the author left blank aside) and the heading's
  first block is such a list, each item is a question and the heading their section
  (``builder.parse.strays``, as it groups bold questions).
* So, when the heading holds only numbered lists and most of their items ask, with a
  question mark or without (``### 常见问题`` over ``3. XGBoost为什么快`` then its answer,
  ``2. xgb和lgb的区别`` left unanswered), is every item of those lists: the numbers
  part the questions, so no item's text can be another's answer.  An item with nothing
  under it is a question without an answer (left out, as an empty heading is), so it
  must ask as a whole (``…的区别``, a question mark): a step or a statement with an
  asking word inside (``检查算子是否支持``), a label with its answer on its line
  (``什么时候用BN：batch较大时``) or a picture keeps the list one card, its text kept.
* When some items ask and carry an answer beside items that do not (topics, links,
  questions left unanswered) or text under the heading besides the lists (a summary),
  which lines are whose answer is a guess: the heading stays one card and a note names
  the questions it holds (``list-questions``).

Items of a heading that asks (``### 什么是 BN？`` then ``- 为什么有效？``) are follow-ups,
answered in that answer; items that ask with no answer (a list of topics to revise) are
never questions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from builder.model import Diagnostic, SourceLoc
from builder.parse import bold
from builder.parse.boldquestion import text_like
from builder.parse.callouts import CALLOUT, CALLOUT_META
from builder.parse.leadinlabels import labels_note
from builder.parse.phrases import (
    QUESTION_MARKS,
    asks_as_it_ends,
    asks_outright,
    is_asked_line,
    without_trailing_marks,
)
from builder.parse.syntaxtree import LINE_BREAKS, line_end

ASKING_ITEM = "a list item that asks, its answer after its first line or nested under it"
NUMBERED_ENTRY = "an item of a numbered list of questions, its answer after its first line"
GROUP_MIN = 2
"""Asking items a heading must hold (and nothing but) for each to be a question."""
_QUESTION_MAX = 300
"""Longest first line taken for a question (as ``bold.numbered_item_question``)."""
_LISTS = ("bullet_list", "ordered_list")


@dataclass
class ItemTally:
    """The list items right under one heading (before any other heading)."""

    asking: list[tuple[int, str]] = field(default_factory=list)
    """Items that ask and carry an answer: line, question."""
    others: int = 0
    """Items with text that do not (topics, links, questions without an answer)."""
    opens_with_list: bool = False
    """The heading's first block is a list whose first item asks and carries an answer."""
    blocks: int = 0
    after_lists: int = 0
    """Blocks other than lists since the last list: between two lists (a fence at the
    margin) they are the item's above; after the last, they would join its answer."""
    entries: list[tuple[int, str]] = field(default_factory=list)
    """Items of numbered lists with text that are not asking items: line, first line."""
    entries_asking: int = 0
    """Of ``entries``, those whose first line asks, a question mark or not, answered or not
    (``3. XGBoost为什么快``, ``2. xgb和lgb的区别``)."""
    entries_unsound: int = 0
    """Of ``entries``, those no card can be made of as they read (``_sound_entry``)."""

    def note(self, node: SyntaxTreeNode) -> None:
        """Take in the next top-level block under the heading."""
        if node.type == "hr" or (node.type == "html_block" and node.content.lstrip()
                                 .startswith("<!--")):
            return  # a rule under the heading ("## 面试真题" over "-----"), a comment
        self.blocks += 1
        if node.type not in _LISTS:
            self.after_lists += 1
            return
        self.after_lists = 0
        for index, item in enumerate(node.children):
            found = item_question(item)
            if found is not None:
                self.asking.append((found.line, found.text))
                if self.blocks == 1 and index == 0:
                    self.opens_with_list = True
            elif not _blank(item):
                self.others += 1
                entry = numbered_entry(item) if node.type == "ordered_list" else None
                if entry is not None:
                    self.entries.append((entry.line, entry.text))
                    self.entries_asking += asks_outright(entry.text)
                    self.entries_unsound += not _sound_entry(entry, item)

    @property
    def grouped(self) -> bool:
        """Every item asks and carries an answer, or is a numbered entry, two in three
        asking (with a question mark or without), two or more with one; the first block
        their list, and nothing after the last list (text there, a summary, would join the
        last answer). With no other items the entries are none, so the two-in-three test
        holds."""
        asked = len(self.asking) + self.entries_asking
        return self.opens_with_list and len(self.asking) >= GROUP_MIN \
            and not self.after_lists and self.others == len(self.entries) \
            and not self.entries_unsound \
            and 3 * asked >= 2 * (len(self.asking) + len(self.entries))

    @property
    def questions(self) -> list[tuple[int, str]]:
        """The lines that are questions when the heading groups its items: line, text."""
        return sorted(self.asking + self.entries)

    @property
    def mixed(self) -> bool:
        """Several items ask and carry an answer among items or text that do not."""
        return len(self.asking) >= GROUP_MIN and not self.grouped


def item_question(item: SyntaxTreeNode) -> bold.BoldQuestion | None:
    """The question a list item asks on its first line, when it carries an answer: the
    lines after that line in its paragraph, or blocks nested under it (not only a list
    of follow-up questions)."""
    found = _first_line(item)
    if found is None:
        return None
    lines, head, rest, text = found
    # A line that asks ends so (a question mark): "如何…" opening a sentence of answer
    # text does not make the item a question; one whose answer is folded away under it
    # (a <details> box: "Расскажи про задачу…" over "Как отвечать") is asked to be answered.
    if not text or len(text) > _QUESTION_MAX or not asks_outright(text) or not (
            without_trailing_marks(text).endswith(("?", "？")) or _folds_answer(item)):
        return None
    answered = bool(bold.plain(rest).strip()) or any(
        image.type == "image" for image in rest) or _nested_answer(item.children[1:])
    if not answered:
        return None
    return bold.BoldQuestion(head, rest, text, lines[0], ASKING_ITEM, lines[1])


_ENDS_SENTENCE = ("。", ".", "；", ";")
_GOES_ON = ("，", ",", "、")


def numbered_entry(item: SyntaxTreeNode) -> bold.BoldQuestion | None:
    """An item of a numbered list read as a question whatever its words: its first line
    (up to a line break), when short and no sentence; the rest and its nested blocks,
    its answer (``builder.parse.questionforms``)."""
    found = _first_line(item)
    if found is None:
        return None
    lines, head, rest, text = found
    if not text or len(text) > _QUESTION_MAX or text.endswith(_ENDS_SENTENCE) \
            or not _words(head).strip():
        return None  # "3. ![树](tree.png)": a picture's alt text asks nothing
    if item.children[1:] and not bold.plain(rest).strip() \
            and not _nested_answer(item.children[1:]):
        return None  # an interview log's question over its follow-ups: no answer of its own
    if head and head[-1].type == "text" and text.endswith(_GOES_ON):
        # "5. …为啥那么效果更好，" then its answer: the comma led into the answer, not the card.
        text = text.rstrip("".join(_GOES_ON)).rstrip()
        head = [*head[:-1], *text_like(head[-1], head[-1].content.rstrip().rstrip(
            "".join(_GOES_ON)))]
        if not text:
            return None  # "5. ，": no question, and no card to leave empty
    return bold.BoldQuestion(head, rest, text, lines[0], NUMBERED_ENTRY, lines[1])


_INLINE_ANSWER = re.compile(r"：\s*\S|:\s+\S")
"""A label and its answer on one line ("什么时候用BN：batch较大时", "Optimiser: Adam");
an ASCII colon needs a space after it (a URL, a time, ``std::vector`` are no label)."""


def _sound_entry(entry: bold.BoldQuestion, item: SyntaxTreeNode) -> bool:
    """An entry a card can be made of as it reads: no label with its answer beside it on
    its line, and, when nothing answers it, a question by how it ends ("xgb和lgb的区别")
    rather than a step or a statement with an asking word inside ("检查算子是否支持",
    "Can be slow on CPU"): the list of such an entry is one card, so its text is kept."""
    text = entry.text
    if _INLINE_ANSWER.search(text) and not asks_as_it_ends(text) \
            and not is_asked_line(text):
        return False
    answered = bool(bold.plain(entry.rest).strip()) or len(item.children) > 1 \
        or any(node.type == "image" for node in entry.rest)
    return answered or asks_as_it_ends(text)


def _words(nodes: Sequence[SyntaxTreeNode]) -> str:
    """The plain text of inline nodes without their pictures' alt text."""
    return "".join("" if node.type == "image" else _words(node.children) if node.children
                   else bold.plain([node]) for node in nodes)


def _first_line(item: SyntaxTreeNode
                ) -> tuple[tuple[int, int], list[SyntaxTreeNode], list[SyntaxTreeNode], str] | None:
    """An item's first paragraph parted at its first line's end: the paragraph's 1-based
    first and last lines, the line's inline nodes, the rest's, and the line's plain text;
    None when no paragraph opens the item."""
    if item.type != "list_item" or not item.children:
        return None
    first = item.children[0]
    if first.type != "paragraph" or not first.children or not first.map:
        return None
    children = list(first.children[0].children)
    cut = line_end(children)
    lines = (first.map[0] + 1, first.map[1])
    return lines, children[:cut], children[cut + 1:], bold.plain(children[:cut]).strip()


def _nested_answer(nested: Sequence[SyntaxTreeNode]) -> bool:
    """Blocks nested under an item answer it, unless they are only lists of questions
    (an interview log's follow-ups)."""
    for block in nested:
        if block.type not in _LISTS:
            return True
        if any(item_question(item) is None and not _asks_alone(item) and not _blank(item)
               for item in block.children):
            return True
    return False


def _folds_answer(item: SyntaxTreeNode) -> bool:
    """The item's first nested block is an HTML ``<details>`` box: its answer, folded."""
    return len(item.children) > 1 and item.children[1].type == CALLOUT \
        and item.children[1].meta.get(CALLOUT_META, {}).get("syntax") == "html"


_FOLLOW_UP_MAX = 120
"""Longest nested item, without a question mark, taken for a follow-up question: longer
ones are sentences of the answer ("When we want to know how well…, we use a test set.")."""


def _asks_alone(item: SyntaxTreeNode) -> bool:
    first = item.children[0] if item.children else None
    if first is None or first.type != "paragraph" or not first.children:
        return False
    text = bold.plain(list(first.children[0].children)).strip()
    if not any(mark in text for mark in QUESTION_MARKS) and (
            len(text) > _FOLLOW_UP_MAX or text.endswith((".", "。"))):
        return False  # a sentence that opens with "When …": the answer's own
    return asks_outright(text)


def _blank(item: SyntaxTreeNode) -> bool:
    """An item the author left without text (``2.``, a number waiting for its question)."""
    return not any(child.type != "paragraph" or bold.plain(
        list(child.children[0].children) if child.children else []).strip()
        for child in item.children)


def structure_notes(path: str, kept: Sequence[tuple[int, str, Sequence[tuple[int, str]]]],
                    labels: frozenset[int]) -> list[Diagnostic]:
    """The notes for what the file's reading set apart: headings kept as one card though
    items under them ask and answer (``kept``), and an answer's numbered points
    (``labels``, ``builder.parse.leadinlabels``)."""
    return [*kept_notes(path, kept), *([labels_note(path, labels)] if labels else [])]


def kept_notes(path: str, kept: Sequence[tuple[int, str, Sequence[tuple[int, str]]]]
               ) -> list[Diagnostic]:
    """The notes for the headings kept as one card though items under them ask and answer."""
    return [_kept_note(path, line, heading, asking) for line, heading, asking in kept]


def _kept_note(path: str, line: int, heading: str, asking: Sequence[tuple[int, str]]
               ) -> Diagnostic:
    return Diagnostic(
        SourceLoc(path, line), "note",
        f"{len(asking)} list items under '{heading[:60]}' ask and carry an answer "
        f"({_listed(asking)}), beside other items or text: kept in this one card; give "
        "each question a heading or a bold line of its own to make it a card",
        "list-questions")


_SHOWN = 3
"""Questions a ``list-questions`` note names; it counts the rest."""


def _listed(asking: Sequence[tuple[int, str]]) -> str:
    """The questions a note names: ``line 5: a. BERT双向…; line 7: …`` and how many more."""
    shown = "; ".join(f"line {at}: {text[:40]}" for at, text in asking[:_SHOWN])
    more = f" and {len(asking) - _SHOWN} more" if len(asking) > _SHOWN else ""
    return shown + more


_LETTERED = re.compile(r"[A-Za-z][.．)）、]\s*(?![A-Za-z][.．])\S")
"""A line opening with a letter as a list's number (``a. ``, ``b)``, ``c、``): no list
marker in CommonMark, so such lines are one paragraph parted by line breaks.  ``e.g.``
and ``i.e.`` open sentences, not items."""


def lettered_notes(tokens: Sequence[Token], path: str) -> list[Diagnostic]:
    """A note at each paragraph holding ``GROUP_MIN`` or more lettered lines that ask and are
    answered on the lines after them (``a. BERT双向体现在什么地方？␠␠⏎answer``): one card
    of many questions, which of its lettered lines are questions being a guess."""
    notes: list[Diagnostic] = []
    for token in tokens:
        if token.type != "inline" or not token.map or not token.children \
                or not any(c.type in LINE_BREAKS for c in token.children):
            continue
        lines = _lines(token.children)
        asking = [(token.map[0] + 1 + at, text) for at, text in enumerate(lines)
                  if _LETTERED.match(text) and text.rstrip().endswith(("?", "？"))
                  and at + 1 < len(lines) and lines[at + 1].strip()
                  and not _LETTERED.match(lines[at + 1])]
        if len(asking) >= GROUP_MIN:
            notes.append(Diagnostic(
                SourceLoc(path, asking[0][0]), "note",
                f"{len(asking)} lettered lines ask and are answered on the lines after them "
                f"({_listed(asking)}), in one paragraph: kept in one card; give each "
                "question a heading, a list item or a bold line of its own to make it a card",
                "list-questions"))
    return notes


def _lines(children: Sequence[Token]) -> list[str]:
    """The text of a paragraph's lines, parted at its line breaks."""
    lines = [""]
    for child in children:
        if child.type in LINE_BREAKS:
            lines.append("")
        elif child.type in ("text", "code_inline"):
            lines[-1] += child.content
    return lines
