"""Local images referenced from the notes → media files, never reaching outside the source tree."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from builder.model import Diagnostic, SourceLoc, one_line
from builder.parse.wikiembeds import wiki_target
from builder.render.imagecheck import (
    MAX_PIXELS,
    ImageInfo,
    NotAnImage,
    decode_tried,
    image_info,
    typst_decode_problem,
)
from builder.render.imagepaths import (
    DRIVE,
    OtherForms,
    folded,
    refusal,
    site_path,
    spellings,
    tails,
)
from builder.render.media import MediaFile
from builder.render.repourls import another_repository, tree_copies
from builder.support import inputs
from builder.support.filestat import settled, signature
from builder.support.safefile import read_regular
from builder.support.walk import walk

IMAGE_SUFFIXES = {".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg", ".gif": ".gif",
                  ".webp": ".webp", ".svg": ".svg"}
"""File suffixes taken as pictures, and the type each names (as ``image_info`` says it)."""
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
    _vaults: dict[Path, _Vault] = field(default_factory=dict)
    _forms: OtherForms = field(default_factory=OtherForms)

    def resolve(self, src: str, loc: SourceLoc) -> MediaFile | None:
        """Return the media file for ``src``, or None after reporting why at ``loc``."""
        key = (src, loc.path)
        if key not in self._cache:
            self._cache[key] = self._resolve(src, loc.path)
            inputs.looked_up(src, loc.path, _outcome(self._cache[key]))
        outcome = self._cache[key]
        if isinstance(outcome, MediaFile):
            if another_repository(src, self.roots.get(loc.path)):
                self.diagnostics.append(Diagnostic(
                    loc, "note", f"picture at {one_line(src)[:120]} shown from this folder's "
                    f"copy {outcome.path.name}: check it is the same picture", "remote-image"))
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
        # A picture that resolved before is only hashed again: its name holds the hash of
        # the bytes that passed every check, so the same name means the same verdict.
        return all(_outcome(self._resolve(src, doc_path, outcome)) == outcome
                   for src, doc_path, outcome in lookups)

    def _resolve(self, src: str, doc_path: str, passed: str = ""
                 ) -> MediaFile | tuple[str, str]:
        target = wiki_target(src)
        if target is not None:
            return self._embedded(src, target, doc_path, passed)
        refused = refusal(src)
        drive = DRIVE.match(src.strip()) is not None
        root = self.roots.get(doc_path, Path.cwd()).resolve()
        if refused is not None and refused[1] == "remote-image":
            # The repository's own copy on a code host: the file is in the tree built.
            for copy in tree_copies(src, root):
                try:
                    resolved = copy.resolve(strict=True)
                except (OSError, RuntimeError, ValueError):  # missing, a loop, a long name
                    continue
                if resolved.is_file() and resolved.is_relative_to(root):
                    return _media(resolved, src, passed)
        if refused is not None and not drive:
            return refused
        outside = False
        candidates = [candidate for spelling in spellings(src) for candidate in
                      ([] if drive else self._candidates(spelling, doc_path, root))
                      + tails(spelling, root, drive)]
        for candidate in self._then_other_forms(candidates):
            try:
                resolved = candidate.resolve(strict=True)
            except (OSError, RuntimeError, ValueError):
                continue
            if resolved.is_relative_to(root):
                return _media(resolved, src, passed)
            outside = True
        if outside:
            return f"image outside the source tree refused: {src}", "image-outside"
        if refused is not None:
            return refused
        return f"image not found: {src}{self._hint(src, root)}", "image-missing"

    def _embedded(self, src: str, target: str, doc_path: str, passed: str
                  ) -> MediaFile | tuple[str, str]:
        """An Obsidian embed: beside the note, from the vault's top, else the file of that
        name (or path end) nearest the top of the tree, as Obsidian finds it."""
        refused = refusal(target)
        if refused is not None:
            return refused
        root = self.roots.get(doc_path, Path.cwd()).resolve()
        vault = self._vaults.setdefault(root, _Vault(root))
        outside = special = False
        beside = Path(doc_path).resolve().parent
        for candidate in [*self._then_other_forms([beside / target, root / target]),
                          *vault.ending_with(target)]:
            try:
                resolved = candidate.resolve(strict=True)
            except (OSError, RuntimeError, ValueError):
                continue
            if not resolved.is_relative_to(root):
                outside = True
            elif resolved.is_file():
                return _media(resolved, src, passed)
            else:  # a folder or a FIFO named like a picture: never opened
                special = True
        if outside:
            return f"image outside the source tree refused: {src}", "image-outside"
        if special:
            return f"not a picture file (a folder or a special file): {src}", "image-type"
        shown = _shown(root).rstrip("/") + "/"
        where = (f"in the first {_VAULT_FILES:,} files under {shown}, the folder being built, "
                 "which holds more: the rest are not searched") if vault.cut_short else \
            f"everywhere under {shown}, the folder being built"
        # An Obsidian vault keeps its pictures in one folder of its own, often above the
        # note's (``AI/media/`` for ``AI/ML/Attention.md``): nothing above is read.
        return (f"image not found: {src} (looked for {PurePosixPath(target).name} "
                f"{where}; a vault's attachment folder above it is not read: build the "
                "vault's folder)"), "image-missing"

    def _then_other_forms(self, candidates: list[Path]) -> Iterator[Path]:
        """``candidates``, then (when none is found) each of them as named on disk in
        another Unicode normalisation (see ``OtherForms``)."""
        yield from candidates
        for candidate in candidates:
            found = self._forms.find(candidate)
            if found is not None:
                yield found

    def _candidates(self, path: str, doc_path: str, root: Path) -> list[Path]:
        """Where a path may point: beside the document, or for a site-root path
        (``/images/x.png``), below the site root."""
        relative = PurePosixPath(path)
        if not relative.is_absolute():
            return [Path(doc_path).resolve().parent / relative]
        inside = PurePosixPath(path.lstrip("/"))
        if self.site_root != ".":
            return [root / self.site_root / inside]
        # No site root given: the source tree's top, then the folders blog engines serve
        # from (Hugo's static/, Hexo's source/, VuePress's public/), then each folder down
        # to the document's own; never above the tree.
        folder = Path(doc_path).resolve().parent
        between = [folder, *folder.parents] if folder.is_relative_to(root) else []
        bases = [root, *reversed([f for f in between if f != root and f.is_relative_to(root)])]
        return [base / serve / inside for base in bases for serve in _SERVED_FROM]

    def _hint(self, src: str, root: Path) -> str:
        if site_path(src) != src:
            return f" (read as the site path {site_path(src)}){self._hint(site_path(src), root)}"
        if not src.replace("\\", "/").startswith("/"):
            return ""
        shown = _shown(root)
        if self.site_root != ".":
            return f" (looked up below {shown}/{self.site_root}, from --site-root)"
        # Nothing above the folder given to build is read: building the folder that holds
        # both the notes and the pictures is the way to reach it.
        return (f" (site-root paths are looked up inside {shown}, the folder being built; "
                "build the folder that holds the pictures too, or see --site-root)")


def _shown(root: Path) -> str:
    """The source tree as the user named it: from the working folder, else in full."""
    try:
        return root.relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(root)


_SERVED_FROM = ("", "static", "source", "public")

class _Vault:
    """The files of a source tree by name, read once, for embeds that name a picture
    without its folder.  Hidden folders (``.git``, ``.obsidian``, ``.trash``) are left
    out, and so is everything past the first ``_VAULT_FILES`` files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._by_name: dict[str, list[PurePosixPath]] | None = None
        self.cut_short = False
        """Set when the walk stopped at ``_VAULT_FILES``: a name not found may be past it."""

    def ending_with(self, target: str) -> list[Path]:
        """The files whose path ends with ``target`` (compared without case, as the
        Windows and macOS file systems most vaults live on do), shortest path first."""
        wanted = PurePosixPath(folded(target))
        if ".." in wanted.parts or wanted.is_absolute():
            return []
        found = [p for p in self._files().get(wanted.name, ())
                 if PurePosixPath(folded(p.as_posix())).parts[-len(wanted.parts):]
                 == wanted.parts]
        return [self.root / p for p in sorted(found, key=lambda p: (len(p.parts), p))]

    def _files(self) -> dict[str, list[PurePosixPath]]:
        if self._by_name is None:
            self._by_name = {}
            seen = 0
            for folder, subfolders, names in walk(self.root):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
                here = PurePosixPath(Path(folder).relative_to(self.root).as_posix())
                for name in names:
                    self._by_name.setdefault(folded(name), []).append(here / name)
                if (seen := seen + len(names)) > _VAULT_FILES:
                    self.cut_short = True
                    break
        return self._by_name



