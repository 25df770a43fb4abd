"""Pictures as the PDF prints them: a copy no larger than the page can show.

typst holds every picture of a compile decoded until the compile ends: 16 PNGs of
7000×7000 pixels (one colour and a little noise, 190 KB each) took the build 2.3 GB,
32 took 4.5 GB and 33 s, and a few hundred would exhaust any machine.  The page shows a
picture at most a column wide and 18 cm tall (``fit-image`` in templates/pdf-nodes.typ),
so a larger one is printed from a copy of that size at ``PRINT_DPI``, made once with
Pillow and kept in the cache under a hash of exactly what was drawn (the original's bytes,
the copy's size, this code's version), as formulas' pictures are.  The copy is laid out at
the original's natural size (``imagecheck.natural_size``: typst's own, DPI and EXIF
rotation applied), so the page is the same; typst decodes only the copy.  The card keeps
the original: Anki shows it, and a phone scales it down itself.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from builder.render.imagecheck import (
    MAX_PIXELS,
    NotAnImage,
    image_info,
    natural_size,
    png_data_intact,
    typst_decode_problem,
)
from builder.render.images import MAX_IMAGE_BYTES
from builder.render.media import MediaFile
from builder.support.atomic import atomic_write_bytes
from builder.support.filestat import path_signature
from builder.support.safefile import read_regular

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

PRINT_DPI = 300
COPY_VERSION = "2"
MAX_COPY_BYTES = 64 * 1024 * 1024
_TALLEST_MM = 180.0
"""``max-image-height`` in templates/pdf-nodes.typ: no picture is printed taller."""
_PAPER_MM = {"a4": 210.0, "letter": 215.9}
_MARGINS_MM = 20.0
"""The side margins together, the narrower of the sheet's (24 mm, templates/sheet-common.typ)
and the cards' (20 mm, templates/cards.typ); the gutters between columns are left in: the
copy is a little larger than a column, never smaller."""


def print_box(paper: str, columns: int) -> tuple[int, int]:
    """The largest picture, in pixels, a page of ``paper`` in ``columns`` shows at
    ``PRINT_DPI``: a column wide, ``_TALLEST_MM`` tall."""
    column_mm = (_PAPER_MM.get(paper, max(_PAPER_MM.values())) - _MARGINS_MM) / columns
    return (math.ceil(column_mm / 25.4 * PRINT_DPI), math.ceil(_TALLEST_MM / 25.4 * PRINT_DPI))


@dataclass(frozen=True, slots=True)
class PrintCopy:
    """The picture the PDF prints for one the notes show: a smaller copy, or the original."""

    media: MediaFile
    natural: tuple[float, float] | None
    """A copy's original's natural size in points, which ``fit-image`` lays the copy out
    at; None for the original itself."""
    pixels: int
    """What typst decodes: ``parts.split`` puts no more than ``PART_PIXELS`` in one part."""


def print_copy(found: MediaFile, box: tuple[int, int], cache: Path) -> PrintCopy | None:
    """The picture the PDF prints for ``found``: a copy from ``cache`` or made now, or the
    original (small enough, or not drawable by Pillow); None for an SVG or a picture
    changed since it was checked (the original is printed)."""
    key = (found.name, box, cache)
    known = _KNOWN.get(key)
    if known is not None and (known[0] is None
                              or path_signature(known[0].media.path) == known[1]):
        return known[0]
    try:
        made = _print_copy(found, box, cache)
    except OSError:  # unreadable now (a file being saved, a share away): tried again next time
        return None
    if len(_KNOWN) >= _MAX_KNOWN:
        _KNOWN.clear()
    _KNOWN[key] = made, None if made is None else path_signature(made.media.path)
    return made


_KNOWN: dict[tuple[str, tuple[int, int], Path], tuple[PrintCopy | None, str | None]] = {}
"""What ``print_copy`` answered for a picture (by its media name, which holds a hash of its
bytes) and the signature of the copy it gave: a watch plans the PDF again after every
save, which need not read and hash every picture again."""
_MAX_KNOWN = 100_000


def _print_copy(found: MediaFile, box: tuple[int, int], cache: Path) -> PrintCopy | None:
    data = read_regular(found.path, MAX_IMAGE_BYTES)
    try:
        info = image_info(data)
    except NotAnImage:
        return None
    sha = hashlib.sha256(data).digest()
    if info.suffix == ".svg" or info.pixels > MAX_PIXELS or sha.hex()[:16] not in found.name:
        return None
    # The size is known once typst has decoded the picture (its probe is kept per process).
    natural = natural_size(sha, info.suffix) \
        if typst_decode_problem(data, info.suffix, sha) is None else None
    original = PrintCopy(found, None, info.pixels)  # printed as it is
    if natural is None or natural[0] <= 0 or natural[1] <= 0:
        return original
    # typst's natural size is the picture turned as its EXIF says: so is the copy.
    turned = (natural[0] >= natural[1]) != (info.width >= info.height)
    width, height = (info.height, info.width) if turned else (info.width, info.height)
    scale = min(box[0] / width, box[1] / height)
    if scale >= 1:
        return original
    size = max(1, round(width * scale)), max(1, round(height * scale))
    suffix = ".jpg" if info.suffix == ".jpg" else ".png"
    key = hashlib.sha256(f"{COPY_VERSION} {sha.hex()} {size[0]}x{size[1]}{suffix}".encode())
    path = cache / f"print-{key.hexdigest()[:24]}{suffix}"
    if not _intact(path, size, suffix):
        drawn = _draw(data, size, suffix, turned)
        if drawn is None:
            return original
        try:
            cache.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, drawn)
        except OSError as exc:
            log.debug("print copy of %s not written: %s", found.name, exc)
            return original
    return PrintCopy(MediaFile(path.name, path), natural, size[0] * size[1])


def _intact(path: Path, size: tuple[int, int], suffix: str) -> bool:
    """Tell whether the cache holds a whole copy of this size: the cache folder may be a
    cloned repository's, a copy in it anything (a link to /dev/zero, a 7000-pixel PNG)."""
    try:
        data = read_regular(path, MAX_COPY_BYTES)
        info = image_info(data)
    except (OSError, NotAnImage):
        return False
    if (info.suffix, info.width, info.height) != (suffix, *size):
        return False
    return png_data_intact(data) if suffix == ".png" else data.rstrip(b"\0").endswith(b"\xff\xd9")


