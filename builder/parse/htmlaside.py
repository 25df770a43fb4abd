"""HTML ``<aside>`` blocks read as boxes: Notion's callouts, as its Markdown export writes
them::

    <aside>
    💡 **要点**：注意力是对值的加权求和。

    </aside>

CommonMark ends an HTML block at its first blank line: the opening tag and the first lines
were one HTML block, which the card's sanitiser stripped of its tag with an
``html-removed`` warning at every callout, the lines after the blank one Markdown outside
it, and ``</aside>`` a block of its own.  Here the lines between the two tags are the body
of a box (``builder.parse.callouts`` makes it a callout of type ``aside``, drawn as a note
without a title: Notion's callouts have none), read as Markdown.

Taken: ``<aside>`` alone on its line (attributes allowed) and ``</aside>`` alone on a later
line at least as indented, or the element on one line (``<aside>💡 text</aside>``: its text
one paragraph).  Anything else stays the HTML block it was: no closing line, or a body that
holds a heading of any kind (ATX or setext) or a question by another rule (a bold question,
an asked line ``Q: …``, a callout or admonition of a question type), read from the body's
tokens: a question is never swallowed into a box.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from builder.parse.bold import paragraph_question
from builder.parse.boxtokens import push_box
from builder.parse.calloutgroups import QUESTION_TYPES
from builder.parse.linescan import closing_line, line_text, picked_lines, tag_kind
from builder.parse.phrases import is_asked_line

MARKER = "<aside>"
"""The box's markup: ``builder.parse.callouts`` reads it as an HTML box, not foldable."""
ASIDE_TYPE = "aside"
_OPEN = re.compile(r"<aside(?:\s[^<>]*)?>\s*$", re.IGNORECASE)
_CLOSE = re.compile(r"</aside\s*>\s*$", re.IGNORECASE)
_ONE_LINE = re.compile(r"<aside(?:\s[^<>]*)?>(.*?)</aside\s*>\s*$", re.IGNORECASE)
_CALLOUT_HEAD = re.compile(r"\[!([^\W\d_][\w-]*)\]")
_LINES = "html_aside_lines"
_REFUSED = "html_aside_refused"
"""markdown-it ``env`` key: the opening lines of asides whose body holds a question, and
how many body lines were read on trial (``_BUDGET``)."""
_BUDGET = 2
"""Body lines read per line of the file to try asides: a refused one is read again as
what it was, so nested refused asides must not multiply the parse."""


def html_aside_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("html_block", "html_aside", _aside,
                          {"alt": ["paragraph", "reference", "blockquote"]})


def _kind_at(state: StateBlock, line: int) -> str | None:
    """``open`` for a line that is only an ``<aside>`` tag, ``close`` for ``</aside>``
    alone (neither in a code block)."""
    return tag_kind(state, line, _OPEN, _CLOSE)


def _aside(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # indented code
    one_line = _ONE_LINE.match(line_text(state, start_line))
    if one_line is not None and "<aside" not in one_line.group(1).lower():
        if not silent:
            push_box(state, (start_line, start_line + 1, start_line + 1), MARKER, ASIDE_TYPE,
                     "", lambda: _paragraph(state, start_line, one_line.group(1).strip()))
        return True
    if _kind_at(state, start_line) != "open":
        return False
    close = _closing_line(state, start_line, end_line)
    if close is None:
        return False
    if silent:  # main's HTML block would end the paragraph above all the same
        return True
    refused, read = _trials(state)
    if start_line in refused or read[0] + close - start_line > _BUDGET * state.lineMax + 64:
        return False
    read[0] += close - start_line
    count = len(state.tokens)
    push_box(state, (start_line, close, close + 1), MARKER, ASIDE_TYPE, "")
    if any(_asks(state, state.tokens, index) for index in range(count + 1, len(state.tokens))):
        refused.add(start_line)
        del state.tokens[count:]
        state.line = start_line
        return False
    return True


def _paragraph(state: StateBlock, line: int, text: str) -> None:
    """The text of a one-line aside as a paragraph of its line."""
    token = state.push("paragraph_open", "p", 1)
    token.map = [line, line + 1]
    token = state.push("inline", "", 0)
    token.content, token.map, token.children = text, [line, line + 1], []
    state.push("paragraph_close", "p", -1)


def _trials(state: StateBlock) -> tuple[set[int], list[int]]:
    """The refused opening lines and the trial count of this parse: a repair parses a
    cut source again with the same env, whose lines are others."""
    env = state.env if isinstance(state.env, dict) else {}
    known = env.get(_REFUSED)
    if known is None or known[0] is not state.src:
        known = env[_REFUSED] = (state.src, set(), [0])
    return known[1], known[2]


def _asks(state: StateBlock, tokens: list[Token], index: int) -> bool:
    """Whether the token at ``index`` in a box's body is a heading or a question."""
    token = tokens[index]
    if token.type == "heading_open":
        return True
    if token.type == "admonition_open":
        return token.markup != MARKER and str(token.meta.get("tag", "")).lower() in QUESTION_TYPES
    if token.type != "inline" or tokens[index - 1].type != "paragraph_open":
        return False
    text = token.content.lstrip()
    head = _CALLOUT_HEAD.match(text)
    if head is not None:  # a quote's ``[!faq] Why?`` is a callout once the core has run
        return head.group(1).lower() in QUESTION_TYPES
    if not (text.startswith(("**", "__")) or is_asked_line(text.partition("\n")[0])
            or "\n?" in text or "::" in text):
        return False  # no bold or asked line: spare the inline parse
    inline = state.md.parseInline(token.content, {})[0]
    paragraph = Token("paragraph_open", "p", 1)
    paragraph.map = token.map
    tree = SyntaxTreeNode([paragraph, inline, Token("paragraph_close", "p", -1)])
    return paragraph_question(tree.children[0], lead_ins=True) is not None


def _closing_line(state: StateBlock, start_line: int, end_line: int) -> int | None:
    """The ``</aside>`` line closing the element opened at ``start_line`` (asides nest),
    before ``end_line`` and at least as indented; None when there is none."""
    return closing_line(state, picked_lines(state, _LINES, _kind_at), start_line, end_line)