_VAULT_FILES = 200_000
"""Files read for embeds' names at most: a vault, not a whole disk."""


def _outcome(found: MediaFile | tuple[str, str]) -> str:
    # A media name carries a hash of the image's bytes.
    return found.name if isinstance(found, MediaFile) else "\0".join(found)


def _media(path: Path, src: str, passed: str = "") -> MediaFile | tuple[str, str]:
    """Check the picture at ``path``; ``passed`` is a media name already checked."""
    suffix = path.suffix.lower()
    if suffix not in IMAGE_SUFFIXES or not path.is_file():
        return f"not an image type Anki shows: {src}", "image-type"
    try:
        stat = path.stat()
        if stat.st_size > MAX_IMAGE_BYTES:
            return f"image larger than {MAX_IMAGE_BYTES // 2**20} MB: {src}", "image-size"
        seen, data = _read(path, stat)
        if data is None and isinstance(seen.info, ImageInfo) \
                and not decode_tried(seen.sha256, seen.info.suffix):
            data = read_regular(path, MAX_IMAGE_BYTES)  # typst tries the bytes below
            if hashlib.sha256(data).digest() != seen.sha256:  # changed since: look again
                _SEEN.pop(str(path), None)
                return _media(path, src, passed)
    except OSError as exc:
        return f"image cannot be read: {src}: {exc.strerror or exc}", "image-missing"
    info = seen.info
    if isinstance(info, str):
        return f"file is not the {suffix[1:]} image its name claims ({info}): {src}", "image-type"
    digest = seen.sha256.hex()[:16]
    stem = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_"
                   for c in path.stem)[:60]
    # Named by what the bytes are: a JPEG saved as .png is still shown (browsers and
    # typst look at the bytes), under a name that tells the truth.
    kept = suffix if IMAGE_SUFFIXES[suffix] == info.suffix else info.suffix
    media = MediaFile(f"img-{stem}-{digest}{kept}", path)
    if media.name == passed:
        return media
    # Bytes of another type that also fail below are most likely not a picture at all.
    misnamed = (f"file is not the {suffix[1:]} image its name claims: {src}", "image-type")
    # An SVG's size is only nominal: it is drawn at the size it is shown.
    if info.pixels > MAX_PIXELS and info.suffix != ".svg":
        return misnamed if IMAGE_SUFFIXES[suffix] != info.suffix else (
            f"image of {info.width}×{info.height} pixels refused, over the "
            f"{MAX_PIXELS // 1_000_000}-megapixel limit: {src}", "image-size")
    problem = typst_decode_problem(data, info.suffix, seen.sha256)
    if problem is not None and IMAGE_SUFFIXES[suffix] != info.suffix:
        return misnamed
    if problem is not None:
        return f"image cannot be decoded, left out: {src}: {problem}", "image-corrupt"
    return media


