"""Which blocks of a file are its sections and questions, read from the file itself.

Notes mark questions many ways: ``###`` under ``##``, ``##`` under one ``#`` title,
``####`` under numbered ``###`` groups, bold lines, one question per file.  This module
looks at a file's top-level blocks (markdown-it's syntax tree) and chooses, unless front
matter or options say otherwise:

* the question level: of the heading levels whose headings mostly read as questions
  (``?``, ``Q:``, numbering, question words) and carry an answer (a block right below
  them), the one with the most such headings; failing that, the level with the most
  headings that carry an answer;
* the section level: the shallowest level above it that has headings, a lone first
  ``#`` heading being the file's title;
* questions at several levels, when most headings above that level carry answers of
  their own: then every heading with an answer is a question;
* the style: bold-line questions when they outnumber the heading questions;
* one question per file: a lone ``#`` title whose other headings are parts of one answer.

Each choice carries its reasons, for ``check --explain-structure``.  The choice only
grows more certain when a question like the others is added, so adding one never
changes what the other questions are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from markdown_it.tree import SyntaxTreeNode

from builder.parse.options import AUTO, FILE, ParseOptions, level_setting
from builder.parse.phrases import asks_outright, asks_plainly, is_answer_part
from builder.parse.questionpart import QuestionPart, find_question_part
from builder.parse.strays import Strays, SurveyedHeading, asking_lists, find, say_items
from builder.parse.survey import Survey, survey, title_of

__all__ = ["NO_HEADING", "Structure", "Survey", "SurveyedHeading", "detect", "file_structure",
           "survey"]

NO_HEADING = 7
"""Question level of a file whose questions are not headings: every heading is above it."""
MIXED_LEVEL = 6
"""Question level recorded for questions at several levels (the deepest heading)."""
MIXED_MIN = 3
MIXED_SHARE = 0.6
"""Share (and least number) of the would-be section headings that must carry answers
of their own for every answered heading to be a question."""
QUESTION_SHARE = 0.5
"""Share of a level's headings that must read as answered questions for it to be chosen."""


@dataclass(frozen=True)
class Structure:
    """The levels and style a file is read with, and why."""

    section_level: int
    question_level: int
    """A heading level; NO_HEADING for bold questions; 0 for a file that is one question
    with no title heading (then every heading is part of the answer)."""
    style: str
    """``heading``, ``bold``, ``file`` or ``mixed`` (every heading with an answer)."""
    toc_lines: frozenset[int] = frozenset()
    """0-based first lines of top-level blocks that make up a table of contents."""
    reasons: tuple[str, ...] = ()
    detected: bool = False
    """Chosen by looking at the file (not by front matter or options)."""
    lead_ins: bool = False
    """Bold questions include lines that open with a bold number (``**1)** …``)."""
    labels: frozenset[int] = frozenset()
    """With ``lead_ins``: 1-based lines of such lines that label an answer's points."""
    answered: frozenset[int] = frozenset()
    """Lines of plain questions marked by the answer label under them (``答案：``)."""
    loose: bool = True
    """Style ``bold``: every whole bold line is a question (not where most questions are
    marked by their answer's label: there a bold line inside an answer stays in it)."""
    question_lines: frozenset[int] = frozenset()
    """Style ``mixed``: 1-based lines of the headings that are questions."""
    part_lines: frozenset[int] = frozenset()
    """Style ``mixed``: lines of headings that stay inside the answer above them."""
    strays: Strays = field(default_factory=Strays)
    bold_kinds: str = "bold lines"  # style bold: bold lines, asking callouts, or both
    """Styles ``heading`` and ``bold``: questions outside the chosen level
    (``builder.parse.strays``)."""
    question_part: QuestionPart | None = None
    """Style ``file``: the ``## 问题`` heading that states the question, if any."""
    outline: bool = False
    """List items tagged ``#card`` are questions, their nested blocks the answers
    (``builder.parse.outlinecards``)."""

    @property
    def bold(self) -> bool:
        return self.style == "bold"

    def summary(self) -> str:
        """Say in a few words how the file is read: ``sections ##, questions ###``."""
        if self.style == "file":
            return "one question per file"
        if self.style == "mixed":
            return (f"sections and questions at levels {'#' * self.section_level} and deeper "
                    "(a heading with an answer is a question)")
        questions = self.bold_kinds if self.bold else "#" * self.question_level
        if self.section_level >= self.question_level or self.section_level < 1:
            return f"no sections, questions {questions}"
        return f"sections {'#' * self.section_level}, questions {questions}"


