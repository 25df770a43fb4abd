"""A large sheet's part pages laid under the pages of its frame, with pikepdf (qpdf).

The frame (``sheet-join.typ``) is the sheet without its questions: title page, contents,
running header, "n / N" page numbers and invisible headings for the bookmarks.  Each part
page goes under its frame page as it is: its content stream becomes a form XObject (no
stream is decoded or typeset again) and its links are kept.  typst could place the part
pages itself (``image("part.pdf", page: n)``), but it re-encodes every page of every part
on each join: ~0.5 s of a 2,000-question sheet, where this takes ~0.15 s; and typst leaves
the parts' links out.

qpdf is imported on first use (~60 ms), in the process that joins.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

PART_NAME = "/BuildDeckPart"
"""The part page's name among its frame page's XObjects; typst names its own /x0, /x1 …"""


class StackError(Exception):
    """A part or the frame is not a PDF this module can stack; the message says which."""


def load_qpdf() -> None:
    """Import pikepdf now, in a worker waiting for its first join."""
    import pikepdf  # noqa: F401


def stack(frame: Path, pages: Sequence[tuple[Path, int]], out: Path) -> None:
    """Write ``out``: ``frame`` with ``pages`` (each a part file and its 1-based page) laid
    under its last pages, one each, and each part page's links kept.  (The frame's
    title page and contents come first.)

    Equal inputs give equal bytes (the file's ID is a hash of its content).
    """
    import pikepdf

    try:
        with pikepdf.open(frame) as sheet:
            first = len(sheet.pages) - len(pages)
            if first < 0:
                raise StackError(f"cannot join the parts of the PDF: {len(pages)} part pages "
                                 f"for a frame of {len(sheet.pages)}")
            opened: dict[Path, Any] = {}
            try:
                for index, (path, number) in enumerate(pages):
                    if path not in opened:
                        opened[path] = pikepdf.open(path)
                    _lay_under(sheet, sheet.pages[first + index], opened[path], number - 1)
                sheet.save(out, deterministic_id=True)
            finally:
                for part in opened.values():
                    part.close()
    except (pikepdf.PdfError, IndexError, ValueError, OSError) as exc:
        raise StackError(f"cannot join the parts of the PDF: {exc}") from None


def _lay_under(sheet: Any, page: Any, part: Any, index: int) -> None:
    """Draw page ``index`` (0-based) of ``part`` (another PDF) beneath ``page`` of ``sheet``."""
    import pikepdf

    part_page = part.pages[index]
    form = _as_form(part, part_page)
    resources = page.obj.get("/Resources")
    if resources is None:
        resources = page.obj.Resources = pikepdf.Dictionary()
    if "/XObject" not in resources:
        resources.XObject = pikepdf.Dictionary()
    resources.XObject[PART_NAME] = sheet.copy_foreign(form)
    # Its own graphics state: nothing the part leaves set reaches the frame's drawing.
    under = sheet.make_stream(f"q {PART_NAME} Do Q\n".encode("ascii"))
    contents = page.obj.get("/Contents")
    if contents is None:
        page.obj.Contents = pikepdf.Array([under])
    elif isinstance(contents, pikepdf.Array):
        page.obj.Contents = pikepdf.Array([under, *contents])
    else:
        page.obj.Contents = pikepdf.Array([under, contents])
    links = [sheet.copy_foreign(part.make_indirect(link)) for link in _links(part_page)]
    if links:
        page.obj.Annots = pikepdf.Array([*page.obj.get("/Annots", []), *links])


def _as_form(part: Any, part_page: Any) -> Any:
    """The part page as a form XObject: its one content stream, made a form in place (in
    memory: the part's file is only read), or its several streams joined in one."""
    import pikepdf

    contents = part_page.obj.get("/Contents")
    if isinstance(contents, pikepdf.Stream):
        form = contents
    else:  # an array of streams (typst writes one): their data, decoded, in one form
        form = pikepdf.Stream(part, b"".join(stream.read_bytes() + b"\n"
                                             for stream in (contents or [])))
    form.Type = pikepdf.Name.XObject
    form.Subtype = pikepdf.Name.Form
    form.BBox = part_page.obj.MediaBox
    form.Resources = part_page.obj.get("/Resources", pikepdf.Dictionary())
    return form


def _links(part_page: Any) -> list[Any]:
    """The part page's web links, without their page (``/P``), which would bring the part's
    whole page along.  Links within the part point at its own pages and are left out."""
    import pikepdf

    found = []
    for annotation in part_page.obj.get("/Annots", []):
        action = annotation.get("/A")
        if (annotation.get("/Subtype") == pikepdf.Name.Link and action is not None
                and action.get("/S") == pikepdf.Name.URI):
            link = pikepdf.Dictionary({key: value for key, value in annotation.items()
                                       if key not in ("/P", "/StructParent")})
            found.append(link)
    return found
