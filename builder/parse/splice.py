"""An edited file parsed again one question at a time: the questions the edits touched.

Authors rebuild after every edit, and an edit usually changes one answer of a file of
hundreds.  Parsing the whole file again costs about a second per thousand questions;
this module parses the touched questions alone and keeps every other question of the
last parse, moved up or down by the lines the edits above it added or removed.  Where
several answers changed, the lines between the changes are matched with ``difflib`` and
each change must lie inside one answer.

It only does so when the result is what a whole parse gives, and says None otherwise
(the caller then parses the whole file).  A question's parse depends on more than its
own lines, so each dependency is checked:

* **block structure.**  markdown-it starts every top-level block afresh, so the blocks
  from a question heading to the next top-level heading depend only on those lines,
  as long as the block before the question ended before the edit (the edit starts
  after the question's heading line) and the question's last block ends where the
  next heading starts: the question is parsed with that heading line after it, which
  must come out as the same top-level heading (a fence or math block left open would
  run into it, and is then parsed whole);
* **how the file is read** (its section and question levels, bold or heading
  questions, its table of contents): ``builder.parse.detect`` surveys the top-level
  blocks; the question's blocks before and after the edit must survey the same (the
  same headings, answered or not, and the same number of bold would-be questions),
  so the survey of the file, and what it chose, is unchanged;
* **anchors**: the question's headings keep their exact text, so every heading's
  GitHub anchor (numbered by the headings before it) is unchanged;
* **link references** (``[x]: url`` anywhere in a file applies everywhere): the file
  must define none, before the edit and after;
* **the language guess** (``lang``): guessed again from the file's prose, the edited
  question's new prose in place of its old;
* **a table of contents**, front matter and fence repairs are whole-file matters: the
  question must hold none of them.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from builder.model import Card, Diagnostic, Document
from builder.parse import splicedoc
from builder.parse.detect import Structure, survey
from builder.parse.document import Parts, Walker
from builder.parse.fences import INSPECTED
from builder.parse.fences import shift as shift_tokens
from builder.parse.filefacts import closed_fences, nesting_cuts
from builder.parse.language import LANGUAGES, normalise
from builder.parse.leftovers import fence_diagnostics
from builder.parse.markdown import NodeBuilder, tokenize
from builder.parse.options import ParseOptions
from builder.parse.prose import Counted, guess_counted, prose_lines
from builder.parse.questiontext import answer_diagnostics
from builder.parse.source import source_lines
from builder.parse.splicedoc import Edit, Moves
from builder.parse.tocread import TOC_END, TOC_START

REPAIRS = frozenset({"unclosed-fence", "front-matter"})
"""A fence or front matter left open was cut where it swallowed a heading: how the rest
of the file reads hangs on that repair, so such a file is parsed whole."""
NAMES_LINES = frozenset({"orphan-heading", "section-intro", "setext-heading", "extra-title",
                         "toc-unclosed", "empty-section", "fence-heading"})
"""Reports whose messages name lines of their own: one after an edit that moves lines is
made again, by parsing the whole file."""

Validate = Callable[[str, dict[str, object]], str | None]
Chunk = tuple[list[Token], list[SyntaxTreeNode]]
"""A question's tokens and its top-level blocks (the heading first)."""


@dataclass(frozen=True)
class Remembered:
    """A file's last parse and what parsing one of its questions again needs."""

    text: str
    """The text parsed (control characters taken out)."""
    parts: Parts
    options: ParseOptions
    stem: str


@dataclass(frozen=True)
class Spliced:
    """A file's parse after edits, and which questions were parsed again."""

    parts: Parts
    moves: Moves
    """The questions parsed again, and where every other line went."""
    moved: tuple[tuple[Card, Card], ...] = ()
    """Each other question that moved, as it was and as it is now: the same question,
    which the notes stage need not make again."""


MAX_EDITS = 32
"""More questions edited than this are parsed whole: each is checked on its own."""


