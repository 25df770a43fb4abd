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
may ask one question before its numbered ones.  A heading, a rule (``---``) and a whole
bold line that does not ask (``**Part B: Networking**``) end every answer.

A changed reading loses a user's review history, so the rule keeps the old reading (the
lines are questions) whenever it is unsure: a lead-in that asks (``**1. Trees:** when do
they win?``) is a question, and so is a run that reaches the next question's number with
nothing after it to say which count it follows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it.tree import SyntaxTreeNode

from builder.model import Diagnostic, SourceLoc
from builder.parse import bold
from builder.parse.foldednotes import named_lines
from builder.parse.phrases import numbering, question_reason

Number = tuple[int, ...]
_NUMBER = re.compile(r"\s*\d+(?:\.\d+)*[.)、:：．]?")
"""The number a line opens with (a single line's text, which the tokens isolated)."""


def lead_in_labels(nodes: Sequence[SyntaxTreeNode]) -> frozenset[int]:
    """1-based lines of the lines among top-level ``nodes`` (headings included) that open
    with a bold number and are labels inside an answer, not questions."""
    walk = _Walk()
    for node in nodes:
        if node.type in ("heading", "hr"):
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
        asks = _asks(found.text)
        if not found.lead_in:
            # A whole bold line that does not ask names a part (``**Part B: …**``): it ends
            # the answer, as a heading does, and numbering starts again under it.
            self.close(number or None, whole=True) if asks else self.close(None)
            self.question = number if asks else None
            return
        if asks:  # "**1. Trees:** when do they win?" asks: a question, whatever its number
            self.close(number)
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
        if turn < len(run):
            if after is not None and _next(run[-1][1], after) \
                    and not _next(self.question, after):
                self.labels.update(line for line, _ in run[:turn])
                self.question = run[-1][1]
                return
            if after is None or not _next(self.question, after):
                # Nothing after the run says which count it follows (the file's end, a
                # heading, a number of neither): the lines stay questions, as before.
                self.question = run[-1][1]
                return
        self.labels.update(line for line, _ in run)


def labels_note(path: str, labels: frozenset[int]) -> Diagnostic:
    """The file's one note naming the lines read as an answer's numbered points."""
    lines = sorted(labels)
    named = named_lines(lines)
    return Diagnostic(
        SourceLoc(path, lines[0]), "note",
        f"{len(lines)} line(s) opening with a bold number read as the numbered points of the "
        f"answer above them, not as questions (lines {named}): they number from 1 again "
        "inside an answer; to make one a card, end it with '?'", "numbered-points")


def _asks(text: str) -> bool:
    """Whether a line asks once its number is set aside ("1. Trees: when do they win?")."""
    return question_reason(_NUMBER.sub("", text, count=1)) is not None


def _next(last: Number, number: Number) -> bool:
    """Whether ``number`` is numbered right after ``last`` (``2.4`` after ``2.3``)."""
    return bool(last) and len(number) == len(last) and number[:-1] == last[:-1] \
        and number[-1] == last[-1] + 1
