"""Small, real picture files for tests: every one decodes (typst and Anki alike)."""

from __future__ import annotations

import zlib
from pathlib import Path


def png(width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (255, 0, 0),
        text: bytes = b"") -> bytes:
    """Return a whole RGB PNG; ``text`` goes into a tEXt chunk, to find the file by its bytes."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    note = _chunk(b"tEXt", b"Comment\x00" + text) if text else b""
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + note
            + _chunk(b"IDAT", zlib.compress(raw)) + _chunk(b"IEND", b""))


def noisy_png(size: int) -> bytes:
    """A PNG of ``size``² pixels that is cheap on disk: one colour, a little noise (~190 KB
    at 7000, 147 MB decoded)."""
    import random
    from io import BytesIO

    from PIL import Image

    picture = Image.new("RGB", (size, size), (40, 120, 200))
    pixels = picture.load()
    assert pixels is not None
    rng = random.Random(1)
    for _ in range(2000):
        pixels[rng.randrange(size), rng.randrange(size)] = (rng.randrange(256),) * 3
    out = BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def numbered(png: bytes, number: int) -> bytes:
    """``png`` with a text chunk saying ``number``: the same pixels, other bytes, so
    another picture to pack and decode."""
    return png[:33] + _chunk(b"tEXt", b"Comment\0" + str(number).encode()) + png[33:]


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width``×``height`` pixels, followed by one tiny IDAT:
    what a decompression bomb looks like to anything that reads only the header."""
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _chunk(b"IEND", b""))


def write_png(path: Path, **kwargs: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png(**kwargs))  # type: ignore[arg-type]
    return path


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
