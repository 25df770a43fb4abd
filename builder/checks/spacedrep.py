"""Cards of Obsidian's spaced-repetition plugin that are not cards here either.

A ``?`` (or ``??``) line parts a card's question from its answer only when the question
is on the lines right above it, in the same paragraph (``builder.parse.bold``): a blank
line between them leaves the ``?`` opening a paragraph of its own, which the plugin does
not read as a card and neither does the build.  Said here, as the text would otherwise
sit in the answer above (or the cheat sheet) with its stray ``?``, unexplained.
"""

from __future__ import annotations

from builder.model import Diagnostic, Document, Node, SourceLoc
from builder.parse.spacedcards import SEPARATORS

_BREAKS = ("softbreak", "hardbreak")


def orphan_separators(doc: Document) -> list[Diagnostic]:
    """A warning for each paragraph of an answer or introduction that opens with a ``?``
    line (no question above it).  Only the top-level blocks are read: a whole-file check,
    run again after each edit."""
    blocks = [*(node for card in doc.cards for node in card.answer),
              *(node for section in doc.sections for node in section.intro)]
    return [Diagnostic(SourceLoc(doc.path, node.line, node.col), "warning",
                       f"'{node.children[0].text.strip()}' opens a paragraph: it parts a card's "
                       "question from its answer only with the question on the line right "
                       "above it (no blank line between); these lines are kept as text",
                       "sr-separator", node.end_line)
            for node in blocks if _opens_with_separator(node)]


def _opens_with_separator(node: Node) -> bool:
    if node.kind != "paragraph" or not node.children:
        return False
    first = node.children[0]
    return first.kind == "text" and first.text.strip() in SEPARATORS and (
        len(node.children) == 1 or node.children[1].kind in _BREAKS)
