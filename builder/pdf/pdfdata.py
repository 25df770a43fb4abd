"""Documents → the JSON the PDF templates read, plus the image files that JSON names.

The templates never see Markdown or HTML: every node becomes a small JSON object
whose text typst places as content, so no user character can act as typst markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import TypeVar, cast

from builder.checks.htmlpolicy import picture_label, safe_link
from builder.checks.rawhtml import RawImage, image_loc, raw_images
from builder.model import Card, Diagram, Document, Formula, Node, Section, SourceLoc
from builder.parse.callouts import CALLOUT, CALLOUT_TITLE, callout_family
from builder.parse.footnotes import FOOTNOTE_DEF, FOOTNOTE_REF, FOOTNOTES
from builder.parse.limits import cut_answer
from builder.pdf.cjkspacing import cjk_punctuated, edge_char, is_wide, soft_space
from builder.pdf.words import WORDS, deck_language
from builder.render.assets import Assets
from builder.render.images import ImageResolver
from builder.render.media import MediaFile
from builder.render.printcopy import PrintCopy
from builder.render.taskbox import boxed

Json = dict[str, object]
T = TypeVar("T")

MEDIA_DIR = "media"
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
# Location of a formula the parser did not attach (never expected; keeps typing total).
_NOWHERE = SourceLoc("", 0)
MAX_HIGHLIGHTED_CODE = 100_000
"""Characters of code one PDF colours; the rest is printed plain. typst's highlighter
costs ~0.1 ms a character and more on long blocks: 280 KB of Python on one line took
145 s of typst, 700 KB in short lines 230 s (the card's Pygments takes a second)."""
MAX_HIGHLIGHTED_BLOCK = 20_000

@dataclass
class MediaStage:
    """Collects the files the PDF reads, keyed by the relative path typst will open."""

    assets: Assets
    resolver: ImageResolver
    files: dict[str, Path] = field(default_factory=dict)
    doc_path: str = ""
    highlight_left: int = field(default_factory=lambda: MAX_HIGHLIGHTED_CODE)
    answers: list[StageAnswer] | None = None
    """When a list, every ``StageAnswer`` given is added to it (a copy: the JSON may grow)."""
    printed: Callable[[MediaFile], PrintCopy | None] | None = None
    """The picture the PDF prints for one the notes show: a smaller copy, or the original
    (``printcopy.print_copy``); without it, the original."""
    pixels: dict[str, int] = field(default_factory=dict)
    """The pixels of each picture ``printed`` gave, by the name the JSON gives it."""

    def code_lang(self, text: str, lang: str) -> str:
        """``lang`` while the PDF's budget of coloured code lasts, else "" (plain)."""
        coloured = bool(lang) and len(text) <= min(MAX_HIGHLIGHTED_BLOCK, self.highlight_left)
        self.highlight_left -= len(text) if coloured else 0
        return self._answer("code_lang", (text, lang), lang if coloured else "")

    def _answer(self, method: str, args: tuple[object, ...], answer: T) -> T:
        if self.answers is not None:
            kept = dict(answer) if isinstance(answer, dict) else answer
            self.answers.append(StageAnswer(method, args, kept))
        return answer

    def add(self, name: str, path: Path) -> str:
        """Register ``path`` to be copied as ``media/name``; return that relative path."""
        relative = f"{MEDIA_DIR}/{name}"
        self.files[relative] = path
        return relative

    def math(self, formula: Formula) -> Json:
        """Describe a formula: checked typst source, else its image, else its TeX."""
        rendered = self.assets.formulas.get(formula)
        described: Json
        if rendered is not None and rendered.typst is not None:
            described = {"typst": rendered.typst, "display": formula.display}
        elif rendered is not None:
            described = {"img": self.add(rendered.image.name, rendered.image.path),
                         "h": rendered.height_em, "d": rendered.depth_em,
                         "display": formula.display}
        else:
            described = {"tex": formula.tex, "display": formula.display}
        return self._answer("math", (formula,), described)

    def diagram(self, diagram: Diagram, source: str) -> Json:
        """Describe a diagram as its SVG, or as its YAML source when it was not drawn."""
        rendered = self.assets.diagrams.get(diagram)
        if rendered is None or rendered.svg is None:
            return self._answer("diagram", (diagram, source), {
                "kind": "code_block", "text": source.rstrip("\n"), "lang": "yaml"})
        lang = str(diagram.param_dict().get("lang", "en"))
        word = WORDS.get(lang, WORDS["en"])["diagram"]
        return self._answer("diagram", (diagram, source), {
            "kind": "diagram", "svg": self.add(rendered.svg.name, rendered.svg),
            "alt": f"{diagram.kind} {word}"})

    def image(self, node: Node) -> Json:
        """Describe a Markdown image; a missing or refused one keeps only its alt text."""
        shown = self.picture(node.attr("src"), node.attr("alt"),
                             SourceLoc(self.doc_path, node.line, node.col or 1))
        return {**shown, "width": int(node.attr("width"))} if node.attr("width") else shown

    def picture(self, src: str, alt: str, loc: SourceLoc) -> Json:
        """Describe a local picture (Markdown or raw ``<img>``) as the card shows it."""
        found = self.resolver.resolve(src, loc)
        shown: Json = {"kind": "image", "src": None, "alt": alt or src}
        copy = None if found is None or self.printed is None else self.printed(found)
        if copy is not None:
            shown["src"] = name = self.add(copy.media.name, copy.media.path)
            self.pixels[name] = copy.pixels
            if copy.natural is not None:  # laid out at the original's size: the same page
                shown["nat"] = list(copy.natural)
        elif found is not None:
            shown["src"] = self.add(found.name, found.path)
        else:
            shown["alt"] = picture_label(src, alt)
        return self._answer("picture", (src, alt, loc), shown)

    def raw_pictures(self, node: Node) -> list[tuple[RawImage, Json]]:
        """Describe each ``<img>`` of a raw HTML node, with the tag it came from."""
        return [(image, self.picture(image.src, image.alt,
                                     image_loc(node, image, self.doc_path)))
                for image in raw_images(node.text)]


@dataclass(frozen=True)
class StageAnswer:
    """What a ``MediaStage`` method (by name) answered to its arguments for a card: all a
    card's JSON depends on besides the card (``builder.pdf.cardmemo``)."""

    method: str
    args: tuple[object, ...]
    answer: object


CardMaker = Callable[[Card, int, MediaStage], Json]
"""Makes a card's JSON (``card_json``, or a memo of it)."""


def document_json(deck: str, title: str, date: str, documents: Sequence[Document],
                  stage: MediaStage, *, paper: str, columns: int, skip_empty: bool,
                  make_card: CardMaker | None = None) -> Json:
    """Return the whole deck as the templates' JSON (``sections`` may be empty); each
    card's made by ``make_card`` (``card_json`` by default)."""
    make_card = make_card or card_json
    sections: list[Json] = []
    number = 0
    for document in documents:
        stage.doc_path = document.path
        for section in document.sections:
            cards: list[Json] = []
            for card in section.cards:
                if card.is_empty and skip_empty:
                    continue
                number += 1
                cards.append(make_card(card, number, stage))
            if cards or section.intro:
                sections.append(section_json(section, document, cards, stage))
    lang = deck_language(documents)
    return {"deck": deck, "title": title, "date": date, "iso-date": _iso_date(date),
            "lang": lang, "words": WORDS[lang],
            "paper": "us-letter" if paper == "letter" else paper, "columns": columns,
            "count": number, "sections": sections}


def section_json(section: Section, document: Document, cards: list[Json], stage: MediaStage
                 ) -> Json:
    """Serialise a section: its title, its introduction (if any) and its cards."""
    out: Json = {"title": section_title(section, document), "cards": cards}
    if section.intro:
        out["intro"] = blocks_json(section.intro, stage)
    return out


MAX_TITLE_CHARS = 300
"""A section title the sheet prints at most (then "…"): it is set again in the running
header of every page and in the contents, and a 300,000-character heading took typst
2.2 GB.  The card keeps it whole (its tag and section)."""


def section_title(section: Section, document: Document) -> str:
    """Name a section by its heading path; questions before any heading take the title."""
    title = " › ".join(section.path) if section.path else document.settings.title
    return title if len(title) <= MAX_TITLE_CHARS else title[:MAX_TITLE_CHARS - 1] + "…"


def card_json(card: Card, number: int, stage: MediaStage) -> Json:
    """Serialise one card: number, source location, question inlines, answer blocks."""
    question, answer = card_content(card, stage)
    return {"n": number, "loc": card_loc(card), "q": question, "a": answer}


def card_loc(card: Card) -> str:  # the card to blame when its part fails to typeset
    return f"{card.loc.path}:{card.loc.line}"


def card_content(card: Card, stage: MediaStage) -> tuple[list[Json], list[Json]]:
    """A card's question inlines and answer blocks: all of its JSON the notes shape."""
    question = inlines_json(card.question, stage)
    if not question:
        question = cjk_punctuated([{"kind": "text", "text": card.question_text}])
    cut = cut_answer(card.answer)  # the card's share of the answer cap
    return question, blocks_json(card.answer if cut is None else cut, stage)


def _iso_date(text: str) -> list[int] | None:
    try:
        day = Date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None
    return [day.year, day.month, day.day]


# -- blocks --------------------------------------------------------------------------------

def blocks_json(nodes: Sequence[Node], stage: MediaStage) -> list[Json]:
    """Serialise block nodes, dropping those that show nothing."""
    out = [block_json(node, stage) for node in nodes]
    return [b for b in out if b is not None]


def block_json(node: Node, stage: MediaStage) -> Json | None:
    """Serialise one block node (None when it shows nothing in print)."""
    kind = node.kind
    if kind in ("paragraph", "heading"):
        return {"kind": kind, "children": inlines_json(node.children, stage)}
    if kind in ("bullet_list", "ordered_list"):
        return _list_json(node, stage)
    if kind == "blockquote":
        return {"kind": kind, "children": blocks_json(node.children, stage)}
    if kind == "code_block":
        text = node.text.removesuffix("\n")
        return {"kind": kind, "text": text, "lang": stage.code_lang(text, node.attr("lang"))}
    if kind == "math_block":
        formula = node.formula or Formula(node.text, True, _NOWHERE)
        return {"kind": kind, "math": stage.math(formula)}
    if kind == "diagram":
        if node.diagram is None:
            return {"kind": "code_block", "text": node.text.rstrip("\n"), "lang": "yaml"}
        return stage.diagram(node.diagram, node.text)
    if kind == "table":
        return _table_json(node, stage)
    if kind == "hr":
        return {"kind": "hr"}
    if kind == "html_block":
        children = _html_with_pictures(node, stage)
        return {"kind": "paragraph", "children": children} if children else None
    if kind in (FOOTNOTES, FOOTNOTE_DEF):
        # A card's footnotes under a short rule; a footnote nobody cites, where written.
        notes = node.children if kind == FOOTNOTES else (node,)
        out: Json = {"kind": "footnotes", "rule": kind == FOOTNOTES,
                     "children": [b for note in notes for b in _footnote_json(note, stage)]}
        if node.attr("title"):
            out["title"] = node.attr("title")
        return out
    if kind == CALLOUT:
        # Printed open whatever its fold: a sheet has nothing to click.
        title = [i for t in node.children if t.kind == CALLOUT_TITLE
                 for i in inlines_json(t.children, stage)]
        return {"kind": "callout", "family": callout_family(node.attr("type")), "title": title,
                "children": blocks_json(tuple(c for c in node.children
                                              if c.kind != CALLOUT_TITLE), stage)}
    return None


def _footnote_json(node: Node, stage: MediaStage) -> list[Json]:
    """A footnote's blocks, its label leading the first paragraph."""
    mark: Json = {"kind": "sup", "children": [{"kind": "text", "text": f"[{node.attr('label')}]"}]}
    blocks = blocks_json(node.children, stage)
    if blocks and blocks[0]["kind"] == "paragraph":
        lead = cast("list[Json]", blocks[0]["children"])
        blocks[0] = {**blocks[0], "children": [mark, {"kind": "text", "text": " "}, *lead]}
    else:
        blocks.insert(0, {"kind": "paragraph", "children": [mark]})
    return blocks


def _list_json(node: Node, stage: MediaStage) -> Json:
    items = [blocks_json(boxed(item).children, stage) for item in node.children
             if item.kind == "list_item"]
    tight = any(child.attr("tight") for item in node.children for child in item.children)
    out: Json = {"kind": node.kind, "items": items, "tight": tight}
    if node.kind == "ordered_list":
        start = node.attr("start", "1")
        out["start"] = int(start) if start.isdigit() else 1
    return out


def _table_json(node: Node, stage: MediaStage) -> Json:
    header: list[Node] = []
    rows: list[list[Node]] = []
    for part in node.children:
        for row in part.children:
            cells = [cell for cell in row.children if cell.kind in ("th", "td")]
            if part.kind == "thead" and not header:
                header = cells
            else:
                rows.append(cells)
    columns = max([len(header), *(len(r) for r in rows), 1])
    # typst places cells in reading order, so every row must be exactly full.
    padded = [r[:columns] + [Node("td")] * (columns - len(r)) for r in rows]
    head = header + [Node("th")] * (columns - len(header))
    return {"kind": "table", "columns": columns,
            "align": [cell.attr("align", "left") for cell in head],
            "header": [inlines_json(cell.children, stage) for cell in head],
            "rows": [[inlines_json(cell.children, stage) for cell in r] for r in padded]}


# -- inlines -------------------------------------------------------------------------------

def inlines_json(nodes: Sequence[Node], stage: MediaStage) -> list[Json]:
    """Serialise inline nodes; a soft break becomes a space except between CJK characters."""
    out: list[Json] = []
    for index, node in enumerate(nodes):
        if node.kind == "softbreak":
            before = nodes[index - 1] if index else None
            after = nodes[index + 1] if index + 1 < len(nodes) else None
            out.append({"kind": "text", "text": soft_space(before, after)})
            continue
        item = inline_json(node, stage)
        if item is not None and node.kind == "math_inline":
            # typst spaces Chinese from Latin but not from formulas: add that gap by hand.
            item["gap"] = [is_wide(edge_char(nodes[index - 1] if index else None, last=True)),
                           is_wide(edge_char(nodes[index + 1] if index + 1 < len(nodes)
                                               else None, last=False))]
        if item is not None:
            out.append(item)
    return cjk_punctuated(out)


def inline_json(node: Node, stage: MediaStage) -> Json | None:
    """Serialise one inline node (None for raw HTML that shows nothing)."""
    kind = node.kind
    if kind == "text":
        return {"kind": "text", "text": node.text}
    if kind == "code_inline":
        return {"kind": "code", "text": node.text}
    if kind == "hardbreak":
        return {"kind": "br"}
    if kind in ("strong", "em", "s", "mark"):
        return {"kind": kind, "children": inlines_json(node.children, stage)}
    if kind == "link":
        # The card's link policy: anything but http(s) keeps its text and loses the link.
        return {"kind": "link", "href": safe_link(node.attr("href")) or "",
                "children": inlines_json(node.children, stage)}
    if kind == "math_inline":
        formula = node.formula or Formula(node.text, False, _NOWHERE)
        return {"kind": "math", "math": stage.math(formula)}
    if kind == "image":
        return stage.image(node)
    if kind == FOOTNOTE_REF:
        return {"kind": "sup", "children": [{"kind": "text", "text": f"[{node.attr('label')}]"}]}
    if kind == "html_inline":
        pictures = [picture for _tag, picture in stage.raw_pictures(node)]
        if pictures:
            return pictures[0] if len(pictures) == 1 else {"kind": "span", "children": pictures}
        return {"kind": "br"} if _BR.fullmatch(node.text.strip()) else None
    # Unknown inline containers keep their content.
    return {"kind": "span", "children": inlines_json(node.children, stage)}


def _html_with_pictures(node: Node, stage: MediaStage) -> list[Json]:
    """Keep a raw HTML block's readable text and its ``<img>`` pictures, in order."""
    out: list[Json] = []
    done = 0
    for tag, picture in stage.raw_pictures(node):
        out += _html_inlines(node.text[done:tag.start])
        out.append(picture)
        done = tag.end
    return out + _html_inlines(node.text[done:])


def _html_inlines(fragment: str) -> list[Json]:
    """Keep the readable text of raw HTML, one line break per ``<br>`` or source line."""
    lines = _BR.sub("\n", fragment)
    text = html.unescape(_TAG.sub("", lines))
    out: list[Json] = []
    for line in (part.strip() for part in text.splitlines()):
        if not line:
            continue
        if out:
            out.append({"kind": "br"})
        out.append({"kind": "text", "text": line})
    return cjk_punctuated(out)
