"""A card's front written out under its question, parted from the back by a line ``%``.

mdanki and ankdown (and their forks) write a card as its question, more lines of the
front, a paragraph that is only ``%``, and the back: the lines above the ``%`` ask, so they
belong on the question side, and the ``%`` itself is markup, shown nowhere.  mdanki heads
each card with a ``##`` heading; ankdown writes no heading, and parts the cards of a file
with a rule ``---`` (or a paragraph ``%%``)."""

from __future__ import annotations

from dataclasses import replace

from builder.model import Node, SourceLoc, walk_all
from builder.parse.questiontext import INVISIBLE, CardDraft, readable_text
from builder.parse.taglines import MAX_CARD_TAGS

SEPARATOR = "%"
CARD_BREAK = "%%"


def _is_separator(block: Node, mark: str = SEPARATOR) -> bool:
    return (block.kind == "paragraph" and len(block.children) == 1
            and block.children[0].kind == "text" and block.children[0].text.strip() == mark)


def split_front(question: tuple[Node, ...], answer: tuple[Node, ...],
                ) -> tuple[tuple[Node, ...], tuple[Node, ...], tuple[str, ...]]:
    """The question with the front's paragraphs below it (each on a line of its own), the
    answer after the first ``%`` paragraph, and the card's tags (``card_tags``); question
    and answer as they are when the answer holds no ``%`` or its front holds more than
    paragraphs (a list, code: those stay in the answer, as written).

    A front of paragraphs only is what these tools' users write (a sentence or two that
    asks); inline nodes keep the question one line of text the card and the PDF show as
    they show any question."""
    cut = next((index for index, block in enumerate(answer) if _is_separator(block)), None)
    if cut is None or not all(block.kind == "paragraph" for block in answer[:cut]):
        return (question, *card_tags(answer, fields=False))
    asked = list(question)
    for block in answer[:cut]:
        if asked:
            asked.append(Node("hardbreak", line=block.line, col=block.col))
        asked.extend(block.children)
    return (tuple(asked), *card_tags(answer[cut + 1:], fields=True))


def card_tags(answer: tuple[Node, ...], *, fields: bool
              ) -> tuple[tuple[Node, ...], tuple[str, ...]]:
    """The answer without the lines that tag its card, and their tags: mdanki's line of
    tag links (``[#algorithms](./algorithms.md) [#binary tree]()``) and, after the answer's
    own ``%`` (``fields``), ankdown's third field of words (``math, probability``).  A
    third field that is not a few words stays in the answer, its ``%`` left out."""
    tags: list[str] = []
    second = next((at for at, block in enumerate(answer) if _is_separator(block)), None)
    if fields and second is not None:
        words = _field_tags(answer[second + 1:])
        tags.extend(words)
        answer = answer[:second] if words else tuple(
            block for block in answer if not _is_separator(block))
    kept = []
    for block in answer:
        linked = _tag_links(block)
        if linked and len(tags) + len(linked) <= MAX_CARD_TAGS:
            tags.extend(linked)
        else:  # past the most a card takes (1 MB of links): a paragraph of its answer
            kept.append(block)
    return tuple(kept), tuple(dict.fromkeys(tags))


_MAX_FIELD_TAGS = 12
_MAX_TAG = 40
_NOT_IN_TAGS = frozenset(".?!:;。？！：；()（）[]<>\"\'")


def _field_tags(field: tuple[Node, ...]) -> tuple[str, ...]:
    """ankdown's third field as tags: one paragraph of plain words parted by commas (by
    spaces if it has none), a few short ones without sentence punctuation; else none."""
    if len(field) != 1 or field[0].kind != "paragraph" or any(
            node.kind not in ("text", "softbreak") for node in field[0].children):
        return ()
    text = " ".join(node.text for node in field[0].children)
    parts = text.replace("，", ",").split(",") if "," in text or "，" in text else text.split()
    tags = ["_".join(part.split()) for part in parts if part.strip()]
    if not tags or len(tags) > _MAX_FIELD_TAGS or any(
            len(tag) > _MAX_TAG or _NOT_IN_TAGS.intersection(tag) for tag in tags):
        return ()
    return tuple(tags)


def _tag_links(block: Node) -> tuple[str, ...]:
    """The tags of a paragraph of nothing but mdanki tag links: each a link within the
    notes (no address, or a file's path) whose text is ``#`` and a name with a letter in
    it (a link to ticket ``[#4907 …](https://…)`` is none, nor a heading's ``[#Intro](#intro)``)."""
    if block.kind != "paragraph":
        return ()
    tags = []
    for node in block.children:
        if node.kind in ("text", "softbreak") and not node.text.strip():
            continue
        href = node.attr("href")
        if node.kind != "link" or ":" in href.split("/", 1)[0] or href.startswith("#"):
            return ()
        if len(node.children) != 1 or node.children[0].kind != "text":
            return ()
        name = node.children[0].text
        if not name.startswith("#") or not any(c.isalpha() for c in name) or \
                len(name) > _MAX_TAG or _NOT_IN_TAGS.intersection(name):
            return ()
        tags.append("_".join(name[1:].split()))
    return tuple(tags)


def ankdown_cards(draft: CardDraft) -> tuple[CardDraft, ...]:
    """The cards of a file written for ankdown, read so far as one question named by the
    file: each run of blocks between rules (or ``%%``) is a card, its paragraphs above the
    first ``%`` the question, the rest the answer (a later ``%`` field, ankdown's tags: the
    card's tags, ``card_tags``).  The draft as it is unless every run is such a card."""
    runs: list[list[Node]] = [[]]
    for block in draft.answer:
        runs[-1].append(block)  # a rule closes the card before it: its line is that card's
        if _is_break(block):
            runs.append([])
    cards = [_card(draft, tuple(run)) for run in runs if any(not _is_break(b) for b in run)]
    if not cards or any(card is None for card in cards):
        return (draft,)
    return tuple(card for card in cards if card is not None)


def _is_break(block: Node) -> bool:
    return block.kind == "hr" or _is_separator(block, CARD_BREAK)


def _card(draft: CardDraft, run: tuple[Node, ...]) -> CardDraft | None:
    body = run[:-1] if _is_break(run[-1]) else run
    if not any(_is_separator(block) for block in body):
        return None
    question, answer, tags = split_front((), body)
    if not question:  # a front of more than paragraphs, or none
        return None
    nodes = (*question, *answer)
    first = run[0]
    return replace(
        draft, explicit_id=None, question=question, tags=(*draft.tags, *tags),
        question_text=readable_text(question).translate(INVISIBLE), answer=answer,
        loc=SourceLoc(draft.loc.path, first.line, first.col or 1),
        formulas=tuple(n.formula for n in walk_all(nodes) if n.formula),
        diagrams=tuple(n.diagram for n in walk_all(nodes) if n.diagram),
        end_line=max(n.end_line or n.line for n in run))
