"""Does a package's every picture reach Anki?  Checked with the real Anki client."""

from __future__ import annotations

import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any


class _Sources(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.found += [value or "" for name, value in attrs if name == "src"]


def image_sources(html: str) -> list[str]:
    """Every ``<img src>`` of an HTML fragment, as a browser would read it."""
    parser = _Sources()
    parser.feed(html)
    parser.close()
    return parser.found


def missing_media(col: Any) -> list[str]:
    """Every ``<img src>`` in any field of any note that is not a non-empty file of the
    collection's media folder, as ``question: src``."""
    folder = Path(col.media.dir())
    missing = []
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        for field in note.fields:
            for src in image_sources(field):
                path = folder / src
                if "/" in src or not path.is_file() or path.stat().st_size == 0:
                    missing.append(f"{note.fields[0][:40]}: {src}")
    return missing


def assert_media_present(package: Path) -> dict[str, list[str]]:
    """Import ``package`` into a fresh real Anki collection and assert every picture a
    field shows is in its media folder and not empty.  Return each note's picture names
    by its question."""
    from anki.collection import Collection

    from .conftest import import_apkg

    with tempfile.TemporaryDirectory(prefix="anki-media-") as folder:
        col = Collection(str(Path(folder) / "collection.anki2"))
        try:
            import_apkg(col, package)
            assert col.find_notes(""), f"{package} imported no notes"
            missing = missing_media(col)
            assert not missing, f"pictures missing in Anki: {missing}"
            return {col.get_note(nid).fields[0]: [src for field in col.get_note(nid).fields
                                                  for src in image_sources(field)]
                    for nid in col.find_notes("")}
        finally:
            col.close()
