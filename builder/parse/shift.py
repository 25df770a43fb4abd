"""Parsed nodes moved down (or up) the file by a number of lines, columns untouched.

An edit that adds or removes lines in one question moves every later question of the
file without changing it; ``builder.parse.splice`` keeps those questions as parsed and
moves them with these functions instead of parsing them again.
"""

from __future__ import annotations

from dataclasses import replace

from builder.model import (
    Card,
    Diagnostic,
    Diagram,
    Formula,
    Heading,
    Node,
    Section,
    SourceLoc,
    TocEntry,
)


def loc(at: SourceLoc, delta: int) -> SourceLoc:
    return SourceLoc(at.path, at.line + delta, at.col)


def node(at: Node, delta: int) -> Node:
    # The constructor, not dataclasses.replace: a moved question has thousands of nodes,
    # and replace looks up every field by name for each.
    return Node(at.kind, tuple(node(child, delta) for child in at.children), at.text,
                at.attrs, at.line + delta if at.line else 0,
                formula(at.formula, delta) if at.formula is not None else None,
                diagram(at.diagram, delta) if at.diagram is not None else None,
                at.col, at.end_line + delta if at.end_line else 0)


def nodes(at: tuple[Node, ...], delta: int) -> tuple[Node, ...]:
    return tuple(node(one, delta) for one in at)


def formula(at: Formula, delta: int) -> Formula:
    return Formula(at.tex, at.display, loc(at.loc, delta))


def diagram(at: Diagram, delta: int) -> Diagram:
    return replace(at, loc=loc(at.loc, delta))


def card(at: Card, delta: int) -> Card:
    return replace(at, question=nodes(at.question, delta), answer=nodes(at.answer, delta),
                   loc=loc(at.loc, delta),
                   formulas=tuple(formula(f, delta) for f in at.formulas),
                   diagrams=tuple(diagram(d, delta) for d in at.diagrams),
                   end_line=at.end_line + delta if at.end_line else 0)


def section(at: Section, delta: int) -> Section:
    return replace(at, loc=loc(at.loc, delta), cards=tuple(card(c, delta) for c in at.cards),
                   intro=nodes(at.intro, delta),
                   formulas=tuple(formula(f, delta) for f in at.formulas),
                   diagrams=tuple(diagram(d, delta) for d in at.diagrams))


def diagnostic(at: Diagnostic, delta: int) -> Diagnostic:
    return replace(at, loc=loc(at.loc, delta),
                   end_line=at.end_line + delta if at.end_line else 0)


def heading(at: Heading, delta: int) -> Heading:
    return replace(at, loc=loc(at.loc, delta))


def toc_entry(at: TocEntry, delta: int) -> TocEntry:
    return replace(at, loc=loc(at.loc, delta))
