"""Which code points the pinned font files (``builder.render.fonts``) draw, kept as a table.

Apart from ``builder.render.fonts``: diagram pictures are named by a hash of that module,
and this table's code draws no picture.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from builder.render.fonts import noto_fonts_dir, regular_cjk_font

DRAWABLE_TABLE = Path(__file__).with_name("fonts_drawable.txt")
"""The code points of the pinned font files, as ranges: read from the fonts once (by
``write_drawable_table``) so that checking notes loads no font library (matplotlib's
import alone takes half a second).  The tests compare it with the font files."""


@cache
def drawable_code_points() -> frozenset[int]:
    """Every code point one of the pinned font files has a glyph for."""
    points: set[int] = set()
    for line in DRAWABLE_TABLE.read_text(encoding="ascii").splitlines():
        if line and not line.startswith("#"):
            first, _, last = line.partition("-")
            points.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(points)


def write_drawable_table() -> None:
    """Write ``DRAWABLE_TABLE`` from the font files (after a font pin changes)."""
    ranges: list[list[int]] = []
    for point in sorted(drawable_in_font_files()):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    lines = [f"{a:x}" if a == b else f"{a:x}-{b:x}" for a, b in ranges]
    DRAWABLE_TABLE.write_text("# Code points the pinned fonts draw: builder.render.fontcoverage."
                              "write_drawable_table() writes this file from them.\n"
                              + "\n".join(lines) + "\n", encoding="ascii")


def drawable_in_font_files() -> frozenset[int]:
    """Every code point one of the pinned font files has a glyph for, read from them.

    The faces of the Noto CJK collections share one character map (44,810 code points in
    each face of both), so the first face stands for both collections.  matplotlib's
    FreeType binding reads the maps in about 10 ms (fontTools took 140 ms).
    """
    from matplotlib.ft2font import FT2Font

    points: set[int] = set(FT2Font(str(regular_cjk_font())).get_charmap())
    for path in sorted(noto_fonts_dir().iterdir()):
        if path.suffix in (".ttf", ".otf"):
            points.update(FT2Font(str(path)).get_charmap())
    return frozenset(points)
