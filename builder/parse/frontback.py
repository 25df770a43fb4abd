"""A card's front written out under its question, parted from the back by a line ``%``.

mdanki and ankdown (and their forks) write a card as its question, more lines of the
front, a paragraph that is only ``%``, and the back: the lines above the ``%`` ask, so they
belong on the question side, and the ``%`` itself is markup, shown nowhere."""

from __future__ import annotations

from builder.model import Node

SEPARATOR = "%"


def _is_separator(block: Node) -> bool:
    return (block.kind == "paragraph" and len(block.children) == 1
            and block.children[0].kind == "text" and block.children[0].text.strip() == SEPARATOR)


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
