"""What shapes a typeset part of the sheet, as text: the part cache's key (typeset.part_key)
and the characters no font draws are read from it."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from builder.pdf.cardmemo import CardFacts
from builder.pdf.pdfdata import Json


def part_sections(part: Json) -> list[Json]:
    sections = part["sections"]
    assert isinstance(sections, list)
    return sections


def section_text(section: Json) -> str:
    """A section as JSON text, but for its cards."""
    return json.dumps({key: value for key, value in section.items() if key != "cards"},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def part_text(part: Json, facts: Sequence[CardFacts]) -> tuple[str, set[str]]:
    """What shapes a typeset part, as text, and the files it names.

    Everything of its JSON but where its cards are in the notes (which names the card to
    blame when a part fails, but the page does not show it): a line added near the top of
    a file then typesets again only the part it went into, not every part after it.  A
    card stands there as its number and the digest of its content.
    """
    lines = [json.dumps({key: value for key, value in part.items() if key != "sections"},
                        ensure_ascii=False, sort_keys=True, separators=(",", ":"))]
    names: set[str] = set()
    for section in part_sections(part):
        text = section_text(section)
        lines.append(text)
        names.update(json.loads(found) for found in _MEDIA_NAME.findall(text))
        cards = section["cards"]
        assert isinstance(cards, list)
        for card in cards:
            number = int(card["n"])
            lines.append(f"{number} {facts[number - 1].digest}")
            names |= facts[number - 1].media
    return "\n".join(lines), names


_MEDIA_NAME = re.compile(r'"(?:svg|img|src)":("(?:[^"\\]|\\.)*")')
"""A picture's file in a section introduction's JSON text: a quote inside a JSON string
is always escaped, so these keys are never found inside the text of a note."""
