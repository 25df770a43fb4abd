"""Model Nodes → card HTML: escaped text, sanitised raw HTML (code is highlighted by
``builder.anki.highlight``).

Formulas, diagrams and images are rendered through an :class:`HtmlMedia` so that
the same renderer serves MathJax output and rendered-image output.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache

import nh3

from builder.anki.highlight import code_html
from builder.anki.htmldepth import MAX_RAW_DEPTH, flatten_deep
from builder.anki.legacytags import modernised
from builder.checks.htmlpolicy import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_STYLES,
    ALLOWED_TAGS,
    DROPPED_WITH_CONTENT,
    FIELD_CONTROLS,
    FORMULA_MARK,
    LINK_SCHEMES,
    PICTURE_STYLES,
    is_media_name,
    neutralise_anki_markup,
    picture_label,
    safe_classes,
    safe_link,
    safe_style,
)
from builder.model import Diagram, Formula, Node
from builder.parse.callouts import CALLOUT, CALLOUT_TITLE, callout_family
from builder.parse.footnotes import FOOTNOTE_DEF, FOOTNOTE_REF, FOOTNOTES
from builder.parse.questiontext import shown_question_text
from builder.render.taskbox import boxed

ImageSrc = Callable[[str], str | None]
_IMAGE_SRC: ContextVar[ImageSrc | None] = ContextVar("image_src", default=None)
_DROPPED: ContextVar[list[str]] = ContextVar("dropped_images")
_DROPPED_MARK = "#bd-dropped-"
"""The ``src`` a refused picture keeps through nh3, numbering its original in ``_DROPPED``."""
_ANCHOR = re.compile(r"</?a(?:\s[^<>]*)?>")
_IMG_TAG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'\s([\w:-]+)="([^"]*)"')
_TEX_TOKEN = re.compile(r"\\[a-zA-Z@]+|\\.", re.DOTALL)
"""A control word or symbol, as MathJax's search for a formula's end reads TeX (``\\)`` is a
line break and a parenthesis, no closing delimiter)."""


def sanitise(fragment: str, image_src: ImageSrc | None = None) -> str:
    """Return HTML with only allow-listed tags, attributes, styles and URL schemes, and
    no element nested deeper than ``MAX_HTML_DEPTH`` (those are unwrapped).

    ``image_src`` maps every ``<img src>`` to the media name to use, or None to drop it.
    """
    return _sanitised(fragment, image_src)[0]


def _sanitised(fragment: str, image_src: ImageSrc | None) -> tuple[str, int]:
    """``sanitise``, and how many elements nested too deeply were unwrapped."""
    token = _IMAGE_SRC.set(image_src)
    dropped: list[str] = []
    dropped_token = _DROPPED.set(dropped)
    try:
        cleaned = str(_cleaner().clean(modernised(flatten_deep(fragment, MAX_RAW_DEPTH)[0])))
    finally:
        _IMAGE_SRC.reset(token)
        _DROPPED.reset(dropped_token)
    if dropped or "<img" in cleaned:
        cleaned = _IMG_TAG.sub(lambda tag: _dropped_as_text(tag.group(), dropped), cleaned)
    flat, unwrapped = flatten_deep(cleaned)
    return neutralise_anki_markup(flat, formulas=True), unwrapped


def _dropped_as_text(tag: str, dropped: list[str]) -> str:
    """A raw ``<img>`` whose picture was refused (remote, missing) as ``[alt]`` text, the way
    a Markdown image is shown: an ``<img>`` with no ``src`` is a broken-picture icon."""
    attributes = dict(_ATTRIBUTE.findall(tag))
    alt = html.unescape(attributes.get("alt", "")).strip()
    src = attributes.get("src")
    if src is None:
        # nh3 took out a src of a refused scheme (a pasted data: URL) before ``_attribute``
        # saw it; the html-removed warning names it, so no blob is shown for it.
        return f"[{html.escape(alt, quote=False)}]" if alt else ""
    if not src.startswith(_DROPPED_MARK):
        return tag
    label = picture_label(dropped[int(src[len(_DROPPED_MARK):])], alt)
    return f"[{html.escape(label, quote=False)}]"


def shows_nothing(fragment: str) -> bool:
    """Whether sanitised HTML would show a blank field (Anki makes no card from one)."""
    visible = _pictures_only().clean(fragment).replace("&nbsp;", "")
    return not visible.replace("\u200b", "").strip()


def field_text(field_html: str) -> str:
    """A field's HTML as plain text, for display only: tags dropped, entities decoded,
    one line per block."""
    spaced = field_html.replace("<br>", "\n").replace("</p>", "\n").replace("</li>", "\n")
    return html.unescape(str(nh3.clean(spaced, tags=set())))


def inert_name(name: str) -> str:
    """A deck name or tag that no HTML view can read as markup (Anki puts ``{{Tags}}`` and
    ``{{Deck}}`` into a card unescaped); ``<`` and ``>`` become their full-width forms.

    Invisible and text-direction characters go too, as from a question: Anki's deck list
    and browser show names as they are, so ``Safe\u202egnp.exe`` read ``Safeexe.png``."""
    return shown_question_text(name).replace("<", "\uff1c").replace(">", "\uff1e")


def escape_text(text: str) -> str:
    """Escape plain text for a field: HTML and Anki's markup both shown as typed, control
    characters as spaces."""
    return neutralise_anki_markup(html.escape(field_safe(text)))


def field_safe(field_html: str) -> str:
    """A field's text with its control characters (not tab or line breaks) as spaces."""
    return _FIELD_CONTROLS.sub(" ", field_html)


