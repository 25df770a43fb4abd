"""The walker's handling of questions that are not one heading level (issue 16).

Bold-line questions (paragraphs and list items), questions at several heading levels,
and answers that only hold a place.  ``builder.parse.document.Walker`` mixes this in: it keeps
the cards and sections, and calls here when ``builder.parse.detect`` chose such a reading.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from markdown_it.tree import SyntaxTreeNode

from builder.model import Node, Section, SourceLoc, plain_text, walk_all
from builder.parse import bold
from builder.parse.answerlabels import LABELLED
from builder.parse.askingitems import ASKING_ITEM, NUMBERED_ENTRY, item_question, numbered_entry
from builder.parse.callouts import CALLOUT_META, asks
from builder.parse.detect import Structure
from builder.parse.headings import first_column
from builder.parse.markdown import NodeBuilder
from builder.parse.phrases import (
    QUESTION_MARKS,
    is_label,
    is_placeholder,
    label_prefix,
    question_reason,
    unnumbered,
)
from builder.parse.questiontext import readable_text

PLACEHOLDER_MAX = 40
"""Longest answer text (characters) read as a possible placeholder."""
# An answer made only of these can be a placeholder ("TODO", "- [ ] 待补充").
# A rule after it ("---" between generated questions) shows nothing.
_PLAIN_KINDS = {"paragraph", "bullet_list", "ordered_list", "list_item", "text", "softbreak",
                "hardbreak", "strong", "em", "s", "hr"}


@dataclass(frozen=True)
class Pending:
    """A question whose answer is being gathered."""

    inlines: list[SyntaxTreeNode]
    """Its inline nodes: a heading's, or those of a bold line."""
    line: int
    col: int
    named: str | None = None
    """The question's text when no markup holds it (a file that is one question)."""
    end_line: int = 0
    """The question's own last line (a heading's, or a bold line's); 0 when it has none."""
    label: str = ""
    """The text of a heading that only numbers the question ("Question 1: "), put before it."""
    callout: bool = False
    """The question is a callout's title (``> [!faq] 为什么？``): its answer its body and
    the blocks after it, up to the next question (a callout that asks is one)."""
    tags: tuple[str, ...] = ()
    """The card's own tags: those ending a line tagged as a card (``#flashcard #physics``)."""
    reason: str = ""
    """How a bold-line question was found (``BoldQuestion.reason``)."""
    box_column: int = 0
    """An admonition's head column (``??? question "…"``); 0 for any other question."""


def _chosen_item(item: SyntaxTreeNode, chosen: frozenset[int] | None
                 ) -> bold.BoldQuestion | None:
    """A list item that asks with an answer of its own, when its line was chosen as a
    question (``builder.parse.askingitems``)."""
    if not chosen or not item.children or not item.children[0].map \
            or item.children[0].map[0] + 1 not in chosen:
        return None
    return item_question(item) or numbered_entry(item)


def _ends_its_card(items: list[tuple[SyntaxTreeNode, bold.BoldQuestion | None]]) -> bool:
    """Whether a list's last item ends its card with the list (its answer being its own
    nested blocks), or the blocks after the list go on answering it."""
    item, found = items[-1]
    # The answer of a card parted by a "?" line goes on, as in Obsidian, up to the next
    # question: a fence or a list at the item's margin ends the item, not the card. So
    # does the answer of an item that asks (``01. …？␠␠⏎answer``) under a heading of such
    # items, of a line marked by the answer label below it, and of the last item saying
    # it asks with nothing under it ("- **Question**: two sum" ending a note's fields).
    if found is None:
        return True
    # Only the one item that asks: in a list of "- Q: …" items the text after the list is
    # no answer of its last.
    asked_alone = found.reason == bold.ASKED_LINE and not found.rest \
        and len(item.children) == 1 and not any(other for _, other in items[:-1])
    return found.reason not in (bold.SEPARATED, ASKING_ITEM, NUMBERED_ENTRY, LABELLED) \
        and not asked_alone


