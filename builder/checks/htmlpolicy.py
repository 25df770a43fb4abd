"""The one policy of what a card (and the PDF) keeps: tags, attributes, styles, links, and
what stands for a picture it does not show.

``builder.anki.html`` applies it with nh3; the checks (raw HTML, Anki markup) and the PDF
read it here, so they say and do what the card does without importing the renderer.
"""

from __future__ import annotations

import html
import math
import re
import secrets
from urllib.parse import unquote, urlsplit

from builder.parse.source import CONTROL_CHARS

# What raw HTML in the notes may keep: formatting, tables, images, details.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div",
    "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
})
ALLOWED_ATTRIBUTES = {
    "*": {"class", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "style"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "style"},
    "span": {"style"},
    "div": {"style"},
    "details": {"open"},
}
ALLOWED_STYLES = frozenset({
    "color", "background-color", "font-weight", "font-style", "text-align", "text-decoration",
    "vertical-align", "height", "width", "max-width",
})
PICTURE_STYLES = frozenset({"zoom"})
"""Kept on ``<img>`` only, and only as a shrink (``safe_style``)."""
FIELD_CONTROLS = frozenset(code for code in CONTROL_CHARS if code < 0x80)
"""The control characters (not tab or line ends) a note's field holds as a space: Anki
joins a note's fields with U+001F, and the text read from the notes has them replaced
already, but names and character references in raw HTML do not."""
# Removed with their content, not just unwrapped.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template"})
FOREIGN_TAGS = frozenset({
    "animate", "circle", "defs", "desc", "discard", "ellipse", "filter", "g", "line", "marker",
    "mask", "metadata", "mpath", "path", "pattern", "polygon", "polyline", "rect", "set",
    "stop", "switch", "symbol", "text", "tspan", "use", "view",
    "maction", "annotation", "annotation-xml", "menclose", "merror", "mfenced", "mfrac",
    "mglyph", "mi", "mlabeledtr", "mlongdiv", "mmultiscripts", "mn", "mo", "mover", "mpadded",
    "mphantom", "mprescripts", "mroot", "mrow", "ms", "mscarries", "mscarry", "msgroup",
    "msline", "mspace", "msqrt", "msrow", "mstack", "mstyle", "msub", "msubsup", "msup",
    "mtable", "mtd", "mtext", "mtr", "munder", "munderover", "none", "semantics",
})
"""SVG and MathML element names that nh3 drops with everything inside them (measured):
an unclosed one in prose (``The element <path d="M0 0"> draws…``) took the rest of its
paragraph with it.  Their tags are taken out before nh3 runs
(``builder.anki.legacytags``), so the text stays, as GitHub shows it."""
FOREIGN_ROOTS = frozenset({"svg", "math"})
"""The roots of SVG and MathML: inside one, every element not on ``FOREIGN_TAGS``
(``<title>``, ``<a>``, ``<foreignObject>``, ``<textPath>``…) is read in the foreign
namespace, which nh3 drops with its words (measured: a drawing's caption, its link texts,
the HTML of a ``<foreignObject>``).  Their tags are taken out too, so what is inside is
read as HTML: allowed tags kept, others unwrapped, their words on the card."""
# The one link policy of the card and the PDF: a URL with one of these schemes, or (for a
# picture) the name of a file packed with the deck.
LINK_SCHEMES = frozenset({"http", "https"})
# Browsers drop these before reading a URL's scheme, so "java\tscript:" is "javascript:".
URL_NOISE = re.compile(r"[\x00-\x20\x7f]")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
# Anki's own markup in a field: sounds and TTS play, [latex] is typeset on the user's
# machine, {{…}} is template and cloze syntax. Entities show the same characters inertly.
ANKI_MARKUP = re.compile(r"\[(?=sound:|anki:|/?latex\]|/?\$\$?\])|\{\{|\}\}", re.IGNORECASE)
_INERT = {"[": "&#91;", "{{": "&#123;&#123;", "}}": "&#125;&#125;"}
# nh3 allows a style by its property name only; a value can still load or run something
# (url(), image-set(), IE's expression()), or hide those words behind CSS escapes.
_STYLE_DANGER = ("url(", "image", "expression", "javascript", "\\", "@", "/*", "&")


def safe_link(url: str) -> str | None:
    """Return ``url`` if a card or the PDF may link to it (http or https), else None."""
    scheme = _SCHEME.match(URL_NOISE.sub("", url))
    if scheme is None or scheme.group(1).lower() not in LINK_SCHEMES:
        return None
    return url.strip()


def is_media_name(src: str) -> bool:
    """Whether ``src`` can only name a file in Anki's media folder: no scheme, no folder."""
    cleaned = URL_NOISE.sub("", src)
    return (bool(cleaned) and cleaned == src and not cleaned.startswith(".")
            and not any(c in cleaned for c in ":/\\?#"))


