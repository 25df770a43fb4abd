"""Questions outside the level a file chose: headings above it, bold lines among headings.

Notes grow: an author who asks ``###`` questions under ``##`` topics writes a few
``## 什么是参数范数惩罚？`` with the answer right below; one who asks in bold lines gives
the last few questions headings of their own; one who asks in ``####`` headings writes a
few as bold lines, or groups a handful of bold questions under ``#### 6.2 一些细节``.
``builder.parse.detect`` chooses the file's level and style; this module finds, from
what the survey recorded, the questions that stand outside it:

* **a heading above the question level** that asks outright (``asks_outright``: a
  question mark or an asking word, not a number or a topic's name), carries an answer of
  its own and has nothing under it that the walker would take for a question (no deeper
  heading, no bold question): it is a question, not a section of none;
* **a bold line that asks outright, among heading questions**, where it cannot be a
  point of an answer: in a section's introduction (before its first question); numbered
  as the question headings around it are (``**1.2 …？**`` between ``#### 1.1`` and
  ``#### 1.3``); or under a question heading that does not ask and opens with two or
  more of them (``#### 6.2 一些细节``), which then groups them as a section.

A bold line that asks inside the answer to a heading that asks (``### 什么是 BN？``,
then ``**为什么有效？**``) stays in that answer: it is a follow-up, answered there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it.tree import SyntaxTreeNode

from builder.parse import bold
from builder.parse.askingitems import ItemTally
from builder.parse.phrases import (
    asks_outright,
    asks_plainly,
    is_answer_part,
    is_label,
    numbering,
)

_ASKING = ("ends in ?", "starts with Q:", "starts with a question word", "has a question word")
GROUP_MIN = 2
"""Bold questions a heading that does not ask must open with to group them."""


@dataclass
class SurveyedHeading:
    level: int
    text: str
    line: int
    answered: bool
    """A block that is not a heading follows it."""
    reason: str | None
    answered_below: bool = False
    """Only deeper headings follow it, and they carry text (an answer in parts)."""
    in_answer: bool = False
    """It sits under a heading that is a question: a part of that answer ("### 1. 前向"
    under "## What is BN?"), however it reads."""
    asking_bold: list[tuple[int, str]] = field(default_factory=list)
    """Bold lines right under it (before any other heading) that ask outright: line, text."""
    opens_with_bold: bool = False
    """Its first block is a bold line that asks outright."""
    blocks: int = 0
    """Blocks right under it (before any other heading)."""
    loose_bold: int = 0
    """Blocks right under it that a file of bold questions would take for one."""
    asking_boxes: int = 0
    """Boxes right under it that ask (``> [!faq] …?``, a ``<details>`` whose summary asks):
    questions outside headings, as its bold lines are."""
    labelled: list[int] = field(default_factory=list)
    """Lines of the plain questions right under it marked by the answer label below them
    (``1. 请列举…`` then ``**答案：**``, ``builder.parse.answerlabels``)."""
    items: ItemTally = field(default_factory=ItemTally)
    """The list items right under it that ask and carry an answer, and the others."""

    @property
    def is_question(self) -> bool:
        if self.reason is None or self.in_answer:
            return False
        # A heading whose answer is all in sub-headings ("## 1. What is X?" then "### Idea")
        # needs a question mark or word: a numbered group ("### 1、基础") has them too.
        return self.answered or (self.answered_below and self.reason in _ASKING)


@dataclass
class BoldNotes:
    """The survey's record of bold lines that ask outright and carry an answer (a block
    of text after them, in their paragraph or list item or below), kept under the
    heading they follow; a heading's ``loose_bold`` and ``opens_with_bold`` too."""

    intro: list[tuple[int, str]] = field(default_factory=list)
    """Those above the first heading: line, text."""
    waiting: tuple[int, str] | None = None
    """A bold paragraph that asks, answered if a block other than a question follows."""

    def note(self, headings: list[SurveyedHeading], node: SyntaxTreeNode | None) -> None:
        """Take in the next top-level block under ``headings[-1]``; None: a heading."""
        firsts: list[SyntaxTreeNode] = []
        if node is not None and node.type == "paragraph":
            firsts = [node]
        elif node is not None and node.type in ("bullet_list", "ordered_list"):
            firsts = [item.children[0] for item in node.children if item.children]
        # Read once, lead-ins too: the loose count takes them, the asking lines do not.
        found = [bold.paragraph_question(first, True, loose=True) for first in firsts]
        asking = [q if q is not None and not q.lead_in and asks_outright(q.text) else None
                  for q in found]
        waiting, self.waiting = self.waiting, None
        if waiting is not None and node is not None and not (asking and asking[0]):
            self._keep(headings, waiting)  # answered by the block below it
        if node is None:
            return
        if headings:
            heading = headings[-1]
            heading.opens_with_bold = heading.opens_with_bold or (
                heading.blocks == 0 and bool(asking) and asking[0] is not None)
            heading.blocks += 1
            heading.loose_bold += sum(question is not None for question in found)
        for index, question in enumerate(asking):
            if question is None:
                continue
            if node.type == "paragraph" and not question.rest:
                self.waiting = (question.line, question.text)
                continue
            item = node.children[index] if node.type != "paragraph" else None
            # A list item's answer is its own nested blocks, else the items after it.
            if question.rest or (item is not None and len(item.children) > 1) or (
                    index + 1 < len(asking) and asking[index + 1] is None):
                self._keep(headings, (question.line, question.text))

    def _keep(self, headings: list[SurveyedHeading], question: tuple[int, str]) -> None:
        if headings:
            headings[-1].asking_bold.append(question)
        else:
            self.intro.append(question)


