"""Angle-bracket words that only look like HTML tags stay text: ``git checkout
<branch>``, ``List<T>``, ``Box<dyn Trait>``, ``scp <file1> <path>``.

CommonMark reads any ``<word>`` as a raw HTML tag, so a card sanitiser then removes it
and the command loses its placeholder.  Notes use such words far more often than the
HTML elements they might be.  A tag is read as text when

- its name is no HTML element and it sets no attribute value (``<path d="…">`` is
  markup, an SVG path; ``<path>`` is a placeholder), or
- it is a bare ``<word>`` naming an element a card never shows (``<link>``,
  ``<title>``, ``<input>``) and nothing in the paragraph closes it.

Everything else is left to markdown-it's own ``html_inline`` rule, and to the sanitiser.

A line that is one such tag alone (``<branch>`` as a paragraph of its own) starts an HTML
block in CommonMark (its seventh kind, any tag name), which ran to the next blank line
and reached the card as raw HTML, the placeholder removed: when the tag's name is no
HTML element, the line starts a paragraph instead.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.html_re import HTML_OPEN_CLOSE_TAG_RE, HTML_TAG_RE
from markdown_it.rules_block import StateBlock, paragraph
from markdown_it.rules_inline import StateInline

HTML_ELEMENTS = frozenset({
    "a", "abbr", "acronym", "address", "applet", "area", "article", "aside", "audio", "b",
    "base", "basefont", "bdi", "bdo", "bgsound", "big", "blink", "blockquote", "body",
    "br", "button", "canvas", "caption", "center", "cite", "code", "col", "colgroup",
    "data", "datalist", "dd", "del", "details", "dfn", "dialog", "dir", "div", "dl", "dt",
    "em", "embed", "fieldset", "figcaption", "figure", "font", "footer", "form", "frame",
    "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr",
    "html", "i", "iframe", "img", "input", "ins", "isindex", "kbd", "keygen", "label",
    "legend", "li", "link", "listing", "main", "map", "mark", "marquee", "math", "menu",
    "menuitem", "meta", "meter", "multicol", "nav", "nextid", "nobr", "noembed",
    "noframes", "noscript", "object", "ol", "optgroup", "option", "output", "p", "param",
    "picture", "plaintext", "pre", "progress", "q", "rb", "rp", "rt", "rtc", "ruby", "s",
    "samp", "script", "search", "section", "select", "slot", "small", "source", "spacer",
    "span", "strike", "strong", "style", "sub", "summary", "sup", "svg", "table", "tbody",
    "td", "template", "textarea", "tfoot", "th", "thead", "time", "title", "tr", "track",
    "tt", "u", "ul", "var", "video", "wbr", "xmp",
})
"""The elements of HTML (WHATWG, with the obsolete ones browsers still know)."""

WORDLIKE_ELEMENTS = frozenset({
    "address", "area", "article", "body", "cite", "data", "dfn", "footer", "form", "head",
    "header", "html", "input", "label", "link", "main", "map", "menu", "meta", "option",
    "output", "param", "samp", "search", "section", "select", "source", "time", "title",
    "track", "var",
})
"""Elements a card does not show whose names are also ordinary placeholder words."""


def _tag_name(tag: str) -> str:
    """``<dyn Trait>`` → ``dyn``; ``</T>`` → ``t``."""
    name = tag[1:].lstrip("/")
    for index, char in enumerate(name):
        if char in " \t\n/>":
            return name[:index].lower()
    return name.lower()


@lru_cache(maxsize=4)
def _closed_names(src: str) -> frozenset[str]:
    """The names of the closing tags in an inline text (once per paragraph, not per tag)."""
    lowered = src.lower()
    names = set()
    at = lowered.find("</")
    while at >= 0:
        names.add(_tag_name(lowered[at:at + 40]))
        at = lowered.find("</", at + 2)
    return frozenset(names)


def _is_placeholder(tag: str, src: str) -> bool:
    name = _tag_name(tag)
    if name not in HTML_ELEMENTS:
        return "=" not in tag
    bare = tag[1:-1].lower() == name
    return bare and name in WORDLIKE_ELEMENTS and name not in _closed_names(src)


def _placeholder_tag(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    src = state.src
    if src[pos] != "<" or pos + 2 >= state.posMax:
        return False
    second = src[pos + 1]
    if not (second.isascii() and (second.isalpha() or second == "/")):
        return False
    # The same guard as markdown-it's html_inline: no '>' ahead, no tag (and no scan).
    if state.html_terminator_last(">") < pos + 2:
        return False
    match = HTML_TAG_RE.match(src, pos)
    if match is None or match.end() > state.posMax or not _is_placeholder(match[0], src):
        return False
    if not silent:
        state.pending += match[0]
    state.pos = match.end()
    return True


def _placeholder_line(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """A paragraph, not an HTML block, at a line that is a placeholder tag alone."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # indented code
    begin = state.bMarks[start_line] + state.tShift[start_line]
    if not state.src.startswith("<", begin):
        return False
    line = state.src[begin:state.eMarks[start_line]].rstrip()
    tag = HTML_OPEN_CLOSE_TAG_RE.match(line)
    if tag is None or tag.end() != len(line) or _tag_name(line) in HTML_ELEMENTS \
            or not _is_placeholder(line, line):
        return False
    # The paragraph rule pushes its tokens even when asked silently; no alternation chain
    # lists this rule (an HTML block of this kind interrupts nothing), so none asks.
    return True if silent else paragraph(state, start_line, end_line, silent)


def placeholder_tags_plugin(md: MarkdownIt) -> None:
    """Read placeholder-like tags as text, ahead of markdown-it's raw HTML rules."""
    md.inline.ruler.before("html_inline", "placeholder_tag", _placeholder_tag)
    md.block.ruler.before("html_block", "placeholder_line", _placeholder_line)
