"""Picture headers read for type and size (Pillow as the independent judge), and cached
formula and diagram images checked before they are packed."""

from __future__ import annotations

import contextlib
import io
import random
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.render.imagecheck import NotAnImage, image_info, png_intact

from .ankimedia import assert_media_present
from .conftest import write
from .imagefiles import png


def pillow(size: tuple[int, int], fmt: str, **options: object) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    mode = "RGBA" if options.pop("alpha", False) else "RGB"
    Image.new(mode, size, (200, 40, 40, 128)[:len(mode)]).save(buffer, format=fmt, **options)
    return buffer.getvalue()


SAMPLES = [
    ("png", (37, 23), {}, ".png"),
    ("JPEG", (41, 19), {}, ".jpg"),
    ("JPEG", (640, 3), {"progressive": True}, ".jpg"),
    ("GIF", (13, 250), {}, ".gif"),
    ("WEBP", (33, 21), {}, ".webp"),                     # VP8 (lossy)
    ("WEBP", (16383, 2), {"lossless": True}, ".webp"),   # VP8L, widest it allows
    ("WEBP", (29, 31), {"alpha": True}, ".webp"),        # VP8X (lossy with alpha)
]


@pytest.mark.parametrize(("fmt", "size", "options", "suffix"), SAMPLES)
def test_header_sizes_match_what_pillow_decodes(fmt: str, size: tuple[int, int],
                                                options: dict[str, object],
                                                suffix: str) -> None:
    from PIL import Image

    data = pillow(size, fmt, **dict(options))
    with Image.open(io.BytesIO(data)) as decoded:
        expected = decoded.size
    info = image_info(data)
    assert (info.suffix, (info.width, info.height)) == (suffix, expected)


@pytest.mark.parametrize(("svg", "size"), [
    (b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"/>', (40, 20)),
    (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="2in" '
     b'height="72pt"/>', (192, 96)),
    (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 150"></svg>', (300, 150)),
    (b'<!-- made by hand -->\n<svg width="100%" viewBox="0,0,8,9"/>', (8, 9)),
])
def test_svg_sizes_come_from_the_root_element(svg: bytes, size: tuple[int, int]) -> None:
    info = image_info(svg)
    assert (info.suffix, (info.width, info.height)) == (".svg", size)


@pytest.mark.parametrize("data", [
    b"", b"\x89PNG\r\n\x1a\n", b"GIF89", b"RIFF\0\0\0\0WEBPVP8 ", b"\xff\xd8\xff\xe0\0\x10",
    b"\xff\xd8\xff\xe0\0\x00", b"<?xml version='1.0'?><html/>",
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>',
    b"<svg", b"<svg width='1'", b"plain text",
])
def test_damaged_or_foreign_headers_are_not_pictures(data: bytes) -> None:
    with pytest.raises(NotAnImage):
        image_info(data)


def test_any_prefix_of_a_picture_is_read_or_refused_never_a_crash() -> None:
    rng = random.Random(17)
    for fmt, size, options, _suffix in SAMPLES:
        data = pillow(size, fmt, **dict(options))
        for cut in [*range(0, 40), *rng.sample(range(len(data)), min(40, len(data)))]:
            noisy = bytearray(data[:cut])
            if noisy and rng.random() < 0.5:
                noisy[rng.randrange(len(noisy))] = rng.randrange(256)
            with contextlib.suppress(NotAnImage):
                image_info(bytes(noisy))


def test_png_intact_finds_every_kind_of_damage(tmp_path: Path) -> None:
    whole = png(9, 9)
    path = tmp_path / "x.png"
    cases = {"whole": (whole, True), "empty": (b"", False), "cut": (whole[:-5], False),
             "no IEND": (whole[:-12], False),
             "flipped bit": (whole[:40] + bytes([whole[40] ^ 1]) + whole[41:], False)}
    for name, (data, intact) in cases.items():
        path.write_bytes(data)
        assert png_intact(path) is intact, name


# -- cached formula and diagram images -----------------------------------------------------

NOTES = "## S\n### Q\n$a^2+b^2$\n\n```diagram\ntype: activation\n```\n"


def packed_pictures(package: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(package) as archive:
        import json

        names = json.loads(archive.read("media"))
        return {name: archive.read(index) for index, name in names.items()}


@pytest.mark.parametrize("damage", ["truncated", "empty"])
def test_damaged_cached_images_are_drawn_again_even_with_force(tmp_path: Path,
                                                               damage: str) -> None:
    from PIL import Image

    write(tmp_path / "n.md", NOTES)
    first = CliRunner().invoke(main, ["n.md", "--format", "apkg"])
    assert first.exit_code == 0, first.output
    cache = tmp_path / "dist" / ".cache"
    cached = [*cache.glob("math-*.png"), *cache.glob("diagram-*.png")]
    assert len(cached) == 2
    for path in cached:
        data = path.read_bytes()
        path.write_bytes(data[:len(data) // 2] if damage == "truncated" else b"")
    again = CliRunner().invoke(main, ["n.md", "--format", "apkg", "--force"])
    assert again.exit_code == 0, again.output
    assert re.search(r"images: 2 rendered", again.output), again.output
    packed = packed_pictures(tmp_path / "dist" / "n.apkg")
    assert {name.split("-")[0] for name in packed} == {"math", "diagram"}
    for name, data in packed.items():
        with Image.open(io.BytesIO(data)) as picture:
            picture.load()  # raises on a cut or empty file
        assert data == (cache / name).read_bytes()
    assert_media_present(tmp_path / "dist" / "n.apkg")
