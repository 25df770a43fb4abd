"""GFM tables whose cells hold formulas with ``|`` in them: ``| $P(y|x)$ | … |``.

markdown-it's table rule splits a row on every unescaped ``|`` before inline parsing,
so a conditional probability, an absolute value or a norm in a cell broke the cell
and the formula.  Typora, Obsidian and MathJax-on-GitHub editors keep a formula whole;
this rule, derived from markdown-it-py's ``rules_block/table.py``, does too.

Which spans of a row are formulas is decided by parsing the row's inline content with
the very rules a cell's content goes through (``builder.parse.mathsyntax`` for math,
markdown-it's own for code spans, HTML and links), so ``$5 | $10`` stays money in two
cells and a ``$`` inside a code span opens nothing.  Inside a formula ``\\|`` is GFM's
escaped pipe, so the formula gets ``|`` (as GitHub renders it), not TeX's ``\\|`` (‖).

Where a row read with formulas kept whole no longer fits the table and read as GFM
does it fits exactly (``| price in $ | $ amount |``), the GFM reading is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import MD_TRIM_CHARS, isStrSpace, mdTrim
from markdown_it.rules_block import StateBlock

from builder.parse.inlinenodes import CELL, MATH_KINDS
from builder.parse.linescan import line_text

# markdown-it-py's bound on the empty cells it fills in (its issue 1000): rows shorter
# than the header would otherwise turn a small input into a huge table.
MAX_AUTOCOMPLETED_CELLS = 0x10000
_ALIGN_MARKERS = frozenset("|-:")
EXTRA_CELLS = "extra_cells"
"""A row's ``tr_open`` meta when it has more cells than its table has columns: (column of
the first left out, 1-based; how many; the table's columns)."""
# The closing marker of each math opener, by the opener's length (``$``, ``\(``: one or
# two characters, as is the closer).
_MATH_OPENERS = ("$", "\\(", "\\[")


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell of a row: its text as inline parsing gets it, and where it is written."""

    text: str
    start: int
    """Where the cell starts in the row's text (after the ``|`` before it)."""
    dropped: tuple[int, ...] = ()
    """Each ``|`` of ``text`` whose escaping backslash was dropped (``\\|``)."""


def table_plugin(md: MarkdownIt) -> None:
    """Put this module's table rule in place of markdown-it's (``md.enable("table")``
    still turns it on).  ``at`` drops the rule's ``alt`` unless given again: without it a
    table right under a line of text (``**Norms:**`` then ``| a | b |``) was read as part
    of that paragraph, where GitHub and markdown-it end the paragraph at the table."""
    md.block.ruler.at("table", table, {"alt": ["paragraph", "reference"]})


