"""Checks on a parsed document beyond what parsing needs: TOC, heading levels, figures, ``$``.

Every check reads the model (each node knows its line and column) and the source lines
(to confirm a column where the text shown differs from the text written); none parses
Markdown again or reads structure off the raw text.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence

from builder.checks.toc import compare
from builder.model import Diagnostic, Document, Node, SourceLoc, one_line, walk_all
from builder.parse.source import source_lines

FIGURE_WORDS = ("下图", "如图", "见图", "the figure below", "see figure")
"""Words that point at a figure; an answer using one should have an image or diagram."""

# What may follow a `$` that opens a formula: `$x`, `$\alpha`, `${`, `$(`, `$$`…
# A digit ($5), a space or punctuation after it means money or a stray sign.
_FORMULA_START = "\\{([|^_<$"
_FOR_EXAMPLE = frozenset("例比譬诸假")
"""What makes the 如 of 如图 part of another word (例如, 比如 …)."""
_INLINE_KINDS = frozenset({"text", "strong", "em", "s", "code_inline", "math_inline", "link",
                           "image", "softbreak", "hardbreak", "html_inline"})


def check_document(doc: Document, text: str) -> list[Diagnostic]:
    """Run every source check on one parsed document; ``text`` is what it was parsed from."""
    lines = source_lines(text.removeprefix("\ufeff"))
    found: list[Diagnostic] = []
    if doc.toc_marked:
        found += compare(doc, lines)
    found += heading_skips(doc)
    found += contents_in_answers(doc, lines)
    found += missing_figures(doc, lines)
    found += unbalanced_dollars(doc, lines)
    return found


def contents_in_answers(doc: Document, lines: Sequence[str] = ()) -> list[Diagnostic]:
    """A note for each table of contents left out: from inside a question's answer or
    among the questions (``toc-in-answer``), or elsewhere, the top of the file most often
    (``toc-left-out``); a lone ``[TOC]`` marker, which shows nothing, is left out unsaid."""
    questions = {card.loc.line: card for card in doc.cards}
    found: list[Diagnostic] = []
    runs: list[list[int]] = []
    for line in sorted(doc.toc_lines):
        if runs and line - runs[-1][-1] <= 2:  # a "目录" line, a blank line, its list
            runs[-1].append(line)
        else:
            runs.append([line])
    # What opens the text a run is in: a title or section heading, or a card's question (a
    # bold line is no heading); the run is in an answer when that is a card's.  A heading
    # inside an answer ("### 原理" above "### 目录") opens no text of its own: a TOC under
    # it is still the answer's.
    openers = sorted({*(h.line for h in doc.section_headings), *questions})
    first_question = min(questions, default=0)
    levels = {h.loc.line: h.level for h in doc.headings}
    for run in runs:
        above = bisect_left(openers, run[0])
        card = questions.get(openers[above - 1]) if above else None
        if card is not None and run[0] in levels \
                and levels[run[0]] <= levels.get(card.loc.line, 7):
            card = None  # its own heading ended the answer above it (a section's contents)
        if card is not None:
            found.append(Diagnostic(
                SourceLoc(doc.path, run[0]), "note",
                f"lines {run[0]}-{run[-1]} in the answer to '{one_line(card.question_text)}' "
                "are a table of contents of this file (links to its own headings): left out "
                "of the card", "toc-in-answer"))
        elif first_question and run[0] > first_question:
            # A section's own contents, among the questions: no card, and said so.
            found.append(Diagnostic(
                SourceLoc(doc.path, run[0]), "note",
                f"lines {run[0]}-{run[-1]} are a table of contents of this file (links to its "
                "own headings): left out", "toc-in-answer"))
        elif not _only_markers(run, lines):
            found.append(Diagnostic(
                SourceLoc(doc.path, run[0]), "note",
                f"lines {run[0]}-{run[-1]} are left out as the file's table of contents "
                "(links to its own headings): in no card and not in the PDF", "toc-left-out"))
    return found


_TOC_MARKERS = frozenset({"", "[toc]", "[[toc]]", "[[_toc_]]", "${toc}", "@[toc]"})


def _only_markers(run: Sequence[int], lines: Sequence[str]) -> bool:
    """Whether a run of TOC lines holds only a marker such as ``[TOC]`` (an editor draws
    the contents; the file holds none to lose)."""
    return bool(lines) and all(
        line > len(lines) or lines[line - 1].strip().casefold() in _TOC_MARKERS for line in run)


def heading_skips(doc: Document) -> list[Diagnostic]:
    """Report each heading more than one level below the heading before it."""
    found: list[Diagnostic] = []
    for previous, heading in zip(doc.headings, doc.headings[1:], strict=False):
        if heading.level > previous.level + 1:
            found.append(Diagnostic(
                heading.loc, "warning",
                f"heading level {heading.level} skips level {previous.level + 1} (the heading "
                f"before it, line {previous.loc.line}, is level {previous.level})",
                "heading-skip"))
    return found


def missing_figures(doc: Document, lines: Sequence[str]) -> list[Diagnostic]:
    """Report answers that point at a figure ("下图", "see figure") but show none."""
    found: list[Diagnostic] = []
    for card in doc.cards:
        if card.is_empty or not _names_a_figure(card.answer) \
                or _has_figure((*card.question, *card.answer)):
            continue
        hit = next(_figure_words(doc.path, card.answer, lines), None)
        if hit is not None:
            loc, word = hit
            found.append(Diagnostic(
                loc, "warning", f"the answer to '{card.question_text}' refers to a figure "
                f"('{word}') but has no image or diagram", "missing-figure"))
    return found


def _names_a_figure(answer: tuple[Node, ...]) -> bool:
    """Whether a figure word is anywhere in the answer's text: a cheap test first.

    Each block's text that ``_figure_words`` searches is a run of this one (the text and
    line breaks of its nodes in order), so a word it finds is found here too.
    """
    lowered = "".join(node.text if node.kind == "text" else "\n" for node in walk_all(answer)
                      if node.kind == "text" or node.kind.endswith("break")).lower()
    return any(word in lowered for word in FIGURE_WORDS)


def _has_figure(nodes: tuple[Node, ...]) -> bool:
    return any(node.kind in ("image", "diagram") or (
        node.kind in ("html_block", "html_inline") and "<img" in node.text.lower())
        for node in walk_all(nodes))


def _figure_words(path: str, answer: tuple[Node, ...], lines: Sequence[str]
                  ) -> Iterator[tuple[SourceLoc, str]]:
    """Each block's first figure word (in ``FIGURE_WORDS`` order), where it is written."""
    for block in walk_all(answer):
        if block.kind in _INLINE_KINDS or not any(c.kind in _INLINE_KINDS
                                                  for c in block.children):
            continue
        # Its text as one string (a line break as a newline), and where each piece starts.
        pieces = [node for node in walk_all(block.children)
                  if node.kind == "text" or node.kind.endswith("break")]
        starts, text = [], ""
        for node in pieces:
            starts.append(len(text))
            text += node.text if node.kind == "text" else "\n"
        lowered = text.lower()
        for word in FIGURE_WORDS:
            index = _figure_word(lowered, word)
            if index >= 0:
                piece = max(i for i, start in enumerate(starts) if start <= index)
                node = pieces[piece]
                col = node.col + index - starts[piece]
                written = lines[node.line - 1][col - 1:].lower() if 0 < node.line <= len(lines) \
                    else ""
                # Not as written (split by markup, say): the start of its first piece.
                here = SourceLoc(path, node.line, col)
                yield (here if written.startswith(word)
                       else _locate(lines, word, node.line, block.end_line, here), word)
                break