@dataclass(frozen=True)
class Strays:
    """The questions found outside the chosen level, and why."""

    headings: frozenset[int] = frozenset()
    """1-based lines of headings above the question level that are questions."""
    bold: frozenset[int] = frozenset()
    """1-based lines of bold lines that are questions in a file of heading questions."""
    groups: frozenset[int] = frozenset()
    """1-based lines of question-level headings that group bold questions (or the headings
    in ``deep``) as a section."""
    reasons: tuple[str, ...] = ()
    kept_lists: tuple[tuple[int, str, tuple[tuple[int, str], ...]], ...] = ()
    """Question headings kept as one card though list items under them ask and carry an
    answer among items that do not: line, text, the asking items (``list-questions``)."""
    deep: frozenset[int] = frozenset()
    """1-based lines of headings below the question level that are questions: those right
    under a group heading (``### 6.复读机问题`` over ``#### 6.1 什么是复读机问题？``)."""


def find(headings: Sequence[SurveyedHeading], intro_bold: Sequence[tuple[int, str]],
         question_level: int, title: SurveyedHeading | None, *, bold_style: bool) -> Strays:
    """The strays of a file read with questions at ``question_level`` (``bold_style``:
    bold lines, every heading above them); ``intro_bold``: asking bold lines above the
    first heading; ``title``: the file's title heading, never a question."""
    leaves = _leaf_questions(headings, question_level, title, bold_style)
    if bold_style:
        return Strays(leaves, reasons=_say_leaves(leaves, "bold questions"))
    bold: set[int] = {line for line, _ in intro_bold}
    groups: set[int] = set()
    deep: set[int] = set()
    for index, heading in enumerate(headings):
        if heading.level < question_level:
            if heading.line not in leaves:
                bold.update(line for line, _ in heading.asking_bold)
                bold.update(heading.labelled)
        elif heading.level == question_level and heading is not title:
            if len(heading.labelled) >= GROUP_MIN and heading.reason not in _ASKING:
                groups.add(heading.line)  # "### 1. HTML（7分）" over "1. 请解释…" "**答案：**"
                bold.update(heading.labelled)
            elif _groups(heading):
                groups.add(heading.line)
                bold.update(line for line, _ in heading.asking_bold)
            elif asking := _asking_children(headings, index):
                groups.add(heading.line)
                deep.update(asking)
            else:
                bold.update(_numbered_between(heading, _next_question(headings, index)))
    # A title over nothing but a list of asking items groups them as a ``##`` would.
    alone = len(headings) == 1 and title is not None
    grouped, kept = asking_lists(
        [h for h in headings if h.level == question_level and h.line not in groups
         and (h is not title or alone) and not h.in_answer])
    reasons = _say_leaves(leaves, "#" * question_level) + say_items(grouped)
    if bold:
        reasons += (f"{len(bold)} bold line(s) that ask are questions too: in a section's "
                    "introduction, numbered between the question headings, or grouped under "
                    "a heading that does not ask",)
    if deep:
        reasons += (f"{len(deep)} heading(s) below the {'#' * question_level} ask, grouped "
                    "under a heading that neither asks nor has text of its own: questions "
                    "too, in its section",)
    groups.update(grouped)
    bold.update(line for heading in grouped.values() for line, _ in heading.items.questions)
    return Strays(leaves, frozenset(bold), frozenset(groups), reasons, kept, frozenset(deep))


def asking_lists(headings: Sequence[SurveyedHeading]
                 ) -> tuple[dict[int, SurveyedHeading],
                            tuple[tuple[int, str, tuple[tuple[int, str], ...]], ...]]:
    """Of the headings that would be cards, those that group list items asking with an
    answer of their own (``builder.parse.askingitems``), by line; and those kept whole
    though several of their items ask and answer, for a note.  A heading that asks keeps
    its items as follow-ups."""
    grouped: dict[int, SurveyedHeading] = {}
    kept: list[tuple[int, str, tuple[tuple[int, str], ...]]] = []
    for heading in headings:
        if heading.items.grouped and not asks_outright(heading.text):
            grouped[heading.line] = heading
        elif heading.items.mixed and not asks_outright(heading.text):
            kept.append((heading.line, heading.text, tuple(heading.items.asking)))
    return grouped, tuple(kept)


