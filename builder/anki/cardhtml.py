"""A card's question and answer as field HTML: formulas, diagrams and pictures as media,
the answer cut at ``MAX_ANSWER_CHARS``."""

from __future__ import annotations

import html
from dataclasses import dataclass

from builder.anki.highlight import code_html
from builder.anki.html import HtmlMedia, mathjax, render_blocks, render_inline
from builder.anki.htmldepth import MAX_HTML_DEPTH
from builder.checks.htmlpolicy import unshown_picture_html
from builder.checks.rawhtml import card_raw_images
from builder.model import Card, Diagnostic, Diagram, Formula, Node, SourceLoc, plain_text
from builder.parse.limits import MAX_ANSWER_CHARS
from builder.render.assets import Assets
from builder.render.images import ImageResolver
from builder.render.media import MediaFile

MAX_IMAGES_PER_CARD = 30


def capped_answer(card: Card, media: HtmlMedia, text: str) -> tuple[str, list[Diagnostic]]:
    """Render the answer block by block, stopping at MAX_ANSWER_CHARS with a visible note
    (``text``: the answer's ``plain_text``).

    A block that would cross the cap keeps as much of its text as fits, escaped (its
    HTML cannot be cut safely mid-tag): one huge paragraph is cut too.
    """
    parts: list[str] = []
    problems: list[Diagnostic] = []
    size = 0
    for index, block in enumerate(card.answer):
        # A block whose text alone is far over what is left is not rendered at all:
        # rendering and sanitising megabytes takes minutes, only to be cut.  No block's
        # text is longer than the whole answer's, so a block's own is read only when
        # the whole answer's is too long to tell.
        far_over = len(text) > 2 * (MAX_ANSWER_CHARS - size) \
            and len(plain_text((block,))) > 2 * (MAX_ANSWER_CHARS - size)
        unwrapped = media.unwrapped
        html_block = "" if far_over else render_blocks((block,), media)
        if media.unwrapped > unwrapped:
            problems.append(_too_deep(SourceLoc(card.loc.path, block.line or card.loc.line)))
        if far_over or size + len(html_block) > MAX_ANSWER_CHARS:
            left = len(card.answer) - index
            kept = _cut_block(block, MAX_ANSWER_CHARS - size)
            if kept:
                parts.append(kept)
            problems.append(Diagnostic(
                card.loc, "warning", f"answer longer than {MAX_ANSWER_CHARS:,} characters; "
                f"the card keeps the first {MAX_ANSWER_CHARS:,} and leaves out the rest "
                f"(from block {index + 1} of {len(card.answer)}), the PDF about as much",
                "answer-too-long"))
            parts.append(f'<p class="bd-cut">… ({left} more block(s) in the notes)</p>')
            break
        parts.append(html_block)
        size += len(html_block)
    return "".join(parts), problems


def _too_deep(loc: SourceLoc) -> Diagnostic:
    return Diagnostic(loc, "warning", f"HTML nested more than {MAX_HTML_DEPTH} deep; the "
                      "deeper tags are left out of the card, their text kept", "html-nesting")


def question_html(card: Card, media: HtmlMedia) -> tuple[str, list[Diagnostic]]:
    """The question as field HTML, and a warning if its nesting was cut."""
    unwrapped = media.unwrapped
    question = render_inline(card.question, media)
    return question, [_too_deep(card.loc)] if media.unwrapped > unwrapped else []


def _cut_block(block: Node, budget: int) -> str:
    """The start of ``block``'s text as an escaped paragraph of at most ``budget`` chars."""
    room = budget - len("<p>…</p>")
    if room < 1:
        return ""
    text = plain_text((block,))[:room]
    escaped = html.escape(text, quote=False)
    while len(escaped) > room:  # escaping lengthens "<" and "&": drop the excess
        text = text[:len(text) - (len(escaped) - room)]
        escaped = html.escape(text, quote=False)
    return f"<p>{escaped}…</p>" if escaped else ""


SMALLEST_FORMULA = 0.7
"""A display formula wider than the card is drawn smaller down to this fraction of its
size (about the smallest legible); beyond that its box scrolls (builder.anki.cardtemplate)."""
WIDE_INLINE_FORMULA = 10.0
"""An inline formula wider than this (in ems) may not fit a phone's line (about 17 em
at 360 px, less in a list): it shrinks like a display formula, in a box of its own that
scrolls beyond that.  Narrower ones keep their exact height, which sets them on the
baseline before the picture loads."""