# A field cannot hold them (``FIELD_CONTROLS``); nh3 writes a character reference in raw
# HTML (``<p>a&#31;b</p>``) back as the character.
_FIELD_CONTROLS = re.compile(
    "[" + "".join(re.escape(chr(code)) for code in sorted(FIELD_CONTROLS)) + "]")


def _attribute(tag: str, name: str, value: str) -> str | None:
    if tag == "img" and name == "src":
        image_src = _IMAGE_SRC.get()  # this call's, set by sanitise
        if image_src is not None:
            mapped = image_src(value)
            if mapped is None:
                # Kept as a mark so the tag becomes text after cleaning (``_dropped_as_text``).
                dropped = _DROPPED.get()
                dropped.append(value)
                return f"{_DROPPED_MARK}{len(dropped) - 1}"
            return mapped
        return value if is_media_name(value) or safe_link(value) else None
    if name == "href":
        return safe_link(value)
    if name == "style":
        return safe_style(value, tag)
    if name == "class":
        return safe_classes(value)
    if "\n" in value or "\r" in value:
        # A line break inside a tag (an alt or title typed over two lines) is a space to a
        # browser, but genanki takes such a tag for unescaped text and warns on the terminal.
        return value.translate(_LINE_BREAKS)
    return value


_LINE_BREAKS = str.maketrans({"\r": " ", "\n": " "})


@cache
def _cleaner() -> nh3.Cleaner:
    # One cleaner for the process: building nh3's allow-lists took 30 of the 43 µs each
    # fragment cost (a card has a few), so the per-call image mapping comes through a
    # context variable rather than a new cleaner.
    return nh3.Cleaner(
        attribute_filter=_attribute,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(LINK_SCHEMES),
        filter_style_properties=set(ALLOWED_STYLES | PICTURE_STYLES),
        link_rel=None,
    )


@cache
def _pictures_only() -> nh3.Cleaner:
    # nh3.clean(fragment, tags={"img"}, attributes={}), its allow-lists built once.
    return nh3.Cleaner(tags={"img"}, attributes={})


