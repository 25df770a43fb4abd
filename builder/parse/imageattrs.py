"""Attribute lists written after a picture: ``![](mlp.png){width=600}`` (Pandoc, Quarto,
R Markdown), ``![](x.png){#fig-mlp width="50%"}``, ``![](x.png){: .center}`` (kramdown,
Jekyll).  Their sites size or style the picture and show no text of them; read as
CommonMark, the braces were text on the card right after the picture.

The list is taken out of the text that follows a picture (after the inline rules, from
that text token alone, never from raw Markdown) when it is all attributes: classes
(``.center``), an id (``#fig-x``) and ``key=value`` pairs.  Other braces after a picture
(``{see below}``, a formula's ``{x}``) stay text.
"""

from __future__ import annotations

import re
from itertools import pairwise

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from builder.parse.fenceddivs import ATTRIBUTE

ATTRIBUTES = re.compile(rf"\{{:?[ \t]*{ATTRIBUTE}(?:[ \t]+{ATTRIBUTE})*[ \t]*\}}")
"""An attribute list: ``{width=600}``, ``{#fig-x .wide width="50%"}``, ``{: .center}``."""


def image_attrs_plugin(md: MarkdownIt) -> None:
    """Take the attribute lists after pictures out of the text (after the inline rules)."""
    md.core.ruler.after("inline", "image_attributes", _take_out)


def _take_out(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "inline" and token.children and "){" in token.content:
            _cut(token.children)


def _cut(children: list[Token]) -> None:
    for before, after in pairwise(children):
        if before.type != "image" or after.type != "text":
            continue
        found = ATTRIBUTES.match(after.content)
        if found is not None:
            after.content = after.content[found.end():]
