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
each asking box is then a question in its own right, the group a section.

Markdown has no end to a heading's section, so only where the group's section ends with
its box and no answer is open (``_unwrappable``): all the blocks under a heading that does
not ask, the next heading no deeper; inside such a group, the groups that end its body.
Elsewhere (among questions, in an answer, a list, a box that asks) a group stays a box,
as a box that holds no asking box does.
"""

from __future__ import annotations

from markdown_it.token import Token

from builder.parse.phrases import asks_outright

QUESTION_TYPES = frozenset({"question", "faq", "help"})
"""Callout types that ask: with a title written, ``> [!faq]- 为什么？`` is a question and its
body the answer (``builder.parse.questionforms``)."""
_MAX_LEVEL = 6
_DEPTH = "group_depth"
"""``meta`` key of a group's heading: the depth its box was nested at (a heading itself
stands at the top level, as headings do)."""


def callout_asks(meta: dict[str, object], title: str | None) -> bool:
    """Whether a callout with ``meta`` (``callout_open``'s) and ``title`` (its title's text,
    ``None`` if it has none) asks: of a question type, with a title written; or an HTML
    ``<details>`` whose summary asks outright."""
    if not meta.get("titled") or title is None:
        return False
    if meta.get("syntax") == "html":
        return asks_outright(title)
    return meta.get("type") in QUESTION_TYPES


def _title(tokens: list[Token], index: int) -> str | None:
    if index + 2 < len(tokens) and tokens[index + 1].type == "callout_title_open" \
            and tokens[index + 2].type == "inline":
        return tokens[index + 2].content
    return None


def _asks(tokens: list[Token], index: int) -> bool:
    return callout_asks(tokens[index].meta.get("callout", {}), _title(tokens, index))


def _groups(tokens: list[Token]) -> dict[int, int]:
    """Each titled callout that asks nothing but holds one that asks: opening → closing
    index. One pass: a callout holds an asking one when one inside it asks or holds one."""
    found: dict[int, int] = {}
    # Per open callout: its index, whether one inside it asks, whether it asks itself.
    stack: list[list[int]] = []
    for index, token in enumerate(tokens):
        if token.type == "callout_open":
            stack.append([index, 0, int(_asks(tokens, index))])
        elif token.type == "callout_close" and stack:
            opening, holds, asked = stack.pop()
            if holds and not asked and _title(tokens, opening) is not None:
                found[opening] = index
            if (holds or asked) and stack:  # told to the one around it as it closes
                stack[-1][1] = 1
    return found


def _children(tokens: list[Token], start: int, stop: int, level: int) -> list[int]:
    """Indexes of the blocks opening at ``level`` in ``tokens[start:stop]``."""
    return [index for index in range(start, stop)
            if tokens[index].level == level and tokens[index].nesting >= 0
            and tokens[index].block and tokens[index].type != "inline"]


def _unwrappable(tokens: list[Token], groups: dict[int, int]) -> set[int]:
    """The groups read as headings: only where no answer is open, so that each group's
    section ends where its box does. At the top level, the blocks under a heading that
    does not ask (or before any heading) when all of them are groups and the next heading
    is no deeper (none, or a paragraph, before or after, that a group's section would
    swallow); inside such a group, the groups that end its body."""
    found: set[int] = set()
    blocks = _children(tokens, 0, len(tokens), 0)
    heads = [(-1, 0, False)] + [
        (position, int(tokens[index].tag[1:]), asks_outright(tokens[index + 1].content))
        for position, index in enumerate(blocks) if tokens[index].type == "heading_open"]
    for (at, level, asking), (after, next_level, _) in zip(
            heads, [*heads[1:], (len(blocks), 0, False)], strict=True):
        run = blocks[at + 1:after]
        if run and not asking and next_level <= level and all(b in groups for b in run):
            found.update(run)
    pending = sorted(found)
    while pending:
        opening = pending.pop()
        body = _children(tokens, opening + 4, groups[opening], tokens[opening].level + 1)
        while body and body[-1] in groups:
            found.add(body[-1])
            pending.append(body.pop())
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
    unwrapped = _unwrappable(tokens, groups)
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
        if index in unwrapped:
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
