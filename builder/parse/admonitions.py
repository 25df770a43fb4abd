"""MkDocs admonitions (``!!! note "Title"``, ``??? question "…?"``, ``???+ tip``), read as
Python-Markdown reads them: the body is every line indented under the head, blank lines
and all, up to the first line written less indented.

mdit-py-plugins' ``admon`` rule, which this replaces, also ends a body at two blank lines
in a row. Authors leave two between answers; the body's rest then fell out of the box as
an indented code block (an LLM question bank: 169 questions in folded boxes, the first
group's fourth onwards shown as one block of code, ``???`` markers and all). The tokens
are the ones that rule pushes (``admonition_open`` with ``meta["tag"]``, ``info`` the
head's parameters, ``markup`` the marker; an ``admonition_title_*`` pair around the
title when there is one; ``admonition_close``), so ``builder.parse.callouts`` reads them
as it reads every box.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from builder.parse.linescan import line_text

ADMONITION_RULE = "admonition"
_MARKERS = ("???+", "!!!", "???")  # longest first
_OPENINGS = ("!!!", "???")  # what every marker starts with
_MARKER_WIDTH = 3  # "???+" indents its body as "???" does
_TAGS_AND_TITLE = re.compile(r'^\s*(?P<tags>[^"\s](?:[^"]*[^"\s])?)\s+"(?P<title>.*)"[^\s"]*$')
"""``note inline "Title"``: the tags end on a non-space and only the last quote closes the
title (no backtracking over runs of spaces or quotes)."""


def admonitions_plugin(md: MarkdownIt) -> None:
    """Register the admonition block rule (where mdit-py-plugins' ``admon`` puts its own)."""
    md.block.ruler.before("fence", ADMONITION_RULE, _admonition,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})


def tag_and_title(params: str) -> tuple[str, str]:
    """The type (lower case) and title of an admonition head's parameters: ``note`` →
    ``("note", "Note")``, ``note "A B"`` → ``("note", "A B")``, ``note ""`` → no title."""
    params = params.strip()
    if not params:
        return "", ""
    if (found := _TAGS_AND_TITLE.match(params)) is not None:
        return found["tags"].strip().split(" ")[0].lower(), found["title"]
    tag, _, rest = params.partition(" ")
    return tag.lower(), rest or tag.title()


def _marker_at(state: StateBlock, start: int, end: int) -> str:
    for marker in _MARKERS:
        if state.src.startswith(marker, start, end):
            return marker
    return ""


def _body_end(state: StateBlock, start_line: int, end_line: int) -> int:
    """The line after the body: the first non-blank line indented less than it (blank
    lines before it stay in the box, as they did)."""
    line = start_line + 1
    while line < end_line:
        if not state.isEmpty(line) and state.sCount[line] < state.blkIndent:
            break
        line += 1
    return line


def _admonition(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    start = state.bMarks[start_line] + state.tShift[start_line]
    maximum = state.eMarks[start_line]
    # Tried at every line: one test for all the markers first.
    if not state.src.startswith(_OPENINGS, start, maximum) \
            or state.is_code_block(start_line):
        return False
    marker = _marker_at(state, start, maximum)
    params = state.src[start + len(marker):maximum]
    if not marker or not params.strip():
        return False
    if not (_has_body(state, start_line, end_line) or _quoted_title(state, start_line)):
        return False  # ``!!! 重要 !!!`` in prose: no box (``builder.parse.containers``)
    if silent:
        return True
    old_parent, old_line_max, old_indent = state.parentType, state.lineMax, state.blkIndent
    body = start + len(marker)
    while body < maximum and state.src[body] == " ":
        body += 1
    state.parentType = "admonition"
    state.blkIndent += body - start + _MARKER_WIDTH - len(marker)
    next_line = _body_end(state, start_line, end_line)
    state.lineMax = next_line  # no lazy continuation runs past the body
    tag, title = tag_and_title(params)
    token = state.push("admonition_open", "div", 1)
    token.markup, token.block, token.info = marker, True, params
    token.attrs = {"class": f"admonition {tag}"}
    token.meta = {"tag": tag}
    token.content = title
    token.map = [start_line, next_line]
    if title:
        token = state.push("admonition_title_open", "p", 1)
        token.markup = f"{marker} {tag}"
        token.map = [start_line, start_line + 1]
        token = state.push("inline", "", 0)
        token.content, token.map, token.children = title, [start_line, start_line + 1], []
        state.push("admonition_title_close", "p", -1)
    state.md.block.tokenize(state, start_line + 1, next_line)
    token = state.push("admonition_close", "div", -1)
    token.markup, token.block = marker, True
    state.parentType, state.lineMax, state.blkIndent = old_parent, old_line_max, old_indent
    state.line = next_line
    return True


def _has_body(state: StateBlock, start: int, end: int) -> bool:
    """Whether an admonition's opening line has a body under it: its next non-blank line
    (after any blank lines, as ``builder.parse.admonitions`` reads the body) indented
    past the marker."""
    indent = state.blkIndent + 4
    for line in range(start + 1, end):
        if state.bMarks[line] + state.tShift[line] < state.eMarks[line]:
            return state.sCount[line] >= indent
    return False


def _quoted_title(state: StateBlock, start: int) -> bool:
    """Whether an admonition's opening line gives a type and a title in quotes
    (``??? question "What is B?"``): a box left empty, as MkDocs draws it, not prose."""
    line = line_text(state, start).rstrip()
    head, _, title = line.partition(' "')
    return len(head.split()) == 2 and title.endswith('"') and len(title) > 1
