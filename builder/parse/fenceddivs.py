"""Pandoc fenced divs and MyST colon directives: ``:::`` boxes whose head is in braces.

Quarto, Pandoc, Zettlr and R Markdown notes write a box as a Pandoc fenced div,
``::: {.callout-note collapse="true" title="Answer"}`` … ``:::`` (``{#fig-x}`` a figure,
``{.column-margin}`` a layout block); Jupyter Book / MyST writes ``:::{note}`` or
``:::{admonition} Title``.  markdown-it-container takes the words after ``:::`` as the
container's name, so it would refuse the brace: the box's ``:::`` lines stayed text on
the card, with the answer inside read as loose paragraphs.  Here a braced head is read as
the box it is: its type (``callout-tip`` is a ``tip``; another class names the box; a
``#fig-`` id is a figure), whether it folds (Quarto's ``collapse``), and its title.

The head is one line the container plugin has already isolated, so a regex over it is
reading that line's attribute syntax, not Markdown structure.
"""

from __future__ import annotations

import re

from builder.parse.phrases import asks_outright

_BRACED = re.compile(r"\{([^{}]*)\}(.*)$")
"""A head in braces and what follows it (MyST's title: ``{admonition} Title``)."""
_DIRECTIVE = re.compile(r"[\w-]+")
"""A MyST directive's name, all the braces hold: ``{note}``, ``{grid-item}``."""
_ATTR = re.compile(r"""([.#]?[\w:-]+)(?:=("[^"]*"|'[^']*'|\S+))?""")
"""One Pandoc attribute: ``.class``, ``#id``, ``key=value`` (value quoted or not)."""
_VALUE = r"""(?:"[^"\n]*"|'[^'\n]*'|[^\s"'{}]+)"""
ATTRIBUTE = rf"(?:[.#][\w:-]+|[\w:-]+={_VALUE})"
"""One Pandoc attribute as a pattern (a quoted value stops at a line break), for braced
heads and for a picture's attribute list (``builder.parse.imageattrs``)."""
_ATTRS = re.compile(rf"{ATTRIBUTE}(?:\s+{ATTRIBUTE})*")
"""All the braces hold, as Pandoc attributes (``{this is prose}`` is none)."""
_CALLOUT = "callout-"
_FIGURE_ID = ("fig-", "tbl-")
_FOLDS = {"true": "-", "false": "+"}
"""Quarto's ``collapse``: ``true`` folded, ``false`` foldable and open."""
TITLED_KINDS = frozenset({
    "admonition", "note", "tip", "hint", "important", "warning", "caution", "attention",
    "danger", "error", "seealso", "todo", "dropdown", "exercise", "solution", "figure",
    "card", "tab-item", "sidebar", "topic", "margin",
})
"""Boxes whose argument is their title and that show their type when none is written:
MyST's admonitions and titled directives, Quarto's figures; a layout block
(``{.columns}``, ``{grid} 2``, ``{grid-item}``) shows no title."""


def is_braced(params: str) -> bool:
    """Whether a ``:::`` line's words are a braced head (``{.callout-note}``, ``{note}``)
    that names a box; ``{}`` names none."""
    return braced_head(params) is not None


def _names_a_box(inside: str) -> bool:
    return bool(_DIRECTIVE.fullmatch(inside) or _ATTRS.fullmatch(inside))


def heading_is_title(info: str, box_line: int, heading_line: int, heading_tag: str,
                     heading_text: str) -> bool:
    """Whether a heading that opens a braced box's body (on the line after its ``:::``)
    is the box's title: Quarto titles a callout so (``::: {.callout-tip}`` then
    ``## Answer``) when no ``title=`` is written.  Only a callout: another box (a column,
    ``{#sec-intro}``, MyST's ``{note}``) holding a heading is not a box, and its heading
    is a section's.  Never a heading that asks ("## What is …?": a question, which a
    callout of exercises folds) or a ``#`` one (it would end every section above it)."""
    head = braced_head(info)
    return (head is not None and not head[3] and heading_line == box_line + 1
            and heading_tag != "h1" and _CALLOUT + head[0] in _classes(info)
            and not asks_outright(heading_text))


def _classes(info: str) -> list[str]:
    match = _BRACED.match(info.strip())
    inside = match.group(1) if match else ""
    return [a.group(1)[1:].lower() for a in _ATTR.finditer(inside)
            if a.group(1).startswith(".") and a.group(2) is None]


def braced_head(info: str) -> tuple[str, str, str, bool] | None:
    """The box a braced head makes: its type, fold sign, title and whether the title is
    written; None for a head that is not braced."""
    match = _BRACED.match(info.strip())
    if not match or not _names_a_box(match.group(1).strip()):
        return None
    inside = match.group(1).strip()
    after = match.group(2).strip().rstrip(":").strip()  # ``{.callout-warning} :::``
    if _DIRECTIVE.fullmatch(inside):
        kind = inside.lower()  # MyST: {note}, {admonition} Title
        if kind not in TITLED_KINDS:
            return kind, "", "", False  # ``{grid} 2``: the argument sets the layout
        return kind, "", after or kind.capitalize(), bool(after)
    classes: list[str] = []
    ident = ""
    values: dict[str, str] = {}
    for attr in _ATTR.finditer(inside):
        name, value = attr.group(1), attr.group(2)
        if value is not None:
            values[name.lower()] = value.strip("\"'")
        elif name.startswith("."):
            classes.append(name[1:].lower())
        elif name.startswith("#"):
            ident = name[1:].lower()
    kind = _kind(classes, ident)
    title = values.get("title", "").strip() or after
    fold = _FOLDS.get(values.get("collapse", "").lower(), "")
    # An id alone (``{#refs}``, where Pandoc puts the bibliography; ``{#sec-x}``) is an
    # anchor, not a note: no "Note" title over what is often nothing.
    shows_type = (kind in TITLED_KINDS and bool(classes or kind != "note")) \
        or any(c.startswith(_CALLOUT) for c in classes)
    return kind, fold, title or (kind.capitalize() if shows_type else ""), bool(title)


def _kind(classes: list[str], ident: str) -> str:
    for name in classes:
        if name.startswith(_CALLOUT) and len(name) > len(_CALLOUT):
            return name[len(_CALLOUT):]
    if classes:
        return classes[0]
    # Only an id or attributes (Quarto's ``::: {#refs}`` bibliography) name no type: a
    # box drawn plain, with no "Note" invented over it.
    return "figure" if ident.startswith(_FIGURE_ID) else ""
