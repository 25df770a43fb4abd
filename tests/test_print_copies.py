"""The PDF prints a large picture from a copy no larger than the page shows
(builder.render.printcopy): typst decodes small pictures, the page looks the same."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import numpy
import pytest
from click.testing import CliRunner
from PIL import Image

from builder.cli import main
from builder.render.printcopy import print_box

from .conftest import write
from .imagefiles import noisy_png, numbered

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                reason="poppler-utils not installed")


def _pictures(folder: Path, count: int, size: int = 4000) -> Path:
    png = noisy_png(size)
    lines = ["# Big", ""]
    for number in range(count):
        (folder / f"p{number}.png").write_bytes(numbered(png, number))
        lines += [f"## Picture {number}?", "", f"![picture {number}](p{number}.png)", ""]
    return write(folder / "n.md", "\n".join(lines))


_CAPPED_BUILD = """
import resource, sys
from click.testing import CliRunner
from builder.cli import main
resource.setrlimit(resource.RLIMIT_AS, (1280 << 20, 1280 << 20))
result = CliRunner().invoke(main, ["notes", "--no-lock", "--format", "pdf"])
print(result.output)
sys.exit(result.exit_code)
"""


def test_many_large_cheap_pictures_print_under_a_memory_cap(tmp_path: Path) -> None:
    """24 PNGs of 4000×4000 pixels, 80 KB each: typst held each decoded (48 MB) until the
    compile ended, and the build needed 1.9 GB of address space; printed from copies a
    column wide, it builds in a child capped at 1.25 GB."""
    (tmp_path / "notes").mkdir()
    _pictures(tmp_path / "notes", 24)
    done = subprocess.run([sys.executable, "-c", _CAPPED_BUILD], capture_output=True,
                          text=True, cwd=tmp_path, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert done.returncode == 0, (done.stdout + done.stderr)[-800:]
    assert "wrote dist/Big.pdf" in done.stdout
    sizes = _image_sizes(tmp_path / "dist" / "Big.pdf")
    assert sizes and {width for width, _height in sizes} == {print_box("a4", 2)[0]}


def _image_sizes(pdf: Path) -> list[tuple[int, int]]:
    """The pixel size of every picture the PDF holds."""
    import pikepdf

    with pikepdf.open(pdf) as document:
        return [(int(image.Width), int(image.Height)) for page in document.pages
                for image in page.get_images().values()]


def _page(pdf: Path, dpi: int) -> Image.Image:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", str(pdf),
                    str(pdf.with_suffix(""))], check=True)
    (png,) = pdf.parent.glob(f"{pdf.stem}-*1.png")
    return Image.open(png).convert("RGB")


def _where(page: Image.Image, colour: tuple[int, int, int]) -> tuple[int, int, int, int]:
    """The box (left, top, right, bottom) of the page's pixels near ``colour``."""
    mask = Image.new("1", page.size)
    mask.putdata([all(abs(a - b) < 40 for a, b in zip(cast("tuple[int, ...]", pixel), colour,
                                                      strict=True))
                  for pixel in page.get_flattened_data()])
    box = mask.getbbox()
    assert box is not None, f"no {colour} on the page"
    return box


RED, GREEN, BLUE, YELLOW = (220, 30, 30), (30, 180, 60), (30, 60, 220), (240, 220, 20)


def test_a_turned_phone_photo_prints_sharp_turned_and_as_large(tmp_path: Path) -> None:
    """A 4000×3000 JPEG whose EXIF says to turn it a quarter (as phones write them) is
    printed from a copy a column wide at 300 dpi, turned as typst turns the original,
    filling the column as the original did."""
    photo = Image.new("RGB", (4000, 3000))
    for colour, box in ((RED, (0, 0, 2000, 1500)), (GREEN, (2000, 0, 4000, 1500)),
                        (BLUE, (0, 1500, 2000, 3000)), (YELLOW, (2000, 1500, 4000, 3000))):
        photo.paste(colour, box)
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned a quarter clockwise
    photo.save(tmp_path / "photo.jpg", quality=95, exif=exif.tobytes())
    write(tmp_path / "n.md", "# Photo\n\n## What is shown?\n\n![photo](photo.jpg)\n")
    result = CliRunner().invoke(main, ["n.md", "--no-lock", "--format", "apkg,pdf"])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "dist" / "Photo.pdf"
    (size,) = _image_sizes(pdf)
    width = print_box("a4", 2)[0]
    assert size == (width, round(4000 * width / 3000))  # turned: taller than wide
    column = (210 - 24 - 5) / 2 / 25.4 * 72  # A4, two columns: 256 pt
    assert width >= column / 72 * 300  # sharp: 300 dpi across the column
    page = _page(pdf, 72)  # a pixel a point
    red, green, blue, yellow = (_where(page, c) for c in (RED, GREEN, BLUE, YELLOW))
    # Turned clockwise: blue top left, red top right, yellow bottom left, green bottom right.
    assert blue[2] <= red[0] + 2 and yellow[2] <= green[0] + 2
    assert blue[3] <= yellow[1] + 2 and red[3] <= green[1] + 2
    shown = green[2] - blue[0]
    assert abs(shown - column) <= 3, (shown, column)


