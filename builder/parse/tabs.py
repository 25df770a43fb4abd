"""Content tabs of MkDocs Material (pymdownx.tabbed): ``=== "C++"`` over an indented body.

Algorithm and interview notes built with MkDocs show one snippet in several languages::

    === "C++"
        ```cpp
        int main() {}
        ```

    === "Python"
        ```python
        print(1)
        ```

CommonMark reads ``=== "C++"`` as a paragraph and its indented body as that paragraph's
lazy continuation, so each fence became inline code on one line.  A card and a printed
page show no tabs: each tab is read as an admonition titled with its label (type ``tab``),
which ``builder.parse.callouts`` makes a callout like any ``!!! note "…"``, so the tabs
are shown one after another, each under its label.

The block rule follows mdit-py-plugins' ``admon`` (whose markers are fixed to ``!!!`` and
``???``): the body is the lines indented four columns past the marker, up to a line
indented less or two blank lines.  A marker without such a body is left as text, and so
is one right under a paragraph's line (Python-Markdown reads a tab at a block's start).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from builder.parse.boxtokens import push_box

TAB_TYPE = "tab"
MARKER = "==="
BODY_INDENT = 4
"""pymdownx.tabbed indents a tab's body four columns past its ``===``."""
_HEAD = re.compile(r'===[!+]?[ \t]+"([^"\n]*)"[ \t]*$')
"""A tab's line after its indentation: ``===`` (``===!`` starts a new tab set, ``===+``
is the one selected), then its label in double quotes."""


def tabs_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("fence", "content_tab", _content_tab,
                          {"alt": ["reference", "blockquote", "list"]})


def _content_tab(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # indented code
    begin = state.bMarks[start_line] + state.tShift[start_line]
    line_end = state.eMarks[start_line]
    if not state.src.startswith(MARKER, begin):
        return False
    head = _HEAD.match(state.src, begin, line_end)
    if head is None:
        return False
    body_indent = state.sCount[start_line] + BODY_INDENT
    last = _body_end(state, start_line, end_line, body_indent)
    if last == start_line + 1 or _blank_only(state, start_line + 1, last):
        return False  # no body: the line stays text
    if silent:
        return True
    old_indent = state.blkIndent
    state.blkIndent = body_indent
    push_box(state, (start_line, last, last), MARKER, TAB_TYPE, head[1])
    state.blkIndent = old_indent
    return True


def _body_end(state: StateBlock, start_line: int, end_line: int, indent: int) -> int:
    """The line after the tab's body (0-based, exclusive)."""
    line = start_line + 1
    was_blank = False
    while line < end_line:
        blank = state.bMarks[line] + state.tShift[line] >= state.eMarks[line]
        if blank and was_blank:
            break  # two blank lines close it
        if not blank and state.sCount[line] < indent:
            break
        was_blank = blank
        line += 1
    return line


def _blank_only(state: StateBlock, first: int, last: int) -> bool:
    return all(state.bMarks[line] + state.tShift[line] >= state.eMarks[line]
               for line in range(first, last))
