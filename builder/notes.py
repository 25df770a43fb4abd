"""Cards + rendered assets → Anki note contents: field HTML, tags, subdeck and media."""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

from builder import apkg
from builder.assets import Assets, MediaFile
from builder.html import HtmlMedia, code_html, mathjax, render_blocks, render_inline
from builder.images import ImageResolver
from builder.model import Card, Diagnostic, Diagram, Document, Formula, plain_text


@dataclass(frozen=True, slots=True)
class AssembledNote:
    """One card's note, its media, and the card it came from; the GUID comes later."""

    note: apkg.NoteData
    card: Card
    media: tuple[MediaFile, ...]
    answer_text: str
    """The answer as plain text, for recognising it after edits."""


def assemble(deck: str, documents: list[Document], assets: Assets, resolver: ImageResolver,
             *, keep_empty: bool, diagnostics: list[Diagnostic]) -> list[AssembledNote]:
    """Turn every kept card of a deck's documents into note contents."""
    seen: dict[str, Card] = {}
    notes: list[AssembledNote] = []
    for doc in documents:
        for card in doc.cards:
            if card.is_empty and not keep_empty:
                continue
            card = _unique_key(card, seen, diagnostics)
            used: list[MediaFile] = []
            media = _html_media(assets, resolver, doc.path, used)
            fields = (render_inline(card.question, media),
                      render_blocks(card.answer, media) or "&nbsp;",
                      html.escape(" › ".join(card.section_path)),
                      html.escape(f"{card.loc.path}:{card.loc.line}"), html.escape(card.key))
            tags = [apkg.tag_for(deck, card.section_path),
                    *(apkg.tag_for(t, ()) for t in doc.settings.tags)]
            note = apkg.NoteData(
                key=card.key, guid="", fields=fields,
                tags=tuple(t for t in dict.fromkeys(tags) if t),
                deck=apkg.subdeck(deck, card.section_path), mtime=0)
            notes.append(AssembledNote(note, card, tuple(used), plain_text(card.answer)))
    return notes


def _unique_key(card: Card, seen: dict[str, Card], diagnostics: list[Diagnostic]) -> Card:
    """Give a repeated question its own key, so two notes never share a GUID."""
    first = seen.get(card.key)
    if first is None:
        seen[card.key] = card
        return card
    diagnostics.append(Diagnostic(
        card.loc, "warning",
        f"duplicate question '{card.question_text}' (first at {first.loc.path}:{first.loc.line});"
        " give one an explicit id with {#some-id} after the heading text",
        "duplicate-question"))
    number = 2
    while f"{card.key} #{number}" in seen:
        number += 1
    card = replace(card, key=f"{card.key} #{number}")
    seen[card.key] = card
    return card


def _html_media(assets: Assets, resolver: ImageResolver, doc_path: str,
                used: list[MediaFile]) -> HtmlMedia:
    """Say how this document's formulas, diagrams and images become HTML, noting media used."""

    def formula(f: Formula) -> str:
        rendered = assets.formulas.get(f)
        if rendered is None:
            return mathjax(f)
        used.append(rendered.image)
        style = (f"width:{rendered.width_em:.3f}em;height:{rendered.height_em:.3f}em;"
                 f"vertical-align:{-rendered.depth_em:.3f}em")
        alt = html.escape(f.tex)
        return f'<img class="math" src="{rendered.image.name}" alt="{alt}" style="{style}">'

    def diagram(d: Diagram, source: str) -> str:
        rendered = assets.diagrams.get(d)
        if rendered is None:
            return code_html(source, "yaml")
        used.append(rendered.png)
        return f'<img src="{rendered.png.name}" alt="{html.escape(d.kind)} diagram">'

    def image(src: str, alt: str, line: int) -> str:
        found = resolver.resolve(src, doc_path, line)
        if found is None:
            return f"[{html.escape(alt or src)}]"
        used.append(found)
        return f'<img src="{html.escape(found.name)}" alt="{html.escape(alt)}">'

    return HtmlMedia(formula=formula, diagram=diagram, image=image)
