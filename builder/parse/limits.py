"""The cheat sheet's share of the answer cap: a huge answer is cut for the PDF too.

The card cuts an answer at ``MAX_ANSWER_CHARS`` of HTML (see ``builder.anki.notes``, which
reports it).  Typesetting a 5 MB paragraph took typst 80 s and 9 GB, so the PDF gets
the same cut, measured in text: it keeps at least what the card keeps.
"""

from __future__ import annotations

from builder.model import Node, plain_text

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
