"""Logseq's own settings in an outline page: ``collapsed:: true``, ``id:: 6545de18-…``, the
review state of its flashcards (``card-repeats:: 1``) and ``:LOGBOOK:`` … ``:END:`` drawers.

Logseq writes them into the Markdown file under the block they belong to and never shows
them; read as Markdown they were lines of text on the card (``collapsed:: true`` under every
paper of a reading list, destin-v/Logseq-Vault, hunt6).  They are taken out of the text
(after the inline rules, from the text of a paragraph's own lines, never from raw Markdown),
and each file says in one note which lines were left out.  A property Logseq shows
(``type:: paper``, ``tags:: …``) stays text, and so does a drawer with no ``:END:``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from builder.model import Diagnostic, SourceLoc
from builder.parse.syntaxtree import LINE_BREAKS

# Logseq's built-in properties that its editor hides (``hidden-built-in-properties`` and
# the flashcards' ``card-*``): settings of the block, never its text.
HIDDEN = frozenset({
    "id", "custom-id", "collapsed", "heading", "background-color", "background_color",
    "created-at", "updated-at", "last-modified-at", "created_at", "last_modified_at",
    "query-table", "query-properties", "query-sort-by", "query-sort-desc", "ls-type",
    "hl-type", "hl-page", "hl-stamp", "hl-color", "logseq.macro-name",
    "logseq.macro-arguments", "logseq.order-list-type", "logseq.tldraw.page",
    "logseq.tldraw.shape", "logseq.color", "card-last-interval", "card-repeats",
    "card-last-reviewed", "card-next-schedule", "card-ease-factor", "card-last-score",
})
_PROPERTY = re.compile(r"([A-Za-z][A-Za-z0-9_.-]*)::(?:\s+(.*))?")
# The settings whose names a note may also use as words take only the values Logseq
# writes: ``collapsed:: true``, ``heading:: 2``, ``id:: 6545de18-dc84-…`` (a UUID).
_VALUES = {
    "collapsed": re.compile(r"true|false"),
    "heading": re.compile(r"true|false|[1-6]"),
    "id": re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
}
_DRAWER = ":LOGBOOK:"
"""The drawer Logseq writes and hides: its time log, ``CLOCK:`` lines.  Another name
(``:NOTE:`` … ``:END:``) is the author's text, kept."""
_CLOCK = "CLOCK:"
_END = ":END:"
LEFT_OUT = "logseq_left_out"
"""``env`` key: the lines (0-based) whose Logseq settings were taken out."""


def logseq_plugin(md: MarkdownIt) -> None:
    """Take Logseq's own settings out of paragraphs (after the inline rules)."""
    md.core.ruler.after("inline", "logseq_settings", _take_out)


def _take_out(state: StateCore) -> None:
    for token in state.tokens:
        if token.type != "inline" or not token.children or token.map is None \
                or ("::" not in token.content and _END not in token.content):
            continue
        lines = _lines(token.children)
        gone = _settings(lines)
        if not gone:
            continue
        if isinstance(state.env, dict):
            state.env.setdefault(LEFT_OUT, []).extend(token.map[0] + n for n in sorted(gone))
        kept = [line for n, line in enumerate(lines) if n not in gone]
        token.children = [t for n, line in enumerate(kept)
                          for t in ([] if n == 0 else [line[0]]) + line[1]]


def _lines(children: list[Token]) -> list[tuple[Token, list[Token]]]:
    """A paragraph's inline tokens line by line: each line's break before it (the first
    line's a stand-in) and its tokens."""
    lines: list[tuple[Token, list[Token]]] = [(Token("softbreak", "br", 0), [])]
    for child in children:
        if child.type in LINE_BREAKS:
            lines.append((child, []))
        else:
            lines[-1][1].append(child)
    return lines


def _settings(lines: list[tuple[Token, list[Token]]]) -> set[int]:
    """Which lines are Logseq's settings: hidden properties, and whole drawers."""
    texts = ["".join(t.content for t in tokens).strip()
             if all(t.type == "text" for t in tokens) else None for _, tokens in lines]
    gone: set[int] = set()
    drawer: int | None = None
    for at, text in enumerate(texts):
        if drawer is not None:
            if text is None or not (text == _END or text.startswith(_CLOCK) or not text):
                drawer = None  # markup or words inside: not Logseq's time log
            elif text == _END:
                gone.update(range(drawer, at + 1))
                drawer = None
            continue
        if text is None:
            continue
        if text == _DRAWER:
            drawer = at
            continue
        found = _PROPERTY.fullmatch(text)
        if found and _hidden(found.group(1).lower(), found.group(2) or ""):
            gone.add(at)
    return gone


def _hidden(name: str, value: str) -> bool:
    """Whether ``name:: value`` is one of the settings Logseq hides."""
    if name not in HIDDEN:
        return False
    shape = _VALUES.get(name)
    return shape is None or shape.fullmatch(value.strip().lower()) is not None


def left_out_notes(env: dict[str, Any], path: str) -> list[Diagnostic]:
    """One note naming the lines whose Logseq settings were left out, if any were."""
    return hidden_lines_note(env.get(LEFT_OUT, ()), path, "line(s) of Logseq's own block "
                             "settings (collapsed::, id::, card-…::, :LOGBOOK: drawers)",
                             "Logseq", "logseq-settings")


def hidden_lines_note(hidden: Iterable[int], path: str, what: str, tool: str, code: str
                      ) -> list[Diagnostic]:
    """One note at the first of the ``hidden`` lines (0-based) that a note-taking ``tool``
    hides and the build left out, naming how many and where, if there are any."""
    lines = sorted({line + 1 for line in hidden})
    if not lines:
        return []
    where = f"line {lines[0]}" if len(lines) == 1 else f"lines {lines[0]}-{lines[-1]}"
    return [Diagnostic(SourceLoc(path, lines[0], 1), "note",
                       f"{len(lines):,} {what}, within {where}, left out of the cards and the "
                       f"sheet, as {tool} hides them", code)]
