"""The floor: each answer rendered by markdown-it-py, and the notes packed by genanki.

``python bench/floor.py CARDS_JSON OUT_APKG`` reads the (question, answer) pairs that
``bench/generate.py`` wrote, renders each answer's Markdown to HTML with markdown-it-py
(CommonMark, nothing else: no formulas, pictures, checks or identities) and writes
them into one ``.apkg``.  No build-deck pipeline can be faster than this at turning
the same Markdown into the same notes (issue 18's floor).
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from pathlib import Path

import genanki
from markdown_it import MarkdownIt

MODEL_ID = 1607392319
DECK_ID = 2059400110


def to_html(text: str) -> str:
    """Plain text as HTML: escaped, one ``<br>`` per line; no Markdown, no formulas."""
    return html.escape(text).replace("\n", "<br>")


def build_floor(cards_json: Path, target: Path) -> int:
    """Write ``target``; return how many notes it holds."""
    data = json.loads(cards_json.read_text(encoding="utf-8"))
    model = genanki.Model(
        MODEL_ID, "bench-floor",
        fields=[{"name": "Question"}, {"name": "Answer"}],
        templates=[{"name": "Card 1", "qfmt": "{{Question}}",
                    "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}"}],
    )
    decks: dict[str, genanki.Deck] = {}
    markdown = MarkdownIt()
    for card in data["cards"]:
        name = str(card.get("deck", data["deck"]))
        deck = decks.get(name)
        if deck is None:
            deck = decks[name] = genanki.Deck(DECK_ID + len(decks), name)
        question = str(card["question"])
        deck.add_note(genanki.Note(model=model, fields=[to_html(question),
                                                        markdown.render(str(card["answer"]))],
                                   guid=genanki.guid_for(question)))
    target.parent.mkdir(parents=True, exist_ok=True)
    genanki.Package(list(decks.values())).write_to_file(str(target))
    return sum(len(deck.notes) for deck in decks.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cards_json", type=Path, help="cards.json written by generate.py")
    parser.add_argument("out_apkg", type=Path, help="the .apkg to write")
    args = parser.parse_args(argv)
    count = build_floor(args.cards_json, args.out_apkg)
    print(f"wrote {args.out_apkg} ({count} notes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
