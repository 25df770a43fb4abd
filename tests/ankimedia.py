"""Does a package's every picture reach Anki?  Checked with the real Anki client.

Every package the suite builds is checked once: ``import_apkg`` checks what a test
imports itself, and the autouse fixtures in ``conftest.py`` check the rest (see
``PackageWatch``).  Packages are known by their bytes, so a rebuild that writes the same
package again costs nothing.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from anki.collection import Collection


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


def missing_media(col: Collection) -> list[str]:
    """Every ``<img src>`` in any field of any note, and every file Anki itself reads a
    field as naming (``files_in_str``: a ``[sound:…]`` too), that is not a non-empty file
    of the collection's media folder, as ``question: name``."""
    folder = Path(col.media.dir())
    missing = []
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        for field in note.fields:
            named = dict.fromkeys([*image_sources(field),
                                   *col.media.files_in_str(note.mid, field)])
            for src in named:
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


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class PackageWatch:
    """Which packages the suite has built, and which of them real Anki has checked.

    ``written`` holds packages the builder wrote in this process (some land in folders
    deleted before the test ends, so their bytes are kept); ``checked`` the digests of
    packages already imported and found whole.
    """

    def __init__(self) -> None:
        self.written: list[tuple[str, bytes]] = []
        self.checked: set[str] = set()
        self.imports = 0

    def note_written(self, package: Path) -> None:
        with open(package, "rb") as handle:
            self.written.append((str(package), handle.read()))

    def note_checked(self, package: Path) -> None:
        self.checked.add(digest(package.read_bytes()))

    def take_written(self) -> list[tuple[str, bytes]]:
        taken, self.written = self.written, []
        return taken

    def check(self, packages: list[tuple[str, bytes]]) -> None:
        """Import each package not yet checked into a fresh collection; assert that every
        picture of every note is in its media folder and not empty."""
        for label, data in packages:
            if digest(data) not in self.checked:
                self._check_one(label, data)

    def _check_one(self, label: str, data: bytes) -> None:
        from anki.collection import Collection

        from .conftest import import_apkg

        with tempfile.TemporaryDirectory(prefix="anki-watch-") as folder:
            copy = Path(folder) / "package.apkg"
            copy.write_bytes(data)
            col = Collection(str(Path(folder) / "collection.anki2"))
            try:
                self.imports += 1
                import_apkg(col, copy)  # asserts every picture is there
            except AssertionError as error:
                raise AssertionError(f"{label}: {error}") from None
            finally:
                col.close()
        self.checked.add(digest(data))


WATCH = PackageWatch()


def packages_under(folder: Path) -> Iterator[tuple[str, bytes]]:
    """Every regular ``*.apkg`` file under ``folder``, without following symbolic links
    (tests build link loops and links out of the tree on purpose)."""
    for root, _dirs, files in os.walk(folder):
        for name in files:
            if not name.endswith(".apkg"):
                continue
            path = os.path.join(root, name)
            try:
                if not stat.S_ISREG(os.lstat(path).st_mode):
                    continue
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                continue  # unreadable on purpose (a hostile test's permissions)
            yield path, data