def table(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's GFM table rule, rows split by ``split_row``."""
    if start_line + 2 > end_line:
        return False
    aligns = _aligns(state, start_line + 1)
    if aligns is None:
        return False
    header = mdTrim(line_text(state, start_line))
    if "|" not in header or state.is_code_block(start_line):
        return False
    cells = split_row(state, header, len(aligns))
    if not cells or len(cells) != len(aligns):
        return False
    if silent:
        return True

    old_parent = state.parentType
    state.parentType = "table"
    token = state.push("table_open", "table", 1)
    table_lines = token.map = [start_line, 0]
    state.push("thead_open", "thead", 1).map = [start_line, start_line + 1]
    _push_row(state, start_line, (header, cells), aligns, "th")
    state.push("thead_close", "thead", -1)
    next_line = _body(state, start_line + 2, end_line, aligns)
    state.push("table_close", "table", -1)
    table_lines[1] = next_line
    state.parentType = old_parent
    state.line = next_line
    return True


def _aligns(state: StateBlock, line: int) -> list[str] | None:
    """The alignment of each column, from the delimiter row; None when ``line`` is none."""
    if state.sCount[line] < state.blkIndent or state.is_code_block(line):
        return None
    text = line_text(state, line)
    # As markdown-it: `|`, `-` or `:` first, then no other character but spaces, and
    # not `- ` (a list item).
    if len(text) < 2 or text[0] not in _ALIGN_MARKERS or (
            text[1] not in _ALIGN_MARKERS and not isStrSpace(text[1])) or (
            text[0] == "-" and isStrSpace(text[1])):
        return None
    if any(ch not in _ALIGN_MARKERS and not isStrSpace(ch) for ch in text):
        return None
    columns = text.split("|")
    aligns: list[str] = []
    for i, column in enumerate(columns):
        marker = mdTrim(column)
        if not marker:
            # Empty columns only before and after the table: ` |---| `, not ` ---||--- `.
            if i in (0, len(columns) - 1):
                continue
            return None
        if not _is_delimiter(marker):
            return None
        if marker.endswith(":"):
            aligns.append("center" if marker.startswith(":") else "right")
        else:
            aligns.append("left" if marker.startswith(":") else "")
    return aligns


def _is_delimiter(marker: str) -> bool:
    """``:?-+:?`` (markdown-it's ``headerLineRe``)."""
    inner = marker.removeprefix(":").removesuffix(":")
    return bool(inner) and not inner.strip("-")


def _body(state: StateBlock, first_line: int, end_line: int, aligns: list[str]) -> int:
    """Push the body rows from ``first_line``; return the line after the table."""
    terminators = state.md.block.ruler.getRules("blockquote")
    autocompleted = 0
    body_lines: list[int] | None = None
    line = first_line
    while line < end_line:
        if state.sCount[line] < state.blkIndent:
            break
        if any(rule(state, line, end_line, True) for rule in terminators):
            break
        text = mdTrim(line_text(state, line))
        if not text or state.is_code_block(line):
            break
        cells = split_row(state, text, len(aligns))
        autocompleted += len(aligns) - len(cells)
        if autocompleted > MAX_AUTOCOMPLETED_CELLS:
            break
        if body_lines is None:
            body_lines = state.push("tbody_open", "tbody", 1).map = [first_line, 0]
        _push_row(state, line, (text, cells), aligns, "td")
        line += 1
    if body_lines is not None:
        state.push("tbody_close", "tbody", -1)
        body_lines[1] = line
    return line


def _push_row(state: StateBlock, line: int, row: tuple[str, list[Cell]], aligns: list[str],
              tag: str) -> None:
    text, cells = row
    begin = state.bMarks[line] + state.tShift[line]
    column = begin - (state.src.rfind("\n", 0, begin) + 1)  # of the row's text in its line
    opening = state.push("tr_open", "tr", 1)
    opening.map = [line, line + 1]
    if len(cells) > len(aligns):  # GFM leaves them out: said where they start
        first = cells[len(aligns)]
        lead = len(first.text) - len(first.text.lstrip(MD_TRIM_CHARS))
        opening.meta[EXTRA_CELLS] = (column + first.start + lead + 1,
                                     len(cells) - len(aligns), len(aligns))
    for i, align in enumerate(aligns):
        opening = state.push(f"{tag}_open", tag, 1)
        if align:
            opening.attrs = {"style": "text-align:" + align}
        inline = state.push("inline", "", 0)
        # markdown-it-py keeps the cell's map (markdown-it dropped it): the cell's nodes
        # are placed on their row's line with it.
        inline.map = [line, line + 1]
        inline.children = []
        inline.content = ""
        if i < len(cells):
            cell = cells[i]
            inline.content = content = mdTrim(cell.text)
            lead = len(cell.text) - len(cell.text.lstrip(MD_TRIM_CHARS))
            dropped = tuple(at - lead for at in cell.dropped if at >= lead)
            start = cell.start + lead
            written = text[start:start + len(content) + len(dropped)]
            inline.meta[CELL] = (column + start, written, dropped)
        state.push(f"{tag}_close", tag, -1)
    state.push("tr_close", "tr", -1)


# --- splitting a row --------------------------------------------------------------------

def split_row(state: StateBlock, text: str, columns: int) -> list[Cell]:
    """The cells of a table row (its outer pipes dropped), a formula never split.

    ``columns``: the table's; when keeping formulas whole leaves the row short of them and
    GFM's split fits exactly, the pipes were the author's cells, not a formula's.
    """
    plain = _strip_outer(_split(text, []))
    if not any(opener in text for opener in _MATH_OPENERS):
        return plain
    spans = _math_spans(state.md, state.env, text)
    if not spans:
        return plain
    whole = _strip_outer(_split(text, spans))
    if len(whole) < columns and len(plain) == columns:
        return plain
    return whole


def _strip_outer(cells: list[Cell]) -> list[Cell]:
    if cells and cells[0].text == "":
        cells.pop(0)
    if cells and cells[-1].text == "":
        cells.pop()
    return cells


def _math_spans(md: MarkdownIt, env: Any, text: str) -> list[tuple[int, int]]:
    """(start, end) of each formula in ``text``, markers included, as inline parsing of
    ``text`` finds them (pipes and all: no cell boundary is known yet)."""
    # A scratch env: the parse must not leave notes (doubtful dollars) for the real one.
    scratch = {key: value for key, value in env.items() if key == "references"}
    spans: list[tuple[int, int]] = []
    for token in md.inline.parse(text, md, scratch, []):
        offset = token.meta.get("offset") if token.type in MATH_KINDS else None
        if isinstance(offset, int):
            closer = len(token.markup)
            spans.append((offset, offset + closer + len(token.content) + closer))
    return sorted(spans)


def _split(text: str, spans: list[tuple[int, int]]) -> list[Cell]:
    """``text`` cut at each ``|`` not escaped and not inside a span of ``spans``.

    Outside spans, as markdown-it: a ``|`` after a backslash is kept, the backslash
    dropped.  Inside a formula, ``\\|`` is GFM's escaped pipe too, while ``\\\\`` stays
    TeX's line break (so ``\\\\|`` keeps its backslashes).  Slices between the pipes, not
    a character at a time: a 160 KB row cost a Python step per character.
    """
    row = _Row()
    pos = 0
    for begin, end in [*spans, (len(text), len(text))]:
        piece = pos
        for pipe in _PIPE.finditer(text, pos, begin):
            at = pipe.start()
            # A span never ends in a backslash (its closer is `$`, `)` or `]`).
            if at > 0 and text[at - 1] == "\\":
                row.add(text[piece:at - 1])
                row.add_pipe()
            else:
                row.add(text[piece:at])
                row.end_cell(at + 1)
            piece = at + 1
        row.add(text[piece:begin])
        if end > begin:
            _unescape_pipes(text[begin:end], row)
        pos = end
    row.end_cell(len(text))
    return row.cells


_PIPE = re.compile(r"\|")
_ESCAPED = re.compile(r"\\(.)", re.S)


class _Row:
    """The cells of a row as they are cut: the current cell's pieces and dropped pipes."""

    def __init__(self) -> None:
        self.cells: list[Cell] = []
        self._pieces: list[str] = []
        self._length = 0
        self._dropped: list[int] = []
        self._start = 0

    def add(self, piece: str) -> None:
        self._pieces.append(piece)
        self._length += len(piece)

    def add_pipe(self) -> None:
        """A ``|`` whose escaping backslash was dropped."""
        self._dropped.append(self._length)
        self.add("|")

    def end_cell(self, next_start: int) -> None:
        self.cells.append(Cell("".join(self._pieces), self._start, tuple(self._dropped)))
        self._pieces, self._length, self._dropped = [], 0, []
        self._start = next_start


def _unescape_pipes(formula: str, row: _Row) -> None:
    """Add ``formula`` to ``row``, each ``\\|`` as ``|`` (a dropped pipe), a backslash and
    the character after it otherwise kept (``\\\\``, ``\\{``: TeX's)."""
    piece = 0
    if "\\|" in formula:
        for pair in _ESCAPED.finditer(formula):
            if pair.group(1) == "|":
                row.add(formula[piece:pair.start()])
                row.add_pipe()
                piece = pair.end()
    row.add(formula[piece:])
