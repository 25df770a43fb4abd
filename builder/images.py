"""Local images referenced from the notes → media files, never reaching outside the source tree."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from builder.assets import MediaFile
from builder.model import Diagnostic, SourceLoc

IMAGE_TYPES = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".svg": (b"<?xml", b"<svg"),
}
MAX_IMAGE_BYTES = 10 * 1024 * 1024


@dataclass
class ImageResolver:
    """Resolves an image ``src`` as written in a document to a media file, with diagnostics.

    ``roots`` maps each document's displayed path to its source tree: an image
    must resolve inside that tree (symlinks followed), so shared notes cannot
    pack files such as ``../../../etc/passwd`` into a deck.  Every use of a bad
    image is reported at its own location.
    """

    roots: Mapping[str, Path]
    site_root: str = "."
    """Where site-root paths (``/img/x.png``) start, relative to the source tree."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _cache: dict[tuple[str, str], MediaFile | tuple[str, str]] = field(default_factory=dict)

    def resolve(self, src: str, loc: SourceLoc) -> MediaFile | None:
        """Return the media file for ``src``, or None after reporting why at ``loc``."""
        key = (src, loc.path)
        if key not in self._cache:
            self._cache[key] = self._resolve(src, loc.path)
        outcome = self._cache[key]
        if isinstance(outcome, MediaFile):
            return outcome
        message, code = outcome
        self.diagnostics.append(Diagnostic(loc, "warning", message, code))
        return None

    def lookups(self) -> list[tuple[str, str, str]]:
        """Every image looked up so far: (src, document, what it resolved to)."""
        return [(src, doc_path, _outcome(found))
                for (src, doc_path), found in self._cache.items()]

    def same_as(self, lookups: list[tuple[str, str, str]]) -> bool:
        """Say whether each of ``lookups`` still resolves as it did: same image
        content and name, or the same problem."""
        return all(_outcome(self._resolve(src, doc_path)) == outcome
                   for src, doc_path, outcome in lookups)

    def _resolve(self, src: str, doc_path: str) -> MediaFile | tuple[str, str]:
        if src.startswith(("http://", "https://", "//")):
            return f"remote image not fetched: {src}", "remote-image"
        if ":" in src.split("/", 1)[0]:
            return f"image URL scheme not allowed: {src}", "image-path"
        root = self.roots.get(doc_path, Path.cwd()).resolve()
        relative = PurePosixPath(src.replace("\\", "/"))
        # Site-root paths ("/images/x.png") resolve against the source tree, not the disk.
        if relative.is_absolute():
            candidate = root / self.site_root / relative.relative_to("/")
        else:
            candidate = Path(doc_path).resolve().parent / relative
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return f"image not found: {src}", "image-missing"
        if not resolved.is_relative_to(root):
            return f"image outside the source tree refused: {src}", "image-outside"
        return _media(resolved, src)


def _outcome(found: MediaFile | tuple[str, str]) -> str:
    # A media name carries a hash of the image's bytes.
    return found.name if isinstance(found, MediaFile) else "\0".join(found)


def _media(path: Path, src: str) -> MediaFile | tuple[str, str]:
    suffix = path.suffix.lower()
    if suffix not in IMAGE_TYPES or not path.is_file():
        return f"not an image type Anki shows: {src}", "image-type"
    if path.stat().st_size > MAX_IMAGE_BYTES:
        return f"image larger than {MAX_IMAGE_BYTES // 2**20} MB: {src}", "image-size"
    data = path.read_bytes()
    if not data.lstrip().startswith(IMAGE_TYPES[suffix]):
        return f"file is not the {suffix[1:]} image its name claims: {src}", "image-type"
    digest = hashlib.sha256(data).hexdigest()[:16]
    stem = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_"
                   for c in path.stem)[:60]
    return MediaFile(f"img-{stem}-{digest}{suffix}", path)