def say_items(grouped: dict[int, SurveyedHeading]) -> tuple[str, ...]:
    if not grouped:
        return ()
    count = sum(len(heading.items.questions) for heading in grouped.values())
    return (f"{count} list item(s) that ask and carry an answer, or number a list of "
            f"questions, are questions: every item under {len(grouped)} heading(s) that do "
            "not ask",)


def _say_leaves(leaves: frozenset[int], below: str) -> tuple[str, ...]:
    if not leaves:
        return ()
    return (f"{len(leaves)} heading(s) above the {below} ask, carry an answer and have no "
            "questions under them: they are questions too",)


def _leaf_questions(headings: Sequence[SurveyedHeading], question_level: int,
                    title: SurveyedHeading | None, bold_style: bool) -> frozenset[int]:
    """Headings above the question level that ask, carry an answer and hold no question;
    one that asks only by an English opener, beside another such heading (a topic "When
    to use each type" among topics stays a section)."""
    candidates: dict[int, SurveyedHeading] = {}
    parents: dict[int, int] = {}
    open_levels: list[SurveyedHeading] = []
    for index, heading in enumerate(headings):
        while open_levels and open_levels[-1].level >= heading.level:
            open_levels.pop()
        parents[heading.line] = open_levels[-1].line if open_levels else 0
        open_levels.append(heading)
        after = headings[index + 1] if index + 1 < len(headings) else None
        leaf = after is None or after.level <= heading.level
        # In a file of bold questions any bold line asks; among headings, a bold question
        # below some text of the answer follows it up.
        holds = heading.loose_bold > 0 if bold_style else heading.opens_with_bold
        if heading is not title and heading.level < question_level and leaf \
                and heading.answered and not holds and asks_outright(heading.text) \
                and not is_answer_part(heading.text):
            candidates[heading.line] = heading
    siblings = Counter((parents[line], h.level) for line, h in candidates.items())
    return frozenset(line for line, heading in candidates.items()
                     if asks_plainly(heading.text) or siblings[(parents[line], heading.level)] > 1)


def _groups(heading: SurveyedHeading) -> bool:
    """A question heading that does not ask, and opens with bold lines that all ask, groups
    them (not a label such as "Question 3", which the line below it completes)."""
    return heading.opens_with_bold and len(heading.asking_bold) >= GROUP_MIN \
        and heading.loose_bold == len(heading.asking_bold) \
        and not asks_outright(heading.text) and not is_label(heading.text)


def _asking_children(headings: Sequence[SurveyedHeading], index: int) -> list[int]:
    """Lines of the headings a question heading groups as a section: it neither asks nor
    has text of its own, and the headings right under it, two or more, all ask outright
    and carry an answer (``### 6.LLMs复读机问题`` over ``#### 6.1 什么是复读机问题？``,
    ``#### 6.2 为什么会出现？``): its questions, as bold lines under ``#### 6.2 一些细节``."""
    heading = headings[index]
    if heading.answered or asks_outright(heading.text):
        return []
    below: list[SurveyedHeading] = []
    for after in range(index + 1, len(headings)):
        if headings[after].level <= heading.level:
            break
        below.append(headings[after])
    top = min((h.level for h in below), default=0)
    under = [h for h in below if h.level == top]
    if len(under) < GROUP_MIN or not all(
            asks_outright(h.text) and (h.answered or h.answered_below) for h in under):
        return []
    return [h.line for h in under]


def _next_question(headings: Sequence[SurveyedHeading], index: int) -> SurveyedHeading | None:
    level = headings[index].level
    for after in range(index + 1, len(headings)):  # (a slice copied the rest: quadratic)
        heading = headings[after]
        if heading.level < level:
            return None
        if heading.level == level:
            return heading
    return None


def _numbered_between(heading: SurveyedHeading, following: SurveyedHeading | None
                      ) -> list[int]:
    """Bold questions in a heading's answer numbered as its siblings: ``1.2`` after the
    heading ``1.1`` (and before a heading ``1.3``, or right after ``1.1`` at the end)."""
    last = numbering(heading.text)
    upper = numbering(following.text) if following is not None else ()
    if not last:
        return []
    found: list[int] = []
    for line, text in heading.asking_bold:
        number = numbering(text)
        if len(number) != len(last) or number[:-1] != last[:-1]:
            continue
        if len(upper) == len(last) and upper[:-1] == last[:-1]:
            fits = last[-1] < number[-1] < upper[-1]
        else:
            fits = number[-1] == last[-1] + 1
        if fits:
            found.append(line)
            last = number
    return found
