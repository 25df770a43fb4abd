"""Large cheat sheets typeset in parts, then joined: bounded memory, and parallel.

One typst compile holds about 0.3 MB per question until it ends, so a sheet of
20,000 questions needed 5 GB, and its compile could only use one core.  Above
``WHOLE_QUESTIONS`` questions the sheet is therefore cut into parts of at most
``PART_QUESTIONS``, at section boundaries where it can (a longer section continues in
the next part under a "（续）" or "(cont.)" band).  Each part is cached by what it is
made of, so an edit typesets again only the part it falls in.
Each part is typeset alone (``sheet-part.typ``), in any process, and reports the
page every heading landed on; ``sheet-join.typ`` then draws every part page as it
is, under the sheet's title page, contents, running header and "n / N" page numbers,
with invisible headings on the right pages for the contents and PDF bookmarks.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from builder.pdf.pdfdata import Json
from builder.support.atomic import atomic_path, atomic_write_bytes
from builder.support.safefile import copy_regular, read_regular

log = logging.getLogger(__name__)

MAX_PART_BYTES = 1 << 30
"""A cached part or frame is a PDF the build typeset: far less than this."""

WHOLE_QUESTIONS = 500
"""A sheet of up to this many questions is typeset whole (its title above the first
columns): one compile of ~1.2 s, no join."""
PART_QUESTIONS = 100
"""Questions per part of a larger sheet: what an edit typesets again (~0.25 s of typst,
against ~1.2 s for parts of 500).  Each part starts a page, so smaller parts leave more
pages part-filled; the whole sheet typesets ~10 % slower than in parts of 500."""

PART_PIXELS = 40_000_000
"""Pixels of pictures one part shows at most: typst holds each picture of a compile decoded
(3 or 4 bytes a pixel, ~150 MB for these) until it ends, and keeps its memo of the last ten
compiles, so a sheet whose pictures hold more is typeset in parts however few its questions
(the PDF prints pictures from copies no larger than a column: ``builder.render.printcopy``)."""

CONTINUED = " (cont.)"
"""Marks a section heading repeated at the top of a part; the payload's words say it in the
deck's language (``section-continued``, builder/pdf/pdfdata.py)."""


def continued_mark(payload: Json) -> str:
    """The mark after a section's title where a part continues it."""
    words = payload.get("words")
    mark = words.get("section-continued") if isinstance(words, dict) else None
    return mark if isinstance(mark, str) else CONTINUED


def split(payload: Json, size: int | None = None, pixels: Sequence[int] = ()
          ) -> list[Json] | None:
    """Cut a sheet's payload into parts of at most ``size`` questions (``PART_QUESTIONS``
    above ``WHOLE_QUESTIONS``) and ``PART_PIXELS`` pixels of pictures, card ``n``'s being
    ``pixels[n - 1]``; None if it is typeset whole."""
    whole = size or WHOLE_QUESTIONS
    size = size or PART_QUESTIONS
    if not isinstance(payload.get("count"), int) or (
            int(str(payload["count"])) <= whole and sum(pixels) <= PART_PIXELS):
        return None
    sections = payload["sections"]
    assert isinstance(sections, list)
    parts: list[list[Json]] = [[]]
    room, pixel_room = size, PART_PIXELS
    mark = continued_mark(payload)

    def weigh(card: Json) -> int:
        number = card.get("n")
        return pixels[number - 1] if isinstance(number, int) and 0 < number <= len(pixels) \
            else 0

    for section in sections:
        cards: list[Json] = list(section["cards"])
        title = section["title"]
        intro = section.get("intro")
        if not cards and intro:
            parts[-1].append({"title": title, "cards": [], "intro": intro})
        while cards:
            fit = _fitting(cards, room, pixel_room, weigh)
            if parts[-1] and (fit == 0 or (
                    fit < len(cards) and _fitting(cards, size, PART_PIXELS, weigh) == len(cards))):
                # Start a new part rather than cut a section that fits whole in one.
                parts.append([])
                room, pixel_room = size, PART_PIXELS
                continue
            fit = max(fit, 1)  # a card whose pictures alone are over the limit: a part
            taken, cards = cards[:fit], cards[fit:]
            parts[-1].append({"title": title, "cards": taken})
            if intro:  # the introduction goes with the section's first questions
                parts[-1][-1]["intro"], intro = intro, None
            room -= len(taken)
            pixel_room -= sum(weigh(card) for card in taken)
            title = f"{section['title']}{mark}"
    shared = {key: value for key, value in payload.items() if key not in SHEET_ONLY}
    return [{**shared, "count": sum(_count(section) for section in part), "sections": part}
            for part in parts]


def _fitting(cards: list[Json], room: int, pixel_room: int, weigh: Callable[[Json], int]
             ) -> int:
    """How many of ``cards``, from the first, fit in ``room`` questions and ``pixel_room``."""
    fit = 0
    for card in cards[:room]:
        pixel_room -= weigh(card)
        if pixel_room < 0:
            break
        fit += 1
    return fit


SHEET_ONLY = frozenset({"deck", "title", "date", "iso-date", "sections"})
"""What only the joined sheet shows (its title page and running header): left out of
the parts, so a part is cached by what it shows, and a build the next day, or with a
new title, typesets none of them again."""


