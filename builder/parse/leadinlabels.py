"""Numbered bold labels inside an answer: ``**1. 第一次握手：** 客户端发 SYN。``.

A line that opens with a bold number and goes on after it is a question in a file whose
questions are written so (``**2. Bias-variance:** error splits into …``, a "lead-in",
``builder.parse.bold``).  In a file of bold questions, the same shape also numbers the
points of an answer.  The numbers tell them apart: the file's questions count on
(1, 2, 3), while an answer's points start again at 1 under the question they answer.  So
a run of such lines numbered 1, 2, … that starts inside an answer, its number not the
next question's, is that answer's labels; its later lines too (``2.`` under question 1
reads both ways) unless what follows the run counts on from them instead of from the
question (``**3. …?**`` after a ``2.``: that ``2.`` was the next question).  Under a
question without a number, only a run closed by a whole bold question is labels: a file
may ask one question before its numbered ones.  A heading ends every answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it.tree import SyntaxTreeNode

from builder.parse import bold
from builder.parse.phrases import numbering

Number = tuple[int, ...]


def lead_in_labels(nodes: Sequence[SyntaxTreeNode]) -> frozenset[int]:
    """1-based lines of the lines among top-level ``nodes`` (headings included) that open
    with a bold number and are labels inside an answer, not questions."""
    walk = _Walk()
    for node in nodes:
        if node.type == "heading":
            walk.close(None)
            walk.question = None
            continue
        firsts = [node] if node.type == "paragraph" else [
            item.children[0] for item in node.children if item.children
        ] if node.type in ("bullet_list", "ordered_list") else []
        for first in firsts:
            found = bold.paragraph_question(first, lead_ins=True, loose=True)
            if found is not None:
                walk.meet(found)
    walk.close(None)
    return frozenset(walk.labels)


@dataclass
class _Walk:
    question: Number | None = None
    """The number of the question whose answer the walk is in (``()``: a question without
    one); None outside any answer."""
    run: list[tuple[int, Number]] = field(default_factory=list)
    """The lines of the run of numbered lines being read, and their numbers."""
    labels: set[int] = field(default_factory=set)

    def meet(self, found: bold.BoldQuestion) -> None:
        number = numbering(found.text)
        if not found.lead_in:
            self.close(number or None, whole=True)
            self.question = number
            return
        if self.run and _next(self.run[-1][1], number):
            self.run.append((found.line, number))
            return
        self.close(number)
        if self.question is not None and number[-1:] == (1,) \
                and not _next(self.question, number):
            self.run = [(found.line, number)]
        else:  # a question numbered as the next, or nothing to say otherwise
            self.question = number

    def close(self, after: Number | None, whole: bool = False) -> None:
        """Decide the run: ``after`` is the number of what follows it (None: nothing
        numbered, a heading, the file's end); ``whole``: a whole bold question follows."""
        run, self.run = self.run, []
        if not run or self.question is None:
            return
        if self.question == () and not whole:
            self.question = run[-1][1]  # no evidence: the lines stay questions
            return
        # The first line numbered as the next question is one if what follows counts on
        # from the run rather than from the question.
        turn = next((i for i, (_, number) in enumerate(run) if _next(self.question, number)),
                    len(run))
        if turn < len(run) and after is not None and _next(run[-1][1], after) \
                and not _next(self.question, after):
            self.labels.update(line for line, _ in run[:turn])
            self.question = run[-1][1]
            return
        self.labels.update(line for line, _ in run)


def _next(last: Number, number: Number) -> bool:
    """Whether ``number`` is numbered right after ``last`` (``2.4`` after ``2.3``)."""
    return bool(last) and len(number) == len(last) and number[:-1] == last[:-1] \
        and number[-1] == last[-1] + 1
