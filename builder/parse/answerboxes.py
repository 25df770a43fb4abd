"""A list item that asks, then a box titled "Answer" right after its list: the box is the
item's answer.

Quizzes written for Quarto, Pandoc or MyST number their questions as list items and put
each answer in a folded box after it, outside the list (the box cannot sit in the item
without indenting every line of it)::

    1. What does pooling do?

    ::: {.callout-note collapse="true" title="Answer"}
    It summarises a window …
    :::

Read as written, the box was a loose block after the list: the section became one card
holding every question, or its text the section's introduction.  A box whose title only
says "answer" (``Answer``, ``Antwort``, ``Solution``, ``答案`` …) answers the item just
above it, so it is moved into that item, as if indented under it: the item then carries
its answer nested under it (``builder.parse.askingitems``).
A numbered item alone in its list (``6. Im obigen Beispiel … Begründen Sie.``: each
question its own list, parted by its box) is a question whatever its length or ending —
the box is the author's mark — and so is one over a list of sub-questions that the box
answers together (``1. Sie haben folgende logits …`` over ``- Wieviele Klassen …?``).
A box with any other title (``Tip``, ``Note``, a question), or written another way
(``<details>``, ``???``, ``::: details``, ``> [!answer]``), stays where it is.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from builder.parse.fenceddivs import is_braced
from builder.parse.phrases import asks_outright, fold

_LABELS = frozenset({
    "answer", "answers", "the answer", "show answer", "solution", "solutions",
    "show solution", "suggested answer", "sample answer", "model answer", "antwort",
    "lösung", "musterlösung", "réponse", "solution proposée", "respuesta", "solución",
    "resposta", "solução", "ответ", "решение", "答案", "参考答案", "解答", "解析",
    "答案解析", "回答", "답", "정답", "답변", "答え", "解答例",
})
_LIST_OPEN = ("ordered_list_open", "bullet_list_open")
_SHOWN = frozenset({"fence", "code_block", "paragraph_open", "callout_open", "math_block",
                    "table_open"})
"""Blocks a question may show between its item and its answer box."""
MAX_SHOWN = 6
"""Most blocks a question shows between its item and its answer box (a quiz's text,
code, options and a hint take four); further back, the box is no item's answer."""
BOXED = "answer_box"
"""Meta key set on the opening of an item an Answer box was moved into: the item is a
question, whatever it reads like (``bold.numbered_item_question``)."""


def answer_boxes_plugin(md: MarkdownIt) -> None:
    """Register the rule, after the one that makes boxes of the ``:::`` lines."""
    md.core.ruler.after("callouts", "answer_boxes", _answer_boxes)


def is_answer_title(title: str) -> bool:
    """Whether a box's title only says that it holds the answer."""
    return fold(title).strip(" :：.…") in _LABELS


def _answer_boxes(state: StateCore) -> None:
    tokens = state.tokens
    if not any(t.type == "callout_open" for t in tokens):
        return
    # Last box first: moving one only shifts the tokens from its list on, all before it.
    for box in reversed([at for at in range(1, len(tokens)) if _answers(tokens, at)]):
        list_close = _asking_list_before(tokens, box)
        if list_close is not None:
            _move_into_item(tokens, list_close, box)


def _asking_list_before(tokens: list[Token], box: int) -> int | None:
    """Where the list whose last item the box at ``box`` answers closes, walking back past
    what the question shows before its answer (code, a paragraph, a figure or hint box, a
    list of options that do not ask) — at most ``MAX_SHOWN`` blocks; None when a heading,
    a rule, a list that asks, another Answer box or the cap comes first."""
    at = box - 1
    for _ in range(MAX_SHOWN + 1):
        if at < 0 or tokens[at].level != tokens[box].level:
            return None
        start = _block_start(tokens, at)
        token = tokens[start]
        if token.type in _LIST_OPEN:
            if _numbered_alone(tokens, start - 1) and _last_item_asks(tokens, at):
                return start - 1  # "1. Sie haben …" over "- Wieviele …?": the item asks them
            if _last_item_asks(tokens, at) or _numbered_alone(tokens, at):
                return at
            if _asks_in(tokens[start:at + 1]):
                return None
        elif token.type not in _SHOWN or _answers(tokens, start):
            return None
        at = start - 1
    return None


