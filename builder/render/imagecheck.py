"""What a picture file really is: its type and size from its own header, and whether it decodes.

Shared notes are untrusted, so a picture is never taken on its name: its header gives the
type and the pixel size (a 1.5 MB PNG can claim 40000×40000 pixels, 6 GB once decoded),
and typst, the PDF's own decoder, must be able to read it before it is packed.  Cached
images the build drew itself are checked more cheaply (``png_intact``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import struct
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from builder.checks.htmlpolicy import URL_NOISE
from builder.render.pngchunks import PNG_SIGNATURE, oversized_profile
from builder.render.typstengine import Compiler, problem

log = logging.getLogger(__name__)

MAX_PIXELS = 50_000_000
"""About 200 MB once decoded: more than any screen or page needs."""

# SOF markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range.
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xDA)})
_SVG_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in)?\s*$")
_SVG_UNIT_PX = {"px": 1.0, None: 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4,
                "cm": 96 / 2.54, "in": 96.0}


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """A picture's real type (its usual file suffix) and its size in pixels."""

    suffix: str
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


class NotAnImage(ValueError):
    """The bytes are not a picture of a known type, or their header is damaged."""


def image_info(data: bytes) -> ImageInfo:
    """Read a picture's type and pixel size from its header; raise NotAnImage."""
    if data.startswith(PNG_SIGNATURE):
        if len(data) < 24 or data[12:16] != b"IHDR":
            raise NotAnImage("PNG without its IHDR header")
        width, height = struct.unpack(">II", data[16:24])
        return ImageInfo(".png", width, height)
    if data[:6] in (b"GIF87a", b"GIF89a"):
        if len(data) < 10:
            raise NotAnImage("GIF cut short in its header")
        width, height = struct.unpack("<HH", data[6:10])
        return ImageInfo(".gif", width, height)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ImageInfo(".webp", *_webp_size(data))
    if data.startswith(b"\xff\xd8\xff"):
        return ImageInfo(".jpg", *_jpeg_size(data))
    if _looks_like_svg(data):
        return ImageInfo(".svg", *_svg_size(data))
    raise NotAnImage("not a PNG, JPEG, GIF, WebP or SVG picture")


def _webp_size(data: bytes) -> tuple[int, int]:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return (int.from_bytes(data[24:27], "little") + 1,
                int.from_bytes(data[27:30], "little") + 1)
    raise NotAnImage("WebP with a damaged header")


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """Walk the JPEG's marker segments to its frame header (SOFn)."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            raise NotAnImage("JPEG with a damaged marker")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in _JPEG_STANDALONE:
            at += 2
            continue
        length = int.from_bytes(data[at + 2:at + 4], "big")
        if marker in _JPEG_SOF:
            if at + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        if length < 2:
            raise NotAnImage("JPEG with a damaged segment length")
        at += 2 + length
    raise NotAnImage("JPEG without a frame header")


_SVG_START = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*<(?:\?xml|svg|!--|!doctype)",
                        re.IGNORECASE)
"""How an SVG file starts: its root, or the preamble editors write before it (an XML
declaration, comments, a DOCTYPE), after a UTF-8 byte order mark and any white space;
the preamble itself is read by the XML parser (``_svg_elements``)."""


def _looks_like_svg(data: bytes) -> bool:
    return _SVG_START.match(data) is not None


def _svg_size(data: bytes) -> tuple[int, int]:
    """Read the root ``<svg>``'s width and height (or viewBox), in CSS pixels."""
    starts = _svg_elements(data)
    if not starts or starts[0][0].rsplit("}", 1)[-1] != "svg":
        raise NotAnImage("XML file whose root element is not <svg>")
    if any(_runs_code(*element) for element in starts):
        # Shown through <img> it would not run, but it would sit in the user's Anki media
        # folder, and Anki serves that folder to its web view.
        raise NotAnImage("SVG with a script, an on…= handler or a javascript: link")
    root = starts[0][1]
    box = (root.get("viewBox") or "").replace(",", " ").split()
    width, height = _svg_length(root.get("width")), _svg_length(root.get("height"))
    if len(box) == 4:
        width = width if width is not None else _svg_length(box[2])
        height = height if height is not None else _svg_length(box[3])
    # Capped: a number of any length is valid XML, and these sizes are only ever compared.
    return round(min(width or 0, 1e9)), round(min(height or 0, 1e9))