def neutralise_anki_markup(fragment: str, formulas: bool = False) -> str:
    """Write Anki's markup in HTML (``[sound:``, ``[latex]``, ``{{``…) as entities, and
    break the MathJax delimiters of its text; with ``formulas``, the builder's own
    formulas (delimited with ``FORMULA_MARK``) are written whole."""
    inert = ANKI_MARKUP.sub(lambda m: _INERT[m.group()], fragment)
    if "\\" not in inert and "\x02" not in inert:
        return inert
    if not formulas:
        return _inert_text(inert)
    pieces, at = [], 0
    for formula in _FORMULA.finditer(inert):
        pieces.append(_inert_text(inert[at:formula.start()]))
        opening, tex, closing = formula.groups()
        pieces.append(f"\\{opening}{tex}\\{closing}")
        at = formula.end()
    pieces.append(_inert_text(inert[at:]))
    return "".join(pieces)


# Anki typesets ``\(…\)`` and ``\[…\]`` wherever they stand in a card, with a MathJax that
# makes links and styles (``\href{javascript:…}``): those the notes' text holds (written
# ``\\(`` in Markdown, or in a file name, a heading, raw HTML) bypassed the formulas'
# check.  An empty element between the backslash and its bracket ends MathJax's search
# (it joins text across no element but <br>, <wbr> and comments), and shows nothing.
FORMULA_MARK = f"\x02{secrets.token_hex(8)}"
"""Written by the builder in its own formulas' delimiters in place of the backslash, until
the fragment is sanitised.  Random: raw HTML can write any character (``&#2;``), but not
what this process drew."""
_FORMULA = re.compile(f"{FORMULA_MARK}([(\\[])(.*?){FORMULA_MARK}([)\\]])", re.DOTALL)
# A tag as nh3 writes it (a ">" in an attribute value is "&gt;") is passed over.  A
# backslash before a character reference is broken too: the browser reads ``\&#91;`` (the
# inert ``[latex]``) as ``\[`` before MathJax looks.
_TEXT_DELIMITER = re.compile("(<[^>]*>)|\\\\(?=[()\\[\\]&])")


def _inert_text(piece: str) -> str:
    # The marks' character goes first: ``\&#2;(`` would be ``\(`` once it went.
    return _TEXT_DELIMITER.sub(_broken, piece.replace("\x02", ""))


def _broken(found: re.Match[str]) -> str:
    return found.group() if found.group(1) is not None else "\\<span></span>"


def safe_style(style: str, tag: str = "") -> str | None:
    """Return a raw ``style`` without its dangerous declarations, or None if none is left
    (nh3 then keeps only the ``ALLOWED_STYLES`` properties and ``zoom``)."""
    kept = [_lower_property(d) for d in map(_thinned, style.split(";"))
            if d.strip() and not _style_danger(d) and _zoom_kept(d, tag)]
    return ";".join(kept) or None


def _lower_property(declaration: str) -> str:
    # CSS property names ignore case (``COLOR: red``, from old HTML editors), but nh3's
    # allow-list does not: it would drop the declaration unreported.
    prop, colon, value = declaration.partition(":")
    return f"{prop.strip().lower()}{colon}{value.rstrip()}"


def _zoom(declaration: str) -> float | None:
    """The scale a ``zoom`` declaration sets (``50%`` → 0.5, -1 for no number); None for
    any other property."""
    prop, _, value = declaration.partition(":")
    if prop.strip().lower() != "zoom":
        return None
    value = value.strip().lower()
    try:
        return float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        return -1.0


def _zoom_kept(declaration: str, tag: str) -> bool:
    # Typora sizes a picture with ``style="zoom:50%;"``: a card keeps a picture's shrink
    # (an enlargement could spill out of a phone's screen; the picture keeps its own size).
    zoom = _zoom(declaration)
    return zoom is None or (tag == "img" and 0 < zoom <= 1)


def zoom_enlargements(style: str, tag: str) -> list[str]:
    """A picture's ``zoom`` declarations that enlarge it: left out, worth a note."""
    if tag != "img":
        return []
    return [d.strip() for d in style.split(";") if not _style_danger(d)
            and _is_scale(_zoom(d)) and (_zoom(d) or 0) > 1]


def _is_scale(zoom: float | None) -> bool:
    # ``zoom:nan%``, ``zoom:1e309`` (infinite), ``zoom:0``, ``zoom:-2``: no size at all.
    return zoom is not None and math.isfinite(zoom) and zoom > 0


_ZOOM_KEYWORD = re.compile(r"\s*zoom\s*:\s*(normal|reset|initial|inherit|unset|revert)\s*",
                           re.IGNORECASE)
