"""Cards parted by rules, their front from their back by a paragraph that is only ``?``.

markdown-flashcards (and decks written for it) put each card between two rules (``___``,
``---``) and write its front, a paragraph of ``?`` alone, then its back::

    ________
    How to spread repeated measures into wide format?

    ?

    ```r
    df %>% gather(…) %>% spread(…)
    ```
    ________

Obsidian's plugin reads a ``?`` only right under its question (``builder.parse.bold``);
with blank lines round it the ``?`` parted nothing (``sr-separator``), and the cards were
text of the heading above them.  Here a rule followed by paragraphs, a separator paragraph
and at least one block before the next rule or heading is such a card: the paragraphs its
question (each on a line of its own), the blocks after the separator its answer.  A front
that goes on past its paragraphs (``Ordered list`` over the list it names, a formula)
asks with its paragraphs; the rest of it opens the answer, so it is on the card still.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from builder.parse.bold import plain
from builder.parse.syntaxtree import line_end

RULE_CARD = "a card between rules, its front parted from its back by a '?' paragraph"
SEPARATORS = frozenset(("?", "??", "↪", ":question:", ":grey_question:", ":arrow_right_hook:"))
_ENDS = ("hr", "heading")


@dataclass(frozen=True)
class RuleCard:
    """A card opened by a rule: its question's inline nodes (the front's leading
    paragraphs parted by line breaks), its text and lines, and its separator's lines (the
    blocks of the front after its paragraphs, a list or a formula, open the answer)."""

    inlines: list[SyntaxTreeNode]
    text: str
    line: int
    end_line: int
    separator: tuple[int, int]
    """The separator paragraph's first and last line (1-based): shown nowhere but for
    its lines after the separator's (``after_separator``), which open the answer."""


def _is_separator(node: SyntaxTreeNode) -> bool:
    """A paragraph whose first line is a separator: its other lines (``?`` over
    ``Indent sub-list …`` with no blank line between) open the back."""
    return node.type == "paragraph" and bool(node.children) \
        and node.children[0].content.split("\n", 1)[0].strip() in SEPARATORS


def after_separator(paragraph: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    """The inline nodes of a separator paragraph after its separator line."""
    inlines = paragraph.children[0].children if paragraph.children else []
    return inlines[line_end(inlines) + 1:]


def rule_card(rule: SyntaxTreeNode, siblings: list[SyntaxTreeNode], at: int) -> RuleCard | None:
    """The card that the rule ``siblings[at]`` opens, if it opens one."""
    if rule.type != "hr":
        return None
    front: list[SyntaxTreeNode] = []
    more = False  # a block other than a paragraph came in the front: the rest is shown after
    for index in range(at + 1, len(siblings)):
        node = siblings[index]
        if _is_separator(node):
            answered = index + 1 < len(siblings) and siblings[index + 1].type not in _ENDS
            if not front or not (answered or more or after_separator(node)) or not node.map:
                return None
            return _card(front, (node.map[0] + 1, node.map[1]))
        if node.type in _ENDS:
            return None  # no separator before the next rule or heading
        if node.type == "paragraph" and node.children and not more:
            front.append(node)
        else:
            more = True
    return None


def _card(front: list[SyntaxTreeNode], separator: tuple[int, int]) -> RuleCard:
    inlines: list[SyntaxTreeNode] = []
    for paragraph in front:
        if inlines:
            inlines.append(SyntaxTreeNode([Token("hardbreak", "br", 0)], create_root=False))
        inlines.extend(paragraph.children[0].children)
    first, last = front[0].map or (0, 0), front[-1].map or (0, 0)
    return RuleCard(inlines, " ".join(plain(list(p.children[0].children)).strip()
                                      for p in front), first[0] + 1, last[1], separator)


def count(nodes: Iterable[SyntaxTreeNode]) -> int:
    """The cards that rules among the top-level ``nodes`` open: none unless two at least.
    A deck between rules has many; a chat log with rules between messages has one '?'
    message ("?" under "Did the deploy go out"), which parts no card."""
    siblings = list(nodes)
    found = sum(rule_card(node, siblings, at) is not None
                for at, node in enumerate(siblings) if node.type == "hr")
    return found if found >= 2 else 0
