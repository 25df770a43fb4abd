"""Callouts: GitHub alerts, Obsidian callouts, ``:::`` containers and ``!!!`` admonitions,
read as one block kind.

Four editors draw a titled, coloured box around some blocks, each with its own syntax:

* GitHub alerts and Obsidian callouts are block quotes whose first line is a marker,
  ``> [!NOTE]`` or ``> [!faq]- Folded title`` (any type, any letter case; ``+``/``-``
  make it foldable, open or folded);
* VuePress/VitePress (markdown-it-container) write ``::: tip Title`` … ``:::``,
  ``::: details 点击查看答案`` folded (``builder.parse.containers`` reads them);
* MkDocs (Python-Markdown) writes ``!!! note "Title"`` and a foldable ``??? question
  "…"`` (``???+`` open) above an indented body (mdit-py-plugins' ``admon``).
* Obsidian's Admonition plugin writes a code block, ```` ```ad-question ````, whose first
  lines may set ``title:``, ``collapse:`` (``closed``/``open``), ``icon:`` and ``color:``;
  the rest is Markdown, parsed here as the box's body.

markdown-it (with mdit-py-plugins' container and admonition plugins) reads the blocks;
the core rule here, run before inline parsing, turns each of the four token shapes
into one: ``callout_open`` (``meta``: ``CALLOUT_META``), an optional
``callout_title_open`` / ``inline`` / ``callout_title_close``, the body's blocks, then
``callout_close``.  ``builder.parse.markdown`` makes a ``callout`` node of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from builder.parse.calloutgroups import callout_asks, unwrap_groups
from builder.parse.containers import is_title_heading
from builder.parse.fenceddivs import braced_head
from builder.parse.htmldetails import MARKER as DETAILS
from builder.parse.htmldetails import OPEN_MARKER as DETAILS_OPEN

CALLOUT = "callout"
"""A callout node's kind (``builder.model.Node``)."""
CALLOUT_TITLE = "callout_title"
"""A callout's title node's kind: its children are inline nodes."""
CALLOUT_META = "callout"
"""``meta`` key of a ``callout_open`` token: {"type", "fold", "syntax"} (see
``callout_attrs``) and "titled" (whether its title is written, not its type's name)."""

_MARKER = re.compile(r"\[!([^\W\d_][\w-]*)\]([+-]?)(?:[ \t]+(.*))?$")
"""The first line of an alert or callout, as markdown-it gives a quote's first paragraph
(``>`` and indentation already taken off): ``[!type]``, a fold sign, a title."""

_AD_FENCE = re.compile(r"ad-([^\W\d_][\w-]*)$")
"""The info string of an Obsidian Admonition code block: ``ad-note``, ``ad-question``."""
_AD_SETTING = re.compile(r"(title|collapse|icon|color):(.*)$", re.IGNORECASE)
"""A setting line at the top of an Admonition code block (the plugin reads these four)."""
AD_DEPTH = 8
"""Admonition code blocks nested deeper than this are shown as code, not parsed again."""

_FOLD = {"???": "-", "???+": "+", "!!!": "", DETAILS: "-", DETAILS_OPEN: "+"}
"""An admonition's marker → its fold sign (``???`` folded, ``???+`` foldable and open; an
HTML ``<details>`` folded unless written ``<details open>``)."""
_HTML_MARKERS = frozenset({DETAILS, DETAILS_OPEN})
"""Markers of the boxes ``builder.parse.htmldetails`` reads: of syntax ``html``."""

FOLDED_TYPES = frozenset({"details"})
"""Container types a VuePress/VitePress site draws folded."""

_FAMILIES = {
    "note": ("note", "info", "todo", "abstract", "summary", "tldr", "seealso"),
    "tip": ("tip", "hint", "success", "check", "done"),
    "important": ("important", "example"),
    "warning": ("warning", "attention"),
    "caution": ("caution", "danger", "error", "bug", "failure", "fail", "missing"),
    "question": ("question", "faq", "help"),
    "quote": ("quote", "cite", "details"),
}
_FAMILY_OF = {kind: family for family, kinds in _FAMILIES.items() for kind in kinds}


def callout_family(kind: str) -> str:
    """The colour family a callout type is drawn in (GitHub's five, a question's, a
    quote's); a type no editor names is a note."""
    return _FAMILY_OF.get(kind, "note")