def _block_start(tokens: list[Token], end: int) -> int:
    """Where the block whose last token is at ``end`` starts."""
    depth, at = 0, end
    for at in range(end, -1, -1):
        depth += tokens[at].nesting
        if depth >= 0:
            break
    return at


def _asks_in(tokens: list[Token]) -> bool:
    """Whether an item of this list asks (its first line): a list of options or settings
    under a question asks nothing; one that does is a question of its own."""
    return any(token.type == "inline" and tokens[at - 2].type == "list_item_open"
               and asks_outright(token.content.split("\n", 1)[0])
               for at, token in enumerate(tokens) if at >= 2)


def _answers(tokens: list[Token], at: int) -> bool:
    """Whether the box opening at ``at`` is a braced ``:::`` box (Pandoc, Quarto, MyST)
    titled only "Answer", after a block of its own level.  Other box syntaxes (``<details>``,
    ``::: details``, ``???``, ``> [!answer]``) already nest under an item when the author
    means it, and a loose one after a list reads as the section's, as it always has."""
    opening = tokens[at]
    if opening.type != "callout_open" or opening.level != tokens[at - 1].level:
        return False
    if not is_braced(opening.info):
        return False
    if at + 2 >= len(tokens) or tokens[at + 1].type != "callout_title_open":
        return False
    return is_answer_title(tokens[at + 2].content)


def _numbered_alone(tokens: list[Token], list_close: int) -> bool:
    """Whether the block ending at ``list_close`` is a numbered list of one item opening
    with text (a quiz's question, parted from the next by its box)."""
    if list_close < 0 or tokens[list_close].type != "ordered_list_close" \
            or tokens[list_close].level != tokens[list_close + 1].level:
        return False
    start = _block_start(tokens, list_close)
    level = tokens[start].level + 1
    items = [at for at in range(start, list_close)
             if tokens[at].type == "list_item_open" and tokens[at].level == level]
    return len(items) == 1 and tokens[items[0] + 1].type == "paragraph_open" \
        and bool(tokens[items[0] + 2].content.strip())


def _last_item_asks(tokens: list[Token], list_close: int) -> bool:
    """Whether the first line of the list's last item asks (a list of points above an
    "Answer" box is the question's text, not a question of its own)."""
    level = tokens[list_close - 1].level
    for back in range(list_close - 2, -1, -1):
        token = tokens[back]
        if token.type == "list_item_open" and token.level == level:
            inline = tokens[back + 2] if back + 2 < list_close else None
            if inline is None or inline.type != "inline":
                return False
            return asks_outright(inline.content.split("\n", 1)[0])
    return False


def _move_into_item(tokens: list[Token], list_close: int, box_at: int) -> None:
    """Move the box at ``box_at``, and what the question shows between the list and it
    (``_asking_list_before``), to the end of the list's last item."""
    start = list_close + 1
    depth, end = 0, box_at
    for end in range(box_at, len(tokens)):
        depth += tokens[end].nesting
        if depth == 0:
            break
    box = tokens[start:end + 1]
    item_close = list_close - 1  # a list's last token before its close is its item's
    for token in box:
        token.level += 2
    opening = tokens[box_at]
    last = opening.map[1] if opening.map else None
    del tokens[start:end + 1]
    tokens[item_close:item_close] = box
    _widen(tokens, item_close + len(box), last)


def _widen(tokens: list[Token], item_close: int, last: int | None) -> None:
    """Mark the item as answered by its box, and make the item and its list span the box's
    lines too (their maps end there)."""
    level, marked = tokens[item_close].level, False
    for back in range(item_close - 1, -1, -1):
        token = tokens[back]
        opens_item = token.type == "list_item_open" and token.level == level
        opens_list = token.type in _LIST_OPEN and token.level == level - 1
        if opens_item and not marked:  # the list's last item, the box's
            token.meta[BOXED] = marked = True
        if (opens_item or opens_list) and token.map and last is not None:
            token.map = [token.map[0], max(token.map[1], last)]
        if opens_list:
            return
