"""Where a ``:::`` container or a ``!!!`` admonition may stand, so that a stray one never
swallows the questions after it.

markdown-it-container (mdit-py-plugins' ``container``) runs a container left open to
the end of its parent: one ``::: tip`` without its ``:::`` would take the rest of the
file, every question heading after it, into one block.  A container may not hold a
heading either: a question inside it would be no question.  So a container is read only
when it is closed before any heading; otherwise its opening line stays text of the
paragraph it starts, as it does for a reader of the plain file, and the line is
recorded (``UNCLOSED``) for a warning.  An admonition (``!!! note``) whose body is empty
(no indented line follows it: ``!!! 重要 !!!`` in prose) also stays text.

Both plugins are registered by ``builder.parse.markdown`` (mdit-py-plugins lives there);
``guard_blocks`` wraps their rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from builder.model import Diagnostic, SourceLoc

CONTAINER_NAME = "block"
"""The name the container plugin is registered under: its tokens are ``container_block_*``."""
CONTAINER_RULE = f"container_{CONTAINER_NAME}"
ADMONITION_RULE = "admonition"
UNCLOSED = "unclosed_containers"
"""markdown-it ``env`` key: the 0-based lines of ``:::`` openings kept as text."""

BlockRule = Callable[[StateBlock, int, int, bool], bool]


def container_type_given(params: str, _markup: str = "") -> bool:
    """Whether a ``:::`` line names a container (``::: tip``, ``:::details 答案``): a bare
    ``:::`` only closes one."""
    name = params.strip().split(" ", 1)[0]
    return bool(name) and name[0].isalpha()


def guard_blocks(md: MarkdownIt) -> None:
    """Wrap the container and admonition rules (already registered) as the module says."""
    _wrap(md, CONTAINER_RULE, _container_stays)
    _wrap(md, ADMONITION_RULE, _admonition_stays)


def _wrap(md: MarkdownIt, name: str, stays: Callable[[StateBlock, int, int], bool]) -> None:
    ruler = md.block.ruler
    rule = next(r for r in ruler.__rules__ if r.name == name)
    original: BlockRule = rule.fn

    def guarded(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if not original(state, start, end, True):
            return False
        # Read it for real, then undo it unless it may stand: a paragraph it would
        # interrupt (``silent``) is only interrupted by one that stands.
        count, line, env_lines = len(state.tokens), state.line, _recorded(state.env)
        recorded = len(env_lines)
        if not original(state, start, end, False):
            return False
        if stays(state, count, end):
            if silent:
                del state.tokens[count:]
                state.line = line
            return True
        del state.tokens[count:]
        del env_lines[recorded:]  # those of containers inside it, read again as text
        state.line = line
        if name == CONTAINER_RULE and not silent:
            env_lines.append(start)
        return False

    ruler.at(name, guarded, {"alt": list(rule.alt)})


def _recorded(env: Any) -> list[int]:
    found = env.setdefault(UNCLOSED, []) if isinstance(env, dict) else []
    assert isinstance(found, list)
    return found


def _container_stays(state: StateBlock, first: int, end: int) -> bool:
    """Whether the container just read (its tokens from ``first``) was closed by its own
    ``:::`` and holds no heading."""
    tokens = state.tokens[first:]
    opening = tokens[0]
    if any(t.type == "heading_open" for t in tokens) or not opening.map:
        return False
    last = opening.map[1]
    if last >= end:
        return False  # ran to the end of what holds it
    text = state.src[state.bMarks[last] + state.tShift[last]:state.eMarks[last]].strip()
    return bool(text) and set(text) == {":"} and len(text) >= len(opening.markup)


def _admonition_stays(state: StateBlock, first: int, _end: int) -> bool:
    """Whether the admonition just read has a body (an indented line under it)."""
    opening = state.tokens[first]
    body = [t for t in state.tokens[first + 1:]
            if t.level == opening.level + 1 and not t.type.startswith("admonition_title")]
    return bool(body)


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