"""A ``zoom`` keyword that leaves a picture at its own size: nothing lost."""


def _style_danger(declaration: str) -> bool:
    return any(w in URL_NOISE.sub("", declaration.lower()) for w in _STYLE_DANGER)


# ``text-decoration: overline 3000px red`` paints a bar as thick as it says, outside the
# text's box and over everything above it (the question, the page above the card; seen
# in Chromium): a line's thickness is the one length the shorthand takes.  Colours may
# hold numbers (``#f00``, ``rgb(…)``); any other number or function is a thickness, kept
# if a line's (``underline 2px``, ``0.1em``), else left out with the rest kept.
_COLOUR_FUNCTION = re.compile(r"(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\([^()]*\)")
_DECORATION_PART = re.compile(r"[^\s(]*\([^()]*\)|\S+")
_LENGTH = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?(px|em|rem|pt|%)?")
_THINNEST = {"px": 4.0, "em": 0.3, "rem": 0.3, "pt": 3.0, "%": 30.0}
"""The thickest line kept, by unit (a line's, a little above what fonts draw)."""


def _too_thick(part: str) -> bool:
    if "(" in part or ")" in part:
        return not _COLOUR_FUNCTION.fullmatch(part)
    if part.startswith("#") or not any(c.isdigit() for c in part):
        return False  # a colour or a keyword
    length = _LENGTH.fullmatch(part)
    return length is None or length.group(1) is None \
        or not 0 <= float(part[:length.start(1)]) <= _THINNEST[length.group(1)]


def thick_parts(declaration: str) -> list[str]:
    """The thicknesses a ``text-decoration`` declaration sets beyond a line's: left out."""
    prop, _, value = declaration.partition(":")
    if prop.strip().lower() != "text-decoration":
        return []
    return [p for p in _DECORATION_PART.findall(value.lower()) if _too_thick(p)]


def _thinned(declaration: str) -> str:
    """A declaration without ``thick_parts``: what is left of it, or "" if nothing is."""
    prop, _, value = declaration.partition(":")
    if prop.strip().lower() != "text-decoration":
        return declaration
    parts = _DECORATION_PART.findall(value)  # as thick_parts', lowered: no letter splits them
    kept = [p for p in parts if not _too_thick(p.lower())]
    if len(kept) == len(parts):
        return declaration
    return f"{prop}:{' '.join(kept)}" if kept else ""


BUILDER_CLASS = re.compile(r"bd-", re.IGNORECASE)
"""The start of the class names build-deck's card and preview pages style (``bd-bar`` is
the preview's sticky bar, ``bd-flip`` a button its script listens to): a note's class
taking one on would be drawn or handled as the page's own."""


def builder_classes(value: str) -> list[str]:
    """The class names of a raw ``class`` the card leaves out: build-deck's own."""
    return [name for name in value.split() if BUILDER_CLASS.match(name)]


def safe_classes(value: str) -> str | None:
    """Return a raw ``class`` without build-deck's own names, or None if none is left."""
    left_out = set(builder_classes(value))
    return " ".join(name for name in value.split() if name not in left_out) or None


def style_removed(style: str, tag: str = "") -> list[str]:
    """Return the declarations of a raw ``style`` the card will not keep, worth a word: a
    picture's ``zoom`` only sizes it (kept when it shrinks, else the picture shows at its
    own size), so it is none."""
    out = []
    for declaration in (d.strip() for d in style.split(";")):
        prop = declaration.partition(":")[0].strip().lower()
        zoom = _zoom(declaration)
        if tag == "img" and zoom is not None and not _style_danger(declaration) \
                and (_is_scale(zoom) or _ZOOM_KEYWORD.fullmatch(declaration)):
            continue
        if declaration and (prop not in ALLOWED_STYLES or _style_danger(declaration)):
            out.append(declaration)
        elif thick := thick_parts(declaration):
            # What goes, as a declaration: ``text-decoration: 3000px``.
            out.append(f"{declaration.partition(':')[0].strip()}: " + " ".join(thick))
    return out


def modern_element(tag: str, attrs: list[tuple[str, str | None]]
                   ) -> tuple[str, list[tuple[str, str]]] | None:
    """HTML 3's presentational tags as the elements the card keeps, or None for any other
    tag: ``<font color="red">`` (Chinese notes' favourite highlight) is a coloured
    ``<span>``, ``<center>`` a centred ``<div>``.  Their other attributes (``size``,
    ``face``) have no kept equivalent and go."""
    if tag == "font":
        colour = next((value for name, value in attrs if name == "color" and value), None)
        return "span", [("style", f"color: {colour}")] if colour else []
    if tag == "center":
        return "div", [("style", "text-align: center")]
    return None