def detect(nodes: Sequence[SyntaxTreeNode], anchors: set[str], *, section: int | str,
           question: int | str, style: str, path: str = "") -> Structure:
    """Choose how a file is read; ``section``/``question``: a level or ``auto``
    (``question`` also ``file``), ``style``: ``auto``, ``heading`` or ``bold``; ``path``:
    the file's (links to it by name are links to its headings)."""
    found = survey(nodes, anchors, path)
    toc = frozenset(found.toc_lines)
    part = find_question_part([n for n in nodes if n.type != "front_matter"])
    if question == FILE:
        return _file(found, toc, ("question level 'file' was asked for",), part=part)
    if part is not None and AUTO == question == section == style:
        return _file(found, toc, ("the first heading says the question is under it (问题, "
                                  "Question): the file is one question",), True, part=part)
    if isinstance(question, int):
        if style == "bold":
            return Structure(min(int(section) if section != AUTO else 1, question), NO_HEADING,
                             "bold", toc, ("question style 'bold' was asked for",))
        low = int(section) if section != AUTO else min(2, question - 1)
        return Structure(low, question, "heading", toc, (
            f"question level {question} was asked for",))
    asked = int(section) if section != AUTO else None
    by_level = _by_level(found.headings, asked or 0)
    level, why = _question_level(by_level)
    reading, questions = _by_headings(found, toc, level, why, asked)
    lead_ins = _lead_ins(found, by_level.get(level or 0, []), why)
    others = found.bold_lead_ins if lead_ins else found.bold_questions
    cards = flashcards(found.outline_cards, others + questions, bool(found.headings))
    bold_count = others + cards
    if style == "bold" or (style == AUTO and bold_count > questions):
        kinds = _bold_and_callouts(bold_count, found.callout_questions,
                                   outline=cards)
        why = (f"{kinds} read as "
               f"questions, more than the {questions} heading(s) that do",)
        if style == "bold":
            why = ("question style 'bold' was asked for",)
        chosen = Structure(asked or _section_level(found.headings, NO_HEADING), NO_HEADING,
                           "bold", toc, why, detected=True, lead_ins=lead_ins,
                           labels=found.lead_in_labels, answered=found.answered,
                           loose=not found.answered or 2 * len(found.answered) < bold_count,
                           bold_kinds=_bold_and_callouts(max(bold_count, 1),
                                                         found.callout_questions, how_many=False,
                                                         outline=cards),
                           outline=cards > 0)
        return _with_strays(chosen, found) if style == AUTO else chosen
    if reading is not None:
        return _with_strays(reading, found) if style == AUTO else reading
    return Structure(asked or 2, max(3, (asked or 2) + 1), "heading", toc,
                     ("no heading carries an answer; using the defaults",), detected=True)


def flashcards(cards: int, others: int, headed: bool) -> int:
    """The flashcard-tool cards that decide the reading: none when the file's other
    questions outnumber them; a single one only in a file of no other question and no
    heading (``headed``).  One ``x : y ⚡️`` or ``#card`` line in notes of another kind is
    the author's text, not a flashcard tool's file (a real one holds many cards, and
    rarely more questions of any other kind); under a title the file is one question.  A
    Logseq page (no heading outside its outline) of one ``#card`` block is that card."""
    return cards if cards >= others and (cards >= 2 or not (others or headed)) else 0


def _bold_and_callouts(count: int, callouts: int, *, how_many: bool = True,
                       outline: int = 0) -> str:
    """``count`` questions outside headings said as what they are: bold lines, callouts,
    ``#card`` items (``how_many`` off: only the kinds)."""
    kinds = (("bold line", count - callouts - outline), ("asking callout", callouts),
             ("flashcard-tool card", outline))
    return " and ".join(f"{n} {kind}(s)" if how_many else f"{kind}s"
                        for kind, n in kinds if n > 0)


def _with_strays(chosen: Structure, found: Survey) -> Structure:
    """``chosen``, with the questions that stand outside its level (``strays.find``)."""
    if chosen.style == "mixed":
        return _with_asking_lists(chosen, found)
    if chosen.style not in ("heading", "bold"):
        return chosen
    strays = find(found.headings, found.bold_notes.intro, chosen.question_level,
                  title_of(found.headings), bold_style=chosen.bold)
    if chosen.bold and found.colon_lines:
        strays = replace(strays, bold=strays.bold | found.colon_lines, reasons=(
            *strays.reasons, f"{len(found.colon_lines)} bold line(s) ending in a colon are "
            "questions: numbered on from the bold question before them"))
    return replace(chosen, strays=strays, reasons=chosen.reasons + strays.reasons,
                   answered=found.answered)


