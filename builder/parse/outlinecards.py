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
from collections.abc import Iterable

from markdown_it.tree import SyntaxTreeNode

from builder.model import Node
from builder.parse.bold import BoldQuestion, plain
from builder.parse.markdown import NodeBuilder

OUTLINE_CARD = "a list item tagged #card (Logseq), its answer nested under it"
_LISTS = ("bullet_list", "ordered_list")
_BREAKS = ("softbreak", "hardbreak")
# The tag as Logseq links it (``#card``, ``#[[card]]``) and as Anki plugins take it
# (``#flashcard``): a whole tag, not ``#cards`` or ``#card/x`` (another page).
_CARD_TAG = re.compile(r"(?<![\w#])#(?:card|flashcard|\[\[card\]\])(?![\w/\-\]])",
                       re.IGNORECASE)


def _first_line(item: SyntaxTreeNode) -> tuple[list[SyntaxTreeNode], list[SyntaxTreeNode]]:
    """The inline nodes of an item's first line, and those after it in its paragraph."""
    if item.type != "list_item" or not item.children:
        return [], []
    first = item.children[0]
    if first.type != "paragraph" or not first.children:
        return [], []
    children = list(first.children[0].children)
    cut = next((i for i, c in enumerate(children) if c.type in _BREAKS), len(children))
    return children[:cut], children[cut + 1:]


def is_card(item: SyntaxTreeNode) -> bool:
    """Whether a list item's first line carries the card tag (in its own text, not in
    code or a link)."""
    head, _ = _first_line(item)
    return any(node.type == "text" and _CARD_TAG.search(node.content) for node in head)


def tagged_question(item: SyntaxTreeNode) -> BoldQuestion | None:
    """The question of a list item tagged as a card: its first line without the tag."""
    if not is_card(item):
        return None
    head, rest = _first_line(item)
    kept: list[SyntaxTreeNode] = []
    for node in head:
        if node.type == "text" and _CARD_TAG.search(node.content):
            text = " ".join(_CARD_TAG.sub(" ", node.content).split())
            # The words on either side of the tag keep a space between them and the markup
            # around it ("**Question**: … #card" keeps its colon and space).
            if node.content[:1].isspace() and kept:
                text = " " + text
            if not text.strip():
                continue
            node = SyntaxTreeNode([node.token.copy(content=text)], create_root=False) \
                if node.token is not None else node
        kept.append(node)
    text = plain(kept).strip()
    if not text:
        return None  # the tag alone: nothing asks (its text, if any, is the answer's)
    paragraph = item.children[0]
    line = paragraph.map[0] + 1 if paragraph.map else 0
    end = paragraph.map[1] if paragraph.map else line
    return BoldQuestion(kept, rest, text, line, OUTLINE_CARD, end)


def holds_cards(node: SyntaxTreeNode) -> bool:
    """Whether a list, or a list item, has a card item in it, at any depth."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "list_item" and is_card(current):
            return True
        stack.extend(child for child in current.children
                     if child.type in (*_LISTS, "list_item"))
    return False


def count(nodes: Iterable[SyntaxTreeNode]) -> int:
    """The card items in the top-level lists among ``nodes``, at any depth."""
    found = 0
    stack = [node for node in nodes if node.type in _LISTS]
    while stack:
        current = stack.pop()
        if current.type == "list_item" and is_card(current):
            found += 1
        stack.extend(child for child in current.children
                     if child.type in (*_LISTS, "list_item"))
    return found


class OutlineCards:
    """The walker's reading of outline cards (a mixin of ``builder.parse.document.Walker``)."""

    builder: NodeBuilder
    _answer: list[Node]

    def _close_card(self) -> None:
        raise NotImplementedError

    def _open_bold(self, found: BoldQuestion) -> None:
        raise NotImplementedError

    def _intro_node(self, block: Node) -> None:
        raise NotImplementedError

    def _outline(self, node: SyntaxTreeNode) -> bool:
        """Cut a top-level list holding card items into those cards; False for any other
        block."""
        if node.type not in _LISTS or not holds_cards(node):
            return False
        self._close_card()
        self._outline_list(node)
        return True

    def _outline_list(self, node: SyntaxTreeNode, shown: bool = False) -> None:
        """Cut a list into its cards; ``shown``: its blocks are on a card already (the
        answer of a card above), so only the cards in it are read again."""
        for item in node.children:
            found = tagged_question(item)
            if found is not None:
                self._open_bold(found)
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

