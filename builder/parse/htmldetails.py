"""HTML ``<details>`` blocks read as boxes: ``<summary>`` their title, the lines up to
``</details>`` their body, read as Markdown.

Notes on GitHub fold answers with the one folding element Markdown allows::

    <details>
    <summary>What reduces overfitting?</summary>

    More **data**, then augmentation …

    </details>

CommonMark ends an HTML block at its first blank line, so the opening tags were one HTML
block, the answer Markdown after it and ``</details>`` a block of its own: the card showed
an empty folded box, then the answer outside it.  Here the whole element is one box
(``builder.parse.callouts`` makes it a folded callout of type ``details``), and a box
whose summary asks is a question with its body the answer (``callouts.asks``).

Only the common shape is taken: ``<details>`` alone on its line (attributes allowed) or
with its ``<summary>…</summary>`` after it, the summary on the next lines if not, and
``</details>`` alone on a later line.  Anything else (the element on one line, text after
the tags, no closing line, a heading in between) stays the HTML block it was.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from builder.model import Diagnostic, SourceLoc
from builder.parse.boxtokens import push_box
from builder.parse.linescan import closing_line, code_lines, line_text, picked_lines, tag_kind
from builder.support.htmlscan import SafeHTMLParser

MARKER = "<details>"
"""The box's markup: ``builder.parse.callouts`` reads it as an HTML details box, folded."""
OPEN_MARKER = "<details open>"
"""The same, for a ``<details open>`` (shown open, foldable)."""
_OPEN = re.compile(r"<details(\s[^<>]*)?>", re.IGNORECASE)
_CLOSE = re.compile(r"</details\s*>\s*$", re.IGNORECASE)
_SUMMARY = re.compile(r"\s*<summary(?:\s[^<>]*)?>(.*?)</summary\s*>\s*$",
                      re.IGNORECASE | re.DOTALL)
_SUMMARY_START = re.compile(r"\s*<summary(?:\s[^<>]*)?>", re.IGNORECASE)
SUMMARY_LINES = 8
"""Lines a ``<summary>`` may span (its text wrapped): no further, so an unclosed one is
never searched to the end of the file."""
_LINES = "html_details_lines"
DROPPED = "html_details_dropped"
"""markdown-it ``env`` key: (0-based line, what was left out) for each box whose
``<details>`` or ``<summary>`` tag held attributes the box's own tags do not keep."""
_KEPT = frozenset({"open", "class", "title", "lang", "dir"})
"""Attributes of these two tags a card would keep in raw HTML
(``builder.checks.htmlpolicy``): harmless, not worth a word when the box drops them."""
_TAG_ATTRIBUTES = re.compile(r"<(details|summary)(\s[^<>]*)>", re.IGNORECASE)
_ATX = re.compile(r"#{1,6}(?:[ \t]|$)")


def html_details_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("html_block", "html_details", _details,
                          {"alt": ["paragraph", "reference", "blockquote"]})


def _kind_at(state: StateBlock, line: int) -> str | None:
    """``open`` for a line opening a details element, ``close`` for ``</details>`` alone
    (neither in a code block)."""
    return tag_kind(state, line, _OPEN, _CLOSE)


