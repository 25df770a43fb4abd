"""Large cheat sheets typeset in parts, then joined: bounded memory, and parallel.

One typst compile holds about 0.3 MB per question until it ends, so a sheet of
20,000 questions needed 5 GB, and its compile could only use one core.  Above
``PART_QUESTIONS`` questions the sheet is therefore cut into parts at section
boundaries (a longer section continues in the next part under a "续 cont." band).
Each part is typeset alone (``sheet-part.typ``), in any process, and reports the
page every heading landed on; ``sheet-join.typ`` then draws every part page as it
is, under the sheet's title page, contents, running header and "n / N" page numbers,
with invisible headings on the right pages for the contents and PDF bookmarks.
"""

from __future__ import annotations

from typing import Any

from builder.pdf_json import Json

PART_QUESTIONS = 500
"""Questions per part: ~150 MB and ~1.5 s of typst each."""

CONTINUED = "（续 cont.）"


def split(payload: Json, size: int | None = None) -> list[Json] | None:
    """Cut a sheet's payload into parts of at most ``size`` questions; None if it fits one."""
    size = size or PART_QUESTIONS
    if not isinstance(payload.get("count"), int) or int(str(payload["count"])) <= size:
        return None
    sections = payload["sections"]
    assert isinstance(sections, list)
    parts: list[list[Json]] = [[]]
    room = size
    for section in sections:
        cards: list[Json] = list(section["cards"])
        title = section["title"]
        while cards:
            if room == 0 or (room < len(cards) and parts[-1] and len(cards) <= size):
                # Start a new part rather than cut a section that fits whole in one.
                parts.append([])
                room = size
            taken, cards = cards[:room], cards[room:]
            parts[-1].append({"title": title, "cards": taken})
            room -= len(taken)
            title = f"{section['title']}{CONTINUED}"
    return [{**payload, "count": sum(_count(section) for section in part), "sections": part}
            for part in parts]


def _count(section: Json) -> int:
    cards = section["cards"]
    assert isinstance(cards, list)
    return len(cards)


def headings(part: Json) -> list[dict[str, Any]]:
    """List a part's headings in document order, as the joined sheet should name them."""
    found: list[dict[str, Any]] = []
    sections = part["sections"]
    assert isinstance(sections, list)
    for section in sections:
        continued = str(section["title"]).endswith(CONTINUED)
        found.append({"level": 1, "title": section["title"], "outlined": not continued,
                      "continued": continued})
        found += [{"level": 2, "title": plain(card["q"]), "outlined": False,
                   "continued": False} for card in section["cards"]]
    return found


def plain(nodes: list[Json]) -> str:
    """Return the text of inline nodes (formulas as their source), for bookmarks."""
    out = []
    for node in nodes:
        if node.get("kind") == "math":
            math = node["math"]
            assert isinstance(math, dict)
            out.append(str(math.get("typst") or math.get("tex") or ""))
        elif "text" in node:
            out.append(str(node["text"]))
        children = node.get("children")
        if isinstance(children, list):
            out.append(plain(children))
    return "".join(out)


def join_payload(payload: Json, parts: list[Json], pages: list[list[int]],
                 page_counts: list[int]) -> Json:
    """Describe the joined sheet: every part page with the headings that start on it.

    ``pages[k]`` is the page of each heading of part ``k`` (in ``headings`` order) and
    ``page_counts[k]`` its number of pages.
    """
    joined: list[Json] = []
    for index, (part, landed, count) in enumerate(zip(parts, pages, page_counts, strict=True)):
        on_page: list[list[dict[str, Any]]] = [[] for _ in range(count)]
        for heading, page in zip(headings(part), landed, strict=True):
            # A continued section needs no heading: the header already names it.
            if not heading["continued"]:
                on_page[page - 1].append({k: heading[k] for k in ("level", "title", "outlined")})
        joined += [{"file": part_file(index), "page": number + 1, "headings": found}
                   for number, found in enumerate(on_page)]
    info = {k: v for k, v in payload.items() if k != "sections"}
    return {**info, "pages": joined}


def part_file(index: int) -> str:
    return f"parts/part-{index + 1:04d}.pdf"
