"""Front matter that runs on: its closing ``---`` forgotten, a later rule closes it.

The front matter plugin ends front matter at the first ``---`` line, wherever it is:
when the author forgot to close it, a thematic break further down the notes does, and
every heading in between becomes YAML.  When a line of the front matter that follows a
blank line reads as a Markdown heading, and a heading of level 2 or more follows (a
``# …`` line alone is a YAML comment), the front matter is taken to end before it and
the rest is parsed again as notes; the token records the cut in its ``meta`` so the
parser can report it at line 1.
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it.token import Token

from builder.parse.fences import Parse, first_lines, shift
from builder.parse.source import source_lines

CUT = "cut"
"""``meta`` key of a front matter token cut short: a :class:`FrontMatterCut`."""

@dataclass(frozen=True, slots=True)
class FrontMatterCut:
    """Where front matter that ran on was taken to end, and what it had swallowed."""

    end_line: int
    """1-based last line of the front matter as now parsed (its YAML)."""
    closed_at: int
    """1-based line of the ``---`` that had closed it."""
    headings: tuple[tuple[int, str], ...]
    """1-based line and text of the first few headings it had swallowed."""


def repair_front_matter(text: str, tokens: list[Token], parse: Parse, blocks: Parse
                        ) -> list[Token]:
    """Cut front matter that swallowed headings (see the module docstring)."""
    if not tokens or tokens[0].type != "front_matter" or not tokens[0].map:
        return tokens
    front = tokens[0]
    assert front.map is not None
    lines = front.content.split("\n")
    if not any(_may_open_heading(line) and not lines[row - 1].strip()
               for row, line in enumerate(lines) if row > 0):
        # Nothing to cut at: the Markdown parse is skipped (1 MB of YAML took 2 s).
        return tokens
    inside = blocks(front.content, {})
    headings = [(t.map[0], int(t.tag[1:]), inside[i + 1].content.strip())
                for i, t in enumerate(inside)
                if t.type == "heading_open" and t.level == 0 and t.map
                and t.markup.startswith("#")]
    cut = next((row for row, _level, _text in headings
                if row > 0 and not lines[row - 1].strip()), None)
    if cut is None or not any(level >= 2 for row, level, _text in headings if row >= cut):
        return tokens
    start = cut + 1  # 0-based source line of the heading: line 0 is the opening `---`
    closed_at = front.map[1]
    front.content = first_lines(front.content, cut)
    front.map = [0, start]
    front.meta[CUT] = FrontMatterCut(
        start, closed_at,
        tuple((row + 2, "#" * level + " " + name) for row, level, name in headings
              if row >= cut)[:6])
    rest = parse("\n".join(source_lines(text)[start:]), {})
    shift(rest, start)
    return [front, *rest]


def _may_open_heading(line: str) -> bool:
    """Whether a line of the front matter can be an ATX heading at the top level: ``#``
    after at most three spaces (a line the parse then reads as a heading is one of these)."""
    text = line.lstrip(" ")
    return text.startswith("#") and len(line) - len(text) < 4
