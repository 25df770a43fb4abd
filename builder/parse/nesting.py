"""Bounds on how deeply notes may nest, so hostile input gets a diagnostic, not a crash.

Everything downstream of the parser walks the tree recursively (markdown-it's
``SyntaxTreeNode``, the card and PDF renderers, pickling for the parse cache), so
depth must be bounded where the tree is made.  markdown-it's ``maxNesting`` bounds
blocks, links and HTML, but emphasis is paired after inline parsing and escapes it:
``*a *a *a …`` 250 deep overflowed Python's stack.  YAML's depth is bounded where it
is loaded (``builder.support.yamlload``).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

MAX_INLINE_DEPTH = 16
"""Emphasis deeper than this stays literal text (real notes nest two or three)."""
_PAIRED_AFTER = ("em_open", "strong_open", "s_open", "mark_open")
CUT_META = "nesting_cut"
"""Set in an inline token's ``meta`` when some of its emphasis was kept as text."""
BLOCK_CUT_META = "block_nesting_cut"
"""Set in an inline token's ``meta`` when it holds lines nested past ``maxNesting``."""


def bound_inline_nesting(md: MarkdownIt) -> None:
    """Register the core rule that keeps emphasis nested too deeply as literal text."""
    md.core.ruler.push("bound_inline_nesting", _bound_inline_nesting)


def keep_deep_blocks_as_text(md: MarkdownIt) -> None:
    """Keep blocks nested past ``maxNesting`` as one paragraph of text.

    markdown-it drops every line nested deeper than ``maxNesting`` (quotes or lists
    5,000 deep) without a word; here those lines become a paragraph whose inline token
    carries ``BLOCK_CUT_META``, so the words reach the card and the parser warns.
    """
    tokenize = md.block.tokenize

    def bounded(state: StateBlock, start: int, end: int) -> None:
        if state.level < state.md.options.maxNesting:
            tokenize(state, start, end)
            return
        line = state.skipEmptyLines(start)
        if line >= end or state.sCount[line] < state.blkIndent:
            return
        text = state.getLines(line, end, state.blkIndent, False).strip()
        state.line = end
        if not text:
            return
        state.push("paragraph_open", "p", 1).map = [line, end]
        inline = state.push("inline", "", 0)
        inline.content, inline.map, inline.children = text, [line, end], []
        inline.meta[BLOCK_CUT_META] = True
        state.push("paragraph_close", "p", -1)

    md.block.tokenize = bounded  # type: ignore[method-assign,assignment]


def _bound_inline_nesting(state: StateCore) -> None:
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        depth = 0
        cut: set[int] = set()  # levels whose opening token became text
        for child in token.children:
            if child.nesting == 1:
                depth += 1
                if depth > MAX_INLINE_DEPTH and child.type in _PAIRED_AFTER:
                    cut.add(depth)
                    _as_text(child)
            elif child.nesting == -1:
                if depth in cut:
                    cut.discard(depth)
                    _as_text(child)
                    token.meta[CUT_META] = True
                depth -= 1


def _as_text(token: Any) -> None:
    token.type, token.tag, token.nesting, token.content = "text", "", 0, token.markup


MAX_TOKENS = 400_000
"""markdown-it tokens one file may make, block and inline together.  Each costs some
700 bytes with its syntax-tree node, and a 1 MB file of table rows, list items or
emphasis makes 1.4 million (1.2 GB on ``check``); the densest real notes make about 0.2
a byte (200,000 at the 1 MB limit)."""
_COUNT = "builder_tokens"
_LINE = "builder_token_line"


class TooManyTokens(Exception):
    """A file's Markdown makes more than ``MAX_TOKENS`` tokens; ``line`` (0-based) is
    where the parse was."""

    def __init__(self, line: int) -> None:
        super().__init__(f"over {MAX_TOKENS:,} Markdown elements by line {line + 1}")
        self.line = line


def count_token(env: MutableMapping[str, Any], line: int | None = None) -> None:
    """Count one token made (at ``line``, for a block); raise ``TooManyTokens`` past the
    budget."""
    count = env.get(_COUNT, 0) + 1
    env[_COUNT] = count
    if line is not None:
        env[_LINE] = line
    if count > MAX_TOKENS:
        raise TooManyTokens(env.get(_LINE, 0))


class _CountedBlockState(StateBlock):
    def push(self, ttype: str, tag: str, nesting: Literal[-1, 0, 1]) -> Token:
        count_token(self.env, self.line)
        return super().push(ttype, tag, nesting)


def bound_tokens(md: MarkdownIt) -> None:
    """Count every block token (each inline one is counted by its state's ``push``, and
    placed on the line of its block by the inline rule below)."""

    def parse(src: str, md: MarkdownIt, env: Any, tokens: list[Token]) -> list[Token] | None:
        if not src:
            return None
        env[_COUNT] = 0  # each parse of the file (a repair parses it again) counts anew
        state = _CountedBlockState(src, md, env, tokens)
        md.block.tokenize(state, state.line, state.lineMax)
        return state.tokens

    def inline(state: StateCore) -> None:
        # markdown-it's "inline" core rule, telling the count each block's line.
        for token in state.tokens:
            if token.type == "inline":
                if token.map:
                    state.env[_LINE] = token.map[0]
                if token.children is None:
                    token.children = []
                state.md.inline.parse(token.content, state.md, state.env, token.children)

    md.block.parse = parse  # type: ignore[method-assign,assignment]
    md.core.ruler.at("inline", inline)
