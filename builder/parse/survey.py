"""A file's top-level blocks read once for ``builder.parse.detect``: its headings (each
with whether it reads as a question and carries an answer), its bold and callout
questions, and its table of contents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from markdown_it.tree import SyntaxTreeNode

from builder.parse import bold, outlinecards
from builder.parse.answerlabels import asked_above, first_paragraphs
from builder.parse.callouts import asks, count_asking
from builder.parse.colonquestions import numbered_colon_lines
from builder.parse.headings import EXPLICIT_ID
from builder.parse.leadinlabels import lead_in_labels
from builder.parse.leftovers import shows_nothing
from builder.parse.phrases import question_reason
from builder.parse.strays import GROUP_MIN, BoldNotes, SurveyedHeading
from builder.parse.tocfind import toc_blocks

ASKING_REASONS = ("ends in ?", "starts with Q:", "starts with a question word",
                  "has a question word")
"""The reasons a heading asks outright, as ``question_reason`` gives them."""


@dataclass
class Survey:
    """What the file's top-level blocks hold."""

    headings: list[SurveyedHeading] = field(default_factory=list)
    bold_questions: int = 0
    bold_lead_ins: int = 0
    """Bold questions counting lines that open with a bold number (``**1)** …``)."""
    callout_questions: int = 0
    """Of ``bold_questions`` (and ``bold_lead_ins``), the callouts that ask."""
    has_content: bool = False
    toc_lines: set[int] = field(default_factory=set)
    bold_notes: BoldNotes = field(default_factory=BoldNotes)
    """The bold lines that ask outright, for ``builder.parse.strays``."""
    outline_cards: int = 0
    """List items tagged ``#card`` at any depth of the top-level lists (Logseq's
    flashcards, ``builder.parse.outlinecards``): questions as bold lines are."""
    lead_in_labels: frozenset[int] = frozenset()
    """Lines opening with a bold number that label an answer's points, left out of
    ``bold_lead_ins`` (``builder.parse.leadinlabels``)."""
    answered: frozenset[int] = frozenset()
    """First lines of plain questions marked by the answer label under them (``答案：``,
    ``builder.parse.answerlabels``)."""
    free: list[SyntaxTreeNode] = field(default_factory=list, repr=False)
    """The top-level blocks whose bold lines vote for bold style (none under a heading
    that asks)."""

    @cached_property
    def colon_lines(self) -> frozenset[int]:
        """Colon-ended bold lines numbered on from the bold questions before them
        (``builder.parse.colonquestions``): questions in a file of bold questions.  Read
        only when asked: only a file read by its bold questions asks (a second reading of
        every bold line, for nothing in a file of heading questions)."""
        if self.bold_questions == self.callout_questions:  # no bold question
            return frozenset()
        return numbered_colon_lines(self.free)


def survey(nodes: Sequence[SyntaxTreeNode], anchors: set[str], path: str = "") -> Survey:
    """Read the top-level blocks once: headings (answered or not), bold questions, TOC
    (``path``: the file's, which links to it may name)."""
    found = Survey(toc_lines=toc_blocks(nodes, anchors, past_the_file=True, path=path))
    kept = [n for n in nodes if n.type != "front_matter"
            and not (n.map and n.map[0] in found.toc_lines)
            and not (n.type == "html_block" and n.content.strip().startswith("<!--"))
            and not shows_nothing(n)]
    # Bold lines under a heading that reads as a question are part of its answer
    # ("**Why does it work?**" inside "### What is BN?"): they do not vote for bold style.
    free: list[SyntaxTreeNode] = []
    walked: list[SyntaxTreeNode] = []  # the free blocks and the headings that part them
    found.answered = asked_above(kept)
    voting: list[int] = []  # those above any heading but a title: they vote as bold lines
    open_levels: list[SurveyedHeading] = []  # the headings the next block is under
    for index, node in enumerate(kept):
        if node.type == "heading":
            walked.append(node)
            while open_levels and open_levels[-1].level >= int(node.tag[1:]):
                open_levels.pop()
            found.bold_notes.note(found.headings, None)
            found.headings.append(_heading(kept, index))
            open_levels.append(found.headings[-1])
            continue
        if not found.has_content and _has_text(node):
            found.has_content = True
        found.bold_notes.note(found.headings, node)
        labelled = _labelled(node, found.answered)
        if found.headings:
            found.headings[-1].items.note(node)
            found.headings[-1].labelled += labelled
        if len(found.headings) == 0 or (len(found.headings) == 1 and found.headings[0].level == 1):
            voting += labelled  # under a heading, the heading groups them (strays)
        if found.headings and asks(node):
            found.headings[-1].asking_boxes += 1
        # A numbered section ("## 1. Core Concepts") asks nothing: its bold lines vote; a
        # heading under one that asks ("### 📖 解析" under "## 第 1 题") holds its answer.
        # Even "# What is asked in interviews?", the file's first heading, holds no answer.
        titled = bool(open_levels) and open_levels[0] is found.headings[0] \
            and open_levels[0].level == 1
        if not any(h.reason in ASKING_REASONS for h in open_levels[1 if titled else 0:]):
            free.append(node)
            walked.append(node)
    found.bold_notes.note(found.headings, None)
    questions, lead_ins = bold.count(free, _voting_labels(found, voting))
    if lead_ins > questions:  # (only lead-ins to tell from labels: most files have none)
        found.lead_in_labels = lead_in_labels(walked)
        lead_ins -= len(found.lead_in_labels)
    # A callout that asks (``> [!faq] 为什么？``) is a question as a bold line is.
    asking = count_asking(free)
    found.bold_questions, found.bold_lead_ins = questions + asking, lead_ins + asking
    found.callout_questions, found.free = asking, free
    found.outline_cards = outlinecards.count(free)
    _mark_answered_below(found.headings)
    _mark_in_answer(found.headings)
    return found