def callouts_plugin(md: MarkdownIt) -> None:
    """Register the core rule that turns alerts, containers and admonitions into callouts."""
    md.core.ruler.after("block", "callouts", _callouts)


def callout_attrs(meta: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """A callout node's attributes, from its opening token's ``CALLOUT_META``: ``type``
    (lower case, as written: ``note``, ``faq``, ``details``), ``fold`` (``""`` not
    foldable, ``"-"`` folded, ``"+"`` foldable and open) and ``syntax`` (``alert``,
    ``container``, ``admonition``, ``obsidian-ad`` or ``html`` for ``<details>``)."""
    return (("type", meta.get("type", "")), ("fold", meta.get("fold", "")),
            ("syntax", meta.get("syntax", "")))


def asks(node: SyntaxTreeNode) -> bool:
    """Whether a block is a callout that asks a question: of a question type (``faq``…),
    with a title written; or an HTML ``<details>`` whose summary asks outright (a
    question and its folded answer: "What is …?", not "Show code" or "Answer")."""
    if node.type != CALLOUT:
        return False
    if not (node.children and node.children[0].type == CALLOUT_TITLE):
        return False
    title = node.children[0].children
    return callout_asks(node.meta.get(CALLOUT_META, {}), title[0].content if title else None)


def count_asking(nodes: Iterable[SyntaxTreeNode]) -> int:
    """How many of the top-level blocks ``nodes`` are callouts that ask."""
    return sum(asks(node) for node in nodes)


def _callouts(state: StateCore) -> None:
    if any(_ad_type(t) for t in state.tokens):
        state.tokens = _ad_fences(state, state.tokens, 0)
    tokens = state.tokens
    if not any(t.type != "blockquote_open" or _marker(tokens, i) for i, t in enumerate(tokens)
               if t.type in ("blockquote_open", "container_block_open", "admonition_open")):
        return
    out: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "blockquote_open" and _marker(tokens, index):
            index = _alert(tokens, index, out)
            continue
        if kind == "container_block_open":
            if token.map:  # its closing ``:::`` (``builder.parse.containers``) is its own
                token.map = [token.map[0], token.map[1] + 1]
            kind, fold, title, titled = _container_head(token.info)
            if _heading_titles(tokens, index):  # Quarto: ``## Answer`` as the box's title
                title, titled = tokens[index + 2].content, True
                index += 3  # the heading's tokens: its title now, not in its body
            out.extend(_opened(token, kind, fold, title, "container"))
            token.meta[CALLOUT_META]["titled"] = titled
        elif kind == "admonition_open":
            tag = str(token.meta.get("tag", ""))
            _callout_open(token, tag, _FOLD.get(token.markup, ""),
                          "html" if token.markup in _HTML_MARKERS else "admonition")
            token.meta[CALLOUT_META]["titled"] = '"' in token.info or " " in token.info.strip()
            out.append(token)
        elif kind in ("admonition_title_open", "admonition_title_close"):
            token.type = kind.replace("admonition", CALLOUT)
            token.attrs = {}
            out.append(token)
        elif kind in ("container_block_close", "admonition_close"):
            token.type = "callout_close"
            out.append(token)
        else:
            out.append(token)
        index += 1
    state.tokens = unwrap_groups(out)


def _ad_type(token: Token) -> str | None:
    """The type of an Obsidian Admonition code block (```` ```ad-question ````), if it is one."""
    if token.type != "fence":
        return None
    match = _AD_FENCE.match(token.info.strip())
    return match.group(1).lower() if match else None


def _ad_fences(state: StateCore, tokens: list[Token], depth: int) -> list[Token]:
    """``tokens`` with each Admonition code block parsed as the callout it draws: its
    ``title:``/``collapse:``/``icon:``/``color:`` lines, then a body of Markdown."""
    out: list[Token] = []
    for token in tokens:
        kind = _ad_type(token)
        if kind is None or depth >= AD_DEPTH:  # deeper: shown as the code it is written as
            out.append(token)
            continue
        lines = token.content.split("\n")
        settings: dict[str, str] = {}
        setting_lines = 0  # not len(settings): a setting written twice is two lines
        while lines and (found := _AD_SETTING.match(lines[0])):
            settings[found.group(1).lower()] = found.group(2).strip()
            lines.pop(0)
            setting_lines += 1
        start = (token.map[0] if token.map else 0) + 1 + setting_lines
        body: list[Token] = []
        state.md.block.parse("\n".join(lines), state.md, state.env, body)
        for inner in body:
            inner.level += token.level + 1
            if inner.map:
                inner.map = [inner.map[0] + start, inner.map[1] + start]
        title = settings.get("title", "")
        fold = {"closed": "-", "open": "+"}.get(settings.get("collapse", "").lower(), "")
        opening = Token("callout_open", "div", 1, map=token.map, level=token.level,
                        block=True)
        out.extend(_opened(opening, kind, fold, title or kind.capitalize(), "obsidian-ad"))
        opening.meta[CALLOUT_META]["titled"] = bool(title)
        out.extend(_ad_fences(state, body, depth + 1))
        out.append(Token("callout_close", "div", -1, level=token.level, block=True))
    return out


def _marker(tokens: list[Token], index: int) -> re.Match[str] | None:
    """The alert marker opening the block quote at ``index``, if it has one."""
    if index + 2 >= len(tokens) or tokens[index + 1].type != "paragraph_open":
        return None
    inline = tokens[index + 2]
    if inline.type != "inline":
        return None
    return _MARKER.match(inline.content.split("\n", 1)[0])


def _alert(tokens: list[Token], index: int, out: list[Token]) -> int:
    """Turn the alert quote at ``index`` into a callout; return the index after its first
    paragraph (the rest of the quote is copied as it comes)."""
    match = _marker(tokens, index)
    assert match is not None
    quote, opening, inline, closing = tokens[index:index + 4]
    kind, fold, title = match.group(1).lower(), match.group(2), (match.group(3) or "").strip()
    depth = 1
    # By index, not over a slice: a copy of the tokens after each of 10,000 alerts is
    # quadratic work (a 1 MB file of them took 30 s).
    for at in range(index + 1, len(tokens)):  # its closing token, at any depth of nesting
        later = tokens[at]
        depth += later.nesting if later.type.startswith("blockquote_") else 0
        if depth == 0:
            later.type, later.tag = "callout_close", "div"
            break
    line = quote.map[0] if quote.map else (inline.map[0] if inline.map else 0)
    out.extend(_opened(quote, kind, fold, title or kind.capitalize(), "alert", line))
    quote.meta[CALLOUT_META]["titled"] = bool(title)
    rest = inline.content.split("\n", 1)
    if len(rest) == 2 and rest[1].strip():  # the body's first lines share the marker's paragraph
        inline.content = rest[1]
        if inline.map:
            inline.map = [inline.map[0] + 1, inline.map[1]]
            opening.map = list(inline.map)
        out.extend((opening, inline, closing))
    return index + 4


def _heading_titles(tokens: list[Token], index: int) -> bool:
    box = tokens[index].map
    if index + 3 >= len(tokens) or not box:
        return False  # no heading's three tokens after the opening, or no place for it
    return is_title_heading(tokens[index].info, box[0], tokens[index + 1],
                            tokens[index + 2].content)


def _container_head(info: str) -> tuple[str, str, str, bool]:
    """A container's type, fold sign, title and whether the title is written, from what
    follows its ``:::`` (a Pandoc or MyST head in braces as ``builder.parse.fenceddivs``
    reads it)."""
    braced = braced_head(info)
    if braced is not None:
        return braced
    kind, _, title = info.strip().partition(" ")
    kind = kind.lower()
    fold = "-" if kind in FOLDED_TYPES else ""
    return kind, fold, title.strip() or kind.capitalize(), bool(title.strip())


def _opened(token: Token, kind: str, fold: str, title: str, syntax: str,
            line: int | None = None) -> list[Token]:
    """The callout's opening token (``token`` made one) and its title's tokens (none for
    an empty title: a layout block, ``::: {.columns}``)."""
    _callout_open(token, kind, fold, syntax)
    if not title:
        return [token]
    at = token.map[0] if line is None and token.map else (line or 0)
    head = Token("callout_title_open", "p", 1, map=[at, at + 1], level=token.level + 1,
                 block=True)
    text = Token("inline", "", 0, map=[at, at + 1], level=token.level + 2, content=title,
                 children=[])
    tail = Token("callout_title_close", "p", -1, level=token.level + 1, block=True)
    return [token, head, text, tail]


def _callout_open(token: Token, kind: str, fold: str, syntax: str) -> None:
    token.type, token.tag, token.attrs = "callout_open", "div", {}
    token.meta[CALLOUT_META] = {"type": kind, "fold": fold, "syntax": syntax}
