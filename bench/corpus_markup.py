"""What a site generator or editor shows of its block syntax, for the measure's own reading
of a notes file (bench/corpus_source.py): a Hexo or Jekyll tag line shows nothing, a MkDocs
tab or admonition head its title, an Obsidian callout or GitHub alert marker its title (or
type), a ``:::`` line its title, a picture's attribute list nothing.  Like
corpus_source, it uses no builder code: a block is not "lost" for markup no reader saw.
"""

from __future__ import annotations

import re

_ATTR_VALUE = r"""(?:"[^"\n]*"|'[^'\n]*'|[^\s"'{}]+)"""
_ATTR = rf"(?:[.#][\w:-]+|[\w:-]+={_ATTR_VALUE})"
PICTURE_ATTRIBUTES = re.compile(rf"\{{:?[ \t]*{_ATTR}(?:[ \t]+{_ATTR})*[ \t]*\}}")
"""An attribute list after a picture (Pandoc ``{width=600}``, kramdown ``{: .center}``):
it sizes or styles the picture; its site shows no text of it."""


LIQUID_TAG = re.compile(r"\{%-?\s*\w[^%]*-?%\}")
BOX_HEAD = re.compile(r'===[!+]?[ \t]+"([^"]*)"'
                      r'|(?:!!!|\?\?\?\+?)[ \t]*[\w-]+(?:[ \t]+"([^"]*)")?'
                      r'|\[!([^\W\d_][\w-]*)\][+-]?(?:[ \t]+(.*))?')


FENCED_DIV = re.compile(r':{3,}[ \t]*(?:\{([^{}]*)\}(.*)|[\w-]*(.*))')
"""A ``:::`` line: a VuePress container's head (``::: tip Title``), a Pandoc/Quarto fenced
div's (``::: {.callout-note title="Answer"}``), a MyST directive's (``:::{admonition} T``)
or a closing ``:::``."""
_DIV_TITLE = re.compile(r'title=(?:"([^"]*)"|\'([^\']*)\'|(\S+))')


def _fenced_div_shown(line: str) -> str | None:
    """What a ``:::`` line shows: its title, if it writes one (the box's type name the
    builder may add is no text of the notes); None for a line that is no such head."""
    head = FENCED_DIV.fullmatch(line)
    if not head:
        return None
    if head[1] is None:
        return (head[3] or "").strip()
    title = _DIV_TITLE.search(head[1])
    return next((t for t in title.groups() if t), "") if title else head[2].strip(" \t:")


def site_markup_shown(text: str) -> str:
    """What a site generator shows of a line of its block syntax: nothing of a Hexo or
    Jekyll tag alone on its line (``{% note info %}``), the title of a MkDocs tab or
    admonition head (``=== "C++"``, ``???+ note "引理"``), of an Obsidian callout or GitHub
    alert's marker its title, else its type (``[!success]- Code Output``, ``[!NOTE]``), of
    a ``:::`` line its title (``_fenced_div_shown``); other text as it is."""
    line = text.strip()
    if LIQUID_TAG.fullmatch(line):
        return ""
    div = _fenced_div_shown(line)
    if div is not None:
        return div
    head = BOX_HEAD.fullmatch(line)
    return (head[1] or head[2] or head[4] or head[3] or "") if head else text
