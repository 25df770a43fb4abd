"""Local images referenced from the notes → media files, never reaching outside the source tree."""

from __future__ import annotations

import hashlib
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
    pack files such as ``../../../etc/passwd`` into a deck.
    """

    roots: dict[str, Path]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _cache: dict[tuple[str, str], MediaFile | None] = field(default_factory=dict)
    _line: int = 1

    def resolve(self, src: str, doc_path: str, line: int) -> MediaFile | None:
        key = (src, doc_path)
        if key not in self._cache:
            self._line = line
            self._cache[key] = self._resolve(src, doc_path)
        return self._cache[key]

    def _warn(self, doc_path: str, message: str, code: str) -> None:
        self.diagnostics.append(Diagnostic(SourceLoc(doc_path, self._line), "warning", message,
                                           code))

    def _resolve(self, src: str, doc_path: str) -> MediaFile | None:
        if src.startswith(("http://", "https://", "//")):
            self._warn(doc_path, f"remote image not fetched: {src}", "remote-image")
            return None
        if ":" in src.split("/", 1)[0]:
            self._warn(doc_path, f"image URL scheme not allowed: {src}", "image-path")
            return None
        root = self.roots.get(doc_path, Path.cwd()).resolve()
        relative = PurePosixPath(src.replace("\\", "/"))
        # Site-root paths ("/images/x.png") resolve against the source tree, not the disk.
        if relative.is_absolute():
            candidate = root / relative.relative_to("/")
        else:
            candidate = Path(doc_path).resolve().parent / relative
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            self._warn(doc_path, f"image not found: {src}", "image-missing")
            return None
        if not resolved.is_relative_to(root):
            self._warn(doc_path, f"image outside the source tree refused: {src}", "image-outside")
            return None
        return self._media(resolved, src, doc_path)

    def _media(self, path: Path, src: str, doc_path: str) -> MediaFile | None:
        suffix = path.suffix.lower()
        if suffix not in IMAGE_TYPES:
            self._warn(doc_path, f"not an image type Anki shows: {src}", "image-type")
            return None
        if path.stat().st_size > MAX_IMAGE_BYTES:
            self._warn(doc_path, f"image larger than {MAX_IMAGE_BYTES // 2**20} MB: {src}",
                       "image-size")
            return None
        data = path.read_bytes()
        if not data.lstrip().startswith(IMAGE_TYPES[suffix]):
            self._warn(doc_path, f"file is not the {suffix[1:]} image its name claims: {src}",
                       "image-type")
            return None
        digest = hashlib.sha256(data).hexdigest()[:16]
        stem = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_"
                       for c in path.stem)[:60]
        return MediaFile(f"img-{stem}-{digest}{suffix}", path)