def _details(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # indented code
    head = _OPEN.match(line_text(state, start_line))
    if head is None:
        return False
    found = _summary(state, start_line, head.end(), end_line)
    if found is None:
        return False
    title, body_start, title_line = found
    close = _closing_line(state, start_line, end_line)
    if close is None or close < body_start:
        return False
    if silent:
        return True
    opened = "open" in (head.group(1) or "").lower().split()
    _record_dropped(state, start_line, body_start, title_line)
    push_box(state, (start_line, close, close + 1), OPEN_MARKER if opened else MARKER,
             "details", title, lambda: state.md.block.tokenize(state, body_start, close),
             title_line)
    return True


def _summary(state: StateBlock, start_line: int, after: int, end_line: int
             ) -> tuple[str, int, int] | None:
    """The summary's text (empty without one), the body's first line and the summary's
    first line; None when the opening line holds more than the tags (an element written
    on one line, say)."""
    rest = line_text(state, start_line)[after:]
    line = start_line
    if not rest.strip():  # the summary, if any, on the next line that is not blank
        line = start_line + 1
        while line < end_line and state.isEmpty(line):
            line += 1
        if line >= end_line or not _SUMMARY_START.match(line_text(state, line)):
            return "", start_line + 1, start_line
        rest = line_text(state, line)
    elif not _SUMMARY_START.match(rest):
        return None
    for last in range(line, min(line + SUMMARY_LINES, end_line)):
        if last > line:
            rest += "\n" + line_text(state, last)
        found = _SUMMARY.match(rest)
        if found is not None:
            return " ".join(found.group(1).split()), last + 1, line
        if "</summary" in rest.lower():
            return None  # text after the summary on its line
    return None


def _closing_line(state: StateBlock, start_line: int, end_line: int) -> int | None:
    """The ``</details>`` line closing the element opened at ``start_line`` (details nest),
    before ``end_line`` and at least as indented; None when there is none or a heading
    comes first: a question heading is never swallowed."""
    line = closing_line(state, picked_lines(state, _LINES, _kind_at), start_line, end_line)
    return None if line is None or _heading_between(state, start_line, line) else line


def _heading_between(state: StateBlock, start: int, end: int) -> bool:
    code = code_lines(state)  # a ``# comment`` in code is no heading
    return any(line not in code and _ATX.match(state.src, state.bMarks[line] + state.tShift[line],
                                               state.eMarks[line])
               for line in range(start + 1, end))


def _record_dropped(state: StateBlock, start_line: int, body_start: int,
                    summary_line: int) -> None:
    """Record the attributes (``ontoggle=``, ``onclick=``…) of the box's ``<details>`` and
    ``<summary>`` tags that the card leaves out (the box is drawn with tags of its own),
    each at its tag's line."""
    head = "\n".join(line_text(state, line) for line in range(start_line, body_start))
    head = head.partition("</summary")[0]  # tags inside the summary are its text's
    for tag, attributes in _TAG_ATTRIBUTES.findall(head):
        dropped = [f"{name}= attribute on <{tag.lower()}>"
                   for name in _attribute_names(attributes) if name not in _KEPT]
        if dropped and isinstance(state.env, dict):
            line = summary_line if tag.lower() == "summary" else start_line
            state.env.setdefault(DROPPED, []).append((line, dropped))


class _Attributes(SafeHTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.names: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names += [name for name, _value in attrs]


def _attribute_names(attributes: str) -> list[str]:
    found = _Attributes()
    found.feed(f"<x{attributes}>")
    found.close()
    return found.names


def dropped_diagnostics(env: dict[str, Any], path: str) -> list[Diagnostic]:
    """A warning at each line of a box's tags whose attributes the card left out
    (``DROPPED``)."""
    by_line: dict[int, list[str]] = {}
    for line, dropped in env.get(DROPPED, ()):
        by_line.setdefault(line, []).extend(dropped)
    return [Diagnostic(SourceLoc(path, line + 1), "warning",
                       "raw HTML removed from the card: " + ", ".join(dict.fromkeys(dropped)),
                       "html-removed")
            for line, dropped in sorted(by_line.items())]


_AFTER_SUMMARY = re.compile(r"(?:\s|<p(?:\s[^<>]*)?>)*", re.IGNORECASE)
_SUMMARY_END = re.compile(r"</summary\s*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^<>]*>")


def opening_summary(html: str) -> str | None:
    """The summary of an HTML block that only opens a folded element, on the lines a
    list follows (``<details><summary>目录</summary><p>``, a template's folded TOC): the
    plain text of its ``<summary>``; None for any other block."""
    text = html.strip()
    opened = _OPEN.match(text)
    rest = text[opened.end():] if opened else ""
    start, end = _SUMMARY_START.match(rest), _SUMMARY_END.search(rest)
    if start is None or end is None or end.start() < start.end() \
            or not _AFTER_SUMMARY.fullmatch(rest[end.end():]):
        return None
    return _TAGS.sub("", rest[start.end():end.start()]).strip()


def only_closes(html: str) -> bool:
    """True for an HTML block that closes a folded element and shows nothing
    (``</p></details><p></p>``)."""
    return "</details" in html.lower() and not _TAGS.sub("", html).strip()