def _draw(data: bytes, size: tuple[int, int], suffix: str, turned: bool) -> bytes | None:
    """The picture in ``data`` turned as its EXIF says (``turned``: by a quarter) and
    scaled to ``size``, as a PNG or (a photograph) a JPEG; None when Pillow cannot."""
    with warnings.catch_warnings():
        # Pillow warns of damaged metadata it reads past ("Corrupt EXIF data"): the copy
        # is drawn all the same, and the terminal is for the notes' own diagnostics.
        warnings.simplefilter("ignore")
        return _scaled(data, size, suffix, turned)


def _scaled(data: bytes, size: tuple[int, int], suffix: str, turned: bool) -> bytes | None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as opened:
            # Our header check passed: this guards a header Pillow reads otherwise.
            if opened.width * opened.height > MAX_PIXELS:
                return None
            # A JPEG is decoded at 1/2, 1/4 or 1/8 of its size when that is still larger.
            opened.draft(None, (size[1], size[0]) if turned else size)
            orientation = _orientation(opened)
            if turned != (orientation in _QUARTER_TURNS):
                if turned:  # typst turned it by what Pillow cannot tell: as typst does
                    return None
                orientation = 1  # typst could not read the EXIF that says to turn it
            # Turned only when it says so: transposing copies the whole picture.
            method = _TRANSPOSE.get(orientation)
            picture = opened if method is None else opened.transpose(Image.Transpose[method])
            picture = _printable(picture, suffix)
            picture = picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
            out = io.BytesIO()
            if suffix == ".jpg":
                picture.save(out, "JPEG", quality=90)
            else:
                picture.save(out, "PNG", compress_level=6)
            return out.getvalue()
    except Exception as exc:  # Pillow raises many kinds on a damaged file: print the original
        log.debug("no print copy drawn: %s", exc)
        return None


_ORIENTATION = 0x0112
"""The EXIF tag saying how a picture is to be turned (1: as it is)."""
_QUARTER_TURNS = (5, 6, 7, 8)
"""The orientations that turn a picture by a quarter, swapping its width and height."""
_TRANSPOSE = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE",
              6: "ROTATE_270", 7: "TRANSVERSE", 8: "ROTATE_90"}
"""Each orientation's ``Image.Transpose``, as ``ImageOps.exif_transpose`` turns it (by
name: PIL is imported only when a copy is drawn)."""


def _orientation(opened: Image.Image) -> int:
    """The orientation in the picture's EXIF block, as typst reads it: not XMP's
    ``tiff:Orientation``, which ``getexif`` falls back on and typst ignores."""
    from PIL import Image

    exif = Image.Exif()
    try:
        exif.load(opened.info.get("exif", b""))
    except Exception:  # a damaged block: typst reads no orientation from it either
        return 1
    value = exif.get(_ORIENTATION, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _printable(picture: Image.Image, suffix: str) -> Image.Image:
    """``picture`` in a mode Pillow scales and saves as ``suffix``."""
    mode = picture.mode
    if suffix == ".jpg":
        return picture if mode in ("L", "RGB") else picture.convert("RGB")
    if mode in ("L", "LA", "RGB", "RGBA"):
        return picture
    if mode.startswith("I") or mode == "F":  # 16-bit grey: to 8 bits, not clipped
        return picture.point(lambda value: value / 256).convert("L")
    # A transparent palette colour as alpha, which scales (converted to RGB, Pillow keeps it
    # as a colour key, which the scaled edges no longer match).
    see_through = mode in ("PA", "P") and ("transparency" in picture.info or mode == "PA")
    return picture.convert("RGBA" if see_through or "A" in mode else "RGB")
