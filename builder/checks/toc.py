"""The ``<!-- TOC -->`` block against the headings: what is wrong with it, and what it should say.

Which headings a TOC lists: those from the section level to the question level,
widened to every level the existing block already links to. Each entry is
``[heading text](#github-anchor)``, nested as the headings are.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from builder.model import Diagnostic, Document, Heading, SourceLoc, TocEntry
from builder.parse.headings import headings_of
from builder.parse.phrases import is_toc_marker, is_toc_title
from builder.parse.tocfind import toc_blocks
from builder.parse.tocread import TOC_END, TOC_START


@dataclass(frozen=True, slots=True)
class TocBlock:
    """Where the block is: 0-based indexes of its two marker lines."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Wanted:
    """A heading the TOC should list, and how deep its entry is nested."""

    heading: Heading
    depth: int


def find_block(tokens: Sequence[Token]) -> TocBlock | None:
    """Return the first top-level ``<!-- TOC -->`` … ``<!-- /TOC -->`` pair, if any."""
    start: int | None = None
    for token in tokens:
        if token.type != "html_block" or token.level != 0 or not token.map:
            continue
        marker = token.content.strip()
        if marker == TOC_START and start is None:
            start = token.map[0]
        elif marker == TOC_END and start is not None:
            return TocBlock(start, token.map[0])
    return None


def manual_block(tokens: Sequence[Token], lines: Sequence[str]) -> TocBlock | None:
    """Return the first table of contents written as a plain list of links (under
    "目录", "Contents", or at the top of the file), as the lines around it."""
    anchors = {h.anchor for h in headings_of(tokens, "", lines)}
    tree = SyntaxTreeNode(list(tokens))
    starts = toc_blocks(tree.children, anchors)
    for node in tree.children:
        if node.type in ("bullet_list", "ordered_list") and node.map and node.map[0] in starts:
            return TocBlock(node.map[0] - 1, node.map[1])
    return None


def has_marker(tokens: Sequence[Token]) -> bool:
    """True when the file asks its editor to draw the TOC (``[TOC]``)."""
    return any(t.type == "inline" and t.level == 1 and is_toc_marker(t.content)
               for t in tokens)


def wanted_entries(doc: Document) -> list[Wanted]:
    """Return the headings the TOC should list, in order, each with its nesting depth."""
    levels = [doc.settings.section_level, doc.settings.question_level]
    by_anchor = {h.anchor: h for h in doc.headings}
    levels += [by_anchor[e.anchor].level for e in doc.toc if e.anchor in by_anchor]
    low, high = min(levels), max(levels)
    wanted: list[Wanted] = []
    open_levels: list[int] = []
    for heading in doc.headings:
        if not low <= heading.level <= high or is_toc_title(heading.text):
            continue
        while open_levels and open_levels[-1] >= heading.level:
            open_levels.pop()
        wanted.append(Wanted(heading, len(open_levels)))
        open_levels.append(heading.level)
    return wanted


def compare(doc: Document, lines: Sequence[str]) -> list[Diagnostic]:
    """Report every way the document's TOC entries differ from its headings.

    Call only for a document that has a TOC block; ``lines`` are its source lines.
    """
    wanted = wanted_entries(doc)
    diagnostics: list[Diagnostic] = []
    matched: list[tuple[TocEntry, int]] = []
    used: set[int] = set()
    for entry in doc.toc:
        index = _match(entry, wanted, used)
        if index is None:
            diagnostics.append(_entry_problem(
                entry, f"TOC entry '{entry.text}' links to #{entry.anchor}, which no heading "
                "has", "toc-stale"))
            continue
        used.add(index)
        matched.append((entry, index))
        diagnostics += _entry_problems(entry, wanted[index], lines)
    diagnostics += [
        Diagnostic(w.heading.loc, "warning",
                   f"heading '{w.heading.text}' is missing from the TOC", "toc-missing")
        for i, w in enumerate(wanted) if i not in used]
    in_order = _longest_increasing([index for _, index in matched])
    for position, (entry, index) in enumerate(matched):
        if position not in in_order:
            diagnostics.append(_entry_problem(
                entry, f"TOC entry '{entry.text}' is out of order (its heading is at line "
                f"{wanted[index].heading.loc.line})", "toc-order"))
    return sorted(diagnostics, key=lambda d: (d.loc.line, d.loc.col))


def _match(entry: TocEntry, wanted: list[Wanted], used: set[int]) -> int | None:
    """Find the entry's heading: by anchor, else by text (its anchor is then wrong)."""
    for i, w in enumerate(wanted):
        if i not in used and w.heading.anchor == entry.anchor:
            return i
    text = _folded(entry.text)
    for i, w in enumerate(wanted):
        if i not in used and _folded(w.heading.text) == text:
            return i
    return None


def _entry_problems(entry: TocEntry, wanted: Wanted, lines: Sequence[str]) -> list[Diagnostic]:
    heading = wanted.heading
    problems: list[Diagnostic] = []
    if entry.anchor != heading.anchor:
        line = lines[entry.loc.line - 1] if 0 < entry.loc.line <= len(lines) else ""
        found = line.find(f"(#{entry.anchor}")
        loc = SourceLoc(entry.loc.path, entry.loc.line, found + 2) if found >= 0 else entry.loc
        problems.append(Diagnostic(
            loc, "warning", f"TOC entry '{entry.text}' links to #{entry.anchor}; the heading's "
            f"anchor is #{heading.anchor}", "toc-anchor"))
    elif _folded(entry.text) != _folded(heading.text):
        problems.append(_entry_problem(
            entry, f"TOC entry '{entry.text}' does not match its heading '{heading.text}'",
            "toc-text"))
    if entry.depth != wanted.depth:
        problems.append(_entry_problem(
            entry, f"TOC entry '{entry.text}' is nested {entry.depth} level(s) deep; its "
            f"heading (level {heading.level}) belongs at {wanted.depth}", "toc-depth"))
    return problems


def _entry_problem(entry: TocEntry, message: str, code: str) -> Diagnostic:
    return Diagnostic(entry.loc, "warning", message, code)


def _folded(text: str) -> str:
    return " ".join(text.split())


def _longest_increasing(values: list[int]) -> set[int]:
    """Return the positions of one longest strictly increasing run (not contiguous) of values."""
    tails: list[int] = []
    tail_positions: list[int] = []
    previous: list[int] = []
    for position, value in enumerate(values):
        slot = bisect.bisect_left(tails, value)
        if slot == len(tails):
            tails.append(value)
            tail_positions.append(position)
        else:
            tails[slot] = value
            tail_positions[slot] = position
        previous.append(tail_positions[slot - 1] if slot else -1)
    kept: set[int] = set()
    position = tail_positions[-1] if tail_positions else -1
    while position >= 0:
        kept.add(position)
        position = previous[position]
    return kept
