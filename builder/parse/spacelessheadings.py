"""Headings written without a space after their marks: ``##概率论问题``, ``####1.某公司…``.

CommonMark reads a line as a heading only when its ``#`` marks are followed by a space,
so ``##概率论问题`` is a paragraph of text.  Older editors (the first Markdown, MarkdownPad,
Youdao Note, the Nowcoder and CSDN editors notes are copied from) showed it as a
heading, and notes written there use it for every question: read as CommonMark, the
whole file became one card, its first questions an introduction shown in no card.

Two to six marks before a letter, a digit or an opening bracket or quote are read as a
heading here, as those editors show them, and each is noted at its line so that the
author can add the space GitHub needs.  One mark stays text: ``#flashcards/deck``,
``#TensorFlow`` and ``#机器学习`` are tags (Obsidian, Bear, Logseq), far more often than
headings.  Seven marks, a mark run with no text (``##``), or one before a symbol
(``##--``, ``##!``) stay as CommonMark reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from markdown_it.common.utils import isStrSpace

from builder.model import Diagnostic, SourceLoc

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.token import Token

SPACELESS_META = "spaceless_heading"
"""``heading_open.meta`` key set on a heading read by this rule."""
LEFT_META = "one_mark_numbered"
"""``paragraph_open.meta`` key set on a paragraph opened by a ``#1.words`` line left as text
(``builder.parse.onemarkheadings``)."""

_OPENERS = frozenset("([{（【《「『“‘\"'*_`$")
"""Marks a heading's text may start with besides a letter or digit: brackets, quotes,
and the markup of bold, code and math."""


def spaceless_headings_plugin(md: MarkdownIt) -> None:
    """Read ``##text`` (2-6 marks, no space) as a heading, where CommonMark's rule gave up."""
    md.block.ruler.after("heading", "spaceless_heading", _spaceless_heading,
                         {"alt": ["paragraph", "reference", "blockquote"]})


def _spaceless_heading(state: StateBlock, start_line: int, end_line: int,
                       silent: bool) -> bool:
    if state.is_code_block(start_line):
        return False
    pos = state.bMarks[start_line] + state.tShift[start_line]
    maximum = state.eMarks[start_line]
    text = state.src[pos:maximum]
    level = len(text) - len(text.lstrip("#"))
    if not 2 <= level <= 6 or level == len(text):
        return False
    first = text[level]
    if isStrSpace(first) or not (first.isalnum() or first in _OPENERS):
        return False
    if silent:
        return True
    content = text[level:].rstrip()
    # A closing run, as CommonMark allows one: ``##题目 ##``.
    stripped = content.rstrip("#")
    if stripped != content and stripped.endswith((" ", "\t")):
        content = stripped.rstrip()
    state.line = start_line + 1
    opening = state.push("heading_open", f"h{level}", 1)
    opening.markup = "#" * level
    opening.map = [start_line, state.line]
    opening.meta[SPACELESS_META] = True
    inline = state.push("inline", "", 0)
    inline.content = content
    inline.map = [start_line, state.line]
    inline.children = []
    closing = state.push("heading_close", f"h{level}", -1)
    closing.markup = "#" * level
    return True


def spaceless_notes(tokens: Sequence[Token], path: str) -> list[Diagnostic]:
    """One note per heading read by this rule, at its line."""
    notes: list[Diagnostic] = []
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.meta.get(LEFT_META):
            notes.append(_left_note(token, tokens[index + 1].content, path))
        if token.type != "heading_open" or not token.meta.get(SPACELESS_META):
            continue
        line = token.map[0] + 1 if token.map else 1
        marks = token.markup
        words = tokens[index + 1].content if index + 1 < len(tokens) else ""
        notes.append(Diagnostic(
            SourceLoc(path, line, 1), "note",
            f"'{marks}{words[:40]}' is read as a heading, though no space follows its "
            f"'{marks}' (GitHub and CommonMark show such a line as text): write "
            f"'{marks} {words[:40]}'", "heading-space"))
    return notes


def _left_note(token: Token, content: str, path: str) -> Diagnostic:
    words = content.partition("\n")[0]
    return Diagnostic(
        SourceLoc(path, token.map[0] + 1 if token.map else 1, 1), "note",
        f"'{words[:40]}' stays text: one '#' with no space after it is a tag, and no heading "
        f"of this file numbers on from it; if it is a heading, write '# {words[1:40]}'",
        "heading-space")