def test_a_high_dpi_picture_keeps_its_printed_size(tmp_path: Path) -> None:
    """A 3000×600 PNG that says it is 900 dpi is 240 pt wide, narrower than a column: its
    copy (1123 pixels wide) is printed 240 pt wide too, not as wide as a 1123-pixel
    picture of no stated DPI would be (a column)."""
    Image.new("RGB", (3000, 600), (200, 30, 200)).save(tmp_path / "scan.png", dpi=(900, 900))
    write(tmp_path / "n.md", "# Scan\n\n## What is shown?\n\n![scan](scan.png)\n")
    result = CliRunner().invoke(main, ["n.md", "--no-lock", "--format", "pdf"])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "dist" / "Scan.pdf"
    assert _image_sizes(pdf) == [(print_box("a4", 2)[0], 225)]
    left, top, right, bottom = _where(_page(pdf, 72), (200, 30, 200))
    assert abs((right - left) - 240) <= 2 and abs((bottom - top) - 48) <= 2


def test_copies_are_drawn_once_and_a_bad_cached_copy_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit draws no copy again: they come from the cache.  A cached copy swapped for
    the full-size picture (the cache folder may be a cloned repository's) is drawn again,
    also by a process that gave that copy before (a watch)."""
    from builder.render import printcopy

    drawn: list[tuple[int, int]] = []
    real = printcopy._draw

    def counting(data: bytes, size: tuple[int, int], suffix: str, turned: bool) -> bytes | None:
        drawn.append(size)
        return real(data, size, suffix, turned)

    monkeypatch.setattr(printcopy, "_draw", counting)
    notes = _pictures(tmp_path, 3, size=2500)
    build = ["n.md", "--no-lock", "--format", "pdf"]
    assert CliRunner().invoke(main, build).exit_code == 0
    assert len(drawn) == 3
    notes.write_text(notes.read_text() + "\n## One more?\n\nYes.\n")
    drawn.clear()
    printcopy._KNOWN.clear()  # as a new process: the copies come from the cache folder
    result = CliRunner().invoke(main, build)
    assert result.exit_code == 0, result.output
    assert drawn == [] and "wrote dist/Big.pdf" in result.output
    copy = sorted((tmp_path / "dist" / ".cache").glob("print-*.png"))[0]
    shutil.copyfile(tmp_path / "p0.png", copy)
    notes.write_text(notes.read_text() + "\n## And one more?\n\nYes.\n")
    assert CliRunner().invoke(main, build).exit_code == 0
    assert len(drawn) == 1
    assert {width for width, _height in _image_sizes(tmp_path / "dist" / "Big.pdf")} \
        == {print_box("a4", 2)[0]}


def test_every_kind_of_large_picture_is_printed_from_a_copy(tmp_path: Path) -> None:
    """GIF, WebP, 16-bit grey PNG, palette PNG with transparency and CMYK JPEG pictures
    are printed from copies; an SVG, drawn at the size it is shown, as it is."""
    ramp = Image.linear_gradient("L").resize((2500, 2000))
    # Each its own: pictures of the same pixels are one picture in the PDF.
    ramp.save(tmp_path / "a.gif")
    ramp.point(lambda value: value // 2).convert("RGBA").save(tmp_path / "b.webp")
    sixteen = numpy.asarray(ramp.transpose(Image.Transpose.FLIP_TOP_BOTTOM), dtype=numpy.uint16)
    Image.fromarray(sixteen * 257).save(tmp_path / "c.png")
    palette = ramp.point(lambda value: 255 - value // 2).convert("P")
    palette.save(tmp_path / "d.png", transparency=palette.getpixel((0, 0)))  # the top row
    ramp.transpose(Image.Transpose.TRANSVERSE).resize((2500, 2000)).convert("CMYK").save(
        tmp_path / "e.jpg")
    write(tmp_path / "f.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="5000" '
          'height="4000"><rect width="5000" height="4000" fill="teal"/></svg>')
    write(tmp_path / "n.md", "# Kinds\n\n## Which kinds?\n\n" + "\n\n".join(
        f"![{name}]({name})" for name in ("a.gif", "b.webp", "c.png", "d.png", "e.jpg", "f.svg")))
    result = CliRunner().invoke(main, ["n.md", "--no-lock", "--format", "apkg,pdf"])
    assert result.exit_code == 0 and "0 warning(s)" in result.output, result.output
    width = print_box("a4", 2)[0]
    pdf = tmp_path / "dist" / "Kinds.pdf"
    assert sorted(_image_sizes(pdf)) == [(width, round(2000 * width / 2500))] * 5
    import pikepdf
    from PIL import ImageStat

    with pikepdf.open(pdf) as document:
        images = [image for page in document.pages for image in page.get_images().values()]
        # The GIF's and the 16-bit PNG's ramps as ramps (Pillow's plain conversion of 16
        # bits to 8 clips it to white).
        greys = [pikepdf.PdfImage(cast("pikepdf.Stream", image)).as_pil_image()
                 for image in images
                 if image.ColorSpace[1].N == 1]
        assert len(greys) == 2
        assert all(100 < ImageStat.Stat(grey).mean[0] < 155 for grey in greys)
        # The palette PNG's transparent colour stays transparent (the WebP is opaque).
        # (Pillow keeps it as a colour key converting to RGB: see ``printcopy._printable``.)
        assert sum("/SMask" in image for image in images) == 1


def _layout(parts: list[dict[str, object]] | None) -> list[list[tuple[str, list[int]]]]:
    assert parts is not None
    return [[(str(section["title"]), [card["n"] for card in section["cards"]])
             for section in cast("list[dict[str, Any]]", part["sections"])] for part in parts]


def test_a_sheet_is_cut_into_parts_by_the_pixels_of_its_pictures(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """However few its questions, a sheet whose pictures hold more than ``PART_PIXELS``
    is typeset in parts holding no more; a section that fits whole in a part is not cut,
    and a card over the limit alone is a part of its own."""
    from builder.pdf import parts as pdfparts

    monkeypatch.setattr(pdfparts, "PART_PIXELS", 10)
    payload: dict[str, object] = {"count": 6, "sections": [
        {"title": "A", "cards": [{"n": 1}, {"n": 2}]},
        {"title": "B", "cards": [{"n": 3}, {"n": 4}, {"n": 5}]},
        {"title": "C", "cards": [{"n": 6}]}]}
    assert pdfparts.split(payload, pixels=[1] * 6) is None  # 6 pixels: whole
    assert _layout(pdfparts.split(payload, pixels=[4, 4, 3, 3, 3, 30])) == [
        [("A", [1, 2])], [("B", [3, 4, 5])], [("C", [6])]]
    assert _layout(pdfparts.split(payload, pixels=[4, 3, 3, 3, 0, 0])) == [
        [("A", [1, 2])], [("B", [3, 4, 5]), ("C", [6])]]
    assert _layout(pdfparts.split(payload, pixels=[2, 2, 5, 5, 5, 0])) == [
        [("A", [1, 2]), ("B", [3])], [("B (cont.)", [4, 5]), ("C", [6])]]


def test_a_few_questions_with_many_pictures_are_typeset_in_parts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, typeset: list[int]) -> None:
    """Six questions, each with a 2000×2000 picture printed from a 1123×1123 copy (1.26
    megapixels): under a limit of 3 megapixels a part, three parts of two questions."""
    from builder.pdf import parts as pdfparts

    monkeypatch.setattr(pdfparts, "PART_PIXELS", 3_000_000)
    _pictures(tmp_path, 6, size=2000)
    result = CliRunner().invoke(main, ["n.md", "--no-lock", "--format", "pdf"])
    assert result.exit_code == 0, result.output
    assert typeset == [2, 2, 2]
    # The same pixels in each: one picture a part, printed from its copy.
    assert _image_sizes(tmp_path / "dist" / "Big.pdf") == [(1123, 1123)] * 3
    text = subprocess.run(["pdftotext", str(tmp_path / "dist" / "Big.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert all(f"Picture {number}?" in text for number in range(6))


BAD_EXIF = (b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x03\x01\x12\x00\x03\x00\x00\x00\x01\x00"
            b"\x06\x00\x00\x87i\x00\x04\x00\x00\x00\x01\xff\xff\xff\x00\x01\x0f\x00\x02\x00"
            b"\x00\x00\xc8\x7f\xff\xff\xf0\x00\x00\x00\x00")
"""An EXIF block saying to turn the picture a quarter (orientation 6) whose other tags point
past its end: Pillow reads the orientation, typst rejects the whole block."""
XMP_TURNED = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    '22-rdf-syntax-ns#"><rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" '
    'tiff:Orientation="6"/></rdf:RDF></x:xmpmeta>')


def _red_green(size: tuple[int, int]) -> Image.Image:
    picture = Image.new("RGB", size, GREEN)
    picture.paste(RED, (0, 0, size[0] // 2, size[1]))
    return picture


def test_a_picture_typst_shows_unturned_prints_unturned(tmp_path: Path) -> None:
    """A 4000×1500 picture whose orientation typst does not read (only XMP's
    ``tiff:Orientation``, turning it by a quarter or a half; a damaged EXIF block) is shown
    upright by typst and Anki: its copy is too, red left of green and as wide as the
    column, not turned and squashed."""
    from PIL import PngImagePlugin

    meta = PngImagePlugin.PngInfo()
    meta.add_itxt("XML:com.adobe.xmp", XMP_TURNED)
    _red_green((4000, 1500)).save(tmp_path / "xmp.png", pnginfo=meta)
    meta = PngImagePlugin.PngInfo()  # turned half round: Pillow's getexif() says so too
    meta.add_itxt("XML:com.adobe.xmp", XMP_TURNED.replace('"6"', '"3"'))
    _red_green((4000, 1500)).save(tmp_path / "xmp3.png", pnginfo=meta)
    _red_green((4000, 1500)).save(tmp_path / "bad.jpg", quality=95, exif=BAD_EXIF)
    for name in ("xmp.png", "xmp3.png", "bad.jpg"):
        write(tmp_path / "n.md", f"# Pic\n\n## What is shown?\n\n![pic]({name})\n")
        result = CliRunner().invoke(main, ["n.md", "--no-lock", "--format", "pdf"])
        assert result.exit_code == 0, result.output
        pdf = tmp_path / "dist" / "Pic.pdf"
        width = print_box("a4", 2)[0]
        assert _image_sizes(pdf) == [(width, round(1500 * width / 4000))], name
        for old in tmp_path.glob("dist/Pic-*.png"):
            old.unlink()
        red, green = (_where(_page(pdf, 72), c) for c in (RED, GREEN))
        assert red[2] <= green[0] + 2 and abs(red[1] - green[1]) <= 2, (name, red, green)
        assert abs((green[2] - red[0]) / (green[3] - green[1]) - 4000 / 1500) < 0.1, name


def test_a_damaged_exif_block_prints_no_pillow_warning(tmp_path: Path) -> None:
    """Pillow warns of the damaged EXIF block (``UserWarning: Corrupt EXIF data``) while it
    draws the copy: the build's terminal shows only the build's own lines."""
    _red_green((4000, 1500)).save(tmp_path / "bad.jpg", quality=95, exif=BAD_EXIF)
    write(tmp_path / "n.md", "# Pic\n\n## What is shown?\n\n![pic](bad.jpg)\n")
    done = subprocess.run([sys.executable, "-m", "builder", "n.md", "--no-lock", "--format",
                           "pdf"], capture_output=True, text=True, cwd=tmp_path, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1]),
                               "PYTHONWARNINGS": "default"})
    assert done.returncode == 0, done.stderr
    assert _image_sizes(tmp_path / "dist" / "Pic.pdf") == [(print_box("a4", 2)[0], 421)]
    assert "Warning" not in done.stdout + done.stderr, done.stderr


def test_a_picture_unreadable_once_is_copied_when_it_can_be_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A watch plans the PDF after every save and remembers each picture's answer; a
    picture it could not read (being saved, a share away) is read again next time, and
    printed from a copy then, not as the original for the rest of the watch."""
    import hashlib

    from builder.render import printcopy
    from builder.render.media import MediaFile
    from builder.support.safefile import read_regular

    picture = tmp_path / "p.png"
    Image.new("RGB", (4000, 3000), RED).save(picture)
    sha = hashlib.sha256(picture.read_bytes()).hexdigest()
    found = MediaFile(f"p-{sha[:16]}.png", picture)
    failures = [OSError("busy")]

    def read_once_failing(path: Path, limit: int) -> bytes:
        if failures:
            raise failures.pop()
        return read_regular(path, limit)

    monkeypatch.setattr(printcopy, "read_regular", read_once_failing)
    box = print_box("a4", 2)
    assert printcopy.print_copy(found, box, tmp_path / "cache") is None
    copy = printcopy.print_copy(found, box, tmp_path / "cache")
    assert copy is not None and copy.media.path.parent == tmp_path / "cache"
    assert copy.pixels == box[0] * round(3000 * box[0] / 4000)