def placeholder_of(answer: tuple[Node, ...]) -> str | None:
    """Return an answer's text when it only holds a place ("TODO", "待补充"), else None."""
    # A placeholder is a block or two of a few words: most answers are ruled out unread.
    if not answer or len(answer) > 2 or any(n.kind not in _PLAIN_KINDS
                                            for n in walk_all(answer)):
        return None
    text = " ".join(plain_text((n,)) for n in answer).strip()
    return text if len(text) <= PLACEHOLDER_MAX and is_placeholder(text) else None


def shown_answer(answer: tuple[Node, ...]) -> tuple[tuple[Node, ...], str | None]:
    """The answer a card shows, and the placeholder it held: none when it only holds a
    place, or only a rule (``---`` between sections parts them; it answers nothing)."""
    placeholder = placeholder_of(answer)
    if placeholder is not None or all(node.kind == "hr" for node in answer):
        return (), placeholder
    return answer, None


class QuestionForms:
    """Bold-line questions and questions at several levels, for the walker."""

    path: str
    builder: NodeBuilder
    structure: Structure
    front: dict[str, object]
    section_headings: list[Node]
    """Title and section headings, as nodes (``Document.section_headings``)."""
    section_level: int
    title: str | None
    _path: list[str]
    _question: Pending | None
    _answer: list[Node]
    sections: list[Section]
    _intros: list[list[Node]]
    _levels: list[tuple[int, str]]
    """Questions at several levels: the open sections, with their heading levels."""
    _headed: dict[int, tuple[int, int, str]]
    """The index of each section a heading started: its lines and text."""

    def _close_card(self) -> None:
        raise NotImplementedError

    def _start_section(self, section: Section) -> None:
        raise NotImplementedError

    def _intro_node(self, block: Node) -> None:
        """Keep a block outside any card as its section's introduction (PDF only)."""
        if not self.sections:
            self._start_section(Section((), SourceLoc(self.path, block.line), ()))
        self._intros[-1].append(block)

    def _heading_title(self, node: SyntaxTreeNode, level: int) -> str:
        """The plain text of a title or section heading, kept as a node (in no card)."""
        line = node.map[0] + 1 if node.map else 1
        inline = tuple(self.builder.inline(node.children[0].children if node.children else [],
                                           line))
        self.section_headings.append(Node("heading", inline, attrs=(("level", str(level)),),
                                          line=line, col=first_column(self.builder.lines, line)))
        return readable_text(inline)

    def _mixed_heading(self, node: SyntaxTreeNode, level: int) -> bool:
        """Questions at several levels: a heading chosen as a question opens a card, a
        part of an answer stays in it, any other is a section.  False: part of the answer."""
        line = node.map[0] + 1 if node.map else 1
        if line in self.structure.part_lines and self._question is not None:
            return False
        self._close_card()
        self._levels = [(lv, title) for lv, title in self._levels if lv < level]
        if line in self.structure.question_lines:
            self._path = [title for _, title in self._levels]
            self._question = Pending(node.children[0].children if node.children else [],
                                     line, level + 2,
                                     end_line=node.map[1] if node.map else line)
            return True
        title = self._heading_title(node, level)
        if level < self.section_level:
            self.title = self.title or title
            self._levels = []
        else:
            self._levels.append((level, title))
        self._path = [title for _, title in self._levels]
        self._start_section(Section(tuple(self._path), SourceLoc(self.path, line), ()))
        # Named, so that one with nothing under it is reported (``empty-section``): a
        # heading over the next ones at its own level ("Step 2" over "Step 2a") holds none.
        self._headed[len(self.sections) - 1] = (line, node.map[1] if node.map else line, title)
        return True

    def _bold(self, node: SyntaxTreeNode, chosen: frozenset[int] | None = None) -> bool:
        """Open a card at a bold question (a paragraph, or list items); False if none.

        ``chosen``: in a file of heading questions, the lines of the bold lines that are
        questions too (``builder.parse.strays``); any other bold line is no question."""
        lead_ins = self.structure.lead_ins

        def question(first: SyntaxTreeNode) -> bold.BoldQuestion | None:
            # A bold line found among heading questions keeps its "(参考上一题)": such
            # lines were answer text before, and their words stay on the card.
            found = bold.paragraph_question(first, lead_ins, loose=self.structure.loose,
                                            tags=chosen is not None, colon=chosen is not None)
            if found is not None and found.lead_in and found.line in self.structure.labels:
                return None  # "**1. 第一次握手：** …" numbers a point of the answer
            if found is None:
                found = bold.labelled_question(first, self.structure.answered)
                if found is not None and not self._label_opens(found):
                    return None
            return found if chosen is None or (found and found.line in chosen) else None

        if node.type == "paragraph":
            found = question(node)
            if found is None:
                return False
            self._open_bold(found)
            return True
        if node.type not in ("bullet_list", "ordered_list"):
            return False
        numbered = node.type == "ordered_list" and chosen is None
        answered = self._answered_on_their_lines(node) if chosen is None else {}
        items = [(item, (question(item.children[0]) or (
                     bold.numbered_item_question(item) if numbered else None)
                  or answered.get(index) or _chosen_item(item, chosen))
                  if item.children else None) for index, item in enumerate(node.children)]
        if not any(found for _, found in items) or (self._question is not None and all(
                found is None or bold.is_bare_label(item, found) for item, found in items)):
            # A checklist of bare bold phrases inside an answer ("1. **Inspect the tokens**")
            # is part of that answer, not questions with empty answers.
            return False
        for item, found in items:
            if found is None:
                # An item that is no question belongs to the answer before it; before
                # any question, to the section's introduction (never nowhere).
                kept = self.builder.block(item)
                wrapped = Node("bullet_list", (kept,), line=kept.line, col=kept.col,
                               end_line=kept.end_line)
                if self._question is not None:
                    self._answer.append(wrapped)
                else:
                    self._intro_node(wrapped)
                continue
            self._open_bold(found)
            self._answer += [self.builder.block(child) for child in item.children[1:]]
        if _ends_its_card(items):
            self._close_card()
        return True

    def _label_opens(self, found: bold.BoldQuestion) -> bool:
        """Whether a line marked only by the answer label under it opens a card: not inside
        the answer of a question of another kind (a bold line's: "Sample input …" then
        "Answer: [0,1]" is that answer's example), unless the line itself asks."""
        open_question = self._question
        return open_question is None or open_question.reason == LABELLED \
            or question_reason(found.text) is not None

    def _answered_on_their_lines(self, node: SyntaxTreeNode) -> dict[int, bold.BoldQuestion]:
        """The items of a list that ask in bold and answer on their line, by place: only
        where no question is open (inside an answer, ``- **What is L1?** Lasso …`` details
        it), and the ones ending in a full stop (``**Explain IoU.**``) only among ones
        that ask with a question mark (alone, ``1. **Define the scope.** …`` is a step)."""
        if self._question is not None:
            return {}
        found = {index: question for index, item in enumerate(node.children) if item.children
                 and (question := bold.answered_on_its_line(item.children[0], prompts=True))
                 is not None}
        # What the prompts add ends in a full stop: without a question mark, none is kept.
        return found if any(q.text.endswith(QUESTION_MARKS) for q in found.values()) else {}

    def _file_question(self, stem: str) -> str:
        """The name of a file that is one question: its front matter's title, when the
        file says where its question is (``## 问题``), else the file's name without the
        number that orders it among its folder's (``21_手动推导BP`` asks ``手动推导BP``)."""
        title = self.front.get("title")
        if self.structure.question_part is not None and isinstance(title, str) and title.strip():
            return title.strip()
        return unnumbered(stem)

    def _stated(self, node: SyntaxTreeNode) -> bool:
        """A file that is one question, stated in the one paragraph under ``## 问题``: that
        paragraph is the card's question, the heading its label; False for any other block."""
        part = self.structure.question_part
        if part is None or not part.asked_line or self._question is None or node.map is None:
            return False
        line = node.map[0] + 1
        if line == part.heading_line:
            return True
        if line != part.asked_line or not node.children:
            return False
        # The label ("问题") only says which paragraph asks, and is not asked; the card still
        # starts at it, so that its line is the card's (nothing lost, nothing unsaid).
        self._question = Pending(node.children[0].children, part.heading_line,
                                 first_column(self.builder.lines, part.heading_line),
                                 end_line=node.map[1])
        return True

    def _asking_callout(self, node: SyntaxTreeNode) -> bool:
        """Open a card at a callout that asks (``> [!faq]- 为什么？``), its body the answer:
        among bold questions, or where no other question is open (a heading question's
        answer keeps its callouts); False if it is none."""
        self._leave_box(node)
        if not asks(node) or not (self.structure.bold or self._question is None
                                  or self._question.callout):
            return False
        self._close_card()
        title, *body = node.children
        line = node.map[0] + 1 if node.map else 1
        inlines = title.children[0].children if title.children else []
        # The box's own last line: a closing fence (```` ```ad-question ````) is no answer's.
        end = node.map[1] if node.map else line
        admonition = node.meta.get(CALLOUT_META, {}).get("syntax") == "admonition"
        self._question = Pending(inlines, line, first_column(self.builder.lines, line),
                                 end_line=end, callout=True,
                                 box_column=self._column(node) if admonition else 0)
        self._answer += [self.builder.block(child) for child in body]
        if admonition and not body:
            # A ``???`` box left empty: Python-Markdown shows it empty, and what follows (a
            # group's label, a next head missing its quote) is not its answer.
            self._close_card()
        return True

    def _column(self, node: SyntaxTreeNode) -> int:
        """The 1-based column a block starts at, a tab counted as four spaces (as
        Python-Markdown counts indentation)."""
        if not node.map or not 0 <= node.map[0] < len(self.builder.lines):
            return 1
        text = self.builder.lines[node.map[0]].expandtabs(4)
        return len(text) - len(text.lstrip()) + 1

    def _leave_box(self, node: SyntaxTreeNode) -> None:
        """Close an admonition's card at a block written left of its head (``    - label``
        after an ``        ??? question``): outside the box that holds it, as
        Python-Markdown reads it, so no part of its answer."""
        pending = self._question
        if pending is not None and pending.box_column and self._column(node) < pending.box_column:
            self._close_card()

    def _labelled(self, node: SyntaxTreeNode) -> bool:
        """Ask the bold line right under a heading that only numbers its question
        (``## Question 1`` then ``**What is a vector?**``): the card asks that line, at
        the heading's place; the rest of its paragraph begins the answer."""
        pending = self._question
        if pending is None or self._answer or pending.named is not None or self.structure.bold \
                or node.type != "paragraph" or not is_label(bold.plain(pending.inlines)):
            return False
        found = bold.paragraph_question(node, loose=True)
        if found is None:
            return False
        label = bold.plain(pending.inlines).strip()
        self._question = replace(pending, inlines=found.inlines, end_line=found.line,
                                 label=label_prefix(label, found.text))
        self._answer_rest(found)
        return True

    def _open_bold(self, found: bold.BoldQuestion) -> None:
        self._close_card()
        col = first_column(self.builder.lines, found.line, "**")
        self._question = Pending(found.inlines, found.line, col, end_line=found.line,
                                 reason=found.reason)
        self._answer_rest(found)

    def _answer_rest(self, found: bold.BoldQuestion) -> None:
        """Begin the answer with what follows a bold question's line in its paragraph."""
        if found.rest:
            rest = tuple(self.builder.inline(found.rest, found.line))
            line, col = (rest[0].line, rest[0].col) if rest else (found.line + 1, 1)
            self._answer.append(Node("paragraph", rest, line=line, col=col,
                                     end_line=max(found.end_line, line)))
