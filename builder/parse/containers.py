"""Where a ``:::`` container or a ``!!!`` admonition may stand, so that a stray one never
swallows the questions after it.

markdown-it-container (mdit-py-plugins' ``container``) runs a container left open to
the end of its parent: one ``::: tip`` without its ``:::`` would take the rest of the
file, every question heading after it, into one block.  A container may not hold a
heading either: a question inside it would be no question.  So a container is read only
when it is closed before any heading; otherwise its opening line stays text of the
paragraph it starts or stands in (it parts no paragraph), as it does for a reader of the
plain file, and the line is recorded (``UNCLOSED``) for a warning.  An admonition
(``!!! note``) whose body is empty (no indented line follows it: ``!!! 重要 !!!`` in
prose) also stays text, unless its head gives a type and a title in quotes
(``??? question "What is B?"``, a box its author left empty): ``builder.parse.admonitions``
reads it so.

Both plugins are registered by ``builder.parse.markdown`` (mdit-py-plugins lives there);
``guard_blocks`` wraps the container's rule.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from builder.model import Diagnostic, SourceLoc
from builder.parse.fenceddivs import heading_is_title, is_braced
from builder.parse.linescan import line_text, picked_lines

CONTAINER_NAME = "block"
"""The name the container plugin is registered under: its tokens are ``container_block_*``."""
CONTAINER_RULE = f"container_{CONTAINER_NAME}"
UNCLOSED = "unclosed_containers"
"""markdown-it ``env`` key: the 0-based lines of ``:::`` openings kept as text."""

BlockRule = Callable[[StateBlock, int, int, bool], bool]


def container_type_given(params: str, _markup: str = "") -> bool:
    """Whether a ``:::`` line names a container (``::: tip``, ``:::details 答案``): a bare
    ``:::`` only closes one.  A Pandoc or MyST head in braces (``::: {.callout-tip}``,
    ``:::{note}``) names one too (``builder.parse.fenceddivs``)."""
    name = params.strip().split(" ", 1)[0]
    return (bool(name) and name[0].isalpha()) or is_braced(params)


def guard_blocks(md: MarkdownIt) -> None:
    """Wrap the container rule (already registered) as the module says."""
    ruler = md.block.ruler
    container = next(r for r in ruler.__rules__ if r.name == CONTAINER_RULE)
    read_container: BlockRule = container.fn

    def guarded_container(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if not read_container(state, start, end, True):
            return False
        recorded = _recorded(state.env)
        if not _closer_after(state, start, end) or not _budget(state):
            recorded.append(start)
            return False
        known = _known(state).get(_where(state, start, end))
        if silent and known is None:
            # Asked whether it ends the paragraph above (a list item, a quote): only if it
            # stays a container, or the paragraph would be parted at a line that is its
            # text all the same (``这是<b>很\n::: tip 的</b>`` lost its ``</b>``).
            count, line, inner = len(state.tokens), state.line, len(recorded)
            known = _read(read_container, state, start, end)
            del state.tokens[count:]  # read again when its turn comes
            del recorded[inner:]
            state.line = line
        if known is False or (not silent and not _read(read_container, state, start, end)):
            recorded.append(start)
            return False
        return True

    ruler.at(CONTAINER_RULE, guarded_container, {"alt": list(container.alt)})


def _read(read_container: BlockRule, state: StateBlock, start: int, end: int) -> bool:
    """Read the container at ``start``; if it is not closed by its own ``:::`` or holds a
    heading, take it back (it is read again as text).  Remembered (``_known``), so that
    a container asked about first (``silent``) is read, not tried, when its turn comes."""
    count, line, inner = len(state.tokens), state.line, len(_recorded(state.env))
    read_container(state, start, end, False)
    stays = _container_stays(state, count, end)
    if not stays:
        read = state.bMarks[min(state.line, len(state.bMarks) - 1)] - state.bMarks[start]
        del state.tokens[count:]  # read again as text: its inner containers with it
        del _recorded(state.env)[inner:]
        state.line = line
        if isinstance(state.env, dict):
            state.env[_UNDONE] = state.env.get(_UNDONE, 0) + 1
            state.env[_UNDONE_READ] = state.env.get(_UNDONE_READ, 0) + max(read, 0)
    _known(state)[_where(state, start, end)] = stays
    return stays


def _where(state: StateBlock, start: int, end: int) -> tuple[int, ...]:
    """A container's line as read in one place (a quote or list item moves its start)."""
    return (start, end, state.bMarks[start], state.tShift[start], state.blkIndent)


def _known(state: StateBlock) -> dict[tuple[int, ...], bool]:
    env = state.env if isinstance(state.env, dict) else {}
    known = env.get(_KNOWN)
    if known is None or known[0] is not state.src:  # a parse of another source
        known = env[_KNOWN] = (state.src, {})
    found: dict[tuple[int, ...], bool] = known[1]
    return found


