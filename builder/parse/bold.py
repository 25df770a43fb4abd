"""Questions written as bold lines: ``**What is regularization? 👶**``, ``- **Why BN?**``.

A paragraph, or the first paragraph of a list item, whose first line is entirely
bold (a trailing emoji or marker aside) and reads as a question.  Works on
markdown-it's syntax tree; the walker (``builder.parse.document``) cuts the cards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from builder.parse.answerlabels import LABELLED
from builder.parse.phrases import (
    QUESTION_MARKS,
    asks,
    asks_by_prompt,
    asks_outright,
    is_answer_part,
    is_asked_label,
    is_asked_line,
    question_reason,
    starts_numbered,
    without_trailing_marks,
)
from builder.parse.syntaxtree import LINE_BREAKS, line_end

LEAD_IN = "opens with a bold number"
"""The reason given for a question ``paragraph_question`` finds only with ``lead_ins``."""
_LOOSE_MAX = 120
"""Longest whole bold line taken as a question without reading as one: longer ones are
emphasised statements."""
SEPARATED = "a '?' line parts question from answer (Obsidian spaced repetition)"
SEPARATORS = ("?", "??")
"""The lines of Obsidian's spaced-repetition plugin that part a card's front from its back
(``??``: a card reviewed both ways; Anki's Basic card is reviewed front to back)."""
INLINE_CARD = "'::' parts question from answer (Obsidian spaced repetition)"
ASKED_LINE = "starts with Q:"
"""The reason given for a plain line that says it asks (``Q: …``, ``**Question**: …``)."""
ANSWERED_ON_ITS_LINE = "a bold question opening its line, its answer after it on the line"
_STOPS = (".", "。")
_EXCLAIMS = ("!", "！")
"""How an exclamation ends ("**You are ready. Go get that job!**"): said, not asked, when
nothing answers it (see ``_closing``)."""
# A colon, or a dash standing alone, parts a question from its answer on its line; a
# dash against a word is the answer's own sign ("**What is 3 - 4?** -1").
_SEPARATING = re.compile(r"\s*(?:[:：]|[-–—](?=\s))?\s*")
_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")
# What a Dataview field holds, unlike a card's answer: tags, links (a list of them too:
# "[ [[a]] , [[b]] ]"), a date.
_FIELD_VALUE = re.compile(r"(?:#[^\s#]+\s*)+|[\[\],\s]*(?:\[\[[^\]]*\]\][\[\],\s]*)+"
                          r"|\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
# A note's metadata fields, whatever their value ("**Question** :: 什么是…？").
_FIELD_NAMES = frozenset({
    "alias", "aliases", "author", "category", "classification", "created", "date", "modified",
    "next", "parent", "parentnode", "previous", "question", "source", "status", "tags",
    "title", "topics", "type", "updated", "url"})
"""A Dataview field's name: one word of letters, digits, ``_`` or ``-``."""
# Two or three colons alone (``:::`` a card reviewed both ways), not a longer run.
_INLINE_SEPARATOR = re.compile(r"(?<!:):{2,3}(?!:)")


@dataclass(frozen=True)
class BoldQuestion:
    """Where a bold question is, and what of its block is answer."""

    inlines: list[SyntaxTreeNode]
    """The inline nodes inside the bold mark: the question, markup kept."""
    rest: list[SyntaxTreeNode]
    """Inline nodes after the question's line: the start of the answer."""
    text: str
    line: int
    """1-based line of the question."""
    reason: str
    end_line: int = 0
    """1-based last line of the paragraph it opens (where ``rest`` ends)."""

    @property
    def lead_in(self) -> bool:
        """Found only because lead-ins were asked for: a line opening with a bold number."""
        return self.reason == LEAD_IN


def plain(nodes: list[SyntaxTreeNode]) -> str:
    """Return the readable text of inline syntax-tree nodes."""
    parts: list[str] = []
    for node in nodes:
        if node.type in ("text", "code_inline", "html_inline") or node.type.startswith("math"):
            parts.append(node.content)
        elif node.type in LINE_BREAKS:
            parts.append(" ")
        else:
            parts.append(plain(node.children))
    return "".join(parts)


def paragraph_question(paragraph: SyntaxTreeNode, lead_ins: bool = False,
                       loose: bool = False, tags: bool = False, colon: bool = False,
                       *, closing: bool = True) -> BoldQuestion | None:
    """Return the bold question that opens this paragraph, if it is one.

    With ``lead_ins``, also a line that opens with a bold number (``**1)** The number of
    active ads.``, ``**2) Factorial**. Compute …``): the whole line is the question.
    With ``loose`` (in a file whose questions are bold lines), any whole bold line that
    is neither a label (``**Note:**``) nor the name of an answer's part (``**原理**``).
    With ``tags``, a short tag in brackets after it (``(高频)``) stays in the question.
    With ``colon``, a line ending in a colon too (else a label: ``**作用：**``).
    With ``closing``, a whole bold line that exclaims with nothing to answer it is no loose
    question (``_closing``).
    """
    if paragraph.type != "paragraph" or not paragraph.children:
        return None
    inline = paragraph.children[0]
    if "\n?" in inline.content or "::" in inline.content:
        separated = _separated(list(inline.children), paragraph) \
            or _inline_card(list(inline.children), paragraph)
        if separated is not None:
            return separated
    asked = inline.content.lstrip()
    if not asked.startswith(("**", "__")) and not is_asked_line(asked.partition("\n")[0]):
        return None  # cheap test first: most paragraphs are no bold line
    children = list(inline.children)
    cut = line_end(children)
    head, rest = children[:cut], children[cut + 1:]
    if not asked.startswith(("**", "__")):
        return _asked_line(head, rest, _first_line(paragraph), _last_line(paragraph))
    filled = [c for c in head if not (c.type == "text" and not c.content.strip())]
    if not filled or filled[0].type not in ("strong",):
        return None
    trailing = plain(filled[1:])
    line = paragraph.map[0] + 1 if paragraph.map else 0
    inside = filled[0].children
    if trailing.strip() and is_asked_label(plain(inside)):  # "**Q:** What is BN?"
        return _asked_line(head, rest, line, _last_line(paragraph))
    # A short tag ("(高频)") is a mark and left out (with ``tags``, kept as a remark); a
    # longer remark is part of the question.
    remark = bool(tags or without_trailing_marks(trailing)) and _remark(filled[1:], inside)
    if not remark and (any(c.type not in ("text",) for c in filled[1:])
                       or without_trailing_marks(trailing)):
        return _lead_in(head, rest, line, _last_line(paragraph)) if lead_ins else None
    if remark:  # the question goes on in brackets: "**Why?**（why not one head）"
        inside, trailing = [*inside, *filled[1:]], ""
    text = plain(inside).strip()
    reason = question_reason(text + trailing)
    if reason is None and loose and not is_answer_part(text) and len(text) <= _LOOSE_MAX \
            and not (closing and _closing(text + trailing, rest, paragraph,
                                          (lead_ins, tags, colon))):
        reason = "a whole bold line among bold questions"
    # "**作用：**", "**Note:**": a label inside an answer, not a question.
    if reason is None or (not colon and without_trailing_marks(text).endswith((":", "："))):
        return None
    return BoldQuestion(list(inside), rest, text, line, reason, _last_line(paragraph))


def _closing(said: str, rest: list[SyntaxTreeNode], paragraph: SyntaxTreeNode,
             flags: tuple[bool, bool, bool]) -> bool:
    """Whether a whole bold line that exclaims closes, with no answer: nothing after it in
    its paragraph, and next a heading, a ``---``, the end of the notes (or of its list
    item) or another question
    ("**Go build the future!**" below the last card).  One with an answer after it
    ("**Yahoo!**" then "A web portal.") is still a loose question: a card, not text folded
    into the card before."""
    if not said.rstrip().endswith(_EXCLAIMS) or any(
            c.type not in LINE_BREAKS and (c.type != "text" or c.content.strip())
            for c in rest):
        return False
    # Nothing after it in its list item: a list item's answer is its own blocks.
    following = paragraph.next_sibling
    if following is None or following.type in ("heading", "hr"):
        return True
    while following.type in ("bullet_list", "ordered_list", "list_item", "blockquote") \
            and following.children:
        following = following.children[0]
    lead_ins, tags, colon = flags
    # The next question read without this look-ahead: a run of exclaiming lines costs
    # one look each, not a chain.
    return following.type == "paragraph" and paragraph_question(
        following, lead_ins, True, tags, colon, closing=False) is not None


def _separated(children: list[SyntaxTreeNode], paragraph: SyntaxTreeNode
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
        return BoldQuestion(head, rest, text, _first_line(paragraph), SEPARATED,
                            _last_line(paragraph))
    return None


def _inline_card(children: list[SyntaxTreeNode], paragraph: SyntaxTreeNode
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
            head = [*children[:at], *_text_like(node, before.rstrip())]
            rest = [*_text_like(node, after.lstrip()), *children[at + 1:]]
            front = plain(head).strip()
            value = plain(rest[:cut - at]).strip()
            if not value or not _asks_or_bold(head, front, value):
                return None
            return BoldQuestion(head, rest, front, _first_line(paragraph), INLINE_CARD,
                                _last_line(paragraph))
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


def _text_like(node: SyntaxTreeNode, content: str) -> list[SyntaxTreeNode]:
    """A text node holding part of ``node``'s text, placed where ``node`` is; none for no text."""
    if not content:
        return []
    part = type(node)([Token("text", "", 0, content=content)], create_root=False)
    part.parent = node.parent
    return [part]


_REMARK = re.compile(r"^\s*[(（][^()（）]+[)）]\s*$")


def _remark(after: list[SyntaxTreeNode], inside: list[SyntaxTreeNode]) -> bool:
    """Whether text after a bold question is a remark in brackets that goes with it
    ("**Transformer 为何使用多头注意力？**（为什么不使用一个头）")."""
    return bool(after) and all(c.type == "text" for c in after) \
        and bool(_REMARK.match(plain(after))) and asks_outright(plain(inside))


def _asked_line(head: list[SyntaxTreeNode], rest: list[SyntaxTreeNode], line: int,
                end_line: int) -> BoldQuestion | None:
    """A first line of plain text that says it asks ("Q: What is BN?", "问：…"): the
    question, whatever its markup; the lines after it (an "A: …" line) its answer."""
    text = plain(head).strip()
    if not is_asked_line(text):
        return None  # "Q:" split from its words by markup, say
    return BoldQuestion(head, rest, text, line, ASKED_LINE, end_line)


def _first_line(paragraph: SyntaxTreeNode) -> int:
    return paragraph.map[0] + 1 if paragraph.map else 0


def _last_line(paragraph: SyntaxTreeNode) -> int:
    return paragraph.map[1] if paragraph.map else 0


def answered_on_its_line(paragraph: SyntaxTreeNode, prompts: bool = False
                         ) -> BoldQuestion | None:
    """A list item's bold question that opens its line, its answer after it on that line
    (``1. **Why ResNet?** Skip connections …``, ``- **What is IoU?** Intersection …``): the
    bold text is the question when it ends in a question mark, or, with ``prompts``, is a
    prompt ending in a full stop (``**Explain RoI Align.**``; not ``**Note.**``, nor
    ``**How it works.**``, a label); all after it, the answer. A list item is one
    question's place; in a paragraph, ``**Why?** because …`` is a sentence."""
    if paragraph.type != "paragraph" or not paragraph.children:
        return None
    children = list(paragraph.children[0].children)
    filled = [c for c in children if not (c.type == "text" and not c.content.strip())]
    if not filled or filled[0].type != "strong":
        return None
    strong = filled[0]
    text = plain(strong.children).strip()
    if len(text) > _LOOSE_MAX or not (text.endswith(QUESTION_MARKS) or (
            prompts and text.endswith(_STOPS) and asks_by_prompt(text))):
        return None
    after = children[children.index(strong) + 1:]
    answer = _SEPARATING.sub("", plain(after[:line_end(after)]), count=1).strip()
    if not answer or answer.startswith(QUESTION_MARKS):
        return None  # "**Q？** ? A": the spaced-repetition plugin's '?' misplaced, no card
    if after[0].type == "text":  # "**Why?**: Because …": the colon only parts them
        content = _SEPARATING.sub("", after[0].content, count=1)
        after = [*_text_like(after[0], content), *after[1:]]
    return BoldQuestion(list(strong.children), after, text, _first_line(paragraph),
                        ANSWERED_ON_ITS_LINE, _last_line(paragraph))


def _lead_in(head: list[SyntaxTreeNode], rest: list[SyntaxTreeNode], line: int, end_line: int
             ) -> BoldQuestion | None:
    filled = [c for c in head if not (c.type == "text" and not c.content.strip())]
    if not filled or filled[0].type != "strong" or not starts_numbered(plain(filled[0].children)):
        return None
    text = plain(head).strip()
    return BoldQuestion(head, rest, text, line, LEAD_IN, end_line)


def item_question(item: SyntaxTreeNode, lead_ins: bool = False, loose: bool = False
                  ) -> BoldQuestion | None:
    """Return the bold question a list item opens with, if it does."""
    if item.type != "list_item" or not item.children:
        return None
    first = item.children[0]
    return paragraph_question(first, lead_ins, loose) or answered_on_its_line(first)


NUMBERED_ITEM = "a numbered item that asks, its answer nested under it"
_NUMBERED_ITEM_MAX = 300
"""Longest numbered item taken for a question: exam questions run long ("老板给了你个关于
癌症检测的数据集，……你是否对这个模型很满意？"), a longer item is a paragraph of answer."""


def numbered_item_question(item: SyntaxTreeNode) -> BoldQuestion | None:
    """An item of a numbered list whose first line asks in plain text and whose answer is
    nested under it (``1. 怎么判断模型是否过拟合？`` then indented paragraphs), if it is one.
    An item with nothing nested is a question listed without an answer, or a step of an
    answer; one with only a list nested is as often an interview log's question and its
    follow-ups (``+ FPN 作用``): neither is a question."""
    if item.type != "list_item" or all(
            child.type in ("bullet_list", "ordered_list") for child in item.children[1:]):
        return None  # nothing, or only a list, nested: sub-questions of a log as often
    first = item.children[0]
    if first.type != "paragraph" or not first.children:
        return None
    children = list(first.children[0].children)
    if any(c.type in LINE_BREAKS for c in children):
        return None  # a question is its item's first line, the whole of it
    text = plain(children).strip()
    if len(text) > _NUMBERED_ITEM_MAX or not asks_outright(text):
        return None
    return BoldQuestion(children, [], text, _first_line(first), NUMBERED_ITEM, _last_line(first))


def is_bare_label(item: SyntaxTreeNode, found: BoldQuestion | None) -> bool:
    """Whether a list item is only a short bold phrase that does not ask outright
    (``1. **Inspect the tokens**``, ``**Compare train and serving**``): nothing after it
    in its item, no question mark or asking word, no answer label under it."""
    return (found is not None and not found.rest and len(item.children) == 1
            and not asks(found.text) and found.reason != LABELLED)


def labelled_question(paragraph: SyntaxTreeNode, answered: frozenset[int]
                      ) -> BoldQuestion | None:
    """The paragraph as a question when the block under it opens with an answer label
    (``answered``: such paragraphs' first lines, ``builder.parse.answerlabels``)."""
    line = _first_line(paragraph)
    if paragraph.type != "paragraph" or line not in answered or not paragraph.children:
        return None
    children = list(paragraph.children[0].children)
    cut = line_end(children)  # "What is ML?" / "A: …": the label's line begins the answer
    head, rest = children[:cut], children[cut + 1:]
    return BoldQuestion(head, rest, plain(head).strip(), line, LABELLED, _last_line(paragraph))


def _first_paragraph_question(item: SyntaxTreeNode, answered: frozenset[int]
                              ) -> BoldQuestion | None:
    return labelled_question(item.children[0], answered) if item.children else None


def count(nodes: list[SyntaxTreeNode], answered: frozenset[int] = frozenset()
          ) -> tuple[int, int]:
    """Count the bold questions among top-level blocks (paragraphs and list items):
    without, and with, the lines that open with a bold number (one reading gives both);
    ``answered``: lines of plain questions marked by the answer label under them."""
    found: list[BoldQuestion | None] = []
    for node in nodes:
        if node.type == "paragraph":
            found.append(paragraph_question(node, lead_ins=True)
                         or labelled_question(node, answered))
        elif node.type == "bullet_list":
            found += [item_question(item, lead_ins=True)
                      or _first_paragraph_question(item, answered) for item in node.children]
        elif node.type == "ordered_list":
            found += [item_question(item, lead_ins=True) or numbered_item_question(item)
                      or _first_paragraph_question(item, answered) for item in node.children]
    with_lead_ins = [question for question in found if question is not None]
    return sum(not question.lead_in for question in with_lead_ins), len(with_lead_ins)
