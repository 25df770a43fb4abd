"""Callouts that group asking callouts: read as headings over their questions.

MkDocs-material notes fold whole groups of questions into one box, then each question
into its own (a real LLM question bank writes 169 of them so)::

    ## Machine Learning

    ??? tip "Machine Learning Concepts"

        ??? question "What is out-of-core learning?"

            Training on data too large for memory, in mini-batches.

The inner boxes ask (``builder.parse.callouts.asks``), the outer one only names a group:
read as a box, its questions sat inside one block, in no card. So a callout that does not
ask but holds one that does, at any depth, becomes a heading one level below the heading
(or group) it sits under, its title the heading's text, and its body the blocks under it:
each asking box is then a question in its own right, the group a section. A box that asks
keeps its inner boxes as parts of its answer, and a box that holds no asking box stays a box.
"""

from __future__ import annotations

from markdown_it.token import Token

from builder.parse.phrases import asks_outright

_QUESTION_TYPES = frozenset({"question", "faq", "help"})
_MAX_LEVEL = 6
_DEPTH = "group_depth"
"""``meta`` key of a group's heading: the depth its box was nested at (a heading itself
stands at the top level, as headings do)."""


def _asks(tokens: list[Token], index: int) -> bool:
    """Whether the ``callout_open`` at ``index`` asks (as ``callouts.asks`` says of its node)."""
    meta = tokens[index].meta.get("callout", {})
    if not meta.get("titled"):
        return False
    if meta.get("syntax") == "html":
        title = tokens[index + 2] if index + 2 < len(tokens) else None
        return title is not None and title.type == "inline" and asks_outright(title.content)
    return meta.get("type") in _QUESTION_TYPES


def _close_of(tokens: list[Token], index: int) -> int:
    depth = 0
    for position in range(index, len(tokens)):
        kind = tokens[position].type
        depth += (kind == "callout_open") - (kind == "callout_close")
        if depth == 0:
            return position
    return len(tokens) - 1


def _groups(tokens: list[Token]) -> dict[int, int]:
    """Each grouping callout's opening index → its closing index."""
    found: dict[int, int] = {}
    for index, token in enumerate(tokens):
        if token.type != "callout_open" or _asks(tokens, index):
            continue
        close = _close_of(tokens, index)
        if any(tokens[inner].type == "callout_open" and _asks(tokens, inner)
               for inner in range(index + 1, close)):
            found[index] = close
    return found


def _heading(opening: Token, title: Token, level: int) -> list[Token]:
    tag = f"h{level}"
    line = opening.map[0] if opening.map else 0
    head = Token("heading_open", tag, 1, map=[line, line + 1], markup="#" * level,
                 block=True, meta={_DEPTH: opening.level})
    title.map = [line, line + 1]
    return [head, title, Token("heading_close", tag, -1, markup="#" * level, block=True)]


def unwrap_groups(tokens: list[Token]) -> list[Token]:
    """``tokens`` with each grouping callout made a heading over its body (see above)."""
    groups = _groups(tokens)
    if not groups:
        return tokens
    out: list[Token] = []
    # Of each group open: its closing index, heading level, opening token, start in ``out``.
    open_groups: list[tuple[int, int, Token, int]] = []
    heading_level = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if open_groups and index == open_groups[-1][0]:
            _, _, opening, start = open_groups.pop()
            _stretch(out[start:], opening)
            index += 1
            continue
        if token.type == "heading_open" and not open_groups:
            heading_level = int(token.tag[1:])
        if index in groups and tokens[index + 1].type == "callout_title_open":
            parent = open_groups[-1][1] if open_groups else heading_level
            level = min(parent + 1, _MAX_LEVEL)
            open_groups.append((groups[index], level, token, len(out)))
            out.extend(_heading(token, tokens[index + 2], level))
            index += 4  # the opening, its title's three tokens
            continue
        out.append(token)
        index += 1
    return out


def _stretch(body: list[Token], opening: Token) -> None:
    """Let each block right inside an unwrapped group reach to the next one (the group's
    last to the group's end): the lines between them, a quote's bare ``>`` lines, were the
    group's, and are now the block's above them, not nobody's."""
    depth = opening.level + 1
    siblings = [t for t in body if (t.level == depth and t.nesting >= 0 and t.map)
                or t.meta.get(_DEPTH) == depth]
    end = opening.map[1] if opening.map else 0
    for block, following in zip(siblings, [*siblings[1:], None], strict=True):
        stop = following.map[0] if following is not None and following.map else end
        if block.type != "heading_open" and block.map and stop > block.map[1]:
            block.map = [block.map[0], stop]
