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
citation with no definition is left as the text written (``[^x]``), with a
``footnote-undefined`` warning (``builder.parse.footnoterules``).

An inline footnote (``text^[the note]``) belongs to the card (or introduction) it is
written in: ``number_inline_notes`` numbers it there, after the labels the card cites,
and adds it to the card's ``footnotes`` block.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import replace
from typing import Any

from builder.model import Card, Diagnostic, Diagram, Formula, Node, Section, SourceLoc, walk_all

FOOTNOTE_DEF = "footnote_def"
"""A definition, attr ``label`` (and ``inline`` "1" for an inline footnote's note, written
in the text citing it); children: its blocks."""
FOOTNOTE_REF = "footnote_ref"
"""A citation, attr ``label``."""
FOOTNOTES = "footnotes"
"""The definitions a card cites, appended to its answer; children: ``footnote_def``; attr
``title``: the heading of the section or question they all came from, when moving them
left it empty (``## References``: ``builder.parse.footnotesettle``)."""
FOOTNOTE_INLINE = "footnote_inline"
"""An inline footnote (``text^[the note]``) as parsed; children: the note's inline nodes.
``number_inline_notes`` makes each a numbered ``footnote_ref`` and ``footnote_def``."""
UNDEFINED = "undefined"
"""``meta`` key of a ``footnote_ref`` token citing a label defined nowhere in the file."""
INLINE = "inline_note"
"""``meta`` key of a ``footnote_ref`` token that is an inline footnote (its children: the
note)."""


def defines_footnotes(env: Mapping[str, Any]) -> bool:
    """Whether a file's parse (markdown-it's ``env`` after it) met a footnote definition."""
    return bool(env.get("footnotes", {}).get("refs"))


def has_inline_notes(env: Mapping[str, Any]) -> bool:
    """Whether a file's parse met an inline footnote (``^[…]``)."""
    notes = env.get("footnotes", {}).get("list", {})
    return any("content" in note for note in notes.values())


def attach_footnotes(sections: tuple[Section, ...], path: str, env: Mapping[str, Any]
                     ) -> tuple[tuple[Section, ...], list[Diagnostic]]:
    """Move each cited definition into every card and introduction citing it (nothing to
    do, and no walk through the file's nodes, unless ``env`` says it defines one)."""
    if not defines_footnotes(env):
        return sections, []
    definitions, diagnostics = _definitions(sections, path)
    if not definitions:
        return sections, diagnostics
    # The definitions' ids, made once: made for each card, a file of 10,000 footnotes
    # took 16 s.
    ids = frozenset(id(d) for d in definitions.values())
    # What each introduction and card cites, read once for the whole move.
    intro_cites = [_cited(s.intro, definitions, ids) for s in sections]
    card_cites = [[_cited((*c.question, *c.answer), definitions, ids) for c in s.cards]
                  for s in sections]
    cited = {label for labels in intro_cites for label in labels}
    cited |= {label for per_card in card_cites for labels in per_card for label in labels}
    for label, node in definitions.items():
        if label not in cited:
            diagnostics.append(Diagnostic(
                SourceLoc(path, node.line, node.col or 1), "note",
                f"footnote [^{label}] is {_where_cited(env, label)}: it stays where it is "
                "written", "footnote-unused"))
    moved = {id(definitions[label]) for label in cited}
    return tuple(_section(s, labels, per_card, definitions, moved)
                 for s, labels, per_card in zip(sections, intro_cites, card_cites,
                                                strict=True)), diagnostics


def _where_cited(env: Mapping[str, Any], label: str) -> str:
    """How an uncited definition's label was cited: nowhere, or (markdown-it counted a
    citation) only where no card or introduction shows it, a section heading."""
    footnotes = env.get("footnotes", {})
    entry = footnotes.get("list", {}).get(footnotes.get("refs", {}).get(f":{label}"), {})
    if entry.get("count", 0):
        return "cited only in text no card shows (a section heading)"
    return "never cited"


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


def _cited(nodes: tuple[Node, ...], definitions: dict[str, Node], ids: AbstractSet[int]
           ) -> list[str]:
    """The defined labels cited in ``nodes``, in the order first cited (definitions, whose
    ``id``s are ``ids``, left out), each followed in turn by those its definition cites:
    a footnote citing another shows with it."""
    labels: dict[str, None] = {}
    for node in walk_all(_without(nodes, ids)):
        if node.kind == FOOTNOTE_REF and node.attr("label") in definitions:
            labels.setdefault(node.attr("label"))
    found = list(labels)
    for label in found:  # grows as definitions cite further ones; each label once
        for node in walk_all(definitions[label].children):
            cited = node.attr("label") if node.kind == FOOTNOTE_REF else None
            if cited in definitions and cited not in labels:
                labels[cited] = None
                found.append(cited)
    return found