def _formula_style(width: float, height: float, depth: float, *, shrinks: bool) -> str:
    """The style that gives a formula image its size in ems of the text around it."""
    if not shrinks:
        return f"width:{width:.3f}em;height:{height:.3f}em;vertical-align:{-depth:.3f}em"
    # The first width is for clients without clamp(); the height follows the picture's own.
    return (f"width:{width:.3f}em;width:clamp({SMALLEST_FORMULA * width:.3f}em, 100%, "
            f"{width:.3f}em);height:auto;vertical-align:{-depth:.3f}em")


@dataclass
class _CardMedia(HtmlMedia):
    overflow: bool = False
    """Set when pictures beyond MAX_IMAGES_PER_CARD were shown by name only."""
    looked_up: bool = False
    """Set when a picture was looked up: the card depends on files beside the notes."""


def _formula_html(f: Formula, assets: Assets, used: list[MediaFile]) -> str:
    """A formula as its picture (noted in ``used``), or as MathJax when none was drawn."""
    rendered = assets.formulas.get(f)
    if rendered is None:
        return mathjax(f)
    used.append(rendered.image)
    wide = not f.display and rendered.width_em > WIDE_INLINE_FORMULA
    style = _formula_style(rendered.width_em, rendered.height_em, rendered.depth_em,
                           shrinks=f.display or wide)
    alt = html.escape(" ".join(f.tex.split()))  # genanki rejects a line break in alt
    image = f'<img class="math" src="{rendered.image.name}" alt="{alt}" style="{style}">'
    if not wide:
        return image
    # A box of its own, as wide as the formula or the line, to scroll in when even the
    # formula's smallest size is too wide; the picture's 100% is the box's width.
    return (f'<span class="math-wide" style="width:{rendered.width_em:.3f}em">{image}'
            "</span>")


def card_media(assets: Assets, resolver: ImageResolver, doc_path: str, card: Card,
                used: list[MediaFile]) -> _CardMedia:
    """Say how this document's formulas, diagrams and images become HTML, noting media used."""
    pictures: set[str] = set()
    # Each raw <img> is reported at its own tag: the sanitiser meets them in this order.
    raw_places: dict[str, list[SourceLoc]] = {}
    for raw_src, place in card_raw_images(card, doc_path):
        raw_places.setdefault(raw_src, []).append(place)

    def room_for(media_file: MediaFile) -> bool:
        # Formulas do not count: a derivation may rightly hold dozens.
        if media_file.name not in pictures and len(pictures) >= MAX_IMAGES_PER_CARD:
            media.overflow = True
            return False
        pictures.add(media_file.name)
        return True

    def diagram(d: Diagram, source: str) -> str:
        rendered = assets.diagrams.get(d)
        if rendered is None or not room_for(rendered.png):
            return code_html(source, "yaml")
        used.append(rendered.png)
        return f'<img src="{rendered.png.name}" alt="{html.escape(d.kind)} diagram">'

    def image(node: Node) -> str:
        media.looked_up = True
        src, alt = node.attr("src"), node.attr("alt")
        found = resolver.resolve(src, SourceLoc(doc_path, node.line, node.col or 1))
        if found is None or not room_for(found):
            return unshown_picture_html(src, alt)
        used.append(found)
        width = node.attr("width")  # digits only (an Obsidian embed's ``|300``)
        sized = f' width="{width}"' if width.isdigit() else ""
        return f'<img src="{html.escape(found.name)}" alt="{html.escape(alt)}"{sized}>'

    used_names: set[str] = set()
    named = 0

    def image_src(src: str) -> str | None:
        nonlocal named
        # Our own images are already in ``used``; a raw <img> in the notes goes through
        # the same containment and type checks as a Markdown image. The names are kept in
        # a set, grown by what ``used`` gained since: a card of 10,000 formula pictures
        # otherwise searched the list once a picture.
        used_names.update(m.name for m in used[named:])
        named = len(used)
        if src in used_names:
            return src
        media.looked_up = True
        places = raw_places.get(src) or [card.loc]
        found = resolver.resolve(src, places.pop(0) if len(places) > 1 else places[0])
        if found is None or not room_for(found):
            return None
        used.append(found)
        return found.name

    media = _CardMedia(formula=lambda f: _formula_html(f, assets, used), diagram=diagram,
                            image=image, image_src=image_src)
    return media
