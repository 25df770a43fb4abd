"""Link reference definitions whose address is a Liquid expression (Jekyll):
``[AI]:{{"/AIdevelop.png" | prepend: site.imgrepo }}``.

The site generator fills the expression in before any Markdown is read; CommonMark sees a
destination followed by words that are no title, so the line is no definition but the
start of a paragraph, and a definition cannot interrupt a paragraph: every definition
after it became text of that paragraph, and every link and picture citing them (``[x][y]``,
``![AI][AI]``) stayed raw brackets in the cards.

Read here as the definition it is, with the expression as its address: the definitions
after it are definitions again, and a picture or link citing it is reported where it is
used as any address the card cannot reach (``image-missing``, ``link-removed``).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.rules_block import StateBlock

_DEFINITION = re.compile(r"\[([^\[\]\n]{1,999})\]:[ \t]*(\{\{[^{}\n]{1,2000}\}\})[ \t]*")
"""A label, its colon, and one Liquid output tag for the rest of the line."""


def liquid_references_plugin(md: MarkdownIt) -> None:
    """Read ``[label]: {{ … }}`` as a link reference definition."""
    md.block.ruler.before("reference", "liquid_reference", _liquid_reference)


def _liquid_reference(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.is_code_block(start):
        return False
    begin = state.bMarks[start] + state.tShift[start]
    if not state.src.startswith("[", begin):
        return False
    found = _DEFINITION.fullmatch(state.src, begin, state.eMarks[start])
    if found is None:
        return False
    label = normalizeReference(found.group(1))
    if not label:
        return False
    if silent:
        return True
    references = state.env.setdefault("references", {})
    # The first definition of a label wins, as CommonMark's own.
    references.setdefault(label, {"title": "", "href": state.md.normalizeLink(found.group(2)),
                                  "map": [start, start + 1]})
    state.line = start + 1
    return True
