"""The cheat sheet's share of the answer cap: a huge answer is cut for the PDF too.

The card cuts an answer at ``MAX_ANSWER_CHARS`` of HTML (see ``builder.anki.notes``, which
reports it).  Typesetting a 5 MB paragraph took typst 80 s and 9 GB, so the PDF gets
the same cut, measured in text: it keeps at least what the card keeps.
"""

from __future__ import annotations

from dataclasses import replace

from builder.model import Card, Document, Node, plain_text

MAX_ANSWER_CHARS = 100_000
"""Card HTML beyond this makes Anki's editor and sync crawl; the rest stays in the notes."""


def cut_answer(answer: tuple[Node, ...]) -> tuple[Node, ...] | None:
    """The answer's blocks within ``MAX_ANSWER_CHARS`` of text, the crossing block cut to
    a plain paragraph; None when the whole answer fits."""
    kept: list[Node] = []
    size = 0
    for block in answer:
        text = plain_text((block,))
        if size + len(text) > MAX_ANSWER_CHARS:
            room = MAX_ANSWER_CHARS - size
            if room > 0 and text:
                kept.append(Node("paragraph", (Node("text", text=text[:room] + "…",
                                                    line=block.line, col=block.col),),
                                 line=block.line, col=block.col))
            return tuple(kept)
        kept.append(block)
        size += len(text)
    return None


def documents_for_pdf(documents: list[Document]) -> list[Document]:
    """``documents`` with every answer over the cap cut (the others untouched)."""
    return [_cut_document(doc) for doc in documents]


def _cut_document(doc: Document) -> Document:
    if not any(cut_answer(card.answer) is not None for card in doc.cards):
        return doc
    return replace(doc, sections=tuple(
        replace(section, cards=tuple(_cut_card(card) for card in section.cards))
        for section in doc.sections))


def _cut_card(card: Card) -> Card:
    answer = cut_answer(card.answer)
    return card if answer is None else replace(card, answer=answer)