@dataclass
class HtmlMedia:
    """How formulas, diagrams and images become HTML."""

    formula: Callable[[Formula], str] = field(default=lambda f: mathjax(f))
    diagram: Callable[[Diagram, str], str] = field(default=lambda d, src: code_html(src, "yaml"))
    """Called with the diagram and its YAML source (shown when it cannot be drawn)."""
    image: Callable[[Node], str] = field(default=lambda node: html.escape(node.attr("alt")))
    """Called with the ``image`` node (src, alt, line and column)."""
    image_src: ImageSrc | None = None
    """Maps each ``<img src>`` in the finished HTML (raw HTML included) to a media name."""
    unwrapped: int = 0
    """How many elements nested deeper than ``MAX_HTML_DEPTH`` rendering has unwrapped."""


def mathjax(formula: Formula) -> str:
    """Return Anki's own MathJax delimiters around the escaped TeX."""
    closing = "\\]" if formula.display else "\\)"
    # MathJax ends the formula at the first closing delimiter outside braces: ``$a \) b$``
    # showed "a" and then " b\)" as text.  In braces, the one the TeX holds is passed over.
    tex = html.escape(_TEX_TOKEN.sub(lambda t: f"{{{closing}}}" if t.group() == closing
                                     else t.group(), formula.tex), quote=False)
    if (len(tex) - len(tex.rstrip("\\"))) % 2:
        # A last backslash unpaired would pair with the delimiter's (``$a \ $`` gave
        # ``\(a \\)``, read as ``\\`` and ``)``), and MathJax ran on: a space ends it.
        tex += " "
    # Made whole once sanitised (``neutralise_anki_markup``), where the text's are broken.
    return f"{FORMULA_MARK}[{tex}{FORMULA_MARK}]" if formula.display \
        else f"{FORMULA_MARK}({tex}{FORMULA_MARK})"


def render_blocks(nodes: tuple[Node, ...], media: HtmlMedia) -> str:
    """Render block nodes to HTML, sanitising each block so broken raw HTML stays contained
    (``media.unwrapped`` counts the elements unwrapped for nesting too deeply)."""
    return "".join(_counted(_block(node, media), media) for node in nodes)


def render_inline(nodes: tuple[Node, ...], media: HtmlMedia) -> str:
    """Render inline nodes to sanitised HTML (counted as ``render_blocks`` counts)."""
    return _counted("".join(_inline(node, media) for node in nodes), media)


def _counted(fragment: str, media: HtmlMedia) -> str:
    clean, unwrapped = _sanitised(fragment, media.image_src)
    media.unwrapped += unwrapped
    return clean


_SIMPLE_BLOCKS = {
    "bullet_list": "ul", "list_item": "li", "blockquote": "blockquote", "table": "table",
    "thead": "thead", "tbody": "tbody", "tr": "tr",
}
_SIMPLE_INLINES = {"strong": "b", "em": "i", "s": "s", "mark": "mark"}


def _block(node: Node, media: HtmlMedia) -> str:
    kind = node.kind
    # These read their own children: rendering them here too doubled the work at each
    # level of nesting (callouts 20 deep took seconds, a file of them hours).
    if kind == FOOTNOTE_DEF:
        return _footnote(node, media)
    if kind == CALLOUT:
        return _callout(node, media)
    if kind == "list_item":
        node = boxed(node)
    inner = "".join(_block(c, media) if _is_block(c) else _inline(c, media)
                    for c in node.children)
    if kind == "paragraph":
        return inner if node.attr("tight") else f"<p>{inner}</p>"
    if kind in _SIMPLE_BLOCKS:
        tag = _SIMPLE_BLOCKS[kind]
        return f"<{tag}>{inner}</{tag}>"
    if kind == "ordered_list":
        start = node.attr("start", "1")
        if start == "1":
            return f"<ol>{inner}</ol>"
        return f'<ol start="{html.escape(start)}">{inner}</ol>'
    if kind == "heading":
        return f'<div class="subheading">{inner}</div>'
    if kind in ("th", "td"):
        align = node.attr("align")
        style = f' style="text-align:{html.escape(align)}"' if align else ""
        return f"<{kind}{style}>{inner}</{kind}>"
    if kind == "code_block":
        return code_html(node.text, node.attr("lang"))
    if kind == "math_block" and node.formula is not None:
        return f'<div class="math-display">{media.formula(node.formula)}</div>'
    if kind == "diagram" and node.diagram is not None:
        return f'<div class="diagram">{media.diagram(node.diagram, node.text)}</div>'
    if kind == "html_block":
        return node.text
    if kind == "hr":
        return "<hr>"
    if kind == FOOTNOTES:
        title = node.attr("title")
        caption = (f'<p class="footnotes-title">{html.escape(title, quote=False)}</p>'
                   if title else "")
        return f'<div class="footnotes"><hr>{caption}{inner}</div>'
    return inner


