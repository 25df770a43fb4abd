"""Definition lists (Pandoc, PHP Markdown Extra, MkDocs' ``def_list``, Hugo):

    Yin & Yang
    : A concept of dualism …

Read as CommonMark, the definition was a paragraph of its own starting ``: `` (a flashdown
deck, hunt6).  mdit-py-plugins' ``deflist`` reads them; this rule then writes each term and
its definitions as an item of a bulleted list, the term in bold above them, so cards, the
sheet and every check read them as the lists they already know.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from builder.parse.containers import BlockRule

_DROPPED = {"dd_open", "dd_close"}


def deflists_plugin(md: MarkdownIt) -> None:
    """Bound mdit-py-plugins' ``deflist`` rule (already registered), then write its lists
    as bulleted lists (before any rule that reads lists after the inline rules)."""
    ruler = md.block.ruler
    rule = next(r for r in ruler.__rules__ if r.name == _RULE)
    read: BlockRule = rule.fn

    def bounded(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        # The plugin takes any line after a definition for the next term, a heading too
        # (``## Next question`` over a ``: …`` line became a term): a list ends where a
        # block that parts a paragraph starts, as the term's paragraph would.
        if silent or not _marked(state, start, end):
            return read(state, start, end, silent)
        parts = [fn for fn in ruler.getRules("paragraph") if fn not in (read, bounded)]
        return read(state, start, _first_block(state, start, end, parts), silent)

    ruler.at(_RULE, bounded, {"alt": list(rule.alt)})
    md.core.ruler.after("inline", "deflists_as_lists", _as_lists)


_RULE = "deflist"


def _marked(state: StateBlock, start: int, end: int) -> bool:
    """Whether the line after ``start`` (or after one blank line) opens a definition
    (``:`` or ``~`` then a space), as the plugin asks before it reads a list."""
    line = start + 1
    if line < end and state.isEmpty(line):
        line += 1
    if line >= end:
        return False
    at, stop = state.bMarks[line] + state.tShift[line], state.eMarks[line]
    return at < stop and state.src[at] in ":~" and (at + 1 >= stop or state.src[at + 1] in " \t")


def _first_block(state: StateBlock, start: int, end: int, parts: list[BlockRule]) -> int:
    """The first line after ``start`` at the list's own indent where another block
    starts (a heading, a fence, a list…), else ``end``."""
    # Remembered for every line passed (per end and indent): a list that reads only a few
    # lines leaves the rest to the next start, which would scan them again, quadratic in
    # a file of many short lists and no heading.
    # Per source text: a box's body (``ad-…`` fences) is parsed as a text of its own,
    # whose line numbers are not the file's.
    found: dict[tuple[int, int, int, str], int] = \
        state.env.setdefault(_KNOWN, {}).setdefault(state.src, {})
    place = (end, state.blkIndent, str(state.parentType))
    passed = []
    line = start + 1
    while line < end:
        known = found.get((line, *place))
        if known is not None:
            line = known
            break
        passed.append(line)
        if not state.isEmpty(line) and 0 <= state.sCount[line] - state.blkIndent < 4 \
                and any(fn(state, line, end, True) for fn in parts):
            break
        line += 1
    for at in passed:
        found[(at, *place)] = line
    return min(line, end)


_KNOWN = "deflist_blocks"
"""``env`` key: which lines start a block, as asked so far, per source text."""


def _as_lists(state: StateCore) -> None:
    if not any(token.type == "dl_open" for token in state.tokens):
        return
    out: list[Token] = []
    # Per open list, its open item (None between items) and whether that item has had a
    # definition yet: a term after a definition starts the next item.
    items: list[tuple[Token | None, bool]] = []
    for token in state.tokens:
        kind = token.type
        if kind == "dl_open":
            out.append(_like(token, "bullet_list_open", "ul", 1))
            items.append((None, False))
        elif kind == "dl_close":
            if items.pop()[0] is not None:
                out.append(_like(token, "list_item_close", "li", -1))
            out.append(_like(token, "bullet_list_close", "ul", -1))
        elif kind == "dt_open":
            item, defined = items[-1]
            if item is not None and defined:
                out.append(_like(token, "list_item_close", "li", -1))
                item = None
            if item is None:
                item = _like(token, "list_item_open", "li", 1)
                out.append(item)
            items[-1] = (item, False)
            out.append(_like(token, "paragraph_open", "p", 1))
            out[-1].meta[_TERM] = True
        elif kind == "dt_close":
            out.append(_like(token, "paragraph_close", "p", -1))
        elif kind in _DROPPED:
            item, _defined = items[-1]
            if item is not None and item.map is not None and token.map is not None:
                item.map = [item.map[0], max(item.map[1], token.map[1])]
            items[-1] = (item, True)
        elif kind == "inline" and out and out[-1].meta.get(_TERM):
            out.append(_bold(token))
        else:
            out.append(token)
    state.tokens = out


_TERM = "deflist_term"
"""Meta key of the paragraph token made from a term."""


def _like(token: Token, kind: str, tag: str, nesting: int) -> Token:
    made = Token(kind, tag, nesting)  # type: ignore[arg-type]
    made.block = True
    made.level = token.level
    if token.map is not None and nesting == 1:
        first = token.map[0]
        made.map = [first, max(token.map[1], first + 1)]
    if kind == "list_item_open":
        made.markup = "-"
        made.info = ""
    return made


def _bold(inline: Token) -> Token:
    """A term's words, in bold as a term is drawn."""
    children = inline.children or []
    opened = Token("strong_open", "strong", 1)
    opened.markup = "**"
    closed = Token("strong_close", "strong", -1)
    closed.markup = "**"
    inline.children = [opened, *children, closed]
    return inline