def splice(before: Remembered, text: str, validate: Validate) -> Spliced | None:
    """Parse ``text`` (the file after edits, control characters out) by parsing again
    only the questions the edits touched; None when the whole file must be parsed."""
    parts, doc = before.parts, before.parts.document
    if parts.structure.style != "heading" or parts.references or parts.skip_to \
            or parts.rule_first or text == before.text:
        return None
    old_lines, new_lines = source_lines(before.text), source_lines(text)
    plan = _plan(doc, old_lines, new_lines, parts.structure.question_level)
    if plan is None or any(start == 0 for _card, start, _end, _at, _delta in plan):
        return None  # line 1 also holds the file's own reports (a levels error, say)
    if any(d.code in REPAIRS for d in doc.diagnostics):
        return None
    structure = parts.structure
    if any(start <= line < end for _c, start, end, _a, _d in plan
           for line in structure.toc_lines):
        return None
    edits = _edits(plan, old_lines, new_lines, before, validate)
    if edits is None:
        return None
    moves = Moves(edits)
    if any(d.code in NAMES_LINES and moves.by(d.loc.line) for d in doc.diagnostics):
        return None
    structure = replace(structure, toc_lines=frozenset(
        line + moves.by(line + 1) for line in structure.toc_lines))
    prose = _prose(parts.prose, moves)
    chosen = normalise(parts.front.get("lang"))
    if (chosen if chosen in LANGUAGES else guess_counted(prose)) != doc.settings.lang:
        return None
    document = splicedoc.document(doc, moves, new_lines)
    replaced = {id(edit.old) for edit in edits}
    moved = tuple((was, now) for was, now in zip(doc.cards, document.cards, strict=True)
                  if was is not now and id(was) not in replaced)
    return Spliced(parts._replace(document=document, prose=prose, structure=structure),
                   moves, moved)


Plan = list[tuple[Card, int, int, int, int]]
"""Each question to parse again: as it was, its heading's and the next heading's 0-based
lines before the edits, where its heading now stands, and the lines the edits added."""


def _plan(doc: Document, old: list[str], new: list[str], level: int) -> Plan | None:
    """The questions whose answers hold every changed line, or None."""
    first, last = _changed(old, new)
    total = len(new) - len(old)
    one = _question_around(doc, first, last, len(old), level)
    if one is not None:
        return [(*one, one[1], total)]
    # Several places changed (edits in several answers since the last build): the lines
    # between them are matched (a diff), each change must lie in one answer.
    matcher = difflib.SequenceMatcher(None, old[first:last], new[first:last + total])
    plan: Plan = []
    added = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        around = _question_around(doc, first + i1, first + i2, len(old), level)
        if around is None:
            return None
        delta = (j2 - j1) - (i2 - i1)
        if plan and plan[-1][0] is around[0]:
            card, start, end, at, was = plan[-1]
            plan[-1] = (card, start, end, at, was + delta)
        else:
            plan.append((*around, around[1] + added, delta))
        added += delta
        if len(plan) > MAX_EDITS:
            return None
    return plan


def _edits(plan: Plan, old_lines: list[str], new_lines: list[str], before: Remembered,
           validate: Validate) -> tuple[Edit, ...] | None:
    """Parse each planned question again, where it now stands; None if any of them
    would read differently from a whole parse."""
    doc, structure = before.parts.document, before.parts.structure
    edits: list[Edit] = []
    fences = before.parts.fences
    for old, start, end, at, delta in plan:
        old_chunk = _chunk(old_lines, start, end)
        new_chunk = _chunk(new_lines, at, end + (at - start) + delta)
        if old_chunk is None or new_chunk is None \
                or not _same_reading(old_chunk, new_chunk, doc):
            return None
        fences += closed_fences(new_chunk[0]) - closed_fences(old_chunk[0])
        if max(fences, before.parts.fences) >= INSPECTED:
            return None  # only so many fences are read for headings, counted file-wide
        walked = _walk(new_chunk, new_lines, before, structure, old, validate)
        if walked is None:
            return None
        card, found = walked
        edits.append(Edit(old, card, start + 1, end, delta, tuple(found),
                          tuple(new_chunk[0])))
    return tuple(edits)


def _prose(prose: tuple[Counted, ...], moves: Moves) -> tuple[Counted, ...]:
    """The file's prose after the edits: each edited question's anew, the rest moved."""
    pieces: list[Counted] = []
    edits = iter(moves.edits)
    edit = next(edits, None)
    for piece in prose:
        while edit is not None and piece[0] + 1 > edit.old_last:
            pieces += prose_lines(list(edit.tokens))
            edit = next(edits, None)
        if edit is not None and edit.first <= piece[0] + 1 <= edit.old_last:
            continue
        delta = moves.by(piece[0] + 1)
        pieces.append((piece[0] + delta, *piece[1:]) if delta else piece)
    while edit is not None:
        pieces += prose_lines(list(edit.tokens))
        edit = next(edits, None)
    return tuple(pieces)