def _without(nodes: tuple[Node, ...], moved: AbstractSet[int]) -> tuple[Node, ...]:
    """``nodes`` with the definitions in ``moved`` taken out, at any depth; ``nodes``
    itself when it holds none."""
    kept = []
    for node in nodes:
        if id(node) in moved:
            continue
        if node.children:
            children = _without(node.children, moved)
            if children is not node.children:
                node = replace(node, children=children)
        kept.append(node)
    if len(kept) == len(nodes) and all(a is b for a, b in zip(kept, nodes, strict=True)):
        return nodes
    return tuple(kept)


def _with_cited(nodes: tuple[Node, ...], labels: list[str], definitions: dict[str, Node],
                moved: set[int]) -> tuple[Node, ...]:
    """``nodes`` without the moved definitions, and with a ``footnotes`` block of the
    definitions ``labels`` names; ``nodes`` itself when neither changes it."""
    kept = _without(nodes, moved)
    if not labels:
        return kept
    cited = tuple(definitions[label] for label in labels)
    block = Node(FOOTNOTES, cited, line=cited[0].line, col=cited[0].col,
                 end_line=max(d.end_line for d in cited))
    return (*kept, block)


def _section(section: Section, intro_cites: list[str], card_cites: list[list[str]],
             definitions: dict[str, Node], moved: set[int]) -> Section:
    intro = _with_cited(section.intro, intro_cites, definitions, moved)
    cards = tuple(_card(card, labels, definitions, moved)
                  for card, labels in zip(section.cards, card_cites, strict=True))
    if intro is section.intro and all(a is b for a, b in zip(cards, section.cards,
                                                              strict=True)):
        return section
    formulas, diagrams = _drawings(intro)
    return replace(section, intro=intro, cards=cards, formulas=formulas, diagrams=diagrams)


def _card(card: Card, labels: list[str], definitions: dict[str, Node], moved: set[int]
          ) -> Card:
    answer = _with_cited(card.answer, labels, definitions, moved)
    if answer is card.answer:
        return card
    formulas, diagrams = _drawings((*card.question, *answer))
    return replace(card, answer=answer, formulas=formulas, diagrams=diagrams)


def _drawings(nodes: tuple[Node, ...]) -> tuple[tuple[Formula, ...], tuple[Diagram, ...]]:
    """The formulas and diagrams of ``nodes``, in document order, as a card lists them."""
    walked = list(walk_all(nodes))
    return (tuple(n.formula for n in walked if n.formula is not None),
            tuple(n.diagram for n in walked if n.diagram is not None))


def number_inline_notes(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    """Each card's and introduction's inline footnotes numbered and added to its
    ``footnotes`` block (``sections`` itself when none has any)."""
    out = []
    for section in sections:
        intro = _numbered(section.intro)
        cards = tuple(inline_notes_of(card) for card in section.cards)
        if intro is section.intro and all(a is b for a, b in zip(cards, section.cards,
                                                                  strict=True)):
            out.append(section)
            continue
        formulas, diagrams = _drawings(intro)
        out.append(replace(section, intro=intro, cards=cards, formulas=formulas,
                           diagrams=diagrams))
    return tuple(out) if any(a is not b for a, b in zip(out, sections, strict=True)) \
        else sections


def inline_notes_of(card: Card) -> Card:
    """``card`` with its inline footnotes numbered (``card`` itself when it has none)."""
    nodes = _numbered((Node("paragraph", card.question), *card.answer))
    if nodes[0].children is card.question and nodes[1:] == card.answer:
        return card
    question, answer = nodes[0].children, nodes[1:]
    return replace(card, question=question, answer=answer)


def _numbered(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    """``nodes`` with each inline footnote a ``footnote_ref`` numbered after the labels
    cited there, its note a ``footnote_def`` in the closing ``footnotes`` block."""
    if not any(n.kind == FOOTNOTE_INLINE for n in walk_all(nodes)):
        return nodes
    taken = {n.attr("label") for n in walk_all(nodes) if n.kind in (FOOTNOTE_REF, FOOTNOTE_DEF)}
    notes: list[Node] = []

    def label() -> str:
        number = len(notes) + 1
        while str(number) in taken:
            number += 1
        taken.add(str(number))
        return str(number)

    def swap(node: Node) -> Node:
        if node.kind == FOOTNOTE_INLINE:
            name = label()
            body = tuple(swap(c) for c in node.children)
            notes.append(Node(FOOTNOTE_DEF, (Node("paragraph", body, line=node.line,
                                                  col=node.col, end_line=node.line),),
                              attrs=(("label", name), ("inline", "1")), line=node.line,
                              col=node.col, end_line=node.line))
            return Node(FOOTNOTE_REF, attrs=(("label", name),), line=node.line, col=node.col)
        if not node.children:
            return node
        return replace(node, children=tuple(swap(c) for c in node.children))

    swapped = tuple(swap(n) for n in nodes)
    if swapped and swapped[-1].kind == FOOTNOTES:  # the cited ones' block: one for all
        last = swapped[-1]
        return (*swapped[:-1], replace(last, children=(*last.children, *notes)))
    block = Node(FOOTNOTES, tuple(notes), line=notes[0].line, col=notes[0].col,
                 end_line=max(n.end_line for n in notes))
    return (*swapped, block)
