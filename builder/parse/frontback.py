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

SEPARATOR = "%"
CARD_BREAK = "%%"


def _is_separator(block: Node, mark: str = SEPARATOR) -> bool:
    return (block.kind == "paragraph" and len(block.children) == 1
            and block.children[0].kind == "text" and block.children[0].text.strip() == mark)


def split_front(question: tuple[Node, ...], answer: tuple[Node, ...],
                ) -> tuple[tuple[Node, ...], tuple[Node, ...]]:
    """The question with the front's paragraphs below it (each on a line of its own) and
    the answer after the first ``%`` paragraph; both as they are when the answer holds no
    ``%`` or its front holds more than paragraphs (a list, code: those stay in the answer,
    as written).

    A front of paragraphs only is what these tools' users write (a sentence or two that
    asks); inline nodes keep the question one line of text the card and the PDF show as
    they show any question."""
    cut = next((index for index, block in enumerate(answer) if _is_separator(block)), None)
    if cut is None or not all(block.kind == "paragraph" for block in answer[:cut]):
        return question, answer
    asked = list(question)
    for block in answer[:cut]:
        if asked:
            asked.append(Node("hardbreak", line=block.line, col=block.col))
        asked.extend(block.children)
    return tuple(asked), answer[cut + 1:]


def ankdown_cards(draft: CardDraft) -> tuple[CardDraft, ...]:
    """The cards of a file written for ankdown, read so far as one question named by the
    file: each run of blocks between rules (or ``%%``) is a card, its paragraphs above the
    first ``%`` the question, the rest the answer (a later ``%`` field, ankdown's tags, stays
    in it as text).  The draft as it is unless every run is such a card."""
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
    question, answer = split_front((), body)
    if not question:  # a front of more than paragraphs, or none
        return None
    answer = tuple(block for block in answer if not _is_separator(block))
    nodes = (*question, *answer)
    first = run[0]
    return replace(
        draft, explicit_id=None, question=question,
        question_text=readable_text(question).translate(INVISIBLE), answer=answer,
        loc=SourceLoc(draft.loc.path, first.line, first.col or 1),
        formulas=tuple(n.formula for n in walk_all(nodes) if n.formula),
        diagrams=tuple(n.diagram for n in walk_all(nodes) if n.diagram),
        end_line=max(n.end_line or n.line for n in run))
