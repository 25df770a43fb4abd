"""Lines of the whole source picked out once per parse, for block rules that look ahead
for their closing line (``:::``, ``{% endnote %}``).

A rule that searched ahead from each opening line made a file of thousands of unclosed
openings cost one pass per opening.  Listed once and kept in markdown-it's ``env`` beside
the source they came from, the lines cost one pass.  Every line of the source is listed,
not only the block being parsed: a rule first met inside a nested block (an admonition's
body, whose state ends at the body's last line) must still see the lines after it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from markdown_it.rules_block import StateBlock

T = TypeVar("T")


def picked_lines(state: StateBlock, key: str, pick: Callable[[StateBlock, int], T | None]
                 ) -> list[tuple[int, T]]:
    """Each line of the source for which ``pick`` gives a value, with that value, in line
    order; found once per parse (kept in the env under ``key``)."""
    env = state.env if isinstance(state.env, dict) else {}
    known = env.get(key)
    if known is not None and known[0] is state.src:
        found: list[tuple[int, T]] = known[1]
        return found
    found = []
    for line in range(len(state.bMarks) - 1):  # bMarks ends with one mark past the end
        value = pick(state, line)
        if value is not None:
            found.append((line, value))
    env[key] = (state.src, found)
    return found
