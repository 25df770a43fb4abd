"""Flashcards of an outline: a list item tagged ``#card`` asks, its nested blocks answer.

Logseq writes a page as one outline, and its flashcards are blocks tagged ``#card``
(``- What is the time complexity of a lookup? #card`` over ``- O(1)``, or ``- #card
Elaborate`` over its definition); plugins that send them to Anki also take ``#flashcard``.
The tagged block may sit at any depth, under topic blocks (``- ## Arrays``), and its
children are the answer.  Read as Markdown, the page was one list: the whole file became
one card named by the file, or the list a part of another card's answer.

The tag only marks the card: it is left out of the question (the other words, tags
included, stay as written).  Blocks of the outline that are no card and hold none keep
their place in the sheet (the section's introduction), as Logseq keeps them on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from markdown_it.tree import SyntaxTreeNode

from builder.model import Diagnostic, Node, SourceLoc
from builder.parse.bold import BoldQuestion, plain
from builder.parse.headings import first_column
from builder.parse.markdown import NodeBuilder
from builder.parse.microcards import MICRO_CARD, MicroLine, is_tag, micro_lines
from builder.parse.microcards import count as count_micro
from builder.parse.rulecards import RULE_CARD, after_separator, rule_card
from builder.parse.rulecards import count as count_rule_cards
from builder.parse.syntaxtree import LINE_BREAKS, line_end
from builder.parse.tablecards import TABLE_CARD, TableRow, table_rows
from builder.parse.tablecards import count as count_table_rows
from builder.parse.taglines import MAX_CARD_TAGS

if TYPE_CHECKING:  # the walker's mixins import detection, which counts these cards
    from builder.parse.questionforms import Pending

OUTLINE_CARD = "a list item tagged #card (Logseq), its answer nested under it"
TAGGED_LINE = "a line tagged #card or #flashcard, its answer the lines after it"
_LISTS = ("bullet_list", "ordered_list")
# The tag as Logseq links it (``#card``, ``#[[card]]``) and as Anki plugins take it
# (``#flashcard``): a whole tag, not ``#cards`` or ``#card/x`` (another page).
_CARD_TAG = re.compile(r"(?<![\w#])#(?:card|flashcard|\[\[card\]\])(?![\w/\-\]])",
                       re.IGNORECASE)


@dataclass(frozen=True)
class Tagged:
    """A question tagged as a card, and the other tags ending its line (the card's tags)."""

    question: BoldQuestion
    tags: tuple[str, ...]
    before: tuple[SyntaxTreeNode, ...] = ()
    """The lines of its paragraph above the tagged line (``Let's try:``): not the card's."""


def _split_line(paragraph: SyntaxTreeNode, any_line: bool = False
                ) -> tuple[list[SyntaxTreeNode], list[SyntaxTreeNode], list[SyntaxTreeNode]]:
    """The inline nodes of a paragraph's first line (``any_line``: of its first line that
    carries the card tag, else its first), those after it and those before it."""
    if paragraph.type != "paragraph" or not paragraph.children:
        return [], [], []
    children = list(paragraph.children[0].children)
    start = 0
    while True:
        cut = line_end(children, start)
        head = children[start:cut]
        if not any_line or cut == len(children) or _tag_ends(head):
            if any_line and not _tag_ends(head):
                start = 0  # no line carries it: read as the first line is
                cut = line_end(children)
            return children[start:cut], children[cut + 1:], children[:max(start - 1, 0)]
        start = cut + 1


def _tag_ends(head: list[SyntaxTreeNode]) -> bool:
    """Whether the card tag is among the tags that end a line: the tools write it last
    (``What is X? #card``, other tags may follow); in a sentence it is the author's word
    (``Select the element with #card in the stylesheet.``)."""
    if not head or head[-1].type != "text":
        return False
    words = head[-1].content.split()
    while words and (is_tag(words[-1]) or _CARD_TAG.fullmatch(words[-1])):
        if _CARD_TAG.fullmatch(words.pop()):
            return True
    return False


def _tag_starts(head: list[SyntaxTreeNode]) -> bool:
    """Whether a line opens with the card tag, as Logseq writes it too (``#card
    Elaborate``)."""
    words = head[0].content.split(maxsplit=1) if head and head[0].type == "text" else []
    return bool(words) and _CARD_TAG.fullmatch(words[0]) is not None


def _first_paragraph(item: SyntaxTreeNode) -> SyntaxTreeNode | None:
    if item.type != "list_item" or not item.children or item.children[0].type != "paragraph":
        return None
    return item.children[0]


def is_card(node: SyntaxTreeNode) -> bool:
    """Whether a list item's (or a paragraph's) first line carries the card tag, in its
    own text (not in code or a link), and words besides it: the tag alone asks nothing."""
    return tagged_question(node) is not None


def _trailing_tags(text: str) -> tuple[str, list[str]]:
    """``text`` without the run of tags that ends it, and those tags (the card tag
    among them is dropped)."""
    words = text.rstrip().split(" ")
    tags: list[str] = []
    while words and (is_tag(words[-1]) or _CARD_TAG.fullmatch(words[-1]) or not words[-1]):
        word = words.pop()
        if word and not _CARD_TAG.fullmatch(word):
            tags.append(word[1:].strip("/"))
    tags.reverse()  # gathered from the end: inserting each at the front was quadratic
    return " ".join(words), tags


def _tagged(paragraph: SyntaxTreeNode, reason: str) -> Tagged | None:
    """The question of a paragraph whose first line (a paragraph's: any line) is tagged
    as a card: that line without the card tag; the tags that end it are the card's."""
    head, rest, before = _split_line(paragraph, any_line=reason == TAGGED_LINE)
    if not (_tag_ends(head) or (reason == OUTLINE_CARD and _tag_starts(head))):
        return None
    tags: list[str] = []
    kept: list[SyntaxTreeNode] = []
    last_text = max((i for i, n in enumerate(head) if n.type == "text"), default=-1)
    for at, node in enumerate(head):
        if node.type == "text" and (at == last_text or _CARD_TAG.search(node.content)):
            content = node.content
            if at == last_text and at == len(head) - 1:
                content, tags = _trailing_tags(content)
            text = " ".join(_CARD_TAG.sub(" ", content).split())
            # The words on either side keep a space between them and the markup around
            # them ("**Question**: … #card" keeps its colon and space).
            if content[:1].isspace() and kept:
                text = " " + text
            if not text.strip():
                continue
            if node.token is not None and text != node.content:
                node = SyntaxTreeNode([node.token.copy(content=text)], create_root=False)
        kept.append(node)
    text = plain(kept).strip()
    if not text:
        return None  # the tag alone: nothing asks (its text, if any, is the answer's)
    first = paragraph.map[0] + 1 if paragraph.map else 0
    line = first + sum(node.type in LINE_BREAKS for node in before) + (1 if before else 0)
    end = paragraph.map[1] if paragraph.map else line
    return Tagged(BoldQuestion(kept, rest, text, line, reason, end), tuple(dict.fromkeys(tags)),
                  tuple(before))


def tagged_item(item: SyntaxTreeNode) -> Tagged | None:
    """A list item tagged as a card (Logseq): its first line asks."""
    paragraph = _first_paragraph(item)
    return None if paragraph is None else _tagged(paragraph, OUTLINE_CARD)


def tagged_paragraph(paragraph: SyntaxTreeNode) -> Tagged | None:
    """A paragraph whose first line is tagged as a card (``What is X? #card`` over its
    answer, as Obsidian's Flashcards plugin and NeuraCache read it)."""
    return _tagged(paragraph, TAGGED_LINE) if paragraph.type == "paragraph" else None


def tagged_question(node: SyntaxTreeNode) -> BoldQuestion | None:
    """The question of a list item or paragraph tagged as a card, if it is one."""
    found = tagged_item(node) if node.type == "list_item" else tagged_paragraph(node)
    return None if found is None else found.question


def _card_items(roots: Iterable[SyntaxTreeNode]) -> Iterator[SyntaxTreeNode]:
    """The card items in ``roots`` (lists or list items), at any depth."""
    stack = list(roots)
    while stack:
        current = stack.pop()
        if current.type == "list_item" and is_card(current):
            yield current
        stack.extend(child for child in current.children
                     if child.type in (*_LISTS, "list_item"))


def holds_cards(node: SyntaxTreeNode) -> bool:
    """Whether a list, or a list item, has a card item in it, at any depth."""
    return next(_card_items((node,)), None) is not None


def count(nodes: Iterable[SyntaxTreeNode]) -> int:
    """The paragraphs among ``nodes`` tagged as cards, their NeuraCache micro cards, and
    the card items in the top-level lists among them, at any depth."""
    nodes = list(nodes)
    return sum(node.type == "paragraph" and is_card(node) for node in nodes) \
        + count_micro(nodes) + sum(1 for _ in _card_items(n for n in nodes if n.type in _LISTS)) \
        + count_table_rows(nodes) + count_rule_cards(nodes)


class OutlineCards:
    """The walker's reading of tagged cards (a mixin of ``builder.parse.document.Walker``)."""

    builder: NodeBuilder
    path: str
    diagnostics: list[Diagnostic]
    _answer: list[Node]
    _question: Pending | None
    _capped: Callable[[Iterable[tuple[int, tuple[str, ...]]]], tuple[str, ...]]
    """``TagLines._capped``, the tag lines' cap (a mixin after this one in the walker)."""
    _rule_skip: int = 0
    """The last line of the rule card opened last's question: blocks up to it are read."""
    _rule_separator: tuple[int, int] = (0, 0)
    """Its separator paragraph's lines: shown nowhere."""
    _rule_index: tuple[int, dict[int, int]] | None = None
    """The top-level blocks' places, by ``id``, for the parent they were counted in."""

    def _close_card(self) -> None:
        raise NotImplementedError

    def _open_bold(self, found: BoldQuestion) -> None:
        raise NotImplementedError

    def _intro_node(self, block: Node) -> None:
        raise NotImplementedError

    def _open_tagged(self, found: Tagged) -> None:
        self._open_bold(found.question)
        if found.tags and self._question is not None:
            self._question = replace(self._question,
                                     tags=self._card_tags(found.tags, found.question.line))

    def _card_tags(self, tags: tuple[str, ...], line: int) -> tuple[str, ...]:
        """The first ``MAX_CARD_TAGS`` of the tags ending a card's line, as a tag line's
        are capped: one line of 300,000 tags would give a card every one of them."""
        return tags if len(tags) <= MAX_CARD_TAGS else self._capped(((line, tags),))

    def _outline(self, node: SyntaxTreeNode) -> bool:
        """Open a card at a paragraph tagged as one (its answer the rest of the paragraph
        and the blocks after it, up to the next question or a rule: NeuraCache ends a card
        with ``- - -``); cut a top-level list holding card items into those cards; False
        for any other block."""
        if node.map and (node.map[1] <= self._rule_skip
                         or (node.map[0] + 1, node.map[1]) == self._rule_separator):
            if node.map[0] + 1 == self._rule_separator[0] and (rest := after_separator(node)):
                self._loose_lines(rest, node.map[0] + 2, node.map[1])  # "?" over the back
            return True  # a rule card's question and separator, read at its rule
        if self._rule_card(node):
            return True
        if node.type == "paragraph" and self._question is not None \
                and self._question.reason != TAGGED_LINE:
            return False  # a bold question's answer: its lines are the author's words
        if node.type == "paragraph" and (lines := micro_lines(node)) is not None:
            self._micro(lines)
            return True
        if node.type == "table" and (rows := table_rows(node)):
            if node.map:  # the header and its rule line: read as the columns' names
                # A row not yet answered is left out with its own empty-answer warning.
                answered = sum(any(plain(cell).strip() for cell in
                                   (row.answer, *(cell for _, cell in row.extras)))
                               for row in rows)
                said = (f"each of its {len(rows)} rows is a card" if answered == len(rows)
                        else f"{answered} of its {len(rows)} rows are cards, the others "
                        "have no answer yet")
                self.diagnostics.append(Diagnostic(
                    SourceLoc(self.path, node.map[0] + 1), "note",
                    f"the table's header names its question and answer columns: {said}",
                    "question-table", node.map[0] + 2))
            self._table(rows)
            return True
        if node.type == "paragraph" and (tagged := tagged_paragraph(node)) is not None:
            if tagged.before:  # "Let's try:" over the tagged line: the blocks' before it
                first = node.map[0] + 1 if node.map else tagged.question.line
                self._loose_lines(tagged.before, first, tagged.question.line - 1)
            self._open_tagged(tagged)
            return True
        if node.type == "hr" and self._question is not None \
                and self._question.reason == TAGGED_LINE:
            self._close_card()  # the rule parts cards, and shows nothing of its own
            return True
        if node.type not in _LISTS or not holds_cards(node):
            return False
        self._close_card()
        self._outline_list(node)
        return True

    def _loose_lines(self, inlines: Sequence[SyntaxTreeNode], first: int, last: int) -> None:
        """Lines of a card's paragraph that are not the card's (lines ``first``-``last``): the
        answer's of the card above, else the sheet's."""
        inline = tuple(self.builder.inline(list(inlines), first))
        block = Node("paragraph", inline, line=first, col=inline[0].col if inline else 1,
                     end_line=last)
        if self._question is not None:
            self._answer.append(block)
        else:
            self._intro_node(block)

    def _micro(self, lines: list[MicroLine]) -> None:
        """Each micro card of a paragraph a card; its other lines the answer's above, or
        the sheet's."""
        # Imported here: the walker's forms import detection, which imports this module.
        from builder.parse.questionforms import Pending

        for entry in lines:
            card, line = entry.card, entry.line
            if card is None:
                self._loose_lines(entry.inlines, line, line)
                continue
            self._close_card()
            self._question = Pending([], line, first_column(self.builder.lines, line),
                                     named=card.front, end_line=line,
                                     tags=self._card_tags(card.tags, line),
                                     reason=MICRO_CARD)
            source = self.builder.lines[line - 1] if line <= len(self.builder.lines) else ""
            col = source.find(card.back) + 1 or 1
            self._answer.append(Node("paragraph", (Node("text", text=card.back, line=line,
                                                        col=col),),
                                     line=line, col=col, end_line=line))
            self._close_card()

    def _rule_card(self, node: SyntaxTreeNode) -> bool:
        """Read a card between rules (``builder.parse.rulecards``): open it at its rule;
        every block up to the next rule is its answer (a bold line too); that rule closes
        it, and may open the next."""
        if self._question is not None and self._question.reason == RULE_CARD \
                and node.type != "hr":
            self._answer.append(self.builder.block(node))
            return True
        if node.type != "hr" or node.parent is None:
            return False
        siblings = node.parent.children
        if self._rule_index is None or self._rule_index[0] != id(node.parent):
            self._rule_index = (id(node.parent), {id(n): at for at, n in enumerate(siblings)})
        found = rule_card(node, siblings, self._rule_index[1].get(id(node), -1))
        if found is None:
            if self._question is not None and self._question.reason == RULE_CARD:
                self._close_card()  # the rule ends the card, and shows nothing of its own
                return True
            return False
        self._open_bold(BoldQuestion(found.inlines, [], found.text, found.line, RULE_CARD,
                                     found.end_line))
        self._rule_skip, self._rule_separator = found.end_line, found.separator
        return True

    def _table(self, rows: list[TableRow]) -> None:
        """Each row of a question table a card: the answer cell, then the row's other cells
        each after its column's name."""
        for row in rows:
            self.builder.report_extra_cells(row.node, row.line)  # a `|` in a cell, unescaped
            self._open_bold(BoldQuestion(row.question, [], plain(row.question).strip(),
                                         row.line, TABLE_CARD, row.line))
            for name, cell in ((None, row.answer), *row.extras):
                if not plain(cell).strip():
                    continue  # a row not yet answered: empty-answer says so, as for a heading
                inline = tuple(self.builder.inline(cell, row.line))
                if name is not None:
                    inline = (Node("strong", (Node("text", text=name, line=row.line),),
                                   line=row.line), Node("text", text=": ", line=row.line),
                              *inline)
                self._answer.append(Node("paragraph", inline, line=row.line,
                                         col=inline[0].col if inline else 1, end_line=row.line))
            self._close_card()

    def _outline_list(self, node: SyntaxTreeNode, shown: bool = False) -> None:
        """Cut a list into its cards; ``shown``: its blocks are on a card already (the
        answer of a card above), so only the cards in it are read again."""
        for item in node.children:
            found = tagged_item(item)
            if found is not None:
                self._open_tagged(found)
                self._answer += [self.builder.block(child) for child in item.children[1:]]
                self._close_card()
                # A card under a card is a card of its own as well, as in Logseq, where the
                # card above shows it as part of its answer.
                for child in item.children[1:]:
                    if child.type in _LISTS and holds_cards(child):
                        self._outline_list(child, shown=True)
            elif holds_cards(item):
                # A topic block over cards (``- ## Arrays``): its own words are the sheet's,
                # its nested cards are cards.
                for child in item.children:
                    if child.type in _LISTS and holds_cards(child):
                        self._outline_list(child, shown)
                    elif not shown:
                        self._intro_node(self.builder.block(child))
            elif not shown:
                kept = self.builder.block(item)
                self._intro_node(Node(node.type, (kept,), line=kept.line, col=kept.col,
                                      end_line=kept.end_line))
