"""Obsidian tag lines: a paragraph of nothing but tags (``#flashcards/HCI/36``, ``#rl``).

Obsidian's spaced-repetition plugin files the cards after such a line in the deck the tag
names (``#flashcards/HCI/36`` over each week of a course's cards), and a vault tags its
notes so (``#rl`` atop a glossary term).  Read as text, the line was a paragraph at the
end of the previous card's answer or a section introduction of its own (the PDF only).
It is the tags of the cards after it instead, up to the next such line; a file that is
one question takes every tag line in it.  ``/`` parts a hierarchical tag, as Anki's
``::`` does (``builder.anki.notes``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import replace

from markdown_it.tree import SyntaxTreeNode

from builder.model import Diagnostic, SourceLoc
from builder.parse.questiontext import CardDraft

_TAG = re.compile(r"#[\w/-]+")
"""An Obsidian tag: letters, digits, ``_``, ``-`` and ``/`` after ``#``."""

MAX_CARD_TAGS = 64
"""The tags a card takes from its file's tag lines (and from its front matter, or its
mdanki tag links, each): real notes give a card a few.  One 1 MB line of tags over 500
questions gave each 100,000 (1.5 GB to build, an 87 MB deck)."""
MAX_TAG_CHARS = 100
"""The longest tag: a longer word after ``#`` is text, not a tag (each card would carry
it whole)."""


def tag_line(node: SyntaxTreeNode) -> tuple[str, ...] | None:
    """The tags (without ``#``) of a paragraph that holds nothing else; None for any
    other block.  A tag needs a letter (``#1`` is a number); no heading is one (``# x``
    has a space)."""
    if node.type != "paragraph" or len(node.children) != 1:
        return None
    words = node.children[0].content.split()
    if not words or not all(len(w) <= MAX_TAG_CHARS + 1 and _TAG.fullmatch(w)
                            and any(c.isalpha() for c in w) for w in words):
        return None
    return tuple(dict.fromkeys(w[1:].strip("/") for w in words))


class TagLines:
    """The tag lines a walk has met (a mixin of ``builder.parse.document.Walker``)."""

    _tag_changes: list[tuple[int, tuple[str, ...]]]
    """Each tag line's first line (1-based) and its tags, in order."""
    _tags_cut: set[int]
    """The tag lines whose tags some card did not take (``MAX_CARD_TAGS``), warned."""
    question_level: int
    path: str
    diagnostics: list[Diagnostic]

    def _begin_tag_lines(self) -> None:
        """Start a walk with no tag line met (the walker's ``__init__`` calls it)."""
        self._tag_changes = []
        self._tags_cut = set()

    def _tag_line(self, node: SyntaxTreeNode) -> bool:
        """Take ``node`` if it is a tag line (its tags those of the cards after it)."""
        tags = tag_line(node)
        if tags is None:
            return False
        line = node.map[0] + 1 if node.map else 1
        self._tag_changes.append((line, tags))
        if len(tags) > MAX_CARD_TAGS:
            self._tag_changes[-1] = (line, self._capped(((line, tags),)))
        return True

    def _capped(self, changes: Iterable[tuple[int, tuple[str, ...]]]) -> tuple[str, ...]:
        """The tags of ``changes`` a card takes: the first ``MAX_CARD_TAGS``, with a
        warning at the first line whose tags are left out."""
        taken: dict[str, None] = {}
        for line, tags in changes:
            for tag in tags:
                if len(taken) == MAX_CARD_TAGS and tag not in taken:
                    if line not in self._tags_cut:
                        self._tags_cut.add(line)
                        self.diagnostics.append(Diagnostic(
                            SourceLoc(self.path, line), "warning",
                            f"a card takes at most {MAX_CARD_TAGS} tags: #{tag} and the "
                            "tags after it are left out of the cards", "too-many-tags"))
                    return tuple(taken)
                taken[tag] = None
        return tuple(taken)

    def tags_at(self, line: int) -> tuple[str, ...]:
        """The tags of a card whose question is on ``line``: the last tag line's above
        it (every tag line's, in a file that is one question)."""
        if not self.tagged:
            return ()
        if not self.question_level:
            return self._capped(self._tag_changes)
        at = bisect.bisect_left(self._tag_changes, (line,)) - 1
        return self._tag_changes[at][1] if at >= 0 else ()

    def file_tagged(self, drafts: list[list[CardDraft]]) -> list[list[CardDraft]]:
        """``drafts`` with the tags of the tag lines below the last question on every card:
        no card comes after them, so they tag the whole file, as Obsidian reads a note's
        tags (``#rl #ml`` at a note's end)."""
        if not self.tagged:
            return drafts
        last = max((draft.loc.line for cards in drafts for draft in cards), default=0)
        below = [(line, tags) for line, tags in self._tag_changes if line > last]
        if not below:
            return drafts
        return [[replace(draft, tags=self._capped(((draft.loc.line, draft.tags), *below)))
                 for draft in cards] for cards in drafts]

    @property
    def tagged(self) -> bool:
        """Whether any tag line was met (a later parse of one question cannot know the
        tags above it: ``builder.parse.splice`` parses such a file whole)."""
        return bool(self._tag_changes)