def _callout(node: Node, media: HtmlMedia) -> str:
    """A callout: a box coloured by its family, its title first.  A foldable one is a
    ``<details>`` shown open: on a card's back the answer inside is what was asked for."""
    classes = f"callout callout-{callout_family(node.attr('type'))}"
    titles = [c for c in node.children if c.kind == CALLOUT_TITLE]
    body = "".join(_block(c, media) for c in node.children if c.kind != CALLOUT_TITLE)
    title = "".join(_inline(c, media) for t in titles for c in t.children)
    if node.attr("fold"):
        return (f'<details class="{classes}" open><summary class="callout-title">{title}'
                f"</summary>{body}</details>")
    head = f'<p class="callout-title">{title}</p>' if titles else ""
    return f'<div class="{classes}">{head}{body}</div>'


def _footnote(node: Node, media: HtmlMedia) -> str:
    """A footnote's blocks, its label leading the first paragraph."""
    mark = f"<sup>[{html.escape(node.attr('label'), quote=False)}]</sup> "
    first, *rest = node.children or (Node("paragraph"),)
    if first.kind != "paragraph":
        first, rest = Node("paragraph"), [first, *rest]
    lead = "".join(_inline(c, media) for c in first.children)
    return f"<p>{mark}{lead}</p>" + "".join(_block(c, media) for c in rest)


_BLOCK_KINDS = frozenset({
    "paragraph", "heading", "bullet_list", "ordered_list", "list_item", "blockquote",
    "code_block", "math_block", "diagram", "table", "thead", "tbody", "tr", "th", "td", "hr",
    "html_block", FOOTNOTES, FOOTNOTE_DEF, CALLOUT, CALLOUT_TITLE,
})


def _is_block(node: Node) -> bool:
    return node.kind in _BLOCK_KINDS


def _inline(node: Node, media: HtmlMedia) -> str:
    kind = node.kind
    if kind == "text":
        return html.escape(node.text, quote=False)
    if kind == "code_inline":
        return f"<code>{html.escape(node.text, quote=False)}</code>"
    if kind == "softbreak":
        return "\n"
    if kind == "hardbreak":
        return "<br>"
    if kind == "math_inline" and node.formula is not None:
        return media.formula(node.formula)
    if kind == "html_inline":
        return node.text
    if kind == "image":
        return media.image(node)
    if kind == FOOTNOTE_REF:
        return f"<sup>[{html.escape(node.attr('label'), quote=False)}]</sup>"
    inner = "".join(_inline(c, media) for c in node.children)
    if kind in _SIMPLE_INLINES:
        tag = _SIMPLE_INLINES[kind]
        return f"<{tag}>{inner}</{tag}>"
    if kind == "link":  # a remote picture in it is a link of its own: links do not nest
        inner = _ANCHOR.sub("", inner) if "<a " in inner else inner
        return f'<a href="{html.escape(node.attr("href"))}">{inner}</a>'
    return inner