def _voting_labels(found: Survey, voting: list[int]) -> frozenset[int]:
    """The labelled lines outside headings that mark questions.  One label among prose
    ("Answer: all of the above are true.") marks none: as under a heading that groups
    them, two or more must.  Nor does it count against the file's bold lines
    (``Structure.loose``): it is that prose's."""
    if len(voting) < GROUP_MIN:
        found.answered -= frozenset(voting)
        return frozenset()
    return frozenset(voting)


def _heading(kept: list[SyntaxTreeNode], index: int) -> SurveyedHeading:
    """The heading ``kept[index]`` as surveyed: its text, and whether an answer follows."""
    node = kept[index]
    following = index + 1  # a rule alone under a heading parts it off: no answer
    while following < len(kept) and kept[following].type == "hr":
        following += 1
    after = kept[following] if following < len(kept) else None
    text = bold.plain(node.children[0].children).strip() if node.children else ""
    text = EXPLICIT_ID.sub("", text)  # "### What is X? {#x}" asks all the same
    return SurveyedHeading(int(node.tag[1:]), text, node.map[0] + 1 if node.map else 0,
                           after is not None and after.type != "heading", question_reason(text))


def _mark_in_answer(headings: list[SurveyedHeading]) -> None:
    title = title_of(headings)
    open_levels: list[SurveyedHeading] = []
    for heading in headings:
        if heading is title:  # even "# What is asked in interviews?" holds no answer
            continue
        while open_levels and open_levels[-1].level >= heading.level:
            open_levels.pop()
        # Only a heading that asks holds an answer with parts: a numbered group with an
        # intro of its own ("## 1、基础" then a paragraph) still groups questions.
        parent = open_levels[-1] if open_levels else None
        heading.in_answer = parent is not None and (
            parent.in_answer or (parent.is_question and parent.reason in ASKING_REASONS))
        open_levels.append(heading)


def _mark_answered_below(headings: list[SurveyedHeading]) -> None:
    for index, heading in enumerate(headings):
        if heading.answered:
            continue
        # By index, not a slice: copying the rest for each heading was quadratic (100,000
        # unanswered headings took minutes).
        for position in range(index + 1, len(headings)):
            deeper = headings[position]
            if deeper.level <= heading.level:
                break
            if deeper.answered:
                heading.answered_below = True
                break


def _has_text(node: SyntaxTreeNode) -> bool:
    if node.type in ("image", "fence", "code_block", "math_block", "html_block"):
        return True
    if node.type == "text" and node.content.strip():
        return True
    return any(_has_text(child) for child in node.children)


def title_of(headings: list[SurveyedHeading]) -> SurveyedHeading | None:
    """The file's title: its first heading, when it is its only ``#`` one."""
    tops = [h for h in headings if h.level == 1]
    return tops[0] if len(tops) == 1 and headings[0] is tops[0] else None


def _labelled(node: SyntaxTreeNode, answered: frozenset[int]) -> list[int]:
    """The lines of ``node``'s questions marked by the answer label below them."""
    return [first.map[0] + 1 for first in first_paragraphs(node)
            if first.map and first.map[0] + 1 in answered]