def _figure_word(text: str, word: str) -> int:
    """Where ``word`` first points at a figure in ``text``, or -1.  "如图" is also the end of
    "例如" (for example) before 图, and starts 如图像 (such as images): neither points at a
    figure."""
    index = text.find(word)
    while index >= 0 and word == "如图" and (
            text[index - 1:index] in _FOR_EXAMPLE or text[index + 2:index + 3] == "像"):
        index = text.find(word, index + 1)
    return index


def _locate(lines: Sequence[str], needle: str, line: int, last: int, default: SourceLoc
            ) -> SourceLoc:
    """Find ``needle`` (ignoring case) on ``line`` or the lines after it, up to ``last``."""
    for number in range(line, min(last, len(lines)) + 1):
        col = lines[number - 1].lower().find(needle)
        if col >= 0:
            return SourceLoc(default.path, number, col + 1)
    return default


def unbalanced_dollars(doc: Document, lines: Sequence[str]) -> list[Diagnostic]:
    """Report each ``$`` left as text that looks like the start of a formula.

    dollarmath turns every balanced pair into math, so a ``$x`` still in the text
    has no closing ``$``. Money (``$5``), ``$`` before a space and ``\\$`` are fine.
    """
    nodes = (*doc.section_headings, *(n for section in doc.sections for n in (
        *section.intro, *(n for c in section.cards for n in (*c.question, *c.answer)))))
    found: list[Diagnostic] = []
    for node in walk_all(nodes):
        if node.kind == "text" and "$" in node.text and 0 < node.line <= len(lines):
            found += _dollars_in(doc.path, node, lines[node.line - 1])
    return found


def _dollars_in(path: str, node: Node, line: str) -> list[Diagnostic]:
    content = node.text
    # Text holds no newlines; found as written, each `$` is at a known column.
    as_written = line[node.col - 1:node.col - 1 + len(content)] == content
    cursor = node.col - 1
    found: list[Diagnostic] = []
    for index, char in enumerate(content):
        after = content[index + 1:index + 2]
        if char != "$" or content[index - 1:index] == "$" or not (
                after.isalpha() or (after and after in _FORMULA_START)):
            continue
        place = node.col - 1 + index if as_written else line.find(char + after, cursor)
        if place < 0 or _escaped(line, place):
            continue  # a `\$`, or not in the source as written (an entity)
        cursor = place + 1
        found.append(Diagnostic(
            SourceLoc(path, node.line, place + 1), "warning",
            "unbalanced `$`: no closing `$` for the formula that starts here "
            "(write `\\$` for a dollar sign)", "unbalanced-dollar"))
    return found


def _escaped(line: str, index: int) -> bool:
    backslashes = len(line[:index]) - len(line[:index].rstrip("\\"))
    return backslashes % 2 == 1
