"""A parsed file's footnotes put where they are shown, and what the parser says of the
cards and sections they leave.

``builder.parse.footnotes`` moves each cited definition into the cards citing it and
numbers inline footnotes.  A section or question holding nothing but footnote
definitions (``## References`` then ``[^1]: …``) is then empty, though nothing in it is
lost: its definitions are in the cards that cite them, under its heading (the
``footnotes`` block's ``title``).  It is told so in a ``footnotes-only`` note, not as text
before the first question (``section-intro``) or as an empty answer left out of the deck
(``empty-answer``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from builder.model import Card, Diagnostic, Node, Section, walk_all
from builder.parse.footnotes import (
    FOOTNOTE_DEF,
    FOOTNOTES,
    attach_footnotes,
    has_inline_notes,
    number_inline_notes,
)
from builder.parse.questiontext import answer_diagnostics

_EMPTIED = frozenset({"section-intro", "empty-answer"})


def settle_footnotes(sections: tuple[Section, ...], path: str, env: Mapping[str, Any],
                     found: list[Diagnostic], placeholders: Mapping[int, str],
                     lines: list[str]) -> tuple[tuple[Section, ...], list[Diagnostic]]:
    """The sections with their footnotes placed; ``found`` (the walk's reports) and the
    answers' reports, those about text that was only moved footnotes made notes."""
    placed, cited = attach_footnotes(sections, path, env)
    moved = _moved_lines(placed) if placed is not sections else set()
    if moved:
        placed = _titled(placed, _emptied_titles(sections, placed))
    if has_inline_notes(env):
        placed = number_inline_notes(placed)
    reports = [*found, *cited]
    for section in placed:
        for card in section.cards:
            reports.extend(answer_diagnostics(card, placeholders.get(card.loc.line)))
    if not moved:
        return placed, reports
    return placed, [_footnotes_only(d, moved, lines, placed) for d in reports]


def _emptied_titles(before: tuple[Section, ...], after: tuple[Section, ...]) -> dict[int, str]:
    """The line of each definition written in a section or question that moving them
    emptied (``## References``), to the heading's text: it goes with them."""
    titles: dict[int, str] = {}
    for was, now in zip(before, after, strict=True):
        if was.intro and not now.intro and not now.cards and now.path:
            titles |= {n.line: now.path[-1] for n in walk_all(was.intro)
                       if n.kind == FOOTNOTE_DEF}
        for old, card in zip(was.cards, now.cards, strict=True):
            if old.answer and not card.answer:
                titles |= {n.line: card.question_text for n in walk_all(old.answer)
                           if n.kind == FOOTNOTE_DEF}
    return titles


def _titled(sections: tuple[Section, ...], titles: dict[int, str]) -> tuple[Section, ...]:
    """Each ``footnotes`` block whose definitions all come from one emptied section or
    question, captioned with its heading (attr ``title``): the heading shows there."""
    def caption(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
        if not nodes or nodes[-1].kind != FOOTNOTES:
            return nodes
        found = {titles.get(d.line) for d in nodes[-1].children}
        if len(found) != 1 or None in found:
            return nodes
        title = found.pop() or ""
        return (*nodes[:-1], replace(nodes[-1], attrs=(("title", title),)))

    return tuple(replace(s, intro=caption(s.intro),
                         cards=tuple(replace(c, answer=caption(c.answer)) for c in s.cards))
                 for s in sections) if titles else sections


def _moved_lines(sections: Iterable[Section]) -> set[int]:
    """The 1-based lines of every definition moved into a card or introduction."""
    holders = (nodes for s in sections for nodes in (s.intro, *(c.answer for c in s.cards)))
    return {line for nodes in holders for node in nodes if node.kind == FOOTNOTES
            for note in node.children
            for line in range(note.line, max(note.end_line, note.line) + 1)}


def _footnotes_only(report: Diagnostic, moved: set[int], lines: list[str],
                    sections: tuple[Section, ...]) -> Diagnostic:
    """``report`` as a ``footnotes-only`` note when it is about lines that were only
    footnote definitions, now in the cards citing them; else ``report``."""
    if report.code not in _EMPTIED:
        return report
    first, last = report.loc.line, report.end_line or report.loc.line
    card = _card_at(sections, report.loc.line) if report.code == "empty-answer" else None
    if card is not None:
        first, last = card.loc.line + 1, max(card.end_line, card.loc.line)
        if first > last or any(walk_all(card.answer)):
            return report
    body = [n for n in range(first, last + 1)
            if 0 < n <= len(lines) and lines[n - 1].strip()]
    if not body or any(n not in moved for n in body):
        return report
    loc, what = report.loc, (f"line {first} only holds" if first == last
                             else f"lines {first}-{last} only hold")
    if card is not None:
        what = f"'{card.question_text}' only holds"
    else:
        emptied = _emptied_section(sections, first)
        if emptied is not None:  # its heading shows nowhere now: named here with it
            loc, what = emptied.loc, f"'{emptied.path[-1]}' only holds"
    return Diagnostic(loc, "note",
                      f"{what} footnote definitions: each is shown in the cards citing it",
                      "footnotes-only", last)


def _emptied_section(sections: Iterable[Section], line: int) -> Section | None:
    """The section headed above ``line`` whose introduction (starting there) was all moved
    footnotes: it has nothing left to show."""
    above = [s for s in sections if s.loc.line < line]
    section = above[-1] if above else None
    if section is None or section.cards or section.intro or not section.path:
        return None
    return section


def _card_at(sections: Iterable[Section], line: int) -> Card | None:
    return next((card for s in sections for card in s.cards if card.loc.line == line), None)