def _svg_elements(data: bytes) -> list[tuple[str, dict[str, str]]]:
    """Each element's name (``namespace}local``) and attributes, in document order.

    Read by expat itself, so whatever encoding the file declares: an entity declaration
    is refused where the parser meets it (entities are how an SVG grows a billion laughs
    or names a file to read, and pictures need none), not by looking for its bytes."""
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    starts: list[tuple[str, dict[str, str]]] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        starts.append((name, attributes))

    def entity(*_declared: object) -> None:
        raise NotAnImage("SVG defining XML entities")

    def skipped(name: str, _parameter: bool) -> None:  # named, declared nowhere it reads
        raise NotAnImage(f"SVG using the XML entity &{name[:40]}; (pictures need none)")

    parser.StartElementHandler = start
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.SkippedEntityHandler = skipped
    try:
        parser.Parse(data, True)
    except NotAnImage:
        raise
    except (expat.ExpatError, ValueError, LookupError) as exc:
        raise NotAnImage(f"SVG that is not well-formed XML ({exc})") from None
    return starts


def _runs_code(tag: str, attributes: dict[str, str]) -> bool:
    if tag.rsplit("}", 1)[-1].lower() in ("script", "handler", "listener"):
        return True
    for name, value in attributes.items():
        local = name.rsplit("}", 1)[-1].lower()
        # Any attribute: an animation sets a link (``<set attributeName="href"
        # to="javascript:…">``), a frame in a foreignObject has a ``src``.
        if local.startswith("on") or "javascript:" in URL_NOISE.sub("", value).lower():
            return True
    return False


def _svg_length(value: str | None) -> float | None:
    match = _SVG_LENGTH.match(value or "")
    if match is None:
        return None
    return float(match.group(1)) * _SVG_UNIT_PX[match.group(2)]


def typst_decode_problem(data: bytes | None, suffix: str, sha256: bytes | None = None
                         ) -> str | None:
    """Return why typst cannot decode this picture, or None when it can.

    typst decodes every picture the PDF shows; one it cannot read fails the whole PDF,
    so each is tried alone first (a few milliseconds each; remembered by content).
    ``sha256`` is the bytes' digest when the caller has it; ``data`` may then be None if
    these bytes were tried before (``decode_tried``).
    """
    if sha256 is None:
        assert data is not None
        sha256 = hashlib.sha256(data).digest()
    key = (sha256, suffix)
    if key not in _PROBED:
        if data is None:
            raise ValueError("a picture not tried before needs its bytes")
        _PROBED[key] = _typst_problem(data, suffix, key)
    return _PROBED[key]


def natural_size(sha256: bytes, suffix: str) -> tuple[float, float] | None:
    """A raster picture's size as typst lays it out, in points (its DPI and EXIF rotation
    applied), once ``typst_decode_problem`` has tried it in this process; else None."""
    return _NATURAL.get((sha256, suffix))


def decode_tried(sha256: bytes, suffix: str) -> bool:
    """Whether the picture of this digest was tried with typst in this process."""
    return (sha256, suffix) in _PROBED


_PROBED: dict[tuple[bytes, str], str | None] = {}
_NATURAL: dict[tuple[bytes, str], tuple[float, float]] = {}


def _typst_problem(data: bytes, suffix: str, key: tuple[bytes, str]) -> str | None:
    if suffix == ".png" and (oversized := oversized_profile(data)) is not None:
        return oversized
    if problem() is not None:  # typst cannot start: no picture is to blame for that
        return None
    try:
        scratch = tempfile.TemporaryDirectory(prefix="build-deck-image-")
    except OSError as exc:  # no scratch space: the PDF's own compile will say so
        log.debug("picture not tried with typst: %s", exc)
        return None
    with scratch as folder:
        if suffix != ".svg":
            return _problem_in(Path(folder), data, suffix, _MEASURE, key)
        # Drawing an SVG for the PDF can cost without bound (a filter is painted pixel
        # by pixel: one feMorphology or feTurbulence of a 500-pixel picture kept typst
        # busy for hours), so it is drawn once alone, as the PDF draws it, on a budget;
        # in a child, which is killed when the budget is spent: the folder stays here.
        from builder.support.sandbox import SandboxError, run_limited  # for SVGs only

        try:
            return run_limited(_problem_in, Path(folder), data, suffix, _DRAW,
                               seconds=SVG_SECONDS, memory_bytes=SVG_MEMORY,
                               preload=("typst",))
        except SandboxError as exc:
            return f"drawing it for the PDF {exc}"


SVG_SECONDS = 20.0
"""What drawing one SVG picture for the PDF may take (real ones take milliseconds)."""
SVG_MEMORY = 2 << 30