def _changed(old: Sequence[str], new: Sequence[str]) -> tuple[int, int]:
    """0-based first changed line, and where the change ends in the old lines (exclusive)."""
    first = 0
    limit = min(len(old), len(new))
    while first < limit and old[first] == new[first]:
        first += 1
    tail = 0
    while tail < limit - first and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return first, len(old) - tail


def _question_around(doc: Document, first: int, last: int, count: int, level: int
                     ) -> tuple[Card, int, int] | None:
    """The question whose lines hold every changed line (not its heading's), its
    heading's 0-based line and the next question's or section's (or the file's end):
    deeper headings are parts of its answer."""
    starts = sorted(h.loc.line - 1 for h in doc.headings if h.level <= level)
    cards = doc.cards
    at = bisect.bisect_left([card.loc.line - 1 for card in cards], first) - 1
    if at < 0:
        return None
    card = cards[at]
    start = card.loc.line - 1
    following = bisect.bisect_right(starts, start)
    end = starts[following] if following < len(starts) else count
    # Lines only added right before the next heading are this question's too.
    return (card, start, end) if last <= end and (first < end or first == last) else None


def _chunk(lines: Sequence[str], start: int, end: int) -> Chunk | None:
    """Parse lines ``start:end`` where they stand, the next heading line after them;
    None unless they come out as a heading and its blocks ending where that heading
    starts, with no link reference defined."""
    env: dict[str, object] = {}
    tokens = tokenize("\n".join(lines[start:end + 1]), env)
    shift_tokens(tokens, start)
    top = SyntaxTreeNode(tokens).children
    if env.get("references") or not top or not _atx_heading_at(top[0], start):
        return None
    if end < len(lines):
        if not _atx_heading_at(top[-1], end):
            return None
        top = top[:-1]
        tokens = tokens[:next(i for i, t in enumerate(tokens)
                              if t.type == "heading_open" and t.map and t.map[0] == end)]
    return tokens, top


def _atx_heading_at(node: SyntaxTreeNode, line: int) -> bool:
    return node.type == "heading" and node.map is not None and node.map[0] == line \
        and node.markup.startswith("#")


def _same_reading(old: Chunk, new: Chunk, doc: Document) -> bool:
    """The file is read the same way with the new lines: the same headings (text and
    level), the same survey for level detection, and no whole-file matters in them."""
    if _headings(old[0]) != _headings(new[0]):
        return False
    if any(t.type == "front_matter" or (t.type == "html_block"
                                        and t.content.strip() in (TOC_START, TOC_END))
           for t in (*old[0], *new[0])):
        return False
    anchors = {h.anchor for h in doc.headings}
    before, after = survey(old[1], anchors), survey(new[1], anchors)
    if before.toc_lines or after.toc_lines:
        return False
    shape = [(h.level, h.text, h.answered, h.reason) for h in before.headings]
    return shape == [(h.level, h.text, h.answered, h.reason) for h in after.headings] \
        and (before.bold_questions, before.bold_lead_ins, before.has_content) \
        == (after.bold_questions, after.bold_lead_ins, after.has_content)


def _headings(tokens: list[Token]) -> list[tuple[str, str, str]]:
    return [(token.tag, token.markup, tokens[index + 1].content)
            for index, token in enumerate(tokens[:-1]) if token.type == "heading_open"]


def _walk(chunk: Chunk, lines: list[str], before: Remembered, structure: Structure,
          old: Card, validate: Validate) -> tuple[Card, list[Diagnostic]] | None:
    """Walk the question's blocks as the whole parse's walker would."""
    tokens, top = chunk
    doc = before.parts.document
    builder = NodeBuilder(doc.path, lines, validate, breaks=doc.settings.breaks,
                          lang=doc.settings.lang)
    walker = Walker(doc.path, builder, before.parts.front, before.options, structure,
                    before.stem)
    # The walker's section level: levels asked for that cannot be are put right by it.
    if fence_diagnostics(tokens, doc.path,
                         range(walker.section_level, structure.question_level + 1)):
        return None  # a fence left open was cut, or headings inside one: reported whole
    walker.diagnostics.clear()  # a levels error is the whole parse's, on line 1
    walker.open_section(old.section_path)
    for node in top:
        walker.visit(node)
    drafts, outside = walker.drafts()
    if len(drafts) != 1 or outside or walker.toc or walker.toc_lines:
        return None
    card = drafts[0].card(doc.settings.deck)
    return card, [*nesting_cuts(tokens, doc.path), *walker.diagnostics, *builder.diagnostics,
                  *answer_diagnostics(card, walker.placeholders.get(card.loc.line))]