_KNOWN = "containers_known"
"""markdown-it ``env`` key: (the source, whether each container read so far stayed one,
by ``_where``)."""


MAX_UNDONE = 64
"""Containers read and then undone (they held a heading) in one parse before any further
``:::`` stays text: each is read again as text, so hostile nesting of such containers
would read the lines inside them once per level, twice over."""

UNDONE_READ_PER_CHARACTER = 2
UNDONE_READ_FREE = 100_000
"""How much undone containers may read in one parse, in characters: twice the file
and 100,000 more.  Each undone container read to its ``:::``, and a file of thousands of
``::: tip`` lines all closed by one ``:::`` after a heading read the rest of the file
once per opening (64 times: 20 s at 5,000 openings).  Real notes undo a few containers,
each of a few lines, or one that runs across the file at most."""

_UNDONE = "containers_undone"
"""markdown-it ``env`` key: how many containers were read and then undone."""
_UNDONE_READ = "containers_undone_read"
"""markdown-it ``env`` key: how many characters the undone containers spanned."""


def _budget(state: StateBlock) -> bool:
    """Whether another container may be read (see ``MAX_UNDONE`` and ``UNDONE_READ_*``)."""
    env = state.env
    if not isinstance(env, dict):
        return True
    allowed = UNDONE_READ_PER_CHARACTER * len(state.src) + UNDONE_READ_FREE
    undone: int = env.get(_UNDONE, 0)
    read: int = env.get(_UNDONE_READ, 0)
    return undone < MAX_UNDONE and read < allowed


def _recorded(env: Any) -> list[int]:
    found = env.setdefault(UNCLOSED, []) if isinstance(env, dict) else []
    assert isinstance(found, list)
    return found


def _closer_after(state: StateBlock, start: int, end: int) -> bool:
    """Whether a line after ``start`` (before ``end``) is a bare run of at least as many
    ``:`` as the opening's, which the container plugin would take for its closing.

    The lines that are such runs are found once per parse (kept in the state's env), so
    a file of ``::: tip`` lines never closed costs one pass, not one per line."""
    opening = state.src[state.bMarks[start] + state.tShift[start]:state.eMarks[start]]
    needed = len(opening) - len(opening.lstrip(":"))
    closers = _closers(state)
    for line, length in closers[bisect.bisect_right(closers, (start, 1 << 30)):]:
        if line >= end:
            return False
        if length >= needed:
            return True
    return False


def _closers(state: StateBlock) -> list[tuple[int, int]]:
    """The lines that are bare runs of ``:``, with their lengths (``picked_lines``)."""
    return picked_lines(state, _CLOSERS, _closer_length)


def _closer_length(state: StateBlock, line: int) -> int | None:
    text = line_text(state, line).rstrip()
    return len(text) if len(text) >= 3 and not text.strip(":") else None


_CLOSERS = "container_closer_lines"
"""markdown-it ``env`` key: (the source, its lines that are bare runs of ``:``)."""


def _container_stays(state: StateBlock, first: int, end: int) -> bool:
    """Whether the container just read (its tokens from ``first``) was closed by its own
    ``:::`` and holds no heading (but its title's, ``fenceddivs.heading_is_title``)."""
    tokens = state.tokens[first:]
    opening = tokens[0]
    if not opening.map:
        return False
    text = tokens[2].content if len(tokens) > 2 else ""
    body = 4 if len(tokens) > 1 and is_title_heading(
        opening.info, opening.map[0], tokens[1], text) else 1
    if any(t.type == "heading_open" for t in tokens[body:]):
        return False
    last = opening.map[1]
    if last >= end:
        return False  # ran to the end of what holds it
    text = state.src[state.bMarks[last] + state.tShift[last]:state.eMarks[last]].strip()
    return bool(text) and set(text) == {":"} and len(text) >= len(opening.markup)


def is_title_heading(info: str, line: int, token: Token, text: str) -> bool:
    """Whether ``token`` opens the heading (its words ``text``) that titles the braced box
    at ``line`` (its ``:::`` words ``info``); ``builder.parse.callouts`` makes it the box's
    title."""
    return token.type == "heading_open" and token.map is not None and heading_is_title(
        info, line, token.map[0], token.tag, text)


def unclosed_diagnostics(env: dict[str, Any], path: str, lines: list[str]
                         ) -> list[Diagnostic]:
    """A warning for each ``:::`` opening kept as text (``UNCLOSED`` in markdown-it's env)."""
    found = []
    for line in sorted(set(env.get(UNCLOSED, ()))):
        written = lines[line] if line < len(lines) else ""
        found.append(Diagnostic(
            SourceLoc(path, line + 1, len(written) - len(written.lstrip()) + 1), "warning",
            f"container `{written.strip()}` is not closed by a `:::` line before the next "
            "heading (or the end of its quote or list): its lines are kept as text",
            "container-unclosed"))
    return found
