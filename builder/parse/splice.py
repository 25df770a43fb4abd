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
  as long as the block before the question ended before the edit (when the heading
  line itself changed, the question is parsed from the heading before it, and its
  heading must still start a top-level block) and the question's last block ends where
  the next heading starts: the question is parsed with that heading line after it,
  which must come out as the same top-level heading (a fence or math block left open
  would run into it, and is then parsed whole);
* **how the file is read** (its section and question levels, bold or heading
  questions, its table of contents): ``builder.parse.detect`` surveys the top-level
  blocks; the question's blocks before and after the edit must survey the same (the
  same headings, answered or not, asking or not, part of an answer or not, and the same
  number of bold would-be questions), so the survey of the file, and what it chose, is
  unchanged;
* **anchors**: the question's other headings keep their exact text; when its own
  heading's words change, every heading's GitHub anchor is handed out again in order
  (a repeated text's anchor is numbered by the ones before it);
* **link references** and **footnotes** (``[x]: url`` or ``[^1]: note`` anywhere in a
  file applies everywhere): the file must define none, before the edit and after;
* **the language guess** (``lang``): guessed again from the file's prose, the edited
  question's new prose in place of its old;
* **a table of contents**, front matter and fence repairs are whole-file matters: the
  question must hold none of them, before or after, and the file must not start with a
  rule (a later ``---`` could close it as front matter); closed fences are read for
  headings only up to ``fences.INSPECTED`` in a file, so they are counted file-wide;
* **reports elsewhere** whose messages name lines of their own (a section
  introduction's) must not be moved by the edits.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from builder.model import Card, Diagnostic, Document
from builder.parse import splicedoc
from builder.parse.askingitems import lettered_notes
from builder.parse.containers import UNCLOSED
from builder.parse.detect import Structure, Survey, SurveyedHeading, survey
from builder.parse.document import Walker
from builder.parse.fences import INSPECTED
from builder.parse.fences import shift as shift_tokens
from builder.parse.filefacts import Parts, closed_fences, nesting_cuts
from builder.parse.footnotes import defines_footnotes, inline_notes_of
from builder.parse.htmldetails import DROPPED
from builder.parse.inlinenodes import MACRO_CODE
from builder.parse.language import LANGUAGES, normalise
from builder.parse.leftovers import fence_diagnostics
from builder.parse.liquidtags import ASSETS_MET
from builder.parse.markdown import NodeBuilder, tokenize
from builder.parse.nesting import TooManyTokens
from builder.parse.options import ParseOptions
from builder.parse.phrases import is_answer_part
from builder.parse.prose import Counted, guess_counted, prose_lines
from builder.parse.questiontext import answer_diagnostics
from builder.parse.source import source_lines
from builder.parse.spacelessheadings import LEFT_META, spaceless_notes
from builder.parse.splicedoc import Edit, Moves
from builder.parse.syntaxtree import syntax_tree
from builder.parse.taglines import tag_line
from builder.parse.tocread import TOC_END, TOC_START

REPAIRS = frozenset({"unclosed-fence", "front-matter", MACRO_CODE})
"""A fence or front matter left open was cut where it swallowed a heading, or a formula
defined TeX macros for the formulas after it: how the rest of the file reads hangs on
that, so such a file is parsed whole."""
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
    strays = parts.structure.strays
    if parts.structure.style != "heading" or parts.references or parts.skip_to \
            or parts.rule_first or text == before.text or strays.headings or strays.bold \
            or strays.groups or strays.deep or strays.kept_lists or parts.structure.labels:
        return None  # questions outside the level are whole-file choices (parse.strays)
    old_lines, new_lines = source_lines(before.text), source_lines(text)
    plan = _plan(doc, old_lines, new_lines, parts.structure.question_level)
    if plan is None or any(entry.start == 0 for entry in plan):
        return None  # line 1 also holds the file's own reports (a levels error, say)
    if any(d.code in REPAIRS for d in doc.diagnostics):
        return None
    structure = parts.structure
    if any(entry.start <= line < entry.end for entry in plan for line in structure.toc_lines):
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
    found, sources = splicedoc.headings(doc, moves, new_lines, parts.heading_sources)
    document = splicedoc.document(doc, moves, found)
    replaced = {id(edit.old) for edit in edits}
    moved = tuple((was, now) for was, now in zip(doc.cards, document.cards, strict=True)
                  if was is not now and id(was) not in replaced)
    return Spliced(parts._replace(document=document, prose=prose, structure=structure,
                                  heading_sources=sources), moves, moved)


class Planned(NamedTuple):
    """A question to parse again."""

    card: Card
    """As it was."""
    start: int
    """0-based line of its heading before the edits."""
    end: int
    """0-based line of the next heading (or the file's end) before the edits."""
    at: int
    """0-based line of its heading after the edits."""
    delta: int
    """Lines the edits added to it."""
    since: int | None
    """When its heading line itself changed: the 0-based line (after the edits) of the
    heading before it, from where it is parsed to see the heading is still one."""


def _plan(doc: Document, old: list[str], new: list[str], level: int) -> list[Planned] | None:
    """The questions whose answers (or heading lines) hold every changed line, or None."""
    first, last = _changed(old, new)
    total = len(new) - len(old)
    changes = [(first, last, total)]
    if _question_around(doc, first, last, len(old), level) is None:
        # Several places changed (edits in several answers since the last build): the
        # lines between them are matched (a diff); each change must lie in one question.
        matcher = difflib.SequenceMatcher(None, old[first:last], new[first:last + total])
        changes = [(first + i1, first + i2, (j2 - j1) - (i2 - i1))
                   for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
    plan: list[Planned] = []
    added = 0
    for begin, finish, delta in changes:
        around = _question_around(doc, begin, finish, len(old), level)
        if around is None:
            return None
        card, start, end, since = around
        if plan and plan[-1].card is card:
            plan[-1] = plan[-1]._replace(delta=plan[-1].delta + delta,
                                         since=plan[-1].since if since is None else since)
        else:
            plan.append(Planned(card, start, end, start + added, delta, since))
        added += delta
        if len(plan) > MAX_EDITS:
            return None
    # Where each heading edited now starts its parse: the heading before it, moved by the
    # edits above that heading.
    return [entry._replace(since=entry.since + sum(other.delta for other in plan
                                                   if other.end <= entry.since))
            if entry.since is not None else entry for entry in plan]


def _edits(plan: list[Planned], old_lines: list[str], new_lines: list[str],
           before: Remembered, validate: Validate) -> tuple[Edit, ...] | None:
    """Parse each planned question again, where it now stands; None if any of them
    would read differently from a whole parse."""
    doc, structure = before.parts.document, before.parts.structure
    edits: list[Edit] = []
    fences = before.parts.fences
    for entry in plan:
        old_chunk = _chunk(old_lines, entry.start, entry.end)
        new_chunk = _chunk(new_lines, entry.at, entry.end + (entry.at - entry.start)
                           + entry.delta, entry.since)
        if old_chunk is None or new_chunk is None \
                or not _same_reading(old_chunk, new_chunk, doc):
            return None
        fences += closed_fences(new_chunk[0]) - closed_fences(old_chunk[0])
        if max(fences, before.parts.fences) >= INSPECTED:
            return None  # only so many fences are read for headings, counted file-wide
        walked = _walk(new_chunk, new_lines, before, structure, entry.card, validate)
        if walked is None:
            return None
        card, found = walked
        edits.append(Edit(entry.card, card, entry.start + 1, entry.end, entry.delta,
                          tuple(found), tuple(new_chunk[0])))
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
                     ) -> tuple[Card, int, int, int | None] | None:
    """The question whose lines hold every changed line, its heading's 0-based line,
    the next question's or section's (or the file's end: deeper headings are parts of its
    answer), and, when its heading line changed, the line of the heading before it (or
    0); None if the changes reach beyond it."""
    starts = sorted(h.loc.line - 1 for h in doc.headings if h.level <= level)
    cards = doc.cards
    lines = [card.loc.line - 1 for card in cards]
    # Lines only added right before a heading are the question's above it.
    at = (bisect.bisect_left(lines, first) if first == last
          else bisect.bisect_right(lines, first)) - 1
    if at < 0:
        return None
    card = cards[at]
    start = card.loc.line - 1
    following = bisect.bisect_right(starts, start)
    end = starts[following] if following < len(starts) else count
    if last > end or not (first < end or first == last):
        return None
    before = bisect.bisect_left(starts, start)
    since = (starts[before - 1] if before else 0) if first == start and first < last else None
    return card, start, end, since


def _chunk(lines: Sequence[str], start: int, end: int, since: int | None = None
           ) -> Chunk | None:
    """Parse lines ``start:end`` where they stand, the next heading line after them (from
    line ``since`` on when given, to see the block before ends before ``start``); None
    unless they come out as a heading and its blocks ending where that heading starts,
    with no link reference or footnote defined."""
    begin = start if since is None else since
    env: dict[str, object] = {}
    try:
        tokens = tokenize("\n".join(lines[begin:end + 1]), env)
    except TooManyTokens:  # parsing the whole file reports it, at its line
        return None
    shift_tokens(tokens, begin)
    top = syntax_tree(tokens).children
    if since is not None:
        top = [node for node in top if node.map is None or node.map[0] >= start]
        tokens = tokens[_starting(tokens, start):]
    # A footnote defined here may be cited by a question not parsed again (as a link
    # reference may be used there).
    if env.get("references") or defines_footnotes(env) or env.get(UNCLOSED) or not top \
            or env.get(ASSETS_MET) or env.get(DROPPED) or not _atx_heading_at(top[0], start) \
            or any(tag_line(node) for node in top):  # it tags the questions after it
        return None
    if end < len(lines):
        if not _atx_heading_at(top[-1], end):
            return None
        top = top[:-1]
        tokens = tokens[:_starting(tokens, end)]
    return tokens, top


def _starting(tokens: list[Token], line: int) -> int:
    """Index of the first top-level token starting on ``line`` (0-based), or the end."""
    return next((index for index, token in enumerate(tokens)
                 if token.level == 0 and token.map and token.map[0] == line), len(tokens))


def _atx_heading_at(node: SyntaxTreeNode, line: int) -> bool:
    return node.type == "heading" and node.map is not None and node.map[0] == line \
        and node.markup.startswith("#")


def _same_reading(old: Chunk, new: Chunk, doc: Document) -> bool:
    """The file is read the same way with the new lines: the same headings (level, and
    text but for the question's own), the same survey for level detection, and no
    whole-file matters in them."""
    before_headings, after_headings = _headings(old[0]), _headings(new[0])
    if [h[:2] for h in before_headings] != [h[:2] for h in after_headings] \
            or before_headings[1:] != after_headings[1:]:
        return False
    if any(t.type == "front_matter" or LEFT_META in t.meta or (
            t.type == "html_block" and t.content.strip() in (TOC_START, TOC_END))
           for t in (*old[0], *new[0])):  # ("#1.x" left as text: the file's numbering says)
        return False
    anchors = {h.anchor for h in doc.headings}
    before, after = survey(old[1], anchors, doc.path), survey(new[1], anchors, doc.path)
    if before.toc_lines or after.toc_lines or _asks_in_bold(before) or _asks_in_bold(after):
        return False
    return _shape(before.headings) == _shape(after.headings) \
        and (before.bold_questions, before.bold_lead_ins, before.has_content) \
        == (after.bold_questions, after.bold_lead_ins, after.has_content)


def _asks_in_bold(found: Survey) -> bool:
    """Whether a bold line or list item in the question asks: it may be a question itself."""
    return bool(found.bold_notes.intro or any(h.asking_bold or h.items.asking
                                              for h in found.headings))


def _headings(tokens: list[Token]) -> list[tuple[str, str, str]]:
    return [(token.tag, token.markup, tokens[index + 1].content)
            for index, token in enumerate(tokens[:-1]) if token.type == "heading_open"]


def _shape(headings: Sequence[SurveyedHeading]) -> list[tuple[object, ...]]:
    """What level detection reads of the question's headings: for the question's own,
    whether it reads as a question and as part of an answer, not its words."""
    return [(h.level, h.answered, h.reason, is_answer_part(h.text) if index == 0 else h.text)
            for index, h in enumerate(headings)]


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
    if len(drafts) != 1 or outside or walker.toc or walker.toc_lines \
            or any(d.code in REPAIRS for d in builder.diagnostics):
        return None
    card = inline_notes_of(drafts[0].card(doc.settings.deck))
    return card, [*nesting_cuts(tokens, doc.path), *spaceless_notes(tokens, doc.path),
                  *walker.diagnostics, *builder.diagnostics, *lettered_notes(tokens, doc.path),
                  *answer_diagnostics(card, walker.placeholders.get(card.loc.line))]