# Its natural size is kept: the PDF may print a smaller copy at that size (printcopy).
_MEASURE = ("#context { let size = measure(image(PICTURE))\n"
            "[#metadata((size.width.pt(), size.height.pt())) <natural>] }")
# As ``fit-image`` (templates/pdf-nodes.typ) draws it at most: its natural size, or less
# to fit the widest column and the tallest page of any paper.
_DRAW = """#context {
  let natural = measure(image(PICTURE))
  if natural.width > 0pt and natural.height > 0pt {
    let scale = calc.min(1, 612pt / natural.width, 842pt / natural.height)
    image(PICTURE, width: natural.width * scale)
  }
}"""


def _problem_in(workdir: Path, data: bytes, suffix: str, body: str,
                key: tuple[bytes, str] | None = None) -> str | None:
    """Why typst cannot read ``data`` in a page of ``body`` (``PICTURE`` names the file),
    compiled in ``workdir``; None when it can (the natural size then kept under ``key``)."""
    main = workdir / "main.typ"
    try:
        (workdir / f"picture{suffix}").write_bytes(data)
        main.write_text("#set page(width: auto, height: auto, margin: 0pt)\n"
                        + body.replace("PICTURE", f'"picture{suffix}"') + "\n",
                        encoding="utf-8")
    except OSError as exc:
        log.debug("picture not tried with typst: %s", exc)
        return None
    try:
        compiler = Compiler(main, root=workdir, fonts="embedded")
        if body != _MEASURE:
            compiler.pdf()
        else:  # the query is answered from the memo of the compile before it
            compiler.svg()
            width, height = json.loads(compiler.query("<natural>", field="value", one=True))
            if key is not None:
                _NATURAL[key] = float(width), float(height)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # TypstError, or pyo3's PanicException on a typst bug
        message = str(getattr(exc, "message", None) or exc).strip()
        return message.splitlines()[0] if message else type(exc).__name__
    return None


_INFLATE_STEP = 1 << 20
_MAX_INFLATED = 512 * 1024 * 1024


def png_intact(path: Path, max_bytes: int = 64 * 1024 * 1024) -> bool:
    """Tell whether a PNG file is whole: every chunk's CRC, IHDR to IEND, and its pixel
    data inflates completely.  For images this build drew and cached itself."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return png_data_intact(data, max_bytes)


def png_data_intact(data: bytes, max_bytes: int = 64 * 1024 * 1024) -> bool:
    """``png_intact`` for a PNG's bytes already read."""
    if not data.startswith(PNG_SIGNATURE) or len(data) > max_bytes:
        return False
    # Known by content: a watching build checks the same cached pictures after every save,
    # and hashing a file is a small part of inflating it.
    digest = hashlib.blake2b(data, digest_size=16).digest()
    if digest in _INTACT_PNGS:
        return True
    if not _png_whole(data):
        return False
    if len(_INTACT_PNGS) >= _MAX_REMEMBERED:
        _INTACT_PNGS.clear()
    _INTACT_PNGS.add(digest)
    return True


_INTACT_PNGS: set[bytes] = set()
_MAX_REMEMBERED = 100_000


def _png_whole(data: bytes) -> bool:
    at, kinds = len(PNG_SIGNATURE), []
    inflate = zlib.decompressobj()
    try:
        while at + 12 <= len(data):
            length = int.from_bytes(data[at:at + 4], "big")
            kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
            crc = data[at + 8 + length:at + 12 + length]
            if len(body) != length or len(crc) != 4 \
                    or zlib.crc32(kind + body) != int.from_bytes(crc, "big"):
                return False
            if kind == b"IDAT" and not _inflates(inflate, body):
                return False
            kinds.append(kind)
            at += 12 + length
            if kind == b"IEND":
                break
    except zlib.error:
        return False
    return bool(kinds) and kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and inflate.eof


def _inflates(inflate: zlib._Decompress, body: bytes) -> bool:
    """Feed one IDAT chunk, a step at a time so no more than a step is ever held."""
    total = 0
    pending = body
    while pending:
        total += len(inflate.decompress(pending, _INFLATE_STEP))
        pending = inflate.unconsumed_tail
        if total > _MAX_INFLATED:
            return False
    return True


def svg_intact(path: Path) -> bool:
    """Tell whether a cached SVG this build wrote is whole (it ends with its root's end)."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(max(0, size - 64))
            tail = handle.read()
    except OSError:
        return False
    return tail.rstrip().endswith(b"</svg>")
