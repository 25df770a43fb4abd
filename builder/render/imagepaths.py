"""How a picture's path as written in the notes is read: refused outright (remote, a
scheme, a control character), the spellings an author may have meant, an absolute path's
tails below the source tree, a blog template's site-root path."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

DRIVE = re.compile(r"[A-Za-z]:[\\/]")
_TAILS_MAX = 64
"""Deepest absolute path whose tails are looked for in the source tree."""


def tails(path: str, root: Path, drive: bool) -> list[Path]:
    """Where an absolute path from the author's computer may be in the source tree:
    ``F:/Projects/Book/docs/imgs/p.png`` or ``/Users/me/repo/docs/imgs/p.png`` as
    ``docs/imgs/p.png`` or ``imgs/p.png`` below ``root``, longest first.  A tail keeps a
    folder and the file name: a name alone is no evidence."""
    parts = PurePosixPath(path).parts
    if not parts or not (drive or parts[0] == "/") or len(parts) > _TAILS_MAX:
        return []
    body = parts[1:]
    if any(part in ("..", ".") for part in body):
        return []
    # Without a drive, the whole path below root was tried already, as a site-root path.
    return [root.joinpath(*body[i:]) for i in range(0 if drive else 1, len(body) - 1)]
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


_SHOWN_PATH = 300
"""Characters of a refused path quoted in its diagnostic."""


def refusal(src: str) -> tuple[str, str] | None:
    """Say why ``src`` is not a local picture path at all, or None."""
    shown = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", src)
    if len(shown) > _SHOWN_PATH:
        # A hostile path of megabytes must not become a megabyte diagnostic line.
        shown = f"{shown[:_SHOWN_PATH]}… ({len(src):,} characters)"
    if not src.strip():
        return "image with an empty path", "image-missing"
    if _CONTROL.search(src):
        return f"image path with a control character refused: {shown}", "image-path"
    lowered = src.strip().lower()
    if lowered.startswith(("http://", "https://", "//")):
        return f"remote image not fetched: {shown}", "remote-image"
    if src.startswith(("\\\\", "\\/", "/\\")):
        return f"network (UNC) image path refused: {shown}", "image-path"
    scheme = _SCHEME.match(src)
    if scheme is not None and len(scheme.group()) == 2:
        return (f"absolute Windows path refused: {shown}; copy the picture next to the notes "
                "and use a relative path", "image-path")
    if scheme is not None:
        return f"image URL scheme not allowed: {shown}", "image-path"
    return None


def spellings(src: str) -> list[str]:
    """The ways an author may have meant ``src``: as written, without a query or
    fragment (``fig.png?raw=true``, ``fig.png#pic_center``), or percent-decoded."""
    path = site_path(src.strip()).replace("\\", "/")
    cut = re.split(r"[?#]", path, maxsplit=1)[0]
    found = [path, cut, unquote(path), unquote(cut)]
    return [p for p in dict.fromkeys(found) if p and not _CONTROL.search(p)]


_SITE_PREFIX = re.compile(r"(?:\{\{-?\s*\.?(?:site|Site)\.(?:baseurl|url|BaseURL)\s*-?\}\})+")
_SITE_FILTER = re.compile(
    r"\{\{-?\s*(['\"])([^'\"{}]*)\1\s*\|\s*(?:relative_url|absolute_url|relURL|absURL)\s*-?\}\}")


def site_path(src: str) -> str:
    """A blog template's site-root path as the site root path it stands for: Jekyll's
    ``{{ site.baseurl }}/images/x.png`` and ``{{ "/images/x.png" | relative_url }}``, Hugo's
    ``{{ .Site.BaseURL }}``, as ``/images/x.png``; any other ``src`` as it is."""
    filtered = _SITE_FILTER.fullmatch(src)
    if filtered is not None:
        return "/" + filtered.group(2).lstrip("/")
    prefix = _SITE_PREFIX.match(src)
    if prefix is None:
        return src
    return "/" + src[prefix.end():].lstrip("/")


class OtherForms:
    """Names written in one Unicode normalisation or case found on disk in another.

    A macOS author's file ``é.png`` is often stored decomposed (``e`` and a combining
    accent, NFD; Hangul syllables as their letters) while the notes name it composed
    (NFC), or the other way: the same text, other bytes, and Linux compares bytes.  And
    macOS and Windows open ``2d_conv.png`` for a file saved as ``2d_conv.PNG``, so notes
    written there name pictures in any case (a real file: all 20 of its pictures).  Each
    folder is listed once a build, whatever number of pictures look in it.
    """

    def __init__(self) -> None:
        self._folders: dict[Path, dict[str, list[str]]] = {}

    def find(self, path: Path) -> Path | None:
        """``path`` with each name missing on disk replaced by the one entry of its folder
        that reads the same under NFC and case folding; None when a name has no such entry
        or several (``a.png`` and ``A.png``: which was meant?), or when nothing was
        missing.  (The caller still keeps it inside the source tree.)"""
        found, replaced = Path(path.parts[0]), False
        for part in path.parts[1:]:
            here = found / part
            if part in (".", "..") or os.path.lexists(here):
                found = here
                continue
            same = self._entries(found).get(folded(part), [])
            if len(same) != 1:
                return None
            found, replaced = found / same[0], True
        return found if replaced else None

    def _entries(self, folder: Path) -> dict[str, list[str]]:
        if folder not in self._folders:
            by_form: dict[str, list[str]] = {}
            try:
                names = os.listdir(folder)
            except (OSError, ValueError):
                names = []
            for name in names:
                by_form.setdefault(folded(name), []).append(name)
            self._folders[folder] = by_form
        return self._folders[folder]


def folded(name: str) -> str:
    """A name as Obsidian's search, macOS and Windows compare it: without case, and in one
    normalisation (a macOS vault's names are often decomposed, its notes' links composed)."""
    return unicodedata.normalize("NFC", name.casefold())
