"""A file's Document put together after a splice: the questions parsed again in place of
their old selves, everything else as it was, moved by the lines the edits added above it
(``builder.parse.splice`` decides what may be kept)."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from markdown_it.token import Token

from builder.model import Card, Diagnostic, Document, Heading, Section
from builder.parse import shift
from builder.parse.filefacts import by_place, heading_sources
from builder.parse.headings import headings_of
from builder.parse.slug import Slugger


@dataclass(frozen=True)
class Edit:
    """One question parsed again."""

    old: Card
    """The question as it was."""
    card: Card
    """The question as parsed again, where it now stands."""
    first: int
    """1-based line of its heading before the edits."""
    old_last: int
    """1-based last line of its lines before the edits (the line before the next heading)."""
    delta: int
    """Lines the edits added to it (negative: removed)."""
    found: tuple[Diagnostic, ...]
    """What parsing it again found, where it now stands."""
    tokens: tuple[Token, ...]
    """Its tokens, where it now stands."""


@dataclass(frozen=True)
class Moves:
    """Where the lines the edits kept went: each kept line moved by the lines the edits
    above it added."""

    edits: tuple[Edit, ...]
    """In file order."""
    _ends: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _totals: tuple[int, ...] = field(init=False, repr=False, compare=False)
    """Lines added by the first i edits, for i = 0 .. len(edits): asked once per kept
    node, heading and piece of prose, so summed once here."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ends", tuple(edit.old_last for edit in self.edits))
        object.__setattr__(self, "_totals", (0, *itertools.accumulate(
            edit.delta for edit in self.edits)))

    def touched(self, line: int) -> bool:
        """Whether the 1-based old ``line`` belongs to a question parsed again."""
        at = bisect.bisect_left(self._ends, line)
        return at < len(self.edits) and self.edits[at].first <= line

    def by(self, line: int) -> int:
        """How far the 1-based old ``line`` (outside the edited questions) moved."""
        return self._totals[bisect.bisect_left(self._ends, line)]

    def kept(self, old: Sequence[Diagnostic], found: Sequence[Sequence[Diagnostic]]
             ) -> tuple[Diagnostic, ...]:
        """``old`` diagnostics outside the edited questions, moved, then ``found`` anew."""
        moved = tuple(shift.diagnostic(d, delta) if (delta := self.by(d.loc.line)) else d
                      for d in old if not self.touched(d.loc.line))
        return (*moved, *(d for diagnostics in found for d in diagnostics))


def document(doc: Document, moves: Moves, found: tuple[Heading, ...]) -> Document:
    """``doc`` with each edited question replaced, everything else moved, and the
    headings ``found`` (see ``headings``)."""
    new = {id(edit.old): edit.card for edit in moves.edits}
    sections: list[Section] = []
    for section in doc.sections:
        delta = moves.by(section.loc.line)
        if delta and not moves.touched(section.loc.line) and not any(
                id(card) in new for card in section.cards):
            sections.append(shift.section(section, delta))
            continue
        cards = tuple(new.get(id(card)) or _moved(card, moves) for card in section.cards)
        changed = any(a is not b for a, b in zip(cards, section.cards, strict=True))
        if delta:  # its heading and introduction moved too
            section = shift.section(replace(section, cards=()), delta)
        sections.append(replace(section, cards=cards) if delta or changed else section)
    return replace(
        doc, sections=tuple(sections), headings=found,
        diagnostics=by_place(moves.kept(doc.diagnostics, [edit.found for edit in moves.edits])),
        toc=tuple(shift.toc_entry(t, moves.by(t.loc.line)) for t in doc.toc),
        toc_lines=tuple(line + moves.by(line) for line in doc.toc_lines),
        section_headings=tuple(shift.node(n, moves.by(n.line)) if moves.by(n.line) else n
                               for n in doc.section_headings))


def _moved(card: Card, moves: Moves) -> Card:
    delta = moves.by(card.loc.line)
    return shift.card(card, delta) if delta else card


def headings(doc: Document, moves: Moves, lines: list[str], sources: tuple[str, ...]
             ) -> tuple[tuple[Heading, ...], tuple[str, ...]]:
    """The file's headings after the edits, and their texts as written: those of each
    question parsed again as they now stand, the rest moved.  A question's heading may
    have new words: then every anchor is handed out again, in order (a repeated text's
    anchor is numbered by the ones before it)."""
    here = iter([(heading, source) for edit in moves.edits
                 for heading, source in zip(headings_of(list(edit.tokens), doc.path, lines),
                                            heading_sources(edit.tokens), strict=True)])
    found: list[Heading] = []
    written: list[str] = []
    for heading, source in zip(doc.headings, sources, strict=True):
        if moves.touched(heading.loc.line):
            new, source = next(here)
            heading = replace(heading, text=new.text, loc=new.loc)
        elif moves.by(heading.loc.line):
            heading = shift.heading(heading, moves.by(heading.loc.line))
        found.append(heading)
        written.append(source)
    if tuple(written) != sources:
        slugger = Slugger()
        found = [replace(heading, anchor=anchor) if anchor != heading.anchor else heading
                 for heading, anchor in ((h, slugger.slug(text))
                                         for h, text in zip(found, written, strict=True))]
    return tuple(found), tuple(written)
