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

import json
import logging
from pathlib import Path
from typing import Any

from builder.atomic import atomic_write_bytes
from builder.pdf_json import Json

log = logging.getLogger(__name__)

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
        found.append({"level": 1, "title": section["title"], "continued": continued})
        found += [{"level": 2, "title": plain(card["q"]), "continued": False}
                  for card in section["cards"]]
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
                # The contents list sections; bookmarks also list questions.
                on_page[page - 1].append({"level": heading["level"], "title": heading["title"],
                                          "outlined": heading["level"] == 1})
        joined += [{"file": part_file(index), "page": number + 1, "headings": found}
                   for number, found in enumerate(on_page)]
    info = {k: v for k, v in payload.items() if k != "sections"}
    return {**info, "pages": joined}


def part_file(index: int) -> str:
    return f"parts/part-{index + 1:04d}.pdf"


class PartCache:
    """One sheet's typeset parts, kept between builds under a hash of what shaped each.

    Editing one answer then typesets only its part again, and the join.  Entries of
    parts no longer in the sheet are removed, so the cache keeps one sheet's worth.
    """

    def __init__(self, folder: Path | None, prefix: str) -> None:
        self.folder = folder
        self.prefix = prefix

    def _paths(self, key: str) -> tuple[Path, Path] | None:
        if self.folder is None:
            return None
        stem = self.folder / f"{self.prefix}-{key[:24]}"
        return stem.with_suffix(".pdf"), stem.with_suffix(".json")

    def get(self, key: str) -> tuple[bytes, int, list[int]] | None:
        paths = self._paths(key)
        if paths is None:
            return None
        try:
            layout = json.loads(paths[1].read_text(encoding="utf-8"))
            return paths[0].read_bytes(), int(layout["pages"]), [int(p) for p in layout["at"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, entries: dict[str, tuple[bytes, int, list[int]]]) -> None:
        """Keep exactly ``entries`` (key → typeset part); failing to only costs speed."""
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            wanted: set[Path] = set()
            for key, (pdf, pages, at) in entries.items():
                paths = self._paths(key)
                assert paths is not None
                wanted.update(paths)
                if not paths[1].exists():
                    atomic_write_bytes(paths[0], pdf)  # the PDF first: JSON means complete
                    atomic_write_bytes(paths[1], json.dumps({"pages": pages, "at": at}).encode())
            for stale in self.folder.glob(f"{self.prefix}-*"):
                if stale not in wanted:
                    stale.unlink(missing_ok=True)
        except OSError as exc:
            log.debug("PDF part cache not written: %s", exc)
