"""Footnotes (``text[^1]`` … ``[^1]: the note``), each shown in the cards that cite it.

Authors write a file's footnote definitions at its end, or at the end of a section, far
from the questions citing them.  markdown-it's footnote plugin (mdit-py-plugins, set up in
``builder.parse.markdown``) reads each definition where it is written (``move_to_end``
off), so it is first a ``footnote_def`` block of whichever card or introduction it sits
in.  ``attach_footnotes`` then moves every cited definition out of there and into each
card (or section introduction) citing it: one ``footnotes`` block at the end of the
answer, the definitions in the order first cited.  A definition nobody cites stays where
it is written, with a ``footnote-unused`` note (a list of sources, as chat exports
write them, often is); one defined twice keeps its first
definition, and the second stays in place with a ``footnote-duplicate`` warning.  A
citation with no definition is left as the text written (``[^x]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from builder.model import Card, Diagnostic, Diagram, Formula, Node, Section, SourceLoc, walk_all

FOOTNOTE_DEF = "footnote_def"
"""A definition, attr ``label``; children: its blocks."""
FOOTNOTE_REF = "footnote_ref"
"""A citation, attr ``label``."""
FOOTNOTES = "footnotes"
"""The definitions a card cites, appended to its answer; children: ``footnote_def``."""


def defines_footnotes(env: Mapping[str, Any]) -> bool:
    """Whether a file's parse (markdown-it's ``env`` after it) met a footnote definition."""
    return bool(env.get("footnotes", {}).get("refs"))


def attach_footnotes(sections: tuple[Section, ...], path: str, env: Mapping[str, Any]
                     ) -> tuple[tuple[Section, ...], list[Diagnostic]]:
    """Move each cited definition into every card and introduction citing it (nothing to
    do, and no walk through the file's nodes, unless ``env`` says it defines one)."""
    if not defines_footnotes(env):
        return sections, []
    definitions, diagnostics = _definitions(sections, path)
    if not definitions:
        return sections, diagnostics
    cited = {label for section in sections for label in _cited(section.intro, definitions)}
    cited |= {label for section in sections for card in section.cards
              for label in _cited((*card.question, *card.answer), definitions)}
    for label, node in definitions.items():
        if label not in cited:
            diagnostics.append(Diagnostic(
                SourceLoc(path, node.line, node.col or 1), "note",
                f"footnote [^{label}] is never cited: it stays where it is written",
                "footnote-unused"))
    moved = {id(definitions[label]) for label in cited}
    return tuple(_section(s, definitions, moved) for s in sections), diagnostics


def _definitions(sections: Iterable[Section], path: str
                 ) -> tuple[dict[str, Node], list[Diagnostic]]:
    """Each label's first definition, and a warning for each later one."""
    found: dict[str, Node] = {}
    diagnostics = []
    for section in sections:
        holders = [section.intro, *(card.answer for card in section.cards)]
        for node in (n for nodes in holders for n in walk_all(nodes)):
            if node.kind != FOOTNOTE_DEF:
                continue
            label = node.attr("label")
            first = found.setdefault(label, node)
            if first is not node:
                diagnostics.append(Diagnostic(
                    SourceLoc(path, node.line, node.col or 1), "warning",
                    f"footnote [^{label}] is defined again (first on line {first.line}, "
                    "which is the one shown): this one stays where it is written",
                    "footnote-duplicate"))
    return found, diagnostics


def _cited(nodes: tuple[Node, ...], definitions: dict[str, Node]) -> list[str]:
    """The defined labels cited in ``nodes``, in the order first cited, then those the
    cited definitions cite (citations inside other definitions do not count)."""
    labels: dict[str, None] = {}
    for node in walk_all(_without(nodes, {id(d) for d in definitions.values()})):
        if node.kind == FOOTNOTE_REF and node.attr("label") in definitions:
            labels.setdefault(node.attr("label"))
    # A definition citing another brings that one along (once, however they cite each
    # other), or the other would be called uncited and left where it was written.
    pending = list(labels)
    while pending:
        for node in walk_all(definitions[pending.pop()].children):
            label = node.attr("label") if node.kind == FOOTNOTE_REF else None
            if label is not None and label in definitions and label not in labels:
                labels[label] = None
                pending.append(label)
    return list(labels)


def _without(nodes: tuple[Node, ...], moved: set[int]) -> tuple[Node, ...]:
    """``nodes`` with the definitions in ``moved`` taken out, at any depth."""
    kept = []
    for node in nodes:
        if id(node) in moved:
            continue
        if node.children and any(id(n) in moved for n in walk_all(node.children)):
            node = replace(node, children=_without(node.children, moved))
        kept.append(node)
    return tuple(kept)


def _with_cited(nodes: tuple[Node, ...], cites_from: tuple[Node, ...],
                definitions: dict[str, Node], moved: set[int]) -> tuple[Node, ...]:
    """``nodes`` without the moved definitions, and with a ``footnotes`` block of those
    ``cites_from`` cites."""
    labels = _cited(cites_from, definitions)
    kept = _without(nodes, moved)
    if not labels:
        return kept
    cited = tuple(definitions[label] for label in labels)
    block = Node(FOOTNOTES, cited, line=cited[0].line, col=cited[0].col,
                 end_line=max(d.end_line for d in cited))
    return (*kept, block)


def _section(section: Section, definitions: dict[str, Node], moved: set[int]) -> Section:
    intro = _with_cited(section.intro, section.intro, definitions, moved)
    cards = tuple(_card(card, definitions, moved) for card in section.cards)
    if intro == section.intro and all(a is b for a, b in zip(cards, section.cards,
                                                              strict=True)):
        return section
    formulas, diagrams = _drawings(intro)
    return replace(section, intro=intro, cards=cards, formulas=formulas, diagrams=diagrams)


def _card(card: Card, definitions: dict[str, Node], moved: set[int]) -> Card:
    answer = _with_cited(card.answer, (*card.question, *card.answer), definitions, moved)
    if answer == card.answer:
        return card
    formulas, diagrams = _drawings((*card.question, *answer))
    return replace(card, answer=answer, formulas=formulas, diagrams=diagrams)


def _drawings(nodes: tuple[Node, ...]) -> tuple[tuple[Formula, ...], tuple[Diagram, ...]]:
    """The formulas and diagrams of ``nodes``, in document order, as a card lists them."""
    walked = list(walk_all(nodes))
    return (tuple(n.formula for n in walked if n.formula is not None),
            tuple(n.diagram for n in walked if n.diagram is not None))
