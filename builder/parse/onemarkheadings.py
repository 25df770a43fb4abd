"""``#1.数据预处理``: one ``#``, no space, a number: a numbered heading of the file's top
level when its numbering goes on in the file's own headings.

``builder.parse.spacelessheadings`` reads ``##text`` (two to six marks) as a heading and
leaves one mark alone: ``#机器学习`` and ``#TensorFlow`` are tags far more often.  A tag
does not open with a number and a dot, though (Obsidian's tags cannot be numbers, and
``#1.`` is no issue number, which a space or the line's end follows).  Such a line,
``#1.数据预处理`` over ``## 1.1 归一化`` or beside ``# 2.特征选择``, is the author's
level-1 heading written without its space (Nowcoder and CSDN copies): it is read as one,
noted as ``heading-space`` notes every such heading.  Without a heading numbered on from
it (the number right before or after its own, or ``N.1`` under it) the line stays text,
and a note says so at its line (``spacelessheadings``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from builder.parse.phrases import numbering
from builder.parse.spacelessheadings import LEFT_META, SPACELESS_META

if TYPE_CHECKING:
    from collections.abc import Sequence

    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

_NUMBERED = re.compile(r"#(\d{1,3})[.、．](?=\S)")
"""One mark, a number of up to three digits, a dot or 、, then the heading's words."""


def one_mark_headings_plugin(md: MarkdownIt) -> None:
    """Read ``#1.words`` as a level-1 heading where the file's headings number on from it."""
    md.core.ruler.after("block", "one_mark_numbered", _one_mark_numbered)


def _one_mark_numbered(state: StateCore) -> None:
    tokens = state.tokens
    found = [index for index, token in enumerate(tokens)
             if token.type == "inline" and token.level == 1 and index > 0
             and tokens[index - 1].type == "paragraph_open"
             and _NUMBERED.match(token.content) is not None]
    if not found:
        return
    numbers = {int(_NUMBERED.match(tokens[i].content).group(1)) for i in found}  # type: ignore[union-attr]
    going_on = _numbered_on(tokens, numbers)
    for index in found:
        opening, inline = tokens[index - 1], tokens[index]
        number = int(_NUMBERED.match(inline.content).group(1))  # type: ignore[union-attr]
        if number not in going_on or "\n" in inline.content.strip():
            opening.meta[LEFT_META] = True
            continue
        closing = tokens[index + 1]
        opening.type, opening.tag, opening.markup = "heading_open", "h1", "#"
        closing.type, closing.tag, closing.markup = "heading_close", "h1", "#"
        opening.meta[SPACELESS_META] = True
        inline.content = inline.content[1:].strip()


def _numbered_on(tokens: Sequence[Token], numbers: set[int]) -> set[int]:
    """Of ``numbers``, those the file's headings number on from: a level-2 heading under
    it (``## 1.1 …`` under ``#1.…``), or a level-1 heading numbered right before or after
    it (``# 3.特征提取`` beside ``#2.…``), directly or through other such lines (``#1.``
    beside ``#2.`` beside ``# 3.``).  One numbered heading does not make every ``#N.``
    line one: ``#7.…`` beside ``# 1. 概述`` numbers nothing on."""
    reached: set[int] = set()
    for index, token in enumerate(tokens[:-1]):
        if token.type != "heading_open" or token.tag not in ("h1", "h2"):
            continue
        number = numbering(tokens[index + 1].content)
        # "# 3.…" numbers on from its neighbours; "## 1.1 …" from its own "#1.…".
        level = 1 if token.tag == "h1" else 2
        if len(number) == level and (level == 1 or number[0] in numbers):
            reached.add(number[0])
    waiting = sorted(numbers - reached)
    while True:
        next_to = [n for n in waiting if n - 1 in reached or n + 1 in reached]
        if not next_to:
            return numbers & reached
        reached.update(next_to)
        waiting = [n for n in waiting if n not in reached]