def legacy_attributes_removed(tag: str, attrs: list[tuple[str, str | None]]) -> list[str]:
    """What ``modern_element`` leaves out of a ``<font>`` or ``<center>`` tag."""
    kept = {"color"} if tag == "font" else set()
    return [name for name, _value in attrs if name not in kept]


# What a card and the PDF show in place of a picture they cannot show (remote: never
# fetched; missing; refused).  It was ``[alt]``, else ``[address]``; notes copied from the
# web mostly carry an alt no one wrote (``![img](https://picx.zhimg.com/v2-3f2a…_720w.jpg)``,
# Yuque's ``image.png``, CSDN's ``在这里插入图片描述``, Typora's ``image-20210921182812155``),
# so the card said ``[img]`` and dropped the address.  Now a meaningful alt is shown, else
# a remote picture's file name when it reads as one, and its site; and the card links a
# remote picture at an http(s) address (``safe_link``), so a reader can still open it.

GENERIC_ALTS = frozenset({
    "", "img", "image", "images", "pic", "picture", "photo", "figure", "fig", "screenshot",
    "untitled", "alt", "alt text", "png", "jpg", "gif", "图片", "图", "截图", "屏幕截图",
    "插图", "配图", "在这里插入图片描述", "这里写图片描述", "请添加图片描述", "插入图片描述",
    "image description", "无标题", "watermark", "pasted image", "avatar",
})
"""Alts editors and sites write by themselves (lower case, spaces squeezed)."""
_FILE_NAME = re.compile(r"[^/\\]*\.(?:png|jpe?g|gif|webp|svg|bmp|tiff?|avif)", re.IGNORECASE)
_MADE_UP = re.compile(r"(?:image|img|pasted image|screenshot|截图|屏幕截图|snipaste)"
                      r"[\s_-]*[\d_ .-]*", re.IGNORECASE)
"""Typora's ``image-20210921182812155``, Obsidian's ``Pasted image 20230725215940``."""
_HASHED = re.compile(r"[0-9a-f]{16}|\d{10}", re.IGNORECASE)
"""A stored name (a hash, a timestamp): names a picture no better than its site."""
_LONG_RUN = re.compile(r"[\w-]{40,}")
"""A long run without a space: a stored key (base64, a UUID), unless it reads as words
(Wikimedia's ``330px-Bias_and_variance_contributing_to_total_error.svg``)."""
_WORD_MAX = 24
_LONGEST = 80
"""Characters of a file name or address shown at most."""


def meaningful_alt(alt: str) -> bool:
    """Whether a picture's alt says something its author wrote about it."""
    squeezed = " ".join(alt.split()).casefold()
    return not (squeezed in GENERIC_ALTS or _FILE_NAME.fullmatch(squeezed)
                or _MADE_UP.fullmatch(squeezed))


def picture_label(src: str, alt: str) -> str:
    """The words shown for a picture that is not shown: its alt if meaningful, else a
    remote picture's file name and site (or site alone), else what was written."""
    if meaningful_alt(alt) or safe_link(src) is None:
        return alt or src  # the author's words, or a local path: shown as they were
    parts = urlsplit(src.strip())
    host = parts.hostname or ""
    name = unquote(parts.path.rsplit("/", 1)[-1])
    stem = name.rsplit(".", 1)[0]
    if not host:
        return _shortened(src.strip())
    if not name or _stored(stem) or _MADE_UP.fullmatch(stem):
        return host
    return f"{_shortened(name)} · {host}"


def _stored(stem: str) -> bool:
    """Whether a file name's stem is a name a site stored the picture under (a hash, a
    timestamp, a long key), not one that says what it shows."""
    if _HASHED.search(stem):
        return True
    return any(not _reads_as_words(run.group()) for run in _LONG_RUN.finditer(stem))


def _reads_as_words(run: str) -> bool:
    """Whether most of a long run is words parted by ``_`` or ``-``: a key's pieces mix
    letters and digits (``39d1a500-b3c2-11eb``) or run on unparted."""
    words = [piece for piece in re.split(r"[\W_]+", run)
             if piece.isalpha() and (len(piece) <= _WORD_MAX or not piece.isascii())]
    return 2 * sum(map(len, words)) >= len(run)


def unshown_picture_html(src: str, alt: str) -> str:
    """A card's stand-in for a picture it does not show: ``[label]``, a link to the picture
    when it is at an http(s) address."""
    text = f"[{html.escape(picture_label(src, alt), quote=False)}]"
    href = safe_link(src)
    return f'<a href="{html.escape(href)}">{text}</a>' if href else text


def _shortened(text: str) -> str:
    return text if len(text) <= _LONGEST else text[:_LONGEST - 1] + "…"