@dataclass(frozen=True, slots=True)
class _Seen:
    """What a picture file held when it was last read, known again by its stat."""

    stat: str
    sha256: bytes
    info: ImageInfo | str
    """Its type and size from its header, or why it is no picture."""


_SEEN: dict[str, _Seen] = {}
_MAX_SEEN = 100_000


def _read(path: Path, stat: os.stat_result) -> tuple[_Seen, bytes | None]:
    """What the picture at ``path`` holds, and its bytes if they were read now.

    A build looks each picture up for the cards, the section introductions and the PDF
    (and a watching build again after each save): the bytes are read and hashed once, and
    known again while the file's stat stays the same.
    """
    known = _SEEN.get(str(path))
    if known is not None and known.stat == signature(stat):
        return known, None
    now = time.time_ns()
    data = read_regular(path, MAX_IMAGE_BYTES)  # what the stat said may have changed
    try:
        info: ImageInfo | str = image_info(data)
    except NotAnImage as exc:
        info = str(exc)
    seen = _Seen(signature(stat), hashlib.sha256(data).digest(), info)
    # Known by the stat taken before reading (any change since gives another), and not
    # when the file changed too recently for its stat to tell (see ``checkedfiles``).
    if settled(stat, now):
        if len(_SEEN) >= _MAX_SEEN:
            _SEEN.clear()
        _SEEN[str(path)] = seen
    return seen, data