def _with_asking_lists(chosen: Structure, found: Survey) -> Structure:
    """Questions at several levels: a question heading whose list items all ask and carry
    an answer is their section (``builder.parse.askingitems``)."""
    grouped, kept = asking_lists([h for h in found.headings if h.line in chosen.question_lines])
    if not grouped and not kept:
        return chosen
    items = frozenset(line for h in grouped.values() for line, _ in h.items.questions)
    strays = Strays(bold=items, groups=frozenset(grouped), kept_lists=kept)
    return replace(chosen, strays=strays, reasons=chosen.reasons + say_items(grouped),
                   question_lines=chosen.question_lines - frozenset(grouped))


def _by_headings(found: Survey, toc: frozenset[int], level: int | None,
                 why: tuple[str, ...], asked: int | None) -> tuple[Structure | None, int]:
    """The reading by headings, and how many questions it finds (to weigh bold lines
    against): one question per file, questions at several levels, or at one."""
    asking = _askingtitle_of(found.headings)
    if asking is not None and asked is None:
        return _file(found, toc, (asking,), detected=True), 1
    if level is None or why[0].startswith("no level"):
        shape = _one_answer(found)
        if shape is not None:
            return _file(found, toc, (shape,), detected=True), 0
    if level is None:
        return None, 0
    title = title_of(found.headings)
    if level == 1 and title is not None and not (len(found.headings) == 1
                                                 and title.items.grouped):
        return _file(found, toc, (*why, "the only # heading is the title: the file is one "
                                  "question"), detected=True), 1
    low = asked or _section_level(found.headings, level)
    mixed = _mixed(found.headings, low, level)
    if mixed is not None:
        questions, parts, reason = mixed
        return Structure(low, MIXED_LEVEL, "mixed", toc, (*why, reason), detected=True,
                         question_lines=questions, part_lines=parts), len(questions)
    at_level = [h for h in found.headings if h.level == level]
    heading_questions = sum(h.is_question for h in at_level)
    if why[0].startswith("no level"):
        # No level reads as questions: each heading with an answer of its own is a card
        # all the same.  When a reading by bold lines would make no more cards than these
        # topics (one bold question deep in textbook notes), the topics are the cards.  A
        # heading over bold lines or asking boxes (``## Topic`` then ``**Q1?**``) groups
        # them: no topic.
        topics = sum(h.answered and not (h.loose_bold or h.asking_boxes)
                     and not is_answer_part(h.text) for h in at_level)
        if sum(h.loose_bold + h.asking_boxes for h in found.headings) <= topics:
            heading_questions = max(heading_questions, topics)
    return Structure(low, level, "heading", toc, why, detected=True), heading_questions


def _mixed(headings: list[SurveyedHeading], low: int, level: int
           ) -> tuple[frozenset[int], frozenset[int], str] | None:
    """Questions at several levels: when the headings that should group the questions
    mostly carry answers of their own (notes that grew topic by topic), every heading
    that carries an answer is a question, and a heading without one is a section.

    Returns the questions' lines, the lines of headings that stay inside an answer
    (parts such as "原理", or deeper headings without text of their own), and why."""
    title = title_of(headings)
    groups = [h for h in headings if low <= h.level < level and h is not title]
    answered = sum(h.answered and not is_answer_part(h.text) for h in groups)
    if answered < MIXED_MIN or answered < MIXED_SHARE * len(groups):
        return None
    questions: set[int] = set()
    parts: set[int] = set()
    open_level: int | None = None
    open_asks = open_answered = False
    for heading in headings:
        # A heading that asks outright and answers only in sub-headings ("## 2. Function
        # Call 是怎么训练的？" then "### 任务定义", "### LiteLLM 是什么？") carries its
        # answer as it does at one level: all of them are its parts. Under one that asks
        # with an answer of its own, a sub-heading that asks outright is a question.
        asks = asks_outright(heading.text)
        carries = heading.answered or (heading.answered_below and asks)
        if heading is title or heading.level < low:
            open_level = None
        elif open_level is not None and heading.level > open_level and (
                (open_asks and not (asks and open_answered)) or is_answer_part(heading.text)
                or not carries):
            parts.add(heading.line)
        elif carries:
            questions.add(heading.line)
            open_level, open_asks, open_answered = heading.level, asks, heading.answered
        else:
            open_level = None
    return frozenset(questions), frozenset(parts), (
        f"{answered} of the {len(groups)} headings above {'#' * level} carry an answer of "
        "their own: every heading with an answer is a question, one without is a section")


def _lead_ins(found: Survey, fallback: list[SurveyedHeading], why: tuple[str, ...]) -> bool:
    """Whether lines opening with a bold number (``**1)** …``) are questions: only where no
    heading level reads as questions (inside answers such lines number points), and
    only when they outnumber the headings that carry an answer."""
    if why and not why[0].startswith(("no level", "no heading")):
        return False
    answered = sum(h.answered and not is_answer_part(h.text) for h in fallback)
    return found.bold_lead_ins > max(answered, found.bold_questions)


