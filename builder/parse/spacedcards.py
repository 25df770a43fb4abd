"""Cards of Obsidian's spaced-repetition plugin written inside a paragraph: a line that is
only ``?`` parting front from back, and ``question::answer`` on one line."""

from __future__ import annotations

import re

from markdown_it.tree import SyntaxTreeNode

from builder.parse.boldquestion import BoldQuestion, first_line, last_line, plain, text_like
from builder.parse.phrases import QUESTION_MARKS, question_reason
from builder.parse.syntaxtree import LINE_BREAKS, line_end

SEPARATED = "a '?' line parts question from answer (Obsidian spaced repetition)"
SEPARATORS = ("?", "??")
"""The lines of Obsidian's spaced-repetition plugin that part a card's front from its back
(``??``: a card reviewed both ways; Anki's Basic card is reviewed front to back)."""
INLINE_CARD = "'::' parts question from answer (Obsidian spaced repetition)"

_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")
"""A Dataview field's name: one word of letters, digits, ``_`` or ``-``."""
# What a Dataview field holds, unlike a card's answer: tags, links (a list of them too:
# "[ [[a]] , [[b]] ]"), a date.
_FIELD_VALUE = re.compile(r"(?:#[^\s#]+\s*)+|[\[\],\s]*(?:\[\[[^\]]*\]\][\[\],\s]*)+"
                          r"|\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
# A note's metadata fields, whatever their value ("**Question** :: 什么是…？").
_FIELD_NAMES = frozenset({
    "alias", "aliases", "author", "category", "classification", "created", "date", "modified",
    "next", "parent", "parentnode", "previous", "question", "source", "status", "tags",
    "title", "topics", "type", "updated", "url"})
# Two or three colons alone (``:::`` a card reviewed both ways), not a longer run.
_INLINE_SEPARATOR = re.compile(r"(?<!:):{2,3}(?!:)")


def separated_card(children: list[SyntaxTreeNode], paragraph: SyntaxTreeNode
                   ) -> BoldQuestion | None:
    """A card of Obsidian's spaced-repetition plugin: the lines of a paragraph before a line
    that is only ``?`` (or ``??``) are its question, whatever their markup; the lines after
    it begin its answer.  None when no line after the first is such a separator."""
    breaks = [i for i, c in enumerate(children) if c.type in LINE_BREAKS]
    if not breaks:
        return None
    for before, after in zip(breaks, [*breaks[1:], len(children)], strict=True):
        line = children[before + 1:after]
        if not (line and all(c.type == "text" for c in line)
                and plain(line).strip() in SEPARATORS):
            continue
        head, rest = children[:before], children[after + 1:]
        text = plain(head).strip()
        if not text:
            return None
        return BoldQuestion(head, rest, text, first_line(paragraph), SEPARATED,
                            last_line(paragraph))
    return None


def inline_card(children: list[SyntaxTreeNode], paragraph: SyntaxTreeNode
                 ) -> BoldQuestion | None:
    """A one-line card of Obsidian's spaced-repetition plugin, ``question::answer`` (or
    ``:::``): the text of the first line before the colons is the question when it asks
    (or is wholly bold: ``- **Why BN?** :: …``); the rest of the paragraph is the answer.
    Colons inside a name (``std::move``) or after a word that does not ask
    (``url:: https://…``, a Dataview field) part nothing."""
    cut = line_end(children)
    asks_later = _asks_later(children[:cut])
    for at, node in enumerate(children[:cut]):
        if node.type != "text":
            continue
        content = node.content
        last_mark = max(content.rfind(mark) for mark in QUESTION_MARKS)  # once a node
        for found in _INLINE_SEPARATOR.finditer(content):
            # The characters around the colons first: a line of thousands of names must
            # not copy the line once for each of them.
            if content[found.start() - 1:found.start()].isalnum() \
                    and content[found.end():found.end() + 1].isalnum() \
                    and (last_mark > found.end() or asks_later[at]
                         or _code_name(content, found.start(), found.end())):
                continue  # a qualified name: std::move, Vec::new, Config::load
            before, after = content[:found.start()], content[found.end():]
            head = [*children[:at], *text_like(node, before.rstrip())]
            rest = [*text_like(node, after.lstrip()), *children[at + 1:]]
            front = plain(head).strip()
            value = plain(rest[:cut - at]).strip()
            if not value or not _asks_or_bold(head, front, value):
                return None
            return BoldQuestion(head, rest, front, first_line(paragraph), INLINE_CARD,
                                last_line(paragraph))
    return None


def _code_name(content: str, start: int, end: int) -> bool:
    """Whether the word before colons between two words reads as code, so that they join
    a qualified name (``std::move``, ``Vec::new``, ``my_mod::item``: three letters at
    most, a digit, ``_`` or ``.``, a capital inside; ``Config::load``: a capitalised word
    before a lowercase one) rather than part a card written without spaces (the plugin's
    own ``the question goes on this side::answer goes here!``, ``What is the powerhouse
    of the cell::mitochondria``, ``Who wrote Hamlet::Shakespeare``).  A line that goes on
    to ask after the colons (``Why does Module::function fail?``) names one too."""
    begin = start
    while begin > max(0, start - 40) and (content[begin - 1].isalnum()
                                          or content[begin - 1] in "_."):
        begin -= 1  # a character at a time: a slice a pair of colons was quadratic
    word = content[begin:start]
    return len(word) <= 3 or any(c.isdigit() or c == "_" or c == "." for c in word) \
        or any(c.isupper() for c in word[1:]) \
        or (word[0].isupper() and (content[end].islower() or content[end] == "_"))


def _asks_later(line: list[SyntaxTreeNode]) -> list[bool]:
    """For each node of a line, whether a question mark comes in a node after it (code
    included: ``fail with `None`?``), read once from the line's end, not once a node."""
    later = [False] * len(line)
    seen = False
    for at in range(len(line) - 1, -1, -1):
        later[at] = seen
        seen = seen or any(mark in plain([line[at]]) for mark in QUESTION_MARKS)
    return later


def _asks_or_bold(head: list[SyntaxTreeNode], text: str, value: str) -> bool:
    filled = [c for c in head if not (c.type == "text" and not c.content.strip())]
    wholly_bold = len(filled) == 1 and filled[0].type == "strong"
    if question_reason(text) is not None:
        return True
    return bool(text) and wholly_bold and not _field(text, value)


def _field(name: str, value: str) -> bool:
    """Whether ``**name** :: value`` is a Dataview field with its name in bold, not a card:
    a name of one identifier-like word holding what fields hold ("**Author** :: #me",
    "**ParentNode** :: [[Go]]"), or a metadata field's name.  "**Mitochondria** :: the
    powerhouse of the cell" is a card, as is "**梯度消失** :: …", a term."""
    return bool(_FIELD_NAME.fullmatch(name)) and (
        name.lower() in _FIELD_NAMES or bool(_FIELD_VALUE.fullmatch(value)))
