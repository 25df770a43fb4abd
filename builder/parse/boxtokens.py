"""The admonition tokens a block rule pushes for a box read from another syntax.

``builder.parse.tabs`` (MkDocs content tabs) and ``builder.parse.liquidtags`` (Hexo and
Jekyll tag blocks) push the token shape mdit-py-plugins' ``admon`` pushes for
``!!! note "Title"``, so ``builder.parse.callouts`` makes each a callout.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it.rules_block import StateBlock


def push_box(state: StateBlock, lines: tuple[int, int, int], marker: str, kind: str,
             title: str, body: Callable[[], None] | None = None,
             title_line: int | None = None) -> None:
    """An admonition of type ``kind`` titled ``title`` (none when empty) whose head is
    on line ``lines[0]``, whose body runs up to ``lines[1]`` and which ends before
    ``lines[2]`` (0-based; its closing line, if any, in between).  The body's lines are
    read as blocks, or ``body`` pushes its tokens.  ``title_line``: where the title is
    written, when not on the head's line (a ``<summary>`` under its ``<details>``), so
    that what is said about it is said there."""
    head, body_end, end = lines
    at = head if title_line is None else title_line
    old_parent, old_line_max = state.parentType, state.lineMax
    state.parentType = "admonition"
    state.lineMax = body_end  # no lazy continuation past the body
    token = state.push("admonition_open", "div", 1)
    token.markup = marker
    token.block = True
    token.meta = {"tag": kind}
    token.info = f'{kind} "{title}"' if title else kind
    token.content = title
    token.map = [head, end]
    if title:
        token = state.push("admonition_title_open", "p", 1)
        token.map = [at, at + 1]
        token = state.push("inline", "", 0)
        token.content = title
        token.map = [at, at + 1]
        token.children = []
        state.push("admonition_title_close", "p", -1)
    if body is None:
        state.md.block.tokenize(state, head + 1, body_end)
    else:
        body()
    token = state.push("admonition_close", "div", -1)
    token.markup = marker
    token.block = True
    state.parentType, state.lineMax = old_parent, old_line_max
    state.line = end