def _count(section: Json) -> int:
    cards = section["cards"]
    assert isinstance(cards, list)
    return len(cards)


def headings(part: Json) -> list[dict[str, Any]]:
    """List a part's headings in document order, as the joined sheet should name them."""
    found: list[dict[str, Any]] = []
    sections = part["sections"]
    assert isinstance(sections, list)
    mark = continued_mark(part)
    for section in sections:
        continued = str(section["title"]).endswith(mark)
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


MAX_CONTENTS = 2000
"""Sections the printed contents list at most, then a line counting the rest (the PDF's
bookmarks list them all): each entry cost typst ~40 KB, and 30,000 one-question sections
took 1.9 GB, for 1,600 pages of contents no one prints."""

PartLayout = tuple[int, list[int]]
"""Where a typeset part's content landed: its page count and the page of each heading."""


def join_payload(info: Json, part_headings: Sequence[list[dict[str, Any]]],
                 layouts: Sequence[PartLayout]) -> Json:
    """Describe the joined sheet: every part page with the headings that start on it.

    ``info`` is the sheet's payload (its sections are not needed), ``part_headings[k]``
    the ``headings`` of part ``k`` and ``layouts[k]`` where they landed.
    """
    joined: list[Json] = []
    listed = 0
    for index, (found, (count, landed)) in enumerate(
            zip(part_headings, layouts, strict=True)):
        on_page: list[list[dict[str, Any]]] = [[] for _ in range(count)]
        for heading, page in zip(found, landed, strict=True):
            # A continued section needs no heading: the header already names it.
            if not heading["continued"]:
                # The contents list sections (the first MAX_CONTENTS of them); bookmarks
                # list every section and question.
                section = heading["level"] == 1
                listed += section
                on_page[page - 1].append({"level": heading["level"], "title": heading["title"],
                                          "outlined": section and listed <= MAX_CONTENTS})
        joined += [{"file": part_file(index), "page": number + 1, "headings": marks}
                   for number, marks in enumerate(on_page)]
    return {**sheet_info(info), "pages": joined, "contents-more": max(0, listed - MAX_CONTENTS)}


def sheet_info(payload: Json) -> Json:
    """The payload without its sections: what the join needs besides the parts."""
    return {key: value for key, value in payload.items() if key != "sections"}


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

    def get(self, key: str, dest: Path) -> PartLayout | None:
        """Copy the part cached under ``key`` to ``dest``; return its layout (pages, and
        the page of each heading), or None when it is not cached."""
        paths = self._paths(key)
        if paths is None:
            return None
        try:
            # Regular files, bounded: the cache folder may be a cloned repository's, its
            # part a link to /dev/zero (copied until the disk was full).
            layout = json.loads(read_regular(paths[1], 1 << 20).decode("utf-8"))
            pages, at = int(layout["pages"]), [int(p) for p in layout["at"]]
            dest.parent.mkdir(parents=True, exist_ok=True)
            copy_regular(paths[0], dest, MAX_PART_BYTES)
            return pages, at
        except (OSError, ValueError, KeyError, TypeError):
            # Unreadable: forget it, so that ``save`` writes it afresh.
            with contextlib.suppress(OSError):
                paths[1].unlink(missing_ok=True)
            return None

    def frame(self) -> Path | None:
        """Where the sheet's frame is kept (``keep_frame``), if anywhere."""
        return None if self.folder is None else self.folder / f"{self.prefix}.frame"

    def save(self, entries: dict[str, tuple[Path, PartLayout]]) -> None:
        """Keep exactly ``entries`` (key → typeset part file and its layout); failing to
        only costs speed."""
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            wanted: set[Path] = set()
            for key, (pdf, (pages, at)) in entries.items():
                paths = self._paths(key)
                assert paths is not None
                wanted.update(paths)
                if not paths[1].exists():
                    # The PDF first: the JSON says the entry is complete.
                    with atomic_path(paths[0]) as temp:
                        shutil.copyfile(pdf, temp)
                    atomic_write_bytes(paths[1], json.dumps({"pages": pages, "at": at}).encode())
            for stale in self.folder.glob(f"{self.prefix}-*"):
                if stale not in wanted:
                    stale.unlink(missing_ok=True)
        except OSError as exc:
            log.debug("PDF part cache not written: %s", exc)


def kept_frame(kept: Path, key: str, dest: Path) -> bool:
    """Copy the frame kept at ``kept`` to ``dest`` if it was made from what ``key`` hashes;
    tell whether it was."""
    try:
        if read_regular(kept.with_suffix(".key"), 1 << 10).decode("ascii") != key:
            return False
        copy_regular(kept.with_suffix(".pdf"), dest, MAX_PART_BYTES)
        return True
    except (OSError, ValueError):
        return False


def keep_frame(kept: Path, key: str, frame: Path) -> None:
    """Keep ``frame``, made from what ``key`` hashes, at ``kept``; failing to only costs
    speed."""
    try:
        kept.with_suffix(".key").unlink(missing_ok=True)  # the key says the PDF is whole
        with atomic_path(kept.with_suffix(".pdf")) as temp:
            shutil.copyfile(frame, temp)
        atomic_write_bytes(kept.with_suffix(".key"), key.encode("ascii"))
    except OSError as exc:
        log.debug("PDF frame not kept: %s", exc)