def _by_level(headings: list[SurveyedHeading], above: int) -> dict[int, list[SurveyedHeading]]:
    levels: dict[int, list[SurveyedHeading]] = {}
    for heading in headings:
        if heading.level > above:
            levels.setdefault(heading.level, []).append(heading)
    return dict(sorted(levels.items()))


def _question_level(by_level: dict[int, list[SurveyedHeading]]
                    ) -> tuple[int | None, tuple[str, ...]]:
    """The shallowest level whose headings mostly read as answered questions."""
    shares = {level: sum(h.is_question for h in hs) / len(hs) for level, hs in by_level.items()}
    chosen = [level for level, share in shares.items() if share >= QUESTION_SHARE]
    # A lone heading that reads as a question ("# What is X?") over a level of several
    # is the file's title.
    first = next(iter(by_level.values()))[0] if by_level else None
    first = min((hs[0] for hs in by_level.values()), key=lambda h: h.line, default=first)
    while len(chosen) > 1 and by_level[chosen[0]] == [first]:
        chosen.pop(0)
    if chosen:
        # The level with the most question evidence; a number alone is weaker evidence
        # than a question mark or word (answers number their steps too).
        level = max(chosen, key=lambda lv: (_evidence(by_level[lv]), -lv))
        headings = by_level[level]
        reasons = Counter(h.reason for h in headings if h.is_question)
        how = ", ".join(f"{n} {r}" for r, n in reasons.most_common())
        return level, (f"{'#' * level}: {sum(reasons.values())} of {len(headings)} headings "
                       f"read as questions and carry an answer ({how})",)
    # Sections group questions, so there are at least as many questions: on a tie the
    # deeper level.  Headings naming a part of an answer ("原理") do not count.
    answered = {level: sum(h.answered and not is_answer_part(h.text) for h in hs)
                for level, hs in by_level.items()}
    best = max(answered.values(), default=0)
    if best == 0:
        return None, ("no heading carries an answer",)
    level = max(level for level, n in answered.items() if n == best)
    return level, (f"no level reads as questions; {'#' * level} has the most headings with "
                   f"an answer ({best})",)


def _evidence(headings: list[SurveyedHeading]) -> float:
    return sum(0.5 if h.reason == "numbered" else 1.0 for h in headings if h.is_question)


def _askingtitle_of(headings: list[SurveyedHeading]) -> str | None:
    """Why the file is one question, its title, when the title asks plainly ("1. 如何处理
    缺失值", "…为什么…？") and no other heading asks: those name parts of its answer
    ("1) 缺失值较多"), numbered as they may be."""
    title = title_of(headings)
    if title is None or len(headings) < 2 or not asks_plainly(title.text) \
            or any(asks_outright(h.text) for h in headings if h is not title):
        return None
    return "the only # heading asks and no other heading does: the rest is its answer"


def _section_level(headings: list[SurveyedHeading], question_level: int) -> int:
    title = title_of(headings)
    above = {h.level for h in headings if h.level < question_level and h is not title}
    return min(above) if above else question_level


def _one_answer(found: Survey) -> str | None:
    """Why the file reads as one question with one answer, or None when it does not."""
    title = title_of(found.headings)
    if not found.headings:
        return "no headings and no bold questions: the file is one answer" \
            if found.has_content else None
    if title is None:
        return None
    below = [h for h in found.headings if h is not title]
    # The level right under the title: deeper ones may name parts of each question's answer.
    top = min((h.level for h in below), default=0)  # once: per heading, 10,000 took 40 s
    parts = [h for h in below if h.level == top]
    if title.reason is not None and title.reason not in ("numbered",):
        return f"the only # heading reads as a question ({title.reason}); the rest is its answer"
    if not parts and not title.items.grouped:  # a list of questions: each a card
        return "the only heading is the # title; the rest is its answer"
    if parts and sum(is_answer_part(h.text) for h in parts) * 2 >= len(parts):
        return "the # title's sub-headings name parts of one answer (原理, Implementation, …)"
    return None


def _file(found: Survey, toc: frozenset[int], why: tuple[str, ...], detected: bool = False,
          *, part: QuestionPart | None = None) -> Structure:
    level = 1 if title_of(found.headings) is not None else 0
    return Structure(level, level, "file", toc, why, detected, question_part=part)


def file_structure(tree: SyntaxTreeNode, anchors: set[str], front: dict[str, object],
                   options: ParseOptions, path: str = "") -> Structure:
    """Choose how a file is read: front matter over options over what the file shows
    (``anchors``: its headings', for telling a table of contents)."""
    return detect(tree.children, anchors, path=path,
                  section=level_setting(front.get("section_level", options.section_level)),
                  question=level_setting(front.get("question_level", options.question_level)),
                  style=str(front.get("question_style", options.question_style)))
